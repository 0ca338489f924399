"""PDF fixtures built with reportlab from a bulletin's text, in the layouts the center might publish.

- `build_plain_pdf`: every text line drawn as it is, top to bottom, a fixed number of lines a page.
- `build_typeset_pdf`: prose as lines, but each table drawn as a table: every cell at its own column
  x-position (numbers right-aligned, names left-aligned), the header repeated at the top of each page a
  table continues on, and a page number in the footer. The text's own page furniture ('- 2 -', headers
  repeated where the original broke its pages) is dropped: this layout paginates afresh.
- `build_image_only_pdf`: a scanned page, an image with no text layer.

All use reportlab's built-in CID font STSong-Light, which needs no font file (it is not embedded; PDF
readers map its Adobe-GB1 character codes to Unicode themselves).
"""
from __future__ import annotations

import functools
import io
import os
import re
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PAGE_WIDTH, PAGE_HEIGHT = A4
NO_CJK_FONT = ("this machine has no CJK font, so PDFium cannot draw the fixtures' non-embedded STSong-Light and "
               "the reader refuses them, as it should (tests/test_pdf_fonts.py checks that refusal); "
               "install fonts-noto-cjk to run these tests")


@functools.cache
def machine_draws_stsong() -> bool:
    """Can PDFium draw STSong-Light here (is any CJK font installed)? Asked of the reader itself."""
    import pypdfium2 as pdfium

    from njbulletin.reading.pdf_page import read_page

    document = pdfium.PdfDocument(build_plain_pdf("南京市卫生信息中心" * 8, lines_per_page=4))
    try:
        return read_page(document, 0).unprinted_font is None
    finally:
        document.close()


def require_cjk_font() -> None:
    """Skip (fail with CI=true) a test of the reportlab PDFs on a machine that cannot draw them."""
    import pytest

    if not machine_draws_stsong():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(NO_CJK_FONT)
        pytest.skip(NO_CJK_FONT)
MARGIN = 48.0
PAGE_MARKER = re.compile(r"^\s*[-—–]\s*\d+\s*[-—–]\s*$")

# Which table a heading opens (matched on the line with spaces removed), and how many columns it has.
TABLE_HEADINGS = {"预约挂号服务统计": "bookings", "线上预约情况统计": "platforms", "数据采集情况": "uploads"}
TABLE_COLUMNS = {"bookings": 7, "platforms": 6, "uploads": 8}
HEADER_STARTS = ("序号", "接入单位", "门急诊信息", "人次")
VALUE = r"(?:\d[\d,]*(?:\.\d+)?|/)"
ROW_PATTERNS = {
    "bookings": re.compile(r"(\d+) (.+?)" + rf" ({VALUE})" * 5),
    "platforms": re.compile(r"(\d+) (.+?) (\d+)(?: (\d+) (.+?) (\d+))?"),
    "uploads": re.compile(rf"(.+?) ({VALUE}) ({VALUE}) (\d+/\d+|/)" + rf" ({VALUE})" * 4),
}
TOTAL_ROW = re.compile(r"合\s?计[:：]?" + rf" ({VALUE})" * 5)


