"""Read the statistics section of a monthly bulletin into tidy, typed polars tables.

The bulletin is text extracted from a PDF, so the parser expects the damage
extraction does: tables split across pages with repeated headers and page
numbers, rows wrapped onto two lines (even inside a name), names that contain
digits, two records per line, '/' for a missing value. Sections are found by
their Chinese headings, never by line numbers, and no unit list is built in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import polars as pl

from njbulletin.config import MAX_INPUT_BYTES
from njbulletin.contract import BOOKING_KEY_LABELS, CHANNEL_LABELS, CHANNELS, SUBTOTAL_LABEL, TABLE_SCHEMAS
from njbulletin.errors import BulletinError
from njbulletin.months import days_in_month as month_length
from njbulletin.reading.booking_columns import known_value_columns, read_value_columns
from njbulletin.reading.textio import decode_bulletin_bytes, read_bulletin_bytes, split_normalised_lines, PDF_MAGIC

# --------------------------------------------------------------------------- contract

# Section keys, the heading that opens each (matched on the line with spaces removed),
# and a readable name for messages.
SECTION_HEADINGS: dict[str, re.Pattern[str]] = {
    "hotline": re.compile(r"12320卫生热线(\d{4})年(\d{1,2})月(?:份)?数据统计$"),
    "bookings": re.compile(r"(\d{4})年(\d{1,2})月(?:份)?12320预约挂号服务统计$"),
    "booking_platforms": re.compile(r"(\d{4})年(\d{1,2})月(?:份|度)?线上预约情况统计$"),
    "uploads_district": re.compile(r"(\d{4})年(\d{1,2})月(?:份)?南京市卫生信息平台数据采集情况[(（]区[)）]$"),
    "uploads_hospital": re.compile(r"(\d{4})年(\d{1,2})月(?:份)?南京市卫生信息平台数据采集情况[(（]医院[)）]$"),
}
SECTION_TITLES = {
    "hotline": "12320 hotline (12320卫生热线数据统计)",
    "bookings": "bookings (12320预约挂号服务统计)",
    "booking_platforms": "online booking platforms (线上预约情况统计)",
    "uploads_district": "uploads by district (数据采集情况（区）)",
    "uploads_hospital": "uploads by hospital (数据采集情况（医院）)",
}
MAX_HEADING_CHARS = 60

# --------------------------------------------------------------------------- tokens

INT = r"\d{1,3}(?:,\d{3})+|\d+"
NUMBER = rf"(?:{INT})(?:\.\d+)?"
VALUE = rf"(?:{NUMBER}|/)"  # '/' is a missing value
# A name: its first token holds a character that is not a digit, so a stray page number
# in front of a row is never read as part of the name. Later tokens may be digits (12320).
NAME = r"\S*[^\d\s,./]\S*(?:\s\S+)*?"

NAME_CONTINUATION = re.compile(r"\S*[^\d\s,./]")  # the rest of a wrapped name starts with a non-digit
NUMBERED_ROW_START = re.compile(r"\d+ \S*[^\d\s,./]")  # a row number, then a name
# An upload unit's name also ends with a token that is not a number: a name never ends in a bare count,
# so an extra cell after the name ('江宁区 16283726 / 30 …') leaves the row unread instead of taking the
# count into the name and shifting every column after it.
UNIT_NAME = r"\S*[^\d\s,./]\S*(?:(?:\s\S+)*?\s\S*[^\d\s,./]\S*)?"
UPLOAD_ROW = re.compile(
    rf"(?P<unit>{UNIT_NAME}) (?P<scheduled>{VALUE}) (?P<days>{VALUE}) (?P<forms>\d+ ?/ ?\d+|/)"
    rf" (?P<visits>{VALUE}) (?P<op_income>{VALUE}) (?P<discharges>{VALUE}) (?P<ip_income>{VALUE})")
# A platform name ends with a token that is not a number, so "南京卫生 12320 网 368" reads right.
PLATFORM_NAME = r"(?:\S+ )*?\S*[^\d\s,./]\S*"


def _platform_record(i: int) -> str:
    return rf"(?P<seq{i}>\d+) (?P<name{i}>{PLATFORM_NAME}) (?P<count{i}>{VALUE})"


PLATFORM_ROW = re.compile(_platform_record(0) + "(?: " + _platform_record(1) + ")?")
PLATFORM_TOTAL = re.compile(r"合 ?计 ?[:：]? ?(?P<total>\d[\d,]*)")

# Page markers: '- 2 -' and '第 2 页' are always skipped; a bare number may also be the row number of
# a wrapped row, so it is only dropped when nothing joins it.
PAGE_MARKER = re.compile(r"[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?")
BARE_NUMBER = re.compile(r"\d{1,3}")
FOOTNOTE_START = re.compile(r"^[(（]\s*(?:截止|截至|注|不包含)")
PROSE_PUNCTUATION = re.compile(r"[，。；;！？!?]")

BOOKING_HEADER_WORDS = (*BOOKING_KEY_LABELS, *CHANNEL_LABELS)
PLATFORM_HEADER_WORDS = ("序号", "名称", "预约数量", "平台")
UPLOAD_HEADER_WORDS = ("接入单位", "定时数据上传量", "实时数据上传天数", "实时数据表单上传情况",
                       "门急诊信息", "出院信息", "住院收入（千元）", "住院收入(千元)",
                       "收入（千元）", "收入(千元)", "人次", "（千元）", "(千元)")

CUMULATIVE_BOOKINGS = re.compile(r"总预约挂号量为?(?P<value>\d[\d,]*(?:\.\d+)?)(?P<unit>亿|万)?人?次")
CUMULATIVE_RECORDS = re.compile(r"累计校验入库数据(?P<value>\d[\d,]*(?:\.\d+)?)(?P<unit>亿|万)?条")
UNIT_MULTIPLIERS = {None: 1, "万": 10_000, "亿": 100_000_000}


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

    def line_of(self, table: str, item: str) -> int | None:
        """The line on which an item of a table was printed, when known."""
        return self.provenance.get((table, item))


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as an editor shows it
    text: str  # normalised: one space between tokens
    compact: str  # with every space removed


# --------------------------------------------------------------------------- entry points


def parse_bulletin(path: str | Path) -> Bulletin:
    """Parse a bulletin file (text in any supported encoding, or a PDF with a text layer)."""
    path = Path(path)
    source = str(path)
    try:
        data = read_bulletin_bytes(path)
        if data.startswith(PDF_MAGIC):
            from njbulletin.reading.pdf import extract_pdf_text  # deferred: only PDFs need pypdfium2

            text, encoding = extract_pdf_text(data), "pdf"
        else:
            text, encoding = decode_bulletin_bytes(data)
        bulletin = _parse(text, source=source, encoding=encoding)
    except BulletinError as exc:
        raise exc.with_source(source) from None
    return bulletin


def parse_text(text: str) -> Bulletin:
    """Parse the text of a bulletin given as a string."""
    if not isinstance(text, str):
        raise BulletinError(f"expected text (str), got {type(text).__name__}")
    if len(text) > MAX_INPUT_BYTES:  # the same limit as for files: each character takes at least a byte
        raise BulletinError(f"text has {len(text)} characters, over the {MAX_INPUT_BYTES}-byte input limit")
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


# --------------------------------------------------------------------------- tables


MAX_ROW_CHARS = 400  # a printed table row is far shorter; longer text is never tried as a row (regex cost)
MAX_QUOTED_CHARS = 60  # how much of a line an error message quotes


NUMERIC_RUN_IN_NAME = re.compile(r"(?:^|\s)(?:[\d,./]+\s){2}[\d,./]+(?:\s|$)")


def match_row(row: re.Pattern[str], text: str) -> re.Match[str] | None:
    """Match a whole table row, refusing text too long to be one.

    A name may hold a number (南京卫生 12320 网) but never three numbers in a row:
    that is another row's cells taken into the name (two rows printed on one line).
    """
    match = row.fullmatch(text) if len(text) <= MAX_ROW_CHARS else None
    if match is None:
        return None
    for key, value in match.groupdict().items():
        if value and key.startswith(("name", "unit")) and NUMERIC_RUN_IN_NAME.search(value):
            return None
    return match


def quote(text: str) -> str:
    """A line as an error message quotes it: at most MAX_QUOTED_CHARS characters."""
    return f"'{text}'" if len(text) <= MAX_QUOTED_CHARS else f"'{text[:MAX_QUOTED_CHARS]}…'"


def is_header_line(line: Line, words: Iterable[str]) -> bool:
    """True when a line is made only of a table's header words (a header repeated after a page break)."""
    rest = line.compact
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    return rest == "" and line.compact != ""


