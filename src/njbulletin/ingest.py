"""Reading a bulletin for ingest: parse it, check its file name's month, validate it, and the tables to store.

The command itself (`njbulletin ingest`) is `njbulletin.commands.ingest`."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from njbulletin.errors import BulletinError
from njbulletin.layout import month_from_filename, refuse_writes_under_raw
from njbulletin.reading.parser import Bulletin, parse_bulletin
from njbulletin.validate.checks import ValidationReport, validate_bulletin


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
    refuse_writes_under_raw([directory])


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


def refuse_errors(bulletin: Bulletin, report: ValidationReport, allow_errors: bool) -> None:
    """The one rule for a month with validation errors: it is not written (BulletinError naming the file and
    the first errors), unless allow_errors (`--allow-errors`): then its errors go to quality_flags with
    severity 'error'."""
    if report.errors and not allow_errors:
        first = "; ".join(issue.format() for issue in report.errors[:3])
        raise BulletinError(f"{len(report.errors)} validation errors, {bulletin.month} not written "
                            f"(--allow-errors stores it with the errors flagged): {first}",
                            source=bulletin.source)


def read_month_tables(path: Path, allow_errors: bool = False) -> tuple[Bulletin, ValidationReport, dict]:
    """Read and validate one bulletin; return it, its report and the tables ingest would store (a month with
    errors refused by `refuse_errors`)."""
    bulletin = read_bulletin(path)
    report = validate_bulletin(bulletin)
    refuse_errors(bulletin, report, allow_errors)
    return bulletin, report, tables_to_write(bulletin, report)


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
