"""Standing problems: what is wrong with a month's figures whatever the month before was, listed from the first
month of an archive.

A standing problem is a quality flag of one of STANDING_RULES (validation detects them once,
`validate.checks.upload_rule_conditions`; nothing here tests a row again): a unit with no uploads, no real-time
days or fewer of them than the month has days, forms missing, an income reported beside zero activity, or
activity reported beside zero income.

Each problem says **since when** it has lasted: the run of consecutive calendar months, ending in this month,
in which the same unit had the same flag (`flag_history`, one small frame per month from the history store).
With one month in the archive that run is this month only, and the page says so.

Each problem has an **estimated weight**: the share of the city's figures it concerns (WEIGHT_METHODS):

- `outpatient_income_without_visits`: the visits missing, estimated as the unit's outpatient income divided by
  the city's income per visit (the outpatient income over the visits of the hospitals that report both), as a
  share of the city's visits with them: missing / (reported + missing);
- `inpatient_income_without_discharges`: the same with the inpatient income and the discharges;
- `visits_without_outpatient_income` (the reverse): the income missing, estimated as the unit's visits times
  the city's income per visit, as a share of the city's outpatient income with it: missing / (reported +
  missing); `discharges_without_inpatient_income`: the same with the discharges and the inpatient income;
- `no_uploads`, `no_realtime_days`: the whole unit, one of the N units of its level in the uploads table: 1 / N;
- `forms_incomplete`: the forms missing over the forms expected, of one unit in N: (expected - uploaded) /
  expected / N;
- `realtime_days_short`: the days without real-time uploads over the month's days, of one unit in N.
"""
from __future__ import annotations

import polars as pl

from njbulletin.months import month_index, shift_month
from njbulletin.validate.checks import ACTIVITY_WITHOUT_INCOME, INCOME_WITHOUT_ACTIVITY, UPLOAD_RULES
from njbulletin.validate.names import resolve_names

STANDING_RULES = UPLOAD_RULES  # every rule about an upload row is a standing problem
FLAG_HISTORY_SCHEMA = {"month": pl.String, "level": pl.String, "unit": pl.String, "rule": pl.String}
WEIGHT_METHODS = {"outpatient_income_without_visits": "income_over_city_ratio",
                  "inpatient_income_without_discharges": "income_over_city_ratio",
                  "visits_without_outpatient_income": "activity_times_city_ratio",
                  "discharges_without_inpatient_income": "activity_times_city_ratio",
                  "no_uploads": "one_unit", "no_realtime_days": "one_unit", "forms_incomplete": "forms_missing",
                  "realtime_days_short": "days_missing"}
ESTIMATED = (*INCOME_WITHOUT_ACTIVITY, *ACTIVITY_WITHOUT_INCOME)  # the rules whose rows carry estimate and value


def standing_flags(month: str, quality_flags: pl.DataFrame) -> pl.DataFrame:
    """The month's flags of STANDING_RULES, units by canonical name (FLAG_HISTORY_SCHEMA); the history store
    keeps this frame for every month (`analysis.history`)."""
    flags = quality_flags.filter(pl.col("rule").is_in(STANDING_RULES))
    if flags.is_empty():
        return pl.DataFrame(schema=FLAG_HISTORY_SCHEMA)
    return (resolve_names(flags, "unit").select(pl.lit(month).alias("month"), "level",
                                                pl.col("canonical_name").alias("unit"), "rule")
            .unique().sort("level", "unit", "rule"))


def running_since(month: str, history: pl.DataFrame) -> pl.DataFrame:
    """Per (level, unit, rule) flagged in `month`: the first month of its run of consecutive calendar months
    ending in `month` (`since`) and the run's length (`months_running`), sorted by the keys. A key's distinct
    months back from `month`, sorted, are 0, 1, 2, ... up to its first gap: its run is how many of them equal
    their place (none for a key not flagged in `month`)."""
    now, keys = month_index(month), ["level", "unit", "rule"]
    if history.is_empty():
        return pl.DataFrame(schema={**dict.fromkeys(keys, pl.String), "since": pl.String, "months_running": pl.Int64})
    back = {value: now - month_index(value) for value in history["month"].unique()}
    months_back = pl.col("back").unique().sort()
    runs = (history.select(*keys, pl.col("month").replace_strict(back, return_dtype=pl.Int64).alias("back"))
            .filter(pl.col("back") >= 0)
            .group_by(keys).agg((months_back == pl.int_range(pl.col("back").n_unique())).sum().cast(pl.Int64)
                                .alias("months_running"))
            .filter(pl.col("months_running") > 0).sort(keys))
    since = [shift_month(month, 1 - length) for length in runs["months_running"]]
    return runs.select(*keys, pl.Series("since", since, dtype=pl.String), "months_running")


