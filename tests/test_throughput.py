"""Hospital throughput on the seed bulletin (November 2024) and robust outliers on small frames.

Expected values come from the hospital uploads rows of data/raw/2024-11.txt, e.g.
江苏省人民医院 13160961 26 11/11 310226 310523.39 0 560386.45 and
南京鼓楼医院 23192999 28 11/11 576772 265801.51 14849 431428.81 (incomes in thousand yuan).
"""
from __future__ import annotations

import math

import polars as pl
import pytest

from njbulletin.analysis import throughput
from njbulletin.reading.parser import parse_text

from seedtools import seed_text


@pytest.fixture(scope="module")
def uploads():
    return parse_text(seed_text()).tables["uploads"]


@pytest.fixture(scope="module")
def units(uploads):
    return throughput.compute_throughput(uploads)


def unit_row(frame: pl.DataFrame, unit: str) -> dict:
    return frame.filter(pl.col("unit") == unit).row(0, named=True)


def test_income_per_visit_of_jiangsu_province_hospital(units):
    row = unit_row(units, "江苏省人民医院")
    assert row["income_per_visit"] == pytest.approx(310523.39 * 1000 / 310226)
    assert round(row["income_per_visit"], 2) == 1000.96


def test_income_per_discharge_of_drum_tower(units):
    row = unit_row(units, "南京鼓楼医院")
    assert round(row["income_per_discharge"], 2) == 29054.40
    assert row["records_per_visit"] == pytest.approx(23192999 / 576772)
    assert row["income_per_visit"] == pytest.approx(265801.51 * 1000 / 576772)


def test_a_zero_denominator_gives_no_ratio_and_a_listed_reason(uploads, units):
    # 江苏省人民医院 prints 0 discharges but 560386.45 thousand yuan inpatient income.
    assert unit_row(units, "江苏省人民医院")["income_per_discharge"] is None
    # 南京市第一医院 prints 0 outpatient visits; 秦淮区 prints 0 visits, '/' incomes and 0 discharges.
    assert unit_row(units, "南京市第一医院")["income_per_visit"] is None
    exclusions = throughput.list_ratio_exclusions(uploads)
    reasons = {(row["unit"], row["ratio"]): row["reason"] for row in exclusions.iter_rows(named=True)}
    assert reasons[("江苏省人民医院", "income_per_discharge")] == "discharges is 0"
    assert reasons[("南京市第一医院", "income_per_visit")] == "outpatient_visits is 0"
    assert reasons[("秦淮区", "records_per_visit")] == "outpatient_visits is 0"
    assert ("南京鼓楼医院", "income_per_visit") not in reasons
    # Every null ratio is listed, and nothing else.
    for ratio in throughput.RATIOS:
        nulls = set(units.filter(pl.col(ratio).is_null())["unit"])
        assert nulls == {unit for unit, r in reasons if r == ratio}


def test_a_missing_numerator_is_listed():
    frame = pl.DataFrame({"level": ["hospital"], "unit": ["甲医院"], "scheduled_records": [10],
                          "outpatient_visits": [5], "outpatient_income_k": [None], "discharges": [2],
                          "inpatient_income_k": [4.0]},
                         schema_overrides={"outpatient_income_k": pl.Float64})
    exclusions = throughput.list_ratio_exclusions(frame)
    assert exclusions.select("ratio", "reason").rows() == [("income_per_visit", "outpatient_income_k missing")]
    assert throughput.compute_throughput(frame)["income_per_discharge"][0] == pytest.approx(2000.0)


def test_ranking_of_hospitals_by_income_per_visit(units):
    ranked = throughput.rank_by_indicator(units, "income_per_visit", "hospital")
    # 江苏省肿瘤医院: 47653.46 thousand yuan over 33851 visits = 1407.74 元, ahead of 江苏省人民医院.
    assert ranked["unit"][:2].to_list() == ["江苏省肿瘤医院", "江苏省人民医院"]
    assert ranked["rank"][:2].to_list() == [1, 2]
    assert ranked["income_per_visit"].is_sorted(descending=True)
    assert set(ranked["level"]) == {"hospital"}


def outlier_frame(values: list[float], level: str = "hospital") -> pl.DataFrame:
    return pl.DataFrame({"level": [level] * len(values), "unit": [f"u{i}" for i in range(len(values))],
                         "x": values})


def test_outlier_by_median_and_mad_on_a_log_scale():
    # log10 values 2, 2, 2.1, 1.9, 2, 4: median 2.
    values = [100.0, 100.0, 10 ** 2.1, 10 ** 1.9, 100.0, 10_000.0]
    # |deviations| from the median 2: 0, 0, 0.1, 0.1, 0, 2 -> median 0.05; scaled MAD 0.05 * 1.4826.
    found = throughput.find_outliers(outlier_frame(values), "x")
    assert found["unit"].to_list() == ["u5"]
    row = found.row(0, named=True)
    assert row["side"] == "high"
    assert row["robust_z"] == pytest.approx(2 / (0.05 * 1.4826))
    # u2 and u3 deviate by 0.1 = 1.35 scaled MADs: inside the rule.
    assert throughput.find_outliers(outlier_frame(values), "x", k=1.0)["unit"].to_list() == ["u5", "u2", "u3"]


