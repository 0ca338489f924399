"""The history store, one room: a month's tables written and then its entry, stamped; entries brought up to
date; and what the notebooks that look across months read, for every month up to a context's month.

An entry is a few small frames computed from one month's tables (`analysis.history.derive_entry`, pure: what
the entry holds and how each frame is computed). It is written beside the tables
(``PROCESSED/history/<dataset>/month=YYYY-MM/data.parquet``) and stamped
(``PROCESSED/history/stamps/YYYY-MM.json``) with the sha256 of the month's table partitions and the code
version (`digests.code_version`) it was computed from. `write_month` is the one writer of a month: notebook
01 (through `ingest_month`), `njbulletin ingest` (`pipeline.ingest`) and the tests call it. `refresh` computes
again the entries whose tables or code changed (the pipeline, before history notebooks run). `read_months`
reads the store for every processed month up to a context's month, so that nothing reads every month's full
tables; a month whose entry is missing or stale is computed in memory from its tables instead, and the
context's own month from its raw file when it is not processed yet: the figures are always those of the
tables in place, and the store only makes them cheap.

This module sits above `analysis` (whose functions it calls, and which opens no file) and uses `storage`
for the partitions.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import polars as pl

from njbulletin import storage
from njbulletin.analysis.history import DATASETS, derive_entry
from njbulletin.analysis.summary import BULLETIN_TABLES
from njbulletin.atomic import read_json, write_text_atomic
from njbulletin.digests import code_version, sha256_file
from njbulletin.errors import UsageError
from njbulletin.ingest import ensure_outside_raw, read_month_tables
from njbulletin.layout import history_partition_path, history_stamp_path, partition_path
from njbulletin.months import shift_month

# ----------------------------------------------------------------------------- stamps


def partition_digests(processed_dir: Path, month: str, tables: list[str]) -> dict[str, str | None]:
    """The sha256 of each table's partition of the month (None for a table without one)."""
    digests: dict[str, str | None] = {}
    for table in sorted(tables):
        path = partition_path(processed_dir, table, month)
        digests[table] = sha256_file(path) if path.is_file() else None
    return digests


def history_stamp(processed_dir: Path, month: str, tables: list[str], code: str) -> dict:
    """What a month's entry in the history store is computed from: its tables' partitions and the code."""
    return {"month": month, "code": code, "tables": partition_digests(processed_dir, month, tables)}


def is_history_fresh(processed_dir: Path, month: str, code: str) -> bool:
    """True when the month's entry was computed by this code from the partitions in place now."""
    stamp = read_json(history_stamp_path(processed_dir, month))
    if not stamp or stamp.get("code") != code or not stamp.get("tables"):
        return False
    return stamp == history_stamp(processed_dir, month, list(stamp["tables"]), code)


# ----------------------------------------------------------------------------- writing


def write_entry(processed_dir: Path, month: str, tables: Mapping[str, pl.DataFrame], code: str) -> None:
    """Replace a month's entry, computed from the tables in place for it: the stamp is removed first and
    written last, so an entry whose writer was killed midway is never taken for a fresh one."""
    history_stamp_path(processed_dir, month).unlink(missing_ok=True)
    frames = derive_entry(month, tables)
    targets = {dataset: history_partition_path(processed_dir, dataset, month) for dataset in frames}
    storage.write_partitions(frames, targets, processed_dir, month)
    stamp = history_stamp(processed_dir, month, list(tables), code)
    write_text_atomic(history_stamp_path(processed_dir, month), json.dumps(stamp, indent=1, sort_keys=True) + "\n")


def write_month(processed_dir: Path, month: str, tables: Mapping[str, pl.DataFrame]) -> None:
    """Store a month: its tables (each partition replaced atomically), then its entry in the history store.
    The one writer of a month: the entry never describes tables other than those in place (a stamp left beside
    tables that a failed write changed in part no longer matches their digests, so it is not taken as fresh; a
    write that failed before any table changed leaves the month, its stamp included, as it was)."""
    storage.write_month_tables(tables, processed_dir, month)
    write_entry(processed_dir, month, tables, code_version())


def ingest_month(ctx):
    """Notebook 01's step: read and validate the context's raw bulletin (a month with errors is refused unless
    `allow_errors`: `ingest.read_month_tables`) and store it (`write_month`). Returns (bulletin, validation
    report, the tables stored)."""
    ensure_outside_raw(ctx.output_processed_dir)
    bulletin, report, tables = read_month_tables(ctx.raw_path(), ctx.allow_errors)
    write_month(ctx.output_processed_dir, ctx.month, tables)
    return bulletin, report, tables


