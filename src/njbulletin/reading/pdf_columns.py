"""Borderless tables: rows and columns from the alignment of the text alone.

A printed line splits into cells where a gap wider than half a character separates its text. A line with two
or more cells that are numbers is a row's *anchor* (where the row's numbers are); anchors with nothing but
table lines between them are one table. Its columns are where the cells of those lines lie.

Rows can sit one text line apart (a word processor's borderless table with no cell padding), so a line is not
given to the nearest anchor: `pdf_rowcuts` cuts the lines into rows by how the cells are aligned, and refuses
what it cannot cut one way only. Above the first row, the header is told from the first row's wrapped name by
its labels (`pdf_cells.is_header_cells`): its lines, joined column by column, are the tables' header words
(门急诊信息 over 人次, a label wrapped onto two lines); lines under it that sit in the name column are the first
row's, or the rest of a row begun on the page before. Below the last anchor, only lines in the name column
can still belong to the table.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from njbulletin.reading.grammar import BARE_NUMBER, PAGE_MARKER
from njbulletin.reading.pdf_cells import (
    TableLayoutError,
    TableRow,
    TableText,
    is_header_cells,
    is_numeric,
    is_value,
    visual_lines,
)
from njbulletin.reading.pdf_page import Glyph
from njbulletin.reading.pdf_rowcuts import MODELS, Body, Cut, RowCutError, cut_rows

GAP = 0.5  # a gap wider than this many text heights separates two cells of a line
ROW_GAP = 3.0  # the lines of one table body are at most this many text heights apart
HEADER_GAP = 4.0  # header lines are at most this many text heights apart
WIDE = 12.0  # one piece of text wider than this many text heights is a heading, not a cell
TOLERANCE = 0.3  # text heights: how far a row's middle (or top) may lie from its anchor
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

    @property
    def may_be_in_table(self) -> bool:
        """Not prose, and no heading: several cells, or one that is not wider than a few columns."""
        first = self.pieces[0]
        return not self.is_prose and (len(self.pieces) >= 2 or first.x1 - first.x0 <= WIDE * self.height)

    @property
    def is_furniture(self) -> bool:
        """A page number ('- 2 -', '第 2 页', '2')."""
        text = "".join(piece.text for piece in self.pieces)
        return bool(PAGE_MARKER.fullmatch(text) or BARE_NUMBER.fullmatch(text))


def split_pieces(glyphs: list[Glyph]) -> tuple[Piece, ...]:
    """Cut a printed line where the gap between two characters is wider than GAP text heights, less the width
    of the space characters printed in it: a gap the text's own spaces fill is a space between words (a wide
    space glyph, as AR PL UMing's), not a gap between cells."""
    runs: list[list[Glyph]] = []
    spaces = 0.0
    for glyph in glyphs:
        if glyph.char.isspace():
            spaces += glyph.x1 - glyph.x0
            continue
        if runs and glyph.x0 - runs[-1][-1].x1 - spaces <= GAP * glyph.height:
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
        spaces = 0.0
    return tuple(Piece(tuple(run), run[0].x0, run[-1].x1, "".join(g.char for g in run)) for run in runs)


def page_lines(glyphs: list[Glyph]) -> list[Line]:
    lines = []
    for glyphs_of_line in visual_lines(glyphs):
        heights = [glyph.height for glyph in glyphs_of_line]
        lines.append(Line(tuple(glyphs_of_line), split_pieces(glyphs_of_line),
                          statistics.median(glyph.cy for glyph in glyphs_of_line),
                          max(glyph.y1 for glyph in glyphs_of_line), statistics.median(heights)))
    return [line for line in lines if line.pieces]


def borderless_tables(glyphs: list[Glyph], *, continues: TableText | None = None) -> list[TableText]:
    """Every table of a page found by alignment alone (the glyphs of ruled tables already removed).
    `continues`: the table the page before ended in, so lines at the top of this page's first table may be
    the rest of its last row, and its rows are aligned as that table's."""
    lines = page_lines(glyphs)
    tables: list[TableText] = []
    taken_until = -1
    for run in anchor_runs(lines):
        table, taken_until = read_table(lines, run, taken_until, continues=None if tables else continues)
        tables.append(table)
    return tables


