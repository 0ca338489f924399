"""Trend tables in a wide layout: one row per measure, one column per month, the latest 13 months.

The whole history stays in the CSV exports (REPORTS/data/) and in the charts; a page shows the last
13 months, so this month and the same month a year before are side by side.
"""
from __future__ import annotations

import polars as pl

LATEST_MONTHS = 13


def latest_months(frame: pl.DataFrame, months: int = LATEST_MONTHS) -> list[str]:
    """The latest `months` months of a frame's `month` column, oldest first."""
    return sorted(frame["month"].unique().to_list())[-months:]


def measure_kind(measure: str) -> str:
    """How a measure's values are formatted: shares as percentages, scores with 4 decimals, else counts."""
    if measure.endswith("share") or measure.startswith("share"):
        return "percent"
    if measure.endswith("score"):
        return "decimal4"
    return "integer"


def widen(frame: pl.DataFrame, measures: list[str], keys: tuple[str, ...] = (),
          months: int = LATEST_MONTHS) -> tuple[pl.DataFrame, list[str]]:
    """frame (month, *keys, *measures) -> (*keys, metric, one column per month) over the latest months,
    and the format of each row (measure_kind)."""
    shown = latest_months(frame, months)
    long = (frame.filter(pl.col("month").is_in(shown))
            .select("month", *keys, *[pl.col(m).cast(pl.Float64) for m in measures])
            .unpivot(index=["month", *keys], variable_name="metric", value_name="value"))
    order = {measure: index for index, measure in enumerate(measures)}
    wide = (long.pivot(on="month", index=[*keys, "metric"], values="value")
            .with_columns(pl.col("metric").replace_strict(order, return_dtype=pl.Int64).alias("_order"))
            .sort([*keys, "_order"]).drop("_order"))
    wide = wide.select(*keys, "metric", *[month for month in shown if month in wide.columns])
    return wide, [measure_kind(measure) for measure in wide["metric"].to_list()]


def latest_changes(changes: pl.DataFrame, month: str, measures: list[str]) -> tuple[pl.DataFrame, list[str]]:
    """One month's changes (trends.compute_changes) in the order of `measures`: metric, value, the month
    before, month on month, a year before, year on year; and the format of each row's values."""
    order = {measure: index for index, measure in enumerate(measures)}
    frame = (changes.filter((pl.col("month") == month) & pl.col("metric").is_in(measures))
             .sort(pl.col("metric").replace_strict(order, return_dtype=pl.Int64))
             .select("metric", "value", "previous_value", "mom_pct", "year_ago_value", "yoy_pct"))
    return frame, [measure_kind(measure) for measure in frame["metric"].to_list()]


def recent_presence(presence: pl.DataFrame, months: int = LATEST_MONTHS) -> pl.DataFrame:
    """Units appearing or disappearing in the latest months only."""
    if presence.height == 0:
        return presence
    shown = sorted(presence["month"].unique().to_list())[-months:]
    return presence.filter(pl.col("month").is_in(shown))
