"""Charts: the CJK font renders Chinese without missing glyphs; labels, source line, zh/en; PNG + SVG."""
from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from njbulletin.analysis import channels, completeness  # noqa: E402
from njbulletin.reading.parser import parse_text  # noqa: E402
from njbulletin.report import charts, plotting  # noqa: E402

from seedtools import seed_text  # noqa: E402


@pytest.fixture(scope="module")
def seed():
    return parse_text(seed_text()).tables


def draw_and_save(folder: Path, **rc) -> list[Path]:
    frame = pl.DataFrame({"hospital": ["鼓楼", "江宁"], "count": [3, 1]})
    with plt.rc_context(rc):
        figure = plotting.plot_ranked_bars(frame, "count", "hospital", title="鼓楼 预约量", xlabel="预约量（人次）",
                                           ylabel="医院", month="2024-11", lang="zh")
        written = plotting.save_figure(figure, folder, "gulou")
    plotting.close_figure(figure)
    return written


def test_the_font_is_the_noto_cjk_from_mplfonts():
    path = font_manager.findfont(font_manager.FontProperties(family=plotting.CJK_FONT), fallback_to_default=False)
    assert Path(path).name == "NotoSansCJKsc-Regular.otf"
    assert "mplfonts" in Path(path).parts


def test_drawing_gulou_emits_no_missing_glyph_warning(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = draw_and_save(tmp_path)
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []
    assert [p.name for p in written] == ["gulou.png", "gulou.svg"]
    assert all(p.stat().st_size > 1000 for p in written)
    assert not list(tmp_path.glob(".gulou-*"))  # no temporary file left behind


def test_the_warning_check_would_catch_a_font_without_chinese(tmp_path):
    # The same drawing inside a style that forces a Latin-only font warns: the test above can fail.
    forced = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with plt.rc_context(forced):
            figure, axes = plt.subplots()
            axes.set_title("鼓楼")
            figure.savefig(tmp_path / "latin.png")
        plt.close(figure)
    assert any("missing from font" in str(w.message) for w in caught)


def texts_of(figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(matplotlib.text.Text) if text.get_text()]


def test_chart_has_title_axis_labels_with_units_and_source_line(seed):
    figure = charts.chart_channels(channels.summarise_channels(seed["bookings"]), "2024-11", "zh")
    axes = figure.axes[0]
    assert axes.get_title() == "2024-11 各渠道预约挂号量"
    assert axes.get_xlabel() == "占比（%）" and axes.get_ylabel() == "预约渠道"
    assert "来源：南京市卫生信息中心月报，2024-11" in texts_of(figure)
    assert [t.get_text() for t in axes.get_yticklabels()] == ["12320在线预约", "快速预约", "诊间预约", "第三方"]
    plotting.close_figure(figure)


def test_english_switches_titles_labels_units_and_names(seed):
    figure = charts.chart_channels(channels.summarise_channels(seed["bookings"]), "2024-11", "en")
    axes = figure.axes[0]
    assert axes.get_title() == "Bookings by channel, 2024-11"
    assert axes.get_xlabel() == "Share (%)"
    assert "Source: Nanjing Health Information Center bulletin, 2024-11" in texts_of(figure)
    assert [t.get_text() for t in axes.get_yticklabels()][-1] == "Third party"
    plotting.close_figure(figure)
    mix = charts.chart_channel_mix(channels.pivot_channel_mix(seed["bookings"]), "2024-11", "en")
    names = [t.get_text() for t in mix.axes[0].get_yticklabels()]
    assert names[0] == "Nanjing Drum Tower Hospital"  # from the registry, for 南京鼓楼医院（含分院）
    plotting.close_figure(mix)


def test_heatmap_keeps_levels_apart_and_saves_both_formats(seed, tmp_path):
    ratios = completeness.rank_by_completeness(completeness.compute_upload_ratios(seed["uploads"], 30))
    figure = charts.chart_completeness(ratios, "district", "2024-11", "zh")
    rows = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert len(rows) == 12 and rows[0] == "江宁区"
    written = plotting.save_figure(figure, tmp_path / "figures", "20-completeness-districts")
    assert sorted(p.suffix for p in written) == [".png", ".svg"]
    plotting.close_figure(figure)


def test_rows_with_the_same_label_keep_their_own_bars():
    frame = pl.DataFrame({"name": ["鼓楼", "鼓楼", "江宁"], "count": [3, 2, 1]})
    figure = plotting.plot_ranked_bars(frame, "count", "name", title="t", xlabel="x", ylabel="y", month="2024-11", lang="zh")
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["鼓楼", "鼓楼 (2)", "江宁"]
    assert sorted(round(bar.get_width()) for bar in axes.patches) == [1, 2, 3]
    plotting.close_figure(figure)


def test_publish_figure_writes_both_formats_and_closes_the_figure(tmp_path):
    frame = pl.DataFrame({"hospital": ["鼓楼", "江宁"], "count": [3, 1]})
    figure = plotting.plot_ranked_bars(frame, "count", "hospital", title="鼓楼", xlabel="x", ylabel="y",
                                       month="2024-11", lang="zh")
    written = plotting.publish_figure(figure, tmp_path, "gulou")
    assert [p.name for p in written] == ["gulou.png", "gulou.svg"]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in written[1].read_bytes()[:1000]
    assert not plt.fignum_exists(figure.number)


def test_written_png_is_the_picture_and_the_svg_keeps_its_layout(seed, tmp_path):
    ratios = completeness.rank_by_completeness(completeness.compute_upload_ratios(seed["uploads"], 30))
    written = charts.chart_completeness(ratios, "district", "2024-11", "zh")
    rendered = plotting.write_figure(written, tmp_path, "districts")
    assert written.get_layout_engine() is None  # laid out once, then kept: no format lays it out again
    reference = charts.chart_completeness(ratios, "district", "2024-11", "zh")  # laid out by its own draw
    assert rendered["png"] == plotting.render_figure(reference, "png") == (tmp_path / "districts.png").read_bytes()
    assert rendered["svg"] == (tmp_path / "districts.svg").read_bytes()
    # The SVG reuses the PNG's layout instead of laying out again with SVG text metrics: the axes (heatmap
    # and colour bar) sit within 0.5% of the figure of where an SVG laid out on its own puts them.
    svg_laid_out = charts.chart_completeness(ratios, "district", "2024-11", "zh")
    plotting.render_figure(svg_laid_out, "svg")
    for kept, own in zip(written.axes, svg_laid_out.axes, strict=True):
        assert max(abs(a - b) for a, b in zip(kept.get_position().bounds, own.get_position().bounds)) < 0.005
    for figure in (written, reference, svg_laid_out):
        plotting.close_figure(figure)


def month_summary(months: int, start: str = "2000-01") -> pl.DataFrame:
    from njbulletin.months import shift_month

    names = [shift_month(start, index) for index in range(months)]
    return pl.DataFrame({"month": names, "bookings_total": [276195 + 1000 * i for i in range(months)],
                         "third_party_share": [0.9 + i / (10 * months) for i in range(months)]})


def shown_tick_labels(figure) -> list[str]:
    figure.canvas.draw()
    axes = figure.axes[0]
    low, high = axes.get_xlim()
    return [tick.get_text() for tick, value in zip(axes.get_xticklabels(), axes.get_xticks())
            if tick.get_text() and low <= value <= high]


@pytest.mark.parametrize(("months", "first_labels"), [
    (1, ["2000-01"]),
    (13, ["2000-01", "2000-02", "2000-03"]),  # every month up to two years
    (24, ["2000-01", "2000-02", "2000-03"]),
    (60, ["2000年Q1", "2000年Q2", "2000年Q3"]),  # quarters up to six years
    (120, ["2000年", "2001年", "2002年"]),  # ten years: every year
    (600, ["2001年", "2004年", "2007年"]),  # fifty years: every third year (multiples of 3)
])
def test_trend_charts_use_a_time_axis_with_at_most_about_24_labels(months, first_labels):
    figure = charts.chart_trend(month_summary(months), "bookings_total", "2024-11", "zh")
    labels = shown_tick_labels(figure)
    assert labels[:3] == first_labels and len(labels) <= 25, labels
    assert len(set(labels)) == len(labels)
    plotting.close_figure(figure)


def test_axis_numbers_carry_separators_or_wan():
    assert plotting.axis_number(400000, "en") == "400,000"
    assert plotting.axis_number(400000, "zh") == "40万"
    assert plotting.axis_number(276195, "zh") == "27.62万"
    assert plotting.axis_number(2.85e10, "zh") == "285亿"
    assert plotting.axis_number(9999, "zh") == "9,999"
    figure = charts.chart_trend(month_summary(13), "bookings_total", "2024-11", "en")
    figure.canvas.draw()
    values = [tick.get_text() for tick in figure.axes[0].get_yticklabels() if tick.get_text()]
    assert values and all("," in value for value in values), values  # 276,195 .. 288,195
    plotting.close_figure(figure)
    figure = charts.chart_trend(month_summary(13), "third_party_share", "2024-11", "en")
    assert figure.axes[0].get_ylabel() == "Share (%)"
    plotting.close_figure(figure)


def test_a_month_that_was_not_processed_breaks_the_trend_line_instead_of_being_bridged():
    summary = month_summary(6).filter(pl.col("month") != "2000-04")  # 2000-04 was never processed
    figure = charts.chart_trend(summary, "bookings_total", "2024-11", "zh")
    heights = list(figure.axes[0].lines[0].get_ydata())
    assert heights[:3] == [276195, 277195, 278195] and heights[4:] == [280195, 281195]
    assert math.isnan(heights[3])  # the gap: no segment from 2000-03 to 2000-05
    plotting.close_figure(figure)
    levels = pl.DataFrame({"month": ["2000-01", "2000-03"] * 2, "level": ["district"] * 2 + ["hospital"] * 2,
                           "share_complete": [0.5, 0.6, 0.2, 0.3]})
    figure = charts.chart_completeness_trend(levels, "2024-11", "en")
    lines = figure.axes[0].lines
    assert [line.get_label() for line in lines] == ["District", "Hospital"]
    for line, expected in zip(lines, ([50.0, 60.0], [20.0, 30.0]), strict=True):
        shown = list(line.get_ydata())
        assert [shown[0], shown[2]] == expected and math.isnan(shown[1])
    plotting.close_figure(figure)


def every_chart(seed, lang: str) -> dict:
    """Every chart the analysis notebooks draw, from the seed, in one language."""
    from njbulletin.analysis import throughput
    from njbulletin.config import MIN_RATIO_DENOMINATOR

    bookings, uploads = seed["bookings"], seed["uploads"]
    units = throughput.compute_throughput(uploads)
    penetration, _ = channels.compute_booking_penetration(bookings, uploads)
    ranked = completeness.rank_by_completeness(completeness.compute_upload_ratios(uploads, 30))
    return {
        "channels": charts.chart_channels(channels.summarise_channels(bookings), "2024-11", lang),
        "mix": charts.chart_channel_mix(channels.pivot_channel_mix(bookings), "2024-11", lang),
        "platforms": charts.chart_platforms(channels.summarise_platforms(seed["booking_platforms"]), "2024-11", lang),
        "hotline": charts.chart_hotline(channels.summarise_hotline(seed["hotline"]), "2024-11", lang),
        "penetration": charts.chart_penetration(penetration, "2024-11", lang),
        "heatmap": charts.chart_completeness(ranked, "hospital", "2024-11", lang),
        "days": charts.chart_realtime_days(completeness.count_realtime_days(uploads, 30), "2024-11", lang),
        "ranking": charts.chart_ranking(
            throughput.rank_by_indicator(units, "income_per_discharge", "hospital", MIN_RATIO_DENOMINATOR),
            "income_per_discharge", "hospital", "2024-11", lang,
            left_out=throughput.count_left_out(units, "income_per_discharge", "hospital")),
        "scatter": charts.chart_visits_income(units, throughput.find_all_outliers(units), "hospital", "2024-11", lang),
        "trend": charts.chart_trend(month_summary(13), "bookings_total", "2024-11", lang),
        "completeness_trend": charts.chart_completeness_trend(
            pl.DataFrame({"month": ["2024-10", "2024-11"] * 2, "level": ["district"] * 2 + ["hospital"] * 2,
                          "share_complete": [0.5, 0.6, 0.2, 0.3]}), "2024-11", lang),
    }


def test_every_english_chart_is_in_english_down_to_its_source_line(seed):
    """The real-time days chart once wrote its source line in Chinese on the English page: its language was
    not passed. Every text of every English chart, hospital names included, is free of Chinese."""
    for name, figure in every_chart(seed, "en").items():
        figure.canvas.draw()
        texts = texts_of(figure)
        assert "Source: Nanjing Health Information Center bulletin, 2024-11" in texts, name
        chinese = [text for text in texts if re.search(r"[\u4e00-\u9fff]", text)]
        assert not chinese, (name, chinese[:3])
        plotting.close_figure(figure)


def test_no_chart_text_is_smaller_than_the_smallest_size(seed):
    """report.css never shows a chart below the scale at which SMALLEST_TEXT (7 pt, 9.7 px) stays 9 px."""
    for name, figure in every_chart(seed, "zh").items():
        figure.canvas.draw()
        sizes = {text.get_fontsize() for text in figure.findobj(matplotlib.text.Text) if text.get_text()}
        assert min(sizes) >= plotting.SMALLEST_TEXT, (name, sorted(sizes))
        plotting.close_figure(figure)


def test_one_palette_that_colour_blind_readers_tell_apart():
    import seaborn as sns

    assert plotting.PALETTE == "viridis"
    assert plotting.palette(4) == sns.color_palette("viridis", 4)
    frame = pl.DataFrame({"name": ["a", "b"], "x": [0.2, 0.9], "y": [0.5, 0.5]})
    figure = plotting.plot_heatmap(frame, "name", ["x", "y"], ["x", "y"], title="t", xlabel="x", ylabel="y",
                                   month="2024-11", lang="zh")
    assert figure.axes[0].collections[0].get_cmap().name == "viridis"  # not red against green
    plotting.close_figure(figure)


def test_an_axis_keeps_one_number_format():
    """Ticks from 0 to 10,000 read 0, 0.2万 ... 1万 in Chinese, never 8,000 beside 1万."""
    frame = pl.DataFrame({"name": ["a", "b"], "count": [10_000, 8_000]})
    figure = plotting.plot_ranked_bars(frame, "count", "name", title="t", xlabel="x", ylabel="y", month="2024-11", lang="zh")
    figure.canvas.draw()
    labels = [tick.get_text() for tick in figure.axes[0].get_xticklabels() if tick.get_text()]
    assert labels[0] == "0" and all(label.endswith("万") for label in labels[1:]), labels
    assert "1万" in labels and "0.8万" in labels
    plotting.close_figure(figure)
    assert plotting.axis_number(8000, "zh", plotting.axis_scale(10_000, "zh")) == "0.8万"
    assert plotting.axis_number(8000, "en", plotting.axis_scale(10_000, "en")) == "8,000"


def test_the_channel_mix_shows_each_bars_bookings_and_says_which_hospitals_it_leaves_out(seed):
    """35 hospitals book in the seed; 19 of them fewer than 100 times (南京市雨花医院: 1 booking) and are left
    out; 南京鼓楼医院（含分院）'s bar says 267,330, 南京市中西医结合医院's (the smallest drawn) 105."""
    figure = charts.chart_channel_mix(channels.pivot_channel_mix(seed["bookings"]), "2024-11", "zh")
    axes = figure.axes[0]
    names = [t.get_text() for t in axes.get_yticklabels()]
    assert len(names) == 16 and names[0] == "南京鼓楼医院（含分院）" and "南京市雨花医院" not in names
    counts = [t.get_text() for t in axes.child_axes[0].get_yticklabels()]  # the axis on the right
    assert counts[0] == "267,330" and counts[-1] == "105" and len(counts) == 16
    assert axes.get_title() == "2024-11 各医院预约渠道构成\n预约量少于 100 人次的 19 家医院未画出"
    plotting.close_figure(figure)


def test_a_ranking_says_when_it_shows_the_top_of_more(seed):
    penetration, _ = channels.compute_booking_penetration(seed["bookings"], seed["uploads"])
    figure = charts.chart_penetration(penetration, "2024-11", "en")
    assert penetration.height == 25 and len(figure.axes[0].get_yticklabels()) == 20
    assert figure.axes[0].get_title() == "Booking penetration by hospital, 2024-11\nTop 20 of 25"
    plotting.close_figure(figure)
    everyone = charts.chart_penetration(penetration.head(5), "2024-11", "en")
    assert everyone.axes[0].get_title() == "Booking penetration by hospital, 2024-11"  # all shown: nothing to say
    plotting.close_figure(everyone)


def test_count_axes_have_whole_ticks():
    """Units per number of upload days (counts 1 to 3) and hospitals per month (33 and 35): no 2.5 units and no
    33.5 hospitals on an axis."""
    from njbulletin.report.plotting import plot_count_bars, plot_lines

    bars = plot_count_bars(pl.DataFrame({"days": [28, 29, 30], "units": [1, 3, 2]}), "days", "units", None,
                           title="t", xlabel="x", ylabel="y", month="2024-11", lang="zh")
    lines = plot_lines(pl.DataFrame({"month": ["2024-10", "2024-11"], "hospitals": [33, 35]}), "month",
                       "hospitals", None, title="t", xlabel="x", ylabel="y", month="2024-11", lang="zh")
    for figure in (bars, lines):
        lower, upper = figure.axes[0].get_ylim()
        ticks = [tick for tick in figure.axes[0].get_yticks() if lower <= tick <= upper]
        assert len(ticks) >= 2 and all(float(tick).is_integer() for tick in ticks), ticks
        plt.close(figure)


def test_every_chart_is_drawn_within_its_sheet_and_the_hospitals_heatmap_in_three_parts(seed):
    """report.sheets: on paper at most 7.0 x 5.6 in (portrait A4's 703 px column and 148 mm, never shrunk in
    print), on a phone at most 3.6 in wide (360 px of a 390 px screen). The seed's 39 hospitals: ranks 1-13, 14-26, 27-39."""
    from njbulletin.report.sheets import PAPER, PHONE, parts

    assert parts(39) == [range(0, 13), range(13, 26), range(26, 39)] and parts(12) == [range(0, 12)]
    assert parts(16) == [range(0, 16)] and parts(17) == [range(0, 9), range(9, 17)]
    ranked = completeness.rank_by_completeness(completeness.compute_upload_ratios(seed["uploads"], 30))
    for sheet in (PAPER, PHONE):
        figures = charts.chart_completeness_parts(ranked, "hospital", "2024-11", "zh", sheet)
        assert [len(figure.axes[0].get_yticklabels()) for figure in figures] == [13, 13, 13]
        title = figures[1].axes[0].get_title(loc="center" if sheet is PAPER else "right")  # a phone: at the right
        assert title == "2024-11 数据采集完整度（医院）\n第 14–26 名，共 39 家（2 / 3）"
        for figure in figures + [charts.chart_channels(channels.summarise_channels(seed["bookings"]), "2024-11", "en",
                                                       sheet=sheet)]:
            width, height = figure.get_size_inches()
            assert width <= sheet.width and height <= sheet.height, (sheet.name, width, height)
            plotting.close_figure(figure)
