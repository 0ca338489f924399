"""The words of the reports (report.narrative and the string table): the seed's key figures formatted, one
language per page, names escaped.

Expected figures, from the seed's text (data/raw/2024-11.txt): 276195 bookings of which 259989 third
party (94.13%); 南京鼓楼医院（含分院） 267330 of 276195 (96.79%); the hospitals' shares give an HHI of 0.9369;
南京鼓楼医院 books 267330 against 576772 outpatient visits (46.35%); 8 of 51 units complete.
"""
from __future__ import annotations

import re

import polars as pl
import pytest

from njbulletin.analysis import channels, completeness, throughput, trends
from njbulletin.reading.parser import parse_text
from njbulletin.report import narrative
from njbulletin.report.strings import TEXT, text
from trendtools import summarise_tables

from seedtools import seed_text

SCRIPT_NAME = "南京<script>alert(1)</script>医院"
# Words a Chinese string may keep: abbreviations, file formats, and the units of formulas.
LATIN_ALLOWED = {"HHI", "MAD", "log", "CSV", "Excel", "BOM", "UTF", "txt", "pdf", "PDF", "parquet", "data", "Q", "z",
                 "XmR", "NHS"}


@pytest.fixture(scope="module")
def seed():
    return parse_text(seed_text()).tables


def booking_parts(seed):
    bookings = seed["bookings"]
    penetration, excluded = channels.compute_booking_penetration(bookings, seed["uploads"])
    return (channels.summarise_channels(bookings), channels.measure_concentration(bookings), penetration, excluded,
            channels.summarise_platforms(seed["booking_platforms"]), channels.summarise_hotline(seed["hotline"]))


def test_every_string_has_both_languages_and_each_is_in_its_own_language():
    for key, (zh, en) in TEXT.items():
        assert zh and en, key
        assert not re.search(r"[\u4e00-\u9fff]", en), (key, en)  # no Chinese in English text
        words = set(re.findall(r"[A-Za-z]+", re.sub(r"{\w+}", "", zh))) - LATIN_ALLOWED
        assert not words, (key, words)  # no English word in Chinese text
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_the_booking_key_figures_show_the_seed_numbers(seed):
    figures = narrative.booking_key_figures(*booking_parts(seed), "2024-11", "zh").html
    for shown in ("276,195", "259,989 (94.13%)", "南京鼓楼医院（含分院）", "96.79%", "0.9369",
                  "267,330 / 576,772 = 46.35%"):
        assert shown in figures, shown
    english = narrative.booking_key_figures(*booking_parts(seed), "2024-11", "en").html
    assert "Nanjing Drum Tower Hospital" in english and "HHI of hospital shares" in english


def test_the_booking_summary_in_chinese_and_in_english(seed):
    by_channel, concentration, _, _, platforms, hotline = booking_parts(seed)
    flags = pl.DataFrame(schema={"severity": pl.String})
    zh = repr(narrative.describe_booking_month("2024-11", by_channel, concentration, platforms, hotline, flags, "zh"))
    assert zh.startswith("2024-11，35 家医院共预约挂号 276,195 人次。最大的渠道是第三方，259,989 人次（94.13%）。")
    assert "南京鼓楼医院（含分院）一家占全部预约的 96.79%" in zh and "HHI 0.9369" in zh
    assert "月报印刷的各项合计均与其明细相符" in zh
    en = repr(narrative.describe_booking_month("2024-11", by_channel, concentration, platforms, hotline, flags, "en"))
    assert en.startswith("In 2024-11, 35 hospitals took 276,195 bookings. The largest channel is third party, "
                         "with 259,989 (94.13%).")
    assert "Nanjing Drum Tower Hospital alone holds 96.79% of all bookings" in en
    assert not re.search(r"[\u4e00-\u9fff]", en)


def test_errors_are_said_from_the_stored_flags(seed):
    by_channel, concentration, _, _, platforms, hotline = booking_parts(seed)
    flags = pl.DataFrame({"severity": ["error", "error", "warning"]})
    zh = repr(narrative.describe_booking_month("2024-11", by_channel, concentration, platforms, hotline, flags, "zh"))
    assert "有 2 处印刷合计与明细不符" in zh


