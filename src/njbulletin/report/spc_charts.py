"""XmR charts in the Making Data Count style, from the points `analysis.spc.compute_spc` gives for one series.

The values as a grey line; the mean as a solid line and the process limits dashed; each point coloured by
its variation: common cause grey circles, special cause improving blue triangles, concerning orange diamonds,
neutral purple squares (`report.spc_icons`, the one source of SPC's colours, markers and icons; the points'
meaning is also in the legend and the icon's words). At the top right, the variation icon of the latest
month: a circle in its colour with ▲ (high) or ▼ (low), and its words. A month without a value breaks the
line. Markers and lines thin out as the months grow, so that 12 months and 600 months both read.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from njbulletin.analysis.spc_point_types import COMMON_CAUSE
from njbulletin.indicators import find_indicator, is_volume
from njbulletin.months import first_day, month_range
from njbulletin.report.labels import text
from njbulletin.report.plotting import (
    chart_style,
    decorate,
    format_value_axis,
    month_label,
    month_ticks,
    new_figure,
    set_month_axis,
)
from njbulletin.report.sheets import PAPER, Sheet
from njbulletin.report.spc_icons import COLOURS, LIMIT, LINE, MARKERS, MEAN, legend_key, point_colour, variation_icon

SERIES_COLUMNS = ("month", "value", "mean", "lower", "upper", "variation", "side", "limits", "baseline_points")
# The units an indicator is measured in (string keys), by kind and key.
MEASURE_UNITS = {"bookings_total": "ind_unit.bookings", "platforms_total": "ind_unit.bookings",
                 "bookings": "ind_unit.bookings", "hotline_calls": "ind_unit.calls", "work_orders": "ind_unit.work_orders",
                 "hospitals_booking": "ind_unit.hospitals", "hospital_outpatient_visits": "ind_unit.visits",
                 "outpatient_visits": "ind_unit.visits", "discharges": "ind_unit.discharges",
                 "completeness_score": "ind_unit.score"}


def measure_label(level: str, indicator: str, lang: str) -> str:
    """The value axis's label: the indicator's unit of measure (per working day for a volume, as SPC judges it:
    `analysis.calendar_adjustment`)."""
    kind = find_indicator(indicator, level).kind
    if indicator in MEASURE_UNITS:
        unit = text(MEASURE_UNITS[indicator], lang)
        return text("cal.axis", lang, unit=unit) if is_volume(indicator, level) else unit
    return text("ind_unit.percent" if kind == "share" else "ind_unit.yuan" if kind == "ratio" else "unit_value", lang)


def on_calendar(series: pl.DataFrame) -> pl.DataFrame:
    """The series' points on every month from its first to its last (null where a month has no value), the
    mean and limits carried across a gap so that their lines do not break."""
    months = series.sort("month")["month"]
    calendar = pl.DataFrame({"month": month_range(months[0], months[-1])})
    return (calendar.join(series.select(*SERIES_COLUMNS), on="month", how="left")
            .with_columns(pl.col("mean", "lower", "upper").fill_null(strategy="forward")))


def sizes(months: int, small: bool) -> tuple[float, float]:
    """(marker area, line width) for a chart of `months` months."""
    area = 30.0 if months <= 36 else 16.0 if months <= 120 else 7.0 if months <= 300 else 3.0
    width = 1.3 if months <= 120 else 0.9 if months <= 300 else 0.6
    return (area * (0.6 if small else 1.0), width)


def draw_points(ax, dates: list[date], values: np.ndarray, variations: list, area: float, lang: str) -> list:
    """Each point coloured by its variation; returns the legend's handles for the kinds present."""
    handles = []
    for variation in (COMMON_CAUSE, "concerning", "improving", "neutral"):
        mask = np.array([kind == variation for kind in variations])
        if not mask.any():
            continue
        ax.scatter(np.array(dates, dtype=object)[mask], values[mask], s=area, color=COLOURS[variation], zorder=3,
                   marker=MARKERS[variation],
                   edgecolors="white" if variation == COMMON_CAUSE else "#333333", linewidths=0.3)
        handles.append(Line2D([], [], marker=MARKERS[variation], linestyle="", color=COLOURS[variation],
                              label=text(legend_key(variation), lang)))
    return handles


