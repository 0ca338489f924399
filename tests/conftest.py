"""Shared fixtures (kept small). `seed_workspace`: a temporary raw/processed/reports layout whose raw
folder holds a copy of the seed bulletin as 2024-11.txt; `seed_month_text(month)`: the seed's text
relabelled as another month of 2024 (only the headings' month changes)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from seedtools import SEED_PATH, seed_text


@dataclass(frozen=True)
class Workspace:
    root: Path
    raw: Path
    processed: Path
    reports: Path


def make_workspace(root: Path) -> Workspace:
    workspace = Workspace(root, root / "raw", root / "processed", root / "reports")
    workspace.raw.mkdir(parents=True)
    (workspace.raw / "2024-11.txt").write_bytes(SEED_PATH.read_bytes())
    return workspace


def seed_month_text(month: str) -> str:
    """The seed relabelled as `month` (a month of 2024): '2024 年 11 月' becomes that month."""
    year, number = month.split("-")
    assert year == "2024", "the seed's headings name 2024; relabel other years yourself"
    return seed_text().replace("2024 年 11 月", f"2024 年 {int(number)} 月")


@pytest.fixture
def seed_workspace(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "workspace")


# Modules whose tests run the pipeline (Jupyter kernels, papermill, nbconvert) or a browser: every test in
# them is marked slow, so `make test-fast` (pytest -m "not slow") leaves them to `make test`.
SLOW_MODULES = {"test_pipeline.py", "test_robustness.py", "test_no_network.py", "test_faults.py",
                "test_rerun.py", "test_browser.py", "test_paths.py", "test_report_backfill.py", "test_print.py",
                "test_attention_pipeline.py", "test_correction.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
