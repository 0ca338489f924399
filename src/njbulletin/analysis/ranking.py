"""How the attention list ranks its items, and how it keeps false alarms under control across the ~209 series
it judges every month.

**Weight** (`series_weights`): the share of the city a series concerns, from 0 to 1. A city series weighs 1. A
hospital's bookings weigh its share of the hospitals' bookings; its visits and income per visit its share of the
visits; its discharges and income per discharge its share of the discharges (the larger of this month's value
and the series' mean, so that a fall does not shrink its own weight). A district weighs 1 / N, N the districts
judged that month.

**Materiality**: a unit's series weighing under MATERIAL_WEIGHT (0.1% of the city) is not listed; the page
says how many were left out (a hospital with 15 bookings of the city's 276,195 weighs 0.005%).

**Distance** (`z`): how far the value is from its mean in units of its own variation, sigma = mean moving range /
1.128 (so the XmR limits, 2.66 mean moving ranges, are 3 sigma).

**Family-wise threshold** (`family_threshold`): with S series judged, each is held to the two-sided normal
quantile of the Šidák level 1 - (1 - FAMILY_ALPHA)^(1/S), FAMILY_ALPHA = 5%: about 3.7 sigma for 209 series,
so that a month where nothing happens raises a false alarm about once in twenty months. A special cause is
listed only when
- it is outside the limits and |z| reaches the threshold, or
- it is a shift (7 months on one side of the mean) whose run mean is that far from the mean in units of the
  run mean's own variation: |mean of the 7 points - mean| / (sigma / sqrt 7) (the run rules corroborated);
trends and points close to the limits alone are not listed (they stay in spc.csv).

**Score** = reach × min(|z|, Z_CAP), reach = sqrt(weight): how far from what was expected, times how much of
the city it concerns. The square root keeps the order of the weights but compresses them, so that one hospital
taking 96% of the bookings does not hide every other (a unit a hundredth of the city reaches a tenth). A
standing problem is certain: in the month it begins (or in an archive's first month, when nothing is known of
it) it scores reach × the family threshold, as far as the nearest signal listed; once it has lasted more than a
month it is what is expected, and scores reach × 1 (still listed, ranked by its weight among the others). A
unit that stopped uploading, vanished from or appeared in a table, or a printed total that does not reconcile,
scores reach × Z_CAP.
"""
from __future__ import annotations

import math
from statistics import NormalDist

import polars as pl

from njbulletin.analysis.spc_point_types import OUTSIDE, RUN, SHIFT
from njbulletin.analysis.spc_queries import recent_months

D2 = 1.128  # sigma = mean moving range / d2 (n = 2)
FAMILY_ALPHA = 0.05
Z_CAP = 10.0
MATERIAL_WEIGHT = 0.001
# A hospital series' weight: its share of the hospitals' totals of this indicator.
WEIGHT_BASE = {"bookings": "bookings", "outpatient_visits": "outpatient_visits",
               "income_per_visit": "outpatient_visits", "discharges": "discharges",
               "income_per_discharge": "discharges"}


def family_threshold(series: int, alpha: float = FAMILY_ALPHA) -> float:
    """The |z| each of `series` series must reach so that the family's false alarms stay at `alpha` (Šidák)."""
    if series <= 1:
        return NormalDist().inv_cdf(1 - alpha / 2)
    each = 1 - (1 - alpha) ** (1 / series)
    return NormalDist().inv_cdf(1 - each / 2)