def draw_icon(ax, variation: str | None, side: str | None, lang: str, small: bool) -> None:
    """The variation icon inside the plot's top right, as Making Data Count places it: a circle in the
    variation's colour with ▲ (high) or ▼ (low), and its words."""
    icon = variation_icon(variation, side, lang)
    if icon is None:
        return
    colour, size = icon["colour"], 7 if small else 8.5
    ax.text(0.985, 0.955, icon["mark"], transform=ax.transAxes, ha="right", va="top", fontsize=size, color="white",
            zorder=5, bbox={"boxstyle": "circle,pad=0.3", "fc": colour, "ec": colour})
    ax.text(0.94 if small else 0.955, 0.955, icon["words"], transform=ax.transAxes, ha="right", va="top", fontsize=size,
            color=colour, zorder=5, bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})


def set_axes(ax, dates: list[date], values: np.ndarray, limits: np.ndarray, lang: str, small: bool) -> None:
    """The time axis (coarser ticks on a small chart, whose labels would otherwise run into each other), and a
    band above the data where the icon sits without hiding a point."""
    set_month_axis(ax, dates[0], dates[-1], lang)
    if small and len(dates) > 12:
        locator, kind = month_ticks(len(dates) * 3)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: month_label(value, kind, lang)))
        ax.tick_params(axis="x", labelrotation=0)
    shown = np.concatenate([values, limits])
    shown = shown[np.isfinite(shown)]
    low, high = float(shown.min()), float(shown.max())
    span = (high - low) or abs(high) or 1.0
    ax.set_ylim(low - 0.06 * span, high + 0.3 * span)


def chart_xmr(series: pl.DataFrame, level: str, indicator: str, *, title: str, month: str, lang: str,
              small: bool = False, sheet: Sheet = PAPER) -> Figure:
    """The XmR chart of one series (its rows of `compute_spc`), drawn for the sheet (report.sheets); `small`
    (and any sheet narrower than paper): smaller marks, coarser month ticks, the legend over two rows."""
    small = small or sheet is not PAPER
    data = on_calendar(series)
    share = find_indicator(indicator, level).kind == "share"
    scale = 100.0 if share else 1.0
    dates = [first_day(m) for m in data["month"]]
    values = data["value"].to_numpy().astype(float) * scale
    area, width = sizes(len(dates), small)
    with chart_style():
        fig, ax = new_figure(sheet.width, sheet.figure_height(3.6 if sheet is PAPER else 3.4))
        ax.plot(dates, values, color=LINE, linewidth=width, zorder=1)
        ax.plot(dates, data["mean"].to_numpy().astype(float) * scale, color=MEAN, linewidth=1.0, zorder=2)
        for column in ("lower", "upper"):
            ax.plot(dates, data[column].to_numpy().astype(float) * scale, color=LIMIT, linewidth=1.0,
                    linestyle="--", zorder=2)
        handles = [Line2D([], [], color=MEAN, linewidth=1.0, label=text("spc.mean", lang)),
                   Line2D([], [], color=LIMIT, linewidth=1.0, linestyle="--", label=text("spc.limit_lines", lang))]
        handles += draw_points(ax, dates, values, data["variation"].to_list(), area, lang)
        fig.legend(handles=handles, loc="outside lower right", ncol=(len(handles) + 1) // 2 if small else len(handles),
                   frameon=False, fontsize=7 if small else 8, handletextpad=0.3, columnspacing=1.0)
        last = series.sort("month").row(-1, named=True)
        draw_icon(ax, last["variation"], last["side"], lang, small)
        set_axes(ax, dates, values, data.select("lower", "upper").to_numpy().astype(float).ravel() * scale, lang, small)
        if not share:
            format_value_axis(ax.yaxis, lang)
        return decorate(fig, ax, title, "", measure_label(level, indicator, lang), month, lang, sheet=sheet)


# ----------------------------------------------------------------------------- small charts, as inline SVG

SMALL_WIDTH, SMALL_HEIGHT = 560, 150
# The narrow drawing a phone shows instead (report.css, below 760 px): as wide as a 390 px screen shows whole at
# its own size, so that its 10 px labels stay 10 px (report.sheets: PHONE's 3.6 in at 100 dpi).
NARROW_WIDTH = 360
SMALL_MARGINS = {"left": 100, "right": 10, "top": 26, "bottom": 18}


