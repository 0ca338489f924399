"""What the report asks of SPC's points (`analysis.spc.compute_spc`, one row per series and month): the history
SPC judges, one series' points, how many series have limits, each series' variation icon, and the city's
indicators charted on the trends page.
"""
from __future__ import annotations

import polars as pl

from njbulletin.channels import CHANNELS
from njbulletin.contract import LIMITS_STATUSES, NO_LIMITS
from njbulletin.indicators import CHANNEL_SHARE_PREFIX, NOT_JUDGED_BY_SPC, indicators_of
from njbulletin.months import shift_month

# The months a month is judged against: its own and the 35 before it. A process ten years back is not the
# process now (Making Data Count recalculates limits when the process changes), three years give proper limits
# (20 points or more) and three Spring Festivals for the calendar's estimate; and judging a month costs the same
# however long the archive grows.
JUDGED_MONTHS = 36


def select_judged(history: pl.DataFrame, level: str | None = None) -> pl.DataFrame:
    """The history without the indicators SPC leaves out (`indicators.NOT_JUDGED_BY_SPC`); only `level`'s
    (city, district, hospital) when given."""
    left_out = pl.DataFrame(sorted(NOT_JUDGED_BY_SPC), schema={"level": pl.String, "indicator": pl.String},
                            orient="row")
    judged = history.join(left_out, on=["level", "indicator"], how="anti", maintain_order="left")
    return judged if level is None else judged.filter(pl.col("level") == level)


def recent_months(history: pl.DataFrame, months: int = JUDGED_MONTHS, up_to: str | None = None) -> pl.DataFrame:
    """The history's last `months` calendar months up to `up_to` (its latest month when None; all of it when
    shorter)."""
    if history.is_empty():
        return history
    last = up_to or history["month"].max()
    return history.filter(pl.col("month").is_between(pl.lit(shift_month(last, 1 - months)), pl.lit(last)))


def series_points(points: pl.DataFrame, level: str, unit: str, indicator: str) -> pl.DataFrame:
    """The points of one series, in month order."""
    return points.filter((pl.col("level") == level) & (pl.col("unit") == unit)
                         & (pl.col("indicator") == indicator)).sort("month")


def count_series(points: pl.DataFrame, month: str) -> dict[str, int]:
    """How many series have a value in `month`, by their limits (none, provisional, proper)."""
    counts = dict(points.filter(pl.col("month") == month).group_by("limits").len().iter_rows())
    return {status: counts.get(status, 0) for status in LIMITS_STATUSES}


def series_variation(points: pl.DataFrame) -> pl.DataFrame:
    """Each series' variation icon: its last point's variation, side and limits (level, unit, indicator,
    month, variation, side, limits)."""
    return (points.sort("month").group_by("level", "unit", "indicator", maintain_order=True).last()
            .select("level", "unit", "indicator", "month", "variation", "side", "limits")
            .sort("level", "indicator", "unit"))


def city_indicators_with_limits(points: pl.DataFrame) -> list[str]:
    """The city's indicators whose latest month has limits, in the order the trends page shows their XmR charts:
    bookings, each channel's share, then the others as `indicators` lists them."""
    latest = points.filter(pl.col("level") == "city").sort("month").group_by("indicator").last()
    charted = set(latest.filter(pl.col("limits") != NO_LIMITS)["indicator"].to_list())
    order = [indicator.key for indicator in indicators_of("city")]
    order[1:1] = [f"{CHANNEL_SHARE_PREFIX}{channel}" for channel in CHANNELS]
    return [key for key in order if key in charted] + sorted(charted - set(order))
