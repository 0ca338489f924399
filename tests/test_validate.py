"""Validation: every reconciliation and quality rule, on the seed and on variants of its text.

Expected values are worked out by hand from data/raw/2024-11.txt (November: 30 days).
"""
from __future__ import annotations

import polars as pl
import pytest

from njbulletin import storage
from njbulletin.commands.main import main
from njbulletin.reading.parser import parse_bulletin, parse_text
from njbulletin.validate.checks import validate_bulletin
from njbulletin.validate.schemas import SCHEMAS

from seedtools import SEED_PATH, line_index, replace_once, seed_lines, seed_text


def report_of(text: str):
    return validate_bulletin(parse_text(text))


def printed_line(startswith: str) -> int:
    """The 1-based line of the seed that starts with a prefix (as an editor shows it)."""
    return line_index(seed_lines(), startswith) + 1


def only_error(report):
    assert len(report.errors) == 1, [issue.format() for issue in report.errors]
    return report.errors[0]


@pytest.fixture(scope="module")
def seed_report():
    return validate_bulletin(parse_bulletin(SEED_PATH))


# --------------------------------------------------------------------------- the seed


def test_seed_has_no_errors_and_106_warnings(seed_report):
    assert seed_report.errors == []
    # Worked by hand: 85 upload flags (18 for districts, 67 for hospitals), 8 hospitals in bookings
    # without uploads and 13 hospitals in uploads without bookings.
    assert len(seed_report.warnings) == 106
    flags = seed_report.quality_flags
    assert flags.height == 106
    assert flags["severity"].unique().to_list() == ["warning"]
    assert flags["month"].unique().to_list() == ["2024-11"]
    assert flags.columns == ["month", "level", "unit", "rule", "detail", "severity"]
    SCHEMAS["quality_flags"].validate(flags)


def test_seed_flag_counts_per_rule(seed_report):
    counts = dict(seed_report.quality_flags.group_by("rule").len().iter_rows())
    assert counts == {
        "no_uploads": 2,  # 秦淮区, 东部战区总医院秦淮医疗区
        "no_realtime_days": 2,  # 泰康仙林鼓楼医院, 东部战区空军医院
        "forms_incomplete": 24,  # 5 districts + 19 hospitals below 11/11
        "realtime_days_short": 39,  # 7 districts + 32 hospitals below 30 days (0-day units excluded)
        "outpatient_income_without_visits": 2,  # 南京市第一医院, 南京市江宁医院
        "inpatient_income_without_discharges": 16,  # 5 districts + 11 hospitals
        "booking_without_uploads": 8,
        "uploads_without_bookings": 13,
    }


def flags_for(report, rule: str) -> list[str]:
    return report.quality_flags.filter(pl.col("rule") == rule)["unit"].to_list()


def test_seed_examples_from_the_issue(seed_report):
    assert flags_for(seed_report, "no_uploads") == ["秦淮区", "东部战区总医院秦淮医疗区"]
    assert flags_for(seed_report, "no_realtime_days") == ["泰康仙林鼓楼医院", "东部战区空军医院"]
    assert flags_for(seed_report, "outpatient_income_without_visits") == ["南京市第一医院", "南京市江宁医院"]
    assert "江苏省人民医院" in flags_for(seed_report, "inpatient_income_without_discharges")
    details = dict(seed_report.quality_flags.filter(pl.col("unit") == "江苏省人民医院")
                   .select("rule", "detail").iter_rows())
    assert details["inpatient_income_without_discharges"] == (
        "uploads (hospital): 江苏省人民医院: discharges 0 but inpatient income 560386.45 thousand yuan")
    first = dict(seed_report.quality_flags.filter(pl.col("unit") == "南京市第一医院").select("rule", "detail")
                 .iter_rows())
    assert first["outpatient_income_without_visits"] == (
        "uploads (hospital): 南京市第一医院: outpatient visits 0 but outpatient income 99584.26 thousand yuan")
    assert "1685452 records" in dict(seed_report.quality_flags.filter(pl.col("unit") == "泰康仙林鼓楼医院")
                                     .select("rule", "detail").iter_rows())["no_realtime_days"]


