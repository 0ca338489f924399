"""Volumes judged against China's calendar: per working day, and with the Spring Festival's effect taken out.

A pure transform of the indicator history (`analysis.series`: month, level, unit, indicator, value) that
statistical process control reads instead of the raw history. Only the volumes are changed
(`indicators.VOLUME_INDICATORS`: bookings, visits, discharges, hotline calls and work orders, platform
bookings); every other indicator passes through as it is. Charts and tables of the month keep the raw counts.

1. **Per working day.** A volume is divided by its month's working days (`njbulletin.workdays`: the official
   calendar with its holidays and make-up days, or the reference file for a year the package lacks). A month
   that neither covers is judged per calendar day: it is divided by its calendar days times the history's
   working days per calendar day (the mean over the months that have a calendar), so that the series stays on
   one scale; with no calendar at all, every month is divided by its calendar days.
2. **The Spring Festival.** Working days already leave out the holiday itself, but patients stay away for weeks
   around it. Its effect is estimated from the history, as X-13ARIMA-SEATS does with a moving-holiday
   regressor (R `seasonal::genhol` for Chinese New Year): the regressor is the share of the festival window
   (`workdays.FESTIVAL_WINDOW`, from 7 days before the lunar new year to day +14) that falls in each month, and
   the model of a series' log value per working day is `level + beta × share`. `beta` is estimated per
   indicator, pooled across the units of a level (each city indicator on its own), robustly: each festival
   month's log value is compared with the median of the ordinary months (share 0) within `LOCAL_MONTHS` of it,
   and `beta` is the weighted median of residual / share, weighted by share² (the robust counterpart of least
   squares through the origin), so a unit's real event in a festival month does not move it. A festival month
   is then judged after dividing by `exp(beta × share)`: against what the festival explains.
   With fewer than `MIN_FESTIVALS` festivals in the history (a festival counts once its window is at least half
   covered by the months present), no effect is estimated and the page says so.

China's statistics bureau answers the same problem by publishing many January and February figures combined
(1–2 月); per working day with the festival regressor keeps each month judged on its own.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from njbulletin.analysis.spc import compute_spc
from njbulletin.analysis.spc_queries import recent_months, select_judged
from njbulletin.indicators import VOLUME_INDICATORS
from njbulletin.months import month_index, year_and_number
from njbulletin.workdays import SOURCE_CALENDAR_DAYS, MonthCalendar, month_calendar

MIN_FESTIVALS = 2  # festivals in the history before their effect is estimated
LOCAL_MONTHS = 6  # a festival month is compared with the ordinary months within this many months of it
HALF_WINDOW = 0.5  # a festival counts when at least this share of its window is in the history

MONTHS_SCHEMA = {"month": pl.String, "working_days": pl.Int64, "calendar_days": pl.Int64, "source": pl.String,
                 "festival_share": pl.Float64, "divisor": pl.Float64}
EFFECTS_SCHEMA = {"level": pl.String, "indicator": pl.String, "beta": pl.Float64, "own_beta": pl.Float64,
                  "standard_error": pl.Float64, "festival_months": pl.Int64}


@dataclass(frozen=True)
class CalendarAdjustment:
    """The history SPC judges, and how it was adjusted."""

    history: pl.DataFrame  # as given, the volumes per working day with the festival's effect taken out
    months: pl.DataFrame  # MONTHS_SCHEMA: each month's calendar and what its volumes were divided by
    effects: pl.DataFrame  # EFFECTS_SCHEMA: the festival's effect per indicator (empty under MIN_FESTIVALS)
    festivals: int  # Spring Festivals in the history

    def festival_factor(self, level: str, indicator: str, month: str) -> float:
        """What the festival explains in a month's volume: exp(beta × share) (1 where nothing is estimated)."""
        effect = self.effects.filter((pl.col("level") == level) & (pl.col("indicator") == indicator))
        share = self.months.filter(pl.col("month") == month)["festival_share"]
        if effect.is_empty() or share.is_empty():
            return 1.0
        return float(np.exp(effect["beta"][0] * share[0]))

    def uncovered_months(self) -> list[str]:
        """The months judged per calendar day (no working-day calendar covers them)."""
        return self.months.filter(pl.col("source") == SOURCE_CALENDAR_DAYS)["month"].to_list()


