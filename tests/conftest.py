"""Shared fixtures (kept small). `seed_workspace`: a temporary raw/processed/reports layout whose raw
folder holds a copy of the seed bulletin as 2024-11.txt; `seed_month_text(month)`: the seed's text
relabelled as another month of 2024 (only the headings' month changes); `seed_reports(lang)`: the seed
month's reports in a language, run once per session for the tests that only read its pages."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from njbulletin.report.screenshot import find_chromium

from seedtools import SEED_PATH, seed_text

# .ci/run sets this: there a test that needs Chromium fails when it is missing instead of being skipped.
REQUIRE_CHROMIUM = "NJBULLETIN_REQUIRE_CHROMIUM"


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


def shared_temp(tmp_path_factory) -> Path:
    """The session's temporary folder that every process of the session sees: under pytest-xdist (`make test`
    runs `pytest -n 2`) each worker's base folder is a subfolder of the run's (popen-gw0, popen-gw1)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def seed_reports(tmp_path_factory) -> Callable[[str], Path]:
    """`seed_reports(lang)`: the reports folder of one run of the seed month in `lang` ("zh" or "en"), made on
    first use and shared by every test of the session that asks for it. Those tests only read it. Under
    pytest-xdist the first worker to ask runs it (the others wait on a lock) and records where; the others
    read that record, so each language is still run once per session."""
    from filelock import FileLock

    made: dict[str, Path] = {}
    shared = shared_temp(tmp_path_factory)

    def reports(lang: str) -> Path:
        if lang not in made:
            record = shared / f"seed-reports-{lang}.path"
            with FileLock(str(shared / f"seed-reports-{lang}.lock")):
                if not record.exists():
                    workspace = make_workspace(tmp_path_factory.mktemp(f"seed-reports-{lang}"))
                    result = subprocess.run([sys.executable, "-m", "njbulletin", "run", "--raw", str(workspace.raw),
                                             "--processed", str(workspace.processed), "--reports",
                                             str(workspace.reports), "--jobs", "2", "--lang", lang],
                                            capture_output=True, text=True, timeout=900)
                    assert result.returncode == 0, result.stdout + result.stderr
                    record.write_text(str(workspace.reports), encoding="utf-8")
                made[lang] = Path(record.read_text(encoding="utf-8"))
        return made[lang]

    return reports


# Modules whose tests run the pipeline (Jupyter kernels, papermill, nbconvert) or a browser: every test in
# them is marked slow, so `make test-fast` (pytest -m "not slow") leaves them to `make test`.
SLOW_MODULES = {"test_pipeline.py", "test_robustness.py", "test_no_network.py", "test_faults.py",
                "test_rerun.py", "test_browser.py", "test_paths.py", "test_print.py", "test_attention_pipeline.py",
                "test_correction.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def pytest_runtest_setup(item):
    """A test marked `chromium` skips when Chromium is missing on a developer's machine, and fails under CI."""
    if item.get_closest_marker("chromium") is None or find_chromium() is not None:
        return
    if os.environ.get(REQUIRE_CHROMIUM) == "1":
        pytest.fail(f"Chromium is required ({REQUIRE_CHROMIUM}=1) but none is installed (apt-get install chromium)",
                    pytrace=False)
    pytest.skip("no Chromium installed (apt-get install chromium)")
