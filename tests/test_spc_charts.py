"""XmR charts (report.spc_charts): every point drawn in its variation's colour, a month without a value breaks the
line, the variation icon, the small SVG charts of the attention page, and 12 to 600 months on one time axis.

The series: 20 months alternating 12 and 10, then 18.5: mean 238.5 / 21 = 11.357; the moving ranges are 2,
and 8.5 for the last, which is above 3.267 x 46.5 / 20 and screened out; so the limits are 11.357 ± 2.66 x 2
(6.037 and 16.677), and 18.5 is above the upper one.
"""
from __future__ import annotations

import re

import matplotlib
import numpy as np
import polars as pl
import pytest
from matplotlib.colors import to_hex

from njbulletin.analysis.spc import compute_spc
from njbulletin.months import shift_month
from njbulletin.report.spc_charts import chart_xmr, small_xmr
from njbulletin.report.spc_icons import COLOURS, MARKERS, variation_icon

matplotlib.use("Agg")


def history(values: list[float | None], indicator: str = "bookings", level: str = "hospital",
            unit: str = "南京鼓楼医院") -> pl.DataFrame:
    months = [shift_month("2023-01", offset) for offset in range(len(values))]
    rows = [(month, level, unit, indicator, value) for month, value in zip(months, values) if value is not None]
    return pl.DataFrame(rows, schema={"month": pl.String, "level": pl.String, "unit": pl.String,
                                      "indicator": pl.String, "value": pl.Float64}, orient="row")


SERIES = [12.0, 10.0] * 10 + [18.5]


def scatter_colours(figure) -> list[str]:
    """Each plotted point's colour, in plotting order."""
    colours = []
    for collection in figure.axes[0].collections:
        colours += [to_hex(colour) for colour in collection.get_facecolors()] * (
            len(collection.get_offsets()) if len(collection.get_facecolors()) == 1 else 1)
    return colours


def test_each_point_is_drawn_in_its_variation_s_colour_with_the_icon_of_the_latest_month():
    points = compute_spc(history(SERIES))
    figure = chart_xmr(points, "hospital", "bookings", title="甲", month="2024-09", lang="zh")
    colours = scatter_colours(figure)
    assert colours.count(COLOURS["common_cause"]) == 20 and colours.count(COLOURS["improving"]) == 1
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert "▲" in texts and "特殊原因变异：向好（偏高）" in texts
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    assert legend == ["均值", "控制限", "普通原因变异", "特殊原因：向好"]
    lines = figure.axes[0].get_lines()
    assert [line.get_ydata()[0] for line in lines[1:4]] == pytest.approx([238.5 / 21, 238.5 / 21 - 5.32, 238.5 / 21 + 5.32])


def test_a_month_without_a_value_breaks_the_line_and_a_share_is_in_percent():
    values = [0.5, 0.6] * 10 + [0.55]
    values[7] = None
    points = compute_spc(history(values, "upload_completeness", "city", "南京市"))
    figure = chart_xmr(points, "city", "upload_completeness", title="Share", month="2024-09", lang="en")
    line = figure.axes[0].get_lines()[0].get_ydata()
    assert len(line) == 21 and np.isnan(line[7]) and line[0] == pytest.approx(50.0)
    assert figure.axes[0].get_ylabel() == "Share (%)"


@pytest.mark.parametrize("months", [12, 600])
def test_twelve_and_six_hundred_months_keep_the_time_axis_readable(months):
    rng = np.random.default_rng(months)
    points = compute_spc(history(list(100 + rng.normal(0, 5, months))))
    figure = chart_xmr(points, "hospital", "bookings", title="t", month="2024-09", lang="zh")
    figure.canvas.draw()
    labels = [label.get_text() for label in figure.axes[0].get_xticklabels() if label.get_text()]
    assert 4 <= len(labels) <= 26
    sizes = [size for collection in figure.axes[0].collections for size in collection.get_sizes()]
    assert max(sizes) <= (30 if months == 12 else 3)


def test_the_small_chart_is_inline_svg_with_a_dot_per_month_and_a_gap_where_one_is_missing():
    values = SERIES.copy()
    values[5] = None
    points = compute_spc(history(values, unit="南京<script>alert(1)</script>医院"))
    svg = small_xmr(points, "hospital", "bookings", title="南京<script>alert(1)</script>医院：预约挂号量",
                    lang="zh").html
    assert "<script>" not in svg and "南京&lt;script&gt;" in svg
    # drawn twice, 560 wide and 360 wide for a phone (report.css shows one), each with every month
    drawings = re.findall(r'<svg class="(njb-wide|njb-narrow)" width="(\d+)".*?</svg>', svg, re.DOTALL)
    assert drawings == [("njb-wide", "560"), ("njb-narrow", "360")]
    for drawing in svg.split("</svg>")[:2]:
        dots = re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="3" fill="(#[0-9a-f]+)"/>', drawing)
        assert len(dots) == 20 and dots.count(COLOURS["improving"]) == 1
        assert len(re.findall(r'<polyline fill="none" stroke="#b8b8b8"', drawing)) == 2  # months 1-5 and 7-21
        assert "特殊原因变异：向好（偏高）" in drawing and ">2023-01<" in drawing and ">2024-09<" in drawing
        assert max(float(x) for x in re.findall(r' cx="([\d.]+)"', drawing)) <= int(re.search(r'width="(\d+)"', drawing)[1])


def test_improving_concerning_and_neutral_points_differ_by_shape_as_well_as_colour():
    """Blue (improving) and purple (neutral) look alike to a colour-blind reader: the shapes tell them apart, and
    the legend shows the point's shape (here 20 common-cause circles and one improving triangle)."""
    assert len({MARKERS[kind] for kind in ("improving", "concerning", "neutral", "common_cause")}) == 4
    figure = chart_xmr(compute_spc(history(SERIES)), "hospital", "bookings", title="甲", month="2024-09", lang="zh")
    handles = figure.legends[0].legend_handles
    assert [handle.get_marker() for handle in handles[2:]] == [MARKERS["common_cause"], MARKERS["improving"]]
    sizes = [len(collection.get_offsets()) for collection in figure.axes[0].collections]
    assert sorted(sizes)[-2:] == [1, 20]


def test_both_charts_take_the_icon_from_one_rule():
    """The large chart and the small SVG draw the same icon: a circle in the variation's colour with its mark."""
    assert variation_icon("concerning", "low", "en")["mark"] == "▼"
    assert variation_icon("common_cause", None, "zh")["mark"] == "—"
    assert variation_icon(None, None, "zh") is None
    icon = variation_icon("improving", "high", "zh")
    svg = small_xmr(compute_spc(history(SERIES)), "hospital", "bookings", title="甲", lang="zh").html
    assert icon["colour"] == COLOURS["improving"] and icon["words"] in svg and icon["mark"] in svg

