"""The notebooks' charts: each takes the frame an analysis function returned, the month and the language,
and returns a matplotlib Figure drawn with the primitives of `njbulletin.report.plotting`."""
from __future__ import annotations

import polars as pl
import seaborn as sns
from matplotlib.figure import Figure

from njbulletin.analysis.completeness import INDICATORS
from njbulletin.config import MIN_BOOKINGS_IN_MIX_CHART, MIN_RATIO_DENOMINATOR
from njbulletin.report.labels import text, with_name_labels, with_text_labels
from njbulletin.report.plotting import (
    SMALLEST_TEXT,
    bar_height,
    chart_style,
    chart_width,
    decorate,
    format_value_axis,
    leave_room_for_labels,
    new_figure,
    plot_count_bars,
    plot_heatmap,
    plot_labelled_scatter,
    plot_lines,
    plot_ranked_bars,
    plot_stacked_bars,
)
from njbulletin.report.plotting import palette as chart_palette
from njbulletin.report.sheets import PAPER, Sheet, parts


def chart_channels(channels: pl.DataFrame, month: str, lang: str, sheet: Sheet = PAPER) -> Figure:
    """Bookings by channel as shares (from channels.summarise_channels)."""
    return plot_ranked_bars(with_text_labels(channels, "channel", lang), "share", "label", percent=True,
                            title=text("title_channels", lang, month=month), xlabel=text("unit_share", lang),
                            ylabel=text("axis_channel", lang), month=month, lang=lang, sheet=sheet)


def chart_channel_mix(mix: pl.DataFrame, month: str, lang: str,
                      smallest: int = MIN_BOOKINGS_IN_MIX_CHART, sheet: Sheet = PAPER) -> Figure:
    """Each hospital's channel mix as stacked shares (from channels.pivot_channel_mix), its bookings written to
    the right of its bar; hospitals with fewer than `smallest` bookings are left out, and the title says how many."""
    channels = [column for column in mix.columns if f"{column}_share" in mix.columns]  # those the month prints
    shown = mix.filter(pl.col("total") >= smallest)
    left_out = mix.height - shown.height
    subtitle = text("chart.mix_left_out", lang, count=left_out, smallest=f"{smallest:,}") if left_out else None
    return plot_stacked_bars(with_name_labels(shown, "hospital", lang), "label", [f"{c}_share" for c in channels],
                             [text(c, lang) for c in channels], title=text("title_channel_mix", lang, month=month),
                             xlabel=text("unit_share", lang), ylabel=text("axis_hospital", lang),
                             month=month, lang=lang, counts="total", counts_label=text("unit_bookings", lang),
                             subtitle=subtitle, sheet=sheet)


def chart_platforms(platforms: pl.DataFrame, month: str, lang: str, sheet: Sheet = PAPER) -> Figure:
    """Bookings by online platform (from channels.summarise_platforms)."""
    return plot_ranked_bars(with_text_labels(platforms, "platform", lang), "count", "label",
                            title=text("title_platforms", lang, month=month), xlabel=text("unit_bookings", lang),
                            ylabel=text("axis_platform", lang), month=month, lang=lang, sheet=sheet)


def chart_hotline(hotline: pl.DataFrame, month: str, lang: str, sheet: Sheet = PAPER) -> Figure:
    """Hotline calls and work orders by category, the two kinds coloured apart (from summarise_hotline)."""
    data = (with_text_labels(hotline, "category", lang)
            .with_columns(pl.col("kind").map_elements(lambda k: text(k, lang), return_dtype=pl.String)
                          .alias("kind_label")))
    frame = data.to_pandas()
    with chart_style():
        fig, ax = new_figure(chart_width(frame["label"], 8, sheet), bar_height(len(frame), sheet))
        sns.barplot(data=frame, x="count", y="label", hue="kind_label", dodge=False, ax=ax,
                    palette=chart_palette(frame["kind_label"].nunique()), orient="h")
        for container in ax.containers:
            ax.bar_label(container, fmt="{:,.0f}", fontsize=SMALLEST_TEXT, padding=2)
        leave_room_for_labels(ax, float(frame["count"].max()) if len(frame) else 0.0)
        ax.legend(title=None, loc="lower right")
        format_value_axis(ax.xaxis, lang)
        return decorate(fig, ax, text("title_hotline", lang, month=month), text("unit_calls", lang),
                        text("axis_category", lang), month, lang, sheet=sheet)


