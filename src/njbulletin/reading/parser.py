"""Read the statistics section of a monthly bulletin into tidy, typed polars tables.

The bulletin is text extracted from a PDF, so the parser expects the damage
extraction does: tables split across pages with repeated headers and page
numbers, rows wrapped onto two lines (even inside a name), names that contain
digits, two records per line, '/' for a missing value. Sections are found by
their Chinese headings, never by line numbers, and no unit list is built in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import polars as pl

from njbulletin.config import MAX_INPUT_BYTES
from njbulletin.contract import TABLE_SCHEMAS
from njbulletin.errors import BulletinError
from njbulletin.months import days_in_month as month_length
from njbulletin.reading.bookings import read_bookings
from njbulletin.reading.grammar import (
    BARE_NUMBER,
    CUMULATIVE_BOOKINGS,
    CUMULATIVE_RECORDS,
    MAX_HEADING_CHARS,
    PAGE_MARKER,
    PLATFORM_TOTAL,
    PROSE_PUNCTUATION,
    SECTION_HEADINGS,
    SECTION_TITLES,
    UNIT_MULTIPLIERS,
    Line,
    parse_amount,
    parse_count,
    parse_int,
    quote,
)
from njbulletin.reading.rows import PLATFORMS_LAYOUT, UPLOADS_LAYOUT, check_row_numbers, read_table_rows
from njbulletin.reading.textio import PDF_MAGIC, decode_bulletin_bytes, read_bulletin_bytes, split_normalised_lines

# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Bulletin:
    """One month's statistics: the month, its length, and the tidy tables of the contract."""

    month: str
    days_in_month: int
    tables: dict[str, pl.DataFrame]
    source: str = "<text>"
    encoding: str = "utf-8"
    # Where each item was printed: (table, item) -> line number, for messages that name a line.
    provenance: dict[tuple[str, str], int] = field(default_factory=dict, repr=False, compare=False)
    # (table, item) of a table row that is the last text of the file, when nothing follows it: no closing
    # note, no further section, no back page. A bulletin cut off inside a table looks like that.
    ends_with_row: tuple[str, str] | None = None
    # For a PDF: the first line of each page of the extracted text (line numbers count that text's lines).
    page_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def line_of(self, table: str, item: str) -> int | None:
        """The line on which an item of a table was printed, when known."""
        return self.provenance.get((table, item))

    def page_of(self, line: int | None) -> int | None:
        """The PDF page a line of the extracted text comes from (None for a text bulletin)."""
        if line is None or not self.page_starts:
            return None
        return sum(1 for start in self.page_starts if start <= line)


# --------------------------------------------------------------------------- entry points


def parse_bulletin(path: str | Path) -> Bulletin:
    """Parse a bulletin file (text in any supported encoding, or a PDF with a text layer)."""
    path = Path(path)
    source = str(path)
    try:
        data = read_bulletin_bytes(path)
        if data.startswith(PDF_MAGIC):
            from njbulletin.reading.pdf import extract_pdf_pages  # deferred: only PDFs need pypdfium2

            pages = extract_pdf_pages(data)
            bulletin = _parse("\n".join(pages), source=source, encoding="pdf")
            bulletin = replace(bulletin, page_starts=first_lines(pages))
        else:
            text, encoding = decode_bulletin_bytes(data)
            bulletin = _parse(text, source=source, encoding=encoding)
    except BulletinError as exc:
        raise exc.with_source(source) from None
    return bulletin


def first_lines(pages: list[str]) -> tuple[int, ...]:
    """The line number (1-based) on which each page's text starts, once the pages are joined by a newline."""
    starts, line = [], 1
    for text in pages:
        starts.append(line)
        line += len(split_normalised_lines(text))
    return tuple(starts)


def parse_text(text: str) -> Bulletin:
    """Parse the text of a bulletin given as a string."""
    if not isinstance(text, str):
        raise BulletinError(f"expected text (str), got {type(text).__name__}")
    if len(text) > MAX_INPUT_BYTES:  # the same limit as for files: each character takes at least a byte
        raise BulletinError(f"text has {len(text)} characters, over the {MAX_INPUT_BYTES}-byte input limit")
    if text.lstrip("\ufeff").startswith(PDF_MAGIC.decode("ascii")):
        raise BulletinError("this is the content of a PDF file, not a bulletin's text: give the file to "
                            "parse_bulletin, which reads the PDF's text layer", line=1)
    return _parse(text.lstrip("\ufeff"), source="<text>", encoding="str")


