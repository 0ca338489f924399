"""Month-to-month views over every processed month up to the one in hand.

Each function takes frames with a `month` column, one row per month or per month and unit: the months' key
figures and units from the history store (`history_store.read_months`), and returns a frame with one row per month (or per month and unit).
With a single month there is nothing to compare: changes are null and nothing appears or disappears.

Month-over-month compares with the calendar month before; year-over-year with the same month a year
earlier. When that month was not processed the change is null (never compared with another month).
Units appearing or disappearing are judged against the previous *processed* month.
"""
from __future__ import annotations

import polars as pl

from njbulletin.contract import key_figures_schema
from njbulletin.months import shift_month

SUMMARY_METRICS = ("bookings_total", "third_party_share", "platforms_total", "hotline_calls", "work_orders",
                   "hospital_outpatient_visits", "upload_units", "upload_units_complete",
                   "cumulative_bookings", "cumulative_records")
TRENDS_SCHEMA = key_figures_schema(*SUMMARY_METRICS)  # one row per month: the figures the trends follow
# Cumulative counter -> the monthly figure its month-to-month change should equal.
CUMULATIVE_COUNTERS = {"cumulative_bookings": "bookings_total"}


def list_months(*histories: pl.DataFrame) -> list[str]:
    """Every month present in any of the frames, oldest first."""
    months: set[str] = set()
    for frame in histories:
        months.update(frame["month"].unique().to_list())
    return sorted(months)


def summarise_key_figures(key_figures: pl.DataFrame) -> pl.DataFrame:
    """One row per month with the figures the trends follow (SUMMARY_METRICS), from the months' key figures (the
    history store's key_figures, one row per month, oldest first)."""
    return key_figures.select(*TRENDS_SCHEMA).cast(TRENDS_SCHEMA)


def compute_changes(summary: pl.DataFrame, metrics: tuple[str, ...] = SUMMARY_METRICS) -> pl.DataFrame:
    """Long frame: month, metric, value, the month before and its value, mom_change and mom_pct, the month
    a year earlier and its value, yoy_change and yoy_pct (null where that month was not processed)."""
    long = (summary.select("month", *[pl.col(m).cast(pl.Float64) for m in metrics])
            .unpivot(index="month", variable_name="metric", value_name="value"))
    previous = long.select(pl.col("month").alias("previous_month"), "metric",
                           pl.col("value").alias("previous_value"))
    year_ago = long.select(pl.col("month").alias("year_ago_month"), "metric",
                           pl.col("value").alias("year_ago_value"))
    shifted = long.with_columns(
        pl.col("month").map_elements(lambda m: shift_month(m, -1), return_dtype=pl.String).alias("previous_month"),
        pl.col("month").map_elements(lambda m: shift_month(m, -12), return_dtype=pl.String).alias("year_ago_month"))
    joined = (shifted.join(previous, on=["previous_month", "metric"], how="left")
              .join(year_ago, on=["year_ago_month", "metric"], how="left")
              .with_columns(pl.when(pl.col("previous_value").is_null()).then(None)
                            .otherwise(pl.col("previous_month")).alias("previous_month"),
                            pl.when(pl.col("year_ago_value").is_null()).then(None)
                            .otherwise(pl.col("year_ago_month")).alias("year_ago_month")))
    return (joined.with_columns(
                (pl.col("value") - pl.col("previous_value")).alias("mom_change"),
                pl.when(pl.col("previous_value") != 0)
                .then((pl.col("value") - pl.col("previous_value")) / pl.col("previous_value")).alias("mom_pct"),
                (pl.col("value") - pl.col("year_ago_value")).alias("yoy_change"),
                pl.when(pl.col("year_ago_value") != 0)
                .then((pl.col("value") - pl.col("year_ago_value")) / pl.col("year_ago_value")).alias("yoy_pct"))
            .select("month", "metric", "value", "previous_month", "previous_value", "mom_change", "mom_pct",
                    "year_ago_month", "year_ago_value", "yoy_change", "yoy_pct")
            .sort("month", "metric"))


def track_presence(history: pl.DataFrame, column: str, by: str | None = None) -> pl.DataFrame:
    """Units that appear in or disappear from a table, month by month.

    `column` names the units (resolve names first so that a renamed unit is not counted twice); `by`
    optionally separates groups (e.g. level). Returns month, compared_with (the previous processed
    month), [by,] unit, change ('appeared' or 'disappeared').
    """
    keys = [by] if by else []
    units = history.select("month", *keys, pl.col(column).alias("unit")).unique()
    months = list_months(history)
    schema = {"month": pl.String, "compared_with": pl.String, **({by: pl.String} if by else {}),
              "unit": pl.String, "change": pl.String}
    if len(months) < 2:
        return pl.DataFrame(schema=schema)
    pairs = pl.DataFrame({"month": months[1:], "compared_with": months[:-1]})
    earlier = units.rename({"month": "compared_with"})
    appeared = (units.join(pairs, on="month")
                .join(earlier, on=["compared_with", *keys, "unit"], how="anti")
                .select("month", "compared_with", *keys, "unit", pl.lit("appeared").alias("change")))
    disappeared = (earlier.join(pairs, on="compared_with")
                   .join(units, on=["month", *keys, "unit"], how="anti")
                   .select("month", "compared_with", *keys, "unit", pl.lit("disappeared").alias("change")))
    return pl.concat([appeared, disappeared]).cast(schema).sort("month", *keys, "change", "unit")


def check_cumulative_counters(summary: pl.DataFrame,
                              counters: dict[str, str] = CUMULATIVE_COUNTERS) -> pl.DataFrame:
    """Each cumulative counter's change from the month before, against that month's own figure.

    Returns month, counter, cumulative, previous_month, previous_cumulative, change, monthly_figure,
    monthly_value, difference (change - monthly value). Null when the month before was not processed
    or a counter was not printed: the difference is shown, never hidden or forced to 0.
    """
    parts = []
    for counter, monthly in counters.items():
        frame = summary.select("month", pl.col(counter).cast(pl.Float64).alias("cumulative"),
                               pl.col(monthly).cast(pl.Float64).alias("monthly_value"))
        previous = frame.select(pl.col("month").alias("previous_month"),
                                pl.col("cumulative").alias("previous_cumulative"))
        parts.append(
            frame.with_columns(pl.col("month").map_elements(lambda m: shift_month(m, -1), return_dtype=pl.String)
                               .alias("previous_month"))
            .join(previous, on="previous_month", how="left")
            .with_columns(pl.when(pl.col("previous_cumulative").is_null()).then(None)
                          .otherwise(pl.col("previous_month")).alias("previous_month"),
                          (pl.col("cumulative") - pl.col("previous_cumulative")).alias("change"))
            .with_columns((pl.col("change") - pl.col("monthly_value")).alias("difference"),
                          pl.lit(counter).alias("counter"), pl.lit(monthly).alias("monthly_figure"))
            .select("month", "counter", "cumulative", "previous_month", "previous_cumulative", "change",
                    "monthly_figure", "monthly_value", "difference"))
    return pl.concat(parts).sort("counter", "month")
