"""Trend tables in a wide layout: one row per measure, one column per month, the latest 13 processed months,
the newest first (this month beside the labels, where a reader looks first, on screen and on paper).

The whole history stays in the CSV exports (REPORTS/data/) and in the charts; a page shows the last 13
processed months, so this month and the same month a year before are side by side, and every table of the
page (units appearing or leaving included) covers exactly those months and says which they are.
"""
from __future__ import annotations

import polars as pl

from njbulletin.indicators import find_indicator

LATEST_MONTHS = 13
# Figures the bulletin prints rounded, shown with its precision: 累计校验入库数据 285.01 亿条.
PRINTED_PRECISION = {"cumulative_records": "hundred_million"}


def latest_months(frame: pl.DataFrame, months: int = LATEST_MONTHS) -> list[str]:
    """The latest `months` months of a frame's `month` column, oldest first."""
    return sorted(frame["month"].unique().to_list())[-months:]


def months_note(shown: list[str]) -> tuple[str, dict]:
    """The note under a trend table: which months it shows (a note of report_table)."""
    return "note.latest_months", {"count": len(shown), "first": shown[0] if shown else "—",
                                  "last": shown[-1] if shown else "—"}


def indicator_kind(measure: str) -> str | None:
    """An indicator's kind (count, share or ratio) from `njbulletin.indicators`; None for another measure."""
    try:
        return find_indicator(measure).kind
    except KeyError:
        return None


def measure_kind(measure: str) -> str:
    """How a measure's values are formatted: with the bulletin's precision where it prints one, shares as
    percentages (a completeness score too: it is a share, written as the attention page writes it), ratios with
    2 decimals, counts as integers."""
    if measure in PRINTED_PRECISION:
        return PRINTED_PRECISION[measure]
    kind = indicator_kind(measure)
    if kind == "share" or measure.endswith(("share", "score")) or measure.startswith("share"):
        return "percent"
    if kind == "ratio":
        return "decimal2"
    return "integer"


def widen(frame: pl.DataFrame, measures: list[str], keys: tuple[str, ...] = (),
          months: int = LATEST_MONTHS, shown: list[str] | None = None) -> tuple[pl.DataFrame, list[str]]:
    """frame (month, *keys, *measures) -> (*keys, metric, one column per month, newest first) over the latest
    months (`shown`, or the frame's latest `months`), and the format of each row (measure_kind)."""
    shown = shown if shown is not None else latest_months(frame, months)
    long = (frame.filter(pl.col("month").is_in(shown))
            .select("month", *keys, *[pl.col(m).cast(pl.Float64) for m in measures])
            .unpivot(index=["month", *keys], variable_name="metric", value_name="value"))
    order = {measure: index for index, measure in enumerate(measures)}
    wide = (long.pivot(on="month", index=[*keys, "metric"], values="value")
            .with_columns(pl.col("metric").replace_strict(order, return_dtype=pl.Int64).alias("_order"))
            .sort([*keys, "_order"]).drop("_order"))
    wide = wide.select(*keys, "metric", *[month for month in reversed(shown) if month in wide.columns])
    return wide, [measure_kind(measure) for measure in wide["metric"].to_list()]


def latest_changes(changes: pl.DataFrame, month: str,
                   measures: list[str]) -> tuple[pl.DataFrame, list[str], dict[str, list[str]]]:
    """One month's changes (trends.compute_changes) in the order of `measures`: metric, value, the month
    before, the change on it (mom), a year before, the change on it (yoy); the format of each row's values,
    and of each row's changes: for a share the difference in percentage points, as on the index; for anything
    else the relative change."""
    order = {measure: index for index, measure in enumerate(measures)}
    rows = (changes.filter((pl.col("month") == month) & pl.col("metric").is_in(measures))
            .sort(pl.col("metric").replace_strict(order, return_dtype=pl.Int64)))
    kinds = [measure_kind(measure) for measure in rows["metric"].to_list()]
    is_share = pl.Series([kind == "percent" for kind in kinds], dtype=pl.Boolean)
    frame = rows.with_columns(is_share.alias("_share")).select(
        "metric", "value", "previous_value",
        pl.when("_share").then(pl.col("mom_change")).otherwise(pl.col("mom_pct")).alias("mom"),
        "year_ago_value",
        pl.when("_share").then(pl.col("yoy_change")).otherwise(pl.col("yoy_pct")).alias("yoy"))
    change_kinds = ["signed_points" if kind == "percent" else "signed_percent" for kind in kinds]
    return frame, kinds, {"mom": change_kinds, "yoy": change_kinds}


def recent_presence(presence: pl.DataFrame, shown: list[str]) -> pl.DataFrame:
    """Units appearing or disappearing in the months shown (the trend tables' months), newest first."""
    if presence.height == 0:
        return presence
    return (presence.filter(pl.col("month").is_in(shown))
            .sort("month", descending=True, maintain_order=True))
