"""The indicators' directions: one table that the index's arrows and SPC both read."""
from __future__ import annotations

import pytest

from njbulletin.indicators import (
    CONCERNING,
    DOWN,
    IMPROVING,
    INDICATORS,
    LEVELS,
    NEUTRAL,
    UP,
    find_indicator,
    indicators_of,
    judge_change,
)


@pytest.mark.parametrize(("direction", "change", "meaning"), [
    (UP, 5, IMPROVING), (UP, -5, CONCERNING), (DOWN, 5, CONCERNING), (DOWN, -0.5, IMPROVING),
    (NEUTRAL, 5, NEUTRAL), (NEUTRAL, -5, NEUTRAL), (UP, 0, NEUTRAL), (DOWN, None, None)])
def test_a_change_is_judged_by_the_indicators_direction(direction, change, meaning):
    assert judge_change(direction, change) == meaning


def test_more_quality_flags_is_a_concern_and_more_bookings_an_improvement():
    assert judge_change(find_indicator("quality_flags").direction, 29) == CONCERNING
    assert judge_change(find_indicator("bookings_total").direction, 29) == IMPROVING
    assert judge_change(find_indicator("outpatient_visits", "hospital").direction, 29) == NEUTRAL


def test_every_indicator_is_declared_once_with_a_known_level_direction_and_kind():
    keys = [(indicator.level, indicator.key) for indicator in INDICATORS]
    assert len(keys) == len(set(keys))
    assert {indicator.level for indicator in INDICATORS} == set(LEVELS)
    assert {indicator.direction for indicator in INDICATORS} <= {UP, DOWN, NEUTRAL}
    assert indicators_of("district") and all(i.level == "district" for i in indicators_of("district"))


def test_a_channel_share_is_a_neutral_city_share_and_an_unknown_key_is_refused():
    assert find_indicator("channel_share.online_12320").kind == "share"
    with pytest.raises(KeyError):
        find_indicator("bookings_total", "hospital")