def anchor_runs(lines: list[Line]) -> list[list[int]]:
    """Indices of the anchors of each table and the lines between them, in page order: two anchors are one
    table when every line between them may be in a table and no gap between lines is wider than ROW_GAP."""
    runs: list[list[int]] = []
    for index, line in enumerate(lines):
        if not line.is_anchor:
            continue
        if runs and all(lines[between].may_be_in_table for between in range(runs[-1][-1] + 1, index)) \
                and all(close(lines[k], lines[k + 1], ROW_GAP) for k in range(runs[-1][-1], index)):
            runs[-1] += list(range(runs[-1][-1] + 1, index + 1))
        else:
            runs.append([index])
    return runs


def close(upper: Line, lower: Line, heights: float) -> bool:
    return upper.y - lower.y <= heights * max(upper.height, lower.height)


def read_table(lines: list[Line], run: list[int], taken_until: int, *, continues: TableText | None
               ) -> tuple[TableText, int]:
    """Lay out one borderless table: its header as one row, then its rows; (table, index of its last line)."""
    spans = column_spans(lines, run)
    names = name_columns(lines, run, spans)
    header, upper = split_header(lines, lines_above(lines, run[0], taken_until), spans, names,
                                 continued=continues is not None)
    body = [*upper, *run, *lines_below(lines, run[-1], spans, names)]
    at_top = continues is not None and all(line.is_furniture for line in lines[:(header or body)[0]])
    at_bottom = all(line.is_furniture for line in lines[body[-1] + 1:])
    models = continues.alignment if at_top and continues.kind == "borderless" else MODELS
    cut, models = cut_body(lines, body, spans, allow_prefix=at_top, split_last=at_bottom, models=models)
    table = TableText("borderless", top=max(lines[index].top for index in (*header, *body)),
                      bottom=min(glyph.y0 for index in body for glyph in lines[index].glyphs), columns=spans,
                      alignment=models)
    if header:
        table.lines.append(TableRow(lines[header[0]].top, cells_of(lines, header, spans, by_overlap=True), True))
    groups = ([body[:cut.prefix]] if cut.prefix else []) + [body[first:last + 1] for first, last in cut.rows]
    for group in groups:
        table.lines.append(TableRow(lines[group[0]].top, cells_of(lines, group, spans)))
    table.used.update(id(glyph) for index in (*header, *body) for glyph in lines[index].glyphs)
    return table, body[-1]


def cut_body(lines: list[Line], body: list[int], spans: list[tuple[float, float]], *, allow_prefix: bool,
             split_last: bool, models: tuple[str, ...]) -> tuple[Cut, tuple[str, ...]]:
    """The rows of a table body and how its cells are aligned (pdf_rowcuts); a body that cannot be cut one way
    only is refused."""
    anchors = [position for position, index in enumerate(body) if lines[index].is_anchor]
    for position in anchors:
        check_one_piece_per_column(lines[body[position]], spans)
    tolerance = TOLERANCE * statistics.median(lines[index].height for index in body)
    names = name_columns(lines, body, spans)
    shape = Body(tuple(lines[index].y for index in body), tuple(anchors),
               tuple(frozenset(text_columns(lines[index], spans) & names) for index in body), tolerance,
               cell_spacing(lines, body, spans, tolerance))
    try:
        return cut_rows(shape, allow_prefix=allow_prefix, split_last=split_last, models=models)
    except RowCutError as exc:
        raise TableLayoutError(row_cut_message(lines, body, anchors, spans, exc), lines[body[0]].top) from None


def row_cut_message(lines: list[Line], body: list[int], anchors: list[int], spans: list[tuple[float, float]],
                    exc: RowCutError) -> str:
    """Why the rows cannot be proven whole, naming the row (or the line above the first row) in doubt."""
    def text(positions) -> str:
        return " ".join(cell for cell in cells_of(lines, [body[position] for position in positions], spans) if cell)

    if not exc.ambiguous and exc.row == 0 and anchors[0] > 0:
        return (f"the line '{text(range(anchors[0]))}' above the row '{text([anchors[0]])}' belongs to no row: it "
                "is not the first line of a row, and the page before does not end inside this table")
    why = ("its wrapped lines fit more than one row (the cells' alignment does not tell whose they are)"
           if exc.ambiguous else "its wrapped lines fit no row (its cells are neither centred nor at the top)")
    return f"the row '{text([anchors[exc.row]])}' cannot be proven whole: {why}"



