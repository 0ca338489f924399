"""What a month's run depended on, so it can be reproduced and skipped when nothing changed.

`manifest.json` records the sha256 of every input, the parameters, the git commit, the package
versions, the lock the environment was installed from (its sha256, and every installed package whose
version differs from it), each notebook's start, end and status, the processed partitions the run wrote,
and a fingerprint over all of it. A month is skipped when its last run succeeded, the fingerprint of the
inputs, code (src/ and the notebooks' cells) and parameters is the same, and its outputs are in place.
`build_manifest` is the one place a manifest is assembled. Standard library only at import: this is the
no-op path (comparing the environment with the lock imports `packaging`, when a manifest is written).
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from njbulletin.atomic import read_json
from njbulletin.digests import REQUIREMENTS_LOCK, code_files, sha256_file
from njbulletin.pipeline.model import now_iso

if TYPE_CHECKING:
    from njbulletin.pipeline.model import MonthOutcome, MonthPlan

MANIFEST_NAME = "manifest.json"
PACKAGES = ("njbulletin", "polars", "pyarrow", "pandas", "pandera", "matplotlib", "seaborn", "mplfonts",
            "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "jupyter_client")
# Installed beside the lock but never in it: the project itself, and the installers a venv starts with.
NOT_LOCKED = frozenset({"njbulletin", "pip", "setuptools", "wheel"})


def load_notebook(path: Path) -> dict:
    """A notebook's JSON, as plain data (nbformat is not needed to read its cells and tags)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def notebook_code_digest(path: Path) -> str:
    return notebook_digest(load_notebook(path))


def notebook_digest(notebook: dict) -> str:
    """sha256 of a notebook's cells (type, tags, source) and kernel: what runs, not its stored outputs,
    so refreshing the stored outputs (`make notebooks`) does not make every month run again."""
    cells = [[cell.get("cell_type"), sorted(cell.get("metadata", {}).get("tags", [])),
              "".join(cell.get("source", ""))] for cell in notebook.get("cells", [])]
    kernel = notebook.get("metadata", {}).get("kernelspec", {}).get("name")
    return hashlib.sha256(json.dumps([kernel, cells], ensure_ascii=False).encode("utf-8")).hexdigest()


def code_digest(source_roots: Iterable[Path], notebooks: Iterable[Path], lock: Path | None = None) -> str:
    """One sha256 over the package's source files, the notebooks' code and the environment's lock file (a
    month runs again when the locked package versions change)."""
    digest = hashlib.sha256()
    for path in code_files(source_roots):
        digest.update(f"{path.name}\0{sha256_file(path)}\n".encode())
    for path in sorted(notebooks):
        digest.update(f"{path.name}\0{notebook_code_digest(path)}\n".encode())
    if lock is not None and lock.is_file():
        digest.update(f"{lock.name}\0{sha256_file(lock)}\n".encode())
    return digest.hexdigest()


@lru_cache(maxsize=4)
def git_commit(repository: Path) -> dict:
    """The commit the code was run at, and whether the working tree had changes (None outside git)."""
    def git(*args: str) -> str | None:
        # --no-optional-locks: `git status` would otherwise refresh and rewrite the index under
        # .git/index.lock, getting in the way of the researcher's own git commands, and a run killed at that
        # moment would leave the lock behind ("Another git process seems to be running").
        try:
            result = subprocess.run(["git", "--no-optional-locks", "-C", str(repository), *args],
                                    capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--", "src", "notebooks") if commit else None
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str | None]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def read_manifest(report_dir: Path) -> dict | None:
    """A month folder's manifest.json, or None when it is missing or unreadable."""
    return read_json(Path(report_dir) / MANIFEST_NAME)


def build_manifest(plan: MonthPlan, outcome: MonthOutcome, with_code: bool, project_root: Path,
                   processed: Mapping[str, Path]) -> dict:
    """Everything a month's run depended on and produced: inputs, parameters, code, versions, each notebook's
    result, and the processed partitions it wrote (`processed`, by table: the skip check looks for them)."""
    return {
        "month": plan.month,
        "status": outcome.status,
        "error": outcome.error,
        "fingerprint": plan.fingerprint,
        "inputs": [{"path": str(plan.raw_path.parent / name), "sha256": sha} for name, sha in plan.inputs.items()],
        "parameters": plan.parameters,
        "with_code": with_code,
        "code": {**git_commit(project_root), "sha256": plan.code_sha256},
        "packages": package_versions(),
        "lock": lock_record(project_root),
        "python": sys.version.split()[0],
        "notebooks": [result.record() for result in outcome.notebooks],
        "processed": {table: str(path) for table, path in sorted(processed.items())},
        "seconds": outcome.seconds,
        "finished": now_iso(),
    }


def manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------- the lock


@dataclass(frozen=True)
class LockedPackage:
    name: str  # normalized (PEP 503): lower case, runs of -_. as one -
    version: str
    marker: str | None  # the environments it applies to (PEP 508), None for all


def normalize_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> list[LockedPackage]:
    """The pins of a requirements lock (`name==version ; marker  # comment` lines); raises ValueError on a
    line that is not an exact pin."""
    pins = []
    for number, line in enumerate(text.splitlines(), 1):
        requirement = line.split("#", 1)[0].strip()
        if not requirement:
            continue
        spec, _, marker = requirement.partition(";")
        name, pinned, version = spec.partition("==")
        if not pinned or not version.strip() or line.lstrip().startswith("-"):
            raise ValueError(f"line {number}: {line.strip()!r} is not an exact pin (name==version)")
        pins.append(LockedPackage(normalize_name(name.strip()), version.strip(), marker.strip() or None))
    return pins


def locked_versions(pins: Iterable[LockedPackage], environment: Mapping[str, str] | None = None) -> dict[str, str]:
    """The version each package is locked at in one environment (this interpreter's, with `environment`'s
    marker values, such as {"sys_platform": "win32"}, put over it); packages whose marker excludes it are left out."""
    from packaging.markers import Marker

    versions: dict[str, str] = {}
    for pin in pins:
        applies = pin.marker is None or Marker(pin.marker).evaluate(dict(environment or {}))
        if applies and versions.setdefault(pin.name, pin.version) != pin.version:
            raise ValueError(f"{pin.name} is locked at both {versions[pin.name]} and {pin.version} here")
    return versions


def metadata_headers(text: str) -> dict[str, str]:
    """The first Name and Version of a METADATA file's header block (the description after it is not parsed:
    email-parsing every package's whole METADATA took half a second)."""
    headers: dict[str, str] = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        key, _, value = line.partition(":")
        if key in ("Name", "Version"):
            headers.setdefault(key, value.strip())
    return headers


def installed_versions() -> dict[str, str]:
    """Every distribution installed in this interpreter, by normalized name (the first on sys.path wins)."""
    versions = {}
    for distribution in metadata.distributions():
        headers = metadata_headers(distribution.read_text("METADATA") or distribution.read_text("PKG-INFO") or "")
        if headers.get("Name") and headers.get("Version"):
            versions.setdefault(normalize_name(headers["Name"]), headers["Version"])
    return versions


def same_version(first: str | None, second: str | None) -> bool:
    from packaging.version import InvalidVersion, Version

    if first is None or second is None:
        return first == second
    try:
        return Version(first) == Version(second)
    except InvalidVersion:
        return first == second


def lock_differences(locked: Mapping[str, str], installed: Mapping[str, str],
                     not_locked: Iterable[str] = NOT_LOCKED) -> dict[str, dict[str, str | None]]:
    """Every package whose installed version is not the locked one, by name: {"locked", "installed"}, where
    None means not locked (installed beside the lock) or not installed (locked but missing)."""
    ignored = set(not_locked)
    names = sorted((set(locked) | set(installed)) - ignored)
    return {name: {"locked": locked.get(name), "installed": installed.get(name)} for name in names
            if not same_version(locked.get(name), installed.get(name))}


def lock_record(project_root: Path) -> dict:
    """The manifest's `lock`: the lock file, its sha256 and the installed packages that differ from it."""
    path = Path(project_root) / REQUIREMENTS_LOCK
    if not path.is_file():
        return {"file": REQUIREMENTS_LOCK, "sha256": None, "differs": None}
    locked = locked_versions(parse_lock(path.read_text(encoding="utf-8")))
    return {"file": REQUIREMENTS_LOCK, "sha256": sha256_file(path), "differs": lock_differences(locked, installed_versions())}
