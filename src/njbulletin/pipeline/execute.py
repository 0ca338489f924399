"""Executing a month's notebooks with papermill: in order, then concurrently, each in its own thread and kernel.

Kernel start is taken off the critical path: each notebook's kernel starts while the notebook before it
runs (the analyses' kernels while the last of the first stage runs), and nbclient's `on_notebook_start`
hook holds its cells until their turn. When a notebook of the first stage fails, no cell of a later one
runs: they are 'not run'. Papermill writes each executed notebook into the month's staging folder, and
is never given a working directory to switch to (it would `chdir` the whole process from a thread): the
kernel is told its own.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from njbulletin.pipeline.faults import describe_fault
from njbulletin.pipeline.kernels import (
    KERNEL_ARGUMENTS,
    KERNEL_NAME,
    KERNEL_START_ATTEMPTS,
    SHUTDOWN,
    KernelPool,
    fresh_kernel_manager_class,
    is_kernel_start_failure,
    kernel_config,
)
from njbulletin.pipeline.model import FAILED, NOT_RUN, OK, NotebookResult, now_iso
from njbulletin.pipeline.progress import Progress
from njbulletin.pipeline.render import PendingPage, Renderer, describe_error


class Gate:
    """Opens once, when a notebook has finished; tells the notebooks waiting on it whether it succeeded."""

    def __init__(self) -> None:
        self._opened = threading.Event()
        self._ok = False

    def open(self, ok: bool) -> None:
        self._ok = ok
        self._opened.set()

    def wait(self) -> bool:
        self._opened.wait()
        return self._ok


@dataclass(frozen=True)
class NotebookJob:
    """One notebook of one month: where it comes from and goes, what its kernel is given, its turn."""
    source: Path
    month: str
    executed: Path  # in the month's staging folder
    final_path: Path  # REPORTS/YYYY-MM/<name>.ipynb, once the month is swapped in
    kernel_parameters: dict  # the month's parameters, with the staging folder as reports_dir
    parameters: dict  # the month's parameters, as the published notebook shows them
    with_code: bool
    after: Gate | None = None  # the notebook whose end this one's cells wait for
    done: Gate | None = None  # opened when this notebook ends
    progress: Progress | None = None  # told when its cells start and when it ends

    def tell(self) -> Progress:
        return self.progress or Progress()


class WaitForTurn:
    """nbclient's `on_notebook_start` hook. The kernel is up; the cells wait for the gate `after`, and none
    run when the notebook before failed (`skipped`). Records when the cells were let through, and tells the
    run's progress."""

    def __init__(self, job: NotebookJob) -> None:
        self.job = job
        self.skipped = False
        self.started = (now_iso(), time.perf_counter())
        self.executed = None  # the executed notebook, when papermill returned it (it succeeded)

    def __call__(self, notebook, **_) -> None:
        if self.job.after is not None and not self.job.after.wait():
            self.skipped = True
            notebook.cells.clear()  # nothing runs; nbclient then shuts the kernel down as usual
            return
        self.started = (now_iso(), time.perf_counter())
        self.job.tell().notebook_started(self.job.month, self.job.source.stem)


def run_papermill(job: NotebookJob, kernel, turn: WaitForTurn) -> None:
    """One papermill execution of the notebook into `job.executed` (a fresh kernel when `kernel` is None);
    the executed notebook, as papermill wrote it, is kept on `turn` for its page."""
    import papermill

    turn.executed = papermill.execute_notebook(str(job.source), str(job.executed), parameters=job.kernel_parameters,
                               kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
                               request_save_on_cell_execute=False, config=kernel_config(),
                               on_notebook_start=turn, km=kernel, kernel_manager_class=fresh_kernel_manager_class(),
                               extra_arguments=list(KERNEL_ARGUMENTS), shutdown_kernel=SHUTDOWN,
                               resources={"metadata": {"path": str(job.source.parent)}})