def assemble_rows(lines: list[Line], *, section: str, row: re.Pattern[str],
                  is_header: Callable[[Line], bool], is_end: Callable[[Line], bool],
                  row_start: re.Pattern[str] | None = None,
                  max_lines_per_row: int = 3) -> tuple[list[tuple[int, re.Match[str]]], int]:
    """Match table rows, joining rows that text extraction wrapped onto several lines.

    Skips blank lines, page markers, repeated headers and page furniture (a line
    followed by a repeated header). `row_start` matches the beginning of a row in
    tables whose rows begin with a number; such a line is never taken for furniture.
    Returns (line number, match) per row and the index of the first line after the table.
    """
    rows: list[tuple[int, re.Match[str]]] = []
    pending: list[Line] = []
    pending_start = index = 0
    while index < len(lines):
        line = lines[index]
        if not line.text or is_header(line) or PAGE_MARKER.fullmatch(line.text):
            index += 1
            continue
        if is_end(line):
            break
        joined = " ".join([*(p.text for p in pending), line.text])
        match = match_row(row, joined)
        if pending and match_row(row, line.text):
            pending_text = " ".join(p.text for p in pending)
            # The line is a row of its own. What is pending joins it only if it is a bare name fragment.
            if not match or _is_row_prefix(pending_text):
                if all(BARE_NUMBER.fullmatch(p.text) for p in pending):  # a page number, not a fragment
                    pending = []
                    continue
                raise BulletinError(f"cannot read table row {quote(pending_text)}", line=pending[0].number,
                                    section=section)
        if match:
            first_number = pending[0].number if pending else line.number
            index += 1
            if row_start is not None:  # a numbered row may go on over the next line: "… 12320" / "网 368"
                following = _next_text_line(lines, index, is_header)
                if following is not None and NAME_CONTINUATION.match(lines[following].text) \
                        and not row_start.match(lines[following].text) and not is_end(lines[following]):
                    longer = match_row(row, f"{joined} {lines[following].text}")
                    if longer:
                        match, index = longer, following + 1
            rows.append((first_number, match))
            pending = []
            continue
        is_row_start = bool(row_start and row_start.match(line.text))
        if not pending and not is_row_start and not _looks_like_row_data(line.text) \
                and _header_follows(lines, index + 1, is_header, row):
            index += 1  # page furniture: a running title or page number before a repeated header
            continue
        if len(pending) + 1 < max_lines_per_row and len(joined) <= 120 and not PROSE_PUNCTUATION.search(joined):
            if not pending:
                pending_start = index
            pending.append(line)
            index += 1
            continue
        if pending and all(BARE_NUMBER.fullmatch(p.text) for p in pending):
            pending = []
            continue
        if not pending and _is_overlong_row(line.text):
            raise BulletinError(f"line of {len(line.text)} characters is too long for a table row "
                                f"(a row is at most {MAX_ROW_CHARS}): {quote(line.text)}",
                                line=line.number, section=section)
        break
    end_index = pending_start if pending else index
    if pending and not all(BARE_NUMBER.fullmatch(p.text) for p in pending) \
            and not any(match_row(row, l.text) for l in lines[end_index + 1:]) \
            and _is_row_prefix(" ".join(p.text for p in pending)):
        raise BulletinError(f"incomplete table row {quote(' '.join(p.text for p in pending))}",
                            line=pending[0].number, section=section)
    return rows, end_index


