"""Upload completeness on the seed bulletin (November 2024, 30 days) and on small frames.

Expected values are read by hand from the 数据采集情况 tables of data/raw/2024-11.txt: a unit is complete
when its 实时数据上传天数 is 30 and its 实时数据表单上传情况 is 11/11.
"""
from __future__ import annotations

import polars as pl
import pytest

from njbulletin.analysis import completeness
from njbulletin.reading.parser import parse_text

from seedtools import seed_text

SEED_COMPLETE = ["江宁区", "高淳区", "溧水区", "六合区",
                 "南京市儿童医院", "南京明基医院", "南京市高淳人民医院", "南京市中西医结合医院"]


@pytest.fixture(scope="module")
def uploads():
    return parse_text(seed_text()).tables["uploads"]


def unit_row(frame: pl.DataFrame, unit: str) -> dict:
    return frame.filter(pl.col("unit") == unit).row(0, named=True)


def frame_of(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, orient="row", schema={
        "level": pl.String, "unit": pl.String, "scheduled_records": pl.Int64, "realtime_days": pl.Int64,
        "forms_uploaded": pl.Int64, "forms_expected": pl.Int64})


def test_seed_has_8_complete_units_of_51(uploads):
    assert uploads.height == 51
    assert completeness.count_complete_units(uploads, 30) == 8
    assert completeness.list_complete_units(uploads, 30)["unit"].to_list() == SEED_COMPLETE


def test_complete_depends_on_the_length_of_the_month(uploads):
    # Every seed unit has at most 30 real-time days, so none would be complete in a 31-day month,
    # and the 30-day units would stay complete in a 28-day month only if their forms are all uploaded.
    assert completeness.count_complete_units(uploads, 31) == 0
    assert completeness.count_complete_units(uploads, 28) == len(
        [u for u in uploads.iter_rows(named=True)
         if u["realtime_days"] >= 28 and u["forms_uploaded"] == u["forms_expected"]])


def test_ratios_and_score_of_pukou(uploads):
    ratios = completeness.compute_upload_ratios(uploads, 30)
    pukou = unit_row(ratios, "浦口区")  # 22 days, 9/11 forms
    assert pukou["realtime_ratio"] == pytest.approx(22 / 30)
    assert pukou["forms_ratio"] == pytest.approx(9 / 11)
    assert pukou["completeness_score"] == pytest.approx((22 / 30 + 9 / 11) / 2)
    assert pukou["complete"] is False
    assert unit_row(ratios, "江宁区")["completeness_score"] == pytest.approx(1.0)
    assert unit_row(ratios, "秦淮区")["completeness_score"] == pytest.approx(0.0)


def test_a_unit_without_a_denominator_is_listed_with_the_reason():
    frame = frame_of([("district", "甲区", 10, 30, 11, 11), ("district", "乙区", 10, 30, 0, 0),
                      ("hospital", "丙医院", 10, None, 5, 11)])
    ratios = completeness.compute_upload_ratios(frame, 30)
    assert ratios.height == 3
    unscored = completeness.list_unscored_units(ratios)
    assert dict(unscored.select("unit", "unscored_reason").iter_rows()) == {
        "乙区": "forms expected is 0", "丙医院": "real-time upload days missing"}
    assert unit_row(ratios, "乙区")["completeness_score"] is None
    assert unit_row(ratios, "乙区")["complete"] is False
    assert completeness.count_complete_units(frame, 30) == 1
    assert completeness.rank_by_completeness(ratios)["unit"].to_list() == ["甲区"]


def test_score_caps_each_ratio_at_one():
    frame = frame_of([("hospital", "甲医院", 1, 31, 12, 11)])
    ratios = completeness.compute_upload_ratios(frame, 30)
    assert ratios["realtime_ratio"][0] == pytest.approx(31 / 30)
    assert ratios["completeness_score"][0] == pytest.approx(1.0)