def pdf_bytes(draw) -> bytes:
    """Run a drawing function on a fresh A4 canvas and return the PDF."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)  # invariant: the same input gives the same bytes
    draw(pdf)
    pdf.save()
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------- plain lines


def build_plain_pdf(text: str, *, font_size: float = 9.5, lines_per_page: int = 56) -> bytes:
    """Each line of the text drawn at the left margin; blank lines kept as vertical space."""
    lines = text.replace("\r\n", "\n").split("\n")
    leading = (PAGE_HEIGHT - 2 * MARGIN) / lines_per_page

    def draw(pdf: canvas.Canvas) -> None:
        for start in range(0, len(lines), lines_per_page):
            pdf.setFont(FONT, font_size)
            y = PAGE_HEIGHT - MARGIN
            for line in lines[start:start + lines_per_page]:
                if line.strip():
                    pdf.drawString(MARGIN, y, line.strip())
                y -= leading
            pdf.showPage()

    return pdf_bytes(draw)


# ----------------------------------------------------------------------------------------- typeset tables


@dataclass
class Block:
    """A piece of the bulletin: a prose line, or a table (header lines and rows of cells)."""

    kind: str  # 'line' | 'table'
    text: str = ""
    table: str = ""
    header: list[list[str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def split_header(line: str) -> list[str]:
    """Header cells: a number joins the label after it ('12320 在线预约' is one cell)."""
    cells: list[str] = []
    carry = ""
    for token in line.split():
        if token.isdigit():
            carry = f"{carry}{token} "
            continue
        cells.append(carry + token)
        carry = ""
    return cells + ([carry.strip()] if carry else [])


def split_row(table: str, line: str) -> list[str] | None:
    """A table row's cells, or None when the line is not a row of that table."""
    total = TOTAL_ROW.fullmatch(line)
    if table == "bookings" and total:
        return ["", "合计", *total.groups()]
    match = ROW_PATTERNS[table].fullmatch(line)
    if not match:
        return None
    return ["" if cell is None else cell for cell in match.groups()]


def blocks_of(text: str) -> list[Block]:
    """Split bulletin text into prose lines and tables, dropping the text's own page furniture."""
    blocks: list[Block] = []
    current: Block | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = " ".join(raw.split())
        compact = line.replace(" ", "")
        if not line or PAGE_MARKER.fullmatch(line):
            continue
        heading = next((table for key, table in TABLE_HEADINGS.items() if key in compact), None)
        if heading and len(compact) < 60:
            current = Block("table", table=heading)
            blocks.append(Block("line", text=line))
            blocks.append(current)
            continue
        if current is not None and line.startswith(HEADER_STARTS):
            if not current.rows:
                current.header.append(split_header(line))
            continue  # a header repeated at an old page break: this layout draws its own
        if current is not None and not current.header and line.startswith(("（", "(")):
            blocks.insert(len(blocks) - 1, Block("line", text=line))  # a note under the heading, above the table
            continue
        cells = split_row(current.table, line) if current is not None and current.header else None
        if cells is not None:
            current.rows.append(cells)
            continue
        current = None
        blocks.append(Block("line", text=line))
    return [block for block in blocks if block.kind == "line" or block.rows]


def column_layout(block: Block, font_size: float, width: float) -> list[tuple[float, float]]:
    """(left, right) x of each column: as wide as its widest cell, spread over the page width."""
    columns = TABLE_COLUMNS[block.table]
    widths = [0.0] * columns
    placed = [[cell for _, cell in header_cells(index, header, columns)] for index, header in enumerate(block.header)]
    for row in [*block.rows, *(cells for cells in placed if len(cells) == columns or cells is placed[0])]:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], pdfmetrics.stringWidth(cell, FONT, font_size))
    gap = max(4.0, (width - sum(widths)) / max(1, columns - 1))
    edges, x = [], MARGIN
    for column_width in widths:
        edges.append((x, x + column_width))
        x += column_width + gap
    return edges


def header_cells(line_index: int, header: list[str], columns: int) -> list[tuple[int, str]]:
    """The column each header cell starts in. The first header line starts at the first column; a later,
    shorter line (门急诊信息 出院信息 over 人次 收入 人次 住院收入) spans the last columns."""
    if line_index == 0 or len(header) >= columns:
        return list(enumerate(header[:columns]))
    span = 4 // len(header) if len(header) <= 4 else 1
    first = columns - span * len(header)
    return [(first + i * span, cell) for i, cell in enumerate(header)]


