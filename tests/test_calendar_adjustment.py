"""Volumes judged against China's calendar (analysis.calendar_adjustment), on a synthetic calendar archive.

The archive: `njbulletin synth`'s model, seed 7, 36 months from 2022-01 to 2024-12, built in-process (figures to
tables to indicator values, no text, no notebook). Its volumes scale with each month's working days against the
seed's 21 and lose 25% per working day over the Spring Festival's window (`synth.model.volume_scale`): 2024-02,
with 18 working days and the whole window, books 18/21 x 0.75 = 0.64 of an ordinary month. It holds three
festivals (2022-02-01, 2023-01-22, 2024-02-10), whose windows touch five months: 2022-01 and -02, 2023-01 and
-02, 2024-02. The true festival effect is log(0.75) = -0.288 per full window.

Measured (seed 7), raw counts against per working day with the festival taken out: the city's volumes raise
6 signals in festival months on raw counts (outside the limits), 0 adjusted; festival months' distance from the
mean, in mean moving ranges, is 2.18 times the ordinary months' on raw counts, 1.02 adjusted.
"""
from __future__ import annotations

import math

import polars as pl
import pytest

from njbulletin.analysis.attention import list_signals
from njbulletin.analysis.calendar_adjustment import (
    MIN_FESTIVALS,
    adjust_for_calendar,
    calendar_months,
    count_festivals,
    per_working_day,
    volume_rows,
)
from njbulletin.analysis.series import compute_indicator_values
from njbulletin.analysis.spc import compute_spc
from njbulletin.analysis.spc_point_types import CLOSE_TO_LIMITS, OUTSIDE
from njbulletin.analysis.spc_queries import select_judged
from njbulletin.months import days_in_month
from njbulletin.synth import expected_tables, generate_bulletins
from njbulletin.validate.names import resolve_names
from njbulletin.workdays import SOURCE_CALENDAR_DAYS, MonthCalendar, month_calendar

START, MONTHS, SEED = "2022-01", 36, 7
FESTIVAL_MONTHS = ["2022-01", "2022-02", "2023-01", "2023-02", "2024-02"]
PLANTED_MONTH, PLANTED_HOSPITAL = "2024-02", "南京鼓楼医院（含分院）"


def history_of(tables: dict[str, dict[str, pl.DataFrame]]) -> pl.DataFrame:
    return select_judged(pl.concat([compute_indicator_values(month, days_in_month(month), frames)
                                    for month, frames in tables.items()]))


@pytest.fixture(scope="module")
def tables():
    return {month: expected_tables(expected) for month, _, expected in generate_bulletins(MONTHS, START, SEED)}


@pytest.fixture(scope="module")
def history(tables):
    return history_of(tables)


@pytest.fixture(scope="module")
def adjusted(history):
    return adjust_for_calendar(history)


@pytest.fixture(scope="module")
def judged(history, adjusted):
    """SPC on raw counts and on the adjusted history."""
    return {"raw": compute_spc(history), "adjusted": compute_spc(adjusted.history)}


def city_calendar_signals(points: pl.DataFrame) -> pl.DataFrame:
    """The city's volume points in festival months that a calendar effect would mark: outside or close to the
    limits, or a signal that begins there."""
    marked = pl.col("rules").str.contains(f"{OUTSIDE}|{CLOSE_TO_LIMITS}") | pl.col("began").is_not_null()
    return points.filter(volume_rows() & (pl.col("level") == "city") & pl.col("month").is_in(FESTIVAL_MONTHS)
                         & marked.fill_null(False))


def noise_ratio(points: pl.DataFrame) -> float:
    """Festival months' mean distance from the mean, in mean moving ranges, over the ordinary months' (volumes)."""
    distance = (points.filter(volume_rows() & (pl.col("mean_moving_range") > 0))
                .with_columns(((pl.col("value") - pl.col("mean")).abs() / pl.col("mean_moving_range")).alias("z")))
    festival = pl.col("month").is_in(FESTIVAL_MONTHS)
    return distance.filter(festival)["z"].mean() / distance.filter(~festival)["z"].mean()


def test_the_archive_holds_three_festivals_in_five_months(adjusted):
    months = adjusted.months.filter(pl.col("festival_share") > 0)["month"].to_list()
    assert months == FESTIVAL_MONTHS
    assert adjusted.festivals == 3 >= MIN_FESTIVALS
    # 2022-02-01: window 25 Jan to 15 Feb, 7 days in January and 15 in February
    shares = dict(adjusted.months.select("month", "festival_share").iter_rows())
    assert (shares["2022-01"], shares["2022-02"], shares["2024-02"]) == pytest.approx((7 / 22, 15 / 22, 1.0))


def test_the_festival_effect_is_estimated_from_the_history(adjusted):
    """Every volume's effect lies within 0.07 of the true log(0.75) = -0.288 (the hospitals'
    bookings, pooled over 35 hospitals, within 0.03)."""
    betas = {(level, indicator): beta
             for level, indicator, beta in adjusted.effects.select("level", "indicator", "beta").iter_rows()}
    assert set(betas) >= {("city", "bookings_total"), ("city", "hospital_outpatient_visits"),
                          ("hospital", "bookings"), ("hospital", "outpatient_visits"), ("hospital", "discharges")}
    assert all(abs(beta - math.log(0.75)) < 0.07 for beta in betas.values()), betas
    assert abs(betas[("hospital", "bookings")] - math.log(0.75)) < 0.03
    assert adjusted.festival_factor("city", "bookings_total", "2024-02") == pytest.approx(
        math.exp(betas[("city", "bookings_total")]))
    assert adjusted.festival_factor("city", "bookings_total", "2024-11") == 1.0
    assert adjusted.festival_factor("city", "upload_completeness", "2024-02") == 1.0