def _next_text_line(lines: list[Line], start: int, is_header: Callable[[Line], bool]) -> int | None:
    """Index of the next line with text that is not a header or page marker."""
    for index in range(start, min(start + 6, len(lines))):
        line = lines[index]
        if line.text and not is_header(line) and not PAGE_MARKER.fullmatch(line.text):
            return index
    return None


def _is_overlong_row(text: str) -> bool:
    """A line too long to be tried as a row that still looks like one (mostly numbers, no prose)."""
    if len(text) <= MAX_ROW_CHARS or PROSE_PUNCTUATION.search(text):
        return False
    tokens = text.split()
    numeric = sum(1 for token in tokens if token[:1].isdigit() or token == "/")
    return numeric >= 5 and 2 * numeric >= len(tokens)


def _numeric_tokens(tokens: list[str]) -> int:
    return sum(1 for t in tokens if re.fullmatch(VALUE, t) or re.fullmatch(r"\d+/\d+", t))


def _looks_like_row_data(text: str) -> bool:
    """A line of mostly numbers (three or more, at least half its tokens) is a damaged row, never page
    furniture: a running title or page number does not print a row of counts."""
    tokens = text.split()
    numeric = _numeric_tokens(tokens)
    return numeric >= 3 and 2 * numeric >= len(tokens)


