"""The indicators a month is judged by, each with the direction in which it improves.

One table, read by every place that colours or judges a change: the index's arrows (green for an
improvement, red for a concern, grey for neither), the trends page, and statistical process control
(`njbulletin.analysis.spc`: a special-cause signal is improving, concerning or neutral by this direction).

`direction` is where the indicator gets better: "up" (more is better), "down" (less is better), or
"neutral" (a change is neither good nor bad in itself: more outpatient visits mean more patients, not a
better service). `kind` says how a value is shown and how a change is measured: a count, a share (a
fraction from 0 to 1, whose change is in percentage points), or a ratio (yuan per visit, for example).

Standard library only: the index reads this on the path where nothing changed.
"""
from __future__ import annotations

from dataclasses import dataclass

UP, DOWN, NEUTRAL = "up", "down", "neutral"
IMPROVING, CONCERNING = "improving", "concerning"  # and NEUTRAL: what a change means by its indicator's direction
LEVELS = ("city", "district", "hospital")
KINDS = ("count", "share", "ratio")


@dataclass(frozen=True)
class Indicator:
    key: str
    level: str  # city, district or hospital
    direction: str  # UP, DOWN or NEUTRAL
    kind: str  # count, share or ratio


INDICATORS: tuple[Indicator, ...] = (
    # city: the month's key figures (analysis.summary.compute_key_figures) and shares derived from them
    Indicator("bookings_total", "city", UP, "count"),
    Indicator("third_party_share", "city", NEUTRAL, "share"),
    Indicator("platforms_total", "city", UP, "count"),
    Indicator("hotline_calls", "city", NEUTRAL, "count"),
    Indicator("work_orders", "city", NEUTRAL, "count"),
    Indicator("hospitals_booking", "city", UP, "count"),
    Indicator("upload_units", "city", NEUTRAL, "count"),
    Indicator("upload_units_complete", "city", UP, "count"),
    Indicator("upload_completeness", "city", UP, "share"),
    Indicator("hospital_outpatient_visits", "city", NEUTRAL, "count"),
    Indicator("quality_flags", "city", DOWN, "count"),
    Indicator("quality_errors", "city", DOWN, "count"),
    # each hospital
    Indicator("bookings", "hospital", UP, "count"),
    Indicator("outpatient_visits", "hospital", NEUTRAL, "count"),
    Indicator("income_per_visit", "hospital", NEUTRAL, "ratio"),
    Indicator("discharges", "hospital", NEUTRAL, "count"),
    Indicator("income_per_discharge", "hospital", NEUTRAL, "ratio"),
    # each district
    Indicator("completeness_score", "district", UP, "share"),
    Indicator("realtime_day_share", "district", UP, "share"),
)
# A channel's share of the month's bookings (channel_share.<code>) is judged like the third-party share.
CHANNEL_SHARE_PREFIX = "channel_share."
CHANNEL_SHARE = Indicator(CHANNEL_SHARE_PREFIX, "city", NEUTRAL, "share")

_BY_LEVEL_AND_KEY = {(indicator.level, indicator.key): indicator for indicator in INDICATORS}


def find_indicator(key: str, level: str = "city") -> Indicator:
    """The indicator `key` of `level` (KeyError when there is none). Any `channel_share.<code>` is a city share."""
    if level == "city" and key.startswith(CHANNEL_SHARE_PREFIX):
        return Indicator(key, "city", NEUTRAL, "share")
    return _BY_LEVEL_AND_KEY[(level, key)]


def indicators_of(level: str) -> tuple[Indicator, ...]:
    return tuple(indicator for indicator in INDICATORS if indicator.level == level)


def judge_change(direction: str, change: float | None) -> str | None:
    """What a change means for an indicator that improves in `direction`: IMPROVING, CONCERNING or NEUTRAL
    (a neutral indicator, or no change at all); None when there is no change to judge."""
    if change is None:
        return None
    if direction == NEUTRAL or change == 0:
        return NEUTRAL
    return IMPROVING if (change > 0) == (direction == UP) else CONCERNING


# Statistical process control judges every indicator but these: each repeats another one (the third-party
# share is channel_share.third_party; the complete units are upload_completeness times the units), counts the
# table's rows (upload_units: the attention list names each unit that joins or leaves), or is listed flag by
# flag on the attention list (quality flags and errors).
NOT_JUDGED_BY_SPC = frozenset({("city", "third_party_share"), ("city", "upload_units"),
                               ("city", "upload_units_complete"), ("city", "quality_flags"),
                               ("city", "quality_errors")})


def is_judged_by_spc(key: str, level: str) -> bool:
    """Whether statistical process control judges the indicator (see NOT_JUDGED_BY_SPC)."""
    return (level, key) not in NOT_JUDGED_BY_SPC


# Volumes: counts of activity that grow with the days a month has to work in (bookings, visits, discharges,
# hotline calls and work orders, platform bookings). Statistical process control judges them per working day
# (`analysis.calendar`, from `njbulletin.workdays`), the festival's effect taken out. The incomes are judged
# as ratios (income per visit, per discharge), which the calendar does not move; shares and unit counts neither.
VOLUME_INDICATORS = frozenset({("city", "bookings_total"), ("city", "platforms_total"), ("city", "hotline_calls"),
                               ("city", "work_orders"), ("city", "hospital_outpatient_visits"),
                               ("hospital", "bookings"), ("hospital", "outpatient_visits"),
                               ("hospital", "discharges")})


def is_volume(key: str, level: str) -> bool:
    """Whether the indicator is a volume, judged per working day (see VOLUME_INDICATORS)."""
    return (level, key) in VOLUME_INDICATORS