def test_units_without_uploads_get_only_that_flag(seed_report):
    qinhuai = seed_report.quality_flags.filter(pl.col("unit") == "秦淮区")
    assert qinhuai["rule"].to_list() == ["no_uploads"]
    # A unit with 0 real-time days is not also reported as "fewer days than the month".
    taikang = seed_report.quality_flags.filter(pl.col("unit") == "泰康仙林鼓楼医院")["rule"].to_list()
    assert "realtime_days_short" not in taikang
    assert sorted(taikang) == sorted(["no_realtime_days", "forms_incomplete", "inpatient_income_without_discharges",
                                      "uploads_without_bookings"])


def test_seed_unmatched_hospitals_after_name_resolution(seed_report):
    assert flags_for(seed_report, "booking_without_uploads") == [
        "南京雨花口腔医院", "南京市高淳中医院", "南京市栖霞区医院", "南京梅山医院", "南京市职业病防治院",
        "南京仁品耳鼻喉专科医院", "南京医科大学友谊整形外科医院", "南京市雨花医院"]
    assert flags_for(seed_report, "uploads_without_bookings") == [
        "江苏省中医院", "东部战区总医院", "南京市江宁医院", "南京市溧水区人民医院", "南京脑科医院", "南京市浦口区中医院",
        "南京市中心医院", "泰康仙林鼓楼医院", "南京市江宁中医院", "南京市溧水区中医院", "江苏省口腔医院", "南京一民医院",
        "东部战区总医院秦淮医疗区"]
    unmatched = set(flags_for(seed_report, "booking_without_uploads")) | set(
        flags_for(seed_report, "uploads_without_bookings"))
    # Resolved across tables: the Drum Tower alias, and campuses through their parent hospital.
    for name in ("南京鼓楼医院（含分院）", "南京鼓楼医院", "南京市妇幼保健院(丁家庄院区)", "南京市妇幼保健院",
                 "南京医科大学第四附属医院(京新)", "南京医科大学第四附属医院"):
        assert name not in unmatched
    assert flags_for(seed_report, "unknown_name") == []


def test_warnings_name_their_line(seed_report):
    qinhuai = next(issue for issue in seed_report.warnings if issue.unit == "秦淮区")
    assert qinhuai.line == printed_line("秦淮区 0 0 0/11")
    assert qinhuai.format() == (f"warning: {SEED_PATH}:{qinhuai.line}: uploads (district): 秦淮区: no uploads of any "
                                "kind (every value 0 or missing) [no_uploads]")


# --------------------------------------------------------------------------- reconciliation


def test_booking_row_subtotal_mismatch():
    report = report_of(replace_once(seed_text(), "2 南京市第一医院 935 111 0 370 1416", "2 南京市第一医院 935 111 0 370 1417"))
    error = only_error(report)
    assert error.rule == "booking_row_subtotal"
    assert error.detail == "bookings: 南京市第一医院: printed 小计 1417, computed sum of its four channels 1416"
    assert error.line == printed_line("2 南京市第一医院")
    assert error.format().startswith(f"error: <text>:{error.line}: bookings: 南京市第一医院")


def test_booking_channel_total_mismatch():
    # The overall 合计 (276195) still equals the sum of the hospitals' 小计 and of the counts, so it is not
    # blamed for the wrong channel 合计 (13407 + 1895 + 903 + 259989 = 276194): only the channel fails.
    report = report_of(replace_once(seed_text(), "合计 13407 1896 903 259989 276195", "合计 13407 1895 903 259989 276195"))
    error = only_error(report)
    assert error.rule == "booking_channel_total"
    assert error.detail == "bookings: 合计 of 快速预约 (quick): printed 1895, computed column sum 1896"
    assert error.line == printed_line("合计 13407")


