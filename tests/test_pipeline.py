"""`njbulletin run`: the seed month end to end (one run, many assertions), the skip path, the failure
path, rejected months and parameters, and the lock.

Expected figures come from the bulletin text (data/raw/2024-11.txt): 合计 of bookings 276195, of which
third party 259989; the five platforms sum to 18946; the hotline's six call categories sum to 27332;
the uploads list 12 districts and 39 hospitals whose outpatient visits sum to 4175517.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import polars as pl
import pytest
from filelock import FileLock

from njbulletin import config
from njbulletin.commands.run import report_outcomes
from njbulletin.errors import UsageError
from njbulletin.layout import find_raw_months
from njbulletin.pipeline.manifest import git_commit
from njbulletin.pipeline.model import Settings
from njbulletin.pipeline.plan import (
    check_notebook_parameters,
    discover_notebooks,
    notebook_stages,
    select_months,
)
from njbulletin.pipeline.run import LOCK_NAME, run_pipeline
from njbulletin.report.html import find_remote_references

from conftest import make_workspace, seed_month_text
from seedtools import month_status

NOTEBOOKS = ["01-ingest", "02-validate", "10-booking-channels", "20-upload-completeness",
             "30-hospital-throughput", "40-trends", "50-attention"]
TABLES = ["booking_platforms", "bookings", "declared_totals", "hotline", "quality_flags", "uploads"]


def run_cli(workspace, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "njbulletin", "run", "--raw", str(workspace.raw), "--processed",
               str(workspace.processed), "--reports", str(workspace.reports), "--jobs", "1", *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    """One forced run of the seed month, then an unchanged second run; both kept for the assertions."""
    workspace = make_workspace(tmp_path_factory.mktemp("pipeline") / "seed")
    first = run_cli(workspace)
    month_dir = workspace.reports / "2024-11"
    for _ in range(3):  # when the code was edited while the first run went on, run it again first
        manifest = json.loads((month_dir / "manifest.json").read_text(encoding="utf-8"))
        if manifest["code"]["sha256"] == current_code_digest():
            break
        run_cli(workspace)
    mtimes = {path.name: path.stat().st_mtime_ns for path in month_dir.glob("*.*")}
    second = run_cli(workspace)
    return workspace, first, second, mtimes


def current_code_digest() -> str:
    from njbulletin.digests import code_version
    from njbulletin.pipeline.fingerprints import code_of_run
    from njbulletin.pipeline.plan import describe_notebooks

    return code_of_run(code_version(), describe_notebooks(discover_notebooks(config.NOTEBOOKS_DIR)))


@pytest.fixture(scope="module")
def month_dir(seed_run) -> Path:
    return seed_run[0].reports / "2024-11"


def test_the_seed_run_succeeds_with_a_plain_line_for_its_month(seed_run):
    _, first, _, _ = seed_run
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # e.g. no "ERROR | KeyboardInterrupt caught in kernel" from a kernel shutdown
    # its output is not a terminal: a plain line per month (no progress bar, no line per notebook)
    assert first.stdout.splitlines()[0] == first.stdout.splitlines()[0].strip()
    assert re.fullmatch(r"2024-11: ok, 7 notebooks in \d+\.\d s", first.stdout.splitlines()[0]), first.stdout
    assert not any(name in first.stdout for name in NOTEBOOKS) and "\r" not in first.stdout
    assert first.stdout.splitlines()[-1] == "done: 1 months run, 0 unchanged, 0 failed"


def test_every_output_file_exists(seed_run, month_dir):
    for name in NOTEBOOKS:
        assert (month_dir / f"{name}.ipynb").is_file()
        assert (month_dir / f"{name}.html").is_file()
    for name in ("summary.json", "manifest.json"):
        assert (month_dir / name).is_file()
    assert sorted(path.stem for path in (month_dir / "data").glob("*.csv")) == sorted([*TABLES, "attention", "spc"])
    assert (seed_run[0].reports / "index.html").is_file()
    figures = list((month_dir / "figures").glob("*"))
    assert {path.suffix for path in figures} == {".png", ".svg"}
    assert sorted(p.stem for p in figures if p.suffix == ".png") == sorted(p.stem for p in figures if p.suffix == ".svg")


def test_html_is_self_contained_without_code_or_traceback(month_dir):
    pages = {name: (month_dir / f"{name}.html").read_text(encoding="utf-8") for name in NOTEBOOKS}
    for name, page in pages.items():
        assert "Traceback" not in page and "papermill-error" not in page, name
        assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page, name
        assert find_remote_references(page) == [], name
        assert not re.search(r"<(script|link)\b[^>]*(src|href)=[\"']?https?:", page, re.IGNORECASE), name
        assert "MonthContext.from_parameters" not in page, name  # code is hidden by default
    assert any(re.search(r'<img[^>]+src="data:image/png;base64,', page) for page in pages.values())
    assert "276,195" in pages["01-ingest"]  # the printed key figures are in the report, formatted


def test_summary_matches_the_seed(month_dir):
    summary = json.loads((month_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["month"] == "2024-11"
    assert summary["bookings_total"] == 276195
    assert summary["third_party_share"] == pytest.approx(259989 / 276195, abs=1e-6)
    assert summary["platforms_total"] == 18946
    assert summary["hotline_calls"] == 27332
    assert summary["upload_units"] == 12 + 39
    assert summary["upload_units_complete"] == 8
    assert summary["hospital_outpatient_visits"] == 4175517
    assert summary["quality_errors"] == 0
    flags = list(csv.DictReader((month_dir / "data" / "quality_flags.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert summary["quality_flags"] == len(flags) > 0


def test_manifest_records_inputs_parameters_code_and_each_notebook(seed_run, month_dir):
    workspace = seed_run[0]
    manifest = json.loads((month_dir / "manifest.json").read_text(encoding="utf-8"))
    seed = workspace.raw / "2024-11.txt"
    assert manifest["status"] == "ok"
    assert manifest["inputs"] == [{"path": str(seed.resolve()), "sha256": hashlib.sha256(seed.read_bytes()).hexdigest()}]
    assert manifest["parameters"] == {"month": "2024-11", "raw_dir": str(workspace.raw.resolve()),
                                      "processed_dir": str(workspace.processed.resolve()),
                                      "reports_dir": str(workspace.reports.resolve()), "lang": "zh",
                                      "allow_errors": False}
    assert manifest["code"]["commit"] is None or re.fullmatch(r"[0-9a-f]{40}", manifest["code"]["commit"])
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["code"]["sha256"])
    assert manifest["packages"]["papermill"] and manifest["packages"]["polars"]
    assert [nb["name"] for nb in manifest["notebooks"]] == NOTEBOOKS
    partition = workspace.processed.resolve() / "{}" / "month=2024-11" / "data.parquet"
    assert manifest["processed"] == {table: str(partition).format(table) for table in TABLES}
    for notebook in manifest["notebooks"]:
        assert notebook["status"] == "ok" and notebook["error"] is None
        assert notebook["start"] < notebook["end"]
    starts = {nb["name"]: nb["start"] for nb in manifest["notebooks"]}
    ends = {nb["name"]: nb["end"] for nb in manifest["notebooks"]}
    assert ends["01-ingest"] <= starts["02-validate"] and ends["02-validate"] <= min(starts[n] for n in NOTEBOOKS[2:])


def test_published_notebooks_show_the_month_s_own_folders_not_the_staging_folder(seed_run, month_dir):
    # Each kernel was given the month's staging folder as reports_dir (so its figures were staged too); the
    # published notebook shows the folders the month was swapped into.
    reports = str(seed_run[0].reports.resolve())
    for name in NOTEBOOKS:
        notebook = nbformat.read(month_dir / f"{name}.ipynb", as_version=4)
        injected = [cell for cell in notebook.cells if "injected-parameters" in cell.metadata.get("tags", [])]
        assert len(injected) == 1 and f'reports_dir = "{reports}"' in injected[0].source, name
        assert notebook.metadata.papermill.parameters["reports_dir"] == reports
        assert notebook.metadata.papermill.output_path == str(month_dir / f"{name}.ipynb")
        assert ".staging" not in (month_dir / f"{name}.ipynb").read_text(encoding="utf-8"), name
    assert not (seed_run[0].reports / ".staging").exists()


def test_each_page_shows_exactly_the_charts_its_notebook_wrote(month_dir):
    # A chart is shown once, as the PNG that was written (publish_figure), never twice or not at all.
    # The seed's trends notebook has a single month and draws no chart.
    # The attention page draws its small XmR charts as inline SVG, and the seed has no limits to draw anyway.
    expected = {"10-booking-channels": 5, "20-upload-completeness": 5, "30-hospital-throughput": 4, "40-trends": 0,
                "50-attention": 0}
    for name, charts in expected.items():
        written = sorted((month_dir / "figures").glob(f"{name[:2]}-*.png"))
        page = (month_dir / f"{name}.html").read_text(encoding="utf-8")
        shown = re.findall(r'<img[^>]+src="data:image/png;base64,([^"]+)"', page)
        assert len(written) == len(shown) == charts, name
        assert sorted(base64.b64decode(data) for data in shown) == sorted(path.read_bytes() for path in written)


def test_csv_exports_have_a_bom_and_the_seed_figures(month_dir):
    for table in TABLES:
        assert (month_dir / "data" / f"{table}.csv").read_bytes().startswith(b"\xef\xbb\xbf"), table
    bookings = list(csv.DictReader((month_dir / "data" / "bookings.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert sum(int(row["count"]) for row in bookings) == 276195
    assert sum(int(row["count"]) for row in bookings if row["channel"] == "third_party") == 259989
    assert len({row["hospital"] for row in bookings}) == 35
    assert "南京鼓楼医院（含分院）" in {row["hospital"] for row in bookings}


def test_all_months_exports_hold_the_seed_figures_and_are_linked_from_the_index(seed_run):
    data = seed_run[0].reports / "data"
    for table in TABLES:
        assert (data / f"{table}.csv").read_bytes().startswith(b"\xef\xbb\xbf"), table
    bookings = list(csv.DictReader((data / "bookings.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert {row["month"] for row in bookings} == {"2024-11"}
    assert sum(int(row["count"]) for row in bookings) == 276195
    summary = list(csv.DictReader((data / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(row["month"], row["run_status"], row["bookings_total"], row["hotline_calls"]) for row in summary] == \
        [("2024-11", "ok", "276195", "27332")]
    index = (seed_run[0].reports / "index.html").read_text(encoding="utf-8")
    # linked by what they hold, in the page's language
    assert '<a href="data/summary.csv">各月关键数字</a>' in index and '<a href="data/uploads.csv">数据采集</a>' in index


def test_index_lists_the_month_with_status_figures_and_links(seed_run):
    index = (seed_run[0].reports / "index.html").read_text(encoding="utf-8")
    assert month_status(index, "2024-11") == '<td class="ok">完成</td>'  # the status in the reports' language
    assert "276,195" in index and "27,332" in index and "94.13%" in index and '完整上传单位（家）">8 / 51</td>' in index
    for name in NOTEBOOKS:
        assert f'href="2024-11/{name}.html"' in index
    assert find_remote_references(index) == []


def test_an_unchanged_second_run_is_skipped(seed_run, month_dir):
    _, _, second, mtimes = seed_run
    assert second.returncode == 0, second.stderr
    assert "2024-11: unchanged, skipped" in second.stdout
    assert "done: 0 months run, 1 unchanged, 0 failed" in second.stdout
    assert "notebooks in" not in second.stdout  # no notebook ran
    assert {path.name: path.stat().st_mtime_ns for path in month_dir.glob("*.*")} == mtimes


def failing_notebooks(folder: Path) -> Path:
    """01-ingest as it is, and a 10- notebook that fails for 2024-12 only (after printing a line)."""
    folder.mkdir()
    (folder / "01-ingest.ipynb").write_bytes((config.NOTEBOOKS_DIR / "01-ingest.ipynb").read_bytes())
    notebook = nbformat.read(config.NOTEBOOKS_DIR / "10-booking-channels.ipynb", as_version=4)
    parameters = next(cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", []))
    notebook.cells = [parameters, nbformat.v4.new_code_cell('print("before the failure; history",\n'
                                                            '      get_ipython().history_manager.enabled)'),
                      nbformat.v4.new_code_cell('if month == "2024-12":\n    raise ValueError("deliberate failure")')]
    nbformat.write(notebook, folder / "10-fails.ipynb")
    return folder


def cell_outputs(path: Path) -> list[tuple[int | None, list[str]]]:
    """Each code cell's execution count and text outputs."""
    notebook = nbformat.read(path, as_version=4)
    return [(cell.execution_count, [output.get("text") or output.get("data", {}).get("text/plain", "")
                                    for output in cell.outputs]) for cell in notebook.cells if cell.cell_type == "code"]