def test_completeness_words_say_8_of_51(seed):
    uploads = seed["uploads"]
    summary = completeness.summarise_completeness(uploads, 30)
    complete = completeness.list_complete_units(uploads, 30)
    without = completeness.list_units_without_uploads(uploads)["unit"].to_list()
    zh = repr(narrative.describe_completeness("2024-11", 30, summary, complete.height, uploads.height, without, "zh"))
    assert zh.startswith("2024-11（30 天）：51 个单位中有 8 个每天实时上传并上传了全部表单。")
    assert "没有任何上传：秦淮区、东部战区总医院秦淮医疗区" in zh
    figures = narrative.completeness_key_figures(summary, complete, uploads.height, 30, "2024-11", "zh").html
    assert "8 / 51" in figures and "江宁区、高淳区" in figures
    english = narrative.completeness_key_figures(summary, complete, uploads.height, 30, "2024-11", "en").html
    assert "8 of 51" in english


def test_throughput_words_give_yuan_with_two_decimals(seed):
    units = throughput.compute_throughput(seed["uploads"])
    outliers, exclusions = throughput.find_all_outliers(units), throughput.list_ratio_exclusions(seed["uploads"])
    zh = repr(narrative.describe_throughput("2024-11", units, outliers, exclusions, "zh"))
    # The 39 hospitals' outpatient visits, summed from the seed's hospital rows.
    assert zh.startswith("2024-11，39 家医院共报告门急诊 4,175,517 人次")
    assert re.search(r"最高的是\S+（[\d,]+\.\d\d 元）", zh)
    en = repr(narrative.describe_throughput("2024-11", units, outliers, exclusions, "en"))
    assert re.search(r"the highest is [A-Z][^,]+, at [\d,]+\.\d\d yuan", en)


def test_the_throughput_headline_is_not_hijacked_by_a_ratio_from_few_discharges_or_an_outlier(seed):
    """南京市江宁中医院's 840,358.64 yuan a discharge (18487.89 thousand yuan over 22 discharges) and 南京市六合区
    人民医院's 521,378.73 (over 55) are below the 100 discharges the highest needs; 南京医科大学附属逸夫医院's
    210,869.23 (182 discharges) is an outlier and is named as one, not as the highest. The highest is then
    东南大学附属中大医院: 193440.31 thousand yuan over 1516 discharges = 127,599.15 yuan."""
    units = throughput.compute_throughput(seed["uploads"])
    outliers, exclusions = throughput.find_all_outliers(units), throughput.list_ratio_exclusions(seed["uploads"])
    zh = repr(narrative.describe_throughput("2024-11", units, outliers, exclusions, "zh"))
    assert "840,358.64" not in zh and "521,378.73" not in zh
    assert "出院人数不少于 100 人次的 24 家医院中，次均住院收入的中位数为" in zh
    assert "最高的是东南大学附属中大医院（127,599.15 元）" in zh
    assert "异常值未计入最高和最低：南京医科大学附属逸夫医院（210,869.23 元，偏高）" in zh
    assert "出院人数少于 100 人次的 2 家医院不作比较" in zh
    # 江苏省肿瘤医院 (47653.46 thousand yuan over 33851 visits = 1,407.74) is an outlier of income per visit.
    assert "最高的是江苏省人民医院（1,000.96 元）" in zh and "江苏省肿瘤医院（1,407.74 元，偏高）" in zh
    figures = narrative.throughput_key_figures(units, outliers, exclusions, "2024-11", "zh").html
    assert "东南大学附属中大医院: 127,599.15 元" in figures and "840,358.64" not in figures
    assert "出院人数不少于 100 人次" in figures  # the minimum is said under the figures
    en = repr(narrative.describe_throughput("2024-11", units, outliers, exclusions, "en"))
    assert "the highest is Zhongda Hospital Southeast University, at 127,599.15 yuan" in en
    assert "Among the 24 hospitals with at least 100 discharges" in en
    assert "Sir Run Run Hospital, Nanjing Medical University (210,869.23 yuan, high)" in en


