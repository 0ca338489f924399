"""`njbulletin run` as a library call: plan the months, skip the unchanged ones, run the rest, rebuild the index.

Per month, through papermill's Python API: the notebooks numbered below 10 run one after another
(01-ingest, 02-validate), then those numbered 10 and up concurrently, one kernel each (pipeline.execute).
Each notebook is published to HTML as soon as it ends; then the month's summary.json, data/*.csv and
manifest.json are written, and the month, staged until then, is swapped into REPORTS/YYYY-MM as a whole
(pipeline.month, pipeline.outputs). Finally the all-months exports and REPORTS/index.html are rebuilt.

Each notebook runs only when what it reads changed (pipeline.plan): its inputs (its month's raw file, or
for a notebook that reads the history every month's up to its own), the code (src/, the reference data,
the lock, the first stage's cells and its own) and the parameters; otherwise its outputs of the last run are
kept. A month whose notebooks are all kept is skipped. That path imports only the standard library and
filelock: no polars, papermill or matplotlib, so a run where nothing changed returns at once. Before
history notebooks run, the history store's entries of the months that are not ingested again are brought
up to date (`history_store.refresh`).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from njbulletin.digests import code_version
from njbulletin.errors import UsageError
from njbulletin.layout import find_raw_months, refuse_writes_under_raw
from njbulletin.pipeline.faults import describe_fault, describe_write_error
from njbulletin.pipeline.model import READS_HISTORY, SKIPPED, MonthOutcome, MonthPlan, Settings
from njbulletin.pipeline.plan import (
    check_notebook_parameters,
    decide_months,
    describe_notebooks,
    discover_notebooks,
    plan_months,
    select_months,
)
from njbulletin.pipeline.progress import Progress, notebooks_to_run

LOCK_NAME = ".njbulletin.lock"
# Hidden files a killed run can leave in the reports folder: atomic writes' temporary files, and the
# partial notebooks of earlier versions (staging folders are handled apart).
LEFTOVER_PATTERNS = (".*.tmp", "*/.*.tmp", "*/.*.running.ipynb", "*/figures/.*.tmp", "*/data/.*.tmp")


class BusyError(UsageError):
    """Another run holds the lock on the reports folder."""


class ExportError(RuntimeError):
    """The machine could not write the all-months exports or the index (the previous ones are kept). Carries
    the months' outcomes, which the run reached before."""

    def __init__(self, message: str, outcomes: list[MonthOutcome] | None = None) -> None:
        super().__init__(message)
        self.outcomes = outcomes or []


def acquire_lock(reports_dir: Path):
    """The reports folder's lock; a second run over the same folder stops with a clear message."""
    from filelock import FileLock, Timeout

    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(reports_dir / LOCK_NAME))
        lock.acquire(timeout=float(os.environ.get("NJBULLETIN_LOCK_TIMEOUT", "0")))
    except Timeout:
        raise BusyError(f"{reports_dir}: another njbulletin run is writing these reports "
                        f"(lock {reports_dir / LOCK_NAME}); run again when it has finished") from None
    except OSError as exc:
        raise UsageError(f"{reports_dir}: the reports folder cannot be written ({os.strerror(exc.errno).lower()})"
                         if exc.errno else f"{reports_dir}: the reports folder cannot be written ({exc})") from None
    return lock


def remove_run_leftovers(reports_dir: Path) -> list[Path]:
    """What killed runs left in the reports folder: a month folder left mid-swap is put back, staging folders
    are removed, and so are temporary files once older than ten minutes (so that a notebook writing a
    figure from JupyterLab right now keeps its file). Called with the lock held."""
    from njbulletin.atomic import remove_abandoned
    from njbulletin.pipeline.outputs import recover_interrupted_swaps, remove_staging

    recover_interrupted_swaps(reports_dir)
    removed = remove_staging(reports_dir)
    return removed + remove_abandoned(path for pattern in LEFTOVER_PATTERNS for path in Path(reports_dir).glob(pattern))


def remove_empty_staging(reports_dir: Path) -> None:
    from njbulletin.pipeline.outputs import STAGING_DIRNAME

    try:
        (Path(reports_dir) / STAGING_DIRNAME).rmdir()
    except OSError:  # absent, or not empty (a month that was not swapped in: the next run removes it)
        pass


def warn_skipped_files(skipped: list[tuple[Path, str]]) -> None:
    for path, reason in skipped:
        print(f"warning: {path}: {reason}; skipped", file=sys.stderr, flush=True)


