"""PDFs of a bulletin laid out as a word processor exports it: tables in a grid of cells.

`build_ruled_pdf(text, style)` draws the prose as lines (10 pt) and every table as a grid of cells in an
8-point font: a narrow name column in which long names wrap *inside their cell* onto two or three lines,
the row number and the numbers centred vertically in the row, numbers right-aligned (or centred), the
uploads tables' header in two ruled rows with merged cells (接入单位 … spanning both, 门急诊信息 / 出院信息
each spanning two columns over 人次 / 收入（千元）), the bookings 合计 label spanning 序号 and 单位, a table
that does not fit continued on the next page under its header drawn again, and a `- N -` footer on every
page. `style.rules` draws the grid as stroked lines, as thin filled rectangles (as word processors export
cell borders), or not at all (a borderless table aligned by columns only); `style.upload_header="combined"`
prints the uploads header as one row of combined labels (门急诊信息 人次), which wrap inside their cells.

Failure layouts: `style.table_as_image` draws the bookings table as a picture, and `style.rotate_tables`
draws each table's page rotated (the page's /Rotate, or the table drawn turned by 90 degrees).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from pdf_fixtures import FONT, PAGE_HEIGHT, PAGE_WIDTH, Block, blocks_of, pdf_bytes

MARGIN = 56.0
PROSE_SIZE, PROSE_LEADING = 10.0, 16.0
PADDING = 3.0
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?|/|\d+/\d+")
TOKEN = re.compile(r"[A-Za-z0-9.,/\-]+|\s+|.")
CLOSING_PUNCTUATION = set("）)，、。：；")


@dataclass(frozen=True)
class RuledStyle:
    """How the tables are drawn."""

    name_width: float = 80.0  # the name column: 80 pt wraps the longer names onto two lines
    font_size: float = 8.0
    numbers: str = "right"  # 'right' | 'centre'
    rules: str = "lines"  # 'lines' | 'rects' | 'none'
    upload_header: str = "rows"  # 'rows' (two, with merged cells) | 'combined' (one row: 门急诊信息 人次, …)
    table_as_image: bool = False  # the bookings table drawn as a picture (no text)
    rotate_tables: str = ""  # '' | 'page' (the page's /Rotate 90) | 'content' (the table drawn turned 90°)
    running_header: str = ""  # a line printed at the top of every page (南京卫生信息 2024年第12期)
    continued: str = ""  # '续表' | '（续）': over a table continued on the next page, a 续表 caption or its title + （续）
    repeat_header: bool = True  # the header drawn again over a table continued on the next page
    merged_total: bool = False  # the platforms' total (合计：18946) as a last row merged across all columns

    @property
    def leading(self) -> float:
        return self.font_size * 1.25


@dataclass(frozen=True)
class Cell:
    text: str
    column: int
    columns: int = 1  # how many columns it spans
    rows: int = 1  # how many rows it spans (only header cells span rows)
    align: str = "left"  # 'left' | 'right' | 'centre'


def column_widths(table: str, style: RuledStyle) -> list[float]:
    name = style.name_width
    if table == "bookings":
        return [24.0, name, 48.0, 40.0, 40.0, 44.0, 44.0]
    if table == "platforms":
        return [24.0, name, 40.0, 24.0, name, 40.0]
    return [name, 56.0, 40.0, 44.0, 44.0, 52.0, 40.0, 52.0]


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy wrapping as a word processor does it: CJK characters one by one, ASCII words whole."""
    lines, current = [], ""
    for token in TOKEN.findall(text):
        candidate = current + token
        closing = token in CLOSING_PUNCTUATION  # kept on the line it closes, as word processors do
        if current and not closing and pdfmetrics.stringWidth(candidate, FONT, size) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    return [*lines, current.rstrip()] if current.strip() else lines


def header_rows(block: Block, style: RuledStyle) -> list[list[Cell]]:
    """The header as grid rows of cells; the uploads header is two rows with merged cells, or one row of
    combined labels (门急诊信息 人次), which wrap inside their cells."""
    if block.table != "uploads":
        return [[Cell(text, column, align="centre") for column, text in enumerate(block.header[0])]]
    top, groups, leaves = block.header[0], block.header[1], block.header[2]
    if style.upload_header == "combined":
        combined = [f"{groups[index // 2]} {leaf}" for index, leaf in enumerate(leaves)]
        return [[Cell(text, column, align="centre") for column, text in enumerate([*top, *combined])]]
    first = [Cell(text, column, rows=2, align="centre") for column, text in enumerate(top)]
    first += [Cell(text, len(top) + 2 * index, columns=2, align="centre") for index, text in enumerate(groups)]
    second = [Cell(text, len(top) + index, align="centre") for index, text in enumerate(leaves)]
    return [first, second]


