"""Exploring never overwrites a published report (issue 29): a notebook run by hand, with papermill and no
folders (as JupyterLab's Run All runs it), reads the published data but writes its figures, exports and tables
to the user's scratch folder (config.SCRATCH_DIR), and says so; the published reports and processed data keep
their bytes. The project's folders are moved to a temporary layout by the NJBULLETIN_* variables, which the
kernel inherits (config.py reads them)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pytest

from njbulletin.commands.main import main
from njbulletin.config import NOTEBOOKS_DIR

from seedtools import SEED_PATH

pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def execute(notebook: str, target: Path, **parameters) -> str:
    """Run one notebook with papermill; return what it printed."""
    import papermill

    papermill.execute_notebook(str(NOTEBOOKS_DIR / notebook), str(target), parameters=parameters,
                               kernel_name="python3", progress_bar=False, log_output=False, cwd=str(NOTEBOOKS_DIR))
    executed = nbformat.read(target, as_version=4)
    return "".join(output.get("text", "") for cell in executed.cells for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A published layout: the seed ingested into processed/, and notebook 10 run as the pipeline runs it
    (every folder given) into reports/."""
    root = tmp_path_factory.mktemp("project")
    raw, processed, reports = root / "raw", root / "processed", root / "reports"
    raw.mkdir()
    (raw / "2024-11.txt").write_bytes(SEED_PATH.read_bytes())
    assert main(["ingest", str(raw / "2024-11.txt"), "--processed", str(processed)]) == 0
    execute("10-booking-channels.ipynb", root / "published-10.ipynb", month="2024-11", raw_dir=str(raw),
            processed_dir=str(processed), reports_dir=str(reports), lang="zh")
    assert sorted((reports / "2024-11" / "figures").glob("10-*.png"))  # the published figures are there
    return root


def test_a_notebook_run_by_hand_writes_to_the_scratch_folder_and_leaves_the_published_bytes(published, monkeypatch):
    raw, processed, reports, scratch = (published / name for name in ("raw", "processed", "reports", "scratch"))
    for variable, folder in (("RAW", raw), ("PROCESSED", processed), ("REPORTS", reports), ("SCRATCH", scratch)):
        monkeypatch.setenv(f"NJBULLETIN_{variable}", str(folder))
    before_reports, before_processed = snapshot(reports), snapshot(processed)
    assert before_reports and before_processed
    # No folder given, in English (a language typed into the parameters cell): the page's figures go to scratch.
    printed = execute("10-booking-channels.ipynb", published / "explored-10.ipynb", month="2024-11", lang="en")
    assert f"Exploring (not run by njbulletin run): this page's figures, exports and tables are written to {scratch};" \
           in printed
    assert sorted(path.name for path in (scratch / "reports" / "2024-11" / "figures").glob("10-*.png")) == \
           sorted(path.name for path in (reports / "2024-11" / "figures").glob("10-*.png"))
    # Notebook 01 by hand: the month's tables are written to scratch/processed, not to the published ones.
    printed = execute("01-ingest.ipynb", published / "explored-01.ipynb", month="2024-11")
    assert f"探索运行（未经 njbulletin run）：本页的图表、导出文件和数据表写入 {scratch}" in printed
    assert (scratch / "processed" / "bookings" / "month=2024-11").is_dir()
    assert snapshot(reports) == before_reports
    assert snapshot(processed) == before_processed
