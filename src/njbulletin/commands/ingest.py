"""`njbulletin ingest PATH... [--processed DIR] [--allow-errors]`: parse, validate and store each bulletin (its
tables, and its entry in the history store: `pipeline.ingest`). A PATH may be a raw folder: its bulletins are
taken as `run` takes them (`commands.paths.expand_raw_folders`).

Exit 0 (every file stored), 1 (a file has validation errors and was not stored), 2 (a file could not be
read, or the processed folder is unusable).
"""
from __future__ import annotations

from njbulletin.commands.paths import absolute, expand_raw_folders, output_folder


def ingest_command(args) -> int:
    from njbulletin.pipeline.ingest import ingest_bulletins

    processed = output_folder(args.processed, "processed")
    folders = [path for path in map(absolute, args.paths) if path.is_dir()]  # raw folders given: never written under
    return ingest_bulletins(expand_raw_folders(args.paths), processed, bool(getattr(args, "allow_errors", False)),
                            folders)
