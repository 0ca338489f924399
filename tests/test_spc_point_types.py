"""SPC's point types (analysis.spc_point_types): each rule on a hand-made series where it fires and one where it
falls just short, the order a point's special cause is chosen in, and its variation by the indicator's direction.

Most hand-made series start with a baseline of 20 points alternating 12 and 10 (ending on 10, below the
mean), and fix the limits on it (fix_after=20): mean 11, every moving range 2, so the process limits are
11 ± 2.66 × 2 = 5.68 and 16.32, and "close to a limit" is beyond 11 ± 2/3 × 5.32 = 7.4533 and 14.5467.
"""
from __future__ import annotations

import numpy as np
import pytest

from njbulletin.analysis.spc_point_types import (
    CLOSE_TO_LIMITS,
    OUTSIDE,
    RULES,
    SHIFT,
    TREND,
    VARIATIONS,
    classify,
    rule_sets,
    run_rules,
)
from njbulletin.indicators import DOWN, NEUTRAL, UP
from test_spc import began_at, fixed, limits_of, rules_at


def test_the_rules_on_arrays_mark_the_points_a_hand_count_gives():
    # mean 11, mean moving range 2: limits 5.68 and 16.32. Points 0-6 rise by one from 8 (a trend of seven,
    # 8..14, every one inside the limits); point 7 is 17 (outside).
    y = np.array([[8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 17.0]])
    rules = run_rules(y, np.array([11.0]), np.array([2.0]))
    assert rules[TREND][0].tolist() == [True] * 8  # 8..17 rise at every step: eight points in the trend
    assert rules[OUTSIDE][0].tolist() == [False] * 7 + [True]
    assert rules["began_" + TREND][0].tolist() == [False] * 6 + [True, False]  # the seventh point begins it
    cause, side, variation = classify(rules, np.array([-1]))  # less is better: a rise is a concern
    assert [RULES[c] for c in cause[0]] == [TREND] * 7 + [OUTSIDE]
    assert side[0].tolist() == [1] * 8
    assert {VARIATIONS[v] for v in variation[0]} == {"concerning"}


def test_rule_sets_join_the_rules_that_hold_in_rules_order():
    flags = np.array([[True, False, True], [False, False, True], [False, False, False], [True, False, True]])
    assert rule_sets(flags).tolist() == [f"{OUTSIDE};{SHIFT}", None, f"{OUTSIDE};{TREND};{SHIFT}"]


def test_a_point_above_the_upper_limit_fires_and_one_just_inside_does_not():
    above = fixed([16.33], direction=UP)
    assert limits_of(above) == pytest.approx((11.0, 5.68, 16.32))
    assert rules_at(above, 20) == began_at(above, 20) == {OUTSIDE}
    assert (above["special_cause"][20], above["side"][20], above["variation"][20]) == (OUTSIDE, "high", "improving")
    inside = fixed([16.31], direction=UP)
    assert rules_at(inside, 20) == set() and inside["variation"][20] == "common_cause"


def test_a_point_below_the_lower_limit_fires_and_is_a_concern_when_more_is_better():
    below = fixed([5.67], direction=UP)
    assert rules_at(below, 20) == {OUTSIDE} and (below["side"][20], below["variation"][20]) == ("low", "concerning")
    assert rules_at(fixed([5.69], direction=UP), 20) == set()


def test_a_point_still_outside_the_month_after_did_not_begin_a_signal():
    frame = fixed([17.0, 17.5])
    assert began_at(frame, 20) == {OUTSIDE} and rules_at(frame, 21) == {OUTSIDE} and began_at(frame, 21) == set()


def test_seven_points_above_the_mean_are_a_shift_and_six_are_not():
    shifted = fixed([11.5] * 7)
    assert [rules_at(shifted, position) for position in range(20, 27)] == [{SHIFT}] * 7
    assert began_at(shifted, 26) == {SHIFT} and all(not began_at(shifted, p) for p in range(20, 26))
    assert shifted["side"][26] == "high" and shifted["variation"][26] == "neutral"
    short = fixed([11.5] * 6 + [10.9])
    assert all(rules_at(short, position) == set() for position in range(20, 27))


def test_a_point_on_the_mean_breaks_a_run():
    assert all(rules_at(fixed([11.5] * 3 + [11.0] + [11.5] * 4), p) == set() for p in range(20, 28))


def test_seven_points_each_higher_than_the_one_before_are_a_trend_and_six_are_not():
    # 10 (the baseline's last) then 9.5 is a fall; 9.5 to 13.0 rises six times: seven points, across the mean
    rising = fixed([9.5, 10.0, 10.5, 11.5, 12.0, 12.5, 13.0], direction=DOWN)
    assert [rules_at(rising, position) for position in range(20, 27)] == [{TREND}] * 7
    assert rules_at(rising, 19) == set() and began_at(rising, 26) == {TREND}
    assert (rising["side"][26], rising["variation"][26]) == ("high", "concerning")
    tied = fixed([9.5, 10.0, 10.5, 11.5, 12.0, 12.5, 12.5])  # the last equals the one before: six rising
    assert all(rules_at(tied, position) == set() for position in range(20, 27))


def test_seven_points_each_lower_are_a_falling_trend():
    falling = fixed([12.5, 12.0, 11.5, 10.5, 10.0, 9.5, 9.0], direction=UP)
    # 10 -> 12.5 rises, then six falls: the seven points from 12.5 are the trend
    assert [rules_at(falling, position) for position in range(20, 27)] == [{TREND}] * 7
    assert (falling["side"][26], falling["variation"][26]) == ("low", "concerning")


def test_two_of_three_points_close_to_the_upper_limit_fire_and_one_does_not():
    close = fixed([15.0, 12.0, 15.0])
    assert [rules_at(close, position) for position in (20, 21, 22)] == [{CLOSE_TO_LIMITS}, set(), {CLOSE_TO_LIMITS}]
    assert began_at(close, 22) == {CLOSE_TO_LIMITS} and began_at(close, 20) == set()
    assert all(rules_at(fixed([15.0, 12.0, 14.5]), position) == set() for position in (20, 21, 22))


def test_two_close_points_with_one_below_the_mean_between_them_do_not_fire():
    assert all(rules_at(fixed([15.0, 10.5, 15.0]), position) == set() for position in (20, 21, 22))


def test_a_point_s_special_cause_is_outside_before_trend_before_close_before_shift():
    frame = fixed([11.5, 11.6, 11.7, 11.8, 11.9, 12.0, 16.5])
    assert rules_at(frame, 26) == {OUTSIDE, TREND, SHIFT} and frame["special_cause"][26] == OUTSIDE
    assert frame["special_cause"][25] == TREND


@pytest.mark.parametrize(("direction", "variation"), [(UP, "improving"), (DOWN, "concerning"), (NEUTRAL, "neutral")])
def test_a_high_signal_is_judged_by_the_indicator_s_direction(direction, variation):
    assert fixed([17.0], direction=direction)["variation"][20] == variation
