"""The report's queries of SPC's points (analysis.spc_queries), on hand-made histories: which indicators SPC
judges, one series' points, how many series have limits in a month, each series' variation icon, and the city's
indicators the trends page charts.

The series of 21 months: 20 alternating 12 and 10 (mean 11, moving ranges 2: limits 5.68 and 16.32), then 30,
outside the upper limit; a series of 11 months has no limits, one of 12 provisional ones, one of 20 proper.
"""
from __future__ import annotations

import polars as pl

from njbulletin.analysis.spc import compute_spc
from njbulletin.analysis.spc_queries import (
    city_indicators_with_limits,
    count_series,
    select_judged,
    series_points,
    series_variation,
)
from njbulletin.contract import NO_LIMITS, PROPER, PROVISIONAL
from njbulletin.indicators import NOT_JUDGED_BY_SPC
from njbulletin.months import shift_month

SERIES = [12.0, 10.0] * 10 + [30.0]


def history(values: list[float | None], indicator: str = "bookings", level: str = "hospital",
            unit: str = "南京鼓楼医院", first: str = "2023-01") -> pl.DataFrame:
    months = [shift_month(first, offset) for offset in range(len(values))]
    rows = [(month, level, unit, indicator, value) for month, value in zip(months, values) if value is not None]
    return pl.DataFrame(rows, schema={"month": pl.String, "level": pl.String, "unit": pl.String,
                                      "indicator": pl.String, "value": pl.Float64}, orient="row")


def test_select_judged_leaves_out_the_indicators_spc_does_not_judge_and_keeps_one_level():
    level, indicator = sorted(NOT_JUDGED_BY_SPC)[0]
    frame = pl.concat([history([1.0, 2.0], indicator, level, "南京市"), history([3.0], "bookings"),
                       history([4.0], "completeness_score", "district", "玄武区")])
    assert select_judged(frame).select("level", "indicator").unique().sort("level").rows() == [
        ("district", "completeness_score"), ("hospital", "bookings")]
    assert select_judged(frame, "district")["value"].to_list() == [4.0]


def test_series_points_are_one_series_in_month_order():
    points = compute_spc(pl.concat([history(SERIES), history([5.0, 6.0], unit="江苏省人民医院")]))
    mine = series_points(points, "hospital", "江苏省人民医院", "bookings")
    assert mine["month"].to_list() == ["2023-01", "2023-02"] and mine["value"].to_list() == [5.0, 6.0]


def test_count_series_counts_each_limits_status_in_the_month():
    # In 2024-09 (month 21 from 2023-01): the 21-month series has proper limits, one of 12 months (from
    # 2023-10) provisional ones, one of 11 (from 2023-11) none; a series ending in 2024-08 is not counted.
    points = compute_spc(pl.concat([history(SERIES, unit="甲"), history([1.0, 2.0] * 6, unit="乙", first="2023-10"),
                                    history([1.0] * 11, unit="丙", first="2023-11"), history([1.0] * 20, unit="丁")]))
    assert count_series(points, "2024-09") == {NO_LIMITS: 1, PROVISIONAL: 1, PROPER: 1}


def test_a_series_variation_icon_is_its_last_point_s():
    points = compute_spc(pl.concat([history(SERIES), history([1.0, 2.0, 3.0], "completeness_score", "district",
                                                             "玄武区")]))
    icons = series_variation(points)
    hospital = icons.filter(pl.col("level") == "hospital").row(0, named=True)
    assert (hospital["month"], hospital["variation"], hospital["side"], hospital["limits"]) == (
        "2024-09", "improving", "high", PROPER)  # 30 above 16.32, and more bookings is better
    district = icons.filter(pl.col("level") == "district").row(0, named=True)
    assert (district["variation"], district["limits"]) == (None, NO_LIMITS)


def test_the_trends_page_charts_the_city_s_indicators_with_limits_bookings_and_channels_first():
    city = pl.concat([history(SERIES, key, "city", "南京市") for key in
                      ("hotline_calls", "channel_share.quick", "bookings_total", "channel_share.online_12320")]
                     + [history(SERIES[:11], "platforms_total", "city", "南京市")])
    assert city_indicators_with_limits(compute_spc(city)) == [
        "bookings_total", "channel_share.online_12320", "channel_share.quick", "hotline_calls"]
