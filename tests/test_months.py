"""months.py, the one place months are counted: a month validated where it comes in, then only counted."""
from __future__ import annotations

import datetime as dt

import pytest

from njbulletin.errors import UsageError
from njbulletin.months import days_in_month, first_day, month_range, months_between, shift_month, validate_month


def test_a_month_is_validated_where_it_comes_in():
    assert validate_month("2024-11") == "2024-11"
    for bad in ("2024-13", "2024-00", "2024-1", "24-11", None, 202411):
        with pytest.raises(UsageError, match="expected YYYY-MM"):
            validate_month(bad)


def test_the_calendar_counts_of_months():
    assert days_in_month("2024-02") == 29 and days_in_month("2023-02") == 28 and days_in_month("2024-11") == 30
    assert first_day("2024-11") == dt.date(2024, 11, 1)
    assert shift_month("2024-01", -1) == "2023-12" and shift_month("2024-11", 14) == "2026-01"
    assert months_between("2023-11", "2024-11") == 12


def test_month_range_crosses_the_year_and_is_empty_backwards():
    assert month_range("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert month_range("2024-11", "2024-11") == ["2024-11"]
    assert month_range("2024-11", "2024-10") == []
    assert len(month_range("2015-01", "2024-12")) == 120
