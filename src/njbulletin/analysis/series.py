"""One month's value of every indicator (`njbulletin.indicators`), for the city, each district and each hospital.

`compute_indicator_values` is the one place a month's indicator values are computed. It returns a long frame
(month, level, unit, indicator, value) whose rows line up across months: hospitals and districts are keyed
by their canonical name (the registry, `validate.names`), so a unit printed under another alias one month
is still one series. History (trends, statistical process control) is the concatenation of these frames.

The city's values are the month's key figures (`summary.compute_key_figures`) and what derives from them;
a hospital's come from the bookings and the uploads (hospital rows); a district's from the uploads
(district rows). A value that cannot be computed (a missing or zero denominator, a table not printed) is
left out rather than stored as null: a missing month is a gap in the series, not a zero. So is an income ratio
whose denominator is below its minimum (config.MIN_RATIO_DENOMINATOR, as in the rankings): an income per
discharge from 22 discharges swings by hundreds of thousands of yuan from month to month and would be judged
a special cause for what is only a small number.
"""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from njbulletin.analysis.completeness import compute_upload_ratios
from njbulletin.analysis.summary import compute_key_figures, present_tables
from njbulletin.analysis.throughput import compute_throughput, denominator_of, has_enough_denominator
from njbulletin.config import MIN_RATIO_DENOMINATOR
from njbulletin.indicators import CHANNEL_SHARE_PREFIX, indicators_of
from njbulletin.months import days_in_month
from njbulletin.validate.names import resolve_names

CITY_UNIT = "南京市"
VALUES_SCHEMA = {"month": pl.String, "level": pl.String, "unit": pl.String, "indicator": pl.String,
                 "value": pl.Float64}
HOSPITAL_UPLOAD_INDICATORS = ("outpatient_visits", "income_per_visit", "discharges", "income_per_discharge")
HOSPITAL_RATIOS = tuple(name for name in HOSPITAL_UPLOAD_INDICATORS if denominator_of(name))  # the incomes


def empty_values() -> pl.DataFrame:
    return pl.DataFrame(schema=VALUES_SCHEMA)


def long_values(frame: pl.DataFrame, month: str, level: str, indicators: tuple[str, ...]) -> pl.DataFrame:
    """A wide frame (unit plus one column per indicator) as long rows, nulls and non-finite values left out."""
    if frame.is_empty():
        return empty_values()
    return (frame.select("unit", *[pl.col(name).cast(pl.Float64) for name in indicators])
            .unpivot(index="unit", variable_name="indicator", value_name="value")
            .filter(pl.col("value").is_not_null() & pl.col("value").is_finite())
            .select(pl.lit(month).alias("month"), pl.lit(level).alias("level"), "unit", "indicator", "value"))


def compute_city_values(month: str, days_in_month: int, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The city's indicators: the key figures, the share of complete units, the hospitals booking, and each
    channel's share of the bookings."""
    figures = compute_key_figures(month, days_in_month, tables)
    units, complete = figures.get("upload_units"), figures.get("upload_units_complete")
    figures["upload_completeness"] = complete / units if units and complete is not None else None
    if "bookings" in tables:
        bookings = tables["bookings"]
        per_hospital = bookings.group_by("hospital").agg(pl.col("count").fill_null(0).sum())
        figures["hospitals_booking"] = per_hospital.filter(pl.col("count") > 0).height
        total = figures.get("bookings_total")
        if total:
            for channel, count in (bookings.group_by("channel").agg(pl.col("count").fill_null(0).sum())
                                   .sort("channel").iter_rows()):
                figures[f"{CHANNEL_SHARE_PREFIX}{channel}"] = count / total
    names = [indicator.key for indicator in indicators_of("city")]
    names += sorted(key for key in figures if key.startswith(CHANNEL_SHARE_PREFIX))
    rows = [(month, "city", CITY_UNIT, name, float(figures[name])) for name in names
            if isinstance(figures.get(name), (int, float))]
    return pl.DataFrame(rows, schema=VALUES_SCHEMA, orient="row")


def compute_hospital_values(month: str, tables: Mapping[str, pl.DataFrame],
                            minimum: Mapping[str, int] = MIN_RATIO_DENOMINATOR) -> pl.DataFrame:
    """Each hospital's bookings (all channels) and, from the uploads, its visits, discharges and the incomes
    per visit and per discharge (where the visits or discharges reach `minimum`); hospitals keyed by canonical
    name."""
    parts = []
    if "bookings" in tables and tables["bookings"].height:
        bookings = (resolve_names(tables["bookings"], "hospital")
                    .group_by(pl.col("canonical_name").alias("unit"))
                    .agg(pl.col("count").fill_null(0).sum().alias("bookings")))
        parts.append(long_values(bookings, month, "hospital", ("bookings",)))
    if "uploads" in tables:
        hospitals = tables["uploads"].filter(pl.col("level") == "hospital")
        if hospitals.height:
            throughput = (compute_throughput(resolve_names(hospitals, "unit").drop("unit")
                                             .rename({"canonical_name": "unit"}))
                          .with_columns(pl.when(has_enough_denominator(ratio, minimum)).then(pl.col(ratio)).alias(ratio)
                                        for ratio in HOSPITAL_RATIOS))
            parts.append(long_values(throughput, month, "hospital", HOSPITAL_UPLOAD_INDICATORS))
    return pl.concat(parts) if parts else empty_values()


def compute_district_values(month: str, days_in_month: int, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Each district's completeness score and its real-time upload days as a share of the month's days."""
    if "uploads" not in tables:
        return empty_values()
    districts = tables["uploads"].filter(pl.col("level") == "district")
    if districts.is_empty():
        return empty_values()
    ratios = compute_upload_ratios(resolve_names(districts, "unit").drop("unit").rename({"canonical_name": "unit"}),
                                   days_in_month)
    return long_values(ratios.rename({"realtime_ratio": "realtime_day_share"}), month, "district",
                       ("completeness_score", "realtime_day_share"))


def compute_indicator_values(month: str, days_in_month: int, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Every indicator's value in one month: month, level, unit, indicator, value (Float64), sorted by level,
    indicator and unit. `tables` are the month's processed tables (quality_flags and declared_totals may be
    absent)."""
    return (pl.concat([compute_city_values(month, days_in_month, tables), compute_hospital_values(month, tables),
                       compute_district_values(month, days_in_month, tables)])
            .sort("level", "indicator", "unit"))


def compute_indicator_history(histories: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Every month's indicator values from the history of each table (every month's rows, with a month
    column), oldest month first."""
    months = sorted({month for frame in histories.values() for month in frame["month"].unique().to_list()})
    parts = [derive_indicator_values(month, present_tables({name: frame.filter(pl.col("month") == month)
                                                            for name, frame in histories.items()}))
             for month in months]
    return pl.concat(parts).sort("month", maintain_order=True) if parts else empty_values()


def derive_indicator_values(month: str, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The month's indicator values, as the history store keeps them (`analysis.history.DERIVERS`)."""
    return compute_indicator_values(month, days_in_month(month), tables)
