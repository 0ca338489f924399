"""REPORTS/index.html and the navigation bar (report.index, report.navigation), built from month folders
written here: key figures with their change from the month before, small trend charts from two months on,
relative links, the language the run hands down, escaping of names and statuses, and no work when nothing
changed.

Figures used: 2024-10 has 250,000 bookings and a third-party share of 0.9; 2024-11 has 276,195 (+10.478%)
and 0.941324 (+4.13 percentage points); complete units 6 / 51, then 8 / 51 (+33.3%).
"""
from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from njbulletin.report.index import build_index, collect_month_entries, write_index
from njbulletin.report.navigation import END, START, refresh_navigation
from njbulletin.report.screenshot import find_chromium

PAGES = ["01-ingest", "02-validate", "10-booking-channels"]

CHROMIUM = find_chromium()


def write_month(reports: Path, month: str, summary: dict, lang: str = "zh", status: str = "ok",
                notebooks: list[tuple[str, str]] | None = None) -> None:
    folder = reports / month
    folder.mkdir(parents=True)
    notebooks = notebooks or [(name, "ok") for name in PAGES]
    (folder / "manifest.json").write_text(json.dumps({
        "month": month, "status": status, "parameters": {"lang": lang},
        "notebooks": [{"name": name, "status": state, "html": f"{name}.html"} for name, state in notebooks]}),
        encoding="utf-8")
    (folder / "summary.json").write_text(json.dumps({"month": month, **summary}), encoding="utf-8")
    for name, _ in notebooks:
        (folder / f"{name}.html").write_text(f"<html><body>{START}old{END}<main>{name}</main></body></html>",
                                             encoding="utf-8")


def summary(bookings: int, share: float, complete: int) -> dict:
    return {"bookings_total": bookings, "third_party_share": share, "platforms_total": 18946,
            "hotline_calls": 27332, "upload_units": 51, "upload_units_complete": complete,
            "hospital_outpatient_visits": 4175517, "quality_flags": 106, "quality_errors": 0}


@pytest.fixture
def reports(tmp_path) -> Path:
    folder = tmp_path / "reports"
    write_month(folder, "2024-10", summary(250000, 0.9, 6))
    write_month(folder, "2024-11", summary(276195, 0.941324, 8))
    return folder


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def links_of(document: str) -> list[str]:
    parser = Links()
    parser.feed(document)
    return parser.hrefs


def test_the_index_shows_figures_with_their_change_and_trend_charts(reports):
    document = build_index(collect_month_entries(reports), ["summary.csv"], "zh")
    assert '<td class="month">2024-11</td><td class="ok">完成</td>' in document
    assert "276,195" in document and "▲ 10.5%" in document  # (276195 - 250000) / 250000 = 10.478%
    assert "▲ 4.13 个百分点" in document  # 94.13% - 90.00%
    assert "8 / 51" in document and "▲ 33.3%" in document  # (8 - 6) / 6
    assert document.count("<polyline") == 3  # bookings, third-party share, complete units
    assert "2024-10/10-booking-channels.html" in links_of(document) and "data/summary.csv" in links_of(document)
    assert all(not href.startswith(("http:", "https:", "/")) for href in links_of(document))


def test_one_month_has_no_change_and_no_trend_chart(tmp_path):
    write_month(tmp_path, "2024-11", summary(276195, 0.941324, 8))
    document = build_index(collect_month_entries(tmp_path), [], "en")
    assert '<td class="figure" data-label="Complete upload units">8 / 51</td>' in document and "▲" not in document and "<svg" not in document
    assert '<td class="ok">OK</td>' in document and "Nanjing Health Information Center" in document


