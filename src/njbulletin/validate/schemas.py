"""pandera schemas for every table of the contract (and quality_flags), on eager polars frames.

Each schema checks types, that counts and amounts are not negative, the month format,
the allowed values of categorical columns, the uploads' bounds (real-time days within
the month, forms uploaded within forms expected) and that each table's key is unique.
`schema_failures` validates lazily, so every failure is collected, and returns pandera's
failure cases as a frame that validation turns into readable lines.
"""
from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData
from pandera.errors import SchemaErrors

from njbulletin.contract import CHANNELS, EXPORT_SCHEMAS, QUALITY_FLAGS_SCHEMA, TABLE_DOCS, TABLE_SCHEMAS

MONTH_REGEX = r"^\d{4}-(0[1-9]|1[0-2])$"
SEVERITIES = ("warning", "error")
# Each table's key (no two rows may share it): the primary keys of the table contract.
TABLE_KEYS: dict[str, list[str]] = {table: list(docs.primary_key) for table, docs in TABLE_DOCS.items()
                                    if table in EXPORT_SCHEMAS and table != "summary"}

# pandera's check description (its start) -> what a failing value is, in a message.
CHECK_PHRASES = (
    ("str_matches", "is not a month in YYYY-MM form"),
    ("greater_than_or_equal_to", "is negative"),
    ("within_days_of_month", "is more than the days in the month"),
    ("within_forms_expected", "is more than forms_expected"),
    ("isin", "is not an allowed value"),
    ("str_length", "is empty"),
)


def describe_failure(column: str | None, check: str, failure_case: str | None) -> str:
    """One readable phrase for a pandera failure case."""
    if check.startswith("dtype("):
        return f"column {column} has type {failure_case}, expected {check[len('dtype('):].strip(')').strip(chr(39))}"
    if check == "column_in_dataframe":
        return f"column {failure_case} is missing"
    if check == "column_in_schema":
        return f"column {failure_case} is not in the contract"
    if check == "column_ordered":
        return f"column {failure_case} is out of order"
    if check == "multiple_fields_uniqueness" or check.startswith("field_uniqueness"):
        key = ", ".join(TABLE_KEYS.get(column or "", [])) or "key"
        return f"another row has the same ({key})"
    for prefix, phrase in CHECK_PHRASES:
        if check.startswith(prefix):
            return f"{column} {failure_case} {phrase}"
    return f"{column} {failure_case} fails {check}"


def month_column() -> pa.Column:
    return pa.Column(pl.String, pa.Check.str_matches(MONTH_REGEX), nullable=False)


def count_column(nullable: bool = True) -> pa.Column:
    return pa.Column(pl.Int64, pa.Check.ge(0), nullable=nullable)


def amount_column() -> pa.Column:
    return pa.Column(pl.Float64, pa.Check.ge(0), nullable=True)


def name_column() -> pa.Column:
    return pa.Column(pl.String, pa.Check.str_length(min_value=1), nullable=False)


def choice_column(values: tuple[str, ...]) -> pa.Column:
    return pa.Column(pl.String, pa.Check.isin(list(values)), nullable=False)


def days_of_month(month: pl.Expr) -> pl.Expr:
    """The number of days in each row's month (null for a malformed month)."""
    return month.str.to_date("%Y-%m", strict=False).dt.month_end().dt.day()


def within_days_of_month(data: PolarsData) -> pl.LazyFrame:
    """realtime_days is at most the number of days in the row's month (null passes)."""
    days = pl.col(data.key)
    return data.lazyframe.select((days.is_null() | (days <= days_of_month(pl.col("month")))).fill_null(True))


def within_forms_expected(data: PolarsData) -> pl.LazyFrame:
    """forms_uploaded is at most forms_expected (null on either side passes)."""
    uploaded, expected = pl.col(data.key), pl.col("forms_expected")
    return data.lazyframe.select((uploaded <= expected).fill_null(True))


def build_schemas() -> dict[str, pa.DataFrameSchema]:
    types = TABLE_SCHEMAS
    assert set(types) == {"hotline", "bookings", "booking_platforms", "uploads", "declared_totals"}
    schemas = {
        "hotline": {"month": month_column(), "category": name_column(),
                    "kind": choice_column(("call", "work_order")), "count": count_column()},
        "bookings": {"month": month_column(), "seq": count_column(nullable=False), "hospital": name_column(),
                     "channel": choice_column(CHANNELS), "count": count_column()},
        "booking_platforms": {"month": month_column(), "platform": name_column(), "count": count_column()},
        "uploads": {
            "month": month_column(), "level": choice_column(("district", "hospital")), "unit": name_column(),
            "scheduled_records": count_column(),
            "realtime_days": pa.Column(pl.Int64, [pa.Check.ge(0),
                                                  pa.Check(within_days_of_month, name="within_days_of_month")],
                                       nullable=True),
            "forms_uploaded": pa.Column(pl.Int64, [pa.Check.ge(0),
                                                   pa.Check(within_forms_expected, name="within_forms_expected")],
                                        nullable=True),
            "forms_expected": count_column(),
            "outpatient_visits": count_column(), "outpatient_income_k": amount_column(),
            "discharges": count_column(), "inpatient_income_k": amount_column(),
        },
        "declared_totals": {"month": month_column(), "table": name_column(), "item": name_column(),
                            "value": pa.Column(pl.Float64, pa.Check.ge(0), nullable=False)},
    }
    built = {}
    for table, columns in schemas.items():
        assert list(columns) == list(types[table]), f"schema of {table} disagrees with the contract"
        built[table] = pa.DataFrameSchema(columns, unique=TABLE_KEYS[table], strict=True, ordered=True,
                                          name=table)
    built["quality_flags"] = pa.DataFrameSchema(
        {"month": month_column(), "level": name_column(), "unit": name_column(), "rule": name_column(),
         "detail": name_column(), "severity": choice_column(SEVERITIES)},
        unique=TABLE_KEYS["quality_flags"], strict=True, ordered=True, name="quality_flags")
    return built


SCHEMAS: dict[str, pa.DataFrameSchema] = build_schemas()

FAILURE_COLUMNS = {"table": pl.String, "column": pl.String, "check": pl.String, "failure_case": pl.String,
                   "row": pl.Int64}


def schema_failures(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Validate one table lazily; every failure as a row: table, column, check, failure_case, row.

    `row` is the index of the failing row in `frame` (null for a failure of the whole table,
    such as a missing column); `check` is the name of the check (see CHECK_PHRASES), or pandera's
    own description for type and structure failures.
    """
    try:
        SCHEMAS[table].validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        return pl.DataFrame({
            "table": [table] * cases.height,
            "column": cases["column"].cast(pl.String),
            "check": cases["check"].cast(pl.String),
            "failure_case": cases["failure_case"].cast(pl.String),
            "row": cases["index"].cast(pl.Int64),
        }, schema=FAILURE_COLUMNS)
    return pl.DataFrame(schema=FAILURE_COLUMNS)


def empty_quality_flags() -> pl.DataFrame:
    return pl.DataFrame(schema=QUALITY_FLAGS_SCHEMA)
