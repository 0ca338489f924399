"""China's working-day calendar by month (njbulletin.workdays), checked against counts worked out by hand from
the State Council's notices, and its two fallbacks: the reference file, then calendar days."""
from __future__ import annotations

import datetime as dt

import pytest

from njbulletin.errors import BulletinError
from njbulletin.workdays import (
    FESTIVAL_WINDOW_DAYS,
    SOURCE_CALENDAR_DAYS,
    SOURCE_OFFICIAL,
    SOURCE_REFERENCE,
    calendar_label,
    day_count,
    festival_dates,
    month_calendar,
    spring_festival,
    working_days,
)


def test_2024_02_has_18_working_days():
    """February 2024 has 21 weekdays (1 Feb is a Thursday, 29 days). The Spring Festival holiday runs 10-17 Feb,
    taking Mon 12 to Fri 16 (5 weekdays); Sun 4 Feb and Sat 18 Feb are worked instead (调休): 21 - 5 + 2 = 18."""
    calendar = month_calendar("2024-02")
    assert (calendar.working_days, calendar.calendar_days, calendar.source) == (18, 29, SOURCE_OFFICIAL)
    assert calendar.festival_date == dt.date(2024, 2, 10)


def test_2024_11_has_21_working_days():
    """November 2024: 30 days from a Friday, 21 weekdays, no holiday and no make-up day."""
    assert working_days("2024-11") == 21
    assert day_count("2024-11") == 21


def test_the_calendar_a_volume_is_judged_against_names_both_years_or_calendar_days():
    """attention.csv's `calendar`: 2024-11 has 21 working days; November 2023, 30 days from a Wednesday, 22
    weekdays and no holiday. 2024-02 has 18 (above); February 2023, 28 days from a Wednesday, 20 weekdays, its
    Spring Festival holiday (21-27 Jan) and make-up days (28-29 Jan) all in January; 2024-02 holds the new year
    (10 Feb). 2099 is covered neither by the package nor by the reference file: calendar days."""
    assert calendar_label("2024-11") == "21 working days (22 a year earlier)"
    assert calendar_label("2024-02") == "18 working days (20 a year earlier); part of the Spring Festival window"
    assert calendar_label("2099-01") == "calendar days (31): no working-day calendar"


def test_2024_10_national_day_and_make_up_saturday():
    """October 2024 has 23 weekdays (1 Oct is a Tuesday). National Day's holiday, 1-7 Oct, takes Tue 1 to Fri 4
    and Mon 7 (5 weekdays); the make-up days are Sun 29 Sep (September's) and Sat 12 Oct: 23 - 5 + 1 = 19."""
    assert working_days("2024-10") == 19
    assert working_days("2024-09") == 21  # 21 weekdays; Mid-Autumn takes Mon 16 and Tue 17, Sat 14 and Sun 29 worked


def test_2025_01_new_year_and_early_spring_festival():
    """January 2025: 23 weekdays; 1 Jan and the Spring Festival's Tue 28 to Fri 31 are off (5), Sun 26 is worked:
    23 - 5 + 1 = 19. The new year's day, 29 Jan, falls in January."""
    calendar = month_calendar("2025-01")
    assert calendar.working_days == 19
    assert calendar.festival_date == dt.date(2025, 1, 29)


def test_festival_window_is_shared_between_january_and_february():
    """The window runs from 7 days before the new year's day to 14 after (22 days). 2024: 10 Feb, so 3-24 Feb,
    all in February. 2025: 29 Jan, so 22 Jan to 12 Feb: 10 days in January, 12 in February. 2023: 22 Jan, so
    15 Jan to 5 Feb: 17 and 5."""
    assert FESTIVAL_WINDOW_DAYS == 22
    assert (month_calendar("2024-01").festival_days, month_calendar("2024-02").festival_days) == (0, 22)
    assert (month_calendar("2025-01").festival_days, month_calendar("2025-02").festival_days) == (10, 12)
    assert (month_calendar("2023-01").festival_days, month_calendar("2023-02").festival_days) == (17, 5)
    assert month_calendar("2025-01").festival_share == pytest.approx(10 / 22)
    assert month_calendar("2024-11").festival_share == 0


def test_spring_festival_dates_lie_in_the_official_spring_festival_holiday():
    """Every new year's day of the reference file that the package covers is a Spring Festival holiday."""
    import chinese_calendar

    checked = 0
    for year, day in festival_dates().items():
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            continue
        assert on_holiday and name == chinese_calendar.Holiday.spring_festival.value, (year, day)
        checked += 1
    assert checked >= 20  # 2004 to 2026 at least


def write_holidays(tmp_path, text):
    path = tmp_path / "holidays.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_year_the_package_lacks_is_read_from_the_reference_file(tmp_path):
    """2090 follows 2006's calendar (28-year cycle): 1 Jan 2090 is a Sunday, so January has 22 weekdays (20 in
    four weeks, then Mon 30 and Tue 31). The file takes Mon 2 and Tue 3 off and works Sat 7: 22 - 2 + 1 = 21.
    February 2090 (from a Wednesday, 28 days) has no listed day but its year is covered: 20."""
    holidays = write_holidays(tmp_path, "date,kind,name\n2090-01-02,holiday,元旦\n2090-01-03,holiday,元旦\n2090-01-07,workday,元旦\n")
    january = month_calendar("2090-01", holidays_path=holidays)
    assert (january.working_days, january.source) == (21, SOURCE_REFERENCE)
    assert month_calendar("2090-02", holidays_path=holidays).working_days == 20


def test_a_month_with_neither_is_judged_per_calendar_day(tmp_path):
    holidays = write_holidays(tmp_path, "date,kind,name\n2090-01-02,holiday,元旦\n")
    calendar = month_calendar("2091-03", holidays_path=holidays)
    assert (calendar.working_days, calendar.source, calendar.calendar_days, calendar.day_count) == (None, SOURCE_CALENDAR_DAYS, 31, 31)


def test_a_bad_reference_row_names_its_file_and_line(tmp_path):
    holidays = write_holidays(tmp_path, "date,kind,name\n2090-01-02,holiday,元旦\n2090-01-08,off,元旦\n")
    with pytest.raises(BulletinError, match=r"holidays.csv: line 3: kind 'off'"):
        month_calendar("2090-05", holidays_path=holidays)


def test_a_year_missing_from_the_festival_file_has_no_festival(tmp_path):
    festivals = tmp_path / "spring_festival.csv"
    festivals.write_text("year,new_year_day\n2024,2024-02-10\n", encoding="utf-8")
    assert spring_festival(2025, festivals) is None
    assert month_calendar("2025-01", festival_path=festivals).festival_days == 0
    assert month_calendar("2024-02", festival_path=festivals).festival_days == 22