def series_weights(points: pl.DataFrame, month: str) -> pl.DataFrame:
    """level, unit, indicator, weight for every series with a value in `month` (see the module's docstring)."""
    now = points.filter(pl.col("month") == month)
    size = pl.max_horizontal(pl.col("value"), pl.col("mean").fill_null(pl.col("value")))
    hospital = now.filter(pl.col("level") == "hospital").with_columns(size.alias("_size"))
    bases = (hospital.filter(pl.col("indicator").is_in(list(set(WEIGHT_BASE.values()))))
             .with_columns((pl.col("_size") / pl.col("_size").sum().over("indicator")).alias("weight"))
             .select("unit", pl.col("indicator").alias("_base"), "weight"))
    hospitals = (hospital.with_columns(pl.col("indicator").replace_strict(WEIGHT_BASE, default=None).alias("_base"))
                 .join(bases, on=["unit", "_base"], how="left").select("level", "unit", "indicator", "weight"))
    districts = now.filter(pl.col("level") == "district").with_columns(
        (1 / pl.col("unit").n_unique()).alias("weight")).select("level", "unit", "indicator", "weight")
    city = now.filter(pl.col("level") == "city").select("level", "unit", "indicator", pl.lit(1.0).alias("weight"))
    return pl.concat([city, districts, hospitals]).with_columns(pl.col("weight").fill_null(0.0))


def ranked_months(points: pl.DataFrame, month: str) -> pl.DataFrame:
    """The points the list looks at: those of the RUN months ending in `month` (the month's own, the month
    before's for a move, and the run's for its mean); their means and limits are those of the whole baseline."""
    return recent_months(points, RUN, month)


def run_means(points: pl.DataFrame, month: str) -> pl.DataFrame:
    """Each series' mean over the RUN months ending in `month` (level, unit, indicator, run_mean)."""
    return (ranked_months(points, month)
            .group_by("level", "unit", "indicator").agg(pl.col("value").mean().alias("run_mean")))


def judged_points(points: pl.DataFrame, month: str) -> pl.DataFrame:
    """The month's points with weight, z, material, corroborated (the special cause passes the family-wise
    threshold) and score."""
    keys = ["level", "unit", "indicator"]
    now = points.filter(pl.col("month") == month)
    threshold = family_threshold(max(now.height, 1))
    sigma = pl.col("mean_moving_range") / D2
    z = (pl.when(sigma > 0).then((pl.col("value") - pl.col("mean")) / sigma)
         .when(pl.col("mean").is_not_null() & (pl.col("value") != pl.col("mean")))
         .then(pl.lit(math.inf) * (pl.col("value") - pl.col("mean")).sign()).otherwise(0.0))
    run_z = pl.when(sigma > 0).then((pl.col("run_mean") - pl.col("mean")) / (sigma / math.sqrt(RUN))).otherwise(z)
    began = pl.col("began").fill_null("")
    corroborated = ((began.str.contains(OUTSIDE) & (pl.col("z").abs() >= threshold))
                    | (began.str.contains(SHIFT) & (pl.col("run_z").abs() >= threshold)))
    material = (pl.col("level") == "city") | (pl.col("weight") >= MATERIAL_WEIGHT)
    return (now.join(series_weights(points, month), on=keys, how="left")
            .join(run_means(points, month), on=keys, how="left")
            .with_columns(z.alias("z"), pl.col("weight").fill_null(0.0))
            .with_columns(run_z.alias("run_z"))
            .with_columns(corroborated.alias("corroborated"), material.alias("material"),
                          (reach(pl.col("weight")) * pl.max_horizontal(pl.col("z").abs(), pl.col("run_z").abs())
                           .clip(upper_bound=Z_CAP)).alias("score")))


def reach(weight: pl.Expr) -> pl.Expr:
    """How much of the city an item concerns, as it enters the score: the square root of its weight."""
    return weight.sqrt()


def standing_score(weight: pl.Expr, months_running: pl.Expr, series: int) -> pl.Expr:
    """A standing problem's score: reach × the family threshold in its first month, reach × 1 after."""
    first = months_running.fill_null(1) <= 1
    return reach(weight) * pl.when(first).then(family_threshold(max(series, 1))).otherwise(1.0)


def event_score(weight: pl.Expr) -> pl.Expr:
    return reach(weight) * Z_CAP


def count_immaterial(points: pl.DataFrame, month: str) -> int:
    """How many series with a value in `month` the materiality rule leaves out (units under MATERIAL_WEIGHT)."""
    weights = series_weights(points, month)
    return weights.filter((pl.col("level") != "city") & (pl.col("weight") < MATERIAL_WEIGHT)).height
