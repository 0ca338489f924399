"""Which notebooks a run runs and which it keeps, tested on the plan alone (no notebook runs): each notebook's
declaration (its metadata), its inputs and fingerprint, and the decision to run or keep it against the
manifests a previous run left. These tests are in `make test-fast`: a skip check that ignores an earlier
month's raw file, a notebook's own cells or the parameters fails here within seconds.

The months are the seed relabelled (2024-08 to 2024-10); the real notebooks are used, of which 40-trends and
50-attention read the history. A previous run is written as the pipeline writes it (`build_manifest`), with
empty stand-ins for the pages, notebooks, summary and processed partitions.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from njbulletin import config
from njbulletin.errors import UsageError
from njbulletin.layout import find_raw_months, partition_path
from njbulletin.pipeline.manifest import build_manifest, manifest_text
from njbulletin.pipeline.model import KEEP, OK, RUN, MonthOutcome, NotebookResult, Settings
from njbulletin.pipeline.plan import decide_months, describe_notebooks, discover_notebooks, plan_months

from conftest import seed_month_text

MONTHS = ["2024-08", "2024-09", "2024-10"]
NOTEBOOKS = ["01-ingest", "02-validate", "10-booking-channels", "20-upload-completeness", "30-hospital-throughput",
             "40-trends", "50-attention"]
HISTORY_NOTEBOOKS = ["40-trends", "50-attention"]
MONTH_NOTEBOOKS = [name for name in NOTEBOOKS if name not in HISTORY_NOTEBOOKS]
TABLES = ["booking_platforms", "bookings", "declared_totals", "hotline", "quality_flags", "uploads"]


@pytest.fixture(scope="module")
def specs():
    return describe_notebooks(discover_notebooks(config.NOTEBOOKS_DIR))


@pytest.fixture
def workspace(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for month in MONTHS:
        (raw / f"{month}.txt").write_text(seed_month_text(month), encoding="utf-8")
    return Settings(raw_dir=raw, processed_dir=tmp_path / "processed", reports_dir=tmp_path / "reports")


def plan(settings: Settings, specs, code: str = "code-1", months=MONTHS):
    return decide_months(plan_months(months, find_raw_months(settings.raw_dir), settings, code, specs), settings)


def pretend_run(plans, settings: Settings, failed: dict[str, str] | None = None) -> None:
    """Leave what a run of these plans leaves: each month's manifest (built by build_manifest), its notebooks'
    .ipynb and .html, its summary.json and its processed partitions; `failed` maps month -> failing notebook."""
    failed = failed or {}
    for month_plan in plans:
        folder = month_plan.report_dir
        folder.mkdir(parents=True, exist_ok=True)
        results, failing = [], False
        for notebook in month_plan.notebooks:
            status = "not run" if failing else ("failed" if failed.get(month_plan.month) == notebook.name else OK)
            failing = failing or (status == "failed" and notebook.spec.first_stage)
            results.append(NotebookResult(notebook.name, status, start="2024-12-01T00:00:00.000+00:00",
                                          end="2024-12-01T00:00:01.000+00:00", seconds=1.0,
                                          html=f"{notebook.name}.html", plan=replace(notebook, action=RUN).record()))
            for suffix in (".ipynb", ".html"):
                (folder / f"{notebook.name}{suffix}").write_text("{}", encoding="utf-8")
        partitions = {table: partition_path(settings.processed_dir, table, month_plan.month) for table in TABLES}
        for path in partitions.values():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"parquet")
        status = OK if all(result.status == OK for result in results) else "failed"
        outcome = MonthOutcome(month_plan.month, status, results)
        manifest = build_manifest(month_plan, outcome, settings.with_code, config.PROJECT_ROOT, partitions)
        (folder / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")
        (folder / "summary.json").write_text("{}", encoding="utf-8")


def actions(plans) -> dict[str, dict[str, str]]:
    """month -> notebook -> 'run' or 'kept'."""
    return {p.month: {notebook.name: notebook.action for notebook in p.notebooks} for p in plans}


def reasons(plans) -> dict[str, dict[str, str]]:
    return {p.month: {notebook.name: notebook.reason for notebook in p.notebooks} for p in plans}


def every(action: str, names=NOTEBOOKS) -> dict[str, str]:
    return dict.fromkeys(names, action)


def correct(settings: Settings, month: str) -> None:
    """Another raw file for the month (a line end more: the plan only compares the files' sha256)."""
    path = settings.raw_dir / f"{month}.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- declarations


def test_each_notebook_declares_in_its_metadata_what_it_reads(specs):
    assert {spec.name: spec.reads for spec in specs} == {**dict.fromkeys(MONTH_NOTEBOOKS, "month"),
                                                         **dict.fromkeys(HISTORY_NOTEBOOKS, "history")}
    assert [spec.name for spec in specs if spec.first_stage] == ["01-ingest", "02-validate"]


def write_notebook(folder: Path, name: str, metadata: dict | None) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell('month = "2024-11"', metadata={"tags": ["parameters"]})]
    if metadata is not None:
        notebook.metadata["njbulletin"] = metadata
    nbformat.write(notebook, folder / name)
    return folder / name


