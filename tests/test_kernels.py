"""The kernels a backfill reuses, and how months share them: a reused kernel starts each month from an empty
namespace; one kernel runs one notebook at a time; months in flight keep their order.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from njbulletin.pipeline import kernels as kernel_module
from njbulletin.pipeline import schedule
from njbulletin.pipeline.kernels import KernelPool

NOTEBOOK = Path("notebooks/10-booking-channels.ipynb")


def run_code(kernel, code: str) -> dict:
    """Execute `code` in the kernel; return the reply's content and the last text/plain result."""
    client = kernel.blocking_client()
    client.start_channels()
    results = []
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(code, timeout=60, output_hook=lambda message: results.append(
            message["content"].get("data", {}).get("text/plain")) if message["msg_type"] == "execute_result"
            else None)
    finally:
        client.stop_channels()
    return {"status": reply["content"]["status"], "count": reply["content"].get("execution_count"),
            "result": results[-1] if results else None}


@pytest.mark.slow
def test_a_reused_kernel_starts_each_month_with_an_empty_namespace_and_its_modules_imported():
    with KernelPool(reuse=True) as pool:
        kernel = pool.acquire(NOTEBOOK)
        assert run_code(kernel, "import json\nleft_over = 42\nsecret = 'month 1'")["status"] == "ok"
        run_code(kernel, "1")
        pool.release(NOTEBOOK, kernel)

        again = pool.acquire(NOTEBOOK)
        assert again is kernel  # the same process, month after month
        first = run_code(again, "sorted(name for name in ('left_over', 'secret', 'json') if name in globals())")
        assert first["result"] == "[]"  # no variable and no import name carries over
        assert first["count"] == 1  # the execution count starts again, as in a fresh kernel
        assert run_code(again, "import sys; 'json' in sys.modules")["result"] == "True"  # the saving
        pool.release(NOTEBOOK, again)


class WatchedLock:
    """A lock that tells when a thread starts waiting for it (so a test knows a thread is blocked without
    sleeping for some time and hoping it got there)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.waiting = threading.Event()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if self._lock.acquire(blocking=False):
            return True
        self.waiting.set()
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()


GUARD = 600  # seconds: only so that a broken pool fails the test instead of hanging it


def fake_kernels(monkeypatch) -> dict[str, object]:
    """Kernels that are plain objects, one per slot (what a pool would start and reuse)."""
    started: dict[str, object] = {}
    monkeypatch.setattr(KernelPool, "_ready_kernel", lambda self, slot, notebook: started.setdefault(slot, object()))
    monkeypatch.setattr(kernel_module, "close_clients", lambda kernel: None)
    return started


def test_the_analyses_share_two_kernels_each_running_one_notebook_at_a_time(monkeypatch):
    started = fake_kernels(monkeypatch)
    pool = KernelPool(reuse=True)
    first = pool.acquire(NOTEBOOK)
    second = pool.acquire(Path("notebooks/20-upload-completeness.ipynb"))
    assert first is not second and len(started) == kernel_module.SHARED_KERNELS == 2
    acquired = []
    waiting = threading.Thread(target=lambda: acquired.append(pool.acquire(Path("notebooks/40-trends.ipynb"))),
                               daemon=True)
    waiting.start()
    with pool._free_changed:  # the third notebook waits for a kernel...
        assert pool._free_changed.wait_for(lambda: pool.waiting == 1, timeout=GUARD)
    assert acquired == []  # ...and has none
    pool.release(NOTEBOOK, first)
    waiting.join(GUARD)
    assert acquired == [first] and len(started) == 2  # the kernel the first notebook left, not a new one


def test_a_first_stage_notebook_keeps_a_kernel_of_its_own(monkeypatch):
    started = fake_kernels(monkeypatch)
    pool = KernelPool(reuse=True)
    ingest = Path("notebooks/01-ingest.ipynb")
    first = pool.acquire(ingest)
    validate = pool.acquire(Path("notebooks/02-validate.ipynb"))
    assert first is not validate and sorted(started) == ["01-ingest.ipynb", "02-validate.ipynb"]
    watched = pool._in_use[ingest.name] = WatchedLock()
    watched._lock.acquire()  # held by the first month, as the pool's own lock was
    acquired = threading.Event()
    waiting = threading.Thread(target=lambda: (pool.acquire(ingest), acquired.set()), daemon=True)
    waiting.start()
    assert watched.waiting.wait(GUARD)  # the next month's 01-ingest waits for its kernel...
    assert not acquired.is_set()  # ...and has not got it
    pool.release(ingest, first)
    assert acquired.wait(GUARD)
    waiting.join(GUARD)


def test_a_kernel_that_fails_to_start_is_not_left_held(monkeypatch):
    def fail(self, slot, notebook):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(KernelPool, "_ready_kernel", fail)
    pool = KernelPool(reuse=True)
    for notebook in (NOTEBOOK, Path("notebooks/01-ingest.ipynb")) * 3:  # more failures than kernels
        with pytest.raises(RuntimeError):
            pool.acquire(notebook)
    fake_kernels(monkeypatch)
    assert sorted(pool._free) == ["shared-0", "shared-1"]  # every failed attempt gave its kernel back
    assert pool.acquire(NOTEBOOK) is not None and pool.acquire(Path("notebooks/01-ingest.ipynb")) is not None


def test_months_in_flight_keep_their_order_and_their_number():
    # Month 1 ends only after month 2 has ended: month 2 can start only when month 0 leaves its place, and
    # the results still come back in the months' order. Events, not sleeps, order the months.
    running, most = 0, 0
    lock = threading.Lock()
    ended = {month: threading.Event() for month in range(8)}

    def stage(month: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        if month == 1:
            assert ended[2].wait(GUARD)
        with lock:
            running -= 1
        ended[month].set()
        return month * 10

    assert schedule.in_flight(stage, list(range(8))) == [month * 10 for month in range(8)]
    assert most == schedule.MONTHS_IN_FLIGHT