def pending_months(plans: list[MonthPlan], progress: Progress) -> tuple[list[MonthPlan], dict[str, MonthOutcome]]:
    """(the months to run, the outcomes of those skipped because nothing changed)."""
    skipped = {plan.month: MonthOutcome(plan.month, SKIPPED) for plan in plans if not plan.runs}
    for month in skipped:
        progress.message(f"{month}: unchanged, skipped (--force runs it again)")
    return [plan for plan in plans if plan.month not in skipped], skipped


def refresh_history_store(pending: list[MonthPlan], processed_dir: Path) -> list[str]:
    """Before history notebooks run: the history store's entries of the months up to the last one they read,
    except those ingested again in this run (their notebook 01 writes them), computed again where missing or
    stale (other code, tables rewritten by other means). Returns the months computed again."""
    readers = [plan.month for plan in pending if any(notebook.spec.reads == READS_HISTORY
                                                     for notebook in plan.to_run(first_stage=False))]
    if not readers:
        return []
    from njbulletin.history_store import refresh, stored_months

    ingested = {plan.month for plan in pending if plan.to_run(first_stage=True)}
    return refresh(processed_dir, [month for month in stored_months(processed_dir, max(readers))
                                   if month not in ingested])


def is_write_fault(exc: BaseException) -> bool:
    return isinstance(exc, OSError) or describe_fault(exc) is not None


def rebuild_exports_and_index(settings: Settings, swapped_in: bool, progress: Progress) -> None:
    """The all-months CSVs (when a month was swapped in) and index.html, each replaced whole or kept as it
    was; a fault of the machine raises ExportError."""
    from njbulletin.report.index import write_index

    if swapped_in:
        from njbulletin.pipeline.outputs import write_all_months_exports

        try:
            write_all_months_exports(settings.processed_dir, settings.reports_dir)
        except Exception as exc:
            if not is_write_fault(exc):
                raise
            raise ExportError(f"{settings.reports_dir / 'data'}: {describe_write_error(exc)}; the previous "
                              f"all-months exports and index are kept") from None
    try:
        progress.message(f"index: {write_index(settings.reports_dir, settings.lang)}")
    except OSError as exc:
        raise ExportError(f"{settings.reports_dir / 'index.html'}: {describe_write_error(exc)}; the previous "
                          f"index is kept") from None


def run_pipeline(months: list[str], settings: Settings, run_all: bool = False,
                 progress: Progress | None = None) -> list[MonthOutcome]:
    """Plan the months, keep the unchanged notebooks, check the parameters, run the rest, rebuild index.html.
    `progress` is told what happens (by default a line per month on standard output).

    Raises UsageError (bad month, parameter or folder) before anything runs, BusyError when another
    run holds the reports folder, ExportError when the index or the all-months exports cannot be written.
    """
    refuse_writes_under_raw([settings.processed_dir, settings.reports_dir], raw_dirs=[settings.raw_dir])
    skipped_files: list[tuple[Path, str]] = []
    available = find_raw_months(settings.raw_dir, skipped_files)
    warn_skipped_files(skipped_files)
    selected = select_months(list(months), available, run_all)
    notebooks = discover_notebooks(settings.notebooks_dir)
    specs = describe_notebooks(notebooks)
    progress = progress or Progress()
    lock = acquire_lock(settings.reports_dir)
    try:
        remove_run_leftovers(settings.reports_dir)
        plans = decide_months(plan_months(selected, available, settings, code_version(), specs), settings)
        pending, outcomes = pending_months(plans, progress)
        ran: list[MonthOutcome] = []
        if pending:
            from njbulletin.pipeline.schedule import run_months, start_worker_server

            start_worker_server(pending, settings)
            check_notebook_parameters(notebooks, pending[0].parameters)
            refresh_history_store(pending, settings.processed_dir)
            progress.start(len(pending), notebooks_to_run(pending))
            try:
                ran = run_months(pending, settings, progress)
            finally:
                progress.close()
            outcomes.update({outcome.month: outcome for outcome in ran})
        try:
            rebuild_exports_and_index(settings, any(outcome.fault is None for outcome in ran), progress)
        except ExportError as exc:
            raise ExportError(str(exc), [outcomes[month] for month in selected]) from None
        return [outcomes[month] for month in selected]
    finally:
        remove_empty_staging(settings.reports_dir)
        lock.release()
