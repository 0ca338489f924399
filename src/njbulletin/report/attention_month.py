"""50-attention's analysis of a month in one call, which the notebook and `make bench` make alike: the history
read once (`history_store.load_attention_history`), every series judged against the calendar
(`analysis.calendar_adjustment.judge_history`), the month's and the month before's tables compared, the ranked
list built with its links and written with its exports, the series counted, and the one-page briefing written.
The page's words and charts are the notebook's cells, drawn from what this returns.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from njbulletin import history_store
from njbulletin.analysis import attention, calendar_adjustment, ranking, spc_queries, trends
from njbulletin.report import attention as listed
from njbulletin.report import briefing


@dataclass(frozen=True)
class AttentionMonth:
    """What the attention page shows of a month."""
    calendar: calendar_adjustment.CalendarAdjustment  # the working days and the festival's effect
    points: pl.DataFrame  # SPC of every series judged (`spc.compute_spc`)
    previous: dict[str, pl.DataFrame] | None  # the month before's tables, None when it was not processed
    items: pl.DataFrame  # the ranked list with its links (`report.attention.with_links`)
    months: int  # months in the archive up to this one (for a standing problem's 'since')
    counts: dict[str, int]  # series by their limits (none, provisional, proper)
    immaterial: int  # series too small to list (`ranking.count_immaterial`)
    briefing: Path  # briefing.html


def analyse_attention_month(ctx) -> AttentionMonth:
    """Judge the context's month (`MonthContext`), write its list's exports and its briefing; return what the
    page shows."""
    history = history_store.load_attention_history(ctx)  # indicator values, standing flags, key figures: one read
    calendar, points = calendar_adjustment.judge_history(history["indicator_values"])
    tables, previous = history_store.load_attention_tables(ctx)
    flag_history = history["standing_flags"]
    items = listed.with_links(attention.build_attention_list(ctx.month, tables, previous, points, flag_history))
    listed.write_attention_exports(ctx.report_dir, ctx.month, items, points)
    months = max(points["month"].n_unique(), flag_history["month"].n_unique(), 1)
    counts, immaterial = spc_queries.count_series(points, ctx.month), ranking.count_immaterial(points, ctx.month)
    summary = trends.summarise_key_figures(history["key_figures"])
    path = briefing.write_briefing(ctx.report_dir, summary, items, ctx.month, ctx.lang, months)
    return AttentionMonth(calendar, points, previous, items, months, counts, immaterial, path)
