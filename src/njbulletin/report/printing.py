"""The reports on paper: each page prints on A4 with its title, month and page numbers, and every column of
every table on the sheet.

- `page_style(notebook, month, lang)`: the page's own @page rules (report.css holds the rest of the print
  style). Each printed page carries the report's title and month at the top left, the bulletin's name at the
  top right, and 第 N 页 / 共 M 页 (Page N of M) at the bottom, as CSS page-margin boxes: Chromium prints them
  from its own print dialog and from `page.pdf()` alike, with no header or footer template.
- `print_layout(table_html)`: how a table prints, from the widths its cells need at the print size
  (report.css prints tables at PRINT_FONT_PT): on the portrait page when it fits; on a landscape page (a
  named page, `page: landscape`) when it does not, or when it has 8 columns or more (LANDSCAPE_COLUMNS); and,
  wider still, on a landscape page scaled to its width, so that no column is ever cut off the sheet.
- `index_page_style(lang)`: the same header and page numbers for REPORTS/index.html, on landscape sheets.

The widths are estimated from the text of the rendered cells (never measured in a browser, so the page is
the same on every run): a CJK character is one em wide, any other character at most 0.6 em; text columns
wrap (names, labels) up to TEXT_COLUMN_EM, numbers never wrap.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from njbulletin.reading.textio import is_wide
from njbulletin.report.jinja import print_stylesheet_number
from njbulletin.report.strings import text

MM = 96 / 25.4  # CSS pixels per millimetre
PAGE_MARGIN_MM = (17, 12, 16, 12)  # top, right, bottom, left: room for the header and footer lines
PORTRAIT_WIDTH = (210 - PAGE_MARGIN_MM[1] - PAGE_MARGIN_MM[3]) * MM  # 703 px of content on portrait A4
LANDSCAPE_WIDTH = (297 - PAGE_MARGIN_MM[1] - PAGE_MARGIN_MM[3]) * MM  # 1032 px on landscape A4
PRINT_FONT_PT = print_stylesheet_number(".njb-table table", "font-size", "pt")  # tables on paper: 8.5
EM = PRINT_FONT_PT * 96 / 72  # 11.3 px
CELL_PADDING = 2 * 4 + 1  # left and right padding of a printed cell, and its border
TEXT_COLUMN_EM = 8  # a text column (a name, a measure) wraps beyond this width
HEADER_MIN_EM = 4  # report.css: a column label is never narrower
SAFETY = 1.06  # the estimate's margin for glyphs wider than modelled
SMALLEST_SCALE = 0.5  # a table is never printed smaller than this
PORTRAIT_SCALE = 0.85  # a table this little too wide for a portrait page is scaled to it, not turned
LANDSCAPE_COLUMNS = 8  # a table of this many columns or more prints on a landscape page, whatever its width
FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'

CELL = re.compile(r'<td headers="(?P<column>[^"]+)" class="(?P<classes>[^"]*)"[^>]*>(?P<text>.*?)</td>', re.DOTALL)
HEADER = re.compile(r'<th class="gt_col_heading[^"]*"[^>]*\bid="(?P<column>[^"]+)"[^>]*>(?P<text>.*?)</th>',
                    re.DOTALL)
# Where a column label may break (report.css: word-break keep-all): at spaces, before an opening bracket and
# after a closing one; never inside a run of CJK characters or a word.
LABEL_BREAK = re.compile(r"[\s\u00a0]+|(?=[（(])|(?<=[）)])")
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class PrintLayout:
    """How a table prints: `landscape` (on a landscape page) and `scale` (1, or smaller for a table wider
    than a landscape page); `width` is the estimated width in CSS pixels at scale 1."""

    width: float
    landscape: bool
    scale: float

    @property
    def css_class(self) -> str:
        return "njb-landscape" if self.landscape else ""

    @property
    def style(self) -> str:
        return f"--njb-print-scale: {self.scale - 0.005:.2f}" if self.scale < 1 else ""  # rounded down


def plain(fragment: str) -> str:
    """The text of an HTML fragment."""
    return html.unescape(TAG.sub("", fragment)).strip()


def text_width(value: str) -> float:
    """The width of a line of text at the print size, in CSS pixels: CJK (wide) characters one em, others
    0.6 em at most."""
    return sum(EM if is_wide(char) else 0.6 * EM for char in value)


def longest_word(value: str) -> float:
    """The widest piece of a text that cannot break: a word of Latin letters or digits, or one CJK character."""
    words = re.findall(r"[^\s\u3000-\u9fff\uff00-\uffef]+", value)
    return max([text_width(word) for word in words] + [EM if value else 0.0])


def column_widths(table_html: str) -> dict[str, float]:
    """Each column's printed width in CSS pixels, estimated from its header and cells (see the module)."""
    widths: dict[str, float] = {}
    for match in HEADER.finditer(table_html):
        label = plain(match.group("text")).replace("\u00a0", "\0")  # a unit's non-breaking spaces hold
        pieces = [piece.replace("\0", " ") for piece in LABEL_BREAK.split(label) if piece]
        widths[match.group("column")] = max([HEADER_MIN_EM * EM, *map(text_width, pieces)])
    for match in CELL.finditer(table_html):
        shown = plain(match.group("text"))
        if "gt_right" in match.group("classes"):  # a number: never wraps
            needed = text_width(shown)
        else:  # text wraps, within TEXT_COLUMN_EM
            needed = max(min(text_width(shown), TEXT_COLUMN_EM * EM), longest_word(shown))
        column = match.group("column")
        widths[column] = max(widths.get(column, 0.0), needed)
    return {column: width + CELL_PADDING for column, width in widths.items()}


