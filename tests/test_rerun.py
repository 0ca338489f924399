"""Two forced runs of the seed month write byte-identical data, figures and summary.

Compared byte for byte (75 files, the briefing among them): the 6 parquet partitions of 2024-11 (booking_platforms, bookings,
declared_totals, hotline, quality_flags, uploads) and the month's entry in the history store (5 partitions:
key_figures, indicator_values, completeness, units, standing_flags; and its stamp) with the store's 5 combined
files (every month of each dataset in one file); the month's 8 CSVs (the 6 tables, the
attention list and the SPC) and datapackage.json; the 7 CSVs of all months (the 6 tables and summary.csv) and
their datapackage.json; summary.json and attention.json; the 14 charts as PNG and as SVG; the 7 HTML pages, the
briefing and index.html; and the two digests the index and the navigation bars were last written from
(.index-state, .navigation). The run records, compared less their run times (8 files): manifest.json (each
notebook's start, end and seconds, the month's seconds and finished) and the 7 executed notebooks (papermill's
and the kernel's timings); the history store's file signatures (when each partition was last hashed) are a
record of the machine's files, not compared.
"""
from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import frictionless
import pytest

from njbulletin import config

from conftest import make_workspace

MONTH = "2024-11"
TABLES = ("booking_platforms", "bookings", "declared_totals", "hotline", "quality_flags", "uploads")
HISTORY_DATASETS = ("completeness", "indicator_values", "key_figures", "standing_flags", "units")
EXPECTED_IDENTICAL = {"parquet": 11, "history stamp": 1, "history combined": 5, "month csv": 8, "all-months csv": 7, "summary.json": 1,
                      "attention.json": 1, "png": 14, "svg": 14, "datapackage.json": 2, "html": 9, "state": 2}  # 14 charts (the hospitals' heatmap in three parts); html: 7 pages, briefing, index
# run records: what says when a run ran, and the file signatures (size, modification time, inode) under which
# each partition was last hashed, which a rewrite changes even when the bytes are the same
RUN_RECORDS = {"manifest.json": 1, "ipynb": 7, "history signatures": 1}
SEED_ROWS = {"booking_platforms": 5, "bookings": 140, "declared_totals": 44, "hotline": 9, "quality_flags": 106,
             "uploads": 51}


def run_forced(workspace) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "njbulletin", "run", MONTH, "--force", "--jobs", "1", "--raw", str(workspace.raw),
               "--processed", str(workspace.processed), "--reports", str(workspace.reports)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def snapshot(workspace) -> dict[str, bytes]:
    """Every file the run wrote (the reports folder's lock file aside), by path under the workspace."""
    files = {}
    for folder in (workspace.processed, workspace.reports):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != ".njbulletin.lock":
                files[path.relative_to(workspace.root).as_posix()] = path.read_bytes()
    return files


def category(path: str) -> str:
    """What a written file is, from its path (unknown kinds fail the comparison below)."""
    name = Path(path).name
    if path.startswith("processed/history/combined/"):  # every month of a history dataset in one file
        return "history signatures" if name == "signatures.json" else "history combined"
    if path.startswith("processed/history/stamps/"):
        return "history stamp"  # what the month's entry in the history store was computed from
    if path.startswith("processed/"):
        return "parquet" if name == "data.parquet" else "other"
    if name in (".index-state", ".navigation"):
        return "state"  # what the index and the navigation bars were last written from (digests)
    if name in ("manifest.json", "summary.json", "attention.json", "datapackage.json"):
        return name
    if name.endswith(".csv"):
        return "all-months csv" if path.startswith("reports/data/") else "month csv"
    return Path(path).suffix.lstrip(".") or "other"


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    workspace = make_workspace(tmp_path_factory.mktemp("rerun") / "seed")
    first = run_forced(workspace)
    before = snapshot(workspace)
    second = run_forced(workspace)
    return workspace, first, second, before, snapshot(workspace)


def test_both_forced_runs_succeed_and_write_the_same_files(two_runs):
    _, first, second, before, after = two_runs
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "done: 1 months run, 0 unchanged, 0 failed" in second.stdout  # forced: the month really ran again
    assert sorted(before) == sorted(after)


def test_data_figures_summary_and_pages_are_byte_identical(two_runs):
    _, _, _, before, after = two_runs
    identical = sorted(path for path in before if category(path) not in RUN_RECORDS)
    differing = [path for path in identical if before[path] != after[path]]
    assert differing == [], f"these files changed between two forced runs: {differing}"
    counts = {kind: sum(category(path) == kind for path in identical) for kind in EXPECTED_IDENTICAL}
    assert counts == EXPECTED_IDENTICAL, f"files compared: {identical}"
    assert len(identical) == 75 and "other" not in map(category, identical)
    assert sum(category(path) == "history signatures" for path in before) == RUN_RECORDS["history signatures"]
    assert sorted(p for p in identical if category(p) == "parquet") == sorted(
        [f"processed/{table}/month={MONTH}/data.parquet" for table in TABLES]
        + [f"processed/history/{dataset}/month={MONTH}/data.parquet" for dataset in HISTORY_DATASETS])


def without_run_times(notebook: dict) -> dict:
    """A notebook less what says when it ran: papermill's start, end and duration, the kernel's timestamps."""
    notebook = copy.deepcopy(notebook)
    for entry in (notebook["metadata"], *(cell["metadata"] for cell in notebook["cells"])):
        for key in ("start_time", "end_time", "duration"):
            entry.get("papermill", {}).pop(key, None)
        entry.pop("execution", None)
    return notebook


def test_the_notebooks_differ_only_in_their_run_times(two_runs):
    _, _, _, before, after = two_runs
    notebooks = sorted(path for path in before if category(path) == "ipynb")
    assert len(notebooks) == RUN_RECORDS["ipynb"]
    assert any(before[path] != after[path] for path in notebooks)  # each run records its own times
    for path in notebooks:
        first, second = (without_run_times(json.loads(files[path])) for files in (before, after))
        assert first == second, path


def manifest_without_run_times(manifest: dict) -> dict:
    manifest = {key: value for key, value in manifest.items() if key not in ("seconds", "finished")}
    manifest["notebooks"] = [{key: value for key, value in notebook.items() if key not in ("start", "end", "seconds")}
                             for notebook in manifest["notebooks"]]
    return manifest


def test_the_manifest_differs_only_in_its_run_times_and_records_the_lock(two_runs):
    _, _, _, before, after = two_runs
    path = f"reports/{MONTH}/manifest.json"
    first, second = json.loads(before[path]), json.loads(after[path])
    assert first["finished"] != second["finished"]
    assert manifest_without_run_times(first) == manifest_without_run_times(second)
    lock = config.PROJECT_ROOT / "requirements-dev.lock"
    assert second["lock"] == {"file": "requirements-dev.lock", "sha256": hashlib.sha256(lock.read_bytes()).hexdigest(),
                              "differs": {}}


@pytest.mark.parametrize("folder", [f"reports/{MONTH}/data", "reports/data"])
def test_the_data_packages_the_run_wrote_pass_frictionless_validation(two_runs, folder):
    workspace = two_runs[0]
    report = frictionless.validate(str(workspace.root / folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = {task.name: task.stats.get("rows", 0) for task in report.tasks}  # an empty CSV has no row count
    expected = {**SEED_ROWS, "summary": 1} if folder == "reports/data" else {**SEED_ROWS, "attention": 85, "spc": 209}
    assert rows == expected