def test_a_changed_cell_breaks_its_row_and_its_column():
    # 南京市儿童医院 in-clinic 0 -> 5: its 小计 (1263) and the 诊间预约 合计 (903) no longer add up.
    report = report_of(replace_once(seed_text(), "3 南京市儿童医院 1034 229 0 0 1263", "3 南京市儿童医院 1034 229 5 0 1263"))
    assert sorted(issue.detail for issue in report.errors) == [
        "bookings: 南京市儿童医院: printed 小计 1263, computed sum of its four channels 1268",
        "bookings: 合计 of 诊间预约 (in_clinic): printed 903, computed column sum 908",
    ]


def test_booking_grand_total_mismatch():
    report = report_of(replace_once(seed_text(), "合计 13407 1896 903 259989 276195", "合计 13407 1896 903 259989 276196"))
    error = only_error(report)
    assert error.rule == "booking_grand_total"
    assert error.detail == ("bookings: 合计 小计: printed 276196, computed sum of the 35 hospitals' 小计 and of the "
                            "four channel 合计 276195")
    assert error.line == printed_line("合计 13407")


def test_every_wrong_printed_total_is_named_on_its_own_line():
    # Issue 14: the 第三方 合计 and the overall 合计 are both misprinted (259998 and 276204; the rows give 259989
    # and 276195). The printed channel 合计 add up to 276204, so only the hospitals' 小计 (276195) expose the
    # overall 合计.
    report = report_of(replace_once(seed_text(), "合计 13407 1896 903 259989 276195", "合计 13407 1896 903 259998 276204"))
    line = printed_line("合计 13407")
    assert [issue.format() for issue in report.errors] == [
        f"error: <text>:{line}: bookings: 合计 of 第三方 (third_party): printed 259998, computed column sum 259989 "
        "[booking_channel_total]",
        f"error: <text>:{line}: bookings: 合计 小计: printed 276204, computed sum of all counts 276195 (the 35 "
        "hospitals' 小计 sum to 276195, the four channel 合计 to 276204) [booking_grand_total]",
    ]
    errors = report.quality_flags.filter(pl.col("severity") == "error")
    assert errors.select("unit", "rule").rows() == [("total_third_party", "booking_channel_total"),
                                                    ("total", "booking_grand_total")]


def test_a_wrong_subtotal_and_an_overall_total_that_follows_it_are_both_named():
    # 南京市第一医院's 小计 1416 -> 1417, and the overall 合计 276195 -> 276196, the sum of the printed 小计.
    text = replace_once(seed_text(), "2 南京市第一医院 935 111 0 370 1416", "2 南京市第一医院 935 111 0 370 1417")
    report = report_of(replace_once(text, "合计 13407 1896 903 259989 276195", "合计 13407 1896 903 259989 276196"))
    assert [(issue.line, issue.detail) for issue in report.errors] == [
        (printed_line("2 南京市第一医院"), "bookings: 南京市第一医院: printed 小计 1417, computed sum of its four channels 1416"),
        (printed_line("合计 13407"), "bookings: 合计 小计: printed 276196, computed sum of all counts 276195 (the 35 "
                                    "hospitals' 小计 sum to 276196, the four channel 合计 to 276195)"),
    ]


def test_wrong_totals_in_three_tables_give_three_lines():
    text = replace_once(seed_text(), "2 南京市第一医院 935 111 0 370 1416", "2 南京市第一医院 935 111 0 370 1417")
    text = replace_once(text, "合计：18946", "合计：18947")
    report = report_of(replace_once(text, "咨询电话 27332 个", "咨询电话 27333 个"))
    assert [(issue.rule, issue.line) for issue in report.errors] == [
        ("booking_row_subtotal", printed_line("2 南京市第一医院")), ("platform_total", printed_line("合计：18946")),
        ("hotline_total", printed_line("2024 年 11 月，南京 12320"))]


def test_platform_total_mismatch():
    report = report_of(replace_once(seed_text(), "合计：18946", "合计：18947"))
    error = only_error(report)
    assert error.rule == "platform_total"
    assert error.detail == "booking_platforms: 合计: printed 18947, computed sum of the 5 platforms 18946"
    assert error.line == printed_line("合计：18946")


