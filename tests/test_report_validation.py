"""The validation page (report.validation): a verdict, each error with its printed and computed value and its
line, the warnings grouped by rule, the details of each rule, the printed totals; all from the month's stored
validation result.

From the seed's text (data/raw/2024-11.txt): the hotline's total calls (共受理咨询电话 27332 个) are on line
342 and the channel totals (合计 13407 1896 903 259989 276195) on line 425; 浦口区 (line 455) uploaded on 22
of the 30 days and 9 of 11 forms; the bulletin prints 44 totals, two of them cumulative counters
(总预约挂号量, 累计校验入库数据). Validation of the seed gives 0 errors and 106 warnings.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from njbulletin.reading.parser import parse_text
from njbulletin.report import validation
from njbulletin.validate.checks import validate_bulletin

from seedtools import SEED_PATH, replace_once, seed_text


@pytest.fixture(scope="module")
def seed():
    bulletin = parse_text(seed_text())
    return bulletin, validate_bulletin(bulletin)


@pytest.fixture(scope="module")
def broken():
    """The seed with its hotline total printed one too high and the third-party total two too high."""
    text = replace_once(seed_text(), "共受理咨询电话 27332 个", "共受理咨询电话 27333 个")
    text = replace_once(text, "合计 13407 1896 903 259989 276195", "合计 13407 1896 903 259991 276197")
    bulletin = parse_text(text)
    return bulletin, validate_bulletin(bulletin)


def test_the_seed_verdict_agrees_with_its_own_counts(seed):
    """By hand from the seed: the channel table prints a row total for each of its 35 hospitals, the five column
    totals on line 425 (合计 13407 1896 903 259989 276195) and the cumulative 总预约挂号量 34735351 (line 427): 41;
    the hotline's 共受理咨询电话 27332 (line 342), the platforms' 合计：18946 (line 441) and the cumulative
    累计校验入库数据 285.01 亿条 (line 561): 44 in all. The two cumulative counters are checked month against
    month on the Trends page, and the other 42 reconcile."""
    bulletin, report = seed
    declared = bulletin.tables["declared_totals"]
    zh = repr(validation.verdict(report.quality_flags, "zh", declared))
    assert zh.startswith("✓ 44 项印刷合计，42 项相符，另 2 项为累计数（见趋势页）；未发现错误。另有 106 条")
    assert "所有印刷合计均与其明细相符" not in zh
    en = repr(validation.verdict(report.quality_flags, "en", declared))
    assert en.startswith("✓ 44 printed totals: 42 reconcile with their rows, and the other 2 are cumulative "
                         "counters (see the Trends page); no errors. There are also 106")
    summary = validation.printed_totals_section(declared, report.quality_flags, "2024-11", "zh").title
    assert summary == "44 项印刷合计，42 项相符，另 2 项为累计数（见趋势页）"


def test_the_verdict_without_printed_totals_is_every_total_reconciles(seed):
    _, report = seed
    zh = repr(validation.verdict(report.quality_flags, "zh"))
    assert zh.startswith("✓ 所有印刷合计均与其明细相符，未发现错误。另有 106 条数据质量警告")
    en = repr(validation.verdict(report.quality_flags, "en"))
    assert en.startswith("✓ Every printed total reconciles with its rows: no errors. There are also 106")
    assert validation.error_rows(report.quality_flags, {}).height == 0


def test_each_error_has_its_table_item_printed_computed_value_and_line(broken):
    bulletin, report = broken
    errors = validation.error_rows(report.quality_flags, bulletin.provenance)
    rows = {(row["table"], row["item"]): row for row in errors.iter_rows(named=True)}
    assert rows[("hotline", "total_calls")] == {"rule": "hotline_total", "table": "hotline",
                                                     "item": "total_calls", "printed": 27333.0,
                                                     "computed": 27332.0, "line": 342}
    third = rows[("bookings", "total_third_party")]
    assert (third["printed"], third["computed"], third["line"]) == (259991.0, 259989.0, 425)
    assert "✗" in repr(validation.verdict(report.quality_flags, "zh"))


def test_the_line_is_missing_without_the_raw_file(broken):
    _, report = broken
    assert validation.error_rows(report.quality_flags, validation.printed_lines(None))["line"].null_count() > 0
    assert validation.printed_lines(SEED_PATH)[("declared_totals", "hotline/total_calls")] == 342


def test_warnings_are_grouped_by_rule_with_what_the_rule_means_and_its_units(seed):
    _, report = seed
    grouped = validation.warnings_by_rule(report.quality_flags, "zh")
    assert grouped["flags"].sum() == 106
    assert grouped["flags"].to_list() == sorted(grouped["flags"].to_list(), reverse=True)
    short = grouped.filter(pl.col("rule") == "realtime_days_short").row(0, named=True)
    assert short["rule_help"] == "实时上传天数少于当月天数。" and short["units_caught"].startswith("浦口区、")
    english = validation.warnings_by_rule(report.quality_flags, "en")
    assert "Pukou District" in english.filter(pl.col("rule") == "forms_incomplete")["units_caught"][0]


def test_each_rule_lists_its_units_with_the_values_that_show_why(seed):
    bulletin, report = seed
    forms = validation.rule_details(report.quality_flags, bulletin.tables["uploads"], "forms_incomplete")
    assert forms.columns == ["level", "unit", "forms_uploaded", "forms_expected"]
    assert forms.filter(pl.col("unit") == "浦口区").row(0) == ("district", "浦口区", 9, 11)
    table = validation.rule_table(report.quality_flags, bulletin.tables["uploads"], "realtime_days_short",
                                  "2024-11", "zh")
    assert "实时上传天数不足" in table.html and "当月天数（天）" in table.html


def test_the_printed_totals_say_which_reconcile(seed, broken):
    bulletin, report = seed
    totals = validation.printed_totals(bulletin.tables["declared_totals"], report.quality_flags)
    assert totals.height == 44
    assert totals["status"].value_counts().sort("status").rows() == [("counter", 2), ("match", 42)]
    bulletin, report = broken
    totals = validation.printed_totals(bulletin.tables["declared_totals"], report.quality_flags)
    # 276197 = 13407 + 1896 + 903 + 259991 agrees with the printed channel totals, but the hospitals' 小计 sum
    # to 276195: the overall 合计 is wrong too, and named with the third-party 合计 and the hotline total.
    assert set(totals.filter(pl.col("status") == "differs")["item"]) == {"total_calls", "total_third_party", "total"}


def test_every_validation_rule_has_a_name_and_an_explanation_in_both_languages():
    """A rule without strings would show its bare id (name_split_across_rows) on the validation page."""
    import re

    from njbulletin.report.strings import TEXT
    from njbulletin.validate import checks, split_names

    sources = "".join(path.read_text(encoding="utf-8")
                      for path in Path(checks.__file__).parent.glob("*.py"))
    literal = set(re.findall(r'"rule": "([a-z_]+)"|rule="([a-z_]+)"', sources))
    rules = {name for pair in literal for name in pair if name}
    rules |= {*checks.RECONCILIATION_RULES, *checks.UPLOAD_RULES, split_names.RULE}
    assert "name_split_across_rows" in rules and len(rules) > 15
    missing = sorted(f"{prefix}.{rule}" for rule in rules for prefix in ("rule", "rule_help")
                     if f"{prefix}.{rule}" not in TEXT or not all(TEXT[f"{prefix}.{rule}"]))
    assert missing == []


def test_the_page_is_worst_first(seed):
    """Rules that caught the most units first: 实时上传天数不足 caught 39 of the seed's 51 units (all but the 8
    that uploaded on all 30 days and the 4 that uploaded on none: 秦淮区, 泰康仙林鼓楼医院, 东部战区空军医院,
    东部战区总医院秦淮医疗区), then 表单上传不全 (24). In a rule's table the worst unit comes first: 江苏省省级机关
    医院 uploaded in real time on 13 of 30 days, the fewest of those caught."""
    bulletin, report = seed
    rules = validation.warnings_by_rule(report.quality_flags, "zh")
    assert rules["rule"][:2].to_list() == ["realtime_days_short", "forms_incomplete"]
    assert rules["flags"][:2].to_list() == [39, 24]
    short = validation.rule_details(report.quality_flags, bulletin.tables["uploads"], "realtime_days_short")
    assert short.row(0) == ("hospital", "江苏省省级机关医院", 13)
    assert short["realtime_days"].is_sorted()
    forms = validation.rule_details(report.quality_flags, bulletin.tables["uploads"], "forms_incomplete")
    assert forms["forms_uploaded"].is_sorted() and forms["forms_uploaded"][0] == 0


def test_each_rule_is_folded_and_the_totals_that_differ_come_first(seed, broken):
    bulletin, report = seed
    section = validation.rule_section(report.quality_flags, bulletin.tables["uploads"], "realtime_days_short",
                                      "2024-11", "zh")
    assert section.html.startswith('<details class="njb-details"><summary>实时上传天数不足：39 个单位</summary>')
    assert " open" not in section.html.split(">", 1)[0] and 'data-table="t02-rule-realtime-days-short"' in section.html
    totals = validation.printed_totals_section(bulletin.tables["declared_totals"], report.quality_flags, "2024-11",
                                               "en")
    assert ("<summary>44 printed totals: 42 reconcile, and the other 2 are cumulative counters (see the Trends "
            "page)</summary>") in totals.html
    assert "28.501 billion" in totals.html  # 累计校验入库数据 285.01 亿条, with the bulletin's precision
    bulletin, report = broken
    ordered = validation.printed_totals(bulletin.tables["declared_totals"], report.quality_flags)
    assert ordered["status"][:3].to_list() == ["differs"] * 3 and ordered["status"][-2:].to_list() == ["counter"] * 2
