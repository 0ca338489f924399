"""What a run says while it goes: a progress bar on a terminal, a plain line per month otherwise.

The pipeline reports notebooks starting and ending and months ending to a `Progress`. `LineProgress`
(output that is not a terminal: CI, a log file) prints one line per month as it ends, with how many months are
done; `BarProgress` (a terminal) draws a tqdm bar: months done out of months to run, notebooks done out of
notebooks to run, the notebooks running, the time elapsed and an estimate of the time left, with each month's
line printed above it. Worker processes forward their events to the parent's progress through a queue
(`QueueProgress`, `forward_events`). Either way the command ends with its one-line summary.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

from njbulletin.pipeline.model import OK, MonthOutcome

STOP = None  # what ends `forward_events`


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def month_line(outcome: MonthOutcome) -> str:
    """'2024-11: ok, 6 notebooks in 12.3 s'; with ', 5 kept' when notebooks were kept, and the failure or the
    machine's fault in brackets."""
    if outcome.fault:
        detail = f" ({outcome.fault})"
    else:
        detail = "" if outcome.status == OK else f" ({'; '.join(outcome.failures())})"
    kept = outcome.count_kept()
    kept_text = f", {kept} kept" if kept else ""
    return (f"{outcome.month}: {outcome.status}, {plural(outcome.count_ran(), 'notebook')} in {outcome.seconds:.1f} s"
            f"{kept_text}{detail}")


def format_duration(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def terminal_size(stream: TextIO) -> tuple[int, int]:
    """The columns and lines of the terminal `stream` writes to (0 when it does not say: a pseudo-terminal
    opened without a size, as some CI runners do, where tqdm would draw nothing)."""
    try:
        size = os.get_terminal_size(stream.fileno())
        return size.columns, size.lines
    except (AttributeError, OSError, ValueError):
        return 0, 0


class Progress:
    """Tells nothing but the months' lines (printed to `stream`); the base of the other kinds."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.lock = threading.Lock()
        self.months = self.notebooks = self.months_done = self.notebooks_done = 0
        self.started = time.monotonic()

    def out(self) -> TextIO:
        return self.stream or sys.stdout

    def start(self, months: int, notebooks: int) -> None:
        """`months` months with `notebooks` notebooks to run are about to start."""
        with self.lock:
            self.months, self.notebooks = months, notebooks
            self.started = time.monotonic()

    def notebook_started(self, month: str, name: str) -> None:
        pass

    def notebook_ended(self, month: str, name: str, status: str) -> None:
        with self.lock:
            self.notebooks_done += 1

    def month_ended(self, outcome: MonthOutcome) -> None:
        with self.lock:
            self.months_done += 1
            self.write(self.month_text(outcome))

    def month_text(self, outcome: MonthOutcome) -> str:
        return month_line(outcome)

    def message(self, text: str) -> None:
        """A line of its own (a kernel started again, a page that failed, the index written)."""
        with self.lock:
            self.write(text)

    def write(self, text: str) -> None:
        print(text, file=self.out(), flush=True)

    def close(self) -> None:
        pass


class LineProgress(Progress):
    """Not a terminal: a plain line per month, with the months done so far when several run."""

    def month_text(self, outcome: MonthOutcome) -> str:
        if self.months <= 1:
            return month_line(outcome)
        elapsed = time.monotonic() - self.started
        return (f"{month_line(outcome)} [{self.months_done}/{self.months} months, "
                f"{format_duration(elapsed)} elapsed, about {format_duration(self.time_left(elapsed))} left]")

    def time_left(self, elapsed: float) -> float:
        """From the notebooks done so far (months end in bursts, when their analyses end), else the months."""
        if 0 < self.notebooks_done < self.notebooks:
            return elapsed / self.notebooks_done * (self.notebooks - self.notebooks_done)
        return elapsed / self.months_done * (self.months - self.months_done)


class BarProgress(Progress):
    """A terminal: a tqdm bar over the notebooks to run, the months' lines printed above it."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self.running: dict[tuple[str, str], None] = {}
        self.bar = None

    def start(self, months: int, notebooks: int) -> None:
        from tqdm import tqdm

        super().start(months, notebooks)
        known = min(terminal_size(self.out())) > 0  # a terminal that gives no size gets a fixed one
        with self.lock:
            self.bar = tqdm(total=notebooks, file=self.out(), dynamic_ncols=known, ncols=None if known else 100,
                            nrows=None if known else 24, unit="notebook",
                            desc=self.description(), mininterval=0.5,
                            bar_format="{desc} |{bar}| {n_fmt}/{total_fmt} notebooks "
                                       "[{elapsed} elapsed, {remaining} left]{postfix}")

    def description(self) -> str:
        return f"{self.months_done}/{self.months} months"

    def refresh(self) -> None:
        if self.bar is not None:
            shown = [f"{month} {name}" for month, name in self.running]
            self.bar.set_description_str(self.description(), refresh=False)
            self.bar.set_postfix_str(("running: " + ", ".join(shown)) if shown else "", refresh=True)

    def notebook_started(self, month: str, name: str) -> None:
        with self.lock:
            self.running[(month, name)] = None
            self.refresh()

    def notebook_ended(self, month: str, name: str, status: str) -> None:
        with self.lock:
            self.notebooks_done += 1
            self.running.pop((month, name), None)
            if self.bar is not None:
                self.bar.update(1)
            self.refresh()

    def month_ended(self, outcome: MonthOutcome) -> None:
        with self.lock:
            self.months_done += 1
            self.write(month_line(outcome))
            self.refresh()

    def write(self, text: str) -> None:
        if self.bar is None:
            super().write(text)
        else:
            self.bar.write(text, file=self.out())

    def close(self) -> None:
        with self.lock:
            if self.bar is not None:
                self.bar.close()
                self.bar = None


class QueueProgress(Progress):
    """In a worker process: every event goes to the parent's progress through a queue."""

    def __init__(self, queue) -> None:
        super().__init__()
        self.queue = queue

    def notebook_started(self, month: str, name: str) -> None:
        self.queue.put(("notebook_started", (month, name)))

    def notebook_ended(self, month: str, name: str, status: str) -> None:
        self.queue.put(("notebook_ended", (month, name, status)))

    def month_ended(self, outcome: MonthOutcome) -> None:
        self.queue.put(("month_ended", (outcome,)))

    def message(self, text: str) -> None:
        self.queue.put(("message", (text,)))


def forward_events(queue, progress: Progress) -> threading.Thread:
    """A thread that hands the workers' events to `progress` until it reads STOP."""
    def forward() -> None:
        while (event := queue.get()) is not STOP:
            name, arguments = event
            getattr(progress, name)(*arguments)

    thread = threading.Thread(target=forward, name="progress", daemon=True)
    thread.start()
    return thread


def notebooks_to_run(plans) -> int:
    return sum(len(plan.to_run(True)) + len(plan.to_run(False)) for plan in plans)