def print_layout(table_html: str) -> PrintLayout:
    """Portrait; portrait scaled down a little (to PORTRAIT_SCALE); or landscape, scaled down when even that is
    too narrow: from the table's estimated printed width. A table of LANDSCAPE_COLUMNS columns or more is
    always landscape: on a portrait sheet its names would wrap over three lines."""
    widths = column_widths(table_html)
    width = sum(widths.values()) * SAFETY
    if len(widths) < LANDSCAPE_COLUMNS:
        if width <= PORTRAIT_WIDTH:
            return PrintLayout(width, False, 1.0)
        if PORTRAIT_WIDTH / width >= PORTRAIT_SCALE:
            return PrintLayout(width, False, PORTRAIT_WIDTH / width)
    return PrintLayout(width, True, max(SMALLEST_SCALE, min(1.0, LANDSCAPE_WIDTH / width)))


def css_string(value: str) -> str:
    """A CSS string literal (quotes and backslashes escaped, no line break)."""
    cleaned = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{cleaned}"'


def page_numbers(lang: str) -> str:
    """'第 N 页 / 共 M 页' (Page N of M) as CSS content, with the page counters in place of N and M."""
    template = text("print.page_of", lang, page="\0page\0", pages="\0pages\0")
    parts = []
    for index, piece in enumerate(template.split("\0")):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def page_style(notebook: str, month: str, lang: str) -> str:
    """The page's @page rules: A4 portrait, and A4 landscape for the wide tables (`page: landscape`), each
    with the title and month at the top left, the bulletin at the top right and the page numbers below."""
    try:
        title = text("page.heading", lang, title=text(f"page.{notebook}", lang), month=month)
    except KeyError:  # a notebook the string table does not know keeps its name
        title = f"{notebook} {month}"
    margin = sheet_margin()
    return (f"@page {{ size: A4; {margin}\n  {margin_boxes(title, text('site', lang), lang)}\n}}\n"
            f"@page landscape {{ size: A4 landscape; {margin} }}\n")


def index_page_style(lang: str) -> str:
    """The index's @page rules: landscape A4 (its table has ten columns), each sheet with the index's title at
    the top left and the page numbers below (the title names the bulletin: nothing at the top right)."""
    return (f"@page {{ size: A4 landscape; {sheet_margin()}\n  {margin_boxes(text('index.title', lang), '', lang)}"
            "\n}\n")


def sheet_margin() -> str:
    top, right, bottom, left = PAGE_MARGIN_MM
    return f"margin: {top}mm {right}mm {bottom}mm {left}mm;"


def margin_boxes(title: str, corner: str, lang: str) -> str:
    """The header and footer of a sheet, as CSS page-margin boxes: `title` at the top left, `corner` (when
    there is one) at the top right, 第 N 页 / 共 M 页 (Page N of M) at the bottom."""
    font = f"font-family: {FONT_FAMILY}; font-size: 8pt; color: #444;"
    boxes = [f"@top-left {{ content: {css_string(title)}; {font} }}"]
    if corner:
        boxes.append(f"@top-right {{ content: {css_string(corner)}; {font} }}")
    boxes.append(f"@bottom-center {{ content: {page_numbers(lang)}; {font} }}")
    return "\n  ".join(boxes)