def top_of(shown: int, total: int, lang: str) -> str | None:
    """'Top 20 of 25' when a chart shows only the first rows of a ranking; None when it shows them all."""
    return text("chart.top_of", lang, shown=shown, total=total) if shown < total else None


def chart_penetration(ranked: pl.DataFrame, month: str, lang: str, top: int = 20,
                      sheet: Sheet = PAPER) -> Figure:
    """The hospitals with the highest bookings / outpatient visits (from compute_booking_penetration); the title
    says when they are the top `top` of more."""
    name = "english_name" if lang == "en" else "canonical_name"
    return plot_ranked_bars(ranked.head(top), "penetration", name, percent=True,
                            title=text("title_penetration", lang, month=month),
                            xlabel=text("unit_penetration", lang), ylabel=text("axis_hospital", lang),
                            month=month, lang=lang, subtitle=top_of(min(top, ranked.height), ranked.height, lang),
                            sheet=sheet)


def chart_completeness(ratios: pl.DataFrame, level: str, month: str, lang: str, sheet: Sheet = PAPER,
                       rows: range | None = None, parts_of: tuple[int, int] | None = None) -> Figure:
    """Heatmap of one level's units x (real-time ratio, forms ratio, score), best first (from
    completeness.rank_by_completeness); `rows` (positions in that order) draws those only, the title saying which
    part of how many (`parts_of`) they are."""
    ranked = ratios.filter(pl.col("level") == level)
    subtitle = None
    if rows is not None:
        part, count = parts_of or (1, 1)
        subtitle = text("chart.part_of", lang, first=rows.start + 1, last=rows.stop, total=ranked.height,
                        part=part, parts=count) if count > 1 else None
        ranked = ranked.slice(rows.start, len(rows))
    return plot_heatmap(with_name_labels(ranked, "unit", lang), "label", list(INDICATORS),
                        [text(i, lang) for i in INDICATORS],
                        title=text("title_completeness", lang, month=month, level=text(level, lang)),
                        xlabel=text("axis_indicator", lang), ylabel=text("axis_unit", lang),
                        month=month, lang=lang, subtitle=subtitle, sheet=sheet)


def chart_completeness_parts(ratios: pl.DataFrame, level: str, month: str, lang: str,
                             sheet: Sheet = PAPER) -> list[Figure]:
    """One level's completeness heatmap in parts that fit a sheet (report.sheets.parts: 39 hospitals, ranks 1-13,
    14-26 and 27-39), each part's title saying which ranks it shows."""
    split = parts(ratios.filter(pl.col("level") == level).height)
    return [chart_completeness(ratios, level, month, lang, sheet, rows, (number, len(split)))
            for number, rows in enumerate(split, start=1)]


def chart_realtime_days(counts: pl.DataFrame, month: str, lang: str, sheet: Sheet = PAPER) -> Figure:
    """Units per number of real-time upload days, districts and hospitals apart (from count_realtime_days)."""
    data = counts.with_columns(pl.col("level").map_elements(lambda lvl: text(lvl, lang), return_dtype=pl.String)
                               .alias("level_label"))
    return plot_count_bars(data, "realtime_days", "units", "level_label",
                           title=text("title_realtime_days", lang, month=month), xlabel=text("unit_days", lang),
                           ylabel=text("unit_units", lang), month=month, lang=lang,
                           legend_title=text("axis_level", lang), sheet=sheet)


THROUGHPUT_UNITS = {"outpatient_visits": "unit_visits", "income_per_visit": "unit_yuan_per_visit",
                    "discharges": "unit_discharges", "income_per_discharge": "unit_yuan_per_discharge",
                    "records_per_visit": "unit_records_per_visit"}


