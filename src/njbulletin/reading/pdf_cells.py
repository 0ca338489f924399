"""What both table readers share: a table laid out as text rows, and the text of one cell.

A table read by position becomes one text line per row, its cells in column order separated by one space,
each cell's text joined across the lines it wraps onto with no space (南京鼓楼医院（含 / 分院） is
南京鼓楼医院（含分院）). White space inside a cell is dropped, so a cell is always one token: names are
compared without spaces anyway, and a number never splits. The parser then reads these lines like any other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from njbulletin.reading.pdf_page import Glyph

VALUE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|/|\d+/\d+")  # a number, '/' or '11/11'
SAME_LINE = 0.5  # glyphs whose centres differ by less than this many glyph heights share a line


class TableLayoutError(Exception):
    """A table whose geometry cannot be read safely; `top` locates it on its page."""

    def __init__(self, message: str, top: float) -> None:
        super().__init__(message)
        self.message, self.top = message, top


@dataclass
class TableText:
    """A table read by position: (y of the row's top, text of the row) from top to bottom."""

    kind: str  # 'ruled' | 'borderless'
    top: float
    bottom: float
    rows: list[tuple[float, str]] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # id() of every glyph the table took


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


def is_value(text: str) -> bool:
    return bool(VALUE.fullmatch(text))
