"""Hospital and district throughput from the uploads table (门急诊信息 and 出院信息).

Incomes are printed in thousand yuan (千元); the ratios here are in yuan:
- income_per_visit = outpatient_income_k * 1000 / outpatient_visits
- income_per_discharge = inpatient_income_k * 1000 / discharges
- records_per_visit = scheduled_records / outpatient_visits

A ratio whose denominator is 0 or missing (or whose numerator is missing) is null, and the unit is listed
by `list_ratio_exclusions` with the reason. Outliers are found per level on a log10 scale with a robust
rule: a value more than `k` scaled MADs (1.4826 x median absolute deviation) from the median.
"""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from njbulletin.analysis.completeness import shared_rank
from njbulletin.config import MIN_RATIO_DENOMINATOR

RATIOS: dict[str, tuple[str, str, float]] = {
    # ratio: (numerator, denominator, factor)
    "income_per_visit": ("outpatient_income_k", "outpatient_visits", 1000.0),
    "income_per_discharge": ("inpatient_income_k", "discharges", 1000.0),
    "records_per_visit": ("scheduled_records", "outpatient_visits", 1.0),
}
MAD_SCALE = 1.4826  # makes the MAD a consistent estimate of the standard deviation for normal data


def ratio_expression(numerator: str, denominator: str, factor: float) -> pl.Expr:
    valid = pl.col(numerator).is_not_null() & pl.col(denominator).is_not_null() & (pl.col(denominator) > 0)
    return pl.when(valid).then(pl.col(numerator) * factor / pl.col(denominator))


def compute_throughput(uploads: pl.DataFrame) -> pl.DataFrame:
    """Per unit: level, unit, outpatient_visits, income_per_visit (元), discharges,
    income_per_discharge (元), scheduled_records, records_per_visit."""
    return uploads.select(
        "level", "unit", "outpatient_visits", "outpatient_income_k", "discharges", "inpatient_income_k",
        "scheduled_records",
        *[ratio_expression(*spec).alias(name) for name, spec in RATIOS.items()])


def sort_by_visits(throughput: pl.DataFrame) -> pl.DataFrame:
    """Districts, then hospitals, each by outpatient visits, the most first (a unit with none printed last; ties
    keep the bulletin's order): how the table of every unit is shown, sorted by its first indicator."""
    return throughput.sort(["level", "outpatient_visits"], descending=[False, True], nulls_last=True,
                           maintain_order=True)


def exclusion_reason(numerator: str, denominator: str) -> pl.Expr:
    return (pl.when(pl.col(denominator).is_null()).then(pl.format("{} missing", pl.lit(denominator)))
            .when(pl.col(denominator) == 0).then(pl.format("{} is 0", pl.lit(denominator)))
            .when(pl.col(numerator).is_null()).then(pl.format("{} missing", pl.lit(numerator)))
            .otherwise(pl.lit(None, pl.String)))


def list_ratio_exclusions(uploads: pl.DataFrame) -> pl.DataFrame:
    """Every (unit, ratio) left out because its denominator is 0 or missing or its numerator missing:
    level, unit, ratio, reason."""
    parts = [uploads.select("level", "unit", pl.lit(name).alias("ratio"),
                            exclusion_reason(numerator, denominator).alias("reason"))
             for name, (numerator, denominator, _) in RATIOS.items()]
    return pl.concat(parts).filter(pl.col("reason").is_not_null())


def denominator_of(column: str) -> str | None:
    """The column a ratio is divided by (outpatient_visits, discharges); None for a column that is no ratio."""
    return RATIOS[column][1] if column in RATIOS else None


def has_enough_denominator(column: str, minimum: Mapping[str, int]) -> pl.Expr:
    """True where a ratio's denominator reaches its minimum (`minimum`: by denominator column, e.g.
    config.MIN_RATIO_DENOMINATOR); always true for a column that is no ratio, or one without a minimum."""
    denominator = denominator_of(column)
    if denominator is None or not minimum.get(denominator):
        return pl.lit(True)
    return pl.col(denominator).fill_null(0) >= minimum[denominator]


def rank_by_indicator(throughput: pl.DataFrame, column: str, level: str = "hospital",
                      minimum: Mapping[str, int] | None = None) -> pl.DataFrame:
    """The units of one level with a value in `column`, largest first, with their rank (tied values share it:
    1, 2, 2, 4). With `minimum` (by denominator column), a ratio ranks only the units whose denominator reaches it."""
    eligible = pl.col(column).is_not_null() & has_enough_denominator(column, minimum or {})
    return (throughput.filter((pl.col("level") == level) & eligible)
            .sort(column, descending=True, maintain_order=True)
            .with_columns(shared_rank(column).alias("rank"))
            .select("rank", "level", "unit", column))


