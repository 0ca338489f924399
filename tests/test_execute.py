"""The order in which a month's notebooks run (pipeline.execute.run_notebooks), with the notebooks themselves
replaced by stand-ins that say whether they succeeded: no kernel starts for a notebook that can no longer run."""
from __future__ import annotations

import threading
from pathlib import Path

from njbulletin.pipeline import execute
from njbulletin.pipeline.model import FAILED, NOT_RUN, OK, NotebookResult
from njbulletin.pipeline.render import PendingPage

FIRST = [Path("01-ingest.ipynb"), Path("02-validate.ipynb")]
SECOND = [Path("10-booking-channels.ipynb"), Path("40-trends.ipynb")]


def run_month(monkeypatch, failing: set[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Run the stand-ins; return the notebooks that were executed (a kernel started for them) and each result."""
    started, lock = [], threading.Lock()

    def stand_in(job, kernels, renderer) -> PendingPage:
        with lock:
            started.append(job.source.stem)
        ok = job.after.wait() if job.after is not None else True  # a notebook's cells wait for the one before
        status = (FAILED if job.source.stem in failing else OK) if ok else NOT_RUN
        if job.done is not None:
            job.done.open(status == OK)
        return PendingPage(NotebookResult(job.source.stem, status))

    monkeypatch.setattr(execute, "execute_and_publish", stand_in)

    def jobs_for(source, after, done):
        return execute.NotebookJob(source=source, month="2024-11", executed=source, final_path=source,
                                   kernel_parameters={}, parameters={}, with_code=False, after=after, done=done)

    pages = execute.run_notebooks(jobs_for, FIRST, SECOND, kernels=None, renderer=None, month="2024-11")
    return sorted(started), [(page.result.name, page.result.status) for page in pages]


def test_a_month_whose_ingest_fails_starts_no_kernel_for_its_analyses(monkeypatch):
    started, results = run_month(monkeypatch, failing={"01-ingest"})
    # 02-validate's kernel starts while 01-ingest runs (one notebook ahead), then runs nothing
    assert started == ["01-ingest", "02-validate"]
    assert results == [("01-ingest", FAILED), ("02-validate", NOT_RUN), ("10-booking-channels", NOT_RUN),
                       ("40-trends", NOT_RUN)]


def test_a_month_whose_first_stage_succeeds_runs_every_notebook(monkeypatch):
    started, results = run_month(monkeypatch, failing=set())
    assert started == ["01-ingest", "02-validate", "10-booking-channels", "40-trends"]
    assert [status for _, status in results] == [OK] * 4
