"""The Jupyter kernels notebooks run in: how they are configured, and the pool that reuses them.

Every kernel runs with IPython's history off (`--HistoryManager.enabled=False`): concurrent kernels would
otherwise share one history database and print "Session/line number was not unique in database" into
the reports. Its local TCP sockets are encrypted with CurveZMQ where pyzmq supports it.

A single month runs all its notebooks on two shared kernels (`own_first_stage=False`): the first stage
one notebook after another, then the analyses two at a time. Two kernels instead of seven keep a month's
peak memory (all processes together) near 0.8 GiB instead of 1.4 GiB, and save five kernel starts. When
several months run, a `KernelPool` keeps a kernel for each first-stage notebook (so one month's 01-ingest
can run beside another's 02-validate) and two kernels that the analyses share, and reuses them month after month and notebook after notebook: each notebook starts from
an empty namespace (IPython's `%reset -f`, execution count back to 1), so no variable carries over, while
the modules stay imported, which saves each kernel's start and imports. A reset is
sent on the shell channel alone and costs a few milliseconds (see RESET_NAMESPACE). The pool is
a context manager: its kernels are shut down when the `with` block ends.
"""
from __future__ import annotations

import queue
import threading
import time
from functools import lru_cache
from pathlib import Path

from njbulletin.pipeline.model import SEQUENTIAL_BELOW

KERNEL_NAME = "python3"
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)
# How nbclient ends a notebook's kernel: stopped by the kernel manager (SIGKILL to its process group), never
# asked to shut itself down. ipykernel's own shutdown races with itself: the control thread is still
# finishing the shutdown request (flushing stdout, publishing 'idle') while the main thread's exit closes
# the sockets it uses, which printed "Uncaught exception in ZMQStream callback ... ZMQError: Socket
# operation on non-socket", or libzmq's "Assertion failed: pfd.revents & POLLIN", into the run's stderr
# under load. By then the kernel has nothing left to do: every output of its last cell was received
# (nbclient waits for the kernel's idle status), its history is off and it starts no processes.
SHUTDOWN = "immediate"
KERNEL_START_ATTEMPTS = 3
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")
# `%reset -f` empties the namespace and collects the garbage (IPython's displayhook runs gc.collect()). What
# survives it (modules, their caches) is then frozen (gc.freeze): later collections, the next reset's and
# the automatic ones while a notebook runs, no longer walk every object of polars, matplotlib and the rest,
# which made a reset take 0.3 s of CPU. Objects freed by reference counting are freed as before.
SHARED_KERNELS = 2  # per process, for the notebooks numbered 10 and up (every notebook of a single month)
RESET_NAMESPACE = ("get_ipython().run_line_magic('reset', '-f')\n"
                   "import gc as _gc; _gc.freeze(); del _gc\n"
                   "get_ipython().execution_count = 1")


def is_first_stage(notebook: Path) -> bool:
    """A notebook numbered below 10 (NN-name.ipynb): it keeps a kernel of its own in a pool."""
    return int(Path(notebook).name[:2]) < SEQUENTIAL_BELOW


def kernel_config():
    """Encrypt the kernel's local TCP sockets with CurveZMQ when the kernelspec and pyzmq support it
    (the kernel otherwise warns on every start that it runs unencrypted)."""
    import zmq
    from traitlets.config import Config

    policy = "auto" if zmq.has("curve") else "disabled"
    return Config({"KernelManager": {"transport_encryption": policy}})


def is_kernel_start_failure(exc: BaseException) -> bool:
    """The kernel never came up (no cell ran): e.g. it lost a TCP port to another process starting a
    kernel at the same moment, a race jupyter_client cannot rule out across processes."""
    return isinstance(exc, RuntimeError) and str(exc).startswith(KERNEL_START_FAILURES)


def without_interrupt_on_shutdown(manager_class):
    """`manager_class` minus jupyter_client's SIGINT before a shutdown. The kernel is idle by then (its
    notebook has ended), and the interrupt only made noise on runs that went well: ipykernel logging
    "ERROR | KeyboardInterrupt caught in kernel", or libzmq aborting the exiting kernel with
    "Assertion failed: pfd.revents & POLLIN". Interrupts at any other time are unchanged."""
    class QuietShutdownKernelManager(manager_class):
        async def _async_interrupt_kernel(self) -> None:
            if not self.shutting_down:
                await super()._async_interrupt_kernel()

    return QuietShutdownKernelManager


@lru_cache(maxsize=1)
def fresh_kernel_manager_class():
    """The kernel manager nbclient starts for a notebook that does not reuse a kernel."""
    from jupyter_client.manager import AsyncKernelManager

    return without_interrupt_on_shutdown(AsyncKernelManager)


def reusable_kernel_manager():
    """A KernelManager whose clients are asynchronous (nbclient's kind) and remembered, so the pool can
    close them after each notebook: the kernel itself outlives the notebook."""
    from jupyter_client.manager import KernelManager

    class ReusableKernelManager(without_interrupt_on_shutdown(KernelManager)):
        def client(self, **kwargs):
            client = super().client(**kwargs)
            self.__dict__.setdefault("open_clients", []).append(client)
            return client

    return ReusableKernelManager(kernel_name=KERNEL_NAME, config=kernel_config(),
                                 client_class="jupyter_client.asynchronous.AsyncKernelClient")


