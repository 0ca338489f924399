"""A PDF's pages as the text the parser reads: prose from the text layer, tables laid out by position.

On a page with a table (ruled, or aligned in columns), each table is written as one line per row (see
`pdf_cells`) and every other line of the page comes from PDFium's text layer, all in top-to-bottom order.
A page without a table is its text layer, unchanged.

A table the reader cannot lay out is refused, naming its page and table and saying what to do: a table on
a turned page, a table drawn as a picture, a table whose cells do not line up. A wrong figure is never
returned in its place.
"""
from __future__ import annotations

from dataclasses import dataclass

from njbulletin.errors import BulletinError
from njbulletin.reading.grammar import MAX_HEADING_CHARS, PROSE_PUNCTUATION, SECTION_HEADINGS, SECTION_TITLES
from njbulletin.reading.pdf_cells import TableLayoutError
from njbulletin.reading.pdf_columns import borderless_tables
from njbulletin.reading.pdf_grid import ruled_tables
from njbulletin.reading.pdf_page import NUMBER_TOKEN, Glyph, Page
from njbulletin.reading.textio import NORMALISE_TABLE

TABLE_SECTIONS = {key: pattern for key, pattern in SECTION_HEADINGS.items() if key != "hotline"}
HEADER_STARTS = ("序号", "接入单位")
MIN_IMAGE_WIDTH = 0.3  # an image at least this share of the page wide (and MIN_IMAGE_HEIGHT high) can
MIN_IMAGE_HEIGHT = 0.03  # hold a table; smaller ones are logos and rules
MAX_CHARS_ON_PICTURE = 20  # a picture with more characters over it is a scan with a text layer


@dataclass
class Reading:
    """What the pages read so far say: the bulletin's month, the last table heading, and whether that
    table has begun (a heading whose table has not begun, followed by a picture, is a table drawn as one)."""

    month: str = "YYYY-MM"
    table: str | None = None  # the section key of the last table heading
    waiting: bool = False  # the last table heading has not been followed by its table yet


def lay_out_pages(pages: list[Page]) -> list[str]:
    """The text of each page, tables laid out by position; BulletinError for a table that cannot be."""
    reading = Reading()
    return [lay_out_page(page, reading) for page in pages]


def lay_out_page(page: Page, reading: Reading) -> str:
    """One page's text: its tables' rows and its prose lines, top to bottom (or its text layer as it is)."""
    glyphs = page_glyphs(page)
    if page.rotation or page.turned_chars:
        check_turned_page(page, reading)
        return page.text
    if not page.lines:  # a page of prose: its text layer as it is
        follow_headings(page, [(0.0, " ".join(text.split()), False) for text in page.text.splitlines()], reading)
        return page.text
    try:
        tables = ruled_tables(page.rules, glyphs)
        taken = set().union(*(table.used for table in tables))
        tables += borderless_tables([glyph for glyph in glyphs if id(glyph) not in taken])
    except TableLayoutError as exc:
        prose = prose_lines(page, set())
        raise refusal(page, section_above(prose, exc.top, reading), reading, exc.message) from None
    taken = set().union(*(table.used for table in tables))
    prose = prose_lines(page, taken)
    items = sorted([*((y, text, False) for y, text in prose),
                    *((y, text, True) for table in tables for y, text in table.rows)], key=lambda item: -item[0])
    follow_headings(page, items, reading)
    return "\n".join(text for _, text, _ in items) if tables else page.text


def prose_lines(page: Page, taken: set[int]) -> list[tuple[float, str]]:
    """The text layer's lines, less the characters a table took: (y of the line's top, text)."""
    lines = []
    for line in page.lines:
        kept = [(char, glyph) for char, glyph in line if glyph is None or id(glyph) not in taken]
        glyphs = [glyph for _, glyph in kept if glyph is not None]
        if not glyphs:
            continue
        text = " ".join("".join(char for char, _ in kept).split())
        if text:
            lines.append((max(glyph.y1 for glyph in glyphs), text))
    return lines