def _is_row_prefix(text: str) -> bool:
    """Heuristic: text that starts like a row (its tokens are mostly numbers) but ends too soon."""
    return _numeric_tokens(text.split()) >= 2


def _header_follows(lines: list[Line], start: int, is_header: Callable[[Line], bool],
                    row: re.Pattern[str], lookahead: int = 4) -> bool:
    """True when a repeated table header comes within a few lines, before any row."""
    seen = 0
    for line in lines[start:]:
        if not line.text:
            continue
        if is_header(line):
            return True
        if match_row(row, line.text):
            return False
        seen += 1
        if seen >= lookahead:
            return False
    return False


def check_no_stray_rows(lines: list[Line], end_index: int, stop: Callable[[Line], bool],
                        row: re.Pattern[str], section: str) -> None:
    """After a table ends, no row may follow before the section ends: that would be data lost."""
    for line in lines[end_index + 1:]:
        if stop(line):
            return
        if match_row(row, line.text):
            culprit = lines[end_index]
            raise BulletinError(f"unreadable line {quote(culprit.text)} inside the table "
                                f"(rows continue at line {line.number})", line=culprit.number, section=section)


def find_header(lines: list[Line], words: tuple[str, ...], required: Iterable[str], section: str,
                first_line: int) -> tuple[int, str]:
    """Find the table header: the index just after it and its text with spaces removed."""
    for index, line in enumerate(lines):
        if is_header_line(line, words) and all(any(w in line.compact for w in group.split("|"))
                                               for group in required[:1]):
            header = line.compact
            after = index + 1
            # A header may wrap over a few lines.
            while after < len(lines) and len(header) < 200 and (not lines[after].text or is_header_line(lines[after], words)):
                header += lines[after].compact
                after += 1
            missing = [group for group in required if not any(w in header for w in group.split("|"))]
            if missing:
                raise BulletinError(f"table header lacks column(s) {', '.join(missing)}",
                                    line=line.number, section=section)
            return after, header
    raise BulletinError("table header not found", line=first_line, section=section)


@dataclass(frozen=True)
class TableLayout:
    """How one printed table is recognised: its header words, its row pattern, where it ends."""

    name: str  # for messages
    header_words: tuple[str, ...]
    required_columns: tuple[str, ...]  # 'a|b' means either label
    row: re.Pattern[str]
    ends_at_total: bool  # the table closes with a 合计 row
    numbered: bool  # rows begin with a row number (序号)

    def is_header(self, line: Line) -> bool:
        return is_header_line(line, self.header_words)

    def is_total(self, line: Line) -> bool:
        return self.ends_at_total and line.compact.startswith("合计")

    def is_end(self, line: Line) -> bool:
        return self.is_total(line) or bool(FOOTNOTE_START.match(line.text))


def read_table_rows(lines: list[Line], layout: TableLayout, section: str
                    ) -> tuple[str, list[Line], list[tuple[int, re.Match[str]]], int]:
    """Find a table's header and read its rows: (header text, body lines, row matches, index after the rows)."""
    first = lines[0].number - 1 if lines else 0
    start, header = find_header(lines, layout.header_words, layout.required_columns, section, first)
    body = lines[start:]
    matches, end_index = read_rows_after_header(body, layout, section, first)
    return header, body, matches, end_index


def read_rows_after_header(body: list[Line], layout: TableLayout, section: str, first: int
                           ) -> tuple[list[tuple[int, re.Match[str]]], int]:
    """Read a table's rows from the lines after its header: (row matches, index after the rows)."""
    matches, end_index = assemble_rows(body, section=section, row=layout.row, is_header=layout.is_header,
                                       is_end=layout.is_end,
                                       row_start=NUMBERED_ROW_START if layout.numbered else None)
    if not matches:
        raise BulletinError(f"the {layout.name} table has no rows", line=body[0].number if body else first,
                            section=section)
    stop = layout.is_total if layout.ends_at_total else layout.is_end
    check_no_stray_rows(body, end_index, stop, layout.row, section)
    return matches, end_index


