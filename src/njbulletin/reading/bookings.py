"""The bookings table: its header read against the booking channels, its rows and its 合计 line."""
from __future__ import annotations

import re
from functools import cache

from njbulletin.contract import CHANNELS, SUBTOTAL_LABEL
from njbulletin.errors import BulletinError
from njbulletin.reading.booking_columns import known_value_columns, read_value_columns
from njbulletin.reading.grammar import (
    BOOKING_HEADER_WORDS,
    FOOTNOTE_START,
    NAME,
    NUMBERED_ROW_START,
    PROSE_PUNCTUATION,
    SECTION_TITLES,
    VALUE,
    Line,
    parse_count,
    parse_int,
    quote,
)
from njbulletin.reading.rows import (
    MAX_ROW_CHARS,
    TableLayout,
    check_row_numbers,
    is_header_line,
    looks_like_row_data,
    read_rows_after_header,
)

# --------------------------------------------------------------------------- bookings

MAX_HEADER_LINES = 3  # a bookings header wraps over at most this many lines


@cache
def bookings_layout(values: int) -> TableLayout:
    """The bookings table with `values` value columns (its channels and 小计, as its header prints them)."""
    cells = "".join(f" (?P<c{i}>{VALUE})" for i in range(values))
    row = re.compile(rf"(?P<seq>\d+) (?P<name>{NAME}){cells}")
    return TableLayout("bookings", BOOKING_HEADER_WORDS, ("序号", "小计"), row, ends_at_total=True, numbered=True)


@cache
def booking_total_pattern(values: int) -> re.Pattern[str]:
    """The bookings 合计 row with `values` value columns."""
    return re.compile(r"合 ?计[:：]?" + "".join(f" ?(?P<c{i}>{VALUE})" for i in range(values)))


def starts_booking_header(line: Line) -> bool:
    """A line that opens a bookings header: it starts with 序号 (or is made of header words and holds it),
    and is no row of counts and no prose."""
    if "序号" not in line.compact or len(line.text) > MAX_ROW_CHARS or PROSE_PUNCTUATION.search(line.text):
        return False
    return (line.compact.startswith("序号") and not looks_like_row_data(line.text)) \
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
                          or PROSE_PUNCTUATION.search(line.text) or looks_like_row_data(line.text)):
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
