"""What both table readers share: a table laid out as rows of cells, the text of one cell, and what a row is.

A table read by position becomes one text line per row, its cells in column order separated by one space,
each cell's text joined across the lines it wraps onto with no space (南京鼓楼医院（含 / 分院） is
南京鼓楼医院（含分院）). White space inside a cell is dropped, so a cell is always one token: names are
compared without spaces anyway, and a number never splits. The parser then reads these lines like any other.

A header row is told from a body row by its labels (the tables' header words, `grammar`), never by where it
sits alone: it holds no number, and every label over a column of names is a known header word (a label over a
column of numbers may be a channel the channels file does not know yet; the parser names it). A body row
*may be whole* when it has a name (or 合计) and at least two numbers; a part of a row broken across a page (the
rest of a name, the rest of a wrapped number) is not, and `pdf_continued` joins it back or refuses the table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from njbulletin.reading.grammar import BOOKING_HEADER_WORDS, PLATFORM_HEADER_WORDS, UPLOAD_HEADER_WORDS
from njbulletin.reading.pdf_page import Glyph

VALUE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|/|\d+/\d+")  # a number, '/' or '11/11'
NUMERIC = re.compile(r"[\d,./]+")  # a number or a piece of one (a number wrapped inside its cell: '159731.' '26')
TOTAL_LABEL = "合计"
TOTAL_SENTENCE = re.compile(r"合计[:：]\d[\d,]*(?:\.\d+)?")
SAME_LINE = 0.5  # glyphs whose centres differ by less than this many glyph heights share a line
HEADER_WORDS = sorted({"".join(word.split()) for word in (*BOOKING_HEADER_WORDS, *PLATFORM_HEADER_WORDS,
                                                          *UPLOAD_HEADER_WORDS)}, key=len, reverse=True)
HEADER_LABELS = re.compile("(?:" + "|".join(re.escape(word) for word in HEADER_WORDS) + ")+")


class TableLayoutError(Exception):
    """A table whose geometry cannot be read safely; `top` locates it on its page."""

    def __init__(self, message: str, top: float) -> None:
        super().__init__(message)
        self.message, self.top = message, top


@dataclass
class TableRow:
    """One row of a table read by position: the y of its top and its cells in column order ('' when empty)."""

    y: float
    cells: list[str]
    header: bool = False

    @property
    def text(self) -> str:
        return " ".join(cell for cell in self.cells if cell)


@dataclass
class TableText:
    """A table read by position: its rows top to bottom, and the x-extent of each of its columns."""

    kind: str  # 'ruled' | 'borderless'
    top: float
    bottom: float
    columns: list[tuple[float, float]] = field(default_factory=list)
    lines: list[TableRow] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # id() of every glyph the table took
    section: str | None = None  # the table heading above it (set when the page is laid out)
    alignment: tuple[str, ...] = ("centre", "top")  # how its cells may be aligned (a borderless table's rows)

    @property
    def rows(self) -> list[tuple[float, str]]:
        """(y of the row's top, text of the row), top to bottom."""
        return [(row.y, row.text) for row in self.lines]

    @property
    def body(self) -> list[TableRow]:
        """The rows of figures: not the header, nor a total written as one line (合计：18946 merged across
        every column, which the text prints as a line under the table)."""
        return [row for row in self.lines if not row.header and not is_total_line(row.cells)]


def visual_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Group glyphs into printed lines (by the centre of their boxes), top to bottom, each left to right."""
    lines: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: -g.cy):
        if lines and abs(lines[-1][0].cy - glyph.cy) < SAME_LINE * max(glyph.height, lines[-1][0].height):
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return [sorted(line, key=lambda g: g.x0) for line in lines]


def cell_text(glyphs: list[Glyph]) -> str:
    """A cell's text: its lines top to bottom, joined with no space, white space removed."""
    return "".join(glyph.char for line in visual_lines(glyphs) for glyph in line if not glyph.char.isspace())


def is_total_line(cells: list[str]) -> bool:
    """A row of one cell that is a total written out ('合计：18946'): a line of the table, not a row of it."""
    filled = [cell for cell in cells if cell]
    return len(filled) == 1 and bool(TOTAL_SENTENCE.fullmatch(filled[0]))


def is_value(text: str) -> bool:
    return bool(VALUE.fullmatch(text))


def is_numeric(text: str) -> bool:
    """A number, '/', or a piece of a number wrapped inside its cell."""
    return bool(NUMERIC.fullmatch(text))


def is_header_label(text: str) -> bool:
    """A cell made only of the tables' header words (门急诊信息人次, 12320在线预约, 收入（千元）)."""
    return bool(HEADER_LABELS.fullmatch(text))


def is_header_cells(cells: list[str], name_columns: set[int]) -> bool:
    """A header row (or header lines joined per column): no number, every label over a column of names a
    header word, and at least one header word."""
    filled = [(column, cell) for column, cell in enumerate(cells) if cell]
    if not filled or any(is_numeric(cell) for _, cell in filled):
        return False
    known = [is_header_label(cell) for _, cell in filled]
    return any(known) and all(ok for (column, _), ok in zip(filled, known) if column in name_columns)


def may_be_whole(cells: list[str], numeric: set[int]) -> bool:
    """A row that may stand on its own: at least two numbers, each a whole value, and a name with a number in
    every column of numbers up to its last cell (the platforms table's last row may leave its second record
    empty), or the 合计 label (which stands over the row number and the name)."""
    filled = [column for column, cell in enumerate(cells) if cell]
    numbers = [cells[column] for column in filled if is_numeric(cells[column])]
    if len(numbers) < 2 or not all(is_value(number) for number in numbers):
        return False
    if cells[filled[0]].startswith(TOTAL_LABEL):
        return True
    named = any(not is_numeric(cells[column]) for column in filled)
    return named and all(is_numeric(cells[column]) for column in numeric if column <= filled[-1])


def numeric_columns(rows: list[list[str]]) -> set[int]:
    """The columns of numbers: where at least half of the rows print a number."""
    width = max((len(cells) for cells in rows), default=0)
    return {column for column in range(width)
            if 2 * sum(1 for cells in rows if column < len(cells) and is_numeric(cells[column])) >= len(rows)}


def name_columns(rows: list[list[str]]) -> set[int]:
    """The columns where rows print names: text that is not a number in at least one row of numbers."""
    columns: set[int] = set()
    for cells in rows:
        if sum(1 for cell in cells if cell and is_numeric(cell)) >= 2:
            columns |= {column for column, cell in enumerate(cells) if cell and not is_numeric(cell)}
    return columns