def count_left_out(throughput: pl.DataFrame, column: str, level: str,
                   minimum: Mapping[str, int] = MIN_RATIO_DENOMINATOR) -> int:
    """How many units of `level` have a value in `column` but a denominator below the minimum (left out of
    a ranking or of the highest and lowest)."""
    return throughput.filter((pl.col("level") == level) & pl.col(column).is_not_null()
                             & ~has_enough_denominator(column, minimum)).height


def find_outliers(throughput: pl.DataFrame, column: str, k: float = 3.0) -> pl.DataFrame:
    """Units whose positive value lies more than k scaled MADs from the median of log10(value), per level.

    Returns level, unit, the value, log10 value, the level's median and scaled MAD (log10), the robust
    z-score and the side ('high' or 'low'). Values <= 0 or missing are not judged (there is no log).
    When the scaled MAD of a level is 0, only values away from the median are outliers.
    """
    logged = (throughput.filter(pl.col(column).is_not_null() & (pl.col(column) > 0))
              .select("level", "unit", column, pl.col(column).log10().alias("log10_value")))
    stats = logged.with_columns(
        pl.col("log10_value").median().over("level").alias("log10_median"))
    stats = stats.with_columns(
        ((pl.col("log10_value") - pl.col("log10_median")).abs().median().over("level") * MAD_SCALE)
        .alias("log10_mad"))
    deviation = pl.col("log10_value") - pl.col("log10_median")
    robust_z = (pl.when(pl.col("log10_mad") > 0).then(deviation / pl.col("log10_mad"))
                .when(deviation.abs() > 1e-12).then(pl.lit(float("inf")) * deviation.sign())
                .otherwise(pl.lit(0.0)))
    return (stats.with_columns(robust_z.alias("robust_z"))
            .filter(pl.col("robust_z").abs() > k)
            .with_columns(pl.when(pl.col("robust_z") > 0).then(pl.lit("high")).otherwise(pl.lit("low"))
                          .alias("side"))
            .sort(["level", "robust_z"], descending=[False, True], maintain_order=True))


def find_all_outliers(throughput: pl.DataFrame, columns: tuple[str, ...] = tuple(RATIOS),
                      k: float = 3.0) -> pl.DataFrame:
    """find_outliers for several columns, stacked: indicator, level, unit, value, robust_z, side.

    By default the ratios only (income per visit, income per discharge, records per visit): a unit stands out by
    what it does per visit or discharge, never for being large or small (the sizes of hospitals span orders of
    magnitude, and a large one is no error)."""
    parts = [find_outliers(throughput, column, k)
             .select(pl.lit(column).alias("indicator"), "level", "unit",
                     pl.col(column).cast(pl.Float64).alias("value"), "robust_z", "side")
             for column in columns]
    return pl.concat(parts) if parts else pl.DataFrame()


def describe_extremes(throughput: pl.DataFrame, outliers: pl.DataFrame, column: str, level: str,
                      minimum: Mapping[str, int] = MIN_RATIO_DENOMINATOR) -> dict | None:
    """What a headline may say of one ratio among one level's units. The units whose denominator reaches the
    minimum are compared, less the outliers of this ratio (`outliers` from find_all_outliers). Returns units
    (how many are compared), median, highest and lowest ({unit, value}), set_aside (the outliers among the units
    with enough denominator, left out of the comparison: unit, value, side; largest first) and too_small (units
    left out for a small denominator); None when no unit is left to compare."""
    ranked = rank_by_indicator(throughput, column, level, minimum)
    flagged = outliers.filter((pl.col("indicator") == column) & (pl.col("level") == level)).select("unit", "side")
    compared = ranked.join(flagged, on="unit", how="anti")
    if compared.height == 0:
        return None
    set_aside = ranked.join(flagged, on="unit", how="inner").select("unit", pl.col(column).alias("value"), "side")

    def unit_at(index: int) -> dict:
        return {"unit": compared["unit"][index], "value": float(compared[column][index])}

    return {"units": compared.height, "median": float(compared[column].median()), "highest": unit_at(0),
            "lowest": unit_at(-1), "set_aside": set_aside.to_dicts(),
            "too_small": count_left_out(throughput, column, level, minimum)}
