"""Borderless tables: rows and columns from the alignment of the text alone.

A printed line splits into cells where a gap wider than half a character separates its text. A line
with two or more cells that are numbers is a row of a table (its *anchor*: where the row's numbers are).
The columns are where the cells of its rows lie. A line close above or below an anchor, nearer to
it than a line of text is high, holds the other lines of cells that wrap (a long name written on two or three
lines, the numbers centred beside them). The header is the lines just above the first row whose cells sit
over the columns; the heading above it (one piece of text across many columns) ends it.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from njbulletin.reading.pdf_cells import TableLayoutError, TableText, is_value, visual_lines
from njbulletin.reading.pdf_page import Glyph

GAP = 0.5  # a gap wider than this many text heights separates two cells of a line
NEAR = 1.6  # a wrapped line of a cell lies within this many text heights of its row's numbers
HEADER_GAP = 4.0  # header lines are at most this many text heights apart
PROSE = re.compile(r"[，。；;！？!?]")


@dataclass(frozen=True)
class Piece:
    """A run of text on one line with no wide gap inside: one cell's text on that line."""

    glyphs: tuple[Glyph, ...]
    x0: float
    x1: float
    text: str  # without white space


@dataclass(frozen=True)
class Line:
    glyphs: tuple[Glyph, ...]
    pieces: tuple[Piece, ...]
    y: float  # centre
    top: float
    height: float

    @property
    def is_prose(self) -> bool:
        return any(PROSE.search(piece.text) for piece in self.pieces)

    @property
    def is_anchor(self) -> bool:
        numbers = sum(1 for piece in self.pieces if is_value(piece.text))
        return numbers >= 2 and not self.is_prose


def split_pieces(glyphs: list[Glyph]) -> tuple[Piece, ...]:
    """Cut a printed line where the gap between two characters is wider than GAP text heights."""
    visible = [glyph for glyph in glyphs if not glyph.char.isspace()]
    runs: list[list[Glyph]] = []
    for glyph in visible:
        if runs and glyph.x0 - runs[-1][-1].x1 <= GAP * glyph.height:
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    return tuple(Piece(tuple(run), run[0].x0, run[-1].x1, "".join(g.char for g in run)) for run in runs)


def page_lines(glyphs: list[Glyph]) -> list[Line]:
    lines = []
    for glyphs_of_line in visual_lines(glyphs):
        heights = [glyph.height for glyph in glyphs_of_line]
        lines.append(Line(tuple(glyphs_of_line), split_pieces(glyphs_of_line), glyphs_of_line[0].cy,
                          max(glyph.y1 for glyph in glyphs_of_line), statistics.median(heights)))
    return [line for line in lines if line.pieces]


def borderless_tables(glyphs: list[Glyph]) -> list[TableText]:
    """Every table of a page found by alignment alone (the glyphs of ruled tables already removed)."""
    lines = page_lines(glyphs)
    tables, taken_until = [], -1
    for run in row_runs(lines):
        header = header_lines(lines, run[0], taken_until)
        tables.append(read_run(lines, header, run))
        taken_until = run[-1]
    return tables


def row_runs(lines: list[Line]) -> list[list[int]]:
    """Indices of the lines of each table body: anchors, and the wrapped lines near them, in page order."""
    anchors = {index for index, line in enumerate(lines) if line.is_anchor}
    if not anchors:
        return []

    def near(index: int) -> bool:
        line = lines[index]
        return not line.is_prose and any(abs(lines[a].y - line.y) <= NEAR * lines[a].height for a in anchors)

    runs: list[list[int]] = []
    current: list[int] = []
    for index in range(len(lines)):
        if index in anchors or near(index):
            current.append(index)
        elif current:
            runs.append(current)
            current = []
    runs.append(current)
    return [run for run in runs if any(index in anchors for index in run)]