def test_ranking_keeps_levels_apart(uploads):
    ranked = completeness.rank_by_completeness(completeness.compute_upload_ratios(uploads, 30))
    districts = ranked.filter(pl.col("level") == "district")
    # 江宁区, 高淳区, 溧水区 and 六合区 uploaded on all 30 days and 11 of 11 forms: all four score 1 and share
    # rank 1; 雨花台区 (27 days, 11 forms: (0.9 + 1) / 2 = 0.95) comes fifth, as a reader counts places.
    assert districts.height == 12 and districts["rank"].to_list() == [1, 1, 1, 1, 5, 6, 7, 8, 9, 10, 11, 12]
    assert districts["unit"][:5].to_list() == ["江宁区", "高淳区", "溧水区", "六合区", "雨花台区"]  # ties: bulletin order
    assert districts["unit"][-1] == "秦淮区"
    hospitals = ranked.filter(pl.col("level") == "hospital")
    assert hospitals.height == 39
    # Four complete hospitals (rank 1), 南京市第二医院 with 29 days (5), then three with 28 days and every form:
    # 南京鼓楼医院, 东部战区总医院, 南京市口腔医院 all at (28/30 + 1) / 2 = 0.9667, rank 6; the next is 9.
    assert hospitals["rank"][:9].to_list() == [1, 1, 1, 1, 5, 6, 6, 6, 9]
    assert hospitals["unit"][5:8].to_list() == ["南京鼓楼医院", "东部战区总医院", "南京市口腔医院"]
    # The three hospitals that uploaded nothing score 0 and share the last rank, 37 of 39.
    assert hospitals["rank"][-3:].to_list() == [37, 37, 37]


def test_tied_units_share_a_rank_and_the_next_rank_skips():
    frame = frame_of([("hospital", "甲", 1, 30, 11, 11), ("hospital", "乙", 2, 15, 11, 11),
                      ("hospital", "丙", 3, 15, 11, 11), ("hospital", "丁", 4, 0, 0, 11)])
    ranked = completeness.rank_by_completeness(completeness.compute_upload_ratios(frame, 30))
    assert ranked.select("unit", "rank").rows() == [("甲", 1), ("乙", 2), ("丙", 2), ("丁", 4)]


def test_units_without_uploads(uploads):
    empty = completeness.list_units_without_uploads(uploads)
    assert empty.select("level", "unit").rows() == [("district", "秦淮区"), ("hospital", "东部战区总医院秦淮医疗区")]


def test_distribution_of_realtime_days(uploads):
    counts = completeness.count_realtime_days(uploads, 30)
    assert counts.height == 2 * 31
    by_level = dict(counts.group_by("level").agg(pl.col("units").sum()).iter_rows())
    assert by_level == {"district": 12, "hospital": 39}
    at = {(lvl, d): n for lvl, d, n in counts.iter_rows()}
    # Districts with 30 days: 江宁区, 高淳区, 溧水区, 六合区; with 27: 鼓楼区, 雨花台区.
    assert at[("district", 30)] == 4 and at[("district", 27)] == 2 and at[("district", 0)] == 1


def test_summary_per_level(uploads):
    summary = completeness.summarise_completeness(uploads, 30)
    rows = {row["level"]: row for row in summary.iter_rows(named=True)}
    assert (rows["district"]["units"], rows["district"]["complete"], rows["district"]["without_uploads"]) == (12, 4, 1)
    assert (rows["hospital"]["units"], rows["hospital"]["complete"]) == (39, 4)
    assert rows["district"]["share_complete"] == pytest.approx(4 / 12)


def test_quality_flag_summary_counts_every_flag():
    flags = pl.DataFrame({"month": ["2024-11"] * 3, "level": ["district", "district", "hospital"],
                          "unit": ["甲区", "乙区", "丙医院"], "rule": ["no_uploads", "no_uploads", "forms_incomplete"],
                          "detail": ["", "", ""], "severity": ["warning"] * 3})
    summary = completeness.summarise_quality_flags(flags)
    assert summary.row(0, named=True) == {"severity": "warning", "level": "district", "rule": "no_uploads",
                                          "flags": 2}
    assert summary["flags"].sum() == 3
