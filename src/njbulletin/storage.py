"""Processed data on disk: one hive-partitioned parquet dataset per table (and the partitions of the history
store beside them, which `njbulletin.history_store` writes through `write_partitions`).

Layout (njbulletin.layout): ``PROCESSED/<table>/month=YYYY-MM/data.parquet``, read back with
``pl.scan_parquet(PROCESSED / table)``. A month is replaced atomically: every
table is first written under ``PROCESSED/.staging/`` (outside the datasets, so a
half-written file is never scanned), then each file is renamed into place. Staging folders
left by a writer killed midway are removed by a later write once they are ten minutes old; a write that
succeeds leaves no staging folder behind (``PROCESSED/.staging`` itself goes once it is empty).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from njbulletin.atomic import remove_abandoned
from njbulletin.layout import (
    PARTITION_FILENAME,
    STAGING_DIRNAME,
    partition_glob,
    partition_path,
)


def make_staging_folder(processed_dir: Path, month: str) -> Path:
    """A new, private folder under PROCESSED/.staging. Another writer removes .staging when it empties it,
    possibly between our mkdir and mkdtemp: then .staging is made again."""
    root = Path(processed_dir) / STAGING_DIRNAME
    while True:
        root.mkdir(parents=True, exist_ok=True)
        try:
            return Path(tempfile.mkdtemp(prefix=f"{month}-{uuid.uuid4().hex[:8]}-", dir=root))
        except FileNotFoundError:
            continue


def remove_staging_folder(staging: Path) -> None:
    """Remove a writer's staging folder, and .staging itself when no other writer has one there."""
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.parent.rmdir()
    except OSError:  # another writer's folder is in it (or it is gone already)
        pass


def write_partitions(frames: Mapping[str, pl.DataFrame], targets: Mapping[str, Path], processed_dir: Path,
                     month: str) -> list[Path]:
    """Write each frame to its target: all of them to a staging folder first, then each renamed into place."""
    staging = make_staging_folder(processed_dir, month)
    try:
        # folders of writers killed mid-write, long ago (ours keeps .staging from being removed meanwhile)
        remove_abandoned(path for path in staging.parent.iterdir() if path != staging)
        staged: list[tuple[Path, Path]] = []
        for name, frame in frames.items():
            staged_file = staging / f"{name}.parquet"
            frame.write_parquet(staged_file)
            with open(staged_file, "rb") as handle:
                os.fsync(handle.fileno())
            staged.append((staged_file, targets[name]))
        for staged_file, target in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged_file, target)
        return [target for _, target in staged]
    finally:
        remove_staging_folder(staging)


def write_month_tables(tables: Mapping[str, pl.DataFrame], processed_dir: Path, month: str) -> list[Path]:
    """Write every table of one month, replacing that month's earlier partitions atomically per file.

    Nothing under the datasets changes until all tables are written in full to the
    staging folder; then each file is moved into place with an atomic rename.
    """
    targets = {table: partition_path(processed_dir, table, month) for table in tables}
    return write_partitions(tables, targets, processed_dir, month)


def scan_table(processed_dir: Path, table: str) -> pl.LazyFrame:
    """Every processed month of one table, as a lazy frame (month comes from the data and the path)."""
    return pl.scan_parquet(partition_glob(processed_dir, table), hive_partitioning=True)


def read_month_table(processed_dir: Path, table: str, month: str) -> pl.DataFrame:
    """One table of one processed month."""
    return pl.read_parquet(partition_path(processed_dir, table, month))


def processed_table_names(processed_dir: Path) -> list[str]:
    """The tables that hold at least one month in the processed folder (none when nothing was ingested)."""
    folder = Path(processed_dir)
    if not folder.is_dir():
        return []
    return sorted(path.name for path in folder.iterdir()
                  if path.is_dir() and not path.name.startswith(".") and processed_months(folder, path.name))


def processed_months(processed_dir: Path, table: str = "bookings") -> list[str]:
    """The months that have a partition of a table, oldest first."""
    return [month for month in month_folders(processed_dir, table)
            if os.path.isfile(os.path.join(processed_dir, table, f"month={month}", PARTITION_FILENAME))]


def month_folders(processed_dir: Path, table: str) -> list[str]:
    """The months that have a folder in a table's dataset, oldest first (its partition file not looked for)."""
    try:
        names = os.listdir(os.path.join(processed_dir, table))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(name[len("month="):] for name in names if name.startswith("month="))
