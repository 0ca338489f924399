"""`njbulletin ingest` as a library call: parse, validate and store each bulletin (its tables, then its entry in
the history store: `history_store.write_month`; then the store's combined files: `history_store.consolidate`). A month with validation errors is refused by the one rule
(`ingest.refuse_errors`); its errors are printed in full, then the refusal in one line.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from njbulletin.errors import EXIT_OK, EXIT_UNREADABLE, EXIT_VALIDATION_ERRORS, BulletinError
from njbulletin.history_store import consolidate, write_month
from njbulletin.ingest import read_and_validate, refuse_errors, summarise_tables, tables_to_write
from njbulletin.layout import refuse_writes_under_raw


def ingest_bulletins(paths: Iterable[Path], processed: Path, allow_errors: bool, raw_dirs: list[Path]) -> int:
    """Store each bulletin in `processed` (never under a raw folder); returns the exit status: 0 every file
    stored, 1 a file had validation errors and was not stored, 2 a file could not be read."""
    refuse_writes_under_raw([processed], raw_dirs=raw_dirs)
    status = EXIT_OK
    for result in read_and_validate(paths):
        if result is None:
            status = max(status, EXIT_UNREADABLE)
            continue
        bulletin, report = result
        try:
            refuse_errors(bulletin, report, allow_errors)
        except BulletinError as exc:
            for issue in report.errors:
                print(issue.format(), file=sys.stderr)
            print(f"error: {exc}", file=sys.stderr)
            status = max(status, EXIT_VALIDATION_ERRORS)
            continue
        write_month(processed, bulletin.month, tables_to_write(bulletin, report))
        print(summarise_tables(bulletin, report))
    if Path(processed).is_dir():
        consolidate(processed)  # every month of each history dataset in one file, once for all the files
    return status
