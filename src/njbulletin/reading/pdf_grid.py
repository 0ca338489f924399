"""Ruled tables: rows, columns and merged cells from a page's ruling lines.

Rules that touch one another form a table when they make at least two rows and two columns (a box drawn
around a paragraph is not a table). Its distinct horizontal rules are the row boundaries and its
distinct vertical rules the column boundaries; two neighbouring grid cells with no rule between them are one
merged cell (a header spanning two columns, 合计 spanning 序号 and 单位, a label spanning two header rows).
Each character goes to the cell its centre falls in, so a name wrapped onto two or three lines inside its
cell, with the numbers centred vertically beside it, is still one cell of one row.
"""
from __future__ import annotations

from bisect import bisect_right
from itertools import groupby

from njbulletin.reading.pdf_cells import TableRow, TableText, cell_text, is_header_cells, name_columns
from njbulletin.reading.pdf_page import Glyph, Rule

SAME_POSITION = 1.0  # rules closer than this (points) are the same line
TOUCH = 2.0  # a horizontal and a vertical rule closer than this touch


def ruled_tables(rules: tuple[Rule, ...], glyphs: list[Glyph]) -> list[TableText]:
    """Every ruled table of a page, read cell by cell; glyphs outside them are left alone."""
    tables = []
    for component in connected_rules(merge_collinear(rules)):
        horizontal = [rule for rule in component if rule.horizontal]
        vertical = [rule for rule in component if not rule.horizontal]
        if len(boundaries(horizontal)) >= 3 and len(boundaries(vertical)) >= 3:  # a frame is not a table
            tables.append(read_grid(horizontal, vertical, glyphs))
    return tables


def merge_collinear(rules: tuple[Rule, ...]) -> list[Rule]:
    """Rules on the same line whose extents overlap or meet become one (cell borders drawn cell by cell,
    the two long edges of a thin rectangle)."""
    merged: list[Rule] = []
    ordered = sorted(rules, key=lambda rule: (rule.horizontal, rule.position))
    for _, same_axis in groupby(ordered, key=lambda rule: rule.horizontal):
        for line in cluster_positions(list(same_axis)):
            position = sum(rule.position for rule in line) / len(line)
            spans = sorted((rule.start, rule.end) for rule in line)
            start, end = spans[0]
            for next_start, next_end in spans[1:]:
                if next_start > end + TOUCH:
                    merged.append(Rule(line[0].horizontal, position, start, end))
                    start = next_start
                end = max(end, next_end)
            merged.append(Rule(line[0].horizontal, position, start, end))
    return merged


def cluster_positions(rules: list[Rule]) -> list[list[Rule]]:
    """Rules sorted by position, grouped where consecutive positions are within SAME_POSITION."""
    groups: list[list[Rule]] = []
    for rule in rules:
        if groups and rule.position - groups[-1][-1].position <= SAME_POSITION:
            groups[-1].append(rule)
        else:
            groups.append([rule])
    return groups


def touches(horizontal: Rule, vertical: Rule) -> bool:
    return (horizontal.start - TOUCH <= vertical.position <= horizontal.end + TOUCH
            and vertical.start - TOUCH <= horizontal.position <= vertical.end + TOUCH)


def connected_rules(rules: list[Rule]) -> list[list[Rule]]:
    """Group rules into sets that touch one another: one set per table."""
    parent = list(range(len(rules)))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for i, first in enumerate(rules):
        for j in range(i + 1, len(rules)):
            second = rules[j]
            if first.horizontal != second.horizontal:
                horizontal, vertical = (first, second) if first.horizontal else (second, first)
                if touches(horizontal, vertical):
                    parent[root(i)] = root(j)
    groups: dict[int, list[Rule]] = {}
    for index, rule in enumerate(rules):
        groups.setdefault(root(index), []).append(rule)
    return list(groups.values())


def boundaries(rules: list[Rule]) -> list[float]:
    """Distinct positions of a set of parallel rules, ascending."""
    return [sum(rule.position for rule in line) / len(line) for line in cluster_positions(sorted(rules, key=lambda r: r.position))]


def rules_at(rules: list[Rule], positions: list[float]) -> list[list[Rule]]:
    """The rules lying on each boundary position."""
    return [[rule for rule in rules if abs(rule.position - position) <= SAME_POSITION] for position in positions]


def passes(rules: list[Rule], along: float) -> bool:
    """Does one of the rules on a boundary pass `along` (a point in the middle of a cell's side)?"""
    return any(rule.start - TOUCH <= along <= rule.end + TOUCH for rule in rules)


def merged_cells(ys: list[float], xs: list[float], horizontal: list[Rule], vertical: list[Rule]) -> list[int]:
    """For each grid cell (row-major, rows top to bottom), the grid cell that starts its merged cell:
    the top-left one, where the merged cell's text is written out."""
    rows, columns = len(ys) - 1, len(xs) - 1
    on_x, on_y = rules_at(vertical, xs), rules_at(horizontal, ys)
    parent = list(range(rows * columns))

    def root(item: int) -> int:
        while parent[item] != item:
            item = parent[item]
        return item

    for row in range(rows):
        middle_y = (ys[row] + ys[row + 1]) / 2
        for column in range(columns):
            here = row * columns + column
            if column + 1 < columns and not passes(on_x[column + 1], middle_y):
                parent[root(here + 1)] = root(here)
            if row + 1 < rows and not passes(on_y[row + 1], (xs[column] + xs[column + 1]) / 2):
                parent[root(here + columns)] = root(here)
    first: dict[int, int] = {}
    for cell in range(rows * columns):
        first.setdefault(root(cell), cell)  # row-major: the first cell seen is the top-left one
    return [first[root(cell)] for cell in range(rows * columns)]


def read_grid(horizontal: list[Rule], vertical: list[Rule], glyphs: list[Glyph]) -> TableText:
    """Read one ruled table: one row per grid row, each merged cell in the row (and column) where it starts;
    the leading rows that are labels only are its header."""
    ys = boundaries(horizontal)[::-1]  # top to bottom
    xs = boundaries(vertical)
    columns = len(xs) - 1
    owner = merged_cells(ys, xs, horizontal, vertical)
    table = TableText("ruled", top=ys[0], bottom=ys[-1], columns=list(zip(xs, xs[1:])))
    contents: dict[int, list[Glyph]] = {}
    descending = [-y for y in ys]
    for glyph in glyphs:
        if not (xs[0] < glyph.cx < xs[-1] and ys[-1] < glyph.cy < ys[0]):
            continue
        row = bisect_right(descending, -glyph.cy) - 1
        column = bisect_right(xs, glyph.cx) - 1
        contents.setdefault(owner[row * columns + column], []).append(glyph)
        table.used.add(id(glyph))
    for row in range(len(ys) - 1):
        cells = [cell_text(contents.get(cell, [])) if owner[cell] == cell else ""
                 for cell in range(row * columns, (row + 1) * columns)]
        if any(cells):
            table.lines.append(TableRow(ys[row], cells))
    mark_header_rows(table.lines)
    return table


def mark_header_rows(rows: list[TableRow]) -> None:
    """The rows before the first body row that are labels only (see pdf_cells.is_header_cells) are header rows."""
    names = name_columns([row.cells for row in rows])
    for row in rows:
        if not is_header_cells(row.cells, names):
            return
        row.header = True