def _parse(text: str, *, source: str, encoding: str) -> Bulletin:
    if not text.strip():
        raise BulletinError("file is empty", line=1)
    lines = [Line(i + 1, t, t.replace(" ", "")) for i, t in enumerate(split_normalised_lines(text))]
    spans, month = locate_sections(lines)
    days_in_month = month_length(month)
    provenance: dict[tuple[str, str], int] = {}
    totals: list[tuple[str, str, float]] = []

    hotline = read_hotline(lines[spans["hotline"]], provenance, totals)
    bookings = read_bookings(lines[spans["bookings"]], provenance, totals)
    platforms = read_platforms(lines[spans["booking_platforms"]], provenance, totals)
    districts = read_uploads(lines[spans["uploads_district"]], "uploads_district", provenance)
    hospitals = read_uploads(lines[spans["uploads_hospital"]], "uploads_hospital", provenance)
    statistics_start = min(span.start for span in spans.values())
    read_cumulative_counters(lines[statistics_start:], provenance, totals)

    tables = {
        "hotline": build_frame("hotline", month, hotline),
        "bookings": build_frame("bookings", month, bookings),
        "booking_platforms": build_frame("booking_platforms", month, platforms),
        "uploads": build_frame("uploads", month,
                               [("district", *row) for row in districts] + [("hospital", *row) for row in hospitals]),
        "declared_totals": build_frame("declared_totals", month, totals),
    }
    return Bulletin(month=month, days_in_month=days_in_month, tables=tables, source=source,
                    encoding=encoding, provenance=provenance, ends_with_row=find_row_ending_the_text(lines, provenance))


def find_row_ending_the_text(lines: list[Line], provenance: dict[tuple[str, str], int]) -> tuple[str, str] | None:
    """The (table, item) of the last table row when only blank lines and page markers follow it."""
    rows = [(number, key) for key, number in provenance.items() if key[0] != "declared_totals"]
    if not rows:
        return None
    number, key = max(rows)
    after = lines[number:]  # line numbers are 1-based: lines[number] is the line after the row's first line
    if all(not line.text or PAGE_MARKER.fullmatch(line.text) or BARE_NUMBER.fullmatch(line.text) for line in after):
        return key
    return None


def build_frame(table: str, month: str, rows: list[tuple]) -> pl.DataFrame:
    """Build one contract table from row tuples that lack only the month column."""
    schema = TABLE_SCHEMAS[table]
    columns = list(schema)[1:]
    data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
    data = {"month": [month] * len(rows), **data}
    return pl.DataFrame(data, schema=schema)


# --------------------------------------------------------------------------- sections


def locate_sections(lines: list[Line]) -> tuple[dict[str, slice], str]:
    """Find each section's heading; return each section's line span and the bulletin's month."""
    found: list[tuple[int, str]] = []  # (index, section)
    months: dict[str, tuple[str, int]] = {}
    for index, line in enumerate(lines):
        if len(line.compact) > MAX_HEADING_CHARS or "年" not in line.compact or "月" not in line.compact:
            continue
        for section, pattern in SECTION_HEADINGS.items():
            match = pattern.search(line.compact)
            if match and not PROSE_PUNCTUATION.search(line.compact):
                if section in months:
                    break  # a heading repeated after a page break continues the same section
                month_number = int(match.group(2))
                if not 1 <= month_number <= 12:
                    raise BulletinError(f"heading names month {month_number}, which does not exist",
                                        line=line.number, section=SECTION_TITLES[section])
                months[section] = (f"{int(match.group(1)):04d}-{month_number:02d}", line.number)
                found.append((index, section))
                break
    missing = [SECTION_TITLES[s] for s in SECTION_HEADINGS if s not in months]
    if missing:
        raise BulletinError("missing section: " + "; ".join(missing) + " (heading not found)",
                            line=len(lines), section=missing[0])
    first_section = found[0][1]
    month = months[first_section][0]
    for section, (other_month, number) in months.items():
        if other_month != month:
            raise BulletinError(f"heading says {other_month}, but the {SECTION_TITLES[first_section]} "
                                f"heading says {month}", line=number, section=SECTION_TITLES[section])
    found.sort()
    spans = {}
    for position, (index, section) in enumerate(found):
        end = found[position + 1][0] if position + 1 < len(found) else len(lines)
        spans[section] = slice(index + 1, end)
    return spans, month


# --------------------------------------------------------------------------- hotline

HOTLINE_TOTAL = re.compile(r"共受理[^\d，,。；;]*?(?P<total>\d[\d,]*)(?:个|通|件|次|起|例)")
HOTLINE_ITEM = re.compile(r"(?:其中|受理|另|以及|和|及)?(?P<category>.*?\D)(?P<count>\d[\d,]*)(?:个|通|件|次|起|例)")
HOTLINE_UNIT_END = re.compile(r"(?:工单|[个通件次起例])$")
HOTLINE_SEPARATORS = re.compile(r"[、，,；;。]")


