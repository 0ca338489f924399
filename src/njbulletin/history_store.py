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

Every month of a dataset is also kept in one file (``PROCESSED/history/combined/<dataset>.parquet``, written by
`consolidate` after a month is ingested and after `refresh`), each month's stamp in the file's metadata, so that
a history notebook opens one file per dataset, not one per month, whatever the length of the archive. A month
of that file is used only while its stamp holds for the partitions in place (`is_current`); checking it hashes
no file whose size, modification time and inode are those it had when hashed (`PartitionDigests`). A month
missing from the file, or stale in it, is read from its own entry or computed, as above.

This module sits above `analysis` (whose functions it calls, and which opens no file) and uses `storage`
for the partitions.
"""
from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from njbulletin import storage
from njbulletin.analysis.history import DATASETS, derive_entry, tables_derived_from
from njbulletin.analysis.spc_queries import JUDGED_MONTHS
from njbulletin.analysis.summary import BULLETIN_TABLES
from njbulletin.atomic import atomic_path, read_json, write_text_atomic
from njbulletin.digests import code_version, sha256_file
from njbulletin.errors import UsageError
from njbulletin.ingest import ensure_outside_raw, read_month_tables
from njbulletin.layout import (
    history_combined_path,
    history_partition_path,
    history_signatures_path,
    history_stamp_path,
    partition_path,
    partition_relative_path,
)
from njbulletin.months import shift_month

# ----------------------------------------------------------------------------- stamps


class PartitionDigests:
    """The sha256 of the month partitions of the tables, each file hashed at most once per version of it: a
    partition whose size, modification time (ns) and inode are those recorded when it was last hashed
    (``history/combined/signatures.json``, kept by `consolidate`: each partition's [signature, sha256], the
    signature "size:mtime_ns:inode") takes the recorded digest. The file is stat'ed before it is hashed, so a
    file replaced meanwhile is recorded with the signature of the one before it, which no longer matches: it is
    hashed again next time."""

    def __init__(self, processed_dir: Path):
        self.root = str(processed_dir)
        recorded = read_json(history_signatures_path(processed_dir))
        self.recorded: dict = recorded if isinstance(recorded, dict) else {}
        self.seen: dict[str, list[str]] = {}

    def digest(self, table: str, month: str) -> str | None:
        """The sha256 of the table's partition of the month, or None when it has none."""
        relative = partition_relative_path(table, month)
        seen = self.seen.get(relative)
        if seen is None:
            path = f"{self.root}/{relative}"
            try:
                status = os.stat(path)
            except (FileNotFoundError, NotADirectoryError):
                return None
            signature = f"{status.st_size}:{status.st_mtime_ns}:{status.st_ino}"
            recorded = self.recorded.get(relative)
            known = isinstance(recorded, list) and len(recorded) == 2 and recorded[0] == signature
            seen = self.seen[relative] = [signature, recorded[1] if known else sha256_file(Path(path))]
        return seen[1]

    def save(self) -> None:
        """Record the signatures seen (those of files gone are dropped), when they differ from the record."""
        if self.seen != self.recorded:
            write_text_atomic(history_signatures_path(self.root), json.dumps(self.seen, sort_keys=True) + "\n")


def partition_digests(processed_dir: Path, month: str, tables: list[str],
                      digests: PartitionDigests | None = None) -> dict[str, str | None]:
    """The sha256 of each table's partition of the month (None for a table without one)."""
    digests = digests or PartitionDigests(processed_dir)
    return {table: digests.digest(table, month) for table in sorted(tables)}


def history_stamp(processed_dir: Path, month: str, tables: list[str], code: str,
                  digests: PartitionDigests | None = None) -> dict:
    """What a month's entry in the history store is computed from: its tables' partitions and the code."""
    return {"month": month, "code": code, "tables": partition_digests(processed_dir, month, tables, digests)}


