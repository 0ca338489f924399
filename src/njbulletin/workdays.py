"""China's working-day calendar at the level of a month: working days, calendar days, the Spring Festival.

Volumes (bookings, visits, discharges, hotline calls, incomes) are judged per working day, so that a month with
18 working days (2024-02) is not compared as it stands with one of 21 (2024-11). The calendar is China's
official one, with its public holidays and its make-up working days (调休, a Saturday or Sunday worked):

1. the `chinesecalendar` package (import name `chinese_calendar`) keeps the State Council's notices, one
   year at a time (`SOURCE_OFFICIAL`);
2. a year the package does not cover yet is read from `data/reference/holidays.csv` (`SOURCE_REFERENCE`), which
   a user extends when the State Council publishes a new year's notice (usually in November): one row per day
   that departs from Monday-to-Friday, `date,kind,name`, where `kind` is `holiday` (a weekday off) or
   `workday` (a weekend day worked). A year counts as covered once the file has any row in it;
3. a month covered by neither has no working-day count (`working_days` is None, `SOURCE_CALENDAR_DAYS`): it is
   judged per calendar day, and the page says so.

The Spring Festival (春节, the lunar new year's day) moves between 21 January and 20 February. Its dates are
reference data, `data/reference/spring_festival.csv` (`year,new_year_day`, 2000-2050; extend it by a row a
year). Its effect is modelled as a window of days around it, `FESTIVAL_WINDOW` (from a week before the new
year's day to the Lantern Festival, 正月十五, day +14), and the share of that window that falls in a month
(`festival_share`, 0 to 1; January + February of one year add up to 1), as X-13ARIMA-SEATS' moving-holiday
regressors do for Chinese New Year (R `seasonal::genhol(cny, start = -7, end = 14)`).

API (standard library plus `chinese_calendar`, imported on first use; results cached per month):

- `month_calendar(month) -> MonthCalendar`: every fact below for one 'YYYY-MM' month;
- `working_days(month) -> int | None`: the month's working days (None when no calendar covers it);
- `day_count(month) -> int`: what a volume is divided by: the working days, or the calendar days without them;
- `spring_festival(year) -> date | None`: the lunar new year's day (None when the reference file lacks it);
- `festival_share(month) -> float`: the share of the festival window in the month;
- `calendar_label(month) -> str`: the calendar a volume of the month is judged against, as attention.csv names
  it ('21 working days (21 a year earlier)').

The reference files' paths are parameters (`holidays_path`, `festival_path`) so that tests use their own.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from njbulletin.config import PROJECT_ROOT, REFERENCE_DIR
from njbulletin.errors import BulletinError
from njbulletin.months import days_in_month, shift_month, year_and_number

HOLIDAYS_PATH = REFERENCE_DIR / "holidays.csv"
FESTIVAL_PATH = REFERENCE_DIR / "spring_festival.csv"
HOLIDAY_FILE_COLUMNS = ("date", "kind", "name")
HOLIDAY_KINDS = ("holiday", "workday")

SOURCE_OFFICIAL = "official"          # the chinesecalendar package
SOURCE_REFERENCE = "reference"        # data/reference/holidays.csv
SOURCE_CALENDAR_DAYS = "calendar_days"  # neither: judged per calendar day
SOURCES = (SOURCE_OFFICIAL, SOURCE_REFERENCE, SOURCE_CALENDAR_DAYS)

# Days relative to the lunar new year's day (day 0), both ends included: a week before it, the holiday week,
# and the week after, to the Lantern Festival (day +14).
FESTIVAL_WINDOW = (-7, 14)
FESTIVAL_WINDOW_DAYS = FESTIVAL_WINDOW[1] - FESTIVAL_WINDOW[0] + 1


@dataclass(frozen=True)
class MonthCalendar:
    """One month's calendar facts."""

    month: str
    working_days: int | None  # None when no calendar covers the month (source SOURCE_CALENDAR_DAYS)
    calendar_days: int
    source: str  # one of SOURCES
    festival_date: dt.date | None  # the lunar new year's day when it falls in this month
    festival_days: int  # days of the festival window in this month (0 to FESTIVAL_WINDOW_DAYS)

    @property
    def day_count(self) -> int:
        """What a volume is divided by: the working days, or the calendar days when there are none."""
        return self.working_days if self.working_days is not None else self.calendar_days

    @property
    def festival_share(self) -> float:
        """The share of the festival window in this month (January and February of one year add up to 1)."""
        return self.festival_days / FESTIVAL_WINDOW_DAYS


