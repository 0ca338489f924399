"""What a reader is told of the calendar a volume was judged against (`analysis.calendar_adjustment`).

- `working_days_phrase(month, lang)`: 本月工作日 18 天（上年同月 19 天） / "18 working days this month (19 a
  year earlier)", or the calendar-day wording for a month no calendar covers;
- `volume_clause(level, indicator, month, lang, festival_factor=None)`: the clause every volume item carries
  (empty for an indicator that is not a volume): per working day, the working days, and for a month in the
  Spring Festival's window the festival's effect taken out (its size when `festival_factor` is given);
- `volume_measure(level, indicator, month, value, lang)` / `volume_name(level, indicator, month, lang)`: a volume in
  a sentence, with its value (每个工作日预约挂号 14 人次) or without it (每个工作日预约挂号人次); per calendar day
  (每日) in a month no calendar covers;
- `calendar_paragraph(adjustment, month, lang)`: the attention page's note: the method, the calendar's source,
  how many festivals the history holds and the effect estimated (or why none is), the months without a calendar.
"""
from __future__ import annotations

import math
from importlib.metadata import PackageNotFoundError, version

from njbulletin.analysis.calendar_adjustment import MIN_FESTIVALS, CalendarAdjustment
from njbulletin.indicators import is_volume
from njbulletin.months import shift_month
from njbulletin.report.labels import join_names, text
from njbulletin.report.narrative import Prose, paragraph, phrase
from njbulletin.workdays import HOLIDAYS_PATH, SOURCE_CALENDAR_DAYS, SOURCE_OFFICIAL, month_calendar, reference_name

PACKAGE = "chinesecalendar"  # the distribution that keeps China's official calendar
METHOD = "X-13ARIMA-SEATS"  # whose moving-holiday regressors the festival's effect follows


def working_days_phrase(month: str, lang: str) -> str:
    """The month's working days and the same month's a year earlier, in the language."""
    facts, last = month_calendar(month), month_calendar(shift_month(month, -12))
    if facts.working_days is None:
        return text("cal.calendar_days", lang, days=facts.calendar_days)
    if last.working_days is None:
        return text("cal.working_days_only", lang, days=facts.working_days)
    return text("cal.working_days", lang, days=facts.working_days, last=last.working_days)


def effect_text(factor: float) -> str:
    """A festival factor (0.76) as the change it stands for (−24%)."""
    change = (factor - 1) * 100
    return f"{'+' if change > 0 else '−'}{abs(change):.0f}%"


def volume_clause(level: str, indicator: str, month: str, lang: str, festival_factor: float | None = None) -> str:
    """The calendar a volume item was judged against ('' for an indicator that is not a volume)."""
    if not is_volume(indicator, level):
        return ""
    festival = ""
    if festival_factor is not None and festival_factor != 1:
        festival = text("cal.festival_effect", lang, effect=effect_text(festival_factor))
    elif month_calendar(month).festival_days:
        festival = text("cal.festival_month", lang)
    return text("cal.clause", lang, calendar=working_days_phrase(month, lang), festival=festival)


def per_day(month: str, lang: str) -> str:
    """每个工作日 / per working day; 每日 / per calendar day for a month no calendar covers."""
    return text("cal.per.calendar_day" if month_calendar(month).working_days is None else "cal.per.working_day", lang)


def volume_measure(level: str, indicator: str, month: str, value: str, lang: str) -> str:
    """A volume and its value in a sentence: 每个工作日预约挂号 14 人次 / 14 bookings per working day."""
    return text(f"vol.{level}.{indicator}", lang, per=per_day(month, lang), value=value)


def volume_name(level: str, indicator: str, month: str, lang: str) -> str:
    """A volume's name in a sentence: 每个工作日预约挂号人次 / bookings per working day."""
    return text(f"vol_name.{level}.{indicator}", lang, per=per_day(month, lang))


def calendar_source(lang: str) -> str:
    try:
        package = version(PACKAGE)
    except PackageNotFoundError:  # pragma: no cover - the lock installs it
        package = "?"
    return text("cal.source.official", lang, package=PACKAGE, version=package)


def calendar_paragraph(adjustment: CalendarAdjustment, month: str, lang: str) -> Prose:
    """The attention page's note on the calendar adjustment."""
    source = month_calendar(month).source
    where = calendar_source(lang) if source in (SOURCE_OFFICIAL, SOURCE_CALENDAR_DAYS) else text("cal.source.reference", lang, file=reference_name(HOLIDAYS_PATH))
    sentences = [phrase("p.calendar_method", lang, source=where, this_month=working_days_phrase(month, lang))]
    if adjustment.festivals >= MIN_FESTIVALS and adjustment.effects.height:
        factors = sorted(math.exp(beta) for beta in adjustment.effects["beta"])
        low, high = effect_text(factors[0]), effect_text(factors[-1])
        sentences.append(phrase("p.calendar_festival", lang, festivals=adjustment.festivals, method=METHOD,
                                effect=low if low == high else f"{low} {'至' if lang == 'zh' else 'to'} {high}"))
    else:
        sentences.append(phrase("p.calendar_few_festivals", lang, festivals=adjustment.festivals))
    uncovered = adjustment.uncovered_months()
    if uncovered:
        sentences.append(phrase("p.calendar_uncovered", lang, months=join_names(uncovered, lang), package=PACKAGE,
                                file=reference_name(HOLIDAYS_PATH)))
    return paragraph(*sentences)
