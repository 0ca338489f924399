"""The sheets a chart is drawn for: the A4 page it prints on (PAPER) and a phone's screen (PHONE).

What a chart's *drawn size* is, the one definition the print and phone tests use: the size of its figure in
inches, i.e. its PNG's pixel size divided by `DPI`; its text is drawn in points of that size (the smallest,
SMALLEST_TEXT, is 7 pt). A chart printed in a box of its drawn size prints at scale 1 and its text at the size it
was drawn in; in a box r times as large its text prints at r x its size. A browser lays an image out at one CSS
pixel (1/96 inch on paper) per image pixel, so a chart that is not shrunk prints at DPI / 96 = 1.04 of its drawn
size, and on screen at its own size its 7 pt text is 7 x DPI / 72 = 9.7 px.

So a chart is drawn for its sheet, never drawn large and shrunk:
- PAPER: at most 7.0 in wide (700 px, inside portrait A4's text column of 186 mm, 703 CSS px:
  report.printing.PORTRAIT_WIDTH) and at most 5.6 in tall (560 px, 142 mm; report.css caps a printed image at
  150 mm, so none is shrunk). A chart a heading pushes to the next sheet leaves the one before it at least 40%
  full: 148 mm and its heading are less than 60% of the 264 mm a sheet holds. A chart with more rows than fit
  (the hospitals' completeness heatmap) is split into parts of at most MAX_ROWS rows (`parts`).
- PHONE: at most 3.6 in wide (360 px), which a 390 px screen shows whole at its own size (report.css takes the
  cells' padding away on a narrow screen), so that its smallest text stays 9.7 px; the page shows it instead of
  the paper one below 760 px (a <picture> source: report.plotting.publish_figure).
Long category labels are shortened with "…" to what the sheet leaves them (the tables give every name whole),
and titles are wrapped to the sheet's width.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from njbulletin.reading.textio import display_width
from njbulletin.report.jinja import print_stylesheet_number

DPI = 100  # pixels per inch of every chart's PNG
SMALLEST_TEXT = 7  # points: bar labels, the source line; the smallest text of any chart
ROW = 0.17  # inches per bar or heatmap row (9 pt labels, 7 pt values)
OVERHEAD = 1.3  # inches of a row chart that are not rows: title, axis label, ticks, source line
# rows per chart: a part of 16 rows (1.3 + 0.6 + 16 x 0.17 = 4.6 in, 122 mm printed) fits a landscape sheet's 177 mm
# below the last rows of the landscape ranking table before it, so that table's last sheet is not left nearly empty
MAX_ROWS = 16
PRINT_MAX_HEIGHT_MM = print_stylesheet_number("img", "max-height", "mm")  # 150, above PAPER's 5.6 in (142 mm)


@dataclass(frozen=True)
class Sheet:
    """What a chart is drawn for: the widest and tallest figure (inches), the height of a bar or heatmap row
    (inches), how wide a line of a category label may be (half-width characters: a CJK character counts two) and
    in how many lines, and how wide a 12 pt title's line."""

    name: str
    width: float
    height: float
    row: float
    label_units: int
    label_lines: int
    title_units: int

    def figure_width(self, wanted: float) -> float:
        return min(wanted, self.width)

    def figure_height(self, wanted: float) -> float:
        return min(wanted, self.height)


PAPER = Sheet("paper", 7.0, 5.6, ROW, 50, 1, 62)
PHONE = Sheet("phone", 3.6, 9.0, 0.27, 24, 2, 34)  # labels over two lines: a phone scrolls down, not across
SHEETS = (PAPER, PHONE)


def shorten(label: str, limit: int, lines: int = 1) -> str:
    """A label in at most `lines` lines of at most `limit` half-width characters, its last cut with "…" when
    the label is longer."""
    if lines > 1 and display_width(label) > limit:
        first, *rest = wrap(label, limit).split("\n")
        return first + "\n" + shorten(" ".join(rest), limit, lines - 1) if rest else first
    if display_width(label) <= limit:
        return label
    kept, width = "", 0
    for char in label:
        if width + display_width(char) > limit - 1:
            break
        kept, width = kept + char, width + display_width(char)
    return kept.rstrip(" ,(（") + "…"


def wrap(title: str, limit: int) -> str:
    """A title broken into lines at most `limit` half-width characters wide (between words; between any two CJK
    characters); its own line breaks kept."""
    lines = []
    for paragraph in title.split("\n"):
        line, width = "", 0
        for word in re.findall(r"[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+|.", paragraph):
            size = display_width(word.rstrip())
            if line and width + size > limit:
                lines.append(line.rstrip())
                line, width = word.lstrip(), display_width(word.lstrip())
            else:
                line, width = line + word, width + display_width(word)
        lines.append(line.rstrip())
    return "\n".join(lines)


def rows_height(rows: int, sheet: Sheet, extra: float = 0.0) -> float:
    """The height of a chart of `rows` bars or heatmap rows (and `extra` inches: a legend, a second title line)."""
    return sheet.figure_height(OVERHEAD + extra + sheet.row * max(rows, 1))


def parts(rows: int, most: int = MAX_ROWS) -> list[range]:
    """`rows` rows in as few parts of at most `most` rows as will do, of sizes as even as can be: 39 -> 13 + 13 + 13."""
    count = max(1, math.ceil(rows / most))
    size = math.ceil(rows / count) if rows else 0
    return [range(start, min(start + size, rows)) for start in range(0, rows, size)] if rows else [range(0)]
