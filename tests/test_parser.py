"""The parser against the seed (hand-transcribed expected CSVs) and variants of it built here."""
from __future__ import annotations

import codecs
import re

import polars as pl
import pytest

import njbulletin
from njbulletin import BulletinError, parse_bulletin, parse_text
from njbulletin.contract import CHANNELS, TABLE_SCHEMAS

from seedtools import SEED_PATH, line_index, read_expected, replace_once, seed_lines, seed_text, to_float, to_int


@pytest.fixture(scope="module")
def seed():
    return parse_bulletin(SEED_PATH)


def total(bulletin, table, item):
    frame = bulletin.tables["declared_totals"].filter((pl.col("table") == table) & (pl.col("item") == item))
    assert frame.height == 1, (table, item)
    return frame["value"][0]


def channel_total(bulletin, channel=None):
    bookings = bulletin.tables["bookings"]
    if channel:
        bookings = bookings.filter(pl.col("channel") == channel)
    return bookings["count"].sum()


# ----------------------------------------------------------------------------- the seed


def test_seed_month_and_length(seed):
    assert seed.month == "2024-11"
    assert seed.days_in_month == 30
    assert set(seed.tables) == set(TABLE_SCHEMAS)


def test_seed_tables_follow_the_contract(seed):
    for name, schema in TABLE_SCHEMAS.items():
        assert dict(seed.tables[name].schema) == schema, name
        assert seed.tables[name]["month"].unique().to_list() == ["2024-11"]


def test_seed_headline_figures(seed):
    bookings = seed.tables["bookings"]
    assert bookings["hospital"].n_unique() == 35
    assert channel_total(seed) == 276195
    assert channel_total(seed, "third_party") == 259989
    assert seed.tables["booking_platforms"].height == 5
    assert seed.tables["booking_platforms"]["count"].sum() == 18946
    calls = seed.tables["hotline"].filter(pl.col("kind") == "call")
    assert calls["count"].sum() == 27332
    uploads = seed.tables["uploads"]
    assert uploads.filter(pl.col("level") == "district").height == 12
    hospitals = uploads.filter(pl.col("level") == "hospital")
    assert hospitals.height == 39
    assert hospitals["outpatient_visits"].sum() == 4175517


def test_seed_bookings_match_the_hand_transcription(seed):
    expected = read_expected("seed_bookings.csv")
    wide = seed.tables["bookings"].pivot(on="channel", index=["seq", "hospital"], values="count").sort("seq")
    assert wide.height == len(expected) == 35
    for row, want in zip(wide.iter_rows(named=True), expected):
        assert row["seq"] == int(want["seq"])
        assert row["hospital"] == want["hospital"]
        for channel in CHANNELS:
            assert row[channel] == int(want[channel]), (want["hospital"], channel)
        assert total(seed, "bookings", want["hospital"]) == int(want["subtotal"])


def test_seed_uploads_match_the_hand_transcription(seed):
    expected = read_expected("seed_uploads.csv")
    rows = seed.tables["uploads"].to_dicts()
    assert len(rows) == len(expected) == 51
    for row, want in zip(rows, expected):
        uploaded, expected_forms = (int(x) for x in want["forms"].split("/"))
        assert (row["level"], row["unit"]) == (want["level"], want["unit"])
        assert row["scheduled_records"] == int(want["scheduled_records"])
        assert row["realtime_days"] == int(want["realtime_days"])
        assert (row["forms_uploaded"], row["forms_expected"]) == (uploaded, expected_forms)
        assert row["outpatient_visits"] == to_int(want["outpatient_visits"])
        assert row["outpatient_income_k"] == to_float(want["outpatient_income_k"])
        assert row["discharges"] == to_int(want["discharges"])
        assert row["inpatient_income_k"] == to_float(want["inpatient_income_k"])


def test_seed_missing_values_are_null(seed):
    qinhuai = seed.tables["uploads"].filter(pl.col("unit") == "秦淮区").row(0, named=True)
    assert qinhuai["outpatient_income_k"] is None and qinhuai["inpatient_income_k"] is None
    assert qinhuai["outpatient_visits"] == 0 and qinhuai["forms_expected"] == 11


def test_seed_platforms_and_hotline_match_the_hand_transcription(seed):
    platforms = [(r["platform"], r["count"]) for r in seed.tables["booking_platforms"].iter_rows(named=True)]
    assert platforms == [(w["platform"], int(w["count"])) for w in read_expected("seed_platforms.csv")]
    hotline = [(r["category"], r["kind"], r["count"]) for r in seed.tables["hotline"].iter_rows(named=True)]
    assert hotline == [(w["category"], w["kind"], int(w["count"])) for w in read_expected("seed_hotline.csv")]


