"""The reports on paper and on a phone, as an administrator uses them: every page of the seed month (in Chinese
and in English) and of a 13-month archive (12 synthetic months, 2023-11 to 2024-10, then the seed) is printed
to A4 by Chromium's `page.pdf()`, and the PDF's own text is read back with pypdfium2.

On paper: every column of every table is on the sheet (the values of each table's last column are all in
the PDF's text, folded details included); a table's title and column labels repeat on each page it goes on
to; no page ends with a section heading; a table row never breaks; each page carries the report's title and
month and 第 N 页 / 共 M 页 (Page N of M); no page but the last is nearly empty; a wide table (or one of 8 columns or more) is on a landscape
page; one attention item never spans two sheets; trend tables keep the newest months; and each page prints on at
most its number of sheets (PAGES). The index of 13 months (written from the archive's month files relabelled,
no notebook run) repeats its title and column labels and carries 第 N 页 / 共 M 页 on every sheet.
On a phone (390 px): the name column of a wide table stays in view when it scrolls, chart text is at least
9 px, and each month of the index shows its links. At 1280 px a long name is shortened with "…" and carries the
whole name as its tooltip; a trend table keeps its newest month and the same month a year before in view, and a
table wider than its box shows that it scrolls.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from njbulletin.report.screenshot import find_chromium

from conftest import make_workspace

CHROMIUM = find_chromium()
pytestmark = pytest.mark.chromium
PAGES = ["50-attention", "01-ingest", "02-validate", "10-booking-channels", "20-upload-completeness", "30-hospital-throughput",
         "40-trends"]
# The most sheets each page may print on: what it printed on when this was written, plus one (docs/print/README.md).
# Before, the seed printed on 2, 12, 16, 10, 13 and 5 sheets in Chinese, 2, 16, 17, 10, 12 and 5 in English.
# The archive's trends page has 13 sheets since it shows an XmR chart for each of its 11 city indicators (about
# half a sheet each) once 12 months are processed; the seed alone has no XmR charts. Since issue 26 the seed's
# attention page lists its 45 standing problems (3 sheets in Chinese, 5 in English; it was 1 with nothing listed).
# Since issue 27 a table of 8 columns or more prints landscape: 10-booking-channels prints on 11 sheets (was 9),
# the archive's attention page on 5 (its folded items are printed now),
# 20-upload-completeness on 8 (was 6 in Chinese, 7 in English).
SHEETS = {"zh": {"50-attention": 4, "01-ingest": 2, "02-validate": 8, "10-booking-channels": 12, "20-upload-completeness": 9,
                 "30-hospital-throughput": 10, "40-trends": 4},
          # en 20: its longer labels, and the hospitals' heatmap in three parts, one sheet each after the first
          "en": {"50-attention": 6, "01-ingest": 2, "02-validate": 8, "10-booking-channels": 12, "20-upload-completeness": 10,
                 "30-hospital-throughput": 10, "40-trends": 4},
          "archive": {"50-attention": 5, "01-ingest": 2, "02-validate": 8, "10-booking-channels": 12,
                      "20-upload-completeness": 9, "30-hospital-throughput": 10, "40-trends": 14}}
MM = 72 / 25.4  # PDF points per millimetre
SMALLEST_FILL = 0.4  # every page but the last is filled at least this far down its content area
# What a page shows of its tables, read in print media: each table's title, its column labels, its last
# column's values (the text of the cells, folded details included), and the section headings.
PRINTED_DOM = """() => ({
  tables: Array.from(document.querySelectorAll('.njb-table[data-rows]')).filter(box => box.querySelector('table'))
    .map(box => ({id: box.dataset.table, landscape: box.classList.contains('njb-landscape'),
      title: (box.querySelector('.gt_title') || {textContent: ''}).textContent,
      labels: Array.from(box.querySelectorAll('th.gt_col_heading')).map(th => th.textContent),
      last: Array.from(box.querySelectorAll('tbody tr')).map(tr => tr.lastElementChild.textContent),
      rowBreak: getComputedStyle(box.querySelector('tbody tr')).breakInside})),
  headings: Array.from(document.querySelectorAll('h2, h3')).map(h => h.textContent),
  items: Array.from(document.querySelectorAll('ol.njb-attention > li, .njb-item')).map(item =>
    item.matches('li') ? [item.textContent] : Array.from(item.querySelectorAll('h3, p, svg text')).map(e => e.textContent)),
  title: document.querySelector('h1').textContent,
})"""


def squeeze(text: str) -> str:
    """Text without any white space: a value found in a PDF whatever its line breaks."""
    return re.sub(r"\s+", "", text)


def run_reports(workspace, lang: str) -> None:
    """Ingest every month of the workspace (tables and history store), then run the reports of 2024-11 alone:
    its history notebooks read the earlier months from the store, as they would after a full run."""
    folders = ["--processed", str(workspace.processed)]
    for command in (["ingest", str(workspace.raw), *folders],
                    ["run", "2024-11", "--raw", str(workspace.raw), *folders, "--reports", str(workspace.reports),
                     "--jobs", "2", "--lang", lang]):
        result = subprocess.run([sys.executable, "-m", "njbulletin", *command], capture_output=True, text=True,
                                timeout=900)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def reports(seed_reports, tmp_path_factory):
    """The seed month in Chinese and in English, and the 13-month archive in Chinese: their reports folders."""
    from njbulletin.synth import write_bulletins

    workspace = make_workspace(tmp_path_factory.mktemp("archive"))
    synthetic = tmp_path_factory.mktemp("synthetic")
    for path in write_bulletins(synthetic, 12, "2023-11", seed=0):
        shutil.copy(path, workspace.raw / path.name)
    run_reports(workspace, "zh")
    return {"zh": seed_reports("zh"), "en": seed_reports("en"), "archive": workspace.reports}


def read_pdf(path) -> list[dict]:
    """Each page of a PDF: its size (points), its text, and how far down its content area its content reaches."""
    import pypdfium2 as pdfium

    pages = []
    document = pdfium.PdfDocument(str(path))
    for page in document:
        width, height = page.get_size()
        top, bottom = height - 17 * MM, 16 * MM  # report.printing.PAGE_MARGIN_MM
        objects = [(item.type, item.get_bounds()) for item in page.get_objects()]
        lows = [low for _, (_, low, _, high) in objects  # what is in the content area, but its background
                if low >= bottom - 1 and high <= top + 1 and high - low < 0.95 * (top - bottom)]
        textpage = page.get_textpage()
        last = textpage.get_charbox(textpage.count_chars() - 1) if textpage.count_chars() else None
        pages.append({"width": width, "height": height, "text": textpage.get_text_range(),
                      "fill": (top - min(lows)) / (top - bottom) if lows else 0.0,
                      "last_text_bottom": last[1] if last else None,  # the last character's box: its bottom
                      "image_tops": [high for kind, (_, _, _, high) in objects if kind == pdfium.raw.FPDF_PAGEOBJ_IMAGE],
                      "charts": printed_charts(page)})
    document.close()
    return pages


def printed_charts(page) -> list[dict]:
    """Each image of a PDF page: its pixel size and the scale it prints at against its drawn size (report.sheets:
    pixels / DPI inches, i.e. pixels x 72 / DPI points), the smaller of width and height."""
    import pypdfium2 as pdfium

    from njbulletin.report.sheets import DPI

    found = []
    for item in page.get_objects(max_depth=3):
        if item.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = item.get_bounds()
            width, height = item.get_px_size()
            found.append({"px": (width, height), "scale": min((right - left) / (width * 72 / DPI),
                                                              (top - bottom) / (height * 72 / DPI))})
    return found


@pytest.fixture(scope="module")
def printed(reports, tmp_path_factory):
    """Every page of the three archives' 2024-11, printed to A4 PDF: (archive, page) -> its PDF's pages and
    what its tables and headings show in print media."""
    from playwright.sync_api import sync_playwright

    pdfs = tmp_path_factory.mktemp("pdf")
    found = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for archive, folder in reports.items():
                for name in PAGES:
                    page = browser.new_page()
                    page.goto((folder / "2024-11" / f"{name}.html").as_uri(), wait_until="load")
                    page.emulate_media(media="print")
                    dom = page.evaluate(PRINTED_DOM)
                    target = pdfs / f"{archive}-{name}.pdf"
                    page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
                    page.close()
                    found[(archive, name)] = {"pages": read_pdf(target), **dom}
        finally:
            browser.close()
    return found


CASES = [(archive, name) for archive in SHEETS for name in PAGES]


@pytest.mark.parametrize(("archive", "name"), CASES)
def test_every_column_of_every_table_is_on_paper(printed, archive, name):
    seen = printed[(archive, name)]
    text = squeeze("".join(page["text"] for page in seen["pages"]))
    assert seen["tables"], name
    for table in seen["tables"]:
        missing = [value for value in table["last"] if squeeze(value) not in text]
        assert not missing, (table["id"], missing[:5])
        assert squeeze(table["labels"][-1]) in text, (table["id"], table["labels"][-1])


@pytest.mark.parametrize(("archive", "name"), CASES)
def test_each_sheet_carries_title_month_and_page_numbers_and_the_count_stays_bounded(printed, archive, name):
    pages = printed[(archive, name)]["pages"]
    assert 1 <= len(pages) <= SHEETS[archive][name], len(pages)
    title = squeeze(printed[(archive, name)]["title"])  # the page's heading: its title and month
    assert "2024-11" in title
    for number, page in enumerate(pages, start=1):
        mark = (f"Page {number} of {len(pages)}" if archive == "en" else f"第 {number} 页 / 共 {len(pages)} 页")
        assert mark in page["text"], (number, page["text"][:200])
        assert title in squeeze(page["text"]), number
        assert sorted((round(page["width"]), round(page["height"]))) == [595, 842]  # A4, either way round


@pytest.mark.parametrize(("archive", "name"), CASES)
def test_no_sheet_but_the_last_is_nearly_empty_and_none_ends_with_a_heading(printed, archive, name):
    seen = printed[(archive, name)]
    fills = [round(page["fill"], 2) for page in seen["pages"]]
    assert all(fill >= SMALLEST_FILL for fill in fills[:-1]), fills
    headings = [squeeze(heading) for heading in seen["headings"]]
    for number, page in enumerate(seen["pages"][:-1], start=1):
        ending = squeeze(page["text"])
        if any(ending.endswith(heading) for heading in headings):  # its text ends with a heading: a chart follows
            below = [top for top in page["image_tops"] if top <= page["last_text_bottom"] + 1]
            assert below, (number, ending[-60:])


@pytest.mark.parametrize(("archive", "name"), CASES)
def test_a_table_repeats_its_title_and_labels_on_each_sheet_and_no_row_breaks(printed, archive, name):
    """A row whose last value is printed once in the whole PDF tells on which sheet the row is: that sheet
    shows the table's title and its last column's label (the table's head repeats: thead)."""
    seen = printed[(archive, name)]
    texts = [squeeze(page["text"]) for page in seen["pages"]]
    whole = "".join(texts)
    checked = 0
    for table in seen["tables"]:
        assert table["rowBreak"] == "avoid", table["id"]
        for value in {squeeze(value) for value in table["last"]}:
            if len(value) < 4 or whole.count(value) != 1:
                continue
            sheet = next(text for text in texts if value in text)
            assert squeeze(table["title"]) in sheet and squeeze(table["labels"][-1]) in sheet, (table["id"], value)
            checked += 1
    assert checked or name in ("01-ingest", "50-attention")  # key figures only: values too short to place


def test_wide_tables_print_on_landscape_pages(printed):
    for archive in SHEETS:
        seen = printed[(archive, "30-hospital-throughput")]
        units = next(table for table in seen["tables"] if table["id"] == "t30-units")
        assert units["landscape"]  # 10 columns: too wide for a portrait sheet
        assert any(page["width"] > page["height"] for page in seen["pages"])
        assert all(page["width"] < page["height"] for page in printed[(archive, "01-ingest")]["pages"])


def test_the_archives_trend_tables_keep_the_newest_months_first(printed):
    seen = printed[("archive", "40-trends")]
    summary = next(table for table in seen["tables"] if table["id"] == "t40-summary")
    months = [label for label in summary["labels"] if re.fullmatch(r"\d{4}-\d{2}", label)]
    assert months == [f"2024-{m:02d}" for m in range(11, 0, -1)] + ["2023-12", "2023-11"]
    text = squeeze("".join(page["text"] for page in seen["pages"]))
    assert all(month in text for month in months)
    assert "285.01亿" in text  # 累计校验入库数据, printed as the bulletin prints it


PHONE_STATE = """() => ({
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  charts: Array.from(document.images).map(img => img.getBoundingClientRect().width / img.naturalWidth),
  pinned: Array.from(document.querySelectorAll('.njb-table')).map(box => ({box: box,
      scroller: [box, box.firstElementChild].find(e => e && e.scrollWidth > e.clientWidth)}))
    .filter(found => found.scroller).map(({box, scroller}) => {
      const cell = box.querySelector('tbody td.njb-pin');
      if (!cell) return {id: box.dataset.table, pinned: false};
      const left = () => cell.getBoundingClientRect().left - scroller.getBoundingClientRect().left;
      const before = left();
      scroller.scrollLeft = scroller.scrollWidth;
      return {id: box.dataset.table, pinned: true, before: before, after: left(), scrolled: scroller.scrollLeft,
              width: cell.getBoundingClientRect().width}; }),
})"""


def test_on_a_phone_the_name_column_stays_in_view_and_chart_text_stays_9_px(reports):
    """The smallest chart text is 7 pt at 100 dpi (9.7 px at the chart's own size; report.plotting.SMALLEST_TEXT):
    shown at a scale of at least 9 / 9.7 it stays at 9 px or more."""
    from playwright.sync_api import sync_playwright

    from njbulletin.report.plotting import DPI, SMALLEST_TEXT

    smallest = SMALLEST_TEXT * DPI / 72
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for name in PAGES:
                page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
                page.goto((reports["en"] / "2024-11" / f"{name}.html").as_uri(), wait_until="load")
                state = page.evaluate(PHONE_STATE)
                page.close()
                assert state["overflow"] <= 0, (name, state["overflow"])
                assert all(scale * smallest >= 9 for scale in state["charts"]), (name, state["charts"])
                for table in state["pinned"]:  # scrolled all the way: the name column is still in view
                    assert table["pinned"] and table["after"] >= -1, (name, table)
                if name in ("10-booking-channels", "30-hospital-throughput"):
                    # their wide tables scroll further than would leave the name column in view, were it not pinned
                    assert any(table["scrolled"] > table["before"] + table["width"] for table in state["pinned"]), name
        finally:
            browser.close()


def test_a_long_name_is_shortened_with_an_ellipsis_and_its_whole_name_is_the_tooltip(reports):
    from playwright.sync_api import sync_playwright

    whole = "Women's Hospital of Nanjing Medical University (Nanjing Maternity and Child Health Care Hospital)"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((reports["en"] / "2024-11" / "10-booking-channels.html").as_uri(), wait_until="load")
            name = page.evaluate("""whole => {
              const span = Array.from(document.querySelectorAll('.njb-name')).find(s => s.title === whole);
              return span && {shortened: span.scrollWidth > span.clientWidth, text: span.textContent,
                              overflow: getComputedStyle(span).textOverflow};
            }""", whole)
            page.close()
        finally:
            browser.close()
    assert name == {"shortened": True, "text": whole, "overflow": "ellipsis"}


# The charts each page prints, worked out from the seed: 10 draws channels, mix, platforms, hotline, penetration;
# 20 the districts' heatmap (12 rows), the hospitals' in three parts (39 rows: 13 + 13 + 13, at most 16 a chart:
# report.sheets.MAX_ROWS) and the upload days; 30 three rankings and the scatter; the archive's 40 four trends, the
# completeness trend and an XmR chart for each of its 11 city indicators. The attention page draws SVG.
CHARTS = {"10-booking-channels": 5, "20-upload-completeness": 5, "30-hospital-throughput": 4}


@pytest.mark.parametrize(("archive", "name"), CASES)
def test_every_chart_prints_at_three_quarters_of_its_drawn_size_and_its_text_at_7_pt(printed, archive, name):
    """Before, the hospitals' heatmap (650 x 1320 px) printed at 0.37 (its 7 pt labels at 2.6 pt), the rankings at
    0.55, two charts of 10 at 0.65 and 0.69: drawn 8-9 in wide and 9-13 in tall, then shrunk to the sheet."""
    from njbulletin.report.sheets import SMALLEST_TEXT

    charts = [chart for page in printed[(archive, name)]["pages"] for chart in page["charts"]]
    expected = CHARTS.get(name, 16 if (archive, name) == ("archive", "40-trends") else 0)
    assert len(charts) == expected, [chart["px"] for chart in charts]
    for chart in charts:
        assert chart["scale"] >= 0.75, chart
        assert SMALLEST_TEXT * chart["scale"] >= 7, chart  # the smallest text, in points on paper


PHONE_CHARTS = """() => {
  const width = document.documentElement.clientWidth;
  const shown = element => element.getBoundingClientRect().width > 0;
  const images = Array.from(document.images).filter(shown).map(img => {
    const box = img.getBoundingClientRect(), frame = img.closest('.jp-OutputArea-output').getBoundingClientRect();
    return {alt: img.alt, left: box.left, right: box.right, frame: frame.right, scale: box.width / img.naturalWidth}; });
  const svgs = Array.from(document.querySelectorAll('figure svg')).filter(shown).map(svg => {
    const box = svg.getBoundingClientRect(), scale = box.width / svg.viewBox.baseVal.width;
    const sizes = Array.from(svg.querySelectorAll('text')).map(t => parseFloat(t.getAttribute('font-size')) * scale);
    return {left: box.left, right: box.right, smallest: Math.min(...sizes)}; });
  return {width, images, svgs};
}"""


def test_on_a_phone_every_chart_fits_the_screen_with_text_of_9_px_and_trends_show_the_latest_month(reports):
    """At 390 px each chart shows its phone version (report.sheets.PHONE, 360 px at 100 dpi: its 7 pt text
    9.7 px) whole: no bar cut (before, 各渠道预约挂号量 showed 0-20% and the 94% bar was cut), the trend charts' last
    month (2024-11, the right end of the time axis) in view, the attention page's SVG charts' 10 px labels at 10 px."""
    from playwright.sync_api import sync_playwright

    from njbulletin.report.sheets import DPI, SMALLEST_TEXT

    seen = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for archive in ("en", "archive"):
                for name in PAGES:
                    page = browser.new_page(viewport={"width": 390, "height": 844})
                    page.goto((reports[archive] / "2024-11" / f"{name}.html").as_uri(), wait_until="load")
                    seen[(archive, name)] = page.evaluate(PHONE_CHARTS)
                    page.close()
        finally:
            browser.close()
    for (archive, name), state in seen.items():
        for chart in state["images"] + state["svgs"]:
            assert chart["left"] >= 0 and chart["right"] <= state["width"], (archive, name, chart)
        for image in state["images"]:
            assert image["right"] <= image["frame"] + 0.5, (archive, name, image)  # its box does not cut it
            assert image["scale"] * SMALLEST_TEXT * DPI / 72 >= 9, (archive, name, image)
        assert all(svg["smallest"] >= 9 for svg in state["svgs"]), (archive, name, state["svgs"])
    trends = [image for image in seen[("archive", "40-trends")]["images"] if "2024-11" in image["alt"]]
    assert len(trends) == 16 and all(image["right"] <= 390 for image in trends)
    assert len(seen[("en", "10-booking-channels")]["images"]) == 5
    assert seen[("archive", "50-attention")]["svgs"], "the archive's attention page draws its signals' charts"


@pytest.mark.parametrize(("archive", "name"), CASES)
def test_no_attention_item_spans_two_sheets(printed, archive, name):
    """A line of the attention list, and a signal's heading, sentence and chart, are each on one sheet."""
    seen = printed[(archive, name)]
    texts = [squeeze(page["text"]) for page in seen["pages"]]
    for item in seen["items"]:
        pieces = [squeeze(piece) for piece in item if squeeze(piece)]
        assert any(all(piece in text for piece in pieces) for text in texts), pieces[:2]
    if name == "50-attention":  # the seed's 45 standing problems, the archive's 49 items and its signal
        assert len(seen["items"]) >= (45 if archive != "archive" else 50), len(seen["items"])


@pytest.mark.parametrize(("archive", "name"), CASES)
def test_a_table_of_8_columns_or_more_prints_on_landscape_sheets(printed, archive, name):
    """Every sheet holding a row of such a table (a last-column value printed once in the PDF) is landscape."""
    seen = printed[(archive, name)]
    texts = [squeeze(page["text"]) for page in seen["pages"]]
    whole = "".join(texts)
    for table in (table for table in seen["tables"] if len(table["labels"]) >= 8):
        assert table["landscape"], table["id"]
        placed = [index for value in {squeeze(value) for value in table["last"]}
                  if len(value) >= 4 and whole.count(value) == 1
                  for index, text in enumerate(texts) if value in text]
        assert all(seen["pages"][index]["width"] > seen["pages"][index]["height"] for index in placed), table["id"]


def write_archive_index(source, target, lang: str, months: int = 13):
    """REPORTS with `months` months (2024-11 and the months before), each a copy of `source`'s 2024-11 files
    (manifest, summary, attention list) relabelled, its bookings 1.3% fewer a month back; then its index."""
    import json

    from njbulletin.months import shift_month
    from njbulletin.report.index import write_index

    for back in range(months):
        month = shift_month("2024-11", -back)
        folder = target / month
        folder.mkdir(parents=True)
        for name in ("manifest.json", "summary.json", "attention.json"):
            data = json.loads((source / "2024-11" / name).read_text(encoding="utf-8"))
            data["month"] = month
            if name == "summary.json":
                data["bookings_total"] = round(data["bookings_total"] * (1 - 0.013 * back))
            (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for notebook in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["notebooks"]:
            (folder / notebook["html"]).write_text("<html><body><main></main></body></html>", encoding="utf-8")
    return write_index(target, lang)


@pytest.fixture(scope="module")
def index_pages(reports, tmp_path_factory):
    """The index of 13 months in Chinese (the archive's files) and in English (the English seed's): its file,
    and its PDF's pages with the column labels it shows."""
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for lang, source in (("zh", reports["archive"]), ("en", reports["en"])):
                index = write_archive_index(source, tmp_path_factory.mktemp(f"index-{lang}"), lang)
                page = browser.new_page()
                page.goto(index.as_uri(), wait_until="load")
                labels = page.evaluate("() => Array.from(document.querySelectorAll('thead th')).map(th => th.textContent)")
                target = index.with_suffix(".pdf")
                page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
                page.close()
                found[lang] = {"index": index, "labels": labels, "pages": read_pdf(target)}
        finally:
            browser.close()
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sheet_of_the_index_carries_its_title_column_labels_and_page_numbers(index_pages, lang):
    from njbulletin.report.strings import text

    seen = index_pages[lang]
    pages = seen["pages"]
    # 13 months: 7 sheets before (2 months a sheet); 4 in Chinese now, 7 in English (its attention lines are longer)
    assert 2 <= len(pages) <= (5 if lang == "zh" else 7), len(pages)
    assert len(seen["labels"]) == 10 and text("index.reports", lang) in seen["labels"]
    title = squeeze(text("index.title", lang))
    for number, page in enumerate(pages, start=1):
        printed = squeeze(page["text"])
        mark = f"Page {number} of {len(pages)}" if lang == "en" else f"第 {number} 页 / 共 {len(pages)} 页"
        assert mark in page["text"] and title in printed, (number, page["text"][:200])
        assert all(squeeze(label) in printed for label in seen["labels"]), (number, printed[:300])
        assert page["width"] > page["height"]  # ten columns: landscape
    fills = [round(page["fill"], 2) for page in pages]
    assert all(fill >= SMALLEST_FILL for fill in fills[:-1]), fills
    # a month never breaks: a sheet that starts a month's attention list (需关注 49 项) also ends it (另有 46 项)
    import json

    from njbulletin.report.navigation import count_sentence

    digest = json.loads((seen["index"].parent / "2024-11" / "attention.json").read_text(encoding="utf-8"))
    first = squeeze(count_sentence(digest["count"], lang))
    last = squeeze(text("att.more", lang, more=digest["count"] - len(digest["first"])))
    counts = [(squeeze(page["text"]).count(first), squeeze(page["text"]).count(last)) for page in pages]
    assert all(starts == ends for starts, ends in counts) and sum(starts for starts, _ in counts) == 13, counts


def test_at_390_px_each_month_of_the_index_shows_its_links_and_at_1280_px_trend_tables_keep_their_months(
        index_pages, reports):
    """The index on a phone: each month a card, its month and its page links within the screen. The archive's
    trend tables at 1280 px: the newest month and the same month a year before are in view, and a table wider
    than its box shows that it scrolls (a pinned year-ago column, or a shaded right edge)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(index_pages["zh"]["index"].as_uri(), wait_until="load")
            phone = page.evaluate(INDEX_ON_A_PHONE)
            page.close()
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((reports["archive"] / "2024-11" / "40-trends.html").as_uri(), wait_until="load")
            wide = page.evaluate(TRENDS_AT_1280)
            page.close()
        finally:
            browser.close()
    assert phone["overflow"] <= 0 and len(phone["months"]) == 13
    assert all(box["left"] >= 0 and box["right"] <= 390 and box["links"] >= 7 for box in phone["months"]), phone
    summary = next(table for table in wide if table["id"] == "t40-summary")
    assert summary["scrolls"] > 0 and summary["months"] == ["2024-11", "2023-11"]  # wider than its box, yet both shown
    for table in wide:
        assert table["title"] in ("left", "start"), table
        if table["scrolls"] > 0:
            assert table["pinnedEnd"] or table["edge"] == "1", table
        for month, (left, right) in zip(("2024-11", "2023-11"), table["bounds"]):
            assert table["box"][0] - 1 <= left and right <= table["box"][1] + 1, (table["id"], month)


INDEX_ON_A_PHONE = """() => ({
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  months: Array.from(document.querySelectorAll('tbody.month')).map(card => {
    const links = card.querySelector('td.links').getBoundingClientRect();
    const month = card.querySelector('td.month').getBoundingClientRect();
    return {left: Math.min(links.left, month.left), right: Math.max(links.right, month.right),
            links: card.querySelectorAll('td.links a').length}; }),
})"""
TRENDS_AT_1280 = """() => Array.from(document.querySelectorAll('.njb-table')).filter(box => box.querySelector('table'))
  .map(box => {
    const heads = Array.from(box.querySelectorAll('th.gt_col_heading'));
    const promised = heads.filter(th => th.textContent === '2024-11' || th.textContent === '2023-11');
    const rect = box.getBoundingClientRect(), scroller = box.firstElementChild;
    return {id: box.dataset.table, scrolls: scroller.scrollWidth - scroller.clientWidth,
      months: promised.map(th => th.textContent), pinnedEnd: !!box.querySelector('.njb-pin-end'),
      edge: getComputedStyle(box, '::after').opacity, box: [rect.left, rect.right],
      title: getComputedStyle(box.querySelector('.gt_title') || box).textAlign,
      bounds: promised.map(th => [th.getBoundingClientRect().left, th.getBoundingClientRect().right])}; })"""
