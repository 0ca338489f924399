"""Which printed lines of a borderless table make each of its rows.

Each row of a borderless table prints its numbers (and its row number) on one line, the row's *anchor*; a name
that wraps takes two or three lines. A word processor places each cell's lines either centred in the row (the
name's lines lie evenly above and below the anchor) or at the top of the row (the anchor is the name's first
line). Rows can sit one text line apart, so nearness cannot tell whose line a wrapped line is: the last line of
one row's name is as close to the next row's numbers as to its own.

So every way of cutting the lines into consecutive rows is tried, each row holding exactly one anchor and the
rows of the page all centred or all at the top, and the lines of each cell one line pitch apart (`regular`: a
name's lines follow each other closely; the next row's lie further off when rows have padding). A table is
read only when every such cut gives the same rows; when none does, or two give different rows, it is refused
(`RowCutError`), never guessed.

Two allowances come from page breaks, where a word processor splits a row (`pdf_continued` joins it back):
- `allow_prefix`: lines before the first row's own lines are the rest of a row begun on the page before;
- `split_last`: the last row on a page may have been cut by the page's end, and then its lines start at its anchor
  (a word processor lays the first part of a broken row out from its top).

Each name column is aligned on its own (the platforms table prints two names a row): centred, each name's lines
are centred on the anchor; at the top, each name's first line is the anchor (`Body.names`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

MODELS = ("centre", "top")
ENOUGH = 2  # two different cuts are enough to refuse


def always(first: int, last: int) -> bool:
    return True


@dataclass(frozen=True)
class Body:
    """A table body's lines as the cut sees them: their centres top to bottom, the positions of the anchors,
    the name columns each line prints text in, how far a centre may be off, and `regular(first, last)`: may
    lines first..last be one row's, by their spacing?"""

    ys: tuple[float, ...]
    anchors: tuple[int, ...]
    names: tuple[frozenset[int], ...]
    tolerance: float
    regular: Callable[[int, int], bool] = field(default=always, compare=False)

    def head(self, end: int, rows: int) -> Body:
        """The first `rows` rows and the lines before `end`."""
        return Body(self.ys[:end], self.anchors[:rows], self.names[:end], self.tolerance, self.regular)


class RowCutError(Exception):
    """The lines cannot be cut into rows in exactly one way; `row` is the index of the first doubtful row."""

    def __init__(self, row: int, ambiguous: bool) -> None:
        super().__init__(row)
        self.row, self.ambiguous = row, ambiguous


@dataclass(frozen=True)
class Cut:
    """Lines [0, prefix) continue a row of the page before; each row is its (first, last) line, inclusive."""

    prefix: int
    rows: tuple[tuple[int, int], ...]


def cut_rows(body: Body, *, allow_prefix: bool = False, split_last: bool = False,
             models: tuple[str, ...] = MODELS) -> tuple[Cut, tuple[str, ...]]:
    """The one way to cut a body's lines into rows around its anchors, and the alignment models that give it
    (the rows of one table broken across pages keep the models their first page left: `models`);
    RowCutError when there is no way or more than one."""
    cuts: dict[Cut, list[str]] = {}
    for model in models:
        for cut in cuts_under(model, body, allow_prefix, split_last):
            cuts.setdefault(cut, []).append(model)
    if len(cuts) == 1:
        [(cut, fitting)] = cuts.items()
        return cut, tuple(fitting)
    if not cuts:
        raise RowCutError(first_unplaced_row(body, allow_prefix, split_last), False)
    first, second = list(cuts)[:2]
    raise RowCutError(first_difference(first, second), True)


def cuts_under(model: str, body: Body, allow_prefix: bool, split_last: bool) -> list[Cut]:
    """Up to ENOUGH cuts of the lines into rows that all follow one alignment model."""
    ways = rows_from(model, body, split_last)
    starts = [start for start in range(body.anchors[0] + 1) if start == 0 or body.regular(0, start - 1)] \
        if allow_prefix else [0]
    cuts = [Cut(start, rows) for start in starts for rows in ways(0, start)]
    return cuts[:ENOUGH]


def rows_from(model: str, body: Body, split_last: bool):
    """ways(j, start): up to ENOUGH ways to cut lines [start, end of page) into rows j, j+1, …"""
    anchors, count = body.anchors, len(body.ys)

    @cache
    def ways(row: int, start: int) -> tuple[tuple[tuple[int, int], ...], ...]:
        if row == len(anchors):
            return ((),) if start == count else ()
        anchor = anchors[row]
        if start > anchor:
            return ()
        last = row == len(anchors) - 1
        found: list[tuple[tuple[int, int], ...]] = []
        for end in range(anchor, anchors[row + 1] if not last else count):
            aligned = fits(model, body, start, end, anchor) \
                or (last and split_last and fits("top", body, start, end, anchor))
            if aligned and body.regular(start, end):
                found += [((start, end), *rest) for rest in ways(row + 1, end + 1)]
            if len(found) >= ENOUGH:
                break
        return tuple(found[:ENOUGH])

    return ways


def fits(model: str, body: Body, start: int, end: int, anchor: int) -> bool:
    """Do lines start..end make a row whose cells are aligned as the model says, around its anchor? Centred:
    each name's lines (from its first line to its last) are centred on the anchor. At the top: the row starts
    at its anchor, which prints the first line of each name."""
    columns = frozenset().union(*body.names[start:end + 1])
    if not columns:
        return False
    if model == "top":
        return start == anchor and columns <= body.names[anchor]
    for column in columns:
        lines = [position for position in range(start, end + 1) if column in body.names[position]]
        if abs((body.ys[lines[0]] + body.ys[lines[-1]]) / 2 - body.ys[anchor]) > body.tolerance:
            return False
    return True


def first_difference(first: Cut, second: Cut) -> int:
    if first.prefix != second.prefix:
        return 0
    return next(index for index, (a, b) in enumerate(zip(first.rows, second.rows)) if a != b)


def first_unplaced_row(body: Body, allow_prefix: bool, split_last: bool) -> int:
    """The first row that no cut of the rows above it leaves room for (for the refusal's message)."""
    for placed in range(len(body.anchors) - 1, 0, -1):
        for end in range(body.anchors[placed - 1] + 1, body.anchors[placed] + 1):
            if any(cuts_under(model, body.head(end, placed), allow_prefix, split_last) for model in MODELS):
                return placed
    return 0
