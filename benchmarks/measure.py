"""The measuring tools of `make bench` (benchmarks/bench.py): a result and its verdict, the median of repeated
runs, a command's wall time, the peak memory of a process tree, and the results table with the machine."""
from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from importlib import metadata


@dataclass
class Result:
    measure: str
    target: str
    value: str
    ratio: float | None
    limit: float | None
    detail: str

    @property
    def verdict(self) -> str:
        if self.limit is None or self.ratio is None:
            return "-"
        return "met" if self.ratio <= self.limit else f"NOT met ({self.ratio / self.limit:.2f}x the target)"


def median_seconds(function, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def run(command: list[str], **kwargs) -> float:
    """Run a command to completion; return its wall time. A failure aborts the benchmark loudly."""
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0,):
        raise SystemExit(f"benchmark command failed ({result.returncode}): {' '.join(command)}\n"
                         f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed


def tree_rss_bytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            parent, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry.name)
        children.setdefault(parent, []).append(pid)
        rss[pid] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def peak_tree_memory(command: list[str], env: dict | None = None, interval: float = 0.05) -> tuple[int, float]:
    """Run a command, sampling the summed RSS of its whole process tree; return (peak bytes, seconds)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss_bytes(process.pid))
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{stderr.decode()[-2000:]}")
    return peak, time.perf_counter() - start


def describe_machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    packages = ", ".join(f"{name} {metadata.version(name)}" for name in
                         ("polars", "pandas", "pyarrow", "papermill", "nbconvert", "matplotlib", "seaborn"))
    return (f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n"
            f"- machine: {os.cpu_count()} cores, {memory:.1f} GiB memory, {platform.machine()}, "
            f"{platform.system()} {platform.release()}\n"
            f"- Python {platform.python_version()}; {packages}")


def format_table(results: list[Result]) -> str:
    lines = ["| measure | target | measured | ratio / value | verdict | how |", "|---|---|---|---|---|---|"]
    for r in results:
        ratio = "-" if r.ratio is None else f"{r.ratio:.3f}"
        lines.append(f"| {r.measure} | {r.target} | {r.value} | {ratio} | {r.verdict} | {r.detail} |")
    return "\n".join(lines)