def test_lists_of_names_use_a_separator_no_name_holds():
    from njbulletin.report.labels import join_names
    from njbulletin.validate.names import load_registry

    assert join_names(["Sir Run Run Hospital, Nanjing Medical University", "Nanjing First Hospital"], "en") == \
        "Sir Run Run Hospital, Nanjing Medical University; Nanjing First Hospital"
    assert join_names(["秦淮区", "东部战区总医院秦淮医疗区"], "zh") == "秦淮区、东部战区总医院秦淮医疗区"
    registry = load_registry()
    for column in ("alias", "english"):
        assert not any(";" in name or "、" in name for name in registry[column].to_list()), column


def test_names_joined_in_one_cell_are_each_put_in_english():
    from njbulletin.report.labels import display_names

    assert display_names(["东部战区总医院 + 东部战区总医院秦淮医疗区", "某某不存在医院", None], "en") == [
        "General Hospital of Eastern Theater Command + General Hospital of Eastern Theater Command, Qinhuai Medical "
        "Area",
        "某某不存在医院", None]


def test_one_month_of_trends_is_said_plainly(seed):
    frames = {name: seed[name].with_columns(pl.lit("2024-11").alias("month")) for name in
              ("bookings", "hotline", "booking_platforms", "uploads", "declared_totals")}
    summary = summarise_tables(frames["bookings"], frames["hotline"], frames["booking_platforms"],
                                       frames["uploads"], frames["declared_totals"])
    changes = trends.compute_changes(summary)
    presence = trends.track_presence(frames["uploads"], "unit", by="level")
    assert repr(narrative.describe_trends(summary, changes, presence, "en")).startswith(
        "Only one month is processed (2024-11), so there is no change to show yet")
    assert repr(narrative.describe_trends(summary, changes, presence, "zh")).startswith("目前只处理了一个月（2024-11）")
    figures = narrative.trend_key_figures(summary, changes, presence, trends.SUMMARY_METRICS, "2024-11", "zh").html
    assert "1 个（2024-11 至 2024-11）" in figures and "276,195" in figures and "94.13%" in figures


def test_several_months_of_trends_name_the_span_and_a_missing_month_before():
    summary = pl.DataFrame({"month": ["2024-11", "2024-12", "2025-11"], "bookings_total": [100, 110, 121]})
    changes = trends.compute_changes(summary, metrics=("bookings_total",))
    presence = pl.DataFrame({"month": ["2024-12"], "change": ["appeared"]})
    en = repr(narrative.describe_trends(summary, changes, presence, "en"))
    assert en.startswith("3 processed months, 2024-11 to 2025-11.")
    assert "Bookings: 121 in 2025-11, +21.0% on 2024-11." in en  # (121 - 100) / 100; 2025-10 not processed
    assert "The month before 2025-11 was not processed" in en
    zh = repr(narrative.describe_trends(summary, changes, presence, "zh"))
    assert zh.startswith("共处理 3 个月，2024-11 至 2025-11。") and "较 2024-11 +21.0%" in zh


def test_a_name_carrying_markup_is_escaped_in_the_sentences(seed):
    by_channel, concentration, _, _, platforms, hotline = booking_parts(seed)
    hostile = {**concentration, "top1_hospital": SCRIPT_NAME}
    flags = pl.DataFrame(schema={"severity": pl.String})
    prose = narrative.describe_booking_month("2024-11", by_channel, hostile, platforms, hotline, flags, "zh")
    assert "<script>" not in prose.html and "南京&lt;script&gt;alert(1)&lt;/script&gt;医院" in prose.html
    assert SCRIPT_NAME in repr(prose)  # the plain text shows the name as printed


def test_headings_follow_the_language():
    assert "<h1>预约挂号渠道（2024-11）</h1>" in narrative.page_header("10-booking-channels", "2024-11", "zh").html
    assert "<h1>Booking channels, 2024-11</h1>" in narrative.page_header("10-booking-channels", "2024-11", "en").html
    assert narrative.section("h.summary", "en").html == "<h2>Summary</h2>"
    assert text("source_line", "zh", month="2024-11") == "来源：南京市卫生信息中心月报，2024-11"