def body_row(block: Block, row: list[str], numbers: str) -> list[Cell]:
    """One table row as cells: the 合计 label spans the 序号 and 单位 columns."""
    if block.table == "bookings" and row[0] == "" and row[1] == "合计":
        return [Cell("合计", 0, columns=2, align="centre"),
                *(Cell(text, column, align=numbers) for column, text in enumerate(row) if column >= 2)]
    cells = []
    for column, text in enumerate(row):
        if not text:
            continue
        is_row_number = block.table != "uploads" and column in (0, 3) and text.isdigit()
        align = "centre" if is_row_number else numbers if NUMBER.fullmatch(text) else "left"
        cells.append(Cell(text, column, align=align))
    return cells


class RuledWriter:
    """Draws prose lines and ruled tables down A4 pages, with a `- N -` footer on each page."""

    def __init__(self, pdf: canvas.Canvas, style: RuledStyle) -> None:
        self.pdf, self.style = pdf, style
        self.page, self.y = 1, PAGE_HEIGHT - MARGIN
        self.rotated_page = False
        self.title = ""  # the last table heading drawn
        self.page_header()

    def page_header(self) -> None:
        if self.style.running_header:
            self.pdf.setFont(FONT, 9)
            self.pdf.drawString(MARGIN, PAGE_HEIGHT - MARGIN / 2, self.style.running_header)

    def new_page(self) -> None:
        self.pdf.setFont(FONT, 9)
        self.pdf.drawCentredString(PAGE_WIDTH / 2, MARGIN / 2, f"- {self.page} -")
        if self.rotated_page:
            self.pdf.setPageRotation(90)
            self.rotated_page = False
        self.pdf.showPage()
        self.page, self.y = self.page + 1, PAGE_HEIGHT - MARGIN
        self.page_header()

    def line(self, text: str) -> None:
        if self.y - PROSE_LEADING < MARGIN:
            self.new_page()
        self.y -= PROSE_LEADING
        self.pdf.setFont(FONT, PROSE_SIZE)
        self.pdf.drawString(MARGIN, self.y + 4, text)
        if any(word in text.replace(" ", "") for word in ("统计", "情况")):
            self.title = text

    def table(self, block: Block, total: str = "") -> None:
        widths = column_widths(block.table, self.style)
        edges = [MARGIN + sum(widths[:index]) for index in range(len(widths) + 1)]
        header = header_rows(block, self.style)
        self.y -= 4
        if self.style.table_as_image and block.table == "bookings":
            return self.picture(edges, block)
        if self.style.rotate_tables:
            return self.rotated(block, edges, header)
        first = body_row(block, block.rows[0], self.style.numbers)
        if self.y - sum(self.row_height([row], edges) for row in (*header, first)) < MARGIN:
            self.new_page()  # a header is never left alone at the foot of a page
        self.draw_rows(header, edges)
        for row in block.rows:
            cells = body_row(block, row, self.style.numbers)
            if self.y - self.row_height([cells], edges) < MARGIN:
                self.new_page()
                if self.style.continued:
                    title = self.title
                    self.line("续表" if self.style.continued == "续表" else f"{self.title}（续）")
                    self.title = title
                if self.style.repeat_header:
                    self.draw_rows(header, edges)
            self.draw_rows([cells], edges)
        if total:
            self.draw_rows([[Cell(total, 0, columns=len(widths))]], edges)
        self.y -= 4

    def rotated(self, block: Block, edges: list[float], header: list[list[Cell]]) -> None:
        """The whole table on a page of its own, turned by 90 degrees (content) or under /Rotate 90 (page)."""
        self.new_page()
        if self.style.rotate_tables == "page":
            self.rotated_page = True
        else:
            self.pdf.saveState()
            self.pdf.translate(PAGE_WIDTH, 0)
            self.pdf.rotate(90)
        self.draw_rows(header, edges)
        for row in block.rows:
            self.draw_rows([body_row(block, row, self.style.numbers)], edges)
        if self.style.rotate_tables != "page":
            self.pdf.restoreState()
        self.new_page()

    def picture(self, edges: list[float], block: Block) -> None:
        """The table as an image: grey bars where the rows would be, and no text."""
        from PIL import Image, ImageDraw
        from reportlab.lib.utils import ImageReader

        height = 14.0 * (len(block.rows) + 1)
        image = Image.new("L", (int(edges[-1] - edges[0]) * 2, int(height) * 2), 255)
        pen = ImageDraw.Draw(image)
        for index in range(len(block.rows) + 1):
            pen.rectangle((4, 6 + index * 28, image.width - 4, 22 + index * 28), fill=90)
        self.pdf.drawImage(ImageReader(image), edges[0], self.y - height, width=edges[-1] - edges[0], height=height)
        self.y -= height + 4

    def cell_lines(self, cell: Cell, edges: list[float]) -> list[str]:
        width = edges[cell.column + cell.columns] - edges[cell.column] - 2 * PADDING
        return wrap(cell.text, width, self.style.font_size)

    def row_height(self, rows: list[list[Cell]], edges: list[float]) -> float:
        """Height of one grid row: its tallest single-row cell (cells spanning rows share the rows)."""
        lines = [len(self.cell_lines(cell, edges)) for cell in rows[0] if cell.rows == 1] or [1]
        return max(lines) * self.style.leading + 2 * PADDING

    def draw_rows(self, rows: list[list[Cell]], edges: list[float]) -> None:
        """Draw grid rows: each cell's text, then its borders (a merged cell draws only its outline)."""
        tops = [self.y]
        for row in rows:
            tops.append(tops[-1] - self.row_height([row], edges))
        for index, row in enumerate(rows):
            for cell in row:
                top, bottom = tops[index], tops[min(index + cell.rows, len(rows))]
                left, right = edges[cell.column], edges[cell.column + cell.columns]
                self.draw_cell(cell, left, right, top, bottom, edges)
                self.draw_borders(left, right, top, bottom)
            drawn = {column for cell in row for column in range(cell.column, cell.column + cell.columns)}
            spanned = {column for above in rows[:index] for cell in above if index < rows.index(above) + cell.rows
                       for column in range(cell.column, cell.column + cell.columns)}
            for column in set(range(len(edges) - 1)) - drawn - spanned:  # an empty cell still has borders
                self.draw_borders(edges[column], edges[column + 1], tops[index], tops[index + 1])
        self.y = tops[-1]

    def draw_cell(self, cell: Cell, left: float, right: float, top: float, bottom: float, edges) -> None:
        size, leading = self.style.font_size, self.style.leading
        lines = self.cell_lines(cell, edges)
        first_top = (top + bottom) / 2 + len(lines) * leading / 2  # the block of lines centred vertically
        self.pdf.setFont(FONT, size)
        for number, text in enumerate(lines):
            baseline = first_top - (number + 1) * leading + (leading - size) / 2 + size * 0.15
            if cell.align == "right":
                self.pdf.drawRightString(right - PADDING, baseline, text)
            elif cell.align == "centre":
                self.pdf.drawCentredString((left + right) / 2, baseline, text)
            else:
                self.pdf.drawString(left + PADDING, baseline, text)

    def draw_borders(self, left: float, right: float, top: float, bottom: float) -> None:
        if self.style.rules == "lines":
            self.pdf.setLineWidth(0.5)
            for x0, y0, x1, y1 in ((left, top, right, top), (left, bottom, right, bottom),
                                   (left, bottom, left, top), (right, bottom, right, top)):
                self.pdf.line(x0, y0, x1, y1)
        elif self.style.rules == "rects":
            half = 0.25
            for x, y, width, height in ((left - half, top - half, right - left + 2 * half, 2 * half),
                                        (left - half, bottom - half, right - left + 2 * half, 2 * half),
                                        (left - half, bottom - half, 2 * half, top - bottom + 2 * half),
                                        (right - half, bottom - half, 2 * half, top - bottom + 2 * half)):
                self.pdf.rect(x, y, width, height, stroke=0, fill=1)


def build_ruled_pdf(text: str, style: RuledStyle = RuledStyle()) -> bytes:
    """The bulletin with its tables drawn as grids of cells (see the module's docstring)."""
    blocks = blocks_of(text)

    def draw(pdf: canvas.Canvas) -> None:
        writer = RuledWriter(pdf, style)
        for number, block in enumerate(blocks):
            after = blocks[number + 1] if number + 1 < len(blocks) else None
            total = style.merged_total and block.table == "platforms" and after is not None \
                and after.text.startswith("合计：")
            if block.kind == "table":
                writer.table(block, after.text if total else "")
            elif not (style.merged_total and number and blocks[number - 1].table == "platforms"
                      and block.text.startswith("合计：")):
                writer.line(block.text)
        writer.new_page()

    return pdf_bytes(draw)
