"""`njbulletin ingest PATH... [--processed DIR] [--allow-errors]`: parse, validate and store each bulletin (its
tables, and its entry in the history store). A PATH may be a raw folder: its bulletins are taken as `run` takes
them (`commands.paths.expand_raw_folders`).

Exit 0 (every file stored), 1 (a file has validation errors and was not stored), 2 (a file could not be
read, or the processed folder is unusable).
"""
from __future__ import annotations

import sys

from njbulletin.analysis import history
from njbulletin.commands.paths import absolute, expand_raw_folders, output_folder
from njbulletin.errors import EXIT_OK, EXIT_UNREADABLE, EXIT_VALIDATION_ERRORS
from njbulletin.ingest import read_and_validate, summarise_tables, tables_to_write
from njbulletin.layout import refuse_writes_under_raw
from njbulletin.storage import write_month_tables


def ingest_command(args) -> int:
    """Parse, validate and write each bulletin. A month with validation errors is not written
    unless --allow-errors is given; then its errors are stored as quality_flags rows."""
    processed = output_folder(args.processed, "processed")
    folders = [path for path in map(absolute, args.paths) if path.is_dir()]  # raw folders given: never written under
    refuse_writes_under_raw([processed], raw_dirs=folders)
    allow_errors = bool(getattr(args, "allow_errors", False))
    status = EXIT_OK
    for result in read_and_validate(expand_raw_folders(args.paths)):
        if result is None:
            status = max(status, EXIT_UNREADABLE)
            continue
        bulletin, report = result
        if report.errors and not allow_errors:
            for issue in report.errors:
                print(issue.format(), file=sys.stderr)
            print(f"error: {bulletin.source}: {len(report.errors)} validation errors; {bulletin.month} not written "
                  f"(fix the file, or pass --allow-errors to store them in quality_flags)", file=sys.stderr)
            status = max(status, EXIT_VALIDATION_ERRORS)
            continue
        tables = tables_to_write(bulletin, report)
        write_month_tables(tables, processed, bulletin.month)
        history.write_month(processed, bulletin.month, tables)  # what history notebooks read of the month
        print(summarise_tables(bulletin, report))
    return status
