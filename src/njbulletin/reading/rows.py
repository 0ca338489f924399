"""Rows of a printed table: from the header to the last row, across page breaks, repeated headers,
wrapped rows and page furniture, with every line that is not a row refused by name."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from njbulletin.errors import BulletinError
from njbulletin.reading.grammar import (
    BARE_NUMBER,
    FOOTNOTE_START,
    NAME_CONTINUATION,
    NUMBERED_ROW_START,
    PAGE_MARKER,
    PLATFORM_HEADER_WORDS,
    PLATFORM_ROW,
    PROSE_PUNCTUATION,
    UPLOAD_HEADER_WORDS,
    UPLOAD_ROW,
    VALUE,
    Line,
    quote,
)

# --------------------------------------------------------------------------- tables


MAX_ROW_CHARS = 400  # a printed table row is far shorter; longer text is never tried as a row (regex cost)


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
        # A line that is a row of its own: what is pending joins it only if it is a bare name fragment.
        if pending and match_row(row, line.text) and (not match or _is_row_prefix(joined_text(pending))):
            refuse_unless_page_number(pending, section)
            pending = []
            continue
        if match:
            first_number = pending[0].number if pending else line.number
            match, index = extend_numbered_row(lines, index + 1, joined, match, row=row, row_start=row_start,
                                               is_header=is_header, is_end=is_end)
            rows.append((first_number, match))
            pending = []
            continue
        is_row_start = bool(row_start and row_start.match(line.text))
        if not pending and not is_row_start and not looks_like_row_data(line.text) \
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
    refuse_unfinished_row(pending, lines[end_index + 1:], row, section)
    return rows, end_index


def joined_text(pending: list[Line]) -> str:
    return " ".join(p.text for p in pending)


def refuse_unless_page_number(pending: list[Line], section: str) -> None:
    """Lines held back as the start of a row, before a complete row: only a page number may be dropped."""
    if not all(BARE_NUMBER.fullmatch(p.text) for p in pending):
        raise BulletinError(f"cannot read table row {quote(joined_text(pending))}", line=pending[0].number,
                            section=section)


def extend_numbered_row(lines: list[Line], index: int, joined: str, match: re.Match[str], *, row: re.Pattern[str],
                        row_start: re.Pattern[str] | None, is_header: Callable[[Line], bool],
                        is_end: Callable[[Line], bool]) -> tuple[re.Match[str], int]:
    """A numbered row may go on over the next line ("… 12320" / "网 368"): return the longer match and the
    index after it when the next line continues the name, else the match and index as they are."""
    if row_start is None:
        return match, index
    following = _next_text_line(lines, index, is_header)
    if following is not None and NAME_CONTINUATION.match(lines[following].text) \
            and not row_start.match(lines[following].text) and not is_end(lines[following]):
        longer = match_row(row, f"{joined} {lines[following].text}")
        if longer:
            return longer, following + 1
    return match, index


def refuse_unfinished_row(pending: list[Line], after: list[Line], row: re.Pattern[str], section: str) -> None:
    """The table ended on the start of a row that no later line completes: a cut-off row is an error."""
    if pending and not all(BARE_NUMBER.fullmatch(p.text) for p in pending) \
            and not any(match_row(row, line.text) for line in after) and _is_row_prefix(joined_text(pending)):
        raise BulletinError(f"incomplete table row {quote(joined_text(pending))}", line=pending[0].number,
                            section=section)


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


def looks_like_row_data(text: str) -> bool:
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

def check_row_numbers(numbered: list[tuple[int, int]], section: str) -> None:
    """Row numbers (序号) run 1..n: a gap or a stray number means a row was lost or misread."""
    expected = 1
    for seq, line in sorted(numbered):
        if seq != expected:
            what = f"row number {expected} is missing" if seq > expected else f"row number {seq} is out of place"
            raise BulletinError(f"{what} (rows are numbered 1 to {len(numbered)})", line=line, section=section)
        expected += 1
