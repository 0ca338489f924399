"""One month from start to end: stage its folder, run its notebooks, write its outputs and manifest, swap
it in (or, when the machine stopped it, drop it and keep the previous reports), print its line.

A month runs whole (both stages pipelined), or in two calls when several months run: every month's first
stage (01-ingest, 02-validate) before any month's analyses, because a month's trends read the earlier
months' processed tables.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from njbulletin import config
from njbulletin.pipeline.execute import Gate, NotebookJob, run_notebooks
from njbulletin.pipeline.faults import describe_fault, describe_write_error, kept_reports_message
from njbulletin.pipeline.kernels import KernelPool
from njbulletin.pipeline.manifest import build_manifest, manifest_text
from njbulletin.pipeline.model import FAILED, NOT_RUN, OK, MonthOutcome, MonthPlan, NotebookResult, Settings, all_ok
from njbulletin.pipeline.outputs import FolderStage, processed_partitions, write_manifest, write_month_files
from njbulletin.pipeline.plan import discover_notebooks, notebook_stages
from njbulletin.pipeline.render import PendingPage, Renderer, describe_error, settle


@dataclass
class StagedMonth:
    """A month whose outputs are being written to its staging folder."""
    plan: MonthPlan
    stage: FolderStage | None  # None: it could not be created (the month then has its outcome)
    with_code: bool
    had_reports: bool = False  # REPORTS/YYYY-MM existed when the month started: what a fault keeps
    started: float = field(default_factory=time.perf_counter)
    prepared: list[NotebookResult] = field(default_factory=list)  # the first stage's results, once run
    outcome: MonthOutcome | None = None  # set when the month ended before its second stage

    def job(self, source: Path, after: Gate | None, done: Gate | None) -> NotebookJob:
        return NotebookJob(source=source, month=self.plan.month, executed=self.stage.staged / source.name,
                           final_path=self.plan.report_dir / source.name,
                           kernel_parameters={**self.plan.parameters, "reports_dir": str(self.stage.folder)},
                           parameters=self.plan.parameters, with_code=self.with_code, after=after, done=done)


def not_run(notebooks: list[Path]) -> list[PendingPage]:
    return [PendingPage(NotebookResult(name=path.stem, status=NOT_RUN)) for path in notebooks]


def month_status(results: list[NotebookResult], error: str | None) -> str:
    return OK if all_ok(results) and error is None else FAILED


class MonthRunner:
    """Runs months in this process with one kernel pool and one renderer."""

    def __init__(self, settings: Settings, kernels: KernelPool, renderer: Renderer) -> None:
        self.settings = settings
        self.kernels = kernels
        self.renderer = renderer
        self.first, self.second = notebook_stages(discover_notebooks(settings.notebooks_dir))

    def run_notebooks(self, month: StagedMonth, first: list[Path], second: list[Path]) -> list[PendingPage]:
        return run_notebooks(month.job, first, second, self.kernels, self.renderer, month.plan.month)

    def open(self, plan: MonthPlan) -> StagedMonth:
        """Stage the month; a staging folder the machine cannot create ends the month at once."""
        had_reports = plan.report_dir.is_dir()
        try:
            stage = FolderStage.create(plan.report_dir)
        except OSError as exc:
            month = StagedMonth(plan, None, self.settings.with_code, had_reports)
            month.outcome = fault_outcome(month, MonthOutcome(plan.month, FAILED), describe_write_error(exc))
            return month
        return StagedMonth(plan, stage, self.settings.with_code, had_reports)

    def run_whole_month(self, plan: MonthPlan) -> MonthOutcome:
        """One month on its own: both stages pipelined."""
        month = self.open(plan)
        if month.outcome is not None:
            return month.outcome
        pending = self.run_notebooks(month, self.first, self.second)
        first_ok = all(item.result.status == OK for item in pending[:len(self.first)])
        return finish_month(month, pending, tables_written=first_ok, processed_dir=self.settings.processed_dir)

    def run_first_stage(self, plan: MonthPlan) -> StagedMonth:
        """The notebooks below 10 of one month; the month waits in staging for its second stage."""
        month = self.open(plan)
        if month.outcome is None:
            month.prepared = settle(self.run_notebooks(month, self.first, []))
        return month

    def run_second_stage(self, month: StagedMonth) -> MonthOutcome:
        """The analyses of a month whose first stage ran, then the month's outputs."""
        if month.outcome is not None:
            return month.outcome
        ready = all_ok(month.prepared)
        pending = [PendingPage(result) for result in month.prepared]
        pending += self.run_notebooks(month, [], self.second) if ready else not_run(self.second)
        return finish_month(month, pending, tables_written=ready, processed_dir=self.settings.processed_dir)