def read_hotline(lines: list[Line], provenance: dict, totals: list) -> list[tuple]:
    """Read the hotline paragraph: total calls, then each category with its count."""
    section = SECTION_TITLES["hotline"]
    paragraph: list[Line] = []
    for line in lines:
        if not line.compact or PAGE_MARKER.fullmatch(line.text):
            continue
        paragraph.append(line)
        if line.compact.endswith("。"):
            break
    if not paragraph:
        raise BulletinError("the hotline paragraph is empty", line=lines[0].number - 1 if lines else None,
                            section=section)
    text = "".join(line.compact for line in paragraph)
    first_line = paragraph[0].number
    total_match = HOTLINE_TOTAL.search(text)
    if not total_match:
        raise BulletinError("the hotline paragraph does not state the total calls (共受理…个)",
                            line=first_line, section=section)
    total = parse_int(total_match.group("total"), first_line, section)
    totals.append(("hotline", "total_calls", float(total)))
    provenance[("declared_totals", "hotline/total_calls")] = first_line

    rest = text[total_match.end():]
    rows: list[tuple] = []
    seen: set[str] = set()
    for piece in HOTLINE_SEPARATORS.split(rest):
        if not piece:
            continue
        if not any(ch.isdigit() for ch in piece):
            if HOTLINE_UNIT_END.search(piece):  # "自接工单件": a category whose number is missing
                raise BulletinError(f"hotline item {quote(piece)} has no number", line=first_line, section=section)
            continue
        match = HOTLINE_ITEM.fullmatch(piece)
        if not match:
            raise BulletinError(f"cannot read hotline item {quote(piece)}", line=first_line, section=section)
        category = match.group("category")
        if category in seen:
            raise BulletinError(f"hotline category {quote(category)} is given twice", line=first_line, section=section)
        seen.add(category)
        kind = "work_order" if category.endswith("工单") else "call"
        rows.append((category, kind, parse_int(match.group("count"), first_line, section)))
        provenance[("hotline", category)] = first_line
    if not rows:
        raise BulletinError("the hotline paragraph lists no categories", line=first_line, section=section)
    return rows


def read_platforms(lines: list[Line], provenance: dict, totals: list) -> list[tuple]:
    """Read the online platforms table (two records per printed line) and its 合计."""
    section = SECTION_TITLES["booking_platforms"]
    _, body, matches, end_index = read_table_rows(lines, PLATFORMS_LAYOUT, section)

    records: dict[int, tuple[str, int | None]] = {}
    lines_of_seq: dict[int, int] = {}
    for number, match in matches:
        for i in (0, 1):
            if match.group(f"seq{i}") is None:
                continue
            seq = parse_int(match.group(f"seq{i}"), number, section)
            name = match.group(f"name{i}").replace(" ", "")
            if seq in records or any(name == existing for existing, _ in records.values()):
                raise BulletinError(f"platform {seq} {quote(name)} appears twice", line=number, section=section)
            lines_of_seq[seq] = number
            records[seq] = (name, parse_count(match.group(f"count{i}"), number, section))
            provenance[("booking_platforms", name)] = number
    check_row_numbers([(seq, lines_of_seq[seq]) for seq in records], section)
    for line in body[end_index:]:
        match = PLATFORM_TOTAL.match(line.text) if line.compact.startswith("合计") else None
        if match:
            totals.append(("booking_platforms", "total", float(parse_int(match.group("total"), line.number, section))))
            provenance[("declared_totals", "booking_platforms/total")] = line.number
            break
    return [records[seq] for seq in sorted(records)]


def read_uploads(lines: list[Line], section_key: str, provenance: dict) -> list[tuple]:
    """Read one data-collection table (districts or hospitals)."""
    section = SECTION_TITLES[section_key]
    level = "district" if section_key == "uploads_district" else "hospital"
    _, _, matches, _ = read_table_rows(lines, UPLOADS_LAYOUT, section)

    rows: list[tuple] = []
    seen: dict[str, int] = {}
    for number, match in matches:
        unit = match.group("unit").replace(" ", "")
        if unit in seen:
            raise BulletinError(f"unit {quote(unit)} appears twice (also on line {seen[unit]})", line=number, section=section)
        seen[unit] = number
        forms = match.group("forms").replace(" ", "")
        uploaded, expected = (None, None) if forms == "/" else (parse_int(part, number, section) for part in forms.split("/"))
        rows.append((
            unit,
            parse_count(match.group("scheduled"), number, section),
            parse_count(match.group("days"), number, section),
            uploaded,
            expected,
            parse_count(match.group("visits"), number, section),
            parse_amount(match.group("op_income"), number, section),
            parse_count(match.group("discharges"), number, section),
            parse_amount(match.group("ip_income"), number, section),
        ))
        provenance[("uploads", f"{level}/{unit}")] = number
    return rows


def read_cumulative_counters(lines: list[Line], provenance: dict, totals: list) -> None:
    """Read the cumulative counters printed under the tables (总预约挂号量, 累计校验入库数据)."""
    for key, pattern, table in (("cumulative_bookings", CUMULATIVE_BOOKINGS, "bookings"),
                                ("cumulative_records", CUMULATIVE_RECORDS, "uploads")):
        for line in lines:
            match = pattern.search(line.compact)
            if match:
                value = Decimal(match.group("value").replace(",", "")) * UNIT_MULTIPLIERS[match.group("unit")]
                totals.append((table, key, float(value)))
                provenance[("declared_totals", f"{table}/{key}")] = line.number
                break
