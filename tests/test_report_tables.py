"""The one table helper (report.tables.report_table): every row, labels with units in the report's language,
formatted numbers, a missing value as "—" with its note, a title and source, a fixed id, nothing remote,
names escaped.

Expected values come from the seed's text (data/raw/2024-11.txt): 江苏省人民医院 prints 310226 outpatient
visits and 310523.39 thousand yuan of outpatient income (1,000.96 yuan a visit); 南京鼓楼医院 14849 discharges
and 431428.81 thousand yuan of inpatient income (29,054.40 yuan a discharge); 12 districts and 39 hospitals.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import polars as pl
import pytest

from njbulletin.analysis import channels, throughput
from njbulletin.reading.parser import parse_text
from njbulletin.report.html import find_remote_references, share_table_styles
from njbulletin.report.tables import column_label, report_table, translate_reason

from seedtools import seed_text

SCRIPT_NAME = "南京<script>alert(1)</script>医院"


@pytest.fixture(scope="module")
def seed():
    return parse_text(seed_text()).tables


@pytest.fixture(scope="module")
def units(seed):
    return throughput.compute_throughput(seed["uploads"])


class Cells(HTMLParser):
    """The text of each body row's cells, and the column labels."""

    def __init__(self):
        super().__init__()
        self.rows, self.labels, self._cell, self._in = [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        if tag in ("td", "th"):
            self._in, self._cell = (tag, dict(attrs).get("class", "")), ""

    def handle_data(self, data):
        if self._in is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._in is not None:
            kind, css = self._in
            if kind == "th" and "gt_col_heading" in css:
                self.labels.append(self._cell.strip())
            elif kind == "td" and "gt_row" in css:
                self._row.append(self._cell.strip())
            self._in = None
        if tag == "tr" and getattr(self, "_row", None):
            self.rows.append(self._row)
            self._row = []


def cells_of(table) -> Cells:
    parser = Cells()
    parser.feed(table.html)
    return parser


def test_every_unit_is_a_row_with_its_formatted_yuan(units):
    table = report_table(units, "t30-units", title="各单位服务量与收入", month="2024-11", lang="zh",
                         missing_note="note.missing_denominator")
    parsed = cells_of(table)
    assert table.rows == len(parsed.rows) == 12 + 39
    by_unit = {row[1]: row for row in parsed.rows}
    assert by_unit["江苏省人民医院"][parsed.labels.index("次均门急诊收入（元）")] == "1,000.96"
    assert by_unit["南京鼓楼医院"][parsed.labels.index("次均住院收入（元）")] == "29,054.40"
    assert by_unit["江苏省人民医院"][parsed.labels.index("门急诊人次（人次）")] == "310,226"
    assert by_unit["江苏省人民医院"][parsed.labels.index("门急诊收入（千元）")] == "310,523.39"
    assert "…" not in table.html and "shape:" not in table.html and "null" not in table.html


def test_a_missing_value_is_a_dash_with_its_note_and_no_note_without_one(units):
    table = report_table(units, "t30-units", title="t", month="2024-11", missing_note="note.missing_denominator", lang="zh")
    parsed = cells_of(table)
    qinhuai = next(row for row in parsed.rows if row[1] == "秦淮区")  # prints 0 visits and '/' for its income
    assert qinhuai[parsed.labels.index("次均门急诊收入（元）")] == "—"
    assert "分母为 0 或缺失" in table.html
    complete = report_table(units.drop_nulls(), "t30-complete", title="t", month="2024-11",
                            missing_note="note.missing_denominator", lang="zh")
    assert "分母为 0 或缺失" not in complete.html


def test_labels_units_and_values_follow_the_language(seed):
    by_channel = channels.summarise_channels(seed["bookings"])
    zh = cells_of(report_table(by_channel, "t10-channels", title="各渠道预约挂号量", month="2024-11", lang="zh"))
    en = cells_of(report_table(by_channel, "t10-channels", title="Bookings by channel", month="2024-11", lang="en"))
    assert zh.labels == ["预约渠道", "预约量（人次）", "占比（%）"]
    assert en.labels == ["Channel", "Bookings", "Share (%)"]
    assert zh.rows[-1] == ["第三方", "259,989", "94.13%"]  # 259989 / 276195
    assert en.rows[-1] == ["Third party", "259,989", "94.13%"]


def test_english_names_come_from_the_registry_and_unknown_names_stay_as_printed():
    frame = pl.DataFrame({"unit": ["南京鼓楼医院", "某某不存在医院"], "outpatient_visits": [576772, 1]})
    en = cells_of(report_table(frame, "t-names", title="t", month="2024-11", lang="en"))
    assert [row[0] for row in en.rows] == ["Nanjing Drum Tower Hospital", "某某不存在医院"]


def test_title_source_fixed_id_and_nothing_remote(seed):
    frame = channels.summarise_platforms(seed["booking_platforms"])
    first = report_table(frame, "t10-platforms", title="线上预约平台", month="2024-11", lang="zh")
    again = report_table(frame, "t10-platforms", title="线上预约平台", month="2024-11", lang="zh")
    assert first.html == again.html  # the same output on every run: nbval compares it
    assert 'id="t10-platforms"' in first.html and "线上预约平台" in first.html
    assert "来源：南京市卫生信息中心，2024-11" in first.html
    assert find_remote_references(first.html) == []
    assert "googleapis" not in first.html and "@import" not in first.html
    assert "Noto Sans CJK SC" in first.html
    assert re.search(r"overflow-x:\s*auto", first.html)  # a wide table scrolls inside its own box


def test_a_name_carrying_markup_is_escaped_in_the_table():
    frame = pl.DataFrame({"hospital": [SCRIPT_NAME], "count": [1416]})
    for lang in ("zh", "en"):
        table = report_table(frame, "t-hostile", title=SCRIPT_NAME, month="2024-11", lang=lang)
        assert "<script>" not in table.html
        assert "南京&lt;script&gt;alert(1)&lt;/script&gt;医院" in table.html


def test_an_empty_frame_is_one_sentence():
    table = report_table(pl.DataFrame(schema={"unit": pl.String}), "t-empty", title="无上传的单位", month="2024-11",
                         empty="empty.none", lang="zh")
    assert table.rows == 0 and "<table" not in table.html and "无。" in table.html


def test_reasons_and_labels_in_both_languages():
    assert translate_reason("outpatient_visits is 0", "zh") == "门急诊人次为 0"
    assert translate_reason("outpatient_visits is 0", "en") == "outpatient visits is 0"
    assert translate_reason("not in the bookings table", "zh") == "不在预约挂号表中"
    assert column_label("third_party_share", "zh") == "第三方（%）"
    assert column_label("income_per_visit", "en") == "Income per visit (yuan)"


def test_the_page_keeps_one_copy_of_the_tables_style(seed):
    tables = [report_table(channels.summarise_channels(seed["bookings"]), f"t-{n}", title="t", month="2024-11", lang="zh")
              for n in range(3)]
    page = "".join(table.html for table in tables)
    shared = share_table_styles(page)
    assert page.count("<style>") == 3 and shared.count("<style>") == 1
    assert "#t-1" not in shared and ".njb-table > div[id] .gt_table" in shared


def test_a_name_cell_carries_its_whole_name_as_tooltip_and_the_name_column_is_pinned():
    frame = pl.DataFrame({"rank": [1], "hospital": ["南京医科大学附属妇产医院（南京市妇幼保健院）"], "count": [613]})
    table = report_table(frame, "t-names", title="t", month="2024-11", lang="zh")
    assert ('<td headers="t-names-hospital" class="gt_row njb-pin gt_left"><span class="njb-name" '
            'title="南京医科大学附属妇产医院（南京市妇幼保健院）">南京医科大学附属妇产医院（南京市妇幼保健院）</span></td>') in table.html
    assert 'id="t-names-hospital"' in table.html and table.html.count("njb-pin") == 2  # its label and its cell


def test_an_english_unit_holds_together_and_a_chinese_label_is_left_to_the_style():
    from njbulletin.report.tables import label_html

    assert label_html("Outpatient income (thousand yuan)", "en") == "Outpatient income (thousand\u00a0yuan)"
    assert label_html("Share (%)", "en") == "Share (%)" and label_html("Channel", "en") == "Channel"
    assert label_html("门急诊收入（千元）", "zh") == "门急诊收入（千元）"  # report.css: word-break keep-all


def test_a_table_too_wide_for_a_portrait_sheet_prints_on_a_landscape_one(units):
    from njbulletin.report.printing import LANDSCAPE_WIDTH, PORTRAIT_WIDTH, print_layout

    wide = report_table(units, "t30-units", title="t", month="2024-11", lang="zh")
    assert 'class="njb-table njb-landscape"' in wide.html  # 10 columns, 51 rows
    narrow = report_table(units.select("level", "unit", "outpatient_visits"), "t30-narrow", title="t",
                          month="2024-11", lang="zh")
    assert '<div class="njb-table" data-table="t30-narrow"' in narrow.html
    layout = print_layout(wide.html)
    assert layout.width > PORTRAIT_WIDTH and layout.landscape
    assert layout.scale == (1.0 if layout.width <= LANDSCAPE_WIDTH else LANDSCAPE_WIDTH / layout.width)