def calendar_months(months: list[str], calendar: Callable[[str], MonthCalendar] = month_calendar) -> pl.DataFrame:
    """Each month's calendar and its divisor (MONTHS_SCHEMA): the working days, or for a month without them its
    calendar days times the working days per calendar day of the months that have them (1 when none has)."""
    facts = [calendar(month) for month in sorted(set(months))]
    covered = [fact for fact in facts if fact.working_days is not None]
    per_day = (sum(fact.working_days for fact in covered) / sum(fact.calendar_days for fact in covered)
               if covered else 1.0)
    rows = [(fact.month, fact.working_days, fact.calendar_days, fact.source, fact.festival_share,
             float(fact.working_days) if fact.working_days is not None else fact.calendar_days * per_day)
            for fact in facts]
    return pl.DataFrame(rows, schema=MONTHS_SCHEMA, orient="row")


def count_festivals(months: pl.DataFrame) -> int:
    """The Spring Festivals whose window is at least half covered by the months present (January to March
    of a year hold its festival's window)."""
    festive = months.filter(pl.col("festival_share") > 0)
    years = {month: year_and_number(month)[0] for month in festive["month"].unique()}
    shares = festive.group_by(pl.col("month").replace_strict(years, return_dtype=pl.Int64).alias("year")).agg(
        pl.col("festival_share").sum())
    return int((shares["festival_share"] >= HALF_WINDOW).sum())


VOLUMES = sorted(VOLUME_INDICATORS)  # (level, indicator): a volume's number is its place here
VOLUME_NUMBERS = {volume: number for number, volume in enumerate(VOLUMES)}


def volume_numbers() -> pl.Expr:
    """Each row's volume number (its place in VOLUMES), null for a row that is not a volume."""
    by_level: dict[str, dict[str, int]] = {}
    for (level, indicator), number in VOLUME_NUMBERS.items():
        by_level.setdefault(level, {})[indicator] = number
    return pl.coalesce([pl.when(pl.col("level") == level)
                        .then(pl.col("indicator").replace_strict(numbers, default=None, return_dtype=pl.Int64))
                        for level, numbers in by_level.items()])


def volume_rows() -> pl.Expr:
    """True for a row of a volume (`indicators.VOLUME_INDICATORS`: a level and an indicator)."""
    return volume_numbers().is_not_null()


@dataclass(frozen=True)
class RowCalendar:
    """The calendar of a history's rows, worked out once for the adjustment's steps: each row's volume number
    (-1 for a row that is not a volume) and its month's column (months counted from the first month of
    `months`), and per column the divisor (NaN for a month absent) and the festival's share (0 for one absent)."""
    volume: np.ndarray
    column: np.ndarray
    divisor: np.ndarray
    share: np.ndarray


def row_calendar(history: pl.DataFrame, months: pl.DataFrame) -> RowCalendar:
    """The rows' calendar; `months` (`calendar_months`) must hold every month of the history."""
    start = month_index(months["month"][0]) if months.height else 0
    columns = [month_index(month) - start for month in months["month"]]
    total = columns[-1] + 1 if columns else 0
    divisor, share = np.full(total, np.nan), np.zeros(total)
    divisor[columns], share[columns] = months["divisor"].to_numpy(), months["festival_share"].to_numpy()
    codes = history.select(volume_numbers().fill_null(-1).alias("volume"),
                           pl.col("month").replace_strict(months["month"], pl.Series(columns, dtype=pl.Int64))
                           .alias("column"))
    return RowCalendar(codes["volume"].to_numpy(), codes["column"].to_numpy(), divisor, share)