PLATFORMS_LAYOUT = TableLayout("platforms", PLATFORM_HEADER_WORDS, ("序号", "名称|平台", "预约数量"), PLATFORM_ROW,
                               ends_at_total=True, numbered=True)
UPLOADS_LAYOUT = TableLayout("uploads", UPLOAD_HEADER_WORDS,
                             ("接入单位", "定时数据上传量", "实时数据上传天数", "实时数据表单上传情况", "人次"),
                             UPLOAD_ROW, ends_at_total=False, numbered=False)

# --------------------------------------------------------------------------- bookings

MAX_HEADER_LINES = 3  # a bookings header wraps over at most this many lines


@lru_cache(maxsize=None)
def bookings_layout(values: int) -> TableLayout:
    """The bookings table with `values` value columns (its channels and 小计, as its header prints them)."""
    cells = "".join(f" (?P<c{i}>{VALUE})" for i in range(values))
    row = re.compile(rf"(?P<seq>\d+) (?P<name>{NAME}){cells}")
    return TableLayout("bookings", BOOKING_HEADER_WORDS, ("序号", "小计"), row, ends_at_total=True, numbered=True)


@lru_cache(maxsize=None)
def booking_total_pattern(values: int) -> re.Pattern[str]:
    """The bookings 合计 row with `values` value columns."""
    return re.compile(r"合 ?计[:：]?" + "".join(f" ?(?P<c{i}>{VALUE})" for i in range(values)))


def starts_booking_header(line: Line) -> bool:
    """A line that opens a bookings header: it starts with 序号 (or is made of header words and holds it),
    and is no row of counts and no prose."""
    if "序号" not in line.compact or len(line.text) > MAX_ROW_CHARS or PROSE_PUNCTUATION.search(line.text):
        return False
    return (line.compact.startswith("序号") and not _looks_like_row_data(line.text)) \
        or is_header_line(line, BOOKING_HEADER_WORDS)


def booking_header_at(lines: list[Line], index: int) -> tuple[list[tuple[int, str]], int]:
    """The lines of the header that starts at lines[index] (line number, text), and the index after it.
    A header may wrap: lines that are no row are joined until it holds 小计."""
    header = [lines[index]]
    after = index + 1
    while after < len(lines) and len(header) < MAX_HEADER_LINES \
            and SUBTOTAL_LABEL not in "".join(line.compact for line in header):
        line = lines[after]
        if line.text and (NUMBERED_ROW_START.match(line.text) or line.compact.startswith("合计")
                          or PROSE_PUNCTUATION.search(line.text) or _looks_like_row_data(line.text)):
            break
        header += [line] if line.text else []
        after += 1
    while after < len(lines) and (not lines[after].text or is_header_line(lines[after], BOOKING_HEADER_WORDS)):
        after += 1
    return [(line.number, line.text) for line in header], after


def read_booking_header(lines: list[Line], section: str) -> tuple[tuple[str, ...], int]:
    """The bookings header's value columns in printed order (channel codes and 'subtotal'), and the index
    of the first line after it. A header repeated after a page break must list the same columns."""
    for index, line in enumerate(lines):
        if starts_booking_header(line):
            header, after = booking_header_at(lines, index)
            columns = read_value_columns(header, section)
            check_repeated_headers(lines, after, columns, section)
            return columns, after
    raise BulletinError("table header not found", line=lines[0].number - 1 if lines else 0, section=section)


def check_repeated_headers(lines: list[Line], start: int, columns: tuple[str, ...], section: str) -> None:
    """A header repeated inside the table (after a page break) prints no unknown column, and, when it is
    complete (it holds 小计), the same columns in the same order: the rows below it are read by the first."""
    for index in range(start, len(lines)):
        line = lines[index]
        if line.compact.startswith("合计") or FOOTNOTE_START.match(line.text):
            return
        if starts_booking_header(line):
            repeated = known_value_columns(booking_header_at(lines, index)[0], section)
            if "subtotal" in repeated and repeated != columns:
                raise BulletinError(f"the table header repeated here has the columns {', '.join(repeated)}, unlike "
                                    f"the first header ({', '.join(columns)}), whose columns the rows are read by",
                                    line=line.number, section=section)


