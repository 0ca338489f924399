"""Upload completeness of districts and hospitals (the 数据采集情况 tables).

For each unit:
- realtime_ratio = realtime_days / days in the month (实时数据上传天数 over the month's length);
- forms_ratio = forms_uploaded / forms_expected (实时数据表单上传情况, e.g. 9/11);
- completeness_score = the mean of the two ratios, each capped at 1, in [0, 1] (docs/analyses.md).

A unit is **complete** when it uploaded in real time on every day of the month and uploaded all
expected forms. A unit whose ratio cannot be computed (forms_expected 0 or missing, realtime_days
missing) gets no score and is listed in `list_unscored_units` with the reason.
"""
from __future__ import annotations

import polars as pl

LEVELS = ("district", "hospital")
INDICATORS = ("realtime_ratio", "forms_ratio", "completeness_score")


def is_complete(days_in_month: int) -> pl.Expr:
    """True for a unit with real-time uploads on every day of the month and every form uploaded."""
    return ((pl.col("realtime_days") >= days_in_month)
            & pl.col("forms_expected").is_not_null() & (pl.col("forms_expected") > 0)
            & (pl.col("forms_uploaded") >= pl.col("forms_expected"))).fill_null(False)


def count_complete_units(uploads: pl.DataFrame, days_in_month: int) -> int:
    """How many units (districts and hospitals) are complete in the month."""
    return int(uploads.select(is_complete(days_in_month).sum()).item() or 0)


def list_complete_units(uploads: pl.DataFrame, days_in_month: int) -> pl.DataFrame:
    """The complete units, in the bulletin's order: level, unit."""
    return uploads.filter(is_complete(days_in_month)).select("level", "unit")


def unscored_reason(days_in_month: int) -> pl.Expr:
    """Why a unit's score cannot be computed (null when it can)."""
    return (pl.when(pl.col("realtime_days").is_null()).then(pl.lit("real-time upload days missing"))
            .when(pl.col("forms_expected").is_null()).then(pl.lit("forms expected missing"))
            .when(pl.col("forms_expected") == 0).then(pl.lit("forms expected is 0"))
            .when(pl.col("forms_uploaded").is_null()).then(pl.lit("forms uploaded missing"))
            .when(pl.lit(days_in_month) <= 0).then(pl.lit("month has no days"))
            .otherwise(pl.lit(None, dtype=pl.String)))


def compute_upload_ratios(uploads: pl.DataFrame, days_in_month: int) -> pl.DataFrame:
    """Per unit: level, unit, realtime_days, forms, the two ratios, the score, complete and reason.

    A ratio whose denominator is 0 or missing is null, and `unscored_reason` says why.
    """
    forms_ok = pl.col("forms_expected").is_not_null() & (pl.col("forms_expected") > 0)
    realtime = (pl.col("realtime_days") / days_in_month) if days_in_month > 0 else pl.lit(None, pl.Float64)
    capped_mean = (pl.min_horizontal("realtime_ratio", pl.lit(1.0))
                   + pl.min_horizontal("forms_ratio", pl.lit(1.0))) / 2
    return (uploads
            .select("level", "unit", "realtime_days", "forms_uploaded", "forms_expected",
                    realtime.alias("realtime_ratio"),
                    pl.when(forms_ok).then(pl.col("forms_uploaded") / pl.col("forms_expected")).alias("forms_ratio"),
                    is_complete(days_in_month).alias("complete"),
                    unscored_reason(days_in_month).alias("unscored_reason"))
            .with_columns(pl.when(pl.col("unscored_reason").is_null()).then(capped_mean)
                          .alias("completeness_score"))
            .select("level", "unit", "realtime_days", "forms_uploaded", "forms_expected", "realtime_ratio",
                    "forms_ratio", "completeness_score", "complete", "unscored_reason"))


def list_unscored_units(ratios: pl.DataFrame) -> pl.DataFrame:
    """Units left out of the score, with the reason (from compute_upload_ratios)."""
    return ratios.filter(pl.col("unscored_reason").is_not_null()).select("level", "unit", "unscored_reason")


def rank_by_completeness(ratios: pl.DataFrame) -> pl.DataFrame:
    """Scored units ranked within their level, best first. Units with the same score share a rank and the next
    rank skips as many places (1, 2, 2, 4); tied units keep the bulletin's order."""
    return (ratios.filter(pl.col("completeness_score").is_not_null())
            .sort(["level", "completeness_score"], descending=[False, True], maintain_order=True)
            .with_columns(shared_rank("completeness_score").over("level").alias("rank")))


def shared_rank(column: str) -> pl.Expr:
    """The rank of each value, largest first, tied values sharing the best rank (1, 2, 2, 4): how a reader
    counts places. Every ranking of the reports uses it."""
    return pl.col(column).rank("min", descending=True).cast(pl.Int64)


def list_units_without_uploads(uploads: pl.DataFrame) -> pl.DataFrame:
    """Units that uploaded nothing: no scheduled records, no real-time day and no form."""
    nothing = ((pl.col("scheduled_records").fill_null(0) == 0) & (pl.col("realtime_days").fill_null(0) == 0)
               & (pl.col("forms_uploaded").fill_null(0) == 0))
    return uploads.filter(nothing).select("level", "unit", "scheduled_records", "realtime_days",
                                          "forms_uploaded", "forms_expected")


def count_realtime_days(uploads: pl.DataFrame, days_in_month: int) -> pl.DataFrame:
    """How many units of each level uploaded in real time on each number of days (0..days_in_month)."""
    grid = pl.DataFrame({"level": [lvl for lvl in LEVELS for _ in range(days_in_month + 1)],
                         "realtime_days": [d for _ in LEVELS for d in range(days_in_month + 1)]},
                        schema={"level": pl.String, "realtime_days": pl.Int64})
    counts = (uploads.filter(pl.col("realtime_days").is_not_null())
              .group_by("level", "realtime_days").agg(pl.len().cast(pl.Int64).alias("units")))
    extra = counts.join(grid, on=["level", "realtime_days"], how="anti").select(grid.columns)
    return (pl.concat([grid, extra]).join(counts, on=["level", "realtime_days"], how="left")
            .with_columns(pl.col("units").fill_null(0)).sort("level", "realtime_days"))


def summarise_completeness(uploads: pl.DataFrame, days_in_month: int) -> pl.DataFrame:
    """Per level: units, complete units, share complete, units without uploads, mean score."""
    ratios = compute_upload_ratios(uploads, days_in_month)
    empty = list_units_without_uploads(uploads).group_by("level").agg(pl.len().alias("without_uploads"))
    levels = pl.DataFrame({"level": list(LEVELS)})
    stats = ratios.group_by("level").agg(pl.len().alias("units"), pl.col("complete").sum().alias("complete"),
                                         pl.col("completeness_score").mean().alias("mean_score"))
    return (levels.join(stats, on="level", how="left").join(empty, on="level", how="left")
            .with_columns(pl.col("units", "complete", "without_uploads").fill_null(0).cast(pl.Int64))
            .with_columns(pl.when(pl.col("units") > 0).then(pl.col("complete") / pl.col("units"))
                          .alias("share_complete"))
            .select("level", "units", "complete", "share_complete", "without_uploads", "mean_score"))


def summarise_quality_flags(quality_flags: pl.DataFrame) -> pl.DataFrame:
    """The month's quality flags counted by severity, level and rule (most frequent first)."""
    return (quality_flags.group_by("severity", "level", "rule").agg(pl.len().alias("flags"))
            .sort(["flags", "severity", "level", "rule"], descending=[True, False, False, False]))