def test_seed_declared_totals(seed):
    assert total(seed, "hotline", "total_calls") == 27332
    assert total(seed, "bookings", "total") == 276195
    assert total(seed, "bookings", "total_online_12320") == 13407
    assert total(seed, "bookings", "total_quick") == 1896
    assert total(seed, "bookings", "total_in_clinic") == 903
    assert total(seed, "bookings", "total_third_party") == 259989
    assert total(seed, "booking_platforms", "total") == 18946
    assert total(seed, "bookings", "cumulative_bookings") == 34735351
    assert total(seed, "uploads", "cumulative_records") == 28501000000
    # one 小计 per hospital, plus 5 合计 values and 4 other totals
    assert seed.tables["declared_totals"].height == 35 + 5 + 4


def test_seed_provenance_names_printed_lines(seed):
    assert seed.line_of("bookings", "南京鼓楼医院（含分院）") == 354
    assert seed.line_of("uploads", "hospital/南京脑科医院") == 521
    assert seed.line_of("declared_totals", "bookings/total") == 425


def test_parse_text_equals_parse_bulletin(seed):
    from_text = parse_text(seed_text())
    for name in TABLE_SCHEMAS:
        assert from_text.tables[name].equals(seed.tables[name])


def test_public_api_is_exported():
    assert njbulletin.parse_bulletin is parse_bulletin
    assert issubclass(njbulletin.BulletinError, ValueError)


# ----------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encode", [
    pytest.param(lambda text: text.encode("gb18030"), id="gb18030"),
    pytest.param(lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"), id="crlf-bom"),
    pytest.param(lambda text: text.encode("utf-16"), id="utf16-bom"),
    pytest.param(lambda text: text.replace("\n", "\r").encode("utf-8"), id="cr-only"),
])
def test_other_encodings_give_the_same_tables(tmp_path, seed, encode):
    path = tmp_path / "2024-11.txt"
    path.write_bytes(encode(seed_text()))
    bulletin = parse_bulletin(path)
    for name in TABLE_SCHEMAS:
        assert bulletin.tables[name].equals(seed.tables[name]), name


def test_full_width_digits_and_ideographic_spaces(seed):
    text = seed_text()
    full_width = str.maketrans("0123456789/", "０１２３４５６７８９／")
    lines = text.split("\n")
    start = line_index(lines, "1 南京鼓楼医院")
    for index in range(start, start + 10):
        lines[index] = lines[index].translate(full_width).replace(" ", "\u3000")
    bulletin = parse_text("\n".join(lines))
    assert bulletin.tables["bookings"].equals(seed.tables["bookings"])


# ----------------------------------------------------------------------------- layout variants


def test_row_wrapped_inside_a_name(seed):
    text = replace_once(seed_text(), "23 南京市妇幼保健院(丁家庄院区) 44 1 0 0 45",
                        "23 南京市妇幼保健院(丁家\n\n庄院区) 44 1 0 0 45")
    text = replace_once(text, "南京医科大学第四附属医院 5803817 27 11/11",
                        "南京医科大学第四附属医\n院 5803817 27 11/11")
    text = replace_once(text, "江宁区 16283726 30 11/11 460137 159731.26 6541 155592.81",
                        "江宁区 16283726 30 11/11 460137\n159731.26 6541 155592.81")
    bulletin = parse_text(text)
    for name in TABLE_SCHEMAS:
        assert bulletin.tables[name].equals(seed.tables[name]), name


def test_platform_record_wrapped_after_a_number_in_its_name(seed):
    text = replace_once(seed_text(), "5 南京卫生 12320 网 368", "5 南京卫生 12320\n网 368")
    assert parse_text(text).tables["booking_platforms"].equals(seed.tables["booking_platforms"])


def test_bare_page_number_after_a_row_is_not_read_as_a_value(seed):
    text = replace_once(seed_text(), "1 南京鼓楼医院（含分院） 7139 1151 903 258137 267330\n",
                        "1 南京鼓楼医院（含分院） 7139 1151 903 258137 267330\n\n3\n")
    assert parse_text(text).tables["bookings"].equals(seed.tables["bookings"])


