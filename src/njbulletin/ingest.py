"""`njbulletin ingest`: parse each bulletin and write its tables as processed parquet."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from njbulletin import config
from njbulletin.errors import EXIT_OK, EXIT_UNREADABLE, BulletinError, UsageError
from njbulletin.parser import Bulletin, parse_bulletin
from njbulletin.storage import write_month_tables

RAW_NAME = re.compile(config.RAW_NAME_PATTERN)


def month_from_filename(path: Path) -> str | None:
    """The month a raw file's name declares (YYYY-MM.txt / .pdf), or None for other names."""
    match = RAW_NAME.match(Path(path).name)
    return match.group("month") if match else None


def read_bulletin(path: Path) -> Bulletin:
    """Parse one file and check that the month in its name agrees with the month in its headings."""
    bulletin = parse_bulletin(path)
    declared = month_from_filename(path)
    if declared is not None and declared != bulletin.month:
        raise BulletinError(f"the file is named for {declared}, but its headings say {bulletin.month}",
                            line=1, source=str(path))
    return bulletin


def ensure_outside_raw(directory: Path) -> None:
    """Refuse to write anything under data/raw: raw data is immutable."""
    raw = config.RAW_DIR.resolve()
    target = Path(directory).resolve()
    if target == raw or raw in target.parents:
        raise UsageError(f"refusing to write under the raw data folder {raw}")


def summarise_tables(bulletin: Bulletin) -> str:
    counts = ", ".join(f"{name} {frame.height}" for name, frame in bulletin.tables.items())
    return f"{bulletin.month}: {bulletin.source}: {counts} rows"


def ingest_command(args) -> int:
    processed = Path(args.processed)
    ensure_outside_raw(processed)
    status = EXIT_OK
    for raw_path in map(Path, args.paths):
        try:
            bulletin = read_bulletin(raw_path)
        except BulletinError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = max(status, EXIT_UNREADABLE)
            continue
        write_month_tables(bulletin.tables, processed, bulletin.month)
        print(summarise_tables(bulletin))
    return status
