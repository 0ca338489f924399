"""SPC's point types, as NHSRplotthedots' `ptd_calculate_point_type` decides them: the four rules of special-cause
variation on one part of a series (between rebases), which point each marks and where it begins, and each
point's special cause, side and variation. The limits they are judged against come from `analysis.spc`.

- `outside_limits`: a point above the upper or below the lower process limit;
- `shift`: 7 points in a row on one side of the mean (a point on the mean breaks the run);
- `trend`: 7 points in a row, each higher (or each lower) than the one before (a tie breaks it);
- `close_to_limits`: 2 of 3 points in a row beyond two thirds of the way from the mean to a limit (and inside
  the limits), all three on the same side of the mean; the points marked are the close ones.

A point's special cause is the first rule that marks it in `RULES` order; its side is high or low (for a
trend: rising or falling); its variation `improving` or `concerning` by the indicator's direction, `neutral`
for an indicator that is neither better up nor down, `common_cause` when no rule marks it. A rule begins at a
point when it holds for the window ending there and did not for the window ending the point before. Every
array is (series, months); NaN is a month without a value, and no run reaches across one.
"""
from __future__ import annotations

import numpy as np

from njbulletin.indicators import CONCERNING, DOWN, IMPROVING, NEUTRAL, UP

LIMIT = 2.66  # process limits: mean ± 2.66 × mean moving range
CLOSE = 2 * LIMIT / 3  # two thirds of the way to a limit
RUN = 7  # points in a row for a shift or a trend

OUTSIDE, TREND, CLOSE_TO_LIMITS, SHIFT = "outside_limits", "trend", "close_to_limits", "shift"
RULES = (OUTSIDE, TREND, CLOSE_TO_LIMITS, SHIFT)  # the order a point's special cause is chosen in
COMMON_CAUSE = "common_cause"
VARIATIONS = (COMMON_CAUSE, IMPROVING, CONCERNING, NEUTRAL)
HIGH, LOW = "high", "low"
DIRECTION_SIGN = {UP: 1, DOWN: -1, NEUTRAL: 0}


def window_counts(flags: np.ndarray, width: int) -> np.ndarray:
    """(S, T - width + 1): how many points of each run of `width` months are flagged, the k-th run being
    months k to k + width - 1 (counted from running sums: as exact as counting, without a pass per window)."""
    sums = np.zeros((flags.shape[0], flags.shape[1] + 1), dtype=np.int64)
    np.cumsum(flags, axis=1, out=sums[:, 1:])
    return sums[:, width:] - sums[:, :-width]


def all_one_sign(signs: np.ndarray, width: int) -> np.ndarray:
    """(S, T - width + 1): the runs of `width` months whose signs are all +1 or all -1 (a 0 or a NaN breaks one)."""
    return (window_counts(signs == 1, width) == width) | (window_counts(signs == -1, width) == width)


def ending_at(flags: np.ndarray, width: int, total: int) -> np.ndarray:
    """Window results (S, T-width+1) placed at the month each window ends on (S, T); False before."""
    placed = np.zeros((flags.shape[0], total), dtype=bool)
    if flags.shape[1] > 0:
        placed[:, width - 1:] = flags
    return placed


def members(ends: np.ndarray, width: int) -> np.ndarray:
    """The points inside a run of `width` months that ends at a flagged point."""
    padded = np.concatenate([ends, np.zeros((ends.shape[0], width - 1), dtype=bool)], axis=1)
    return window_counts(padded, width) > 0


def held_before(ends: np.ndarray) -> np.ndarray:
    """Whether the window ending the month before qualified (False at the first month)."""
    before = np.zeros_like(ends)
    before[:, 1:] = ends[:, :-1]
    return before


