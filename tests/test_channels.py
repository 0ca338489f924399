"""Booking channel analyses on the seed bulletin (November 2024).

Expected values are worked out by hand from data/raw/2024-11.txt: the bookings table's rows and 合计
line (13407 / 1896 / 903 / 259989 / 276195), the platform table (合计 18946), the hotline paragraph, and
the hospital uploads row of 南京鼓楼医院 (576772 outpatient visits).
"""
from __future__ import annotations

import polars as pl
import pytest

from njbulletin.analysis import channels
from njbulletin.reading.parser import parse_text

from seedtools import replace_once, seed_text


@pytest.fixture(scope="module")
def seed():
    return parse_text(seed_text()).tables


def test_third_party_share_is_94_13_percent(seed):
    table = channels.summarise_channels(seed["bookings"])
    assert table["channel"].to_list() == ["online_12320", "quick", "in_clinic", "third_party"]
    assert table["count"].to_list() == [13407, 1896, 903, 259989]
    third = table.filter(pl.col("channel") == "third_party").row(0, named=True)
    assert third["share"] == pytest.approx(259989 / 276195)
    assert f"{third['share']:.2%}" == "94.13%"
    assert table["share"].sum() == pytest.approx(1.0)


def test_a_channel_the_month_does_not_print_is_left_out_not_counted_zero():
    # Issue 14: a channel a month does not print has no rows, and the analyses do not invent a 0 for it.
    bookings = pl.DataFrame({"hospital": ["甲医院", "乙医院"], "channel": ["third_party", "online_12320"],
                             "count": [3, 1]})
    table = channels.summarise_channels(bookings)
    assert table.select("channel", "count").rows() == [("online_12320", 1), ("third_party", 3)]  # the file's order
    assert table.filter(pl.col("channel") == "third_party")["share"][0] == pytest.approx(0.75)
    mix = channels.pivot_channel_mix(bookings)
    assert mix.columns == ["hospital", "online_12320", "third_party", "total", "online_12320_share",
                           "third_party_share"]
    assert channels.list_hospitals_without(bookings, "quick").height == 0  # not printed: nothing to list
    assert channels.list_hospitals_without(bookings, "online_12320")["hospital"].to_list() == ["甲医院"]


def test_concentration_top1_top5_and_hhi(seed):
    result = channels.measure_concentration(seed["bookings"])
    assert result["hospitals"] == 35
    assert result["top1_hospital"] == "南京鼓楼医院（含分院）"
    assert result["top1_share"] == pytest.approx(267330 / 276195)
    assert f"{result['top1_share']:.2%}" == "96.79%"
    # The five largest 小计: 267330, 1416, 1263, 1027, 755.
    assert result["top_n"] == 5 and result["top_n_share"] == pytest.approx((267330 + 1416 + 1263 + 1027 + 755) / 276195)
    assert round(result["hhi"], 4) == 0.9369


def test_hhi_of_equal_hospitals_is_one_over_n():
    bookings = pl.DataFrame({"hospital": ["甲", "乙", "丙", "丁"], "channel": ["quick"] * 4, "count": [5] * 4})
    result = channels.measure_concentration(bookings)
    assert result["hhi"] == pytest.approx(0.25)
    assert result["top1_share"] == pytest.approx(0.25)


def test_concentration_of_no_bookings_is_not_a_number():
    bookings = pl.DataFrame({"hospital": ["甲"], "channel": ["quick"], "count": [0]})
    assert channels.measure_concentration(bookings)["hhi"] is None


def test_channel_mix_rows_and_shares(seed):
    mix = channels.pivot_channel_mix(seed["bookings"])
    assert mix.height == 35
    children = mix.filter(pl.col("hospital") == "南京市儿童医院").row(0, named=True)
    assert (children["online_12320"], children["quick"], children["in_clinic"], children["third_party"],
            children["total"]) == (1034, 229, 0, 0, 1263)
    assert children["online_12320_share"] == pytest.approx(1034 / 1263)
    assert mix["hospital"][0] == "南京鼓楼医院（含分院）"


def test_hospitals_without_a_channel(seed):
    assert channels.list_hospitals_without(seed["bookings"], "online_12320").height == 0
    no_third = channels.list_hospitals_without(seed["bookings"], "third_party")
    assert set(no_third["hospital"]) == {
        "南京市儿童医院", "中国医学科学院皮肤病研究所", "南京市中西医结合医院", "江苏省肿瘤医院",
        "南京医科大学附属逸夫医院", "南京市妇幼保健院(丁家庄院区)", "南京医科大学第四附属医院(京新)", "南京江北医院",
        "南京市职业病防治院", "南京仁品耳鼻喉专科医院", "南京医科大学友谊整形外科医院", "南京市雨花医院"}


def test_platform_shares(seed):
    table = channels.summarise_platforms(seed["booking_platforms"])
    assert table["platform"][0] == "健康南京"
    assert table["count"].sum() == 18946
    assert table["share"][0] == pytest.approx(7255 / 18946)


def test_hotline_keeps_work_orders_apart(seed):
    table = channels.summarise_hotline(seed["hotline"])
    calls = table.filter(pl.col("kind") == "call")
    orders = table.filter(pl.col("kind") == "work_order")
    assert calls["count"].sum() == 27332
    assert orders["count"].sum() == 3384 + 1096 + 1564
    assert calls["category"][0] == "电话预约"
    assert orders.filter(pl.col("category") == "市12345工单")["share_of_kind"][0] == pytest.approx(3384 / 6044)