def test_hotline_total_mismatch():
    report = report_of(replace_once(seed_text(), "咨询电话 27332 个", "咨询电话 27333 个"))
    error = only_error(report)
    assert error.rule == "hotline_total"
    assert error.detail == ("hotline: total_calls (共受理咨询电话): printed 27333, computed sum of the 6 call "
                            "categories 27332")
    assert error.line == printed_line("2024 年 11 月，南京 12320")


def test_work_orders_are_not_counted_as_calls():
    # 市 12345 工单 is a work order: changing it leaves the call total reconciled.
    report = report_of(replace_once(seed_text(), "受理市 12345 工单 3384", "受理市 12345 工单 3385"))
    assert report.errors == []


def test_quick_platform_against_bookings_quick_channel():
    text = replace_once(seed_text(), "4 12320 快速预约 1896", "4 12320 快速预约 1897")
    report = report_of(replace_once(text, "合计：18946", "合计：18947"))
    error = only_error(report)
    assert error.rule == "quick_bookings_cross_table"
    assert error.detail == ("booking_platforms: 12320快速预约: printed 1897, but the bookings table's 快速预约 (quick) "
                            "channel sums to 1896")


def test_a_total_not_printed_is_a_warning_not_an_error():
    report = report_of(replace_once(seed_text(), "合计：18946\n", "\n"))
    assert report.errors == []
    missing = [issue for issue in report.warnings if issue.rule == "total_not_printed"]
    assert [issue.detail for issue in missing] == ["booking_platforms: total is not printed, so it cannot be reconciled"]


# --------------------------------------------------------------------------- schema rules on text variants


def test_realtime_days_beyond_the_month():
    report = report_of(replace_once(seed_text(), "浦口区 7698850 22 9/11", "浦口区 7698850 31 9/11"))
    error = only_error(report)
    assert error.rule == "schema_realtime_days"
    assert error.detail == "uploads: 浦口区: realtime_days 31 is more than the days in the month (30 days in 2024-11)"
    assert error.line == printed_line("浦口区 7698850")


def test_31_days_are_fine_in_december():
    text = replace_once(seed_text(), "浦口区 7698850 22 9/11", "浦口区 7698850 31 9/11").replace("2024 年 11 月", "2024 年 12 月")
    report = report_of(text)
    assert report.errors == []
    # December has 31 days: the 4 districts and 4 hospitals with 30 days are now short too, 浦口区 no longer.
    assert len(flags_for(report, "realtime_days_short")) == 39 + 8 - 1
    gaochun = report.quality_flags.filter((pl.col("unit") == "高淳区") & (pl.col("rule") == "realtime_days_short"))
    assert gaochun["detail"].to_list() == ["uploads (district): 高淳区: real-time uploads on 30 of the 31 days of the month"]


def test_february_has_28_days():
    report = report_of(seed_text().replace("2024 年 11 月", "2025 年 2 月"))
    # Units with 29 or 30 days: 江宁区, 高淳区, 溧水区, 六合区 (30); 南京市第二医院 (29); 南京市儿童医院,
    # 南京明基医院, 南京市高淳人民医院, 南京市中西医结合医院 (30).
    assert sorted(issue.unit for issue in report.errors) == sorted([
        "江宁区", "高淳区", "溧水区", "六合区", "南京市第二医院", "南京市儿童医院", "南京明基医院", "南京市高淳人民医院",
        "南京市中西医结合医院"])
    assert {issue.rule for issue in report.errors} == {"schema_realtime_days"}


def test_forms_uploaded_beyond_forms_expected():
    report = report_of(replace_once(seed_text(), "江宁区 16283726 30 11/11", "江宁区 16283726 30 12/11"))
    error = only_error(report)
    assert error.detail == "uploads: 江宁区: forms_uploaded 12 is more than forms_expected (11)"
    assert error.line == printed_line("江宁区 16283726")


# --------------------------------------------------------------------------- quality rules on text variants


