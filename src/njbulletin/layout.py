"""Where things live on disk, and the one guard on the raw folder.

- raw bulletins: ``RAW/YYYY-MM.txt`` or ``RAW/YYYY-MM.pdf`` (the file name declares the month);
- processed data: ``PROCESSED/<table>/month=YYYY-MM/data.parquet``, one hive-partitioned dataset per table,
  staged under ``PROCESSED/.staging/`` before it is renamed into place;
- the history store beside them: ``PROCESSED/history/<dataset>/month=YYYY-MM/data.parquet``, each month's
  entry stamped by ``PROCESSED/history/stamps/YYYY-MM.json`` (what it was computed from); every month of a
  dataset in one file, ``PROCESSED/history/combined/<dataset>.parquet`` (its stamps in its metadata), and the
  partitions' digests by file signature, ``PROCESSED/history/combined/signatures.json``;
- a raw folder lists its bulletins with `find_raw_months`; any other file is reported and skipped;
- nothing is ever written under the raw folder (`refuse_writes_under_raw`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from njbulletin import config
from njbulletin.errors import UsageError
from njbulletin.months import MONTH_PATTERN

RAW_NAME = re.compile(config.RAW_NAME_PATTERN)
RAW_EXTENSIONS = ("txt", "pdf")
NOT_A_BULLETIN = "not named YYYY-MM.txt or YYYY-MM.pdf (MM from 01 to 12)"
STAGING_DIRNAME = ".staging"
PARTITION_FILENAME = "data.parquet"
HISTORY_DIRNAME = "history"  # not a table: it has no month=* partitions of its own
COMBINED_DIRNAME = "combined"  # in the history store: every month of each dataset in one file


def month_from_filename(path: Path) -> str | None:
    """The month a raw file's name declares (YYYY-MM.txt / .pdf), or None for other names."""
    match = RAW_NAME.match(Path(path).name)
    return match.group("month") if match else None


def find_raw_months(raw_dir: Path, skipped: list[tuple[Path, str]] | None = None) -> dict[str, Path]:
    """Every bulletin in RAW named YYYY-MM.txt or YYYY-MM.pdf, by month (two files for one month is an error).
    Any other file that is not hidden (notes.txt, 2024-13.txt), and a bulletin over the input size limit
    (config.MAX_INPUT_BYTES, judged from its size alone), is left out and added to `skipped` with the reason."""
    raw_dir = Path(raw_dir)
    if raw_dir.exists() and not raw_dir.is_dir():
        raise UsageError(f"{raw_dir}: the raw folder is a file, not a folder")
    if not raw_dir.is_dir():
        raise UsageError(f"{raw_dir}: the raw folder does not exist")
    found: dict[str, Path] = {}
    for path in sorted(raw_dir.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        reason = why_not_a_bulletin(path)
        if reason:
            if skipped is not None:
                skipped.append((path, reason))
            continue
        month = RAW_NAME.match(path.name).group("month")
        if month in found:
            raise UsageError(f"{raw_dir}: both {found[month].name} and {path.name} exist for {month}; keep one")
        found[month] = path
    return found


def why_not_a_bulletin(path: Path) -> str | None:
    """Why a file in RAW is left out (its name, or its size), or None for a bulletin."""
    match = RAW_NAME.match(path.name)
    if not match or not MONTH_PATTERN.fullmatch(match.group("month")):
        return NOT_A_BULLETIN
    size = path.stat().st_size
    if size > config.MAX_INPUT_BYTES:
        return f"file is {size} bytes, over the {config.MAX_INPUT_BYTES}-byte input limit"
    return None


def raw_candidates(raw_dir: Path, month: str) -> list[Path]:
    """The files that may hold a month's bulletin: RAW/<month>.txt and RAW/<month>.pdf."""
    return [Path(raw_dir) / f"{month}.{extension}" for extension in RAW_EXTENSIONS]


def find_raw_bulletin(raw_dir: Path, month: str) -> Path:
    """The month's bulletin in the raw folder (exactly one of .txt and .pdf); UsageError otherwise."""
    found = [path for path in raw_candidates(raw_dir, month) if path.is_file()]
    if not found:
        raise UsageError(f"{raw_dir}: no bulletin for {month} (expected {month}.txt or .pdf)")
    if len(found) > 1:
        raise UsageError(f"{raw_dir}: both {month}.txt and {month}.pdf exist; keep one")
    return found[0]


def partition_relative_path(table: str, month: str) -> str:
    """Where one table's month lives, relative to the processed folder ('/'-separated)."""
    return f"{table}/month={month}/{PARTITION_FILENAME}"


def partition_path(processed_dir: Path, table: str, month: str) -> Path:
    """Where one table's month lives."""
    return Path(processed_dir) / partition_relative_path(table, month)


def partition_glob(processed_dir: Path, table: str) -> Path:
    """A glob over every month of one table (for scanning the dataset)."""
    return Path(processed_dir) / table / "month=*" / PARTITION_FILENAME


def history_partition_path(processed_dir: Path, dataset: str, month: str) -> Path:
    """Where one dataset of the history store keeps one month."""
    return partition_path(Path(processed_dir) / HISTORY_DIRNAME, dataset, month)


def history_stamp_path(processed_dir: Path, month: str) -> Path:
    """The stamp of a month's entry in the history store: the tables and the code it was computed from."""
    return Path(processed_dir) / HISTORY_DIRNAME / "stamps" / f"{month}.json"


def history_combined_path(processed_dir: Path, dataset: str) -> Path:
    """Every month of one dataset of the history store in one file (what the months' partitions hold)."""
    return Path(processed_dir) / HISTORY_DIRNAME / COMBINED_DIRNAME / f"{dataset}.parquet"


def history_signatures_path(processed_dir: Path) -> Path:
    """The sha256 of each table partition, by the file's size, modification time and inode when hashed."""
    return Path(processed_dir) / HISTORY_DIRNAME / COMBINED_DIRNAME / "signatures.json"


def raw_folders(*extra: Path) -> set[Path]:
    """The raw folders no command may write under: the configured one, the project's, and any given."""
    folders = {config.RAW_DIR, config.PROJECT_ROOT / "data" / "raw", *extra}
    return {Path(folder).resolve() for folder in folders}


def refuse_writes_under_raw(targets: Iterable[Path], raw_dirs: Iterable[Path] = ()) -> None:
    """Raise UsageError when any target folder is a raw folder or lies under one: raw data is immutable."""
    raws = raw_folders(*raw_dirs)
    for target in (Path(t).resolve() for t in targets):
        for raw in raws:
            if target == raw or raw in target.parents:
                raise UsageError(f"refusing to write under the raw data folder {raw}")