def test_a_notebook_without_a_declaration_reads_its_month_and_a_wrong_one_is_refused(tmp_path):
    plain = write_notebook(tmp_path, "10-plain.ipynb", None)
    assert describe_notebooks([plain])[0].reads == "month"
    wrong = write_notebook(tmp_path, "20-wrong.ipynb", {"reads": "everything"})
    with pytest.raises(UsageError, match=r"20-wrong.ipynb: metadata njbulletin.reads is 'everything'; expected "
                                         r"'month' \(its month's tables\) or 'history'"):
        describe_notebooks([wrong])
    early = write_notebook(tmp_path, "05-early.ipynb", {"reads": "history"})
    with pytest.raises(UsageError, match="a notebook that reads the history must be numbered 10 or above"):
        describe_notebooks([early])
    twin = write_notebook(tmp_path, "10-twin.ipynb", None)
    with pytest.raises(UsageError, match="10-plain.ipynb has the same number"):
        describe_notebooks([plain, twin])


# ----------------------------------------------------------------------------- run or keep


def test_with_no_earlier_run_everything_runs(workspace, specs):
    plans = plan(workspace, specs)
    assert actions(plans) == {month: every(RUN) for month in MONTHS}
    assert reasons(plans)["2024-09"] == every("no earlier run")


def test_after_a_run_every_notebook_is_kept_and_every_month_skipped(workspace, specs):
    pretend_run(plan(workspace, specs), workspace)
    plans = plan(workspace, specs)
    assert actions(plans) == {month: every(KEEP) for month in MONTHS}
    assert reasons(plans)["2024-10"] == every("unchanged")
    assert [p.runs for p in plans] == [False, False, False]


def test_a_correction_runs_its_month_and_only_the_history_notebooks_after_it(workspace, specs):
    pretend_run(plan(workspace, specs), workspace)
    correct(workspace, "2024-09")
    plans = plan(workspace, specs)
    assert actions(plans) == {"2024-08": every(KEEP), "2024-09": every(RUN),
                              "2024-10": {**every(KEEP, MONTH_NOTEBOOKS), **every(RUN, HISTORY_NOTEBOOKS)}}
    assert reasons(plans)["2024-09"] == every("raw file changed: 2024-09.txt")
    assert reasons(plans)["2024-10"]["40-trends"] == "raw file changed: 2024-09.txt"
    assert [p.runs for p in plans] == [False, True, True]
    assert sum(len(p.to_run(True)) + len(p.to_run(False)) for p in plans) == 7 + 2