def upload_row_variant(old: str, new: str):
    return report_of(replace_once(seed_text(), old, new))


def rules_of(report, unit: str) -> list[str]:
    return sorted(report.quality_flags.filter(pl.col("unit") == unit)["rule"].to_list())


def test_complete_row_has_no_flags_and_each_defect_adds_one():
    row = "江宁区 16283726 30 11/11 460137 159731.26 6541 155592.81"
    assert rules_of(report_of(seed_text()), "江宁区") == []
    assert rules_of(upload_row_variant(row, "江宁区 16283726 29 11/11 460137 159731.26 6541 155592.81"),
                    "江宁区") == ["realtime_days_short"]
    assert rules_of(upload_row_variant(row, "江宁区 16283726 30 10/11 460137 159731.26 6541 155592.81"),
                    "江宁区") == ["forms_incomplete"]
    assert rules_of(upload_row_variant(row, "江宁区 16283726 30 11/11 / 159731.26 6541 155592.81"),
                    "江宁区") == ["outpatient_income_without_visits"]
    assert rules_of(upload_row_variant(row, "江宁区 16283726 30 11/11 460137 159731.26 0 155592.81"),
                    "江宁区") == ["inpatient_income_without_discharges"]
    assert rules_of(upload_row_variant(row, "江宁区 16283726 0 11/11 460137 159731.26 6541 155592.81"),
                    "江宁区") == ["no_realtime_days"]
    assert rules_of(upload_row_variant(row, "江宁区 0 0 0/11 0 / 0 /"), "江宁区") == ["no_uploads"]


def test_missing_outpatient_visits_detail():
    report = upload_row_variant("江宁区 16283726 30 11/11 460137 159731.26", "江宁区 16283726 30 11/11 / 159731.26")
    detail = report.quality_flags.filter(pl.col("unit") == "江宁区")["detail"].to_list()
    assert detail == ["uploads (district): 江宁区: outpatient visits missing but outpatient income 159731.26 thousand yuan"]


def test_unknown_hospital_is_kept_and_flagged():
    report = report_of(replace_once(seed_text(), "35 南京市雨花医院 1 0 0 0 1", "35 南京市新开医院 1 0 0 0 1"))
    assert report.errors == []
    assert rules_of(report, "南京市新开医院") == ["booking_without_uploads", "unknown_name"]
    unknown = next(issue for issue in report.warnings if issue.rule == "unknown_name")
    assert unknown.detail.startswith("bookings: 南京市新开医院 is not in data/reference/hospitals.csv")
    assert unknown.line == printed_line("35 南京市雨花医院")


def test_bracket_and_space_variants_resolve_the_same():
    text = replace_once(seed_text(), "南京鼓楼医院（含分院）", "南京鼓楼医院 (含分院)")
    text = replace_once(text, "南京市妇幼保健院(丁家庄院区)", "南京市妇幼保健院（丁家庄院区）")
    report = report_of(text)
    assert len(flags_for(report, "booking_without_uploads")) == 8
    assert flags_for(report, "unknown_name") == []


def test_hospital_missing_from_uploads_is_flagged():
    lines = seed_lines()
    index = line_index(lines, "南京市儿童医院 10901367")
    report = report_of("\n".join(lines[:index] + lines[index + 1:]))
    assert flags_for(report, "booking_without_uploads")[0] == "南京市儿童医院"  # row 3, before 南京雨花口腔医院 (12)
    assert len(flags_for(report, "booking_without_uploads")) == 9


# --------------------------------------------------------------------------- command line