def test_outliers_are_judged_per_level_and_ignore_non_positive_values():
    frame = pl.concat([outlier_frame([10.0, 11.0, 9.0, 10.0, 0.0]),
                       outlier_frame([1000.0, 1100.0, 900.0, 1000.0], level="district")])
    assert throughput.find_outliers(frame, "x").height == 0
    low = throughput.find_outliers(outlier_frame([1000.0, 1100.0, 900.0, 1000.0, 1.0]), "x")
    assert low.select("unit", "side").rows() == [("u4", "low")]


def test_zero_mad_flags_only_values_off_the_median():
    found = throughput.find_outliers(outlier_frame([5.0, 5.0, 5.0, 5.0, 50.0]), "x")
    assert found["unit"].to_list() == ["u4"]
    assert math.isinf(found["robust_z"][0])
    assert throughput.find_outliers(outlier_frame([5.0, 5.0, 5.0]), "x").height == 0


def test_seed_outliers_include_the_cancer_hospital_income_per_visit(units):
    found = throughput.find_all_outliers(units)
    row = found.filter((pl.col("indicator") == "income_per_visit") & (pl.col("unit") == "江苏省肿瘤医院")).row(0, named=True)
    assert row["value"] == pytest.approx(47653.46 * 1000 / 33851)
    assert row["side"] == "high" and row["robust_z"] > 3


def test_tied_values_share_a_rank_and_the_next_rank_skips():
    frame = pl.DataFrame({"level": ["hospital"] * 4, "unit": ["甲", "乙", "丙", "丁"],
                          "outpatient_visits": [500, 300, 300, 100]})
    ranked = throughput.rank_by_indicator(frame, "outpatient_visits", "hospital")
    assert ranked.select("unit", "rank").rows() == [("甲", 1), ("乙", 2), ("丙", 2), ("丁", 4)]


def test_a_ratio_from_few_discharges_is_left_out_of_a_ranking_with_a_minimum(units):
    # 南京市江宁中医院: 18487.89 thousand yuan over 22 discharges = 840,358.64 yuan a discharge, the seed's highest;
    # 南京市六合区人民医院: 28675.83 over 55 = 521,378.73. With at least 100 discharges both are left out, and
    # 南京医科大学附属逸夫医院 (38378.2 over 182 = 210,869.23) leads.
    everyone = throughput.rank_by_indicator(units, "income_per_discharge", "hospital")
    assert everyone["unit"][:2].to_list() == ["南京市江宁中医院", "南京市六合区人民医院"]
    assert everyone["income_per_discharge"][0] == pytest.approx(18487.89 * 1000 / 22)
    enough = throughput.rank_by_indicator(units, "income_per_discharge", "hospital", {"discharges": 100})
    assert enough["unit"][0] == "南京医科大学附属逸夫医院" and enough["rank"][0] == 1
    assert enough.height == everyone.height - 2
    assert throughput.count_left_out(units, "income_per_discharge", "hospital", {"discharges": 100}) == 2
    assert throughput.count_left_out(units, "income_per_discharge", "hospital", {"discharges": 23}) == 1
    # A count has no denominator: the minimum does not apply to it.
    visits = throughput.rank_by_indicator(units, "outpatient_visits", "hospital", {"discharges": 100})
    assert visits.height == 39  # every hospital prints its visits (0 included)
    assert visits["unit"][0] == "江苏省中医院"


def test_outliers_are_judged_on_ratios_never_on_size(units):
    found = throughput.find_all_outliers(units)
    assert set(found["indicator"]) <= {"income_per_visit", "income_per_discharge", "records_per_visit"}
    # 江苏省中医院 has the most outpatient visits (648,634): large, not an outlier.
    assert "江苏省中医院" not in set(found["unit"])
    assert found.height == 7


def test_the_extremes_a_headline_may_name(units):
    outliers = throughput.find_all_outliers(units)
    per_discharge = throughput.describe_extremes(units, outliers, "income_per_discharge", "hospital",
                                                 {"discharges": 100})
    # Left out: 江宁中医院 (22) and 六合区人民医院 (55) for too few discharges; 逸夫医院 as an outlier. The highest
    # is then 东南大学附属中大医院: 193440.31 thousand yuan over 1516 discharges = 127,599.15 yuan; the lowest
    # 南京同仁医院: 35744.2 over 3159 = 11,315.04.
    assert per_discharge["highest"] == {"unit": "东南大学附属中大医院", "value": pytest.approx(193440.31 * 1000 / 1516)}
    assert per_discharge["lowest"] == {"unit": "南京同仁医院", "value": pytest.approx(35744.2 * 1000 / 3159)}
    assert [row["unit"] for row in per_discharge["set_aside"]] == ["南京医科大学附属逸夫医院"]
    assert per_discharge["too_small"] == 2
    assert per_discharge["units"] == 24
    per_visit = throughput.describe_extremes(units, outliers, "income_per_visit", "hospital",
                                             {"outpatient_visits": 1000})
    # 江苏省肿瘤医院 (1,407.74 yuan a visit) is an outlier of income per visit: 江苏省人民医院 (1,000.96) leads.
    assert per_visit["highest"]["unit"] == "江苏省人民医院" and round(per_visit["highest"]["value"], 2) == 1000.96
    assert [row["unit"] for row in per_visit["set_aside"]] == ["江苏省肿瘤医院"]
    empty = units.filter(pl.col("unit") == "秦淮区")
    assert throughput.describe_extremes(empty, outliers, "income_per_visit", "district") is None
