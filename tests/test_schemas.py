"""pandera schemas: the seed passes; each check fails on a variant of the seed's frames, all collected."""
from __future__ import annotations

import polars as pl
import pytest

from njbulletin.contract import TABLE_SCHEMAS
from njbulletin.reading.parser import parse_bulletin
from njbulletin.validate.checks import validate_bulletin
from njbulletin.validate.schemas import SCHEMAS, TABLE_KEYS, describe_failure, schema_failures

from seedtools import SEED_PATH


@pytest.fixture(scope="module")
def seed():
    return parse_bulletin(SEED_PATH)


def set_cell(frame: pl.DataFrame, where: pl.Expr, column: str, value) -> pl.DataFrame:
    """The frame with one column replaced where a condition holds (same dtype)."""
    dtype = frame.schema[column]
    return frame.with_columns(pl.when(where).then(pl.lit(value, dtype=dtype)).otherwise(pl.col(column)).alias(column))


def phrases(failures: pl.DataFrame) -> list[str]:
    return [describe_failure(r["column"], r["check"], r["failure_case"]) for r in failures.iter_rows(named=True)]


def test_every_contract_table_has_a_schema_and_the_seed_passes(seed):
    assert set(TABLE_SCHEMAS) < set(SCHEMAS)
    for table, frame in seed.tables.items():
        assert schema_failures(table, frame).height == 0, table


def test_negative_counts_and_amounts(seed):
    uploads = set_cell(seed.tables["uploads"], pl.col("unit") == "高淳区", "discharges", -1)
    uploads = set_cell(uploads, pl.col("unit") == "江宁区", "inpatient_income_k", -0.5)
    failures = schema_failures("uploads", uploads)
    assert failures.select("column", "failure_case", "row").rows() == [
        ("discharges", "-1", 1), ("inpatient_income_k", "-0.5", 0)]
    assert phrases(failures) == ["discharges -1 is negative", "inpatient_income_k -0.5 is negative"]
    bookings = set_cell(seed.tables["bookings"], pl.col("count") == 7139, "count", -7139)
    assert phrases(schema_failures("bookings", bookings)) == ["count -7139 is negative"]


def test_month_format(seed):
    hotline = set_cell(seed.tables["hotline"], pl.col("category") == "咨询类", "month", "2024-13")
    failures = schema_failures("hotline", hotline)
    assert phrases(failures) == ["month 2024-13 is not a month in YYYY-MM form"]
    assert failures["row"].to_list() == [0]


def test_a_malformed_month_is_an_error_not_a_crash(seed):
    from dataclasses import replace

    uploads = set_cell(seed.tables["uploads"], pl.col("unit") == "江宁区", "month", "2024-13")
    report = validate_bulletin(replace(seed, tables={**seed.tables, "uploads": uploads}))
    assert [issue.detail for issue in report.errors] == ["uploads: 江宁区: month 2024-13 is not a month in YYYY-MM form"]
    assert len(report.warnings) == 106


def test_types(seed):
    platforms = seed.tables["booking_platforms"].with_columns(pl.col("count").cast(pl.Float64))
    assert phrases(schema_failures("booking_platforms", platforms)) == [
        "column count has type Float64, expected Int64"]
    missing = seed.tables["hotline"].drop("kind")
    assert "column kind is missing" in phrases(schema_failures("hotline", missing))


def test_allowed_values(seed):
    bookings = set_cell(seed.tables["bookings"], pl.col("count") == 7139, "channel", "fax")
    assert phrases(schema_failures("bookings", bookings)) == ["channel fax is not an allowed value"]


def test_bounds_of_uploads(seed):
    uploads = set_cell(seed.tables["uploads"], pl.col("unit") == "浦口区", "realtime_days", 31)
    uploads = set_cell(uploads, pl.col("unit") == "江宁区", "forms_uploaded", 12)
    assert phrases(schema_failures("uploads", uploads)) == [
        "realtime_days 31 is more than the days in the month", "forms_uploaded 12 is more than forms_expected"]
    # The bound follows each row's month: 31 days are allowed in December.
    december = uploads.with_columns(pl.lit("2024-12").alias("month"))
    assert phrases(schema_failures("uploads", december)) == ["forms_uploaded 12 is more than forms_expected"]


@pytest.mark.parametrize("table", ["hotline", "bookings", "booking_platforms", "uploads", "declared_totals"])
def test_keys_are_unique(seed, table):
    frame = seed.tables[table]
    doubled = pl.concat([frame, frame.head(1)])
    failures = schema_failures(table, doubled)
    assert failures["check"].unique().to_list() == ["multiple_fields_uniqueness"]
    assert failures["row"].to_list() == [0, frame.height]
    assert phrases(failures)[0] == f"another row has the same ({', '.join(TABLE_KEYS[table])})"
    assert TABLE_KEYS[table][0] == "month"


def test_duplicate_row_becomes_an_error_naming_its_line(seed):
    from dataclasses import replace

    bookings = pl.concat([seed.tables["bookings"], seed.tables["bookings"].slice(4, 1)])
    report = validate_bulletin(replace(seed, tables={**seed.tables, "bookings": bookings}))
    details = sorted({issue.detail for issue in report.errors if issue.rule == "schema_key"})
    assert details == ["bookings: 南京市第一医院/online_12320: another row has the same (month, hospital, channel)"]
    assert {issue.line for issue in report.errors if issue.rule == "schema_key"} == {
        seed.line_of("bookings", "南京市第一医院")}


def test_failures_are_collected_together(seed):
    """lazy=True: a type error, a negative value and a duplicate are all reported at once."""
    uploads = set_cell(seed.tables["uploads"], pl.col("unit") == "高淳区", "discharges", -1)
    uploads = set_cell(uploads, pl.col("unit") == "浦口区", "realtime_days", 40)
    uploads = pl.concat([uploads, uploads.tail(1)])
    failures = schema_failures("uploads", uploads)
    assert sorted(set(failures["column"].to_list())) == ["discharges", "realtime_days", "uploads"]


def test_schema_failures_become_errors_naming_the_row(seed):
    from dataclasses import replace

    uploads = set_cell(seed.tables["uploads"], pl.col("unit") == "高淳区", "discharges", -1)
    report = validate_bulletin(replace(seed, tables={**seed.tables, "uploads": uploads}))
    [error] = report.errors
    assert error.detail == "uploads: 高淳区: discharges -1 is negative"
    assert error.line == seed.line_of("uploads", "district/高淳区")
    assert error.rule == "schema_discharges"


def test_a_structural_failure_skips_the_other_rules(seed):
    from dataclasses import replace

    hotline = seed.tables["hotline"].drop("kind")
    report = validate_bulletin(replace(seed, tables={**seed.tables, "hotline": hotline}))
    assert [issue.detail for issue in report.errors] == ["hotline: column kind is missing"]
    assert report.warnings == []


def test_quality_flags_schema():
    flags = pl.DataFrame({"month": ["2024-11"], "level": ["district"], "unit": ["秦淮区"], "rule": ["no_uploads"],
                          "detail": ["x"], "severity": ["notice"]})
    assert phrases(schema_failures("quality_flags", flags)) == ["severity notice is not an allowed value"]