def run_with_kernel_retries(job: NotebookJob, kernels: KernelPool, turn: WaitForTurn) -> Exception | None:
    """Run the notebook; start another kernel when one never came up. Returns the failure, if any."""
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        kernel = None
        try:
            kernel = kernels.acquire(job.source)
            run_papermill(job, kernel, turn)
            return None
        except Exception as exc:  # noqa: BLE001 - any failure of a notebook is recorded, never raised
            if attempt < KERNEL_START_ATTEMPTS and is_kernel_start_failure(exc):
                job.tell().message(f"{job.month} {job.source.stem}: the kernel did not start; starting another")
                continue
            return exc
        finally:
            kernels.release(job.source, kernel)
    return None


def fault_of(error: BaseException | None) -> str | None:
    """'no space left on device' and the like when the machine caused the failure, else None."""
    return None if error is None else describe_fault(error)


def notebook_result(job: NotebookJob, turn: WaitForTurn, error: Exception | None) -> NotebookResult:
    if turn.skipped:
        return NotebookResult(job.source.stem, NOT_RUN)
    start, began = turn.started
    return NotebookResult(job.source.stem, FAILED if error else OK, start=start, end=now_iso(),
                          seconds=round(time.perf_counter() - began, 3),
                          error=describe_error(error) if error else None, fault=fault_of(error))


def execute_notebook(job: NotebookJob, kernels: KernelPool) -> tuple[NotebookResult, object | None]:
    """Run one notebook into its staging folder and tell the run's progress: its result, and the executed
    notebook when papermill returned it (None: read it from its file). Never raises an Exception;
    `job.done` opens whatever happens."""
    succeeded = False
    try:
        turn = WaitForTurn(job)
        result = notebook_result(job, turn, run_with_kernel_retries(job, kernels, turn))
        if result.status == NOT_RUN:
            job.executed.unlink(missing_ok=True)
        job.tell().notebook_ended(job.month, result.name, result.status)
        succeeded = result.status == OK
        return result, (turn.executed if succeeded else None)
    except Exception as exc:  # noqa: BLE001 - e.g. the progress line could not be printed
        return NotebookResult(job.source.stem, FAILED, error=describe_error(exc), fault=fault_of(exc)), None
    finally:
        if job.done is not None:
            job.done.open(succeeded)


def execute_and_publish(job: NotebookJob, kernels: KernelPool, renderer: Renderer) -> PendingPage:
    """Execute the notebook, then queue its page (also when it failed: the page shows the error; not when
    the machine stopped it: its month will be dropped)."""
    result, executed = execute_notebook(job, kernels)
    if result.status == NOT_RUN or result.fault or not job.executed.is_file():
        return PendingPage(result)
    return PendingPage(result, renderer.submit(job.executed, job.parameters, job.final_path, job.with_code,
                                               executed))


def not_run(job: NotebookJob) -> PendingPage:
    """A notebook that will not run (a notebook before it failed): no kernel is started for it."""
    if job.done is not None:
        job.done.open(False)
    job.tell().notebook_ended(job.month, job.source.stem, NOT_RUN)
    return PendingPage(NotebookResult(job.source.stem, NOT_RUN))


def run_notebooks(jobs_for, first: list[Path], second: list[Path], kernels: KernelPool,
                  renderer: Renderer, month: str) -> list[PendingPage]:
    """Run `first` one after another, then `second` concurrently. `jobs_for(source, after, done)` builds
    each notebook's job; each kernel starts one notebook ahead of its turn, not more, and none starts for a
    notebook that can no longer run (a notebook of the first stage before the one running failed)."""
    gates = [Gate() for _ in first]
    with ThreadPoolExecutor(max_workers=max(1, len(first) + len(second)), thread_name_prefix=f"nb-{month}") as pool:
        futures, failed = [], False
        for index, notebook in enumerate(first):
            failed = failed or (index >= 2 and not gates[index - 2].wait())
            job = jobs_for(notebook, gates[index - 1] if index else None, gates[index])
            futures.append(pool.submit(not_run, job) if failed else pool.submit(execute_and_publish, job, kernels,
                                                                                  renderer))
        failed = failed or (len(first) >= 2 and not gates[-2].wait())
        for notebook in second:
            job = jobs_for(notebook, gates[-1] if first else None, None)
            futures.append(pool.submit(not_run, job) if failed else pool.submit(execute_and_publish, job, kernels,
                                                                                  renderer))
        return [future.result() for future in futures]
