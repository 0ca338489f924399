"""Chart axes in the page's language: value axes in one unit (万 and 亿 in Chinese), and month axes whose ticks
thin out as the months grow."""
from __future__ import annotations

import math
from datetime import timedelta

import matplotlib.pyplot as plt
from matplotlib.dates import MonthLocator, YearLocator, num2date
from matplotlib.ticker import Formatter, FuncFormatter

from njbulletin.report.labels import text

AXIS_SCALES = ((100_000_000, "axis_hundred_million"), (10_000, "axis_ten_thousand"))


def axis_scale(largest: float, lang: str) -> tuple[float, str | None]:
    """The unit an axis is written in, from its largest value: 亿 from 100,000,000 on, 万 from 10,000 on (in
    Chinese; English keeps thousands separators): (divisor, string key)."""
    if lang == "zh":
        for divisor, key in AXIS_SCALES:
            if abs(largest) >= divisor:
                return divisor, key
    return 1, None


def axis_number(value: float, lang: str, scale: tuple[float, str | None] | None = None) -> str:
    """A value-axis tick: thousands separators, or 万 and 亿 in Chinese (276,195 / 27.62万). `scale` is the
    axis's unit (axis_scale); by default the value's own."""
    def short(number: float) -> str:
        return f"{number:,.2f}".rstrip("0").rstrip(".")

    divisor, key = scale or axis_scale(value, lang)
    if key is None or value == 0:
        return short(value)
    return text(key, lang, value=short(value / divisor))


class ValueFormatter(Formatter):
    """The ticks of a value axis, all in one unit: the unit its largest tick in view calls for (an axis from
    0 to 10,000 reads 0, 0.2万 ... 1万, never 8,000 beside 1万)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.scale: tuple[float, str | None] | None = None

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        low, high = sorted(self.axis.get_view_interval()) if self.axis is not None else (-math.inf, math.inf)
        shown = [abs(value) for value in locs if low - 1e-9 * abs(low) <= value <= high + 1e-9 * abs(high)]
        self.scale = axis_scale(max(shown, default=0), self.lang)

    def __call__(self, value: float, pos=None) -> str:
        return axis_number(value, self.lang, self.scale)


def format_value_axis(axis, lang: str) -> None:
    axis.set_major_formatter(ValueFormatter(lang))


def month_ticks(months: int) -> tuple[object, str]:
    """A date locator for a span of `months` months that puts at most about 24 labels on the axis, and
    the kind of label: every month up to two years, quarters up to six years, then years (every
    second, third... year beyond twenty years)."""
    if months <= 24:
        return MonthLocator(), "month"
    if months <= 72:
        return MonthLocator(bymonth=(1, 4, 7, 10)), "quarter"
    return YearLocator(base=max(1, math.ceil(months / 12 / 20))), "year"


def month_label(value: float, kind: str, lang: str) -> str:
    day = num2date(value)
    if kind == "month":
        return f"{day:%Y-%m}"
    if kind == "quarter":
        return text("axis_quarter", lang, year=day.year, quarter=(day.month - 1) // 3 + 1)
    return text("axis_year", lang, year=day.year)


def set_month_axis(ax: plt.Axes, first, last, lang: str) -> None:
    """A time axis from the first to the last month, ticks as `month_ticks` chooses."""
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    locator, kind = month_ticks(span)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: month_label(value, kind, lang)))
    ax.set_xlim(first - timedelta(days=20), last + timedelta(days=20))
    ax.tick_params(axis="x", labelrotation=90 if kind == "month" and span > 12 else 0)