def test_page_break_inside_tables_with_repeated_headers(seed):
    header = "序号 单位 12320 在线预约 快速预约 诊间预约 第三方 小计"
    text = replace_once(seed_text(), "\n9 中国医学科学院皮肤病研究所",
                        f"\n\n- 7 -\n\n 南京卫生信息 2024年第11期\n{header}\n\n9 中国医学科学院皮肤病研究所")
    upload_header = ("接入单位 定时数据上传量 实时数据上传天数 实时数据表单上传情况\n门急诊信息 出院信息\n\n"
                     "人次 收入（千元） 人次 住院收入（千元）")
    text = replace_once(text, "\n六合区 7073530", f"\n\n- 8 -\n\n{upload_header}\n\n六合区 7073530")
    bulletin = parse_text(text)
    for name in TABLE_SCHEMAS:
        assert bulletin.tables[name].equals(seed.tables[name]), name


def test_page_number_between_a_row_and_its_continuation(seed):
    text = replace_once(seed_text(), "23 南京市妇幼保健院(丁家庄院区) 44 1 0 0 45",
                        "23 南京市妇幼保健院(丁家\n\n- 9 -\n\n庄院区) 44 1 0 0 45")
    assert parse_text(text).tables["bookings"].equals(seed.tables["bookings"])


def shift_to_december(text: str) -> str:
    """Turn the statistics headings into December 2024 (31 days)."""
    for old, new in [("2024 年 11 月数据统计", "2024 年 12 月数据统计"),
                     ("2024 年 11 月 12320 预约挂号服务统计", "2024 年 12 月 12320 预约挂号服务统计"),
                     ("2024 年 11 月度线上预约情况统计", "2024 年 12 月度线上预约情况统计"),
                     ("2024 年 11 月南京市卫生信息平台数据采集情况（区）", "2024 年 12 月南京市卫生信息平台数据采集情况（区）"),
                     ("2024 年 11 月南京市卫生信息平台数据采集情况（医院）",
                      "2024 年 12 月南京市卫生信息平台数据采集情况（医院）")]:
        text = replace_once(text, old, new)
    return text


def test_a_31_day_month():
    text = shift_to_december(seed_text())
    text = replace_once(text, "江宁区 16283726 30 11/11", "江宁区 16283726 31 11/11")
    bulletin = parse_text(text)
    assert (bulletin.month, bulletin.days_in_month) == ("2024-12", 31)
    jiangning = bulletin.tables["uploads"].filter(pl.col("unit") == "江宁区")
    assert jiangning["realtime_days"][0] == 31


def test_february_of_a_leap_year():
    text = seed_text().replace("2024 年 11 月", "2024 年 2 月")
    bulletin = parse_text(text)
    assert (bulletin.month, bulletin.days_in_month) == ("2024-02", 29)


def test_hospital_added_and_dropped():
    text = replace_once(seed_text(), "35 南京市雨花医院 1 0 0 0 1\n",
                        "35 南京12320示范医院 5 1 0 2 8\n")
    text = replace_once(text, "南京一民医院 416996 21 8/11 9777 4523.56 587 13138.51\n",
                        "南京江宁区第2人民医院 123456 30 11/11 1000 250.5 12 99.75\n")
    bulletin = parse_text(text)
    hospitals = set(bulletin.tables["bookings"]["hospital"])
    assert "南京12320示范医院" in hospitals and "南京市雨花医院" not in hospitals
    new = bulletin.tables["bookings"].filter(pl.col("hospital") == "南京12320示范医院")
    assert dict(zip(new["channel"], new["count"])) == {"online_12320": 5, "quick": 1, "in_clinic": 0,
                                                         "third_party": 2}
    units = bulletin.tables["uploads"].filter(pl.col("level") == "hospital")
    assert "南京一民医院" not in set(units["unit"])
    added = units.filter(pl.col("unit") == "南京江宁区第2人民医院").row(0, named=True)
    assert (added["scheduled_records"], added["outpatient_income_k"], added["inpatient_income_k"]) == \
        (123456, 250.5, 99.75)


def test_booking_columns_are_located_by_their_header_labels(seed):
    """A table that prints the channels in another order still reads right."""
    lines = seed_text().split("\n")
    reordered = []
    for line in lines:
        if line.endswith("12320 在线预约 快速预约 诊间预约 第三方 小计"):
            line = line.replace("12320 在线预约 快速预约 诊间预约 第三方 小计", "第三方 快速预约 12320 在线预约 诊间预约 小计")
        else:
            parts = line.split(" ")
            if len(parts) >= 6 and (parts[0].isdigit() or parts[0] == "合计") and all(p.isdigit() for p in parts[-5:]) \
                    and "预约" not in line:
                online, quick, clinic, third, subtotal = parts[-5:]
                line = " ".join(parts[:-5] + [third, quick, online, clinic, subtotal])
        reordered.append(line)
    bulletin = parse_text("\n".join(reordered))
    assert bulletin.tables["bookings"].equals(seed.tables["bookings"])
    assert bulletin.tables["declared_totals"].equals(seed.tables["declared_totals"])