def test_the_city_volumes_raise_no_signal_in_a_festival_month(judged):
    raw = city_calendar_signals(judged["raw"])
    assert raw.height >= 3  # on raw counts, the festival shows: the test can fail
    assert city_calendar_signals(judged["adjusted"]).is_empty()


def test_festival_months_are_no_noisier_than_ordinary_months(judged):
    assert noise_ratio(judged["raw"]) > 1.5
    assert noise_ratio(judged["adjusted"]) < 1.15


def test_non_volumes_pass_through_unchanged(history, adjusted):
    keys = ["month", "level", "unit", "indicator"]
    before = history.filter(~volume_rows()).sort(keys)
    assert before.height > 0 and adjusted.history.filter(~volume_rows()).sort(keys).equals(before)


def test_a_volume_is_divided_by_its_working_days_and_what_the_festival_explains(history, adjusted):
    """2024-11 (21 working days, no festival day): the city's bookings over 21. 2024-02 (18 working days, the
    whole window): over 18 x exp(beta)."""
    def city_bookings(frame, month):
        return frame.filter((pl.col("indicator") == "bookings_total") & (pl.col("month") == month))["value"][0]
    assert city_bookings(adjusted.history, "2024-11") == pytest.approx(city_bookings(history, "2024-11") / 21)
    factor = adjusted.festival_factor("city", "bookings_total", "2024-02")
    assert city_bookings(adjusted.history, "2024-02") == pytest.approx(city_bookings(history, "2024-02") / 18 / factor)


def test_an_event_in_a_festival_month_is_still_signalled(tables, judged):
    """南京鼓楼医院's bookings up 80% in 2024-02 (a festival month): outside its upper limit and among the month's
    first 8 signals once judged per working day; on raw counts the festival's dip hides it."""
    bookings = tables[PLANTED_MONTH]["bookings"]
    up = pl.when(pl.col("hospital") == PLANTED_HOSPITAL).then((pl.col("count") * 1.8).round()).otherwise(pl.col("count"))
    planted = {**tables, PLANTED_MONTH: {**tables[PLANTED_MONTH],
                                         "bookings": bookings.with_columns(up.cast(bookings["count"].dtype))}}
    history = history_of(planted)
    unit = resolve_names(pl.DataFrame({"name": [PLANTED_HOSPITAL]}), "name")["canonical_name"][0]
    signals = list_signals(compute_spc(adjust_for_calendar(history).history), PLANTED_MONTH).with_row_index("position", 1)
    found = signals.filter((pl.col("unit") == unit) & (pl.col("indicator") == "bookings"))
    assert found.height == 1
    assert (found["rule"][0], found["side"][0]) == (OUTSIDE, "high") and found["position"][0] <= 8
    raw = list_signals(compute_spc(history), PLANTED_MONTH)
    assert raw.filter((pl.col("unit") == unit) & (pl.col("indicator") == "bookings")).is_empty()


def fake_calendar(uncovered: set[str]):
    def calendar(month: str) -> MonthCalendar:
        real = month_calendar(month)
        if month in uncovered:
            return MonthCalendar(month, None, real.calendar_days, SOURCE_CALENDAR_DAYS, real.festival_date,
                                 real.festival_days)
        return real
    return calendar


def test_a_month_without_a_calendar_is_judged_per_calendar_day_on_the_working_day_scale():
    """2024-11 has 21 working days in 30 calendar days (0.7 a day); 2024-12, taken as uncovered, is divided by
    its 31 calendar days x 0.7 = 21.7."""
    months = calendar_months(["2024-11", "2024-12"], fake_calendar({"2024-12"}))
    assert dict(months.select("month", "divisor").iter_rows()) == pytest.approx({"2024-11": 21.0, "2024-12": 21.7})
    history = pl.DataFrame({"month": ["2024-11", "2024-12", "2024-12"], "level": ["city", "city", "city"],
                            "unit": ["南京市"] * 3, "indicator": ["hotline_calls", "hotline_calls", "upload_completeness"],
                            "value": [27332.0, 21700.0, 0.9]})
    adjusted = adjust_for_calendar(history, fake_calendar({"2024-12"}))
    assert adjusted.history["value"].to_list() == pytest.approx([27332 / 21, 1000.0, 0.9])
    assert adjusted.uncovered_months() == ["2024-12"]
    every = calendar_months(["2024-11"], fake_calendar({"2024-11"}))
    assert every["divisor"].to_list() == [30.0]  # no calendar at all: per calendar day


def test_with_fewer_than_two_festivals_only_working_days_are_taken_out():
    """2024 alone holds one festival: the city's 2024-02 hotline calls are divided by its 18 working days only."""
    months = [f"2024-{number:02d}" for number in range(1, 13)]
    history = pl.DataFrame({"month": months, "level": ["city"] * 12, "unit": ["南京市"] * 12,
                            "indicator": ["hotline_calls"] * 12, "value": [18000.0] * 12})
    adjusted = adjust_for_calendar(history)
    assert adjusted.festivals == 1 and adjusted.effects.is_empty()
    assert adjusted.history.filter(pl.col("month") == "2024-02")["value"][0] == pytest.approx(1000.0)
    assert count_festivals(calendar_months(months + ["2025-01"])) == 1  # 2025's window: 10 of 22 days in January
    assert count_festivals(calendar_months(months + ["2025-01", "2025-02"])) == 2
    assert per_working_day(history, calendar_months(months)).height == 12
