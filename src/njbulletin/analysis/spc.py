"""Statistical process control in the style of NHS England's Making Data Count: XmR (individuals) charts and
their four rules, for every indicator of every unit at once.

The method, as NHSRplotthedots (R, nhs-r-community) computes it, point for point:

- **Limits.** The mean of the baseline, and the process limits mean ± 2.66 × the mean moving range (MR: the
  absolute difference between a month and the month before). Moving ranges above 3.267 × the mean moving
  range are screened out before the limits are computed (`screen_outliers`, on by default).
- **Rules** (special-cause variation), each marking every point that is part of it:
  - `outside_limits`: a point above the upper or below the lower process limit;
  - `shift`: 7 points in a row on one side of the mean (a point on the mean breaks the run);
  - `trend`: 7 points in a row, each higher (or each lower) than the one before (a tie breaks it);
  - `close_to_limits`: 2 of 3 points in a row beyond two thirds of the way from the mean to a limit (and
    inside the limits), all three on the same side of the mean; the points marked are the close ones.
- **A point's special cause** is the first rule that marks it in that order: outside the limits, trend, close
  to the limits, shift; its side is high or low (for a trend: rising or falling). **Its variation** is
  `improving` or `concerning` by the indicator's direction (`njbulletin.indicators`), or `neutral` for an
  indicator that is neither better up nor down; `common_cause` when no rule marks it. The series' variation
  icon is its last point's.
- `fix_after=N` computes the mean and limits from the first N points only; `rebase_at` starts a new
  baseline at the given positions (a known change of process): each part gets its own limits, and no rule
  reaches across a rebase.

What this adds for a monthly archive:
- **Missing months.** A series is laid on the calendar; a month without a value (not processed, or the unit
  not printed) is a gap. No moving range spans a gap, and no run (shift, trend, 2 of 3) reaches across one:
  "7 months in a row" means seven consecutive calendar months.
- **Bounded indicators.** A share's limits are clipped to 0–100% (`clip_bounded`).
- **How much history.** Limits need 12 points in the baseline: under 12 there are no mean, no limits and no
  rules (`limits` is `none`); from 12 to 19 they are `provisional`; from 20 they are `proper`.
- **Screening never removes all the variation.** When every moving range that is not zero would be screened
  out (a district complete every month but two), the moving ranges are kept as they are: the limits then
  reflect the rare dips, which fall outside them, instead of collapsing onto the mean. NHSRplotthedots leaves
  such a series with limits equal to its mean (or none, when every range is zero); a series that never moves
  has limits equal to its mean here, so that its first move is outside them.
- **When a signal begins** (`began`): a rule begins at a point when it holds for the window ending there and
  did not for the window ending the point before (a point outside its limits after one that was not, the
  seventh point of a run, the second close point of three). The attention list names the signals that begin
  in its month.

Everything is computed on a (series x months) numpy array; `xmr` is the same computation for one series.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from njbulletin.analysis.spc_point_types import (
    DIRECTION_SIGN,
    HIGH,
    LIMIT,
    LOW,
    RULE_SETS,
    RULES,
    VARIATIONS,
    classify,
    rule_masks,
    run_rules,
)
from njbulletin.contract import NO_LIMITS, PROPER, PROVISIONAL, SPC_SCHEMA
from njbulletin.indicators import NEUTRAL, find_indicator
from njbulletin.months import month_range

SCREEN = 3.267  # moving ranges above 3.267 × their mean are screened out
MIN_POINTS, PROPER_POINTS = 12, 20  # baseline points for provisional and for proper limits


@dataclass(frozen=True)
class XmrArrays:
    """The computation for S series over T months; every array is (S, T) unless said otherwise."""
    values: np.ndarray
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    points: np.ndarray  # baseline points of the point's part (int)
    mean_moving_range: np.ndarray
    fired: np.ndarray  # (rules, S, T) bool: the point is part of the rule (RULES order)
    began: np.ndarray  # (rules, S, T) bool: the rule begins at the point
    cause: np.ndarray  # int8: index into RULES of the point's special cause, -1 for none
    side: np.ndarray  # int8: +1 high (rising), -1 low (falling), 0 none
    variation: np.ndarray  # int8: index into VARIATIONS, -1 where there are no limits


# ----------------------------------------------------------------------------- one part (between rebases)


def nan_mean(values: np.ndarray) -> np.ndarray:
    """The mean of each row's non-missing values (NaN for a row with none), without numpy's warning."""
    counts = (~np.isnan(values)).sum(axis=1)
    return np.divide(np.nansum(values, axis=1), counts, out=np.full(len(values), np.nan), where=counts > 0)


def baseline_limits(y: np.ndarray, screen_outliers: bool, fix_after: int | None) -> tuple[np.ndarray, ...]:
    """Per series: (baseline points, mean, mean moving range), from the observed points of the baseline."""
    observed = ~np.isnan(y)
    baseline = observed & (np.cumsum(observed, axis=1) <= fix_after) if fix_after else observed
    base = np.where(baseline, y, np.nan)
    points = baseline.sum(axis=1)
    mean = np.divide(np.nansum(base, axis=1), points, out=np.full(len(y), np.nan), where=points > 0)
    ranges = np.abs(np.diff(base, axis=1)) if y.shape[1] > 1 else np.empty((len(y), 0))
    mean_range = nan_mean(ranges)
    if screen_outliers:
        with np.errstate(invalid="ignore"):
            screened = nan_mean(np.where(ranges < SCREEN * mean_range[:, None], ranges, np.nan))
            mean_range = np.where(screened > 0, screened, mean_range)  # never screen away all the variation
    return points, mean, mean_range


# ----------------------------------------------------------------------------- every series at once


def limits_status(points: np.ndarray) -> pl.Series:
    """none, provisional or proper, by the number of baseline points."""
    return labels_of([NO_LIMITS, PROVISIONAL, PROPER], np.select([points >= PROPER_POINTS, points >= MIN_POINTS], [2, 1], 0))


def part_bounds(total: int, rebase_at: Sequence[int]) -> list[tuple[int, int]]:
    """The parts between rebases: (first position, position after the last)."""
    positions = sorted({0, total, *(int(position) for position in rebase_at if 0 < int(position) < total)})
    return list(zip(positions, positions[1:]))


def xmr_arrays(values: np.ndarray, directions: np.ndarray, *, screen_outliers: bool = True,
               fix_after: int | None = None, rebase_at: Sequence[int] = ()) -> XmrArrays:
    """XmR for S series over the same T months at once. `values` (S, T) with NaN for a month without a
    value; `directions` (S,) +1 (more is better), -1 (less is better) or 0 (neutral)."""
    values = np.asarray(values, dtype=float)
    directions = np.asarray(directions, dtype=np.int8)
    shape = values.shape
    mean, mean_range = np.full(shape, np.nan), np.full(shape, np.nan)
    points = np.zeros(shape, dtype=np.int64)
    fired, began = np.zeros((len(RULES), *shape), dtype=bool), np.zeros((len(RULES), *shape), dtype=bool)
    cause, side, variation = (np.full(shape, fill, dtype=np.int8) for fill in (-1, 0, -1))
    for start, end in part_bounds(shape[1], rebase_at):
        y = values[:, start:end]
        count, centre, spread = baseline_limits(y, screen_outliers, fix_after)
        limited = (count >= MIN_POINTS) & ~np.isnan(spread)
        centre, spread = np.where(limited, centre, np.nan), np.where(limited, spread, np.nan)
        rules = run_rules(y, centre, spread)
        judged = limited[:, None] & ~np.isnan(y)
        for index, rule in enumerate(RULES):
            fired[index, :, start:end] = rules[rule] & judged
            began[index, :, start:end] = rules["began_" + rule] & judged
        part_cause, part_side, part_variation = classify(rules, directions)
        cause[:, start:end] = np.where(judged, part_cause, -1)
        side[:, start:end] = np.where(judged, part_side, 0)
        variation[:, start:end] = np.where(judged, part_variation, -1)
        mean[:, start:end], mean_range[:, start:end] = centre[:, None], spread[:, None]
        points[:, start:end] = count[:, None]
    return XmrArrays(values=values, mean=mean, lower=mean - LIMIT * mean_range, upper=mean + LIMIT * mean_range,
                     points=points, mean_moving_range=mean_range, fired=fired, began=began, cause=cause, side=side,
                     variation=variation)


def point_columns(result: XmrArrays, rows: np.ndarray, cols: np.ndarray) -> dict[str, object]:
    """The per-point columns of SPC_SCHEMA (after level, unit, indicator, month) for the points (rows, cols)."""
    flat = rows * result.values.shape[1] + cols  # each point's place in the (S, T) arrays, read flat

    def at(array: np.ndarray) -> np.ndarray:
        return array.reshape(-1)[flat]

    def rules_at(array: np.ndarray) -> np.ndarray:
        return array.reshape(len(array), -1)[:, flat]

    value = at(result.values)
    moving = np.full(len(rows), np.nan)
    previous = cols > 0
    moving[previous] = np.abs(value[previous] - result.values.reshape(-1)[flat[previous] - 1])
    cause, side, variation = at(result.cause), at(result.side), at(result.variation)
    points = at(result.points)
    return {
        "value": value, "mean": at(result.mean), "lower": at(result.lower), "upper": at(result.upper),
        "limits": limits_status(points), "baseline_points": points,
        "rules": labels_of(RULE_SETS, rule_masks(rules_at(result.fired))),
        "special_cause": labels_of([None, *RULES], cause + 1),
        "side": labels_of([None, HIGH, LOW], np.where(side > 0, 1, np.where(side < 0, 2, 0))),
        "variation": labels_of([None, *VARIATIONS], variation + 1),
        "began": labels_of(RULE_SETS, rule_masks(rules_at(result.began))),
        "moving_range": moving, "mean_moving_range": at(result.mean_moving_range),
    }


def labels_of(labels: Sequence[str | None], codes: np.ndarray) -> pl.Series:
    """The label of each code (an index into `labels`), as a string column."""
    return pl.Series(list(labels), dtype=pl.String).gather(np.asarray(codes, dtype=np.int64))


def points_frame(keys: dict[str, object], columns: dict[str, object]) -> pl.DataFrame:
    """A frame of SPC_SCHEMA from key columns and point columns; NaN becomes null."""
    data = {**keys, **columns}
    return pl.DataFrame({name: column(name, data[name], dtype) for name, dtype in SPC_SCHEMA.items() if name in data})


def column(name: str, values: object, dtype: pl.DataType) -> pl.Series:
    """One column of SPC_SCHEMA: a string column as given, numbers from numpy (NaN as null)."""
    if isinstance(values, pl.Series):
        return values.alias(name).cast(dtype)
    return pl.Series(name, values, dtype=dtype, nan_to_null=dtype == pl.Float64)


def xmr(values: Sequence[float | None], *, screen_outliers: bool = True, fix_after: int | None = None,
        rebase_at: Sequence[int] = (), direction: str = NEUTRAL) -> pl.DataFrame:
    """One series in month order (None for a month without a value), judged by an indicator that improves
    in `direction`: per point its position, value, mean, lower and upper process limits, `limits` (none,
    provisional, proper), the rules it is part of (';'-joined), its special cause and side, its variation,
    and the rules that begin at it."""
    array = np.array([[np.nan if value is None else float(value) for value in values]], dtype=float)
    result = xmr_arrays(array, np.array([DIRECTION_SIGN[direction]]), screen_outliers=screen_outliers,
                        fix_after=fix_after, rebase_at=rebase_at)
    cols = np.arange(array.shape[1])
    columns = point_columns(result, np.zeros_like(cols), cols)
    frame = points_frame({}, columns).with_columns(pl.Series("position", cols, dtype=pl.Int64))
    return frame.select("position", *[name for name in frame.columns if name != "position"])


def clip_bounded(result: XmrArrays, bounded: np.ndarray) -> XmrArrays:
    """The limits of a bounded indicator (a share, 0 to 1) clipped to its bounds: a share never exceeds 100%, so
    an upper limit of 102.32% says nothing a limit of 100% does not. The rules are unchanged (no share lies
    beyond its bounds, so none is outside a limit only because of the clipping)."""
    rows = bounded[:, None]
    return replace(result, lower=np.where(rows, np.clip(result.lower, 0.0, 1.0), result.lower),
                   upper=np.where(rows, np.clip(result.upper, 0.0, 1.0), result.upper))


def direction_sign(level: str, indicator: str) -> int:
    return DIRECTION_SIGN[find_indicator(indicator, level).direction]


def compute_spc(history: pl.DataFrame, *, screen_outliers: bool = True, fix_after: int | None = None) -> pl.DataFrame:
    """XmR for every series of an indicator history (month, level, unit, indicator, value: one row per
    value, as `analysis.series` gives it): one row per value with SPC_SCHEMA's columns, sorted by level,
    indicator, unit and month. The series are laid on the calendar from the first month to the last."""
    if history.is_empty():
        return pl.DataFrame(schema=SPC_SCHEMA)
    calendar = month_range(history["month"].min(), history["month"].max())
    total = len(calendar)
    keys = history.select("level", "unit", "indicator").unique().sort("level", "indicator", "unit")
    keyed = (history.join(keys.with_row_index("series"), on=["level", "unit", "indicator"])
             .with_columns(pl.col("month").replace_strict(calendar, range(total), return_dtype=pl.Int64)
                           .alias("position")))
    matrix = np.full((keys.height, total), np.nan)
    matrix[keyed["series"].to_numpy(), keyed["position"].to_numpy()] = keyed["value"].to_numpy()
    directions = np.array([direction_sign(level, indicator) for level, _, indicator in keys.iter_rows()])
    result = clip_bounded(xmr_arrays(matrix, directions, screen_outliers=screen_outliers, fix_after=fix_after),
                          np.array([find_indicator(indicator, level).kind == "share"
                                    for level, _, indicator in keys.iter_rows()], dtype=bool))
    rows, cols = np.nonzero(~np.isnan(matrix))
    key_columns = {name: keys[name].gather(rows) for name in ("level", "unit", "indicator")}
    return points_frame({**key_columns, "month": pl.Series(calendar, dtype=pl.String).gather(cols)},
                        point_columns(result, rows, cols))


