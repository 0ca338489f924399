"""The seed's reports as a reader sees them: every page and the index opened in headless Chromium (Debian's
`chromium`, driven by Playwright) at 1280 px. Screenshots are saved in a temporary folder.

Each page: no console error, no request other than file:// and data:, every <img> decoded, no horizontal
overflow of the page, each table's row count that of its frame, text cells aligned left and numbers right, and no navigation bar
when printed. Row
counts worked out from the seed's text (data/raw/2024-11.txt): 35 hospitals in the bookings table, 12
districts and 39 hospitals in the uploads, 5 platforms, 9 hotline categories, 44 printed totals.
"""
from __future__ import annotations

import re

import pytest

from njbulletin.report.screenshot import find_chromium

CHROMIUM = find_chromium()
pytestmark = pytest.mark.chromium
PAGES = ["01-ingest", "02-validate", "10-booking-channels", "20-upload-completeness", "30-hospital-throughput",
         "40-trends", "50-attention"]
ROWS = {"t10-channels": 4, "t10-concentration": 35, "t10-channel-mix": 35, "t10-platforms": 5, "t10-hotline": 9,
        "t20-ranking-district": 12, "t20-ranking-hospital": 39, "t30-units": 12 + 39, "t02-printed-totals": 44}
# What the seed's pages must show, formatted: shares, the HHI, yuan, complete units.
SHOWN = {"10-booking-channels": ["94.13%", "96.79%", "0.9369", "46.35%", "南京鼓楼医院（含分院）"],
         "30-hospital-throughput": ["1,000.96", "29,054.40", "次均门急诊收入（元）"],
         "20-upload-completeness": ["8 / 51"], "index": ["8 / 51", "276,195", "94.13%"]}
PAGE_STATE = """() => ({
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  images: Array.from(document.images).map(img => img.complete && img.naturalWidth > 0),
  alts: Array.from(document.images).map(img => img.alt),
  focusable: document.querySelectorAll('.jp-OutputArea-output[tabindex="0"]').length,
  outputs: document.querySelectorAll('.jp-OutputArea-output').length,
  tables: Array.from(document.querySelectorAll('.njb-table[data-rows]')).map(box => ({
    id: box.dataset.table, expected: Number(box.dataset.rows),
    shown: box.querySelectorAll('table tbody tr').length})),
  misaligned: Array.from(document.querySelectorAll('.njb-table td.gt_left, .njb-table td.gt_right')).filter(
    cell => getComputedStyle(cell).textAlign !== (cell.classList.contains('gt_left') ? 'left' : 'right')).length,
  text: document.body.innerText,
  bar_pages: Array.from(document.querySelectorAll('nav.njb-bar .njb-pages a')).map(a => a.getAttribute('href')),
  banner: (document.querySelector('nav.njb-bar a.njb-attention') || {}).innerText || null,
  first_heading: (document.querySelector('main h1') || {}).innerText || null,
  index_attention: Array.from(document.querySelectorAll('td.attention')).map(cell => cell.innerText),
  index_links: Array.from(document.querySelectorAll('td.links a')).map(a => a.getAttribute('href')),
})"""


@pytest.fixture(scope="module")
def reports(seed_reports):
    return seed_reports("zh")


@pytest.fixture(scope="module")
def seen(reports, tmp_path_factory):
    """Every page opened once in one browser: what it logged, requested and showed, and its screenshot."""
    from playwright.sync_api import sync_playwright

    shots = tmp_path_factory.mktemp("screenshots")
    files = {name: reports / "2024-11" / f"{name}.html" for name in PAGES} | {"index": reports / "index.html"}
    found = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for name, path in files.items():
                found[name] = visit(browser, path, shots / f"{name}.png")
        finally:
            browser.close()
    return found


