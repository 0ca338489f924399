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