def refresh(processed_dir: Path, months: list[str]) -> list[str]:
    """Compute again the entries of those months whose entry is missing or stale; returns those months."""
    code = code_version()
    stale = [month for month in months if not is_history_fresh(processed_dir, month, code)]
    names = storage.processed_table_names(processed_dir) if stale else []
    for month in stale:
        tables = stored_tables(processed_dir, month, names)
        if tables:
            write_entry(processed_dir, month, tables, code)
    return stale


# ----------------------------------------------------------------------------- reading


def stored_tables(processed_dir: Path, month: str, names: list[str]) -> dict[str, pl.DataFrame]:
    """The month's partition of each of the tables that has one."""
    return {name: storage.read_month_table(processed_dir, name, month) for name in names
            if partition_path(processed_dir, name, month).is_file()}


def stored_months(processed_dir: Path, up_to: str) -> list[str]:
    """The months up to `up_to` that have any bulletin table in the processed folder."""
    months = {month for name in BULLETIN_TABLES for month in storage.processed_months(processed_dir, name)}
    return sorted(month for month in months if month <= up_to)


def read_stored(processed_dir: Path, dataset: str, months: list[str]) -> pl.DataFrame | None:
    """One dataset of the history store for the given months, in their order (None for no months)."""
    if not months:
        return None
    return pl.read_parquet([history_partition_path(processed_dir, dataset, month) for month in months])


def read_months(ctx, datasets: tuple[str, ...] = DATASETS) -> dict[str, pl.DataFrame]:
    """The datasets of every month up to the context's month (`MonthContext`), oldest first: from the store
    where the month's entry is fresh, else computed in memory from the month's tables (the context's own
    month from its raw file when it is not processed yet)."""
    code = code_version()
    months = stored_months(ctx.processed_dir, ctx.month)
    fresh = [month for month in months if is_history_fresh(ctx.processed_dir, month, code)]
    names = storage.processed_table_names(ctx.processed_dir) if len(fresh) < len(months) else []
    computed = {month: derive_entry(month, stored_tables(ctx.processed_dir, month, names), datasets)
                for month in months if month not in fresh}
    if not ctx.is_processed():
        computed[ctx.month] = derive_entry(ctx.month, ctx.unprocessed_tables(), datasets)
    return {dataset: assemble(dataset, read_stored(ctx.processed_dir, dataset, fresh), computed)
            for dataset in datasets}


def assemble(dataset: str, stored: pl.DataFrame | None, computed: Mapping[str, dict[str, pl.DataFrame]]) -> pl.DataFrame:
    """The stored months and the computed ones in one frame, oldest month first (each month's rows in order)."""
    parts = ([stored] if stored is not None else []) + [entry[dataset] for entry in computed.values()]
    if not parts:
        raise UsageError(f"no processed month up to this one (history store: {dataset})")
    return pl.concat(parts, how="vertical").sort("month", maintain_order=True)


def load_indicator_history(ctx) -> pl.DataFrame:
    """Every indicator's value in every processed month up to the context's month (`MonthContext`), oldest
    first: month, level, unit, indicator, value (each month's values computed once, when it was stored)."""
    return read_months(ctx, ("indicator_values",))["indicator_values"]


ATTENTION_HISTORY = ("indicator_values", "standing_flags", "key_figures")


def load_attention_history(ctx) -> dict[str, pl.DataFrame]:
    """What 50-attention and the briefing read of every processed month up to the context's month, in one read
    of the history store (each month's entry checked fresh once, not once per dataset): the indicators' values
    (for SPC), the standing flags (since when each problem has lasted) and the key figures (the briefing's)."""
    return read_months(ctx, ATTENTION_HISTORY)


def load_attention_tables(ctx) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame] | None]:
    """The tables the attention list compares (flags, uploads, bookings) for the context's month
    (`MonthContext`) and for the calendar month before, None when that month was not processed."""
    names = ("quality_flags", "uploads", "bookings")
    previous = replace(ctx, month=shift_month(ctx.month, -1))
    before = {name: previous.table(name) for name in names} if previous.is_processed() else None
    return {name: ctx.table(name) for name in names}, before
