"""The word-processor layouts of issue 28, each exported by LibreOffice Writer (tests/fixtures/make_writer_pdfs.py):
a table continued by hand under a 续表 caption or under its title with （续）, with or without its header again;
三线表 (rules only above and below the header and under the table) in AR PL UMing 10.5 pt, Noto Serif 10.5 pt
and Noto Sans 9 pt; a running page header printed between the two halves of a row broken across a page; the
platforms' total 合计：18946 as one row merged across all six columns. Each reads to exactly the tables of the
text, and each fixture is checked to be what it claims, from the PDF itself.

Every expected value is read by hand from data/raw/2024-11.txt (row 12 of the bookings is 南京雨花口腔医院 … 240,
row 13 南京市胸科医院 … 197; the platforms' total is 18946; row 25 is 南京医科大学第四附属医院(京新))."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from njbulletin import parse_bulletin
from njbulletin.reading.pdf_page import read_page
from njbulletin.validate.checks import validate_bulletin
from test_pdf_fonts import fonts_of
from test_pdf_writer import assert_tables_of_the_text, parse_as_november, printed_lines

from seedtools import SEED_PATH

WRITER = Path(__file__).parent / "fixtures" / "writer"
CONTINUED = ("ruled-sans9-continued-caption", "ruled-sans9-continued-title", "ruled-sans9-continued-title-header")
THREE_LINE = {"threeline-uming10.5": "UMingCN", "threeline-serif10.5": "NotoSerifCJK",
              "threeline-sans9": "NotoSansCJK"}
MERGED_TOTAL = ("ruled-sans8-3row-merged-total", "ruled-sans8-flat-merged-total", "ruled-serif10.5-merged-total")
RUNNING = "ruled-sans8-running-header"
FIXTURES = (*CONTINUED, *THREE_LINE, *MERGED_TOTAL, RUNNING)
TITLE = "2024年11月12320预约挂号服务统计"
BOOKING_HEADER = "序号单位12320在线预约快速预约诊间预约第三方小计"


@pytest.fixture(scope="module")
def seed():
    return parse_bulletin(SEED_PATH)


@pytest.fixture(scope="module")
def as_bulletins(tmp_path_factory):
    return parse_as_november({name: WRITER / f"{name}.pdf" for name in FIXTURES}, tmp_path_factory)


def page_count(name: str) -> int:
    document = pdfium.PdfDocument(str(WRITER / f"{name}.pdf"))
    try:
        return len(document)
    finally:
        document.close()


def pages_lines(name: str) -> list[list[str]]:
    return [printed_lines(WRITER / f"{name}.pdf", page) for page in range(1, page_count(name) + 1)]


@pytest.mark.parametrize("name", FIXTURES)
def test_every_layout_gives_exactly_the_tables_of_the_text(as_bulletins, seed, name):
    bulletin = as_bulletins[name]
    assert_tables_of_the_text(bulletin, seed)
    assert bulletin.tables["bookings"].height == seed.tables["bookings"].height
    report = validate_bulletin(bulletin)
    assert report.errors == [] and len(report.warnings) == 106  # as the text: nothing added, nothing lost


@pytest.mark.parametrize("name", CONTINUED)
def test_the_continuation_starts_a_page_under_its_caption_with_or_without_the_header(name):
    """Row 12 (南京雨花口腔医院 203 3 0 34 240) ends one page; the next opens with the caption, then row 13
    (南京市胸科医院 146 23 0 28 197, its name wrapped round its numbers) directly, or under the header again."""
    pages = pages_lines(name)
    number = next(index for index, lines in enumerate(pages) if lines[0] in ("续表", f"{TITLE}（续）"))
    above, lines = pages[number - 1], pages[number]
    assert lines[0] == ("续表" if name.endswith("caption") else f"{TITLE}（续）")
    assert above[-3:] == ["122033034240", "医院", f"-{number}-"]
    header = name.endswith("header")
    assert any(line.startswith("序号单位") for line in lines[1:4]) == header
    assert lines[4 if header else 1: 6 if header else 3] == ["南京市胸科医", "1314623028197"]


@pytest.mark.parametrize("name", THREE_LINE)
def test_three_line_tables_have_no_vertical_rule_and_the_font_claimed(name):
    path = WRITER / f"{name}.pdf"
    assert all(THREE_LINE[name] in font for font, _ in fonts_of(path.read_bytes()))
    document = pdfium.PdfDocument(str(path))
    try:
        pages = [read_page(document, index) for index in range(len(document))]
    finally:
        document.close()
    assert all(rule.horizontal for page in pages for rule in page.rules)
    assert sum(len(page.rules) for page in pages) >= 3 * 5  # three rules for each of the five tables at least


def test_the_running_header_is_on_every_page_between_the_halves_of_a_broken_row():
    pages = pages_lines(RUNNING)
    assert all(lines[0] == "南京卫生信息2024年第12期" for lines in pages)
    number = next(index for index, lines in enumerate(pages) if any(line.startswith("25南京医科大学第") for line in lines))
    assert pages[number][-2].startswith("25南京医科大学第")  # the row's first part, above the footer
    assert pages[number + 1][:3] == ["南京卫生信息2024年第12期", BOOKING_HEADER, "四附属医院(京"]


@pytest.mark.parametrize("name", MERGED_TOTAL)
def test_the_platforms_total_is_one_row_across_every_column(name):
    path = WRITER / f"{name}.pdf"
    document = pdfium.PdfDocument(str(path))
    try:
        pages = [read_page(document, index) for index in range(len(document))]
    finally:
        document.close()
    page = next(page for page in pages if "合计：18946" in page.text.replace(" ", ""))
    glyphs = [glyph for line in page.lines for _, glyph in line if glyph is not None]
    total = [glyph for glyph in glyphs if glyph.char == "合" and any(
        other.char == "：" and abs(other.cy - glyph.cy) < 1 for other in glyphs)][0]
    verticals = [rule for rule in page.rules if not rule.horizontal and rule.start < total.cy < rule.end]
    borders = sorted(rule.position for rule in verticals)
    assert len(borders) == 2 and borders[0] < total.x0  # only the table's outer borders cross the total's row
