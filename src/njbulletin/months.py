"""Month strings ('YYYY-MM'): validation and calendar facts, and the only place where months are counted.

A month is validated once, where it comes in (`validate_month`: the command line in pipeline.plan, a notebook's
parameters in context.MonthContext, `njbulletin synth --start`), and then handed down as a string; the
helpers below take such a month and do not check it again.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from njbulletin.errors import UsageError

MONTH_PATTERN = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])")


def validate_month(month: object) -> str:
    """Return the month if it is 'YYYY-MM' with MM from 01 to 12; otherwise raise UsageError."""
    if not isinstance(month, str) or not MONTH_PATTERN.fullmatch(month):
        raise UsageError(f"invalid month {month!r}: expected YYYY-MM with MM from 01 to 12")
    return month


def year_and_number(month: str) -> tuple[int, int]:
    """(2024, 11) for '2024-11', a month validated where it came in."""
    year, number = month.split("-")
    return int(year), int(number)


def days_in_month(month: str) -> int:
    return calendar.monthrange(*year_and_number(month))[1]


def first_day(month: str) -> dt.date:
    """The month's first day, where a chart places it on a time axis."""
    return dt.date(*year_and_number(month), 1)


def month_index(month: str) -> int:
    """The month counted from year 0 (so that months subtract)."""
    year, number = year_and_number(month)
    return year * 12 + (number - 1)


def shift_month(month: str, months: int) -> str:
    """The month `months` later (negative: earlier)."""
    index = month_index(month) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> int:
    """How many months `last` comes after `first` (0 for the same month)."""
    return month_index(last) - month_index(first)


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included, oldest first (empty when `last` comes before)."""
    return [shift_month(first, offset) for offset in range(months_between(first, last) + 1)]
