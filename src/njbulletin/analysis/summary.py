"""A month's key figures (summary.json), and its quality flags counted by rule.

Every function takes frames and returns values; nothing here reads files. The reports word them
(`njbulletin.report.narrative`).
"""
from __future__ import annotations

from typing import Mapping

import polars as pl

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


def sum_hospital_visits(uploads: pl.DataFrame) -> int:
    return sum_column(uploads.filter(pl.col("level") == "hospital"), "outpatient_visits")


def count_flags(quality_flags: pl.DataFrame, severity: str | None = None) -> int:
    selected = quality_flags if severity is None else quality_flags.filter(pl.col("severity") == severity)
    return selected.height


def summarise_month(month: str, days_in_month: int, tables: Mapping[str, pl.DataFrame]) -> dict:
    """The key figures of one month, in SUMMARY_FIELDS order, from its processed tables."""
    from njbulletin.analysis.completeness import count_complete_units

    bookings, uploads = tables["bookings"], tables["uploads"]
    total = count_bookings(bookings)
    flags = tables.get("quality_flags", pl.DataFrame(schema={"severity": pl.String}))
    return {
        "month": month,
        "days_in_month": days_in_month,
        "bookings_total": total,
        "third_party_share": compute_share(count_bookings(bookings, "third_party"), total),
        "platforms_total": sum_column(tables["booking_platforms"], "count"),
        "hotline_calls": count_hotline_calls(tables["hotline"]),
        "upload_units": uploads.height,
        "upload_units_complete": int(count_complete_units(uploads, days_in_month)),
        "hospital_outpatient_visits": sum_hospital_visits(uploads),
        "quality_flags": count_flags(flags),
        "quality_errors": count_flags(flags, "error"),
    }


def count_flags_by_rule(quality_flags: pl.DataFrame) -> pl.DataFrame:
    """How many flags each rule raised, by severity, most frequent first."""
    return (quality_flags.group_by("severity", "rule").agg(pl.len().alias("flags"))
            .sort(["flags", "severity", "rule"], descending=[True, False, False]))