def divided(history: pl.DataFrame, divisors: np.ndarray) -> pl.DataFrame:
    """The history with each row's value divided by its divisor (one per row, in the frame's order)."""
    return history.with_columns(pl.col("value") / pl.Series(divisors, dtype=pl.Float64))


def working_day_divisors(rows: RowCalendar) -> np.ndarray:
    """Each row's divisor: its month's for a volume, 1 for the rest."""
    return np.where(rows.volume >= 0, rows.divisor[rows.column], 1.0)


def per_working_day(history: pl.DataFrame, months: pl.DataFrame) -> pl.DataFrame:
    """The history with each volume divided by its month's divisor (`calendar_months` of its months); the rest
    unchanged."""
    return divided(history, working_day_divisors(row_calendar(history, months)))


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def festival_residuals(logs: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """(S, T) log values less the median of the ordinary months within LOCAL_MONTHS; NaN but in festival months."""
    residuals = np.full(logs.shape, np.nan)
    ordinary = shares == 0
    for t in np.nonzero(shares > 0)[0]:
        near = np.zeros(len(shares), dtype=bool)
        near[max(0, t - LOCAL_MONTHS):t + LOCAL_MONTHS + 1] = True
        local = logs[:, near & ordinary]
        if local.shape[1] == 0:
            continue
        counts = (~np.isnan(local)).sum(axis=1)
        filled = np.where(np.isnan(local), np.inf, local)
        sorted_local = np.sort(filled, axis=1)
        rows = np.arange(len(logs))
        low, high = sorted_local[rows, np.maximum(counts - 1, 0) // 2], sorted_local[rows, counts // 2]
        median = np.where(counts > 0, (low + high) / 2, np.nan)
        residuals[:, t] = logs[:, t] - median
    return residuals


def own_effect(residuals: np.ndarray, shares: np.ndarray) -> tuple[float, float, int] | None:
    """One indicator's festival effect from its own units' residuals (`festival_residuals`): (beta, its
    standard error, festival months), or None. beta is the weighted median of residual / share (weights
    share²); the standard error is the residuals' spread about the fit (root mean square, n - 1 degrees of
    freedom) over √Σ share²."""
    present = ~np.isnan(residuals)
    if not present.any():
        return None
    weights = np.broadcast_to(shares, residuals.shape)[present]
    beta = weighted_median(residuals[present] / weights, weights ** 2)
    misfit = residuals[present] - beta * weights
    spread = float(np.sqrt((misfit ** 2).sum() / max(len(misfit) - 1, 1)))
    return beta, max(spread, 1e-6) / float(np.sqrt((weights ** 2).sum())), int(present.any(axis=0).sum())


def shrink(betas: np.ndarray, errors: np.ndarray) -> np.ndarray:
    """Empirical Bayes: each indicator's beta pulled towards the common one (the precision-weighted median) by
    how much the indicators differ beyond their standard errors (tau², method of moments). A city series, one
    series with a few festivals, borrows strength from the others; an indicator whose effect truly differs
    (tau² large beside its error) keeps its own."""
    precision = 1 / errors ** 2
    common = weighted_median(betas, precision)
    tau2 = max(0.0, float(np.mean((betas - common) ** 2 - errors ** 2)))
    if tau2 == 0:
        return np.full(len(betas), common)
    return (betas * precision + common / tau2) / (precision + 1 / tau2)


def series_logs(per_day: pl.DataFrame, rows: RowCalendar) -> tuple[np.ndarray, np.ndarray]:
    """The volumes' series (a volume of a unit) with a value above 0: each series' volume number, and their
    (series, months) log values, NaN where a month has none. Series in order of volume, then unit: a series'
    key is volume × units + the unit's place among the names sorted, and the keys present are numbered in
    order."""
    values = per_day["value"].to_numpy()
    picked = (rows.volume >= 0) & (values > 0)
    if not picked.any():
        return np.empty(0, dtype=np.int64), np.empty((0, len(rows.share)))
    volumes = rows.volume[picked]
    units = per_day["unit"].filter(pl.Series(picked))
    names = sorted(units.unique().to_list())
    key = volumes * len(names) + units.cast(pl.Enum(names)).to_physical().cast(pl.Int64).to_numpy()
    present = np.zeros(int(key.max()) + 1, dtype=bool)
    present[key] = True
    series = (np.cumsum(present) - 1)[key]
    logs = np.full((int(present.sum()), len(rows.share)), np.nan)
    logs[series, rows.column[picked]] = np.log(values[picked])
    volume = np.empty(len(logs), dtype=np.int64)
    volume[series] = volumes
    return volume, logs


def estimate_effects(per_day: pl.DataFrame, rows: RowCalendar) -> pl.DataFrame:
    """The festival's effect `beta` per volume indicator and level (EFFECTS_SCHEMA): each indicator's own
    estimate, pooled across its units, then shrunk towards the common effect (`shrink`)."""
    volume, logs = series_logs(per_day, rows)
    residuals = festival_residuals(logs, rows.share)  # each series' own: every series at once
    estimated = []
    for number in np.unique(volume):
        effect = own_effect(residuals[volume == number], rows.share)
        if effect is not None:
            estimated.append((*VOLUMES[number], *effect))
    if not estimated:
        return pl.DataFrame(schema=EFFECTS_SCHEMA)
    betas = shrink(np.array([row[2] for row in estimated]), np.array([row[3] for row in estimated]))
    return pl.DataFrame([(level, indicator, float(beta), own, error, months)
                         for (level, indicator, own, error, months), beta in zip(estimated, betas)],
                        schema=EFFECTS_SCHEMA, orient="row")


def festival_divisors(rows: RowCalendar, effects: pl.DataFrame) -> np.ndarray:
    """Each row's divisor for the festival: what it explains in a volume's month, exp(beta × share); 1 for a
    row that is not a volume or whose volume has no effect estimated."""
    beta = np.zeros(len(VOLUMES))
    for level, indicator, value in effects.select("level", "indicator", "beta").iter_rows():
        beta[VOLUME_NUMBERS[(level, indicator)]] = value
    return np.where(rows.volume >= 0, np.exp(beta[rows.volume] * rows.share[rows.column]), 1.0)


def adjust_for_calendar(history: pl.DataFrame, calendar: Callable[[str], MonthCalendar] = month_calendar
                        ) -> CalendarAdjustment:
    """The history SPC judges: volumes per working day, the festival's effect taken out once the history holds
    MIN_FESTIVALS festivals. `calendar` gives a month's facts (`workdays.month_calendar`; tests pass their own)."""
    months = calendar_months(history["month"].unique().to_list(), calendar) if history.height else \
        pl.DataFrame(schema=MONTHS_SCHEMA)
    festivals = count_festivals(months)
    rows = row_calendar(history, months)
    per_day = divided(history, working_day_divisors(rows))
    effects = (estimate_effects(per_day, rows) if festivals >= MIN_FESTIVALS
               else pl.DataFrame(schema=EFFECTS_SCHEMA))
    adjusted = divided(per_day, festival_divisors(rows, effects)) if effects.height else per_day
    return CalendarAdjustment(history=adjusted.select(history.columns), months=months, effects=effects,
                              festivals=festivals)


def judge_history(history: pl.DataFrame, calendar: Callable[[str], MonthCalendar] = month_calendar
                  ) -> tuple[CalendarAdjustment, pl.DataFrame]:
    """How 50-attention judges a history (and the tests with it): the judged indicators (`spc.select_judged`)
    of the last JUDGED_MONTHS months (`spc_queries.recent_months`), adjusted for the calendar, then statistical
    process control of every series. Returns both."""
    adjusted = adjust_for_calendar(select_judged(recent_months(history)), calendar)
    return adjusted, compute_spc(adjusted.history)
