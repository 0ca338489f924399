"""What a run says while it goes (pipeline.progress): a line per month when the output is not a terminal, a
progress bar on a terminal, and worker processes' events forwarded to the parent. Times come from a clock
the test sets, never from how fast the machine is."""
from __future__ import annotations

import io
import queue

import pytest

from njbulletin.pipeline import progress as progress_module
from njbulletin.pipeline.model import FAILED, NOT_RUN, OK, MonthOutcome, NotebookResult
from njbulletin.pipeline.progress import (
    STOP,
    BarProgress,
    LineProgress,
    Progress,
    QueueProgress,
    forward_events,
    month_line,
)


def outcome(month: str, ran: int, kept: int = 0, status: str = OK, seconds: float = 12.34) -> MonthOutcome:
    results = [NotebookResult(f"{10 + i}-ran", OK, plan={"kept": False}) for i in range(ran)]
    results += [NotebookResult(f"{50 + i}-kept", OK, plan={"kept": True}) for i in range(kept)]
    return MonthOutcome(month, status, results, seconds=seconds)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(progress_module.time, "monotonic", clock)
    return clock


def test_a_month_s_line_counts_the_notebooks_run_and_kept():
    assert month_line(outcome("2024-11", 6)) == "2024-11: ok, 6 notebooks in 12.3 s"
    assert month_line(outcome("2024-12", 1, kept=5)) == "2024-12: ok, 1 notebook in 12.3 s, 5 kept"
    failed = outcome("2025-01", 1, status=FAILED)
    failed.notebooks[0].status, failed.notebooks[0].error = FAILED, "ValueError: bad"
    failed.notebooks.append(NotebookResult("20-after", NOT_RUN, plan={"kept": False}))  # not run: not counted
    assert month_line(failed) == "2025-01: failed, 1 notebook in 12.3 s (10-ran: ValueError: bad)"


def test_without_a_terminal_one_plain_line_per_month_with_the_months_done_and_the_time_left(clock):
    out = io.StringIO()
    lines = LineProgress(out)
    lines.start(months=3, notebooks=8)
    for name in ("01-ingest", "02-validate", "10-a", "40-trends"):
        lines.notebook_started("2024-10", name)
        lines.notebook_ended("2024-10", name, OK)
    clock.now += 90  # 4 of 8 notebooks in 1:30: about 1:30 left
    lines.month_ended(outcome("2024-10", 4))
    clock.now += 30
    lines.message("a line of its own")
    assert out.getvalue().splitlines() == [
        "2024-10: ok, 4 notebooks in 12.3 s [1/3 months, 1:30 elapsed, about 1:30 left]", "a line of its own"]


def test_a_single_month_s_line_has_no_counter():
    out = io.StringIO()
    lines = LineProgress(out)
    lines.start(months=1, notebooks=6)
    lines.month_ended(outcome("2024-11", 6))
    assert out.getvalue() == "2024-11: ok, 6 notebooks in 12.3 s\n"


def test_on_a_terminal_a_bar_shows_months_done_notebooks_running_elapsed_and_left():
    out = io.StringIO()
    bar = BarProgress(out)
    bar.start(months=2, notebooks=7)
    bar.notebook_started("2024-11", "01-ingest")
    bar.notebook_started("2024-12", "40-trends")
    shown = out.getvalue().split("\r")[-1]
    assert shown.startswith("0/2 months |") and "0/7 notebooks" in shown
    assert "running: 2024-11 01-ingest, 2024-12 40-trends" in shown
    assert "elapsed" in shown and "left" in shown
    bar.notebook_ended("2024-11", "01-ingest", OK)
    bar.month_ended(outcome("2024-11", 6))
    shown = out.getvalue().split("\r")[-1]
    assert shown.startswith("1/2 months |") and "1/7 notebooks" in shown and "running: 2024-12 40-trends" in shown
    assert "2024-11: ok, 6 notebooks in 12.3 s\n" in out.getvalue()  # the month's line, above the bar
    bar.close()
    bar.message("index: reports/index.html")  # after the bar: a plain line
    assert out.getvalue().endswith("index: reports/index.html\n")


def test_a_worker_s_events_reach_the_parent_s_progress_in_order():
    events: queue.Queue = queue.Queue()
    received: list[tuple] = []

    class Recorder(Progress):
        def notebook_started(self, month, name):
            received.append(("started", month, name))

        def notebook_ended(self, month, name, status):
            received.append(("ended", month, name, status))

        def month_ended(self, outcome):
            received.append(("month", outcome.month, outcome.count_ran()))

        def message(self, text):
            received.append(("message", text))

    worker = QueueProgress(events)
    worker.notebook_started("2024-11", "40-trends")
    worker.message("2024-11 40-trends: the kernel did not start; starting another")
    worker.notebook_ended("2024-11", "40-trends", OK)
    worker.month_ended(outcome("2024-11", 1, kept=5))
    events.put(STOP)
    forward_events(events, Recorder()).join(timeout=60)
    assert received == [("started", "2024-11", "40-trends"),
                        ("message", "2024-11 40-trends: the kernel did not start; starting another"),
                        ("ended", "2024-11", "40-trends", OK), ("month", "2024-11", 1)]