def test_statuses_and_names_carrying_markup_are_escaped(tmp_path):
    hostile = "南京<script>alert(1)</script>医院"
    write_month(tmp_path, "2024-11", summary(1, 0.5, 1), status=hostile, notebooks=[("10-x", hostile)])
    manifest = json.loads((tmp_path / "2024-11" / "manifest.json").read_text(encoding="utf-8"))
    manifest["notebooks"][0]["name"] = hostile
    (tmp_path / "2024-11" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    document = build_index(collect_month_entries(tmp_path), [hostile], "zh")
    assert "<script>" not in document
    assert document.count("南京&lt;script&gt;alert(1)&lt;/script&gt;医院") >= 3  # status, page, export


def test_the_bar_links_index_pages_and_neighbouring_months(reports):
    assert len(refresh_navigation(reports, "zh")) == 6
    page = (reports / "2024-10" / "10-booking-channels.html").read_text(encoding="utf-8")
    assert "old" not in page and page.count(START) == 1
    assert links_of(page) == ["../index.html", "01-ingest.html", "02-validate.html", "10-booking-channels.html",
                              "../2024-11/10-booking-channels.html"]
    assert "预约挂号渠道" in page and 'aria-current="page"' in page
    assert "← " not in page and "2024-11 →" in page  # 2024-10 has no month before it


def test_a_month_added_later_gives_the_one_before_it_a_next_link(reports):
    refresh_navigation(reports, "zh")
    assert refresh_navigation(reports, "zh") == []  # nothing changed: nothing rewritten
    write_month(reports, "2024-12", summary(1, 0.5, 1), notebooks=[("01-ingest", "ok")])
    rewritten = refresh_navigation(reports, "zh")
    assert sorted(path.parent.name for path in rewritten) == ["2024-11"] * 3 + ["2024-12"]
    november = (reports / "2024-11" / "02-validate.html").read_text(encoding="utf-8")
    assert "../2024-10/02-validate.html" in links_of(november)
    assert "../2024-12/01-ingest.html" in links_of(november)  # 2024-12 has no 02-validate: its first page


def test_the_bars_and_the_index_speak_the_language_handed_down_not_the_one_a_manifest_names(reports):
    """The run's language is passed to write_index; a manifest that says otherwise (a month written by an earlier
    run in English) changes nothing: the language is never read back from a file."""
    write_month(reports, "2024-12", summary(1, 0.5, 1), lang="en", notebooks=[("01-ingest", "ok")])
    write_index(reports, "zh")
    december = (reports / "2024-12" / "01-ingest.html").read_text(encoding="utf-8")
    assert "全部月份" in december and "All months" not in december
    assert '<html lang="zh"' in (reports / "index.html").read_text(encoding="utf-8")
    write_index(reports, "en")  # a run in English: every bar and the index in English
    november = (reports / "2024-11" / "01-ingest.html").read_text(encoding="utf-8")
    assert "All months" in november and "全部月份" not in november
    assert '<html lang="en"' in (reports / "index.html").read_text(encoding="utf-8")


def test_writing_the_index_twice_does_nothing_the_second_time(reports):
    index = write_index(reports, "zh")
    first = index.stat().st_mtime_ns
    assert write_index(reports, "zh") == index and index.stat().st_mtime_ns == first
    code = ("import sys; from njbulletin.report.index import write_index; "
            f"write_index({str(reports)!r}, 'zh'); print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('jinja2', 'polars', 'nbconvert')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr  # an unchanged index neither renders nor imports


def test_a_month_after_one_that_was_not_processed_shows_no_change_and_the_charts_leave_a_gap(tmp_path):
    write_month(tmp_path, "2024-08", summary(240000, 0.9, 5))
    write_month(tmp_path, "2024-09", summary(250000, 0.9, 6))
    write_month(tmp_path, "2024-11", summary(276195, 0.941324, 8))  # 2024-10 was never processed
    document = build_index(collect_month_entries(tmp_path), [], "zh")
    row = document[document.index('<td class="month">2024-11'):document.index('<td class="month">2024-09')]
    assert "▲" not in row and "▼" not in row  # no change against 2024-09 dressed up as month-on-month
    assert "2024-10 未处理，不计环比" in row
    earlier = document[document.index('<td class="month">2024-09'):]
    assert "▲ 4.2%" in earlier  # 2024-09 against 2024-08: (250000 - 240000) / 240000 = 4.17%
    assert "未处理" not in earlier  # the oldest month has no month before to miss
    # Each small chart: one line for 2024-08..09 and a dot for 2024-11, three months to the right of 2024-08.
    assert document.count("<polyline") == 3 and document.count('r="1.5"') == 3
    chart = build_index(collect_month_entries(tmp_path), [], "en")
    assert "2024-10 not processed: no change shown" in chart


def test_months_are_counted_across_years():
    from njbulletin.months import months_between, shift_month

    assert months_between("2023-11", "2024-02") == 3 and months_between("2024-02", "2024-02") == 0
    assert shift_month("2024-01", -1) == "2023-12" and shift_month("2023-12", 14) == "2025-02"


def test_a_folder_named_like_no_month_is_not_listed(reports):
    (reports / "2024-13").mkdir()  # four digits, a dash, two digits: but not a month
    document = build_index(collect_month_entries(reports), [], "zh")
    assert "2024-13" not in document and '<td class="month">2024-11</td>' in document
    assert write_index(reports, "zh") == reports / "index.html"


def change_span(document: str, month: str, value: str) -> str:
    """The change shown under `value` in the month's row (its <span class="change ...">)."""
    row = document[document.index(f'<td class="month">{month}'):]
    cell = row[row.index(f'">{value}<span') + len(f'">{value}'):]  # <td class="figure" data-label="...">
    return cell[:cell.index("</span>") + len("</span>")]


def test_arrow_colours_say_what_a_change_means_by_the_indicators_direction(tmp_path):
    """2024-10 -> 2024-11: bookings 250,000 -> 276,195 (more is better: improvement, blue); third-party share
    0.9 -> 0.941324 (neutral: grey); quality flags 82 -> 106 (+29.3%, fewer is better: a concern, orange,
    though its arrow points up like the bookings'); complete units 8 -> 6 (a concern, arrow down)."""
    write_month(tmp_path, "2024-10", summary(250000, 0.9, 8) | {"quality_flags": 82})
    write_month(tmp_path, "2024-11", summary(276195, 0.941324, 6))
    document = build_index(collect_month_entries(tmp_path), [], "zh")
    assert change_span(document, "2024-11", "276,195") == '<span class="change improving" title="改善">▲ 10.5%</span>'
    assert change_span(document, "2024-11", "94.13%") == \
        '<span class="change neutral" title="无所谓好坏">▲ 4.13 个百分点</span>'
    assert change_span(document, "2024-11", "106") == '<span class="change concerning" title="需关注">▲ 29.3%</span>'
    assert change_span(document, "2024-11", "6 / 51") == '<span class="change concerning" title="需关注">▼ 25.0%</span>'
    assert change_span(document, "2024-11", "18,946") == '<span class="change neutral" title="无所谓好坏">持平</span>'
    assert "蓝色为改善</span>，<span" in document and "灰色为无所谓好坏</span>。" in document
    assert ".concerning { color: #c24f00" in document


def test_downloads_sit_under_one_label_named_in_the_pages_language(reports):
    zh = build_index(collect_month_entries(reports), ["summary.csv", "booking_platforms.csv", "quality_flags.csv"],
                     "zh")
    assert '<span class="downloads">下载： <a href="2024-11/summary.json">关键数字</a> · ' \
           '<a href="2024-11/manifest.json">运行记录</a> · <a href="2024-11/data/">数据表（CSV）</a></span>' in zh
    assert '<a href="data/summary.csv">各月关键数字</a> · <a href="data/booking_platforms.csv">线上预约平台</a> · ' \
           '<a href="data/quality_flags.csv">数据质量标记</a>' in zh
    assert ">summary.json<" not in zh and ">manifest.json<" not in zh and ">booking_platforms.csv<" not in zh
    en = build_index(collect_month_entries(reports), ["summary.csv", "booking_platforms.csv"], "en")
    assert ">Key figures per month</a>" in en and ">Online booking platforms</a>" in en and ">Run record (JSON)<" in en


def test_a_unit_never_breaks_inside_a_header(reports):
    document = build_index(collect_month_entries(reports), [], "zh")
    assert '<th>预约挂号量<span class="unit">（人次）</span></th>' in document
    assert '<th>第三方预约占比<span class="unit">（%）</span></th>' in document
    assert "th .unit, .unit { white-space: nowrap; }" in document
# ----------------------------------------------------------------------------- the attention list


def write_attention(reports: Path, month: str, count: int, lines: int = 3) -> None:
    """The digest the attention notebook writes: the count and the first three items in both languages."""
    first = [{"zh": f"第{n}项", "en": f"item {n}", "href": f"50-attention.html#signal-{n}"} for n in range(1, lines + 1)]
    (reports / month / "attention.json").write_text(json.dumps({"month": month, "count": count, "movers": 10,
                                                                "first": first}), encoding="utf-8")
    (reports / month / "50-attention.html").write_text(f"<html><body>{START}old{END}<main>50</main></body></html>",
                                                      encoding="utf-8")


def test_the_attention_list_is_the_first_page_in_the_bar_and_the_bar_says_how_many_items(reports):
    write_attention(reports, "2024-11", 5)
    refresh_navigation(reports, "zh")
    page = (reports / "2024-11" / "02-validate.html").read_text(encoding="utf-8")
    links = links_of(page)
    assert links[:2] == ["../index.html", "50-attention.html"]  # the banner, first in the bar
    assert links[2:6] == ["50-attention.html", "01-ingest.html", "02-validate.html", "10-booking-channels.html"]
    assert '需关注 5 项</a>' in page and "njb-attention-some" in page
    october = (reports / "2024-10" / "02-validate.html").read_text(encoding="utf-8")
    assert "njb-attention" not in october  # 2024-10 has no attention list
    write_attention(reports, "2024-11", 0, lines=0)
    assert refresh_navigation(reports, "zh")  # the count changed: the bars are written again
    page = (reports / "2024-11" / "02-validate.html").read_text(encoding="utf-8")
    assert "无需关注事项</a>" in page and "njb-attention-some" not in page


def test_the_index_shows_each_month_s_count_and_first_three_items_first_in_its_links(reports):
    write_attention(reports, "2024-11", 5)
    write_month(reports, "2024-12", summary(1, 0.5, 1), notebooks=[(name, "ok") for name in [*PAGES, "50-attention"]])
    write_attention(reports, "2024-12", 1, lines=1)
    document = build_index(collect_month_entries(reports), [], "zh")
    november = document[document.index('<td class="month" rowspan="2">2024-11'):document.index('<td class="month">2024-10')]
    assert ">需关注 5 项</a>" in november and "……另有 2 项" in november
    assert [href for href in links_of(november) if "#" in href] == [f"2024-11/50-attention.html#signal-{n}"
                                                                     for n in (1, 2, 3)]
    assert ">第1项</a>" in november and ">第3项</a>" in november
    december = document[document.index('<td class="month" rowspan="2">2024-12'):
                        document.index('<td class="month" rowspan="2">2024-11')]
    assert ">需关注 1 项</a>" in december and "另有" not in december
    december_links = december[:december.index('<tr class="attention">')]
    assert [href for href in links_of(december_links) if href.endswith(".html")][-4:] == [
        "2024-12/50-attention.html", "2024-12/01-ingest.html", "2024-12/02-validate.html",
        "2024-12/10-booking-channels.html"]
    october = document[document.index('<td class="month">2024-10'):]
    assert 'class="attention"' not in october  # 2024-10 has no attention list: no row for it
    # the list sits in a row of its own under the month's figures, as wide as the figures and the links
    assert '<tr class="attention"><td class="attention" colspan="9">' in november
    english = build_index(collect_month_entries(reports), [], "en")
    assert ">5 items need attention</a>" in english and ">item 2</a>" in english and "… and 2 more" in english


def test_a_changed_attention_list_rewrites_the_index(reports):
    write_index(reports, "zh")
    write_attention(reports, "2024-11", 4)
    before = (reports / "index.html").read_text(encoding="utf-8")
    write_index(reports, "zh")
    assert (reports / "index.html").read_text(encoding="utf-8") != before
    assert "需关注 4 项" in (reports / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.chromium
def test_in_a_browser_long_attention_lines_wrap_and_the_index_table_fits_1280_px(reports):
    # An attention line as long as a rule that caught a dozen units: it wraps inside the list's row, and the
    # table (links column included) stays within the page at 1280 px, not cut at its right edge.
    from playwright.sync_api import sync_playwright

    write_attention(reports, "2024-11", 13)
    digest = json.loads((reports / "2024-11" / "attention.json").read_text(encoding="utf-8"))
    long_line = "新增数据质量标记“表单上传不全”：12 个单位（" + "、".join(["南京医科大学附属逸夫医院"] * 6) + "，另有 7 个）"
    digest["first"][0]["zh"] = long_line
    (reports / "2024-11" / "attention.json").write_text(json.dumps(digest, ensure_ascii=False), encoding="utf-8")
    write_index(reports, "zh")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((reports / "index.html").as_uri())
            assert long_line in page.locator("td.attention").first.inner_text()
            cut = page.evaluate("() => { const box = document.querySelector('.box'); "
                                "return box.scrollWidth - box.clientWidth; }")
        finally:
            browser.close()
    assert cut <= 0