def write_outputs(month: StagedMonth, processed_dir: Path) -> tuple[dict[str, Path], str | None, str | None]:
    """summary.json, data/*.csv and data/datapackage.json into the staging folder: (partitions read, error,
    machine fault)."""
    from njbulletin.report.datapackage import month_source

    plan = month.plan
    try:
        partitions = processed_partitions(processed_dir, plan.month)
        source = month_source(plan.month, plan.raw_path.name, plan.inputs[plan.raw_path.name], plan.code_sha256)
        write_month_files(processed_dir, plan.month, month.stage.staged, source)
        return partitions, None, None
    except Exception as exc:  # noqa: BLE001 - a bug fails the month, as a notebook's would; a fault keeps it
        fault = describe_write_error(exc) if isinstance(exc, OSError) else describe_fault(exc)
        return {}, f"summary: {describe_error(exc)}", fault


def publish(month: StagedMonth, outcome: MonthOutcome, partitions: dict[str, Path]) -> str | None:
    """Write the manifest and swap the month in; return the machine's fault if that failed."""
    manifest = build_manifest(month.plan, outcome, month.with_code, config.PROJECT_ROOT, partitions)
    try:
        write_manifest(month.stage.staged, manifest_text(manifest))
        month.stage.swap_in()
    except OSError as exc:
        return describe_write_error(exc)
    return None


def fault_outcome(month: StagedMonth, outcome: MonthOutcome, cause: str) -> MonthOutcome:
    """The month could not be written: drop its staging folder; the previous reports stay as they were."""
    if month.stage is not None:
        month.stage.discard()
    outcome.status = FAILED
    outcome.fault = kept_reports_message(month.plan.report_dir, month.plan.month, cause, month.had_reports)
    outcome.error = outcome.error or cause
    return outcome


def finish_month(month: StagedMonth, pending: list[PendingPage], tables_written: bool,
                 processed_dir: Path) -> MonthOutcome:
    """Write the month's outputs (its summary and CSVs when this run wrote its tables), wait for its pages,
    then swap it in, or keep the previous reports when the machine stopped it. Prints the month's line."""
    partitions, error, fault = write_outputs(month, processed_dir) if tables_written else ({}, None, None)
    results = settle(pending)
    outcome = MonthOutcome(month.plan.month, month_status(results, error), results, error=error)
    outcome.seconds = round(time.perf_counter() - month.started, 3)
    fault = next((result.fault for result in results if result.fault), fault)
    if fault is None:
        fault = publish(month, outcome, partitions)
    if fault is not None:
        outcome = fault_outcome(month, outcome, fault)
    print_month_line(outcome)
    return outcome


def print_month_line(outcome: MonthOutcome) -> None:
    if outcome.fault:
        detail = f" ({outcome.fault})"
    else:
        detail = "" if outcome.status == OK else f" ({'; '.join(outcome.failures())})"
    print(f"{outcome.month}: {outcome.status}, {len(outcome.notebooks)} notebooks in {outcome.seconds:.1f} s{detail}",
          flush=True)