def is_current(stamp: dict | None, month: str, code: str, digests: PartitionDigests,
               only: tuple[str, ...] | None = None) -> bool:
    """True when a stamp of the month names this code and the partitions in place now: every table it names,
    or `only` those (a table it does not name must then have no partition)."""
    if not isinstance(stamp, dict) or stamp.get("month") != month or stamp.get("code") != code:
        return False
    tables = stamp.get("tables")
    if not tables or not isinstance(tables, dict):
        return False
    checked = tables if only is None else {table: tables.get(table) for table in only}
    return all(digests.digest(table, month) == digest for table, digest in checked.items())


def is_history_fresh(processed_dir: Path, month: str, code: str, digests: PartitionDigests | None = None) -> bool:
    """True when the month's entry was computed by this code from the partitions in place now."""
    return is_current(read_json(history_stamp_path(processed_dir, month)), month, code,
                      digests or PartitionDigests(processed_dir))


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
    consolidate(ctx.output_processed_dir)
    return bulletin, report, tables


def refresh(processed_dir: Path, months: list[str]) -> list[str]:
    """Compute again the entries of those months whose entry is missing or stale, then bring the combined files
    up to date (`consolidate`); returns those months."""
    code = code_version()
    digests = PartitionDigests(processed_dir)
    stale = [month for month in months if not is_history_fresh(processed_dir, month, code, digests)]
    names = storage.processed_table_names(processed_dir) if stale else []
    for month in stale:
        tables = stored_tables(processed_dir, month, names)
        if tables:
            write_entry(processed_dir, month, tables, code)
    if months:
        consolidate(processed_dir)
    return stale


# ----------------------------------------------------------------------------- every month in one file

STAMPS_KEY = "njbulletin.history.stamps"  # the combined file's metadata: each month's stamp


@dataclass(frozen=True)
class Combined:
    """A combined file as read: its rows (None for no file) and each month's stamp."""
    frame: pl.DataFrame | None
    stamps: dict[str, dict]

    def months(self, month_list: list[str]) -> pl.DataFrame | None:
        """Its rows of the given months (None for none)."""
        if self.frame is None or not month_list:
            return None
        if len(month_list) == len(self.stamps) and set(month_list) == set(self.stamps):
            return self.frame  # every month it holds (the file's rows are of its stamps' months)
        held = sorted(self.stamps)
        months = self.frame["month"]
        if month_list == held[len(held) - len(month_list):] and months.is_sorted():  # its last months: a slice
            return self.frame.slice(int((months < month_list[0]).sum()))
        return self.frame.filter(pl.col("month").is_in(month_list))


def same_stamp(files, month: str) -> bool:
    """True when every combined file holds the month under one stamp (two writers at once may differ)."""
    stamps = [combined.stamps.get(month) for combined in files]
    return stamps[0] is not None and all(stamp is stamps[0] or stamp == stamps[0] for stamp in stamps[1:])


def holds_a_bulletin_table(stamp: dict) -> bool:
    """True when a stamp names a partition of a bulletin table (a month `stored_months` lists)."""
    return any(stamp["tables"].get(name) is not None for name in BULLETIN_TABLES)


def read_combined(processed_dir: Path, dataset: str, parsed: dict[str, object] | None = None) -> Combined:
    """A dataset's combined file, its rows and stamps read from one open of it (a writer replaces the file
    whole, by rename); an absent or damaged file reads as empty. `parsed` (the stamps' text to what it parses
    to) is shared by the reads of one reader: files that one consolidation wrote carry the same text, parsed
    once, and their months' stamps are then the same objects."""
    parsed = {} if parsed is None else parsed
    try:
        data = history_combined_path(processed_dir, dataset).read_bytes()
        text = pl.read_parquet_metadata(io.BytesIO(data)).get(STAMPS_KEY, "{}")
        if text not in parsed:
            parsed[text] = json.loads(text)
        stamps = parsed[text]
        return Combined(pl.read_parquet(io.BytesIO(data)), stamps if isinstance(stamps, dict) else {})
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return Combined(None, {})