def reference_name(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """A reference CSV's rows with their line numbers; a missing file has none."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in columns if column not in (reader.fieldnames or ())]
        if missing:
            raise BulletinError(f"{reference_name(path)}: line 1: missing column(s) {', '.join(missing)}")
        return [(reader.line_num, row) for row in reader if any((value or "").strip() for value in row.values())]


def _date(path: Path, line: int, text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise BulletinError(f"{reference_name(path)}: line {line}: {text!r} is not a date (YYYY-MM-DD)") from None


@lru_cache(maxsize=8)
def reference_days(path: Path = HOLIDAYS_PATH) -> dict[dt.date, str]:
    """The reference file's days that depart from Monday-to-Friday: date -> 'holiday' or 'workday'."""
    days: dict[dt.date, str] = {}
    for line, row in _rows(path, HOLIDAY_FILE_COLUMNS):
        kind = (row["kind"] or "").strip()
        if kind not in HOLIDAY_KINDS:
            raise BulletinError(f"{reference_name(path)}: line {line}: kind {kind!r} is not one of {', '.join(HOLIDAY_KINDS)}")
        day = _date(path, line, row["date"])
        if day in days:
            raise BulletinError(f"{reference_name(path)}: line {line}: {day} is listed twice")
        days[day] = kind
    return days


@lru_cache(maxsize=8)
def festival_dates(path: Path = FESTIVAL_PATH) -> dict[int, dt.date]:
    """The Spring Festival's date (lunar new year's day) of each year the reference file lists."""
    dates: dict[int, dt.date] = {}
    for line, row in _rows(path, ("year", "new_year_day")):
        day = _date(path, line, row["new_year_day"])
        if str(day.year) != (row["year"] or "").strip() or not (dt.date(day.year, 1, 21) <= day <= dt.date(day.year, 2, 20)):
            raise BulletinError(f"{reference_name(path)}: line {line}: {day} is not a Spring Festival of {row['year']}")
        dates[day.year] = day
    return dates


def spring_festival(year: int, festival_path: Path = FESTIVAL_PATH) -> dt.date | None:
    """The lunar new year's day of `year`, or None when the reference file does not list it."""
    return festival_dates(festival_path).get(year)


def _month_days(month: str) -> list[dt.date]:
    year, number = year_and_number(month)
    return [dt.date(year, number, day) for day in range(1, days_in_month(month) + 1)]


def _official_working_days(days: list[dt.date]) -> int | None:
    """Working days by the chinesecalendar package, or None for a year it does not cover."""
    import chinese_calendar

    try:
        return sum(1 for day in days if chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def _reference_working_days(days: list[dt.date], holidays_path: Path) -> int | None:
    reference = reference_days(holidays_path)
    if not any(day.year == days[0].year for day in reference):
        return None
    weekdays = sum(1 for day in days if day.weekday() < 5 and reference.get(day) != "holiday")
    return weekdays + sum(1 for day in days if day.weekday() >= 5 and reference.get(day) == "workday")


def _festival_days(days: list[dt.date], festival_path: Path) -> tuple[dt.date | None, int]:
    """The lunar new year's day if it falls among `days`, and how many of `days` the festival window covers."""
    year = days[0].year
    inside = 0
    here = None
    for festival in (spring_festival(year, festival_path), spring_festival(year + 1, festival_path)):
        if festival is None:
            continue
        first = festival + dt.timedelta(days=FESTIVAL_WINDOW[0])
        last = festival + dt.timedelta(days=FESTIVAL_WINDOW[1])
        inside += sum(1 for day in days if first <= day <= last)
        if days[0] <= festival <= days[-1]:
            here = festival
    return here, inside


@lru_cache(maxsize=2048)
def month_calendar(month: str, holidays_path: Path = HOLIDAYS_PATH, festival_path: Path = FESTIVAL_PATH) -> MonthCalendar:
    """The calendar facts of one 'YYYY-MM' month (see the module's docstring for the sources' order)."""
    days = _month_days(month)
    working, source = _official_working_days(days), SOURCE_OFFICIAL
    if working is None:
        working, source = _reference_working_days(days, holidays_path), SOURCE_REFERENCE
    if working is None:
        source = SOURCE_CALENDAR_DAYS
    festival, festival_days = _festival_days(days, festival_path)
    return MonthCalendar(month, working, len(days), source, festival, festival_days)


def working_days(month: str) -> int | None:
    """The month's working days by China's official calendar; None when no calendar covers it."""
    return month_calendar(month).working_days


def day_count(month: str) -> int:
    """What a volume of the month is divided by: its working days, or its calendar days without them."""
    return month_calendar(month).day_count


def festival_share(month: str) -> float:
    """The share of the Spring Festival window that falls in the month."""
    return month_calendar(month).festival_share


def calendar_label(month: str) -> str:
    """The calendar a volume of the month is judged against, in the words of attention.csv's `calendar` column:
    '21 working days (21 a year earlier)', '21 working days (a year earlier: no working-day calendar)', or
    'calendar days (30): no working-day calendar'; '; part of the Spring Festival window' added for a month
    the festival's window touches."""
    facts, before = month_calendar(month), month_calendar(shift_month(month, -12))
    if facts.working_days is None:
        label = f"calendar days ({facts.calendar_days}): no working-day calendar"
    elif before.working_days is None:
        label = f"{facts.working_days} working days (a year earlier: no working-day calendar)"
    else:
        label = f"{facts.working_days} working days ({before.working_days} a year earlier)"
    return label + ("; part of the Spring Festival window" if facts.festival_days else "")
