"""Month strings ('YYYY-MM'): validation and calendar facts."""
from __future__ import annotations

import calendar
import re

from njbulletin.errors import UsageError

MONTH_PATTERN = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])")


def validate_month(month: object) -> str:
    """Return the month if it is 'YYYY-MM' with MM from 01 to 12; otherwise raise UsageError."""
    if not isinstance(month, str) or not MONTH_PATTERN.fullmatch(month):
        raise UsageError(f"invalid month {month!r}: expected YYYY-MM with MM from 01 to 12")
    return month


def days_in_month(month: str) -> int:
    year, number = (int(part) for part in validate_month(month).split("-"))
    return calendar.monthrange(year, number)[1]


def month_index(month: str) -> int:
    """The month counted from year 0 (so that months subtract)."""
    year, number = (int(part) for part in validate_month(month).split("-"))
    return year * 12 + (number - 1)


def shift_month(month: str, months: int) -> str:
    """The month `months` later (negative: earlier)."""
    index = month_index(month) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> int:
    """How many months `last` comes after `first` (0 for the same month)."""
    return month_index(last) - month_index(first)