def write_combined(processed_dir: Path, dataset: str, frame: pl.DataFrame, stamps: dict[str, dict]) -> None:
    with atomic_path(history_combined_path(processed_dir, dataset)) as temporary:
        frame.write_parquet(temporary, metadata={STAMPS_KEY: json.dumps(stamps, sort_keys=True)})


def consolidate(processed_dir: Path) -> list[str]:
    """Bring each dataset's combined file up to date with the fresh entries of the months in place: a month
    kept while its stamp holds, one added from its own entry when that is fresh, months gone dropped. A file
    that needs no change is left as it is. Two writers at once may lose one's months (the last rename wins):
    a reader then reads those months from their own entries, and the next call adds them. Returns the
    datasets rewritten."""
    code = code_version()
    digests = PartitionDigests(processed_dir)
    months = stored_months(processed_dir)
    own_stamps = {month: read_json(history_stamp_path(processed_dir, month)) for month in months}
    rewritten = []
    for dataset in DATASETS:
        combined = read_combined(processed_dir, dataset)
        kept = [month for month in months if is_current(combined.stamps.get(month), month, code, digests)]
        added = [month for month in months if month not in set(kept)
                 and is_current(own_stamps[month], month, code, digests)]
        if not added and len(kept) == len(combined.stamps):
            continue
        target = history_combined_path(processed_dir, dataset)
        if not kept and not added:
            target.unlink(missing_ok=True)
            continue
        parts = [part for part in (combined.months(kept), read_stored(processed_dir, dataset, added)) if part is not None]
        stamps = {**{month: combined.stamps[month] for month in kept}, **{month: own_stamps[month] for month in added}}
        write_combined(processed_dir, dataset, pl.concat(parts, how="vertical").sort("month", maintain_order=True),
                       dict(sorted(stamps.items())))
        rewritten.append(dataset)
    digests.save()
    return rewritten


# ----------------------------------------------------------------------------- reading


def stored_tables(processed_dir: Path, month: str, names: list[str]) -> dict[str, pl.DataFrame]:
    """The month's partition of each of the tables that has one."""
    return {name: storage.read_month_table(processed_dir, name, month) for name in names
            if partition_path(processed_dir, name, month).is_file()}


def stored_months(processed_dir: Path, up_to: str | None = None) -> list[str]:
    """The months (up to `up_to`, when given) that have any bulletin table in the processed folder."""
    months = {month for name in BULLETIN_TABLES for month in storage.processed_months(processed_dir, name)}
    return sorted(month for month in months if up_to is None or month <= up_to)


def read_stored(processed_dir: Path, dataset: str, months: list[str]) -> pl.DataFrame | None:
    """One dataset of the history store for the given months, in their order (None for no months)."""
    if not months:
        return None
    return pl.read_parquet([history_partition_path(processed_dir, dataset, month) for month in months])