SEED_BOOKING_HEADER = "序号 单位 12320 在线预约 快速预约 诊间预约 第三方 小计"


def test_a_booking_header_wrapped_over_two_lines_reads_the_same(seed):
    text = seed_text().replace(f"\n{SEED_BOOKING_HEADER}\n", "\n序号 单位 12320 在线预约 快速预约\n诊间预约 第三方 小计\n", 1)
    assert text != seed_text()
    bulletin = parse_text(text)
    assert bulletin.tables["bookings"].equals(seed.tables["bookings"])
    assert bulletin.tables["declared_totals"].equals(seed.tables["declared_totals"])


def test_an_unknown_column_on_the_second_line_of_a_wrapped_header_names_that_line():
    text = seed_text().replace(f"\n{SEED_BOOKING_HEADER}\n",
                               "\n序号 单位 12320 在线预约 快速预约\n诊间预约 自助机预约 第三方 小计\n", 1)
    with pytest.raises(BulletinError, match="column '自助机预约' of the table header is not a known booking "
                                            "channel: add it to data/reference/channels.csv") as caught:
        parse_text(text)
    assert caught.value.line == 353


def test_two_unknown_columns_are_named_together():
    text = replace_once(seed_text(), f"\n{SEED_BOOKING_HEADER}\n",
                        "\n序号 单位 12320 在线预约 快速预约 诊间预约 自助机预约 第三方 微信 小程序 小计\n")
    with pytest.raises(BulletinError, match="columns '自助机预约', '微信 小程序' of the table header are not known "
                                            "booking channels: add them to data/reference/channels.csv"):
        parse_text(text)


def test_a_repeated_header_with_other_columns_is_refused():
    lines = seed_lines()
    assert lines[394] == f" {SEED_BOOKING_HEADER}"
    lines[394] = " 序号 单位 12320 在线预约 快速预约 第三方 诊间预约 小计"
    with pytest.raises(BulletinError, match="the table header repeated here has the columns online_12320, quick, "
                                            "third_party, in_clinic, subtotal, unlike the first header") as caught:
        parse_text("\n".join(lines))
    assert caught.value.line == 395


def test_a_partial_repeated_header_is_skipped_as_before(seed):
    lines = seed_lines()
    lines[394] = " 序号 单位 12320 在线预约 快速预约"
    assert parse_text("\n".join(lines)).tables["bookings"].equals(seed.tables["bookings"])


@pytest.mark.parametrize("header, message", [
    ("序号 单位 12320 在线预约 快速预约 诊间预约 第三方", "table header lacks column(s) 小计"),
    ("序号 单位 小计", "table header lacks column(s) any booking channel (12320在线预约, 快速预约, 诊间预约, 第三方)"),
    ("序号 单位 12320 在线预约 快速预约 第三方 第三方 小计", "column '第三方' is printed twice in the table header"),
])
def test_a_booking_header_without_its_columns_is_refused(header, message):
    with pytest.raises(BulletinError, match=re.escape(message)) as caught:
        parse_text(replace_once(seed_text(), f"\n{SEED_BOOKING_HEADER}\n", f"\n{header}\n"))
    assert caught.value.line == 352


def test_more_hospitals_than_the_seed():
    extra = "".join(f"{35 + i} 新增测试医院{i}号 {i} 0 0 {i} {2 * i}\n\n" for i in range(1, 41))
    text = replace_once(seed_text(), "\n合计 13407", f"\n{extra}合计 13407")
    bulletin = parse_text(text)
    assert bulletin.tables["bookings"]["hospital"].n_unique() == 75


def test_platform_lines_with_digits_in_names_and_a_lone_right_record(seed):
    text = replace_once(seed_text(), "3 我的南京客户端 3643\n", "3 我的南京客户端 3643 6 南京 12345 服务号 7\n")
    platforms = parse_text(text).tables["booking_platforms"]
    assert platforms["platform"].to_list()[-1] == "南京12345服务号"
    assert platforms["count"].to_list() == [7255, 5784, 3643, 1896, 368, 7]


