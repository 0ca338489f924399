"""`njbulletin check PATH... [--summary]` (a PATH may be a raw folder): print every error and warning (with --summary, the warnings one
line per rule); exit 0 (no errors), 1 (errors), 2 (unreadable)."""
from __future__ import annotations

from njbulletin.commands.paths import expand_raw_folders
from njbulletin.errors import EXIT_OK, EXIT_UNREADABLE, EXIT_VALIDATION_ERRORS
from njbulletin.ingest import read_and_validate  # the same reading (and file-name month check) as ingest
from njbulletin.validate.checks import group_warnings, summarise_report


def check_command(args) -> int:
    status = EXIT_OK
    for result in read_and_validate(expand_raw_folders(args.paths)):
        if result is None:
            status = max(status, EXIT_UNREADABLE)
            continue
        _, report = result
        lines = group_warnings(report) if getattr(args, "summary", False) else [i.format() for i in report.issues]
        for line in lines:
            print(line)
        print(summarise_report(report))
        if report.errors:
            status = max(status, EXIT_VALIDATION_ERRORS)
    return status
