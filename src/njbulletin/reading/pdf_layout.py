"""A PDF's pages as the text the parser reads: prose from the text layer, tables laid out by position.

On a page with a table (ruled, or aligned in columns), each table is written as one line per row (see
`pdf_cells`) and every other line of the page comes from PDFium's text layer, all in top-to-bottom order.
A page without a table is its text layer, unchanged. A row that a page break cut in two is joined back
(`pdf_continued`).

A table the reader cannot lay out is refused, naming its page and table and saying what to do: a table on
a turned page, a table drawn as a picture, a table whose cells do not line up, a row that cannot be proven
whole. A wrong figure or a wrong name is never returned in its place.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from njbulletin.errors import BulletinError
from njbulletin.reading.grammar import (
    BARE_NUMBER,
    MAX_HEADING_CHARS,
    PAGE_MARKER,
    PROSE_PUNCTUATION,
    SECTION_HEADINGS,
    SECTION_TITLES,
)
from njbulletin.reading.pdf_cells import SAME_LINE, TOTAL_SENTENCE, TableLayoutError, TableText
from njbulletin.reading.pdf_columns import borderless_tables
from njbulletin.reading.pdf_continued import BrokenRowError, PageTables, check_open_end, join_broken_rows
from njbulletin.reading.pdf_grid import ruled_tables
from njbulletin.reading.pdf_page import NUMBER_TOKEN, Glyph, Page
from njbulletin.reading.textio import NORMALISE_TABLE

TABLE_SECTIONS = {key: pattern for key, pattern in SECTION_HEADINGS.items() if key != "hotline"}
HEADER_STARTS = ("序号", "接入单位")
MIN_IMAGE_WIDTH = 0.3  # an image at least this share of the page wide (and MIN_IMAGE_HEIGHT high) can
MIN_IMAGE_HEIGHT = 0.03  # hold a table; smaller ones are logos and rules
MAX_CHARS_ON_PICTURE = 20
CONTINUED_CAPTION = re.compile(r"续表\d*[:：]?")
CONTINUED_TITLE = re.compile(r"[（(]续[）)]$")  # a picture with more characters over it is a scan with a text layer


@dataclass
class Reading:
    """What the pages read so far say: the bulletin's month, the last table heading, and whether that
    table has begun (a heading whose table has not begun, followed by a picture, is a table drawn as one)."""

    month: str = "YYYY-MM"
    running: frozenset[str] = frozenset()  # a running page header or footer: lines printed on several pages
    table: str | None = None  # the section key of the last table heading
    waiting: bool = False  # the last table heading has not been followed by its table yet


@dataclass
class LaidPage:
    """One page read: its prose lines and tables (rendered once the next page has joined any broken row)."""

    page: Page
    prose: list[tuple[float, str]]
    tables: PageTables

    def text(self) -> str:
        if not self.tables.tables:
            return self.page.text
        items = [*self.prose, *((row.y, row.text) for table in self.tables.tables for row in table.lines)]
        return "\n".join(text for _, text in sorted(items, key=lambda item: -item[0]))


def lay_out_pages(pages: list[Page]) -> list[str]:
    """The text of each page, tables laid out by position; BulletinError for a table that cannot be."""
    reading = Reading(month=bulletin_month(pages), running=running_lines(pages))
    check_fonts(pages, reading)
    laid: list[LaidPage] = []
    for page in pages:
        before = laid[-1].tables if laid else None
        laid.append(lay_out_page(page, reading, continues=table_going_on(before)))
        if table_going_on(before) is not None:
            check_stray_lines(laid[-1], reading)
        try:
            join_broken_rows(before, laid[-1].tables)
        except BrokenRowError as exc:
            raise refusal(exc.page, exc.table.section or reading.table or "table", reading, exc.message) from None
    if laid:
        try:
            check_open_end(laid[-1].tables)
        except BrokenRowError as exc:
            raise refusal(exc.page, exc.table.section or "table", reading, exc.message) from None
    return [page.text() for page in laid]


def bulletin_month(pages: list[Page]) -> str:
    """The month of the first table heading in the PDF's text (for the name of the text file to use instead)."""
    for page in pages:
        for text in page.text.splitlines():
            heading = heading_of(text)
            if heading:
                return heading[1]
    return "YYYY-MM"