def chart_ranking(ranked: pl.DataFrame, column: str, level: str, month: str, lang: str,
                  top: int = 25, left_out: int = 0, sheet: Sheet = PAPER) -> Figure:
    """The top units of one throughput indicator (from throughput.rank_by_indicator); the title says when they
    are the top `top` of more, and how many units a ratio's minimum denominator left out (`left_out`)."""
    notes = [note for note in (top_of(min(top, ranked.height), ranked.height, lang),
                               left_out_note(column, left_out, lang)) if note]
    return plot_ranked_bars(with_name_labels(ranked.head(top), "unit", lang), column, "label",
                            title=text("title_ranking", lang, month=month, indicator=text(column, lang),
                                       level=text(level, lang)),
                            xlabel=text(THROUGHPUT_UNITS[column], lang), ylabel=text("axis_unit", lang),
                            month=month, lang=lang, subtitle=text("chart.notes_joiner", lang).join(notes) or None,
                            sheet=sheet)


def left_out_note(column: str, left_out: int, lang: str) -> str | None:
    """'出院人数少于 100 人次的 2 家未列入' for a ratio ranked among units with enough denominator."""
    from njbulletin.analysis.throughput import denominator_of

    denominator = denominator_of(column)
    if not left_out or denominator is None:
        return None
    return text("chart.too_small", lang, count=left_out,
                basis=text(f"fewer.{denominator}", lang, n=f"{MIN_RATIO_DENOMINATOR[denominator]:,}"))


def chart_visits_income(throughput: pl.DataFrame, outliers: pl.DataFrame, level: str, month: str,
                        lang: str, sheet: Sheet = PAPER) -> Figure:
    """Outpatient visits against outpatient income (log-log); the outliers of income per visit (from
    throughput.find_all_outliers) are marked and labelled."""
    flagged = (outliers.filter((pl.col("level") == level) & (pl.col("indicator") == "income_per_visit"))
               ["unit"].unique().to_list())
    rows = (throughput.filter((pl.col("level") == level) & (pl.col("outpatient_visits") > 0)
                              & (pl.col("outpatient_income_k") > 0))
            .with_columns(pl.col("unit").is_in(flagged).alias("outlier")))
    return plot_labelled_scatter(with_name_labels(rows, "unit", lang), "outpatient_visits", "outpatient_income_k",
                                 "label", "outlier",
                                 title=text("title_scatter", lang, month=month, level=text(level, lang)),
                                 xlabel=text("unit_visits", lang), ylabel=text("unit_income_k", lang),
                                 month=month, lang=lang, sheet=sheet)


METRIC_UNITS = {"bookings_total": "unit_bookings", "platforms_total": "unit_bookings",
                "cumulative_bookings": "unit_bookings", "third_party_share": "unit_share",
                "hotline_calls": "unit_calls", "work_orders": "unit_calls",
                "hospital_outpatient_visits": "unit_visits", "upload_units": "unit_units",
                "upload_units_complete": "unit_units"}


def chart_trend(summary: pl.DataFrame, metric: str, month: str, lang: str, sheet: Sheet = PAPER) -> Figure:
    """One summary figure over the months (from trends.summarise_key_figures)."""
    share = metric.endswith("share")
    data = summary.select("month", (pl.col(metric) * (100 if share else 1)).alias(metric))
    ylabel = text(METRIC_UNITS.get(metric, "unit_value"), lang)
    return plot_lines(data, "month", metric, None, title=text("title_trend", lang, month=month,
                                                              indicator=text(metric, lang)),
                      xlabel=text("unit_month", lang), ylabel=ylabel, month=month, lang=lang, percent=share,
                      sheet=sheet)


def chart_completeness_trend(history: pl.DataFrame, month: str, lang: str, sheet: Sheet = PAPER) -> Figure:
    """Share of complete units per month, districts and hospitals apart (the history store's completeness)."""
    data = history.with_columns((pl.col("share_complete") * 100).alias("share_complete"),
                                pl.col("level").map_elements(lambda lvl: text(lvl, lang), return_dtype=pl.String)
                                .alias("level_label"))
    return plot_lines(data, "month", "share_complete", "level_label",
                      title=text("title_completeness_trend", lang, month=month),
                      xlabel=text("unit_month", lang), ylabel=text("unit_share", lang), month=month,
                      lang=lang, legend_title=text("axis_level", lang), percent=True, sheet=sheet)
