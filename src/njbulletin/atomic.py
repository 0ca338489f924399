"""Files read and written safely: a write goes to a temporary file beside the target, then a rename, so a
reader never sees half of one; a JSON file that is missing or damaged reads as None."""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# Read once at import (umask is process-wide; changing it later from a thread would race).
UMASK = current_umask()


def readable_mode() -> int:
    """The mode a plain new file gets under the umask (mkstemp's own files are private)."""
    return 0o666 & ~UMASK


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; when the block succeeds it replaces the target.

    The temporary file is hidden (leading dot) and removed if the block fails.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, readable_mode())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write a UTF-8 text file (LF line ends) atomically."""
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")


def write_csv_atomic(frame, path: Path) -> Path:
    """Write a (polars) frame as CSV, UTF-8 with a BOM so that Excel shows Chinese text, atomically (every CSV
    export of the project: the tables, the attention list, SPC's points)."""
    with atomic_path(path) as temporary:
        frame.write_csv(temporary, include_bom=True)
    return Path(path)


# --------------------------------------------------------------------------- leftovers of killed writers
# A writer killed between creating its temporary file (or staging folder) and the rename leaves it behind.
# Readers never look at such names; they are removed when they are clearly abandoned: older than this, so
# that no live writer (another process, a notebook open in JupyterLab) ever loses its file.
ABANDONED_AFTER_SECONDS = 600.0


def is_abandoned(path: Path, now: float, min_age: float = ABANDONED_AFTER_SECONDS) -> bool:
    try:
        return now - path.lstat().st_mtime >= min_age
    except FileNotFoundError:  # its writer finished meanwhile
        return False


def remove_abandoned(paths, min_age: float = ABANDONED_AFTER_SECONDS, now: float | None = None) -> list[Path]:
    """Remove the files and folders among `paths` last modified at least `min_age` seconds ago."""
    import shutil
    import time

    now = time.time() if now is None else now
    removed = []
    for path in map(Path, paths):
        if not is_abandoned(path, now, min_age):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def read_json(path: Path) -> dict | None:
    """A JSON file's content, or None when it is missing or not valid JSON (a run killed while writing it)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
