"""One month from start to end: stage its folder (with the outputs of the notebooks it keeps), run the
notebooks it runs, write its outputs and manifest, swap it in (or, when the machine stopped it, drop it and
keep the previous reports), and tell the run's progress.

A month runs whole (both stages pipelined), or in two calls when several months run: every month's first
stage (01-ingest, 02-validate) before any month's analyses, because a month's history notebooks read the
earlier months' processed tables (through the history store).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from njbulletin import config
from njbulletin.pipeline.execute import Gate, NotebookJob, run_notebooks
from njbulletin.pipeline.faults import describe_fault, describe_write_error, kept_reports_message
from njbulletin.pipeline.kernels import KernelPool
from njbulletin.pipeline.manifest import build_manifest, manifest_text, read_manifest
from njbulletin.pipeline.model import (
    FAILED,
    NOT_RUN,
    OK,
    MonthOutcome,
    MonthPlan,
    NotebookPlan,
    NotebookResult,
    Settings,
    all_ok,
)
from njbulletin.pipeline.outputs import (
    FolderStage,
    keep_notebook_outputs,
    processed_partitions,
    write_manifest,
    write_month_files,
)
from njbulletin.pipeline.progress import Progress
from njbulletin.pipeline.render import PendingPage, Renderer, describe_error, settle


@dataclass
class StagedMonth:
    """A month whose outputs are being written to its staging folder."""
    plan: MonthPlan
    stage: FolderStage | None  # None: it could not be created (the month then has its outcome)
    with_code: bool
    progress: Progress
    had_reports: bool = False  # REPORTS/YYYY-MM existed when the month started: what a fault keeps
    started: float = field(default_factory=time.perf_counter)
    kept: dict[str, NotebookResult] = field(default_factory=dict)  # the kept notebooks' results, by name
    prepared: list[NotebookResult] = field(default_factory=list)  # the first stage's results, once run
    outcome: MonthOutcome | None = None  # set when the month ended before its second stage

    def job(self, source: Path, after: Gate | None, done: Gate | None) -> NotebookJob:
        return NotebookJob(source=source, month=self.plan.month, executed=self.stage.staged / source.name,
                           final_path=self.plan.report_dir / source.name,
                           kernel_parameters={**self.plan.parameters, "reports_dir": str(self.stage.folder)},
                           parameters=self.plan.parameters, with_code=self.with_code, after=after, done=done,
                           progress=self.progress)

    def kept_results(self, first_stage: bool) -> list[PendingPage]:
        return [PendingPage(self.kept[nb.name]) for nb in self.plan.notebooks
                if nb.name in self.kept and nb.spec.first_stage == first_stage]


def sources(notebooks: list[NotebookPlan]) -> list[Path]:
    return [notebook.spec.source for notebook in notebooks]


def not_run(notebooks: list[NotebookPlan], month: str, progress: Progress) -> list[PendingPage]:
    """The notebooks that cannot run (the month's first stage failed), told to the progress as ended."""
    for notebook in notebooks:
        progress.notebook_ended(month, notebook.name, NOT_RUN)
    return [PendingPage(NotebookResult(name=notebook.name, status=NOT_RUN)) for notebook in notebooks]


def month_status(results: list[NotebookResult], error: str | None) -> str:
    return OK if all_ok(results) and error is None else FAILED


def kept_results(plan: MonthPlan) -> dict[str, NotebookResult]:
    """The kept notebooks' results as the month's manifest records them (the run that executed them)."""
    records = {record.get("name"): record for record in (read_manifest(plan.report_dir) or {}).get("notebooks", [])}
    return {notebook.name: NotebookResult.kept_from(records[notebook.name], notebook.record())
            for notebook in plan.kept()}


class MonthRunner:
    """Runs months in this process with one kernel pool and one renderer."""

    def __init__(self, settings: Settings, kernels: KernelPool, renderer: Renderer,
                 progress: Progress | None = None) -> None:
        self.settings = settings
        self.kernels = kernels
        self.renderer = renderer
        self.progress = progress or Progress()

    def run_notebooks(self, month: StagedMonth, first: list[Path], second: list[Path]) -> list[PendingPage]:
        return run_notebooks(month.job, first, second, self.kernels, self.renderer, month.plan.month)

    def open(self, plan: MonthPlan) -> StagedMonth:
        """Stage the month, with the kept notebooks' outputs; a staging folder the machine cannot create or
        fill ends the month at once."""
        had_reports = plan.report_dir.is_dir()
        month = StagedMonth(plan, None, self.settings.with_code, self.progress, had_reports)
        try:
            month.stage = FolderStage.create(plan.report_dir)
            month.kept = kept_results(plan)
            keep_notebook_outputs(plan.report_dir, month.stage.staged, list(month.kept))
        except OSError as exc:
            month.outcome = fault_outcome(month, MonthOutcome(plan.month, FAILED), describe_write_error(exc))
            self.progress.month_ended(month.outcome)
        return month

    def finish(self, month: StagedMonth, pending: list[PendingPage], tables_ok: bool) -> MonthOutcome:
        return finish_month(month, pending, tables_ok, self.settings.processed_dir)

    def run_whole_month(self, plan: MonthPlan) -> MonthOutcome:
        """One month on its own: both stages pipelined."""
        month = self.open(plan)
        if month.outcome is not None:
            return month.outcome
        first, second = plan.to_run(first_stage=True), plan.to_run(first_stage=False)
        ran = self.run_notebooks(month, sources(first), sources(second))
        pending = month.kept_results(True) + ran[:len(first)] + month.kept_results(False) + ran[len(first):]
        first_ok = all(item.result.status == OK for item in month.kept_results(True) + ran[:len(first)])
        return self.finish(month, pending, first_ok)

    def run_first_stage(self, plan: MonthPlan) -> StagedMonth:
        """The notebooks below 10 of one month; the month waits in staging for its second stage."""
        month = self.open(plan)
        if month.outcome is None:
            ran = self.run_notebooks(month, sources(plan.to_run(first_stage=True)), [])
            month.prepared = settle(month.kept_results(True) + ran, self.progress)
        return month

    def run_second_stage(self, month: StagedMonth) -> MonthOutcome:
        """The analyses of a month whose first stage ran, then the month's outputs."""
        if month.outcome is not None:
            return month.outcome
        ready = all_ok(month.prepared)
        second = month.plan.to_run(first_stage=False)
        pending = [PendingPage(result) for result in month.prepared] + month.kept_results(False)
        pending += (self.run_notebooks(month, [], sources(second)) if ready
                    else not_run(second, month.plan.month, self.progress))
        return self.finish(month, pending, ready)


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


def record_plans(results: list[NotebookResult], plan: MonthPlan) -> list[NotebookResult]:
    """Each result with what the plan said of its notebook (run or kept, why, its fingerprint), in the
    notebooks' order."""
    plans = {notebook.name: notebook for notebook in plan.notebooks}
    for result in results:
        if not result.plan and result.name in plans:
            result.plan = plans[result.name].record()
    order = [notebook.name for notebook in plan.notebooks]
    return sorted(results, key=lambda result: order.index(result.name) if result.name in order else len(order))


def finish_month(month: StagedMonth, pending: list[PendingPage], tables_in_place: bool,
                 processed_dir: Path) -> MonthOutcome:
    """Write the month's outputs (its summary and CSVs when its first stage succeeded: its tables are in
    place), wait for its pages, then swap it in, or keep the previous reports when the machine stopped it.
    Tells the run's progress."""
    partitions, error, fault = write_outputs(month, processed_dir) if tables_in_place else ({}, None, None)
    results = record_plans(settle(pending, month.progress), month.plan)
    outcome = MonthOutcome(month.plan.month, month_status(results, error), results, error=error)
    outcome.seconds = round(time.perf_counter() - month.started, 3)
    fault = next((result.fault for result in results if result.fault), fault)
    if fault is None:
        fault = publish(month, outcome, partitions)
    if fault is not None:
        outcome = fault_outcome(month, outcome, fault)
    month.progress.month_ended(outcome)
    return outcome

