"""A month's key figures (summary.json), and its quality flags counted by rule.

Every function takes frames and returns values; nothing here reads files. The reports word them
(`njbulletin.report.narrative`).
"""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

BULLETIN_TABLES = ("bookings", "booking_platforms", "hotline", "uploads")
# Tables a figure is computed from even when they have no row (an empty table elsewhere means "not printed"):
# no quality flags is a count of 0, and the printed totals are compared even when none was printed.
ALWAYS_PRESENT = ("quality_flags", "declared_totals")
SUMMARY_FIELDS = ("month", "days_in_month", "bookings_total", "third_party_share", "platforms_total",
                  "hotline_calls", "upload_units", "upload_units_complete", "hospital_outpatient_visits",
                  "quality_flags", "quality_errors")


def sum_column(frame: pl.DataFrame, column: str) -> int:
    """The sum of an integer column (nulls ignored); 0 for an empty frame."""
    return int(frame.select(pl.col(column).fill_null(0).sum()).item() or 0)


def count_bookings(bookings: pl.DataFrame, channel: str | None = None) -> int:
    selected = bookings if channel is None else bookings.filter(pl.col("channel") == channel)
    return sum_column(selected, "count")


def compute_share(part: int, whole: int) -> float | None:
    """part / whole rounded to 6 decimals, or None when the whole is 0."""
    return round(part / whole, 6) if whole else None


def count_hotline_calls(hotline: pl.DataFrame) -> int:
    return sum_column(hotline.filter(pl.col("kind") == "call"), "count")


def count_work_orders(hotline: pl.DataFrame) -> int:
    return sum_column(hotline.filter(pl.col("kind") == "work_order"), "count")


def sum_hospital_visits(uploads: pl.DataFrame) -> int:
    return sum_column(uploads.filter(pl.col("level") == "hospital"), "outpatient_visits")


def count_flags(quality_flags: pl.DataFrame, severity: str | None = None) -> int:
    selected = quality_flags if severity is None else quality_flags.filter(pl.col("severity") == severity)
    return selected.height


def declared_value(declared: pl.DataFrame, table: str, item: str) -> float | None:
    """A figure the bulletin printed (declared_totals), or None when it was not printed."""
    values = declared.filter((pl.col("table") == table) & (pl.col("item") == item))["value"]
    return float(values[0]) if values.len() else None


def compute_key_figures(month: str, days_in_month: int, tables: Mapping[str, pl.DataFrame]) -> dict:
    """Every key figure of one month from its tables: the one place they are computed (summary.json,
    summary.csv, the index and the trends all use it). A figure whose table is absent is None."""
    from njbulletin.analysis.completeness import count_complete_units

    def when_present(name: str, compute):
        return compute(tables[name]) if name in tables else None

    total = when_present("bookings", count_bookings)
    third_party = when_present("bookings", lambda frame: count_bookings(frame, "third_party")
                               if frame.filter(pl.col("channel") == "third_party").height else None)
    flags = tables.get("quality_flags", pl.DataFrame(schema={"severity": pl.String}))
    declared = tables.get("declared_totals", pl.DataFrame(schema={"table": pl.String, "item": pl.String,
                                                                   "value": pl.Float64}))
    return {
        "month": month,
        "days_in_month": days_in_month,
        "bookings_total": total,
        # None when the month prints no 第三方 column: a share of a channel that was not printed is not 0
        "third_party_share": compute_share(third_party, total) if None not in (third_party, total) else None,
        "platforms_total": when_present("booking_platforms", lambda frame: sum_column(frame, "count")),
        "hotline_calls": when_present("hotline", count_hotline_calls),
        "work_orders": when_present("hotline", count_work_orders),
        "upload_units": when_present("uploads", lambda frame: frame.height),
        "upload_units_complete": when_present("uploads", lambda frame: int(count_complete_units(frame, days_in_month))),
        "hospital_outpatient_visits": when_present("uploads", sum_hospital_visits),
        "cumulative_bookings": declared_value(declared, "bookings", "cumulative_bookings"),
        "cumulative_records": declared_value(declared, "uploads", "cumulative_records"),
        "quality_flags": count_flags(flags),
        "quality_errors": count_flags(flags, "error"),
    }


def summarise_month(month: str, days_in_month: int, tables: Mapping[str, pl.DataFrame]) -> dict:
    """The key figures of one month written to summary.json, in SUMMARY_FIELDS order. Every table of the
    bulletin must be there: a month whose tables were not stored has no summary (ValueError)."""
    missing = [name for name in BULLETIN_TABLES if name not in tables]
    if missing:
        raise ValueError(f"{month}: no processed {', '.join(missing)} table; the month has no summary")
    figures = compute_key_figures(month, days_in_month, tables)
    return {name: figures[name] for name in SUMMARY_FIELDS}


def summarise_months(tables: Mapping[str, pl.DataFrame]) -> list[dict]:
    """The key figures of every month the tables hold (each table with every month's rows and a `month`
    column, as the processed datasets give them), oldest first, in SUMMARY_FIELDS order: one per month that
    has all of the bulletin's tables (an ingested month), whether or not it was ever run."""
    from njbulletin.months import days_in_month

    months = sorted(set.intersection(*(set(tables[name]["month"].unique().to_list()) if name in tables else set()
                                       for name in BULLETIN_TABLES)))
    summaries = []
    for month in months:
        tables_of_month = {name: frame.filter(pl.col("month") == month) for name, frame in tables.items()}
        summaries.append(summarise_month(month, days_in_month(month), tables_of_month))
    return summaries


def present_tables(tables: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The tables a month's figures are computed from: those with rows, and `ALWAYS_PRESENT` even when empty
    (the one rule of which tables count as present, for the history store, the series and the trends)."""
    return {name: frame for name, frame in tables.items() if frame.height or name in ALWAYS_PRESENT}
