"""Every path a user gives, made absolute once, where a command starts.

Options, NJBULLETIN_* environment variables (the options' defaults) and Makefile variables all arrive
here as text; relative ones are taken from the folder the command was started in, and `~` is expanded.
Nothing below the command line ever sees a relative path, so nothing depends on the current folder
later (papermill, for one, changes it while a notebook runs).

An output folder that is a file, or that cannot be created, is refused here with one line (exit 2)
before anything is read or written.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from njbulletin.errors import UsageError
from njbulletin.layout import find_raw_months

FOLDER_VARIABLES = ("NJBULLETIN_RAW", "NJBULLETIN_PROCESSED", "NJBULLETIN_REPORTS", "NJBULLETIN_REFERENCE",
                    "NJBULLETIN_SCRATCH")


def absolute(path: str | os.PathLike) -> Path:
    return Path(path).expanduser().resolve()


def export_absolute_folders(environment: dict | None = None) -> None:
    """Make every NJBULLETIN_* folder variable absolute in the environment, so that a child process (a
    notebook's kernel runs in the notebooks folder) reads the folder the user meant."""
    environment = os.environ if environment is None else environment
    for name in FOLDER_VARIABLES:
        if environment.get(name):
            environment[name] = str(absolute(environment[name]))


def nearest_existing(path: Path) -> Path:
    """The path itself, or its closest ancestor that exists."""
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(path.anchor)


def output_folder(path: str | os.PathLike, role: str) -> Path:
    """An absolute output folder (`role`: 'processed', 'reports', 'output', ...), refused with one clear line
    when it is a file or cannot be created. Nothing is created here."""
    folder = absolute(path)
    existing = nearest_existing(folder)
    if existing == folder and not folder.is_dir():
        raise UsageError(f"{folder}: the {role} folder is a file, not a folder")
    if not existing.is_dir():
        raise UsageError(f"{folder}: the {role} folder cannot be created: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        what = "cannot be written" if existing == folder else f"cannot be created in {existing}"
        raise UsageError(f"{folder}: the {role} folder {what} (permission denied)")
    return folder


def input_folder(path: str | os.PathLike, role: str) -> Path:
    """An absolute input folder that exists and is a folder."""
    folder = absolute(path)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: the {role} folder is a file, not a folder")
    if not folder.is_dir():
        raise UsageError(f"{folder}: the {role} folder does not exist")
    return folder


def expand_raw_folders(paths: list[str]) -> list[Path]:
    """Absolute files as given; a folder stands for its bulletins (YYYY-MM.txt / .pdf), oldest month first, by
    the rule `run` reads a raw folder with (`layout.find_raw_months`): any other file in it is reported on
    stderr and skipped. `check` and `ingest` take their paths through here."""
    expanded: list[Path] = []
    for path in map(absolute, paths):
        if not path.is_dir():
            expanded.append(path)
            continue
        skipped: list[tuple[Path, str]] = []
        expanded += [found for _, found in sorted(find_raw_months(path, skipped).items())]
        for file, reason in skipped:
            print(f"warning: {file}: {reason}; skipped", file=sys.stderr, flush=True)
    return expanded
