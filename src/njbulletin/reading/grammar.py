"""What the bulletin's text looks like: section headings, the token and row patterns, page furniture,
the header words of each table, and how a printed number is read. Pure data and small functions; the
readers (parser, rows, bookings, the PDF layout) import their patterns from here."""
from __future__ import annotations

import re
from dataclasses import dataclass

from njbulletin.contract import BOOKING_KEY_LABELS, CHANNEL_LABELS
from njbulletin.errors import BulletinError

# --------------------------------------------------------------------------- sections

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
                       "收入（千元）", "收入(千元)", "人次", "（千元）", "(千元)",
                       "住院收入", "收入")  # a header may print the unit on a row of its own: 收入 / （千元）

CUMULATIVE_BOOKINGS = re.compile(r"总预约挂号量为?(?P<value>\d[\d,]*(?:\.\d+)?)(?P<unit>亿|万)?人?次")
CUMULATIVE_RECORDS = re.compile(r"累计校验入库数据(?P<value>\d[\d,]*(?:\.\d+)?)(?P<unit>亿|万)?条")
UNIT_MULTIPLIERS = {None: 1, "万": 10_000, "亿": 100_000_000}


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as an editor shows it
    text: str  # normalised: one space between tokens
    compact: str  # with every space removed


# --------------------------------------------------------------------------- numbers


MAX_QUOTED_CHARS = 60  # how much of a line an error message quotes


def quote(text: str) -> str:
    """A line as an error message quotes it: at most MAX_QUOTED_CHARS characters."""
    return f"'{text}'" if len(text) <= MAX_QUOTED_CHARS else f"'{text[:MAX_QUOTED_CHARS]}…'"




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
