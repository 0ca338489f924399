"""Reference frames for the trends tests, computed from every month's full tables rather than read from the history
store: the store's key figures and completeness must equal them (test_history_store), and the trends tests build
their summaries from hand-made tables with them."""
from __future__ import annotations

import polars as pl

from njbulletin.analysis import trends
from njbulletin.analysis.completeness import summarise_completeness
from njbulletin.analysis.summary import compute_key_figures, present_tables
from njbulletin.contract import KEY_FIGURES, key_figures_schema
from njbulletin.months import days_in_month


def summarise_tables(bookings: pl.DataFrame, hotline: pl.DataFrame, platforms: pl.DataFrame, uploads: pl.DataFrame,
                     declared: pl.DataFrame) -> pl.DataFrame:
    """One row per month with the trends' figures, each month's key figures computed from its rows of the tables
    (a table without that month gives a null figure)."""
    histories = {"bookings": bookings, "hotline": hotline, "booking_platforms": platforms, "uploads": uploads,
                 "declared_totals": declared}
    schema = key_figures_schema(*KEY_FIGURES)
    rows = []
    for month in trends.list_months(*histories.values()):
        tables = {name: frame.filter(pl.col("month") == month) for name, frame in histories.items()}
        figures = compute_key_figures(month, days_in_month(month), present_tables(tables))
        rows.append({name: figures[name] for name in schema})
    return trends.summarise_key_figures(pl.DataFrame(rows, schema=schema, orient="row"))


def completeness_by_month(uploads: pl.DataFrame) -> pl.DataFrame:
    """Per month and level: units, complete, share_complete, without_uploads, mean_score."""
    parts = [summarise_completeness(frame, days_in_month(month)).select(pl.lit(month).alias("month"), pl.all())
             for (month,), frame in uploads.group_by("month")]
    return pl.concat(parts).sort("month", "level")