def read_bookings(lines: list[Line], provenance: dict, totals: list) -> list[tuple]:
    """Read bookings per hospital, one row per hospital and printed channel, and the printed 小计/合计.

    The columns come from the header: a channel the month does not print has no rows (it is absent,
    not 0), and the rows of each hospital follow the channels file's order, whatever the printed order."""
    section = SECTION_TITLES["bookings"]
    columns, start = read_booking_header(lines, section)
    body = lines[start:]
    matches, end_index = read_rows_after_header(body, bookings_layout(len(columns)), section,
                                                lines[0].number - 1 if lines else 0)
    channels = [channel for channel in CHANNELS if channel in columns]
    rows = read_booking_rows(matches, columns, channels, section, provenance, totals)
    if end_index < len(body) and body[end_index].compact.startswith("合计"):
        read_booking_total(body[end_index], columns, channels, section, provenance, totals)
    return rows


def read_booking_rows(matches: list[tuple[int, re.Match[str]]], columns: tuple[str, ...], channels: list[str],
                      section: str, provenance: dict, totals: list) -> list[tuple]:
    """One row per hospital and printed channel; each hospital's printed 小计 goes to the totals."""
    rows: list[tuple] = []
    seen_seq: dict[int, int] = {}
    seen_names: dict[str, int] = {}
    for number, match in matches:
        seq = parse_int(match.group("seq"), number, section)
        name = match.group("name").replace(" ", "")
        if seq in seen_seq:
            raise BulletinError(f"row number {seq} appears twice (also on line {seen_seq[seq]})",
                                line=number, section=section)
        if name in seen_names:
            raise BulletinError(f"hospital {quote(name)} appears twice (also on line {seen_names[name]})",
                                line=number, section=section)
        seen_seq[seq], seen_names[name] = number, number
        values = {column: parse_count(match.group(f"c{i}"), number, section) for i, column in enumerate(columns)}
        rows += [(seq, name, channel, values[channel]) for channel in channels]
        if values["subtotal"] is not None:
            totals.append(("bookings", name, float(values["subtotal"])))
            provenance[("declared_totals", f"bookings/{name}")] = number
        provenance[("bookings", name)] = number
    check_row_numbers(list(seen_seq.items()), section)
    return rows


def read_booking_total(total_line: Line, columns: tuple[str, ...], channels: list[str], section: str,
                       provenance: dict, totals: list) -> None:
    """The 合计 row: a printed total per channel (total_<code>) and overall (total), in the channels' order."""
    match = booking_total_pattern(len(columns)).fullmatch(total_line.text)
    if not match:
        raise BulletinError(f"cannot read the 合计 row {quote(total_line.text)}", line=total_line.number,
                            section=section)
    printed = {column: parse_count(match.group(f"c{i}"), total_line.number, section)
               for i, column in enumerate(columns)}
    for column in (*channels, "subtotal"):
        value = printed[column]
        if value is None:
            continue
        item = "total" if column == "subtotal" else f"total_{column}"
        totals.append(("bookings", item, float(value)))
        provenance[("declared_totals", f"bookings/{item}")] = total_line.number


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


def check_row_numbers(numbered: list[tuple[int, int]], section: str) -> None:
    """Row numbers (序号) run 1..n: a gap or a stray number means a row was lost or misread."""
    expected = 1
    for seq, line in sorted(numbered):
        if seq != expected:
            what = f"row number {expected} is missing" if seq > expected else f"row number {seq} is out of place"
            raise BulletinError(f"{what} (rows are numbered 1 to {len(numbered)})", line=line, section=section)
        expected += 1


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


# --------------------------------------------------------------------------- numbers


MAX_DIGITS = 18  # a cell with more digits is damage, not a count (and would overflow Int64)


def parse_int(token: str, line: int | None = None, section: str | None = None) -> int:
    digits = token.replace(",", "")
    if len(digits) > MAX_DIGITS:
        raise BulletinError(f"number '{token[:24]}…' has {len(digits)} digits, too many for a count",
                            line=line, section=section)
    return int(digits)


def parse_count(token: str, line: int, section: str) -> int | None:
    """A whole-number cell: '/' is missing, a decimal is an error."""
    if token == "/":
        return None
    if "." in token:
        raise BulletinError(f"expected a whole number, found {quote(token)}", line=line, section=section)
    return parse_int(token, line, section)


def parse_amount(token: str, line: int | None = None, section: str | None = None) -> float | None:
    """A money cell in thousand yuan: '/' is missing."""
    if token == "/":
        return None
    whole, _, fraction = token.partition(".")
    return float(f"{parse_int(whole, line, section)}.{fraction or 0}")
