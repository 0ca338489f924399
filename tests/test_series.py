"""A month's indicator values (analysis.series), checked against figures read off the seed bulletin by hand."""
from __future__ import annotations

import polars as pl
import pytest

from njbulletin.analysis.series import CITY_UNIT, compute_indicator_values
from njbulletin.config import PROJECT_ROOT
from njbulletin.indicators import INDICATORS
from njbulletin.ingest import read_month_tables


@pytest.fixture(scope="module")
def values():
    _, _, tables = read_month_tables(PROJECT_ROOT / "data" / "raw" / "2024-11.txt", False)
    return compute_indicator_values("2024-11", 30, tables)


def value_of(values: pl.DataFrame, level: str, unit: str, indicator: str) -> float | None:
    match = values.filter((pl.col("level") == level) & (pl.col("unit") == unit) & (pl.col("indicator") == indicator))
    return match["value"][0] if match.height else None


def test_the_citys_values_are_the_seeds_key_figures(values):
    assert value_of(values, "city", CITY_UNIT, "bookings_total") == 276195
    assert value_of(values, "city", CITY_UNIT, "hotline_calls") == 27332
    assert value_of(values, "city", CITY_UNIT, "platforms_total") == 18946
    assert value_of(values, "city", CITY_UNIT, "upload_completeness") == pytest.approx(8 / 51)
    assert value_of(values, "city", CITY_UNIT, "channel_share.third_party") == pytest.approx(259989 / 276195)
    shares = values.filter(pl.col("indicator").str.starts_with("channel_share."))["value"].sum()
    assert shares == pytest.approx(1.0)


def test_a_hospitals_values_come_from_its_bookings_row_and_its_uploads_row(values):
    # 1 南京鼓楼医院（含分院） 7139 1151 903 258137 267330, and 南京鼓楼医院 23192999 28 11/11 576772 265801.51 14849 431428.81
    unit = "南京鼓楼医院"
    assert value_of(values, "hospital", unit, "bookings") == 267330
    assert value_of(values, "hospital", unit, "outpatient_visits") == 576772
    assert value_of(values, "hospital", unit, "income_per_visit") == pytest.approx(265801.51 * 1000 / 576772)
    assert value_of(values, "hospital", unit, "income_per_discharge") == pytest.approx(431428.81 * 1000 / 14849)


def test_a_districts_values_are_its_completeness_and_realtime_share(values):
    # 玄武区 2954328 18 8/11 ...: 18 of 30 days, 8 of 11 forms
    assert value_of(values, "district", "玄武区", "realtime_day_share") == pytest.approx(18 / 30)
    assert value_of(values, "district", "玄武区", "completeness_score") == pytest.approx((18 / 30 + 8 / 11) / 2)


def test_a_ratio_without_denominator_is_left_out_not_zero(values):
    # 泰康仙林鼓楼医院 1685452 0 0/11 40288 19846.58 0 31711.16: no discharges, so no income per discharge
    assert value_of(values, "hospital", "泰康仙林鼓楼医院", "discharges") == 0
    assert value_of(values, "hospital", "泰康仙林鼓楼医院", "income_per_discharge") is None


def test_a_ratio_over_too_few_discharges_or_visits_is_left_out_as_in_the_rankings(values):
    # 南京市江宁中医院 1623241 20 11/11 40308 11869.64 22 18487.89: 40,308 visits (at least 1,000) give an income
    # per visit of 11869.64 * 1000 / 40308 = 294.47 yuan; 22 discharges (fewer than 100) give no income per
    # discharge (18487.89 * 1000 / 22 = 840,358 yuan would be judged as if it were a hospital's real figure)
    unit = "南京市江宁中医院"
    assert value_of(values, "hospital", unit, "discharges") == 22
    assert value_of(values, "hospital", unit, "income_per_visit") == pytest.approx(294.47, abs=0.01)
    assert value_of(values, "hospital", unit, "income_per_discharge") is None


def test_every_value_is_a_declared_indicator_and_keys_are_unique(values):
    declared = {(indicator.level, indicator.key) for indicator in INDICATORS}
    keys = values.select("level", "indicator").unique().rows()
    assert all(key in declared or key[1].startswith("channel_share.") for key in keys)
    assert values.select("level", "unit", "indicator").is_duplicated().sum() == 0


def test_a_history_is_each_months_values_in_month_order(values):
    from njbulletin.analysis.series import compute_indicator_history
    from njbulletin.ingest import read_month_tables

    _, _, tables = read_month_tables(PROJECT_ROOT / "data" / "raw" / "2024-11.txt", False)
    earlier = {name: frame.with_columns(pl.lit("2024-09").alias("month")) for name, frame in tables.items()}
    histories = {name: pl.concat([earlier[name], tables[name]]) for name in tables}
    history = compute_indicator_history(histories)
    assert history["month"].unique(maintain_order=True).to_list() == ["2024-09", "2024-11"]
    september = history.filter(pl.col("month") == "2024-09").drop("month")
    # September has 30 days, as November does: every value is the same
    assert september.equals(values.drop("month"))