def test_seed_totals_all_reconcile(seed):
    table = channels.reconcile_printed_totals(seed["bookings"], seed["booking_platforms"], seed["hotline"],
                                              seed["declared_totals"])
    # 4 channel totals, the grand total, 35 hospital 小计, the platforms' 合计 and the hotline's total calls.
    assert table.height == 4 + 1 + 35 + 1 + 1
    assert set(table["status"]) == {"match"}


def test_a_wrong_printed_total_shows_its_difference():
    text = replace_once(seed_text(), "合计 13407 1896 903 259989 276195", "合计 13407 1896 903 259989 276205")
    text = replace_once(text, "合计：18946", "")
    tables = parse_text(text).tables
    table = channels.reconcile_printed_totals(tables["bookings"], tables["booking_platforms"], tables["hotline"],
                                              tables["declared_totals"])
    grand = table.filter((pl.col("table") == "bookings") & (pl.col("item") == "total")).row(0, named=True)
    assert (grand["printed"], grand["computed"], grand["difference"], grand["status"]) == (276205, 276195, 10,
                                                                                            "differs")
    platforms = table.filter(pl.col("table") == "booking_platforms").row(0, named=True)
    assert platforms["status"] == "not printed" and platforms["computed"] == 18946


def test_the_reconciliation_table_is_validations_own_result():
    # Issue 12: one reconciliation. The table the notebook shows differs exactly where validation reports errors.
    from njbulletin.validate.checks import validate_bulletin

    text = replace_once(seed_text(), "合计 13407 1896 903 259989 276195", "合计 13407 1896 903 259998 276204")
    bulletin = parse_text(text)
    tables = bulletin.tables
    table = channels.reconcile_printed_totals(tables["bookings"], tables["booking_platforms"], tables["hotline"],
                                              tables["declared_totals"])
    differs = table.filter(pl.col("status") == "differs").select("item", "printed", "computed").rows()
    assert differs == [("total_third_party", 259998, 259989), ("total", 276204, 276195)]
    errors = validate_bulletin(bulletin).quality_flags.filter(pl.col("severity") == "error")
    assert errors["unit"].to_list() == ["total_third_party", "total"]


def test_booking_penetration_of_drum_tower(seed):
    ranked, excluded = channels.compute_booking_penetration(seed["bookings"], seed["uploads"])
    top = ranked.row(0, named=True)
    assert top["canonical_name"] == "南京鼓楼医院"
    assert top["bookings_name"] == "南京鼓楼医院（含分院）" and top["uploads_name"] == "南京鼓楼医院"
    assert (top["bookings"], top["outpatient_visits"]) == (267330, 576772)
    assert f"{top['penetration']:.2%}" == "46.35%"
    assert ranked["penetration"].is_sorted(descending=True)


def test_every_booking_hospital_is_ranked_or_listed_with_a_reason(seed):
    ranked, excluded = channels.compute_booking_penetration(seed["bookings"], seed["uploads"])
    from_bookings = excluded.filter(pl.col("table") == "bookings")
    # 35 booking rows are 34 institutions: 南京市妇幼保健院(丁家庄院区) counts with 南京市妇幼保健院.
    assert ranked.height + from_bookings.height == 34
    listed = [name for names in [*ranked["bookings_name"], *from_bookings["hospital"]] for name in names.split(" + ")]
    assert sorted(listed) == sorted(seed["bookings"]["hospital"].unique().to_list())
    reasons = dict(from_bookings.select("hospital", "reason").iter_rows())
    # 南京市第一医院 prints 0 outpatient visits in the hospital uploads table.
    assert reasons["南京市第一医院"] == "outpatient visits 0"
    # 南京雨花口腔医院 takes bookings but has no row in the hospital uploads table.
    assert reasons["南京雨花口腔医院"].startswith("not in the hospital uploads table")
    from_uploads = excluded.filter(pl.col("table") == "uploads")
    assert "江苏省中医院" in from_uploads["hospital"].to_list()
    # 39 upload rows are 38 institutions (东部战区总医院秦淮医疗区 with 东部战区总医院): 25 ranked,
    # 南京市第一医院 matched but left out for 0 visits, the other 12 have no bookings.
    assert ranked.height == 25 and from_uploads.height == 12
    assert "东部战区总医院 + 东部战区总医院秦淮医疗区" in from_uploads["hospital"].to_list()


def test_a_campus_printed_apart_counts_with_its_parent_institution(seed):
    # Bookings print 南京市妇幼保健院 (613, line 366) and its 丁家庄院区 (45, line 399) apart; uploads print
    # one row (149090 outpatient visits, line 495). 南京医科大学第四附属医院 is booked only as its campus
    # (京新) (35, line 403) and uploads 123767 visits (line 501).
    ranked, _ = channels.compute_booking_penetration(seed["bookings"], seed["uploads"])
    rows = {row["canonical_name"]: row for row in ranked.iter_rows(named=True)}
    maternity = rows["南京市妇幼保健院"]
    assert maternity["bookings_name"] == "南京市妇幼保健院 + 南京市妇幼保健院(丁家庄院区)"
    assert (maternity["bookings"], maternity["outpatient_visits"]) == (658, 149090)
    assert f"{maternity['penetration']:.4%}" == "0.4413%"
    fourth = rows["南京医科大学第四附属医院"]
    assert (fourth["bookings_name"], fourth["bookings"], fourth["outpatient_visits"]) == \
        ("南京医科大学第四附属医院(京新)", 35, 123767)