def header_lines(lines: list[Line], first: int, taken_until: int) -> list[int]:
    """The lines just above a table body that sit over its columns, top to bottom."""
    header: list[int] = []
    index = first - 1
    while index > taken_until:
        line, below = lines[index], lines[header[0] if header else first]
        too_far = line.y - below.y > HEADER_GAP * line.height
        if too_far or line.is_prose or line.is_anchor or not looks_like_header(line):
            break
        header.insert(0, index)
        index -= 1
    return header


def looks_like_header(line: Line) -> bool:
    """Several cells, or one short cell: a heading is one long piece of text."""
    return len(line.pieces) >= 2 or line.pieces[0].x1 - line.pieces[0].x0 <= 12 * line.height


def column_spans(lines: list[Line], run: list[int]) -> list[tuple[float, float]]:
    """The x-extent of each column: where the cells of the table's rows (wrapped lines included) overlap.
    The rows with the most cells must have each of them in a column of its own."""
    spans: list[list[float]] = []
    for piece in sorted((piece for index in run for piece in lines[index].pieces), key=lambda p: p.x0):
        if spans and piece.x0 <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], piece.x1)
        else:
            spans.append([piece.x0, piece.x1])
    fullest = max(len(lines[index].pieces) for index in run if lines[index].is_anchor)
    if len(spans) < fullest:
        top = max(lines[index].top for index in run)
        raise TableLayoutError(f"the cells of its rows do not line up in columns ({fullest} cells in a row, "
                               f"but only {len(spans)} columns apart)", top)
    return [(left, right) for left, right in spans]


def column_of(piece: Piece, spans: list[tuple[float, float]], *, by_overlap: bool = False) -> int:
    """The column a piece belongs to: where its centre falls (between the middles of the gaps), or, for a
    header label that may be wider than its column or span several, the first column it overlaps."""
    if by_overlap:
        overlapped = [column for column, (left, right) in enumerate(spans) if piece.x0 < right and left < piece.x1]
        if overlapped:
            return overlapped[0]
    centre = (piece.x0 + piece.x1) / 2
    for column in range(len(spans) - 1):
        if centre < (spans[column][1] + spans[column + 1][0]) / 2:
            return column
    return len(spans) - 1


def read_run(lines: list[Line], header: list[int], run: list[int]) -> TableText:
    """Lay out one borderless table: one text line for the header, one per row."""
    anchors = [index for index in run if lines[index].is_anchor]
    spans = column_spans(lines, run)
    members: dict[int, list[int]] = {anchor: [] for anchor in anchors}
    for index in run:
        nearest = min(anchors, key=lambda anchor: (abs(lines[anchor].y - lines[index].y), anchor))
        members[nearest].append(index)
    table = TableText("borderless", top=max(lines[index].top for index in (*header, *run)),
                      bottom=min(glyph.y0 for index in run for glyph in lines[index].glyphs))
    if header:
        table.rows.append((lines[header[0]].top, cells_text(lines, header, spans, by_overlap=True)))
    for anchor in anchors:
        check_one_piece_per_column(lines[anchor], spans)
        table.rows.append((lines[members[anchor][0]].top, cells_text(lines, members[anchor], spans)))
    table.used.update(id(glyph) for index in (*header, *run) for glyph in lines[index].glyphs)
    return table


def check_one_piece_per_column(line: Line, spans: list[tuple[float, float]]) -> None:
    """Two cells of one row in the same column would be read as one value: refuse the table instead."""
    seen: dict[int, Piece] = {}
    for piece in line.pieces:
        column = column_of(piece, spans)
        if column in seen:
            raise TableLayoutError(f"'{seen[column].text}' and '{piece.text}' of one row fall in the same column",
                                   line.top)
        seen[column] = piece


def cells_text(lines: list[Line], members: list[int], spans: list[tuple[float, float]], *,
               by_overlap: bool = False) -> str:
    """One text line: each column's pieces, top to bottom, joined with no space; columns joined by one."""
    cells = [""] * len(spans)
    for index in members:
        for piece in lines[index].pieces:
            cells[column_of(piece, spans, by_overlap=by_overlap)] += piece.text
    return " ".join(cell for cell in cells if cell)
