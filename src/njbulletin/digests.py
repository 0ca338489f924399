"""sha256 digests of files and of the code, the one place they are computed (standard library only).

`code_version` is the digest of what computes the figures: the package's source files, the reference data
and the environment's lock file. The pipeline's fingerprints build on it (with the notebooks' cells), and the
history store stamps each month's entry with it, so an entry computed by other code is known to be stale.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from njbulletin import config

CODE_SUFFIXES = {".py", ".j2", ".json", ".csv", ".toml", ".cfg"}
PACKAGE_DIR = Path(__file__).resolve().parent  # the whole njbulletin package
# `make install` installs requirements-dev.lock (the runtime lock plus the dev extras) into .venv.
REQUIREMENTS_LOCK = "requirements-dev.lock"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def code_files(roots: Iterable[Path]) -> list[Path]:
    """Source files under each root (compiled caches and checkpoints left out), sorted."""
    files = []
    for root in roots:
        root = Path(root)
        if root.is_file():
            files.append(root)
            continue
        files += [path for path in root.rglob("*") if path.is_file() and path.suffix in CODE_SUFFIXES
                  and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts]
    return sorted(files)


def files_digest(roots: Iterable[Path], lock: Path | None = None) -> str:
    """One sha256 over the source files under `roots` and the lock file (when there is one)."""
    digest = hashlib.sha256()
    for path in code_files(roots):
        digest.update(f"{path.name}\0{sha256_file(path)}\n".encode())
    if lock is not None and lock.is_file():
        digest.update(f"{lock.name}\0{sha256_file(lock)}\n".encode())
    return digest.hexdigest()


def code_version() -> str:
    """The digest of the package's source, the reference data and the lock (about 5 ms; never cached, so
    that a long-lived kernel sees an edit)."""
    return files_digest([PACKAGE_DIR, config.REFERENCE_DIR], config.PROJECT_ROOT / REQUIREMENTS_LOCK)