def test_thousands_separators_in_numbers():
    text = replace_once(seed_text(), "江宁区 16283726 30 11/11 460137 159731.26",
                        "江宁区 16,283,726 30 11/11 460,137 159,731.26")
    row = parse_text(text).tables["uploads"].filter(pl.col("unit") == "江宁区").row(0, named=True)
    assert (row["scheduled_records"], row["outpatient_visits"], row["outpatient_income_k"]) == \
        (16283726, 460137, 159731.26)


# ----------------------------------------------------------------------------- errors


def assert_bulletin_error(text_or_path, *, contains: str, line: int | None = None):
    with pytest.raises(BulletinError) as info:
        if isinstance(text_or_path, str):
            parse_text(text_or_path)
        else:
            parse_bulletin(text_or_path)
    assert contains in str(info.value)
    if line is not None:
        assert info.value.line == line
    return info.value


def test_empty_file(tmp_path):
    path = tmp_path / "2024-11.txt"
    path.write_bytes(b"")
    error = assert_bulletin_error(path, contains="file is empty", line=1)
    assert error.source == str(path)
    path.write_bytes(b"\n \r\n\t\n")
    assert_bulletin_error(path, contains="file is empty")


def test_binary_file(tmp_path):
    path = tmp_path / "2024-11.txt"
    path.write_bytes(bytes(range(256)) * 20)
    assert_bulletin_error(path, contains="not a text bulletin")
    path.write_bytes(seed_text()[:500].encode("utf-8") + b"\x00\x01\x02\x03" * 50)
    assert_bulletin_error(path, contains="binary data")


def test_truncated_file_names_the_missing_section():
    lines = seed_lines()
    cut = line_index(lines, "2024 年 11 月度线上预约情况统计")
    error = assert_bulletin_error("\n".join(lines[:cut]), contains="missing section")
    assert "线上预约情况统计" in str(error) and "数据采集情况（医院）" in str(error)


def test_file_truncated_inside_a_row_is_reported():
    text = seed_text()
    cut = text.index("东部战区空军医院 399118 0 0/11") + len("东部战区空军医院 399118 0 0/11")
    error = assert_bulletin_error(text[:cut], contains="incomplete table row")
    assert error.line == 557


def test_unreadable_line_inside_a_table():
    text = replace_once(seed_text(), "13 南京市胸科医院 146 23 0 28 197", "13 南京市胸科医院 146 二十三 0 28 197")
    assert_bulletin_error(text, contains="南京市胸科医院", line=378)


def test_headings_that_disagree_on_the_month():
    text = replace_once(seed_text(), "2024 年 11 月度线上预约情况统计", "2024 年 10 月度线上预约情况统计")
    error = assert_bulletin_error(text, contains="2024-10")
    assert error.line == 429


def test_impossible_month():
    assert_bulletin_error(seed_text().replace("2024 年 11 月", "2024 年 13 月"), contains="month 13")


def test_decimal_in_a_count_column():
    text = replace_once(seed_text(), "2 南京市第一医院 935 111", "2 南京市第一医院 935.5 111")
    assert_bulletin_error(text, contains="whole number", line=356)


def test_duplicate_hospital_row():
    text = replace_once(seed_text(), "35 南京市雨花医院 1 0 0 0 1", "35 南京市第一医院 1 0 0 0 1")
    assert_bulletin_error(text, contains="appears twice")


def test_row_numbers_must_run_from_1_to_n():
    text = replace_once(seed_text(), "9 中国医学科学院皮肤病研究所", "90 中国医学科学院皮肤病研究所")
    assert_bulletin_error(text, contains="row number 9 is missing", line=372)


def test_hotline_item_without_its_number():
    assert_bulletin_error(replace_once(seed_text(), "自接工单 1564 件", "自接工单 件"), contains="has no number")


def test_non_text_argument():
    with pytest.raises(BulletinError):
        parse_text(b"bytes")  # type: ignore[arg-type]


def test_pdf_without_text_layer_is_not_parsed_as_text(tmp_path):
    """A PDF is recognised by its content, whatever its name, and refused by its own message: given as text,
    it is named a PDF; a scan (no text layer) saved as .txt is read as a PDF and needs OCR."""
    from pdf_fixtures import build_image_only_pdf

    with pytest.raises(BulletinError, match="this is the content of a PDF file, not a bulletin's text"):
        parse_text("%PDF-1.4 garbage")
    scan = tmp_path / "2024-11.txt"
    scan.write_bytes(build_image_only_pdf())
    with pytest.raises(BulletinError, match=r"the PDF has no text layer \(no text at all on \d+ pages?; a scanned"):
        parse_bulletin(scan)
