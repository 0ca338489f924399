"""Writing files so a reader never sees half of one: a temporary file beside the target, then a rename."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


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