def test_the_reasons_name_the_code_and_the_parameters(workspace, specs):
    pretend_run(plan(workspace, specs), workspace)
    assert reasons(plan(workspace, specs, code="code-2"))["2024-08"] == every("code changed")
    english = replace(workspace, lang="en")
    assert reasons(plan(english, specs))["2024-08"] == every("parameters changed")
    assert reasons(plan(workspace, specs, months=["2024-09"]))["2024-09"] == every("unchanged")


def test_force_runs_every_notebook(workspace, specs):
    pretend_run(plan(workspace, specs), workspace)
    plans = plan(replace(workspace, force=True), specs)
    assert actions(plans) == {month: every(RUN) for month in MONTHS}
    assert reasons(plans)["2024-08"] == every("forced (--force)")


def test_a_failed_notebook_runs_again_and_the_month_s_other_notebooks_are_kept(workspace, specs):
    pretend_run(plan(workspace, specs), workspace, failed={"2024-10": "20-upload-completeness"})
    plans = plan(workspace, specs)
    assert actions(plans)["2024-10"] == {**every(KEEP), "20-upload-completeness": RUN}
    assert reasons(plans)["2024-10"]["20-upload-completeness"] == "its last run failed"


def test_a_month_that_failed_to_ingest_runs_whole_and_so_do_the_later_history_notebooks(workspace, specs):
    # 2024-08's ingest failed (its other notebooks were not run): when it runs again its tables may appear,
    # and the later months' trends, which read them, run again too.
    pretend_run(plan(workspace, specs), workspace, failed={"2024-08": "01-ingest"})
    plans = plan(workspace, specs)
    assert actions(plans) == {"2024-08": every(RUN), "2024-09": {**every(KEEP, MONTH_NOTEBOOKS), **every(RUN, HISTORY_NOTEBOOKS)},
                              "2024-10": {**every(KEEP, MONTH_NOTEBOOKS), **every(RUN, HISTORY_NOTEBOOKS)}}
    assert reasons(plans)["2024-08"] == {"01-ingest": "its last run failed",
                                         **every("its last run not run", NOTEBOOKS[1:])}
    assert reasons(plans)["2024-10"]["40-trends"] == "2024-08 is ingested again"


def test_missing_outputs_run_what_made_them(workspace, specs):
    pretend_run(plan(workspace, specs), workspace)
    (workspace.reports_dir / "2024-09" / "10-booking-channels.html").unlink()
    partition_path(workspace.processed_dir, "uploads", "2024-10").unlink()
    (workspace.reports_dir / "2024-08" / "summary.json").unlink()
    plans = plan(workspace, specs)
    assert actions(plans)["2024-09"] == {**every(KEEP), "10-booking-channels": RUN}
    assert reasons(plans)["2024-09"]["10-booking-channels"] == "its notebook or page is missing"
    # the tables are written again by the first stage; the month's trends read them, so they run too
    assert actions(plans)["2024-10"] == {**every(KEEP), "01-ingest": RUN, "02-validate": RUN, **every(RUN, HISTORY_NOTEBOOKS)}
    assert reasons(plans)["2024-10"]["01-ingest"] == "the month's processed tables are missing"
    assert reasons(plans)["2024-10"]["40-trends"] == "its month is ingested again"
    # every notebook kept, but the month runs to write its summary again
    assert actions(plans)["2024-08"] == every(KEEP) and plans[0].runs and plans[0].reason == "its summary is missing"


def test_a_manifest_of_an_earlier_version_runs_everything_again(workspace, specs):
    pretend_run(plan(workspace, specs), workspace)
    manifest_path = workspace.reports_dir / "2024-09" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for record in manifest["notebooks"]:  # what manifests held before notebooks had fingerprints
        for key in ("kept", "reason", "reads", "fingerprint", "code", "inputs"):
            del record[key]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert reasons(plan(workspace, specs))["2024-09"] == every("run by an earlier version of the pipeline")