def small_scale(data: pl.DataFrame, scale: float, chart_width: int = SMALL_WIDTH) -> tuple:
    """The functions from (month offset, value) to the SVG's x and y, for a drawing `chart_width` wide."""
    shown = np.concatenate([data[column].to_numpy().astype(float) for column in ("value", "lower", "upper")]) * scale
    shown = shown[np.isfinite(shown)]
    low, high = float(shown.min()), float(shown.max())
    span = (high - low) or abs(high) or 1.0
    low, high = low - 0.06 * span, high + 0.06 * span
    left, top = SMALL_MARGINS["left"], SMALL_MARGINS["top"]
    width = chart_width - left - SMALL_MARGINS["right"]
    height = SMALL_HEIGHT - top - SMALL_MARGINS["bottom"]
    step = width / max(data.height - 1, 1)
    return (lambda offset: round(left + offset * step, 1)), (lambda value: round(top + (high - value) / (high - low) * height, 1))


def small_drawing(data: pl.DataFrame, level: str, indicator: str, scale: float, width: int, lang: str) -> dict:
    """What the template draws of one small XmR chart `width` wide: the runs of values, the dots, the mean and
    limits with their latest values as labels, and the first and last months."""
    from njbulletin.report.attention import format_measure

    x, y = small_scale(data, scale, width)
    values = data["value"].to_list()
    runs, run = [], []
    for offset, value in enumerate(values + [None]):
        if value is None:
            runs += [run] if len(run) > 1 else []
            run = []
        else:
            run.append(f"{x(offset)},{y(value * scale)}")
    dots = [{"x": x(offset), "y": y(value * scale), "colour": point_colour(variation)}
            for offset, (value, variation) in enumerate(zip(values, data["variation"].to_list())) if value is not None]
    limits, labels = [], []
    last = data.row(-1, named=True)
    for column, colour, dashed in (("mean", MEAN, False), ("upper", LIMIT, True), ("lower", LIMIT, True)):
        line = data[column].to_list()
        points = [f"{x(offset)},{y(value * scale)}" for offset, value in enumerate(line) if value is not None]
        if points and last[column] is not None:
            limits.append({"points": " ".join(points), "colour": colour, "dashed": dashed})
            height = y(last[column] * scale)
            if all(abs(height - label["y"]) >= 10 for label in labels):  # a label never covers another
                labels.append({"x": SMALL_MARGINS["left"] - 6, "y": height, "anchor": "end",
                               "text": format_measure(last[column], level, indicator, lang)})
    baseline = SMALL_HEIGHT - 5
    labels += [{"x": x(0), "y": baseline, "anchor": "start", "text": data["month"][0]},
               {"x": x(data.height - 1), "y": baseline, "anchor": "end", "text": data["month"][-1]}]
    return {"width": width, "limits": limits, "runs": [" ".join(r) for r in runs], "dots": dots, "last": dots[-1],
            "labels": labels}


def small_xmr(series: pl.DataFrame, level: str, indicator: str, *, title: str, lang: str):
    """A small XmR chart of one series as inline SVG (a `Prose` for the page): cheap enough to draw one for every
    signal of a month. Drawn twice: SMALL_WIDTH wide, and NARROW_WIDTH wide for a phone (report.css shows one)."""
    from njbulletin.report.jinja import template_environment
    from njbulletin.report.narrative import Prose

    data = on_calendar(series)
    scale = 100.0 if find_indicator(indicator, level).kind == "share" else 1.0
    latest = series.sort("month").row(-1, named=True)
    icon = variation_icon(latest["variation"], latest["side"], lang)
    drawings = [{**small_drawing(data, level, indicator, scale, width, lang), "css_class": css_class}
                for width, css_class in ((SMALL_WIDTH, "njb-wide"), (NARROW_WIDTH, "njb-narrow"))]
    svg = template_environment().get_template("xmr.svg.j2").render(
        drawings=drawings, height=SMALL_HEIGHT, title=title, icon=icon,
        dot_radius=3 if data.height <= 120 else 1.6, line_width=1.2 if data.height <= 120 else 0.7)
    return Prose(svg)