class TypesetWriter:
    """Draws lines and table rows down the page, breaking pages and numbering them."""

    def __init__(self, pdf: canvas.Canvas, *, font_size: float, lines_per_page: int) -> None:
        self.pdf = pdf
        self.font_size = font_size
        self.leading = (PAGE_HEIGHT - 2 * MARGIN) / lines_per_page
        self.page = 1
        self.y = PAGE_HEIGHT - MARGIN
        self.pages_broken_in_tables = 0

    def room(self) -> bool:
        return self.y >= MARGIN

    def new_page(self) -> None:
        self.pdf.setFont(FONT, 9)
        self.pdf.drawCentredString(PAGE_WIDTH / 2, MARGIN / 2, f"- {self.page} -")
        self.pdf.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN

    def line(self, text: str) -> None:
        if not self.room():
            self.new_page()
        self.pdf.setFont(FONT, self.font_size)
        self.pdf.drawString(MARGIN, self.y, text)
        self.y -= self.leading

    def table(self, block: Block) -> None:
        size = self.font_size - 1.5
        edges = column_layout(block, size, PAGE_WIDTH - 2 * MARGIN)
        self.draw_header(block, edges, size)
        for row in block.rows:
            if not self.room():
                self.new_page()
                self.pages_broken_in_tables += 1
                self.draw_header(block, edges, size)
            self.draw_row(row, edges, size)

    def draw_header(self, block: Block, edges: list[tuple[float, float]], size: float) -> None:
        for index, header in enumerate(block.header):
            self.pdf.setFont(FONT, size)
            for column, cell in header_cells(index, header, len(edges)):
                self.pdf.drawString(edges[column][0], self.y, cell)
            self.y -= self.leading

    def draw_row(self, row: list[str], edges: list[tuple[float, float]], size: float) -> None:
        self.pdf.setFont(FONT, size)
        for (left, right), cell in zip(edges, row):
            if re.fullmatch(VALUE, cell) or re.fullmatch(r"\d+/\d+", cell):
                self.pdf.drawRightString(right, self.y, cell)
            elif cell:
                self.pdf.drawString(left, self.y, cell)
        self.y -= self.leading


def build_typeset_pdf(text: str, *, font_size: float = 10.0, lines_per_page: int = 40) -> bytes:
    """Prose as lines; tables cell by cell at column positions, headers repeated after page breaks."""
    blocks = blocks_of(text)

    def draw(pdf: canvas.Canvas) -> None:
        writer = TypesetWriter(pdf, font_size=font_size, lines_per_page=lines_per_page)
        for block in blocks:
            if block.kind == "table":
                writer.table(block)
            else:
                writer.line(block.text)
        writer.new_page()

    return pdf_bytes(draw)


def typeset_table_breaks(text: str, *, lines_per_page: int = 40) -> int:
    """How many times the typeset layout breaks a page inside a table (so a test can insist on one)."""
    blocks = blocks_of(text)
    holder: dict[str, int] = {}

    def draw(pdf: canvas.Canvas) -> None:
        writer = TypesetWriter(pdf, font_size=10.0, lines_per_page=lines_per_page)
        for block in blocks:
            writer.table(block) if block.kind == "table" else writer.line(block.text)
        holder["breaks"] = writer.pages_broken_in_tables

    pdf_bytes(draw)
    return holder["breaks"]


# ----------------------------------------------------------------------------------------- scanned


def build_image_only_pdf(pages: int = 2) -> bytes:
    """A 'scanned' bulletin: each page is a picture of lines of text, with no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    def draw(pdf: canvas.Canvas) -> None:
        for page in range(pages):
            image = Image.new("L", (620, 880), 255)
            pen = ImageDraw.Draw(image)
            for row in range(40):
                pen.rectangle((40, 40 + row * 20, 40 + (row * 37 + page * 11) % 500 + 60, 52 + row * 20), fill=30)
            pdf.drawImage(ImageReader(image), 0, 0, width=PAGE_WIDTH, height=PAGE_HEIGHT)
            pdf.showPage()

    return pdf_bytes(draw)