def visit(browser, path, screenshot) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, requests = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri(), wait_until="load")
    state = page.evaluate(PAGE_STATE)
    page.screenshot(path=str(screenshot), full_page=True)
    page.emulate_media(media="print")
    state["bar_when_printed"] = page.evaluate(
        "() => { const bar = document.querySelector('nav.njb-bar'); return bar && getComputedStyle(bar).display; }")
    page.close()
    return {**state, "errors": errors, "requests": requests, "screenshot": screenshot}


@pytest.mark.parametrize("name", [*PAGES, "index"])
def test_the_page_loads_cleanly_and_offline(seen, name):
    page = seen[name]
    assert page["errors"] == []
    assert [url for url in page["requests"] if not url.startswith(("file://", "data:"))] == []
    assert all(page["images"]), page["images"]
    assert page["overflow"] <= 0, f"{name} is {page['overflow']} px wider than the window"
    assert page["screenshot"].stat().st_size > 10_000


@pytest.mark.parametrize("name", PAGES)
def test_every_table_shows_every_row_and_print_hides_the_bar(seen, name):
    page = seen[name]
    assert page["tables"], name
    assert page["misaligned"] == 0  # text to the left, numbers to the right, whatever the page's own style
    for table in page["tables"]:
        assert table["shown"] == table["expected"], table
        if table["id"] in ROWS:
            assert table["shown"] == ROWS[table["id"]], table
    assert page["bar_when_printed"] == "none"


def test_the_pages_show_the_seed_figures_formatted(seen):
    for name, texts in SHOWN.items():
        for text in texts:
            assert text in seen[name]["text"], (name, text)
    charts = {name: len(seen[name]["images"]) for name in PAGES}
    assert charts == {"01-ingest": 0, "02-validate": 0, "10-booking-channels": 5, "20-upload-completeness": 5,
                      "30-hospital-throughput": 4, "40-trends": 0, "50-attention": 0}
    checked = {table["id"] for name in PAGES for table in seen[name]["tables"]}
    assert set(ROWS) <= checked


@pytest.mark.parametrize("name", PAGES)
def test_the_briefing_then_the_attention_list_come_first_and_every_bar_says_how_many_items_need_attention(seen, name):
    # The seed: its 45 standing problems need attention (85 upload warnings of 45 units: a unit and its flags are
    # one item), though there is no month before it to compare with and, with one month, no limits yet.
    assert seen[name]["bar_pages"][:2] == ["briefing.html", "50-attention.html"]
    assert seen[name]["bar_pages"][2:] == [f"{page}.html" for page in PAGES[:-1]]
    assert seen[name]["banner"] == "需关注 45 项"


def test_the_attention_page_says_that_no_limits_can_be_drawn_and_the_index_shows_the_count(seen):
    page = seen["50-attention"]
    assert page["first_heading"] == "需关注事项（2024-11）"
    assert "本月共有 45 项需关注（长期存在的问题 45 项" in page["text"]
    assert "目前共有 1 个月的数据，尚不能画出控制限" in page["text"]
    assert "江苏省人民医院出院人数为 0，住院收入却有 560,386.45 千元" in page["text"]
    index = seen["index"]
    assert index["index_attention"][0].startswith("需关注 45 项")
    assert index["index_links"][0] == "2024-11/50-attention.html"


@pytest.mark.parametrize("name", PAGES)
def test_each_chart_is_described_by_its_own_title_in_chinese_and_each_output_can_be_focused(seen, name):
    """A screen reader reads the chart's title (e.g. '2024-11 各渠道预约挂号量'), not nbconvert's English
    'No description has been provided for this image'; every output takes the keyboard focus, as nbconvert's
    pages do."""
    alts = seen[name]["alts"]
    assert all(alt.startswith("2024-11 ") and re.search(r"[\u4e00-\u9fff]", alt) for alt in alts), alts
    assert len(set(alts)) == len(alts)  # each chart its own
    if name == "10-booking-channels":
        assert "2024-11 各渠道预约挂号量" in alts
    assert seen[name]["focusable"] == seen[name]["outputs"] > 0
