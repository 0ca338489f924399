"""Which process runs which month.

One month runs whole in this process, all its notebooks on two shared kernels. Several months run in two stages (every
month's first stage, then every month's analyses), each process keeping a kernel per first-stage notebook
and two kernels its analyses share (`KernelPool(reuse=True)`). Within a stage, two months are in flight at
a time: a kernel goes on to the next notebook as soon as it has finished one, instead of idling until the
month's slowest notebook ends. Months do not depend on each other within a stage: a first stage reads and writes
its own month only, and every first stage is done before any month's analyses (trends) begin.

With --jobs N > 1 the months are dealt round-robin to N worker processes; a barrier holds every worker's
analyses until every worker's first stages are done.

Workers are started by a fork server, never forked from this process: it may already hold threads
(renderer, kernel clients), and forking a threaded process can deadlock the child. The server preloads
papermill and nbconvert, so each worker starts with them imported.
"""
from __future__ import annotations

import queue
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from njbulletin.pipeline.kernels import KernelPool
from njbulletin.pipeline.model import FAILED, MonthOutcome, MonthPlan, Settings
from njbulletin.pipeline.month import MonthRunner
from njbulletin.pipeline.progress import STOP, Progress, QueueProgress, forward_events
from njbulletin.pipeline.render import Renderer, describe_error

WORKER_PRELOAD = ["njbulletin.pipeline.schedule", "papermill", "nbconvert", "nbformat"]
MONTHS_IN_FLIGHT = 2  # analyses of this many months at a time in one process (each notebook's kernel serves one)


def run_months(plans: list[MonthPlan], settings: Settings, progress: Progress | None = None) -> list[MonthOutcome]:
    """Run each month (in processes when there are several months and --jobs > 1); outcomes in plan order."""
    progress = progress or Progress()
    if len(plans) == 1:
        with KernelPool(reuse=True, own_first_stage=False) as kernels, Renderer() as renderer:
            return [MonthRunner(settings, kernels, renderer, progress).run_whole_month(plans[0])]
    if not uses_workers(plans, settings):
        return run_share(plans, settings, between_stages=lambda: None, progress=progress)
    return run_in_workers(plans, settings, min(settings.jobs, len(plans)), progress)


def run_share(plans: list[MonthPlan], settings: Settings, between_stages: Callable[[], object],
              progress: Progress) -> list[MonthOutcome]:
    """This process's months: each first stage, then `between_stages()`, then each month's analyses."""
    with KernelPool(reuse=True) as kernels, Renderer() as renderer:
        runner = MonthRunner(settings, kernels, renderer, progress)
        prepared = in_flight(runner.run_first_stage, plans)
        try:
            between_stages()
        except BaseException:
            for month in prepared:
                if month.stage is not None:
                    month.stage.discard()
            raise
        return in_flight(runner.run_second_stage, prepared)


def in_flight(stage: Callable, months: list) -> list:
    """`stage` over the months, MONTHS_IN_FLIGHT at a time; results in the months' order."""
    with ThreadPoolExecutor(max_workers=MONTHS_IN_FLIGHT, thread_name_prefix="month") as pool:
        return list(pool.map(stage, months))


def worker_context():
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    return context


def uses_workers(plans: list[MonthPlan], settings: Settings) -> bool:
    return len(plans) > 1 and min(settings.jobs, len(plans)) > 1


def start_worker_server(plans: list[MonthPlan], settings: Settings) -> None:
    """Start the fork server now, when the months will run in workers: its imports (papermill, nbconvert,
    about 2.5 s) then overlap the checks the parent makes before it starts them (`ensure_running` does not
    wait for them)."""
    if uses_workers(plans, settings):
        from multiprocessing import forkserver

        worker_context()
        forkserver.ensure_running()


def run_share_in_worker(index: int, plans: list[MonthPlan], settings: Settings, barrier, results, events) -> None:
    """A worker process's body: its share of the months; sends (index, outcomes, error) back, and its
    progress events as they happen."""
    try:
        outcomes = run_share(plans, settings, between_stages=barrier.wait, progress=QueueProgress(events))
        results.put((index, outcomes, None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which owns the exit status
        barrier.abort()  # the other workers stop waiting for this one
        results.put((index, None, describe_error(exc)))


def run_in_workers(plans: list[MonthPlan], settings: Settings, workers: int, progress: Progress) -> list[MonthOutcome]:
    context = worker_context()
    barrier, results, events = context.Barrier(workers), context.Queue(), context.Queue()
    shares = [plans[index::workers] for index in range(workers)]
    processes = [context.Process(target=run_share_in_worker,
                                 args=(index, share, settings, barrier, results, events),
                                 name=f"months-{index}") for index, share in enumerate(shares)]
    forwarder = forward_events(events, progress)
    for process in processes:
        process.start()
    try:
        collected = collect_shares(processes, results, barrier)
    finally:
        for process in processes:
            process.join()
        events.put(STOP)  # after every worker's events (each worker's queue is flushed before it exits)
        forwarder.join()
    outcomes = {}
    for index, share in enumerate(shares):
        outcomes.update(outcomes_of_share(share, *collected[index]))
    return [outcomes[plan.month] for plan in plans]


def collect_shares(processes, results, barrier) -> dict[int, tuple[list | None, str | None]]:
    """Each worker's (outcomes, error); a worker that dies without answering is reported as such."""
    collected: dict[int, tuple[list | None, str | None]] = {}
    while len(collected) < len(processes):
        try:
            index, outcomes, error = results.get(timeout=1.0)
            collected[index] = (outcomes, error)
        except queue.Empty:
            for index, process in enumerate(processes):
                if index not in collected and process.exitcode not in (None, 0):
                    barrier.abort()
                    collected[index] = (None, f"its worker process ended with exit code {process.exitcode}")
    return collected


def outcomes_of_share(share: list[MonthPlan], outcomes: list[MonthOutcome] | None,
                      error: str | None) -> dict[str, MonthOutcome]:
    if outcomes is not None:
        return {outcome.month: outcome for outcome in outcomes}
    return {plan.month: MonthOutcome(plan.month, FAILED, error=error) for plan in share}