def running_lines(pages: list[Page]) -> frozenset[str]:
    """The page's running header and footer ('南京卫生信息 2024年第12期'): a line that is the top or the
    bottom line of at least two pages and is no heading, header or row (the page numbers are furniture)."""
    seen: Counter[str] = Counter()
    for page in pages:
        edges = edge_lines(page)
        seen.update({compact for compact in ("".join(text.split()) for text in edges)
                     if compact and not (is_furniture(compact) or heading_of(compact) or begins_table(compact))})
    return frozenset(text for text, count in seen.items() if count >= 2)


def edge_lines(page: Page) -> list[str]:
    """The top and bottom lines of a page (by position when its glyphs were read, else the text layer's)."""
    if page.lines:
        placed = [(max(glyph.y1 for _, glyph in line if glyph), "".join(char for char, _ in line))
                  for line in page.lines if any(glyph for _, glyph in line)]
        placed.sort()
        return [placed[0][1], placed[-1][1]] if placed else []
    texts = [text for text in page.text.splitlines() if text.strip()]
    return [texts[0], texts[-1]] if texts else []


def is_continuation_mark(text: str) -> bool:
    """A 续表 caption above the rest of a table, or its title followed by （续）."""
    compact = "".join(text.split())
    if CONTINUED_CAPTION.fullmatch(compact):
        return True
    return bool(CONTINUED_TITLE.search(compact)) and heading_of(CONTINUED_TITLE.sub("", compact)) is not None


def check_fonts(pages: list[Page], reading: Reading) -> None:
    """Refuse a PDF whose Chinese font is not embedded when this machine has no font to draw it: where its
    characters stand, and even which of them the text layer keeps, is then not known."""
    for page in pages:
        if page.unprinted_font:
            raise refusal(page.number, "table", reading,
                          f"its text is in the font {page.unprinted_font}, which the PDF does not embed and this "
                          "machine has no Chinese font to draw it, so where its characters stand cannot be known (with "
                          "a Chinese font installed, such as fonts-noto-cjk, it can be read)")


def check_stray_lines(laid: LaidPage, reading: Reading) -> None:
    """On a page after one that ended inside a table, a line of figures (no sentence, heading or note) above
    this page's first table that no table took (the rest of a row broken across the page, not recognised as such) is refused: left as a line,
    the row above would lose the end of its name or of a number."""
    if not laid.tables.tables or laid.tables.first_at_top:
        return
    for y, text in laid.prose:
        compact = "".join(text.split())
        if y > laid.tables.tables[0].top and not (is_furniture(compact) or heading_of(compact)
                                                  or TOTAL_SENTENCE.fullmatch(compact) or compact.startswith(("（", "("))
                                                  or PROSE_PUNCTUATION.search(compact)) \
                and any(NUMBER_TOKEN.fullmatch(token) for token in text.split()):
            raise refusal(laid.page.number, reading.table or "table", reading,
                          f"the line '{text}' above the table's rows on this page belongs to no row, though the "
                          "page before ends inside the table: it may be the rest of its last row")


def table_going_on(tables: PageTables | None) -> TableText | None:
    """The table a page ends in (its last table, at the foot of the page), which the next page may continue."""
    return tables.tables[-1] if tables is not None and tables.tables and tables.last_at_foot else None


def lay_out_page(page: Page, reading: Reading, *, continues: TableText | None = None) -> LaidPage:
    """One page's tables and prose lines (or, for a page of prose or a turned page, its text layer as it is)."""
    nothing = PageTables(page.number)
    if page.rotation or page.turned_chars:
        check_turned_page(page, reading)
        return LaidPage(page, [], nothing)
    if not page.lines:  # a page of prose: its text layer as it is
        follow_headings(page, [(0.0, " ".join(text.split()), None) for text in page.text.splitlines()], reading)
        return LaidPage(page, [], nothing)
    glyphs = page_glyphs(page)
    try:
        tables = ruled_tables(page.rules, glyphs)
        taken = set().union(*(table.used for table in tables))
        tables += borderless_tables([glyph for glyph in glyphs if id(glyph) not in taken], continues=continues)
    except TableLayoutError as exc:
        prose = prose_lines(page, set())
        raise refusal(page.number, section_above(prose, exc.top, reading), reading, exc.message) from None
    tables.sort(key=lambda table: -table.top)
    prose = [(y, text) for y, text in prose_lines(page, set().union(*(table.used for table in tables)))
             if not (is_continuation_mark(text) or "".join(text.split()) in reading.running)]
    items = sorted([*((y, text, None) for y, text in prose),
                    *((row.y, row.text, table) for table in tables for row in table.lines)], key=lambda item: -item[0])
    follow_headings(page, items, reading)
    return LaidPage(page, prose, page_tables(page.number, tables, prose))