def city_ratio(hospitals: pl.DataFrame, income: str, activity: str) -> float | None:
    """The city's income (千元) per unit of activity, from the hospitals that report both."""
    both = hospitals.filter((pl.col(income).fill_null(0) > 0) & (pl.col(activity).fill_null(0) > 0))
    count = both[activity].sum()
    return both[income].sum() / count if count else None


def estimated_weights(rows: pl.DataFrame, hospitals: pl.DataFrame) -> list[pl.DataFrame]:
    """The weights of the rules that estimate what is missing from the city's income per unit of activity:
    an income without its activity (estimate: the activity missing; value: the income, 千元) and activity
    without its income (estimate: the income missing, 千元; value: the activity reported)."""
    parts = []
    for rule, (income, activity) in (INCOME_WITHOUT_ACTIVITY | ACTIVITY_WITHOUT_INCOME).items():
        ratio = city_ratio(hospitals, income, activity)
        if ratio is None:
            continue
        reverse = rule in ACTIVITY_WITHOUT_INCOME
        shown, measured = (activity, income) if reverse else (income, activity)
        missing = pl.col(activity).fill_null(0) * ratio if reverse else pl.col(income).fill_null(0) / ratio
        reported = hospitals[measured].fill_null(0).sum()
        parts.append(rows.select("level", "unit", pl.lit(rule).alias("rule"),
                                 (missing / (reported + missing)).cast(pl.Float64).alias("weight"),
                                 missing.cast(pl.Float64).alias("estimate"),
                                 pl.col(shown).cast(pl.Float64).alias("value")))
    return parts


def flag_weights(uploads: pl.DataFrame, days_in_month: int) -> pl.DataFrame:
    """Every upload row's weight under each standing rule's method (level, unit as printed, rule, weight,
    estimate, value): `estimated_weights` for incomes and activity without each other, else estimate and value
    null."""
    units = uploads.group_by("level").len("units")
    hospitals = uploads.filter(pl.col("level") == "hospital")
    rows = uploads.join(units, on="level")
    parts = estimated_weights(rows, hospitals)
    one = 1 / pl.col("units")
    expressions = {"no_uploads": one, "no_realtime_days": one,
                   "forms_incomplete": (pl.col("forms_expected") - pl.col("forms_uploaded")).cast(pl.Float64)
                   / pl.col("forms_expected") * one,
                   "realtime_days_short": (days_in_month - pl.col("realtime_days")).cast(pl.Float64) / days_in_month
                   * one}
    parts += [rows.select("level", "unit", pl.lit(rule).alias("rule"), weight.cast(pl.Float64).alias("weight"),
                          pl.lit(None, pl.Float64).alias("estimate"), pl.lit(None, pl.Float64).alias("value"))
              for rule, weight in expressions.items()]
    return pl.concat(parts)


def list_standing(month: str, days_in_month: int, quality_flags: pl.DataFrame, uploads: pl.DataFrame,
                  history: pl.DataFrame) -> pl.DataFrame:
    """The month's standing problems, heaviest first: level, unit (canonical), rule, detail, weight, estimate
    and value (`estimated_weights`: what is missing, and what was reported without it), since, months_running. `history` holds the standing flags of the months before (FLAG_HISTORY_SCHEMA);
    this month's are added from `quality_flags`."""
    flags = quality_flags.filter(pl.col("rule").is_in(STANDING_RULES))
    if flags.is_empty():
        return pl.DataFrame(schema={"level": pl.String, "unit": pl.String, "rule": pl.String, "detail": pl.String,
                                    "weight": pl.Float64, "estimate": pl.Float64, "value": pl.Float64,
                                    "since": pl.String, "months_running": pl.Int64})
    weighted = flags.join(flag_weights(uploads, days_in_month), on=["level", "unit", "rule"], how="left")
    canonical = (resolve_names(weighted, "unit").drop("unit").rename({"canonical_name": "unit"})
                 .group_by("level", "unit", "rule", maintain_order=True)
                 .agg(pl.col("detail").first(), pl.col("weight").max(), pl.col("estimate").sum(),
                      pl.col("value").sum()))
    past = history.filter(pl.col("month") != month)
    runs = running_since(month, pl.concat([past, standing_flags(month, quality_flags)]))
    return (canonical.join(runs, on=["level", "unit", "rule"], how="left")
            .with_columns(pl.col("weight").fill_null(0.0),
                          *[pl.when(pl.col("rule").is_in(list(ESTIMATED))).then(pl.col(name)).alias(name)
                            for name in ("estimate", "value")])
            .sort(["weight", "level", "unit", "rule"], descending=[True, False, False, False]))