def test_a_failing_notebook_is_kept_with_its_error_and_other_months_go_on(tmp_path, capsys, month_dir):
    workspace = make_workspace(tmp_path / "w")
    (workspace.raw / "2024-12.txt").write_text(seed_month_text("2024-12"), encoding="utf-8")
    # 2024-10 prints 27333 calls where its six categories sum to 27332: ingest refuses it
    (workspace.raw / "2024-10.txt").write_text(seed_month_text("2024-10").replace("27332", "27333"), encoding="utf-8")
    settings = Settings(raw_dir=workspace.raw, processed_dir=workspace.processed, reports_dir=workspace.reports,
                        notebooks_dir=failing_notebooks(tmp_path / "notebooks"), jobs=2)
    outcomes = run_pipeline([], settings)  # two months at a time, in processes
    assert [(o.month, o.status) for o in outcomes] == [("2024-10", "failed"), ("2024-11", "ok"), ("2024-12", "failed")]

    refused_dir = workspace.reports / "2024-10"
    manifest = json.loads((refused_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [(nb["name"], nb["status"]) for nb in manifest["notebooks"]] == [("01-ingest", "failed"), ("10-fails", "not run")]
    assert "printed 27333, computed sum of the 6 call categories 27332" in manifest["notebooks"][0]["error"]
    assert "printed 27333" in (refused_dir / "01-ingest.html").read_text(encoding="utf-8")
    assert not (refused_dir / "10-fails.ipynb").exists() and not (refused_dir / "summary.json").exists()

    failed_dir = workspace.reports / "2024-12"
    executed = nbformat.read(failed_dir / "10-fails.ipynb", as_version=4)
    errors = [o for cell in executed.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    assert [(e.ename, e.evalue) for e in errors] == [("ValueError", "deliberate failure")]
    page = (failed_dir / "10-fails.html").read_text(encoding="utf-8")
    assert "deliberate failure" in page and "before the failure" in page
    assert "before the failure; history False" in page  # a reused kernel too runs with IPython's history off
    manifest = json.loads((failed_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed"
    assert [(nb["name"], nb["status"]) for nb in manifest["notebooks"]] == [("01-ingest", "ok"), ("10-fails", "failed")]
    assert "ValueError: deliberate failure" in manifest["notebooks"][1]["error"]
    assert json.loads((workspace.reports / "2024-11" / "manifest.json").read_text(encoding="utf-8"))["status"] == "ok"
    index = (workspace.reports / "index.html").read_text(encoding="utf-8")
    assert month_status(index, "2024-12") == '<td class="failed">失败</td>'

    # the all-months CSVs hold every processed month (2024-12 was ingested; its analysis failed), oldest
    # first; summary.csv the months with a summary, with the run's status (2024-10 was refused at ingest)
    hotline = list(csv.DictReader((workspace.reports / "data" / "hotline.csv").read_text(encoding="utf-8-sig")
                                  .splitlines()))
    assert [row["month"] for row in hotline] == ["2024-11"] * 9 + ["2024-12"] * 9
    summary = list(csv.DictReader((workspace.reports / "data" / "summary.csv").read_text(encoding="utf-8-sig")
                                  .splitlines()))
    assert [(row["month"], row["run_status"]) for row in summary] == [("2024-11", "ok"), ("2024-12", "failed")]

    # several months reuse one kernel per notebook and process, from an empty namespace: a month's
    # cells print what a fresh kernel prints, with execution counts from 1 (the seed run's kernels were fresh)
    for month in ("2024-11", "2024-12"):
        reused = cell_outputs(workspace.reports / month / "01-ingest.ipynb")
        fresh = cell_outputs(month_dir / "01-ingest.ipynb")
        assert [count for count, _ in reused] == [count for count, _ in fresh] == list(range(1, len(fresh) + 1))
    assert cell_outputs(workspace.reports / "2024-11" / "01-ingest.ipynb") == cell_outputs(month_dir / "01-ingest.ipynb")

    capsys.readouterr()
    assert report_outcomes(outcomes) == 1
    output = capsys.readouterr()
    assert "done: 1 months run, 0 unchanged, 2 failed" in output.out
    assert "failed: 2024-12: 10-fails: ValueError: deliberate failure" in output.err
    assert "failed: 2024-10: 01-ingest: BulletinError: " in output.err

    # a failed month is never skipped: the next run tries it again, and skips the good one
    again = run_pipeline([], replace(settings, jobs=1))
    assert [(o.month, o.status) for o in again] == [("2024-10", "failed"), ("2024-11", "skipped"), ("2024-12", "failed")]


@pytest.mark.parametrize("month", ["2024-13", "2024-00", "24-11", "2024-1", "2024-11-01"])
def test_a_bad_month_is_rejected_before_anything_runs(seed_workspace, month):
    result = run_cli(seed_workspace, month)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: invalid month '{month}': expected YYYY-MM with MM from 01 to 12"
    assert not seed_workspace.reports.exists() and not seed_workspace.processed.exists()


def test_a_month_missing_from_raw_is_rejected(seed_workspace):
    result = run_cli(seed_workspace, "2024-10")
    assert result.returncode == 2
    assert "no bulletin for 2024-10 in the raw folder" in result.stderr
    assert not seed_workspace.reports.exists()


def test_an_unknown_parameter_is_rejected_before_anything_runs(seed_workspace):
    settings = Settings(raw_dir=seed_workspace.raw, processed_dir=seed_workspace.processed,
                        reports_dir=seed_workspace.reports, extra_parameters=(("colour", "red"),))
    with pytest.raises(UsageError, match=r"01-ingest.ipynb: unknown parameter 'colour'; the notebook declares "
                                         r"allow_errors, lang, month, processed_dir, raw_dir, reports_dir"):
        run_pipeline(["2024-11"], settings)
    assert not (seed_workspace.reports / "2024-11").exists() and not seed_workspace.processed.exists()


def test_a_notebook_without_a_parameter_it_is_given_is_rejected(tmp_path):
    notebook = nbformat.read(config.NOTEBOOKS_DIR / "01-ingest.ipynb", as_version=4)
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace('lang = "zh"', "")
    nbformat.write(notebook, tmp_path / "01-ingest.ipynb")
    with pytest.raises(UsageError, match="unknown parameter 'lang'"):
        check_notebook_parameters([tmp_path / "01-ingest.ipynb"], {"month": "2024-11", "lang": "zh"})


def test_every_stored_notebook_declares_exactly_the_pipeline_parameters():
    notebooks = discover_notebooks(config.NOTEBOOKS_DIR)
    assert [path.stem for path in notebooks] == NOTEBOOKS
    check_notebook_parameters(notebooks, dict.fromkeys(["month", "raw_dir", "processed_dir", "reports_dir", "lang",
                                                        "allow_errors"]))
    first, second = notebook_stages(notebooks)
    assert [p.stem for p in first] == ["01-ingest", "02-validate"] and [p.stem for p in second] == NOTEBOOKS[2:]


def test_month_selection(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("2024-11.txt", "2024-09.pdf", "notes.txt", "2024-13.txt.bak"):
        (raw / name).write_bytes(b"x")
    available = find_raw_months(raw)
    assert {month: path.name for month, path in available.items()} == {"2024-09": "2024-09.pdf", "2024-11": "2024-11.txt"}
    assert select_months([], available) == ["2024-09", "2024-11"]
    assert select_months(["2024-11"], available) == ["2024-11"]
    (raw / "2024-11.pdf").write_bytes(b"x")
    with pytest.raises(UsageError, match="both 2024-11.pdf and 2024-11.txt exist for 2024-11"):
        find_raw_months(raw)


def test_a_second_run_over_a_locked_reports_folder_stops_with_exit_3(seed_workspace):
    seed_workspace.reports.mkdir()
    with FileLock(str(seed_workspace.reports / LOCK_NAME)):
        result = run_cli(seed_workspace)
    assert result.returncode == 3
    assert result.stderr.startswith(f"error: {seed_workspace.reports.resolve()}: another njbulletin run is writing")
    assert not (seed_workspace.reports / "2024-11").exists()


def test_the_no_op_path_imports_no_heavy_library(seed_run):
    workspace = seed_run[0]
    code = ("import sys; from njbulletin.commands.main import main; "
            f"code = main(['run', '--raw', {str(workspace.raw)!r}, '--processed', {str(workspace.processed)!r}, "
            f"'--reports', {str(workspace.reports)!r}]); "
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'polars', 'papermill', 'matplotlib', "
            "'nbconvert', 'pandas', 'pyarrow'}); print(code, heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stdout + result.stderr


def test_with_code_shows_the_code_and_still_loads_nothing_remote(month_dir, tmp_path):
    from njbulletin.report.html import render_html

    page = render_html(month_dir / "01-ingest.ipynb", tmp_path / "01-ingest.html", with_code=True, lang="zh",
                       month=month_dir.name).read_text(
        encoding="utf-8")
    assert "MonthContext" in page and "from_parameters" in page
    assert find_remote_references(page) == []


def test_remote_references_are_found():
    page = ('<script src="https://cdn.example.org/require.js"></script><link rel="stylesheet" '
            'href="//fonts.example.org/a.css"><style>@import url("https://x.org/f.css");</style>'
            '<a href="https://example.org">a link is fine</a><img src="data:image/png;base64,AAAA">')
    assert len(find_remote_references(page)) == 3


def test_recording_the_git_commit_never_writes_the_repository_index(tmp_path):
    # `git status` refreshes a stale index and rewrites it under .git/index.lock; the manifest's call must
    # not (a run killed at that moment would leave the lock and block the researcher's git commands).
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
                       check=True, capture_output=True)

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("x = 1\n")
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first")
    later = time.time() + 5  # the file's stat data no longer matches the index: a refresh would rewrite it
    os.utime(tmp_path / "src" / "a.py", (later, later))
    index = (tmp_path / ".git" / "index").read_bytes()
    recorded = git_commit(tmp_path)
    assert recorded["commit"] and recorded["dirty"] is False
    assert (tmp_path / ".git" / "index").read_bytes() == index
    git("status", "--porcelain")  # control: plain git status does rewrite it, so the check above can fail
    assert (tmp_path / ".git" / "index").read_bytes() != index


def test_allow_errors_runs_a_month_whose_totals_do_not_reconcile_with_the_errors_flagged(tmp_path):
    # The same month as below (platform 合计 printed 18947, the five platforms sum to 18946), run with
    # --allow-errors: stored and analysed, the error kept in quality_flags and counted in summary.json.
    workspace = make_workspace(tmp_path / "w")
    (workspace.raw / "2024-11.txt").unlink()
    (workspace.raw / "2024-12.txt").write_text(seed_month_text("2024-12").replace("合计：18946", "合计：18947"),
                                               encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "njbulletin", "run", "--allow-errors", "--raw",
                             str(workspace.raw), "--processed", str(workspace.processed), "--reports",
                             str(workspace.reports)], capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    flags = pl.read_parquet(workspace.processed / "quality_flags" / "month=2024-12" / "data.parquet")
    errors = flags.filter(pl.col("severity") == "error")
    assert errors.select("rule", "detail").rows() == [
        ("platform_total", "booking_platforms: 合计: printed 18947, computed sum of the 5 platforms 18946")]
    summary = json.loads((workspace.reports / "2024-12" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["quality_errors"], summary["platforms_total"], summary["bookings_total"]) == (1, 18946, 276195)
    manifest = json.loads((workspace.reports / "2024-12" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["allow_errors"] is True and manifest["status"] == "ok"
    index = (workspace.reports / "index.html").read_text(encoding="utf-8")
    assert month_status(index, "2024-12") == '<td class="ok">完成 <span class="failed">（带 1 个校验错误保存）</span></td>'
    # The validation page shows the error with its printed and computed values (18947 against 18946).
    page = (workspace.reports / "2024-12" / "02-validate.html").read_text(encoding="utf-8")
    assert "✗ 发现 1 个错误" in page and "平台合计" in page and "18,947" in page and "18,946" in page


def test_a_run_whose_only_month_is_refused_fails_with_one_line_and_no_traceback(tmp_path):
    workspace = make_workspace(tmp_path / "w")
    (workspace.raw / "2024-11.txt").unlink()  # 2024-12 is the only month
    (workspace.raw / "2024-12.txt").write_text(seed_month_text("2024-12").replace("合计：18946", "合计：18947"),
                                               encoding="utf-8")
    (workspace.processed / "bookings").mkdir(parents=True)  # a table folder with no month in it yet
    result = subprocess.run([sys.executable, "-m", "njbulletin", "run", "--raw", str(workspace.raw),
                             "--processed", str(workspace.processed), "--reports", str(workspace.reports)],
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr  # (the whole of it, should it ever show one)
    assert result.stderr.splitlines() == [
        f"failed: 2024-12: 01-ingest: BulletinError: {workspace.raw / '2024-12.txt'}: 1 validation errors, 2024-12 "
        f"not written (--allow-errors stores it with the errors flagged): error: {workspace.raw / '2024-12.txt'}:441: "
        "booking_platforms: 合计: printed 18947, computed sum of the 5 platforms 18946 [platform_total]"]
    assert not (workspace.reports / "data" / "summary.csv").exists()