def page_tables(number: int, tables: list[TableText], prose: list[tuple[float, str]]) -> PageTables:
    """The page's tables, top to bottom, and whether only page furniture lies above the first or below the last."""
    text = [(y, line) for y, line in prose if not is_furniture(line)]
    if not tables:
        return PageTables(number)
    return PageTables(number, tables, first_at_top=all(y <= tables[0].top for y, _ in text),
                      last_at_foot=all(y >= tables[-1].bottom for y, _ in text))


def is_furniture(text: str) -> bool:
    """A page number ('- 2 -', '第 2 页', '2'), printed in the header or footer of a page."""
    compact = "".join(text.split())
    return bool(PAGE_MARKER.fullmatch(compact) or BARE_NUMBER.fullmatch(compact))


def prose_lines(page: Page, taken: set[int]) -> list[tuple[float, str]]:
    """The text layer's lines, less the characters a table took: (y of the line's top, text). A line the text
    layer breaks in two where the text goes on along the same baseline ('- ' / '2 -') is one line."""
    lines: list[tuple[float, str, list[Glyph]]] = []
    for line in page.lines:
        kept = [(char, glyph) for char, glyph in line if glyph is None or id(glyph) not in taken]
        glyphs = [glyph for _, glyph in kept if glyph is not None]
        text = " ".join("".join(char for char, _ in kept).split())
        if not glyphs or not text:
            continue
        if lines and goes_on(lines[-1][2], glyphs):
            lines[-1] = (max(lines[-1][0], *(glyph.y1 for glyph in glyphs)), f"{lines[-1][1]} {text}",
                         [*lines[-1][2], *glyphs])
        else:
            lines.append((max(glyph.y1 for glyph in glyphs), text, glyphs))
    return [(y, text) for y, text, _ in lines]


def goes_on(before: list[Glyph], after: list[Glyph]) -> bool:
    """Does a line go on where the one before it stops: on the same baseline, just to its right?"""
    last, first = before[-1], after[0]
    height = max(last.height, first.height)
    return abs(last.cy - first.cy) < SAME_LINE * height and 0 <= first.x0 - last.x1 < height


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


def follow_headings(page: Page, items: list[tuple[float, str, TableText | None]], reading: Reading) -> None:
    """Walk a page top to bottom, with its pictures: a picture where a table should begin is refused. Each
    table is labelled with the heading above it (for messages about its rows)."""
    glyphs = page_glyphs(page)
    pictures = sorted((image for image in page.images if can_hold_table(page, image, glyphs)), key=lambda box: -box[3])
    for y, text, table in items:
        while pictures and pictures[0][3] > y:
            check_picture(page, reading)
            pictures.pop(0)
        heading = None if table else heading_of(text)
        if heading:
            reading.table, reading.month = heading
            reading.waiting = True
        elif table or begins_table(text):
            reading.waiting = False
        if table is not None and table.section is None:
            table.section = reading.table
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
        raise refusal(page.number, reading.table, reading, "the table is a picture, not text", ocr=True)


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
        raise refusal(page.number, section, reading, f"the page {how}, so the table's rows and columns cannot be read")


def section_above(prose: list[tuple[float, str]], top: float, reading: Reading) -> str:
    """The table heading nearest above a point of the page, or the last one of the pages before."""
    above = [heading_of(text) for y, text in prose if y > top]
    found = [heading for heading in above if heading]
    if found:
        reading.table, reading.month = found[-1]
    return reading.table or "table"


def refusal(page: int, section: str, reading: Reading, reason: str, *, ocr: bool = False) -> BulletinError:
    """One line naming the page and (as the error's section) the table, and what to do instead: OCR only for
    a table that has no text (a picture); otherwise the bulletin's text, in the month's text file."""
    advice = f"read the bulletin's text instead, typed or copied into {reading.month}.txt"
    if ocr:
        advice = f"OCR the page, or {advice}"
    return BulletinError(f"page {page}: {reason}; {advice}", section=SECTION_TITLES.get(section))


def page_glyphs(page: Page) -> list[Glyph]:
    return [glyph for line in page.lines for _, glyph in line if glyph is not None]
