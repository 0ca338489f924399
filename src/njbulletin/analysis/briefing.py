"""The briefing's key figures: each with its change from the month before (环比), from the same month a year
earlier (同比), and, for additive volumes, the year to date (1-N 月累计) with its 同比.

Month-over-month and year-over-year come from `analysis.trends.compute_changes` (one rule in one place).
The year to date is the sum of January..N of the month's year, given only when every one of those months is
in the history; its 同比 compares with January..N of the year before, given only when all of those are there.
Only additive volumes are summed. Ratios and stocks (the third-party share, units uploading, units complete)
and counters that are already cumulative get no year to date: the key figures hold no numerator of the
share, so a year-to-date share could not be computed from its numerator and denominator.
"""
from __future__ import annotations

import polars as pl

from njbulletin.analysis.trends import compute_changes
from njbulletin.months import shift_month

BRIEFING_METRICS = ("bookings_total", "third_party_share", "platforms_total", "hotline_calls", "work_orders",
                    "hospital_outpatient_visits", "upload_units_complete")
ADDITIVE_METRICS = ("bookings_total", "platforms_total", "hotline_calls", "work_orders", "hospital_outpatient_visits")


def year_to_date(summary: pl.DataFrame, metric: str, month: str) -> float | None:
    """Sum of `metric` over January..`month` of its year; None unless every one of those months has a value."""
    year, number = month.split("-")
    wanted = [f"{year}-{n:02d}" for n in range(1, int(number) + 1)]
    values = summary.filter(pl.col("month").is_in(wanted)).select("month", metric).drop_nulls()
    if values.height != len(wanted):
        return None
    return float(values[metric].sum())


def briefing_figures(summary: pl.DataFrame, month: str,
                     metrics: tuple[str, ...] = BRIEFING_METRICS) -> pl.DataFrame:
    """One row per metric of `month`: value, previous_month/mom_pct, year_ago_month/yoy_pct (null when that
    month is not in the history), ytd, ytd_previous and ytd_yoy_pct (null for a ratio or stock, or when a
    month of the year to date is missing). `summary` is `trends.summarise_key_figures`'s frame."""
    summary = summary.filter(pl.col("month").is_between(pl.lit(f"{int(month[:4]) - 1}-01"), pl.lit(month)))  # all it needs
    changes = (compute_changes(summary, metrics).filter(pl.col("month") == month)
               .select("metric", "value", "previous_month", "mom_pct", "year_ago_month", "yoy_pct"))
    year_before = shift_month(month, -12)
    rows = []
    for metric in metrics:
        additive = metric in ADDITIVE_METRICS
        ytd = year_to_date(summary, metric, month) if additive else None
        ytd_previous = year_to_date(summary, metric, year_before) if ytd is not None else None
        ytd_yoy = (ytd - ytd_previous) / ytd_previous if ytd is not None and ytd_previous else None
        rows.append({"metric": metric, "ytd": ytd, "ytd_previous": ytd_previous, "ytd_yoy_pct": ytd_yoy})
    ytd_frame = pl.DataFrame(rows, schema={"metric": pl.String, "ytd": pl.Float64, "ytd_previous": pl.Float64,
                                           "ytd_yoy_pct": pl.Float64}, orient="row")
    order = pl.DataFrame({"metric": list(metrics)})
    return order.join(changes, on="metric", how="left").join(ytd_frame, on="metric", how="left")