def run_rules(y: np.ndarray, mean: np.ndarray, mean_range: np.ndarray) -> dict[str, np.ndarray]:
    """The four rules on one part (series without limits have NaN mean): for each, which points it marks and
    where it begins; and the sides."""
    total = y.shape[1]
    centre, spread = mean[:, None], mean_range[:, None]
    with np.errstate(invalid="ignore"):
        relative = np.sign(y - centre)  # +1 above the mean, -1 below, 0 on it, NaN missing
        outside = (y > centre + LIMIT * spread) | (y < centre - LIMIT * spread)
        close = ~outside & ((y > centre + CLOSE * spread) | (y < centre - CLOSE * spread))
        steps = np.sign(np.diff(y, axis=1)) if total > 1 else np.empty((len(y), 0))
    shift_ends = np.zeros_like(outside)
    trend_ends = np.zeros_like(outside)
    close_ends = np.zeros_like(outside)
    if total >= RUN:
        shift_ends = ending_at(all_one_sign(relative, RUN), RUN, total)
        trend_ends = ending_at(all_one_sign(steps, RUN - 1), RUN, total)
    if total >= 3:
        close_ends = ending_at((window_counts(close, 3) >= 2) & all_one_sign(relative, 3), 3, total)
    trend = members(trend_ends, RUN)
    return {
        OUTSIDE: outside, TREND: trend, CLOSE_TO_LIMITS: close & members(close_ends, 3),
        SHIFT: members(shift_ends, RUN),
        "began_" + OUTSIDE: outside & ~(held_before(outside) & (held_before_values(relative) == relative)),
        "began_" + TREND: trend_ends & ~held_before(trend_ends),
        "began_" + CLOSE_TO_LIMITS: close & close_ends & ~held_before(close & close_ends),
        "began_" + SHIFT: shift_ends & ~held_before(shift_ends),
        "relative": relative, "trend_side": trend_side(steps, trend),
    }


def held_before_values(values: np.ndarray) -> np.ndarray:
    before = np.full_like(values, np.nan)
    before[:, 1:] = values[:, :-1]
    return before


def trend_side(steps: np.ndarray, trend: np.ndarray) -> np.ndarray:
    """The direction of the trend a point belongs to: the step after it when the next point is in the trend
    too, else the step before it (as NHSRplotthedots decides a point between a rise and a fall)."""
    total = trend.shape[1]
    before = np.zeros(trend.shape)
    after = np.zeros(trend.shape)
    if total > 1:
        before[:, 1:] = steps
        after[:, :-1] = steps
    next_in_trend = np.zeros_like(trend)
    next_in_trend[:, :-1] = trend[:, 1:]
    return np.nan_to_num(np.where(trend & next_in_trend, after, before))


def classify(rules: dict[str, np.ndarray], directions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each point's special cause (index into RULES, -1 for none), its side and its variation."""
    fired = np.stack([rules[rule] for rule in RULES])
    cause = np.where(fired.any(axis=0), fired.argmax(axis=0), -1).astype(np.int8)
    relative = np.nan_to_num(rules["relative"])
    side = np.where(cause == RULES.index(TREND), rules["trend_side"], np.where(cause >= 0, relative, 0))
    side = side.astype(np.int8)
    oriented = side * directions[:, None]
    variation = np.select([cause < 0, directions[:, None] == 0, oriented > 0, oriented < 0],
                          [VARIATIONS.index(COMMON_CAUSE), VARIATIONS.index(NEUTRAL), VARIATIONS.index(IMPROVING),
                           VARIATIONS.index(CONCERNING)], VARIATIONS.index(NEUTRAL))
    return cause, side, variation.astype(np.int8)


RULE_SETS = np.array([";".join(rule for bit, rule in enumerate(RULES) if mask >> bit & 1) or None
                      for mask in range(2 ** len(RULES))], dtype=object)


def rule_masks(flags: np.ndarray) -> np.ndarray:
    """(rules, N) booleans as one bit mask per column (bit k: RULES[k] is true), an index into RULE_SETS."""
    return sum(flags[bit].astype(np.int64) << bit for bit in range(len(RULES)))


def rule_sets(flags: np.ndarray) -> np.ndarray:
    """(rules, N) booleans as the ';'-joined names of the rules that are true (None for none), per column."""
    return RULE_SETS[rule_masks(flags)]


