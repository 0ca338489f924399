"""Rows broken across a page, joined back into one; rows that cannot be proven whole, refused.

Word processors let a table row break across pages by default. When a page ends inside a row, the row's first
part stays at the foot of the page and the rest of its cells (the rest of a wrapped name, the rest of a number
wrapped in a narrow cell) is printed at the top of the next page, under the repeated header or not. A part
is no row: it lacks the name, or the numbers (`pdf_cells.may_be_whole`).

So where a table reaches the foot of one page and a table starts the next, and the first row of the second is
no whole row, it is joined to the last row of the first, cell by cell (the name's lines in order with no
space, as inside one cell), each cell to the cell of the column above it. The joined row must be whole. Any
other row of a table of figures that is not whole is refused, naming its page and the row: a fragment of a
name never becomes a row of its own, nor is it added to a neighbour on a guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from njbulletin.reading.pdf_cells import TableRow, TableText, may_be_whole, numeric_columns

MIN_WHOLE_SHARE = 0.5  # a table of figures: at least this share of its body rows are whole rows


class BrokenRowError(Exception):
    """A row that cannot be proven whole: on page `page` of table `table`."""

    def __init__(self, message: str, page: int, table: TableText) -> None:
        super().__init__(message)
        self.message, self.page, self.table = message, page, table


@dataclass
class PageTables:
    """The tables of one laid-out page, and whether its first one starts at the top of the page (nothing
    above it but page furniture) and its last one ends at the foot."""

    number: int
    tables: list[TableText] = field(default_factory=list)
    first_at_top: bool = False
    last_at_foot: bool = False


def whole_rows(table: TableText) -> list[bool]:
    """For each body row of a table: may it be whole (its columns of numbers judged on the whole table)?"""
    body = table.body
    numeric = numeric_columns([row.cells for row in body])
    return [may_be_whole(row.cells, numeric) for row in body]


def whole(table: TableText, row: TableRow) -> bool:
    return whole_rows(table)[table.body.index(row)]


def is_table_of_figures(table: TableText) -> bool:
    wholes = whole_rows(table)
    return bool(wholes) and sum(wholes) >= MIN_WHOLE_SHARE * len(wholes)


def continued_table(before: PageTables | None, page: PageTables) -> TableText | None:
    """The table at the foot of the page before, when this page's first table starts at its top."""
    if before is None or not before.tables or not page.tables or not (before.last_at_foot and page.first_at_top):
        return None
    return before.tables[-1] if before.tables[-1].body else None


def join_broken_rows(before: PageTables | None, page: PageTables) -> None:
    """Join a row broken by the page break before `page` back into one, and refuse the rows of its tables of
    figures that are still not whole (the last row of its last table may go on on the next page: see
    check_open_end)."""
    previous = continued_table(before, page)
    if previous is not None and page.tables[0].body:
        join_across(previous, page.tables[0], page.number)
    elif before is not None:
        check_open_end(before)
    for position, table in enumerate(page.tables):
        if not is_table_of_figures(table) and not (position == 0 and previous is not None):
            continue
        open_end = position == len(page.tables) - 1 and page.last_at_foot
        wholes = whole_rows(table)
        for row, is_whole in list(zip(table.body, wholes))[:-1 if open_end else None]:
            if not is_whole:
                where = ("and it continues no row of the page before" if position == 0 and row is table.body[0]
                         and page.first_at_top else "and no row of the table goes on in it")
                raise BrokenRowError(f"the row '{row.text}' is not whole (a part of a row, without its name or its "
                                     f"numbers), {where}", page.number, table)


def check_open_end(page: PageTables) -> None:
    """The last row at the foot of a page, when the next page does not continue its table, must be whole."""
    if page.tables and page.last_at_foot and is_table_of_figures(page.tables[-1]):
        last = page.tables[-1].body[-1]
        if not whole(page.tables[-1], last):
            raise BrokenRowError(f"the row '{last.text}' at the foot of the page is not whole, and the next page "
                                 "does not go on with its table", page.number, page.tables[-1])


def join_across(previous: TableText, table: TableText, page: int) -> None:
    """The first body row of `table`, if it is no whole row, is the rest of the last row of `previous`."""
    first, last = table.body[0], previous.body[-1]
    if whole(table, first):
        if not whole(previous, last):
            raise BrokenRowError(f"the row '{last.text}' at the foot of page {page - 1} is not whole, and the "
                                 f"row '{first.text}' at the top of this page does not complete it", page, table)
        return
    joined = list(last.cells)
    for column, cell in enumerate(first.cells):
        if cell:
            above = column_above(table.columns[column], previous.columns)
            if above is None:
                raise BrokenRowError(f"the row '{first.text}' at the top of the page is not whole, and its cell "
                                     f"'{cell}' lies under no column of the table on page {page - 1}", page, table)
            joined[above] += cell
    if not may_be_whole(joined, numeric_columns([line.cells for line in previous.body])):
        raise BrokenRowError(f"the row '{first.text}' at the top of the page, joined to the row '{last.text}' at the "
                             f"foot of page {page - 1}, is still not a whole row", page, table)
    previous.lines[previous.lines.index(last)] = TableRow(last.y, joined, False)
    table.lines.remove(first)


def column_above(span: tuple[float, float], columns: list[tuple[float, float]]) -> int | None:
    """The one column of the table on the page before that a column's x-extent overlaps most."""
    overlaps = [min(span[1], right) - max(span[0], left) for left, right in columns]
    best = max(range(len(columns)), key=lambda column: overlaps[column], default=None)
    return best if best is not None and overlaps[best] > 0 else None