def reset_namespace(kernel, timeout: float = 60) -> None:
    """Clear a reused kernel's namespace and execution count (imported modules stay: that is the saving).

    Only the shell channel is used: the reset is sent and its reply awaited. The kernel is alive and idle
    (its last notebook ended), so the client need not wait until it is ready, which costs a kernel_info
    round trip and at least 0.2 s of listening to IOPub; the reset's own outputs are not wanted."""
    client = kernel.blocking_client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    try:
        request = client.execute(RESET_NAMESPACE, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = client.get_shell_msg(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"a reused kernel did not reset within {timeout:g} s") from None
            if reply["parent_header"].get("msg_id") == request:
                break
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not reset a reused kernel: {reply['content'].get('evalue')}")
    finally:
        client.stop_channels()


def close_clients(kernel) -> None:
    """Close the clients nbclient opened on a reused kernel (it closes them only on kernels it owns)."""
    for client in kernel.__dict__.pop("open_clients", []):
        try:
            client.stop_channels()
        except Exception:  # noqa: BLE001 - a client that is already closed
            pass


def stop_kernel(kernel) -> None:
    """Stop a reused kernel (killed, as nbclient stops the fresh ones) and close its clients."""
    close_clients(kernel)
    try:
        kernel.shutdown_kernel(now=True)
    except Exception:  # noqa: BLE001 - already gone
        pass


class KernelPool:
    """The kernels of a process's months. `reuse=False`: none (each notebook gets a fresh kernel from
    nbclient). `reuse=True`: one kernel per notebook of the first stage (none with `own_first_stage=False`:
    those notebooks too take a shared kernel), and `shared` kernels that the other notebooks share; every kernel is reused month after month, and a shared one runs any of the analyses,
    each from an empty namespace. Use it as a context manager; safe to use from threads.

    A kernel runs one notebook at a time: `acquire` waits until the notebook's own kernel (first stage), or
    any shared kernel, is free, until the notebook that holds it `release`s it. Fewer kernels than
    notebooks cost fewer starts and imports (about 1.5 s of CPU each), and fewer processes competing for
    the cores; two shared kernels per process keep both cores busy when two processes run months."""

    def __init__(self, reuse: bool, shared: int = SHARED_KERNELS, own_first_stage: bool = True) -> None:
        self.reuse = reuse
        self.own_first_stage = own_first_stage
        self._kernels: dict[str, object] = {}  # by slot: a first-stage notebook's name, or shared-N
        self._in_use: dict[str, threading.Lock] = {}  # first-stage slots: held from acquire to release
        self._free = [f"shared-{index}" for index in reversed(range(shared))]  # taken from the end: the last
        # kernel given back (a started one) is taken first, and another is started only when all are busy
        self._free_changed = threading.Condition()
        self.waiting = 0  # notebooks waiting for a shared kernel (tests watch it)
        self._slots: dict[int, str] = {}  # id(kernel) -> its slot, while a notebook holds it
        self._lock = threading.Lock()

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def acquire(self, notebook: Path):
        """The kernel manager for this notebook, ready for a month (None: let nbclient start a fresh one),
        once no other notebook uses it. A kernel that died is replaced."""
        if not self.reuse:
            return None
        slot = self._take_slot(notebook)
        try:
            kernel = self._ready_kernel(slot, notebook)
        except BaseException:
            self._give_back(slot)
            raise
        with self._lock:
            self._slots[id(kernel)] = slot
        return kernel

    def _take_slot(self, notebook: Path) -> str:
        if self.own_first_stage and is_first_stage(notebook):
            with self._lock:
                in_use = self._in_use.setdefault(notebook.name, threading.Lock())
            in_use.acquire()
            return notebook.name
        with self._free_changed:
            self.waiting += 1
            self._free_changed.notify_all()
            self._free_changed.wait_for(lambda: self._free)
            self.waiting -= 1
            return self._free.pop()

    def _give_back(self, slot: str) -> None:
        if slot in self._in_use:
            self._in_use[slot].release()
            return
        with self._free_changed:
            self._free.append(slot)
            self._free_changed.notify_all()

    def _ready_kernel(self, slot: str, notebook: Path):
        with self._lock:
            kernel = self._kernels.get(slot)
        if kernel is not None and kernel.is_alive():
            reset_namespace(kernel)
            return kernel
        if kernel is not None:
            stop_kernel(kernel)  # it died: what is left of it goes
        kernel = reusable_kernel_manager()
        with self._lock:
            self._kernels[slot] = kernel
        kernel.start_kernel(cwd=str(notebook.parent), extra_arguments=list(KERNEL_ARGUMENTS))
        return kernel

    def release(self, notebook: Path, kernel) -> None:
        """The notebook that used `kernel` has ended: close the clients it opened (the kernel stays, free for
        the next notebook)."""
        if kernel is not None:
            close_clients(kernel)
            with self._lock:
                slot = self._slots.pop(id(kernel))
            self._give_back(slot)

    def close(self) -> None:
        """Shut every kernel of the pool down."""
        with self._lock:
            kernels, self._kernels = list(self._kernels.values()), {}
        for kernel in kernels:
            stop_kernel(kernel)