def heading_of(text: str) -> tuple[str, str] | None:
    """(section key, month) when a line is the heading of a table, as the parser recognises it."""
    compact = text.translate(NORMALISE_TABLE).replace(" ", "")
    if len(compact) > MAX_HEADING_CHARS or PROSE_PUNCTUATION.search(compact):
        return None
    for key, pattern in TABLE_SECTIONS.items():
        match = pattern.search(compact)
        if match:
            return key, f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
    return None


def begins_table(text: str) -> bool:
    """A header line or a row: the table under the last heading has begun."""
    tokens = text.split()
    numbers = sum(1 for token in tokens if NUMBER_TOKEN.fullmatch(token))
    return text.startswith(HEADER_STARTS) or (numbers >= 3 and 2 * numbers >= len(tokens))


def follow_headings(page: Page, items: list[tuple[float, str, bool]], reading: Reading) -> None:
    """Walk a page top to bottom, with its pictures: a picture where a table should begin is refused."""
    glyphs = page_glyphs(page)
    pictures = sorted((image for image in page.images if can_hold_table(page, image, glyphs)), key=lambda box: -box[3])
    for y, text, from_table in items:
        while pictures and pictures[0][3] > y:
            check_picture(page, reading)
            pictures.pop(0)
        heading = None if from_table else heading_of(text)
        if heading:
            reading.table, reading.month = heading
            reading.waiting = True
        elif from_table or begins_table(text):
            reading.waiting = False
    if pictures:
        check_picture(page, reading)


def can_hold_table(page: Page, box: tuple[float, float, float, float], glyphs: list[Glyph]) -> bool:
    """A picture large enough for a table and with no text over it (a scan that was OCRed carries its
    text over the picture: that text is read like any other)."""
    left, bottom, right, top = box
    if right - left < MIN_IMAGE_WIDTH * page.width or top - bottom < MIN_IMAGE_HEIGHT * page.height:
        return False
    covered = sum(1 for glyph in glyphs if left < glyph.cx < right and bottom < glyph.cy < top)
    return covered < MAX_CHARS_ON_PICTURE


def check_picture(page: Page, reading: Reading) -> None:
    if reading.waiting and reading.table:
        raise refusal(page, reading.table, reading, "the table is a picture, not text")


def check_turned_page(page: Page, reading: Reading) -> None:
    """A turned page that holds a table (its heading, header or rows, or the page after a heading whose table
    has not begun) is refused: its rows and columns cannot be told apart. A turned page of prose keeps its
    text layer, as before."""
    section = reading.table if reading.waiting else None
    for text in page.text.replace("\r\n", "\n").split("\n"):
        heading = heading_of(text)
        if heading:
            reading.table, reading.month = heading
            section = heading[0]
        elif begins_table(" ".join(text.split())):
            section = section or reading.table or "table"
    if section:
        how = f"is turned by {page.rotation}°" if page.rotation else "has its text turned"
        raise refusal(page, section, reading, f"the page {how}, so the table's rows and columns cannot be read")


def section_above(prose: list[tuple[float, str]], top: float, reading: Reading) -> str:
    """The table heading nearest above a point of the page, or the last one of the pages before."""
    above = [heading_of(text) for y, text in prose if y > top]
    found = [heading for heading in above if heading]
    if found:
        reading.table, reading.month = found[-1]
    return reading.table or "table"


def refusal(page: Page, section: str, reading: Reading, reason: str) -> BulletinError:
    """One line naming the page and (as the error's section) the table, and what to do instead."""
    return BulletinError(f"page {page.number}: {reason}; OCR the page, or type the bulletin's text by hand "
                         f"into {reading.month}.txt and read that instead", section=SECTION_TITLES.get(section))


def page_glyphs(page: Page) -> list[Glyph]:
    return [glyph for line in page.lines for _, glyph in line if glyph is not None]
