"""Reading a bulletin for ingest: parse it, check its file name's month, validate it, and the tables to store.

The command itself (`njbulletin ingest`) is `njbulletin.commands.ingest`."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Iterator

from njbulletin import config
from njbulletin.errors import BulletinError, UsageError
from njbulletin.reading.parser import Bulletin, parse_bulletin
from njbulletin.validate.checks import ValidationReport, validate_bulletin

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


def summarise_tables(bulletin: Bulletin, report: ValidationReport | None = None) -> str:
    counts = ", ".join(f"{name} {frame.height}" for name, frame in bulletin.tables.items())
    line = f"{bulletin.month}: {bulletin.source}: {counts} rows"
    if report is not None:
        line += f"; {len(report.warnings)} warnings"
        if report.errors:
            line += f", {len(report.errors)} errors stored in quality_flags (--allow-errors)"
    return line


def tables_to_write(bulletin: Bulletin, report: ValidationReport) -> dict:
    """The month's tables plus its quality flags (errors among them only when they are allowed)."""
    return {**bulletin.tables, "quality_flags": report.quality_flags}


def read_and_validate(paths) -> Iterator[tuple[Bulletin, ValidationReport] | None]:
    """Read and validate each file in turn; an unreadable file prints its one-line error and yields None."""
    for path in map(Path, paths):
        try:
            bulletin = read_bulletin(path)
        except BulletinError as exc:
            print(f"error: {exc}", file=sys.stderr)
            yield None
            continue
        yield bulletin, validate_bulletin(bulletin)
