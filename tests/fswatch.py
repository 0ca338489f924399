"""Looking at folders that another process creates, renames and removes while a test looks at them (a run's
staging folders): a folder that vanishes in the middle of the scan is simply not there.

`Path.glob` (Python 3.11) raises FileNotFoundError when a folder it is scanning disappears, so a condition
that globs a run's staging folders fails or passes depending on how fast the machine is. These helpers list
one folder at a time with `os.scandir` and take a folder that has gone (or turned into a file) as empty.
"""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path


def entries(folder: Path) -> list[os.DirEntry]:
    """The folder's entries, or none when the folder is not there (any more)."""
    try:
        with os.scandir(folder) as scan:
            return list(scan)
    except (FileNotFoundError, NotADirectoryError):
        return []


def matching(root: Path, pattern: str) -> list[Path]:
    """The paths under `root` matching `pattern` ('/'-separated; each part a shell pattern, '*' matching names
    that start with a dot too, as Path.glob does), one folder level at a time."""
    found = [Path(root)]
    for part in pattern.split("/"):
        found = [Path(entry.path) for folder in found for entry in entries(folder)
                 if fnmatch.fnmatchcase(entry.name, part)]
    return found


def any_matching(root: Path, pattern: str) -> bool:
    return bool(matching(root, pattern))