def read_months(ctx, datasets: tuple[str, ...] = DATASETS, recent: int | None = None,
                whole: tuple[str, ...] = ()) -> dict[str, pl.DataFrame]:
    """The datasets of every month up to the context's month (`MonthContext`), oldest first: from the combined
    files for the months current in all of them, else from the month's own entry where it is fresh, else
    computed in memory from the month's tables (the context's own month from its raw file when it is not
    processed yet). With `recent`, only the datasets of `whole` are read for the months before the last
    `recent`; such a month is checked only for the tables those datasets derive from
    (`analysis.history.DERIVED_FROM`), so that a long archive's old months cost one partition each, not all."""
    first = shift_month(ctx.month, 1 - recent) if recent else None
    older = tuple(dataset for dataset in datasets if dataset in whole)

    def wanted(month: str) -> tuple[str, ...]:
        return datasets if first is None or month >= first else older

    code = code_version()
    processed = ctx.processed_dir
    digests = PartitionDigests(processed)
    folders = sorted({month for name in BULLETIN_TABLES for month in storage.month_folders(processed, name)
                      if month <= ctx.month and wanted(month)})
    parsed: dict[str, object] = {}
    combined = {dataset: read_combined(processed, dataset, parsed) for dataset in datasets}
    files = {names: ([combined[name] for name in names], tables_derived_from(names)) for names in {datasets, older}}
    kept = [month for month in folders if holds_current_month(*files[wanted(month)], month, code, digests)]
    rest = [month for month in stored_months(processed, ctx.month) if wanted(month) and month not in set(kept)] \
        if len(kept) < len(folders) else []
    fresh = [month for month in rest if is_history_fresh(processed, month, code, digests)]
    names = storage.processed_table_names(processed) if len(fresh) < len(rest) else []
    computed = {month: derive_entry(month, stored_tables(processed, month, names), wanted(month))
                for month in rest if month not in fresh}
    if not ctx.is_processed():
        computed[ctx.month] = derive_entry(ctx.month, ctx.unprocessed_tables(), datasets)

    def of(dataset: str, months: list[str]) -> list[str]:
        return [month for month in months if dataset in wanted(month)]

    return {dataset: assemble(dataset, [combined[dataset].months(of(dataset, kept)),
                                        read_stored(processed, dataset, of(dataset, fresh))],
                              {month: entry for month, entry in computed.items() if dataset in entry})
            for dataset in datasets}


def holds_current_month(files: list[Combined], only: tuple[str, ...] | None, month: str, code: str,
                        digests: PartitionDigests) -> bool:
    """True when the combined files hold the month under one stamp that is current (`is_current`, for `only`
    those tables when given) and names a bulletin table."""
    return (same_stamp(files, month) and is_current(files[0].stamps.get(month), month, code, digests, only)
            and holds_a_bulletin_table(files[0].stamps[month]))


def assemble(dataset: str, stored: list[pl.DataFrame | None],
             computed: Mapping[str, dict[str, pl.DataFrame]]) -> pl.DataFrame:
    """The stored months and the computed ones in one frame, oldest month first (each month's rows in order)."""
    parts = [part for part in stored if part is not None] + [entry[dataset] for entry in computed.values()]
    if not parts:
        raise UsageError(f"no processed month up to this one (history store: {dataset})")
    if len(parts) == 1 and not computed:
        return parts[0]  # one stored frame, in month order already
    return pl.concat(parts, how="vertical").sort("month", maintain_order=True)


def load_indicator_history(ctx) -> pl.DataFrame:
    """Every indicator's value in every processed month up to the context's month (`MonthContext`), oldest
    first: month, level, unit, indicator, value (each month's values computed once, when it was stored)."""
    return read_months(ctx, ("indicator_values",))["indicator_values"]


ATTENTION_HISTORY = ("indicator_values", "standing_flags", "key_figures")


def load_attention_history(ctx) -> dict[str, pl.DataFrame]:
    """What 50-attention and the briefing read of the processed months up to the context's month, in one read
    of the history store (each month's entry checked fresh once, not once per dataset): the standing flags of
    every month (since when each problem has lasted), and of the months SPC judges (`JUDGED_MONTHS`) the
    indicators' values and the key figures (the briefing's reach back to January of the year before)."""
    return read_months(ctx, ATTENTION_HISTORY, recent=JUDGED_MONTHS, whole=("standing_flags",))


def load_attention_tables(ctx) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame] | None]:
    """The tables the attention list compares (flags, uploads, bookings) for the context's month
    (`MonthContext`) and for the calendar month before, None when that month was not processed."""
    names = ("quality_flags", "uploads", "bookings")
    previous = replace(ctx, month=shift_month(ctx.month, -1))
    before = {name: previous.table(name) for name in names} if previous.is_processed() else None
    return {name: ctx.table(name) for name in names}, before