def test_check_seed_exits_0_and_lists_warnings(capsys):
    assert main(["check", str(SEED_PATH)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"2024-11: {SEED_PATH}: 0 errors, 106 warnings"
    assert len(out) == 107 and all(line.startswith(f"warning: {SEED_PATH}:") for line in out[:-1])


def test_check_summary_groups_the_seed_warnings_by_rule(tmp_path, capsys):
    # The per-rule counts of the seed, worked out from the printed tables (docs/validation.md): they add
    # up to 106. With --summary an error is still printed in full.
    path = tmp_path / "2024-11.txt"
    path.write_text(replace_once(seed_text(), "合计：18946", "合计：18947"), encoding="utf-8")
    assert main(["check", "--summary", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"error: {path}:") and out[0].endswith("[platform_total]")
    counts = {line.split(" × ")[1].split(":")[0]: int(line.split(" × ")[0].rsplit(" ", 1)[1]) for line in out[1:-1]}
    assert counts == {"no_uploads": 2, "no_realtime_days": 2, "forms_incomplete": 24, "realtime_days_short": 39,
                      "outpatient_income_without_visits": 2, "inpatient_income_without_discharges": 16,
                      "booking_without_uploads": 8, "uploads_without_bookings": 13}
    no_uploads = next(line for line in out if "× no_uploads" in line)
    assert no_uploads == (f"warning: {path}:{printed_line('秦淮区 ')}-{printed_line('东部战区总医院秦淮医疗区 ')}: "
                          "2 × no_uploads: 秦淮区 (district), 东部战区总医院秦淮医疗区 (hospital)")
    assert out[-1] == f"2024-11: {path}: 1 errors, 106 warnings"


def test_check_reports_errors_with_file_and_line(tmp_path, capsys):
    path = tmp_path / "2024-11.txt"
    path.write_text(replace_once(seed_text(), "合计：18946", "合计：18947"), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"error: {path}:{printed_line('合计：18946')}: booking_platforms: 合计: printed 18947, "
                      "computed sum of the 5 platforms 18946 [platform_total]")
    assert out[-1] == f"2024-11: {path}: 1 errors, 106 warnings"


def test_check_unreadable_file_exits_2(tmp_path, capsys):
    missing = tmp_path / "2024-10.txt"
    assert main(["check", str(SEED_PATH), str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"error: {missing}")
    assert "0 errors, 106 warnings" in captured.out


# --------------------------------------------------------------------------- ingest


def test_ingest_writes_quality_flags_with_the_month(tmp_path, capsys):
    processed = tmp_path / "processed"
    assert main(["ingest", str(SEED_PATH), "--processed", str(processed)]) == 0
    assert capsys.readouterr().out.strip().endswith("; 106 warnings")
    flags = storage.read_month_table(processed, "quality_flags", "2024-11")
    assert flags.height == 106 and flags["severity"].unique().to_list() == ["warning"]


def test_ingest_refuses_a_month_with_errors(tmp_path, capsys):
    processed = tmp_path / "processed"
    path = tmp_path / "2024-11.txt"
    path.write_text(replace_once(seed_text(), "2 南京市第一医院 935 111 0 370 1416", "2 南京市第一医院 935 111 0 370 1417"),
                    encoding="utf-8")
    assert main(["ingest", str(path), "--processed", str(processed)]) == 1
    err = capsys.readouterr().err
    assert f"error: {path}:{printed_line('2 南京市第一医院')}: bookings: 南京市第一医院: printed 小计 1417" in err
    assert f"error: {path}: 1 validation errors, 2024-11 not written" in err
    assert storage.processed_months(processed) == []


def test_ingest_allow_errors_stores_them(tmp_path, capsys):
    processed = tmp_path / "processed"
    path = tmp_path / "2024-11.txt"
    path.write_text(replace_once(seed_text(), "2 南京市第一医院 935 111 0 370 1416", "2 南京市第一医院 935 111 0 370 1417"),
                    encoding="utf-8")
    assert main(["ingest", str(path), "--processed", str(processed), "--allow-errors"]) == 0
    assert "106 warnings, 1 errors stored in quality_flags" in capsys.readouterr().out
    flags = storage.read_month_table(processed, "quality_flags", "2024-11")
    errors = flags.filter(pl.col("severity") == "error")
    assert errors.select("level", "unit", "rule").rows() == [("bookings", "南京市第一医院", "booking_row_subtotal")]
    assert storage.read_month_table(processed, "bookings", "2024-11").height == 140
