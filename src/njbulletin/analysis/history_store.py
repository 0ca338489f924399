"""The history store's machinery: each month's entry written once, stamped, and read back for every month
up to a context's month, with a stale or missing entry computed in memory instead.

An entry is a few small frames computed from one month's tables by a `Deriver` per dataset (what the
entry holds is `njbulletin.analysis.history`; `series.load_indicator_history` reads its one dataset through
here). It is written beside the tables (`storage.write_history_month`,
`PROCESSED/history/<dataset>/month=YYYY-MM/data.parquet`) and stamped with the sha256 of the month's table
partitions and the code version (`digests.code_version`) it was computed from. `refresh` computes again only
the entries whose tables or code changed. `read_datasets` reads the store for every processed month up to a
context's month, so that nothing reads every month's full tables; a month whose entry is missing or stale
(tables rewritten by other means, other code) is computed in memory from its tables instead, and the
context's own month from its raw file when it is not processed yet: the figures are always those of the
tables in place, and the store only makes them cheap.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import polars as pl

from njbulletin.analysis.summary import BULLETIN_TABLES
from njbulletin.digests import code_version
from njbulletin.errors import UsageError
from njbulletin.layout import partition_path
from njbulletin.storage import (
    history_stamp,
    is_history_fresh,
    processed_months,
    processed_table_names,
    read_history,
    read_month_table,
    write_history_month,
)

# A dataset's frame for one month from the month's tables (`present_tables`).
Deriver = Callable[[str, Mapping[str, pl.DataFrame]], pl.DataFrame]
# Tables a figure is computed from even when they have no row (an empty table elsewhere means "not printed").
ALWAYS_PRESENT = ("quality_flags", "declared_totals")


def present_tables(tables: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The tables a month's figures are computed from: those with rows, and the quality flags and printed
    totals even when empty (as the trends have always counted a month)."""
    return {name: frame for name, frame in tables.items() if frame.height or name in ALWAYS_PRESENT}


def derive_entry(month: str, tables: Mapping[str, pl.DataFrame], derivers: Mapping[str, Deriver]) -> dict[str, pl.DataFrame]:
    """A month's entry, from its tables (every table ingest stores for it)."""
    present = present_tables(tables)
    return {dataset: derive(month, present) for dataset, derive in derivers.items()}


def write_entry(processed_dir: Path, month: str, tables: Mapping[str, pl.DataFrame],
                derivers: Mapping[str, Deriver]) -> None:
    """Compute the month's entry from the tables just stored for it and write it, stamped."""
    stamp = history_stamp(processed_dir, month, list(tables), code_version())
    write_history_month(derive_entry(month, tables, derivers), processed_dir, month, stamp)


def read_month_tables(processed_dir: Path, month: str, names: list[str]) -> dict[str, pl.DataFrame]:
    """The month's partition of each of the tables that has one."""
    return {name: read_month_table(processed_dir, name, month) for name in names
            if partition_path(processed_dir, name, month).is_file()}


def refresh_entries(processed_dir: Path, months: list[str], derivers: Mapping[str, Deriver]) -> list[str]:
    """Compute again the entries of those months whose entry is missing or stale; returns those months."""
    code = code_version()
    stale = [month for month in months if not is_history_fresh(processed_dir, month, code)]
    names = processed_table_names(processed_dir) if stale else []
    for month in stale:
        tables = read_month_tables(processed_dir, month, names)
        if tables:
            stamp = history_stamp(processed_dir, month, list(tables), code)
            write_history_month(derive_entry(month, tables, derivers), processed_dir, month, stamp)
    return stale


def stored_months(processed_dir: Path, up_to: str) -> list[str]:
    """The months up to `up_to` that have any bulletin table in the processed folder."""
    months = {month for name in BULLETIN_TABLES for month in processed_months(processed_dir, name)}
    return sorted(month for month in months if month <= up_to)


def read_datasets(ctx, derivers: Mapping[str, Deriver]) -> dict[str, pl.DataFrame]:
    """The datasets named by `derivers` for every month up to the context's month (`MonthContext`), oldest
    first: from the store where the month's entry is fresh, else computed in memory with the derivers from
    the month's tables (the context's own month from its raw file when it is not processed yet)."""
    code = code_version()
    months = stored_months(ctx.processed_dir, ctx.month)
    fresh = [month for month in months if is_history_fresh(ctx.processed_dir, month, code)]
    names = processed_table_names(ctx.processed_dir) if len(fresh) < len(months) else []
    computed = {month: derive_entry(month, read_month_tables(ctx.processed_dir, month, names), derivers)
                for month in months if month not in fresh}
    if not ctx.is_processed():
        computed[ctx.month] = derive_entry(ctx.month, ctx.unprocessed_tables(), derivers)
    return {dataset: assemble(dataset, read_history(ctx.processed_dir, dataset, fresh), computed)
            for dataset in derivers}


def assemble(dataset: str, stored: pl.DataFrame | None, computed: Mapping[str, dict[str, pl.DataFrame]]) -> pl.DataFrame:
    """The stored months and the computed ones in one frame, oldest month first (each month's rows in order)."""
    parts = ([stored] if stored is not None else []) + [entry[dataset] for entry in computed.values()]
    if not parts:
        raise UsageError(f"no processed month up to this one (history store: {dataset})")
    return pl.concat(parts, how="vertical").sort("month", maintain_order=True)