def cell_spacing(lines: list[Line], body: list[int], spans: list[tuple[float, float]], tolerance: float):
    """regular(first, last): are the name lines among body[first..last] one line pitch apart in each name
    column? The pitch is the smallest distance between two lines with text in one name column (a wrapped
    name's lines; rows with padding lie further apart)."""
    names = name_columns(lines, body, spans)
    ys_by_column = {column: [position for position, index in enumerate(body)
                             if column in text_columns(lines[index], spans)] for column in names}
    gaps = [lines[body[a]].y - lines[body[b]].y for positions in ys_by_column.values()
            for a, b in zip(positions, positions[1:])]
    pitch = min((gap for gap in gaps if gap > tolerance), default=None)

    def regular(first: int, last: int) -> bool:
        if pitch is None:
            return True
        for positions in ys_by_column.values():
            inside = [lines[body[position]].y for position in positions if first <= position <= last]
            if any(abs(upper - lower - pitch) > tolerance for upper, lower in zip(inside, inside[1:])):
                return False
        return True

    return regular


def text_columns(line: Line, spans: list[tuple[float, float]]) -> set[int]:
    """The columns where a line prints text that is not a number."""
    return {column_of(piece, spans) for piece in line.pieces if not is_numeric(piece.text)}


def lines_above(lines: list[Line], first: int, taken_until: int) -> list[int]:
    """The lines just above a table's first anchor that may be its header or its first row's, top to bottom."""
    above: list[int] = []
    index = first - 1
    while index > taken_until:
        line, below = lines[index], lines[above[0] if above else first]
        if not line.may_be_in_table or line.is_anchor or not close(line, below, HEADER_GAP):
            break
        above.insert(0, index)
        index -= 1
    return above


def lines_below(lines: list[Line], last: int, spans: list[tuple[float, float]], names: set[int]) -> list[int]:
    """The lines just below a table's last anchor that lie in its name columns (the rest of a wrapped name)."""
    below: list[int] = []
    for index in range(last + 1, len(lines)):
        line = lines[index]
        if line.is_anchor or not line.may_be_in_table or not close(lines[index - 1], line, ROW_GAP) \
                or not in_name_columns(line, spans, names):
            break
        below.append(index)
    return below


def in_name_columns(line: Line, spans: list[tuple[float, float]], names: set[int]) -> bool:
    """Every piece of the line lies in a column of names, clear of the columns beside it."""
    for piece in line.pieces:
        column = column_of(piece, spans)
        left = spans[column - 1][1] if column > 0 else float("-inf")
        right = spans[column + 1][0] if column + 1 < len(spans) else float("inf")
        if column not in names or piece.x0 <= left or piece.x1 >= right:
            return False
    return True


def split_header(lines: list[Line], above: list[int], spans: list[tuple[float, float]], names: set[int], *,
                 continued: bool = False) -> tuple[list[int], list[int]]:
    """(header lines, lines of the first row or of a row continued from the page before). The header is the
    largest block of lines whose labels, joined per column, are header words, with only lines in the name
    columns under it (or, when the page before ended in a table, the rest of its last row: the end of a name
    and of a number wrapped in its cell); lines above it are not the table's."""
    for end in range(len(above), 0, -1):
        if not all(in_name_columns(lines[index], spans, names) or continued for index in above[end:]):
            break
        for start in range(end):
            if is_header_cells(cells_of(lines, above[start:end], spans, by_overlap=True), names):
                return above[start:end], above[end:]
    upper: list[int] = []
    for index in reversed(above):
        if not in_name_columns(lines[index], spans, names):
            break
        upper.insert(0, index)
    return [], upper


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


def name_columns(lines: list[Line], run: list[int], spans: list[tuple[float, float]]) -> set[int]:
    """The columns where the table's rows print text that is not a number (names, 合计)."""
    return {column for index in run for column in text_columns(lines[index], spans)}


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


def check_one_piece_per_column(line: Line, spans: list[tuple[float, float]]) -> None:
    """Two cells of one row in the same column would be read as one value: refuse the table instead."""
    seen: dict[int, Piece] = {}
    for piece in line.pieces:
        column = column_of(piece, spans)
        if column in seen:
            raise TableLayoutError(f"'{seen[column].text}' and '{piece.text}' of one row fall in the same column",
                                   line.top)
        seen[column] = piece


def cells_of(lines: list[Line], members: list[int], spans: list[tuple[float, float]], *,
             by_overlap: bool = False) -> list[str]:
    """Each column's pieces on the given lines, top to bottom, joined with no space ('' for an empty column)."""
    cells = [""] * len(spans)
    for index in members:
        for piece in lines[index].pieces:
            cells[column_of(piece, spans, by_overlap=by_overlap)] += piece.text
    return cells
