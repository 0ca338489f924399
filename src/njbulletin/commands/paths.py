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
from pathlib import Path

from njbulletin.errors import UsageError

FOLDER_VARIABLES = ("NJBULLETIN_RAW", "NJBULLETIN_PROCESSED", "NJBULLETIN_REPORTS", "NJBULLETIN_REFERENCE")


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
