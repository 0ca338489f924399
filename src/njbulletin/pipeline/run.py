"""`njbulletin run`: execute the parameterized notebooks for each month and publish the reports.

Per month, through papermill's Python API, into REPORTS/YYYY-MM/<name>.ipynb:
  the notebooks numbered below 10 run one after another, in order (01-ingest, 02-validate);
  then those numbered 10 and up run concurrently, in threads, one kernel each.
Across months (processes, --jobs), every month's 01/02 finish before any month's analyses
start, because a month's trends read the earlier months' processed tables.
Each notebook is rendered to self-contained HTML as soon as it ends; then the month's
summary.json, data/*.csv and manifest.json are written, and REPORTS/index.html is rebuilt.

A month whose inputs (its raw file and every earlier month's, which its trends read), code
(src/ and the notebooks' cells) and parameters are unchanged since its last successful run is
skipped. That path imports only the standard library and filelock: no polars, papermill or
matplotlib, so a run where nothing changed returns at once.
"""
from __future__ import annotations

import os
import re
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path

from njbulletin import config
from njbulletin.errors import EXIT_BUSY, EXIT_OK, EXIT_VALIDATION_ERRORS, UsageError
from njbulletin.pipeline.manifest import (MANIFEST_NAME, code_digest, fingerprint, git_commit, is_up_to_date,
                                 lock_record, package_versions, read_manifest, sha256_file)
from njbulletin.months import MONTH_PATTERN, validate_month

RAW_NAME = re.compile(config.RAW_NAME_PATTERN)
NOTEBOOK_NAME = re.compile(r"^(?P<number>\d{2})-[\w-]+\.ipynb$")
SOURCE_DIR = Path(__file__).resolve().parents[1]  # the whole njbulletin package
LOCK_NAME = ".njbulletin.lock"
KERNEL_NAME = "python3"
PARAMETER_NAMES = ("month", "raw_dir", "processed_dir", "reports_dir", "lang")
SEQUENTIAL_BELOW = 10  # notebooks numbered below this run in order; the rest run concurrently after them


class BusyError(UsageError):
    """Another run holds the lock on the reports folder."""


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    processed_dir: Path
    reports_dir: Path
    notebooks_dir: Path = config.NOTEBOOKS_DIR
    force: bool = False
    jobs: int = 1
    with_code: bool = False
    lang: str = "zh"
    allow_errors: bool = False  # store and analyse months whose validation finds errors
    extra_parameters: tuple[tuple[str, object], ...] = ()
    reuse_kernels: bool = False  # set when several months run: one kernel per notebook and process


@dataclass(frozen=True)
class MonthPlan:
    month: str
    raw_path: Path
    inputs: dict[str, str]  # raw file name -> sha256, this month's and every earlier month's
    parameters: dict[str, object]
    fingerprint: str
    report_dir: Path
    code: str  # sha256 of src/njbulletin and the notebooks' cells


@dataclass
class NotebookResult:
    name: str
    status: str  # 'ok' | 'failed' | 'not run'
    start: str | None = None
    end: str | None = None
    seconds: float | None = None
    error: str | None = None
    html: str | None = None
    rendering: object = field(default=None, repr=False, compare=False)  # the HTML's Future, until settled

    def record(self) -> dict:
        """The manifest's entry for this notebook."""
        return {key: value for key, value in vars(self).items() if key != "rendering"}


@dataclass
class MonthOutcome:
    month: str
    status: str  # 'ok' | 'failed' | 'skipped'
    notebooks: list[NotebookResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def failures(self) -> list[str]:
        failed = [f"{nb.name}: {nb.error}" for nb in self.notebooks if nb.status == "failed"]
        return failed or ([self.error] if self.error else [])


# ----------------------------------------------------------------------------- planning (standard library)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def find_raw_months(raw_dir: Path, skipped: list[tuple[Path, str]] | None = None) -> dict[str, Path]:
    """Every bulletin in RAW named YYYY-MM.txt or YYYY-MM.pdf, by month (two files for one month is an error).
    Any other file that is not hidden (notes.txt, 2024-13.txt), and a bulletin over the input size limit
    (config.MAX_INPUT_BYTES, judged from its size alone), is left out and added to `skipped` with the reason."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise UsageError(f"{raw_dir}: the raw folder does not exist")
    found: dict[str, Path] = {}
    for path in sorted(raw_dir.iterdir()):
        match = RAW_NAME.match(path.name)
        if path.name.startswith(".") or not path.is_file():
            continue
        if not match or not MONTH_PATTERN.fullmatch(match.group("month")):
            if skipped is not None:
                skipped.append((path, "not named YYYY-MM.txt or YYYY-MM.pdf (MM from 01 to 12)"))
            continue
        size = path.stat().st_size
        if size > config.MAX_INPUT_BYTES:
            if skipped is not None:
                skipped.append((path, f"file is {size} bytes, over the {config.MAX_INPUT_BYTES}-byte input limit"))
            continue
        month = match.group("month")
        if month in found:
            raise UsageError(f"{raw_dir}: both {found[month].name} and {path.name} exist for {month}; keep one")
        found[month] = path
    return found


def select_months(requested: list[str], available: dict[str, Path], run_all: bool = False) -> list[str]:
    """The months to run, oldest first: those asked for (each must be valid and in RAW), or every one."""
    for month in requested:
        validate_month(month)
    if run_all or not requested:
        if not available:
            raise UsageError("no bulletin named YYYY-MM.txt or YYYY-MM.pdf in the raw folder")
        return sorted(set(available) | set(requested))
    missing = [month for month in requested if month not in available]
    if missing:
        raise UsageError(f"no bulletin for {', '.join(missing)} in the raw folder (expected YYYY-MM.txt or .pdf)")
    return sorted(set(requested))


def discover_notebooks(notebooks_dir: Path) -> list[Path]:
    """The numbered notebooks (NN-name.ipynb), in number order."""
    notebooks = sorted(path for path in Path(notebooks_dir).glob("*.ipynb") if NOTEBOOK_NAME.match(path.name))
    if not notebooks:
        raise UsageError(f"{notebooks_dir}: no numbered notebooks (NN-name.ipynb)")
    return notebooks


def notebook_stages(notebooks: list[Path]) -> tuple[list[Path], list[Path]]:
    """(notebooks that run one after another, in order; notebooks that then run concurrently)."""
    number = lambda path: int(NOTEBOOK_NAME.match(path.name).group("number"))  # noqa: E731
    return ([p for p in notebooks if number(p) < SEQUENTIAL_BELOW], [p for p in notebooks if number(p) >= SEQUENTIAL_BELOW])


def month_parameters(month: str, settings: Settings) -> dict[str, object]:
    parameters = {"month": month, "raw_dir": str(Path(settings.raw_dir).resolve()),
                  "processed_dir": str(Path(settings.processed_dir).resolve()),
                  "reports_dir": str(Path(settings.reports_dir).resolve()), "lang": settings.lang,
                  "allow_errors": settings.allow_errors}
    parameters.update(dict(settings.extra_parameters))
    return parameters


def plan_months(months: list[str], available: dict[str, Path], settings: Settings, code: str) -> list[MonthPlan]:
    digests: dict[str, str] = {}

    def digest(path: Path) -> str:
        if path.name not in digests:
            digests[path.name] = sha256_file(path)
        return digests[path.name]

    plans = []
    for month in months:
        inputs = {available[m].name: digest(available[m]) for m in sorted(available) if m <= month}
        parameters = month_parameters(month, settings)
        key = fingerprint(inputs, code, {**parameters, "with_code": settings.with_code})
        plans.append(MonthPlan(month, available[month], inputs, parameters, key,
                               Path(settings.reports_dir).resolve() / month, code))
    return plans


def is_skippable(plan: MonthPlan, settings: Settings) -> bool:
    """Unchanged since a successful run whose reports and processed tables are still in place."""
    # storage.partition_path's layout, spelled out here because importing storage imports polars.
    processed = Path(settings.processed_dir) / "bookings" / f"month={plan.month}" / "data.parquet"
    return (not settings.force and is_up_to_date(read_manifest(plan.report_dir), plan.fingerprint)
            and (plan.report_dir / "summary.json").is_file() and processed.is_file())


# ----------------------------------------------------------------------------- checks before anything runs


def count_parameter_cells(notebook: Path) -> int:
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    return sum("parameters" in cell.get("metadata", {}).get("tags", []) for cell in cells)


def check_notebook_parameters(notebooks: list[Path], parameters: dict[str, object]) -> None:
    """Refuse parameters a notebook does not declare (papermill itself only warns), and a notebook
    without exactly one cell tagged `parameters`."""
    import papermill

    for notebook in notebooks:
        cells = count_parameter_cells(notebook)
        if cells != 1:
            raise UsageError(f"{notebook}: expected exactly one cell tagged 'parameters', found {cells}")
        declared = set(papermill.inspect_notebook(str(notebook)))
        unknown = sorted(set(parameters) - declared)
        if unknown:
            raise UsageError(f"{notebook}: unknown parameter {', '.join(map(repr, unknown))}; "
                             f"the notebook declares {', '.join(sorted(declared))}")


# ----------------------------------------------------------------------------- executing one month

_renderer: tuple[int, ThreadPoolExecutor] | None = None


def renderer() -> ThreadPoolExecutor:
    """This process's one HTML-rendering thread: a notebook's HTML is rendered while the next runs."""
    global _renderer
    if _renderer is None or _renderer[0] != os.getpid():  # a forked worker starts its own
        _renderer = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="render"))
    return _renderer[1]


def settle(results: list[NotebookResult]) -> list[NotebookResult]:
    """Wait for every pending HTML; a page that could not be written fails its notebook."""
    for result in results:
        if result.rendering is None:
            continue
        try:
            result.rendering.result()
            result.html = f"{result.name}.html"
        except Exception as exc:  # noqa: BLE001
            result.status = "failed"
            result.error = (result.error + "; " if result.error else "") + f"HTML: {describe_error(exc)}"
            print(f"{result.name}: HTML failed: {describe_error(exc)}", flush=True)
        result.rendering = None
    return results


def describe_error(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:500]


def kernel_config():
    """Encrypt the kernel's local TCP sockets with CurveZMQ when the kernelspec and pyzmq support it
    (the kernel otherwise warns on every start that it runs unencrypted)."""
    import zmq
    from traitlets.config import Config

    policy = "auto" if zmq.has("curve") else "disabled"
    return Config({"KernelManager": {"transport_encryption": policy}})


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


# ----------------------------------------------------------------------------- kernels reused across months

_warm_kernels: dict[str, object] = {}
_warm_pid: list[int | None] = [None]
_warm_lock = threading.Lock()
RESET_NAMESPACE = ("get_ipython().run_line_magic('reset', '-f')\n"
                   "import gc as _gc; _gc.collect(); del _gc\n"
                   "get_ipython().execution_count = 1")


def reusable_kernel_manager():
    """A KernelManager whose clients are asynchronous (nbclient's kind) and remembered, so the pipeline
    can close them after each notebook: the kernel itself outlives the notebook."""
    from jupyter_client.manager import KernelManager

    class ReusableKernelManager(without_interrupt_on_shutdown(KernelManager)):
        def client(self, **kwargs):
            client = super().client(**kwargs)
            self.__dict__.setdefault("open_clients", []).append(client)
            return client

    return ReusableKernelManager(kernel_name=KERNEL_NAME, config=kernel_config(),
                                 client_class="jupyter_client.asynchronous.AsyncKernelClient")


def reset_namespace(kernel) -> None:
    """Clear a reused kernel's namespace and execution count (imported modules stay: that is the saving)."""
    client = kernel.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(RESET_NAMESPACE, store_history=False, timeout=60,
                                           output_hook=lambda message: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not reset a reused kernel: {reply['content'].get('evalue')}")
    finally:
        client.stop_channels()


def warm_kernel(source: Path):
    """This process's kernel for one notebook, reused month after month when several months run.

    Each month's run starts from an empty namespace (IPython's %reset -f), so no variable carries over;
    modules stay imported, which saves each kernel's start and imports. A dead kernel is replaced.
    """
    with _warm_lock:
        if _warm_pid[0] != os.getpid():  # a forked worker starts its own kernels and stops them at exit
            import atexit
            import multiprocessing.util

            _warm_kernels.clear()
            _warm_pid[0] = os.getpid()
            multiprocessing.util.Finalize(None, stop_warm_kernels, exitpriority=10)
            atexit.register(stop_warm_kernels)
        kernel = _warm_kernels.pop(source.name, None)
    if kernel is not None and kernel.is_alive():
        reset_namespace(kernel)
    else:
        kernel = reusable_kernel_manager()
        kernel.start_kernel(cwd=str(source.parent))
    with _warm_lock:
        _warm_kernels[source.name] = kernel
    return kernel


def release_clients(kernel) -> None:
    """Close the clients nbclient opened on a reused kernel (it closes them only on kernels it owns)."""
    if kernel is None:
        return
    for client in kernel.__dict__.pop("open_clients", []):
        try:
            client.stop_channels()
        except Exception:  # noqa: BLE001 - a client that is already closed
            pass


def stop_warm_kernels() -> None:
    with _warm_lock:
        kernels = list(_warm_kernels.values())
        _warm_kernels.clear()
    for kernel in kernels:
        try:
            kernel.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - already gone
            pass


KERNEL_START_ATTEMPTS = 3
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def is_kernel_start_failure(exc: BaseException) -> bool:
    """The kernel never came up (no cell ran): e.g. it lost a TCP port to another process starting a
    kernel at the same moment, a race jupyter_client cannot rule out across processes."""
    return isinstance(exc, RuntimeError) and str(exc).startswith(KERNEL_START_FAILURES)


class Gate:
    """Opens once, when a notebook has finished; tells the notebooks waiting on it whether it succeeded."""

    def __init__(self) -> None:
        self._opened = threading.Event()
        self.ok = False

    def open(self, ok: bool) -> None:
        self.ok = ok
        self._opened.set()

    def wait(self) -> bool:
        self._opened.wait()
        return self.ok


def execute_notebook(source: Path, plan: MonthPlan, settings: Settings, after: Gate | None = None,
                     done: Gate | None = None) -> NotebookResult:
    """Run one notebook with papermill into the month's folder, print a progress line, and queue its
    HTML (also when it failed: the page shows the error); `settle` waits for the page.

    With `after`, the kernel starts at once but the cells wait (nbclient's on_notebook_start hook)
    until that gate opens; if the notebook before failed, no cell runs and the result is 'not run'.
    `done` is opened when this notebook ends. Never raises.
    """
    result = NotebookResult(name=source.stem, status="ok", start=now_iso())
    executed = plan.report_dir / source.name
    # papermill writes the executed notebook when it ends (also when it failed), in place; it writes to a
    # hidden name instead, renamed into place, so a run killed while it writes leaves the previous run's
    # notebook whole. The notebook's metadata names the final path.
    partial = plan.report_dir / f".{source.stem}.running.ipynb"
    began = [time.perf_counter()]
    try:
        import papermill

        from njbulletin.report.html import render_html

        def on_notebook_start(notebook, **_) -> None:
            notebook.metadata.papermill["output_path"] = str(executed)  # not the hidden partial's name
            for cell in notebook.cells:  # papermill gives the cell it injects a random id; a rerun keeps it
                if "injected-parameters" in cell.metadata.get("tags", []):
                    cell.id = "injected-parameters"
            if after is None:
                return
            if not after.wait():
                result.status = "not run"
                notebook.cells.clear()  # nothing runs; nbclient then shuts the kernel down as usual
            result.start, began[0] = now_iso(), time.perf_counter()

        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            kernel = None
            try:
                kernel = warm_kernel(source) if settings.reuse_kernels else None
                papermill.execute_notebook(str(source), str(partial), parameters=plan.parameters,
                                           kernel_name=KERNEL_NAME, cwd=str(source.parent), progress_bar=False,
                                           log_output=False, request_save_on_cell_execute=False,
                                           config=kernel_config(), on_notebook_start=on_notebook_start, km=kernel,
                                           kernel_manager_class=fresh_kernel_manager_class())
                break
            except Exception as exc:  # noqa: BLE001 - any failure of a notebook is recorded, never raised
                if attempt < KERNEL_START_ATTEMPTS and is_kernel_start_failure(exc):
                    print(f"{plan.month} {result.name}: the kernel did not start; starting another", flush=True)
                    continue
                result.status, result.error = "failed", describe_error(exc)
                break
            finally:
                release_clients(kernel)
        result.end, result.seconds = now_iso(), round(time.perf_counter() - began[0], 3)
        if result.status == "not run":
            partial.unlink(missing_ok=True)
            executed.unlink(missing_ok=True)
            result.start = result.end = result.seconds = None
        elif partial.is_file():
            os.replace(partial, executed)
            result.rendering = renderer().submit(render_html, executed, executed.with_suffix(".html"),
                                                 settings.with_code)
        timing = "" if result.seconds is None else f" ({result.seconds:.1f} s)"
        detail = f": {result.error}" if result.error else ""
        print(f"{plan.month} {result.name}: {result.status}{timing}{detail}", flush=True)
    except BaseException as exc:  # noqa: BLE001 - keep the gates opening whatever happens
        result.status, result.error = "failed", describe_error(exc)
    finally:
        if done is not None:
            done.open(result.status == "ok")
    return result


def run_notebooks(plan: MonthPlan, settings: Settings, first: list[Path], second: list[Path]) -> list[NotebookResult]:
    """Run `first` one after another, then `second` concurrently, each in its own thread and kernel.

    Kernel start is taken off the critical path: each notebook's kernel starts while the notebook
    before it runs (the analyses' kernels while the last of `first` runs) and its cells wait for
    their turn. When a notebook of `first` fails, every later one is 'not run'.
    """
    gates = [Gate() for _ in first]
    workers = max(1, len(first) + len(second))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"nb-{plan.month}") as pool:
        futures = []
        for index, notebook in enumerate(first):
            if index >= 2:
                gates[index - 2].wait()  # start kernels one notebook ahead, not more
            futures.append(pool.submit(execute_notebook, notebook, plan, settings,
                                       gates[index - 1] if index else None, gates[index]))
        if len(first) >= 2:
            gates[-2].wait()
        for notebook in second:
            futures.append(pool.submit(execute_notebook, notebook, plan, settings, gates[-1] if first else None))
        return [future.result() for future in futures]


def not_run(notebooks: list[Path]) -> list[NotebookResult]:
    return [NotebookResult(name=path.stem, status="not run") for path in notebooks]


def start_month(plan: MonthPlan) -> None:
    """Mark the month as running (and drop an earlier summary, so no stale figures are shown)."""
    import json

    from njbulletin.atomic import write_text_atomic

    plan.report_dir.mkdir(parents=True, exist_ok=True)
    (plan.report_dir / "summary.json").unlink(missing_ok=True)
    write_text_atomic(plan.report_dir / MANIFEST_NAME, json.dumps(
        {"month": plan.month, "status": "running", "started": now_iso()}, indent=2) + "\n")


def processed_tables(processed_dir: Path, month: str) -> dict:
    """Every processed table of the month, by name (those present on disk)."""
    from njbulletin.storage import partition_path, processed_table_names, read_month_table

    return {name: read_month_table(processed_dir, name, month) for name in processed_table_names(processed_dir)
            if partition_path(processed_dir, name, month).is_file()}


def write_csv_exports(tables: dict, data_dir: Path) -> list[Path]:
    """Each table as data/<table>.csv, UTF-8 with a BOM so Excel shows Chinese text; written atomically."""
    from njbulletin.atomic import atomic_path

    written = []
    for name, frame in sorted(tables.items()):
        target = data_dir / f"{name}.csv"
        with atomic_path(target) as temporary:
            frame.write_csv(temporary, include_bom=True)
        written.append(target)
    return written


def write_all_months_exports(processed_dir: Path, reports_dir: Path) -> list[Path]:
    """REPORTS/data/: every processed month of each table in one CSV (`<table>.csv`, oldest month first),
    and `summary.csv`, one row per month of the months' summary.json with the run's status (a month whose
    analysis notebook failed still has its figures), for researchers who work in Excel, SPSS or Stata
    rather than with the parquet datasets."""
    import polars as pl

    from njbulletin.report.datapackage import sources_from_manifests, write_data_package
    from njbulletin.report.html import collect_month_entries
    from njbulletin.storage import processed_table_names, scan_table

    tables = {name: scan_table(processed_dir, name).collect().sort("month", maintain_order=True)
              for name in processed_table_names(processed_dir)}
    entries = collect_month_entries(reports_dir)
    summaries = [{"month": entry["month"], "run_status": entry["manifest"].get("status"), **entry["summary"]}
                 for entry in reversed(entries) if entry["summary"]]
    if summaries:
        tables["summary"] = pl.from_dicts(summaries, infer_schema_length=None)
    written = write_csv_exports(tables, Path(reports_dir) / "data")
    sources = sources_from_manifests(entry["manifest"] for entry in entries)
    write_data_package(Path(reports_dir) / "data", tables, sources)
    return written


def write_month_outputs(plan: MonthPlan, settings: Settings) -> dict:
    """summary.json and data/*.csv from the month's processed tables; returns the summary."""
    import json

    from njbulletin.months import days_in_month
    from njbulletin.atomic import write_text_atomic
    from njbulletin.analysis.summary import summarise_month
    from njbulletin.report.datapackage import month_source, write_data_package

    tables = processed_tables(settings.processed_dir, plan.month)
    summary = summarise_month(plan.month, days_in_month(plan.month), tables)
    write_csv_exports(tables, plan.report_dir / "data")
    source = month_source(plan.month, plan.raw_path.name, plan.inputs[plan.raw_path.name], plan.code)
    write_data_package(plan.report_dir / "data", tables, [source], plan.month)
    write_text_atomic(plan.report_dir / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


def build_manifest(plan: MonthPlan, settings: Settings, outcome: MonthOutcome) -> dict:
    return {
        "month": plan.month,
        "status": outcome.status,
        "error": outcome.error,
        "fingerprint": plan.fingerprint,
        "inputs": [{"path": str(Path(settings.raw_dir).resolve() / name), "sha256": sha}
                   for name, sha in plan.inputs.items()],
        "parameters": plan.parameters,
        "with_code": settings.with_code,
        "code": {**git_commit(config.PROJECT_ROOT), "sha256": plan.code},
        "packages": package_versions(),
        "lock": lock_record(config.PROJECT_ROOT),
        "python": sys.version.split()[0],
        "notebooks": [result.record() for result in outcome.notebooks],
        "seconds": outcome.seconds,
        "finished": now_iso(),
    }


def finish_month(plan: MonthPlan, settings: Settings, results: list[NotebookResult], tables_written: bool,
                 started: float) -> MonthOutcome:
    """Wait for the HTML, write the summary and CSV exports (when the month's tables were written by
    this run) and the manifest; print the month's line. Never raises: failures are recorded."""
    import json

    from njbulletin.atomic import write_text_atomic

    outcome = MonthOutcome(plan.month, "ok", results)
    if tables_written:
        try:
            write_month_outputs(plan, settings)
        except Exception as exc:  # noqa: BLE001
            outcome.status, outcome.error = "failed", f"summary: {describe_error(exc)}"
    settle(results)
    if any(result.status != "ok" for result in results):
        outcome.status = "failed"
    outcome.seconds = round(time.perf_counter() - started, 3)
    write_text_atomic(plan.report_dir / MANIFEST_NAME,
                      json.dumps(build_manifest(plan, settings, outcome), indent=2, ensure_ascii=False) + "\n")
    failed = "" if outcome.status == "ok" else f" ({'; '.join(outcome.failures())})"
    print(f"{plan.month}: {outcome.status}, {len(results)} notebooks in {outcome.seconds:.1f} s{failed}", flush=True)
    return outcome


def all_ok(results: list[NotebookResult]) -> bool:
    return all(result.status == "ok" for result in results)


def run_first_stage(plan: MonthPlan, settings: Settings) -> tuple[list[NotebookResult], float]:
    """The notebooks below 10 of one month (a pool worker's share when several months run)."""
    started = time.perf_counter()
    start_month(plan)
    first, _ = notebook_stages(discover_notebooks(settings.notebooks_dir))
    return settle(run_notebooks(plan, settings, first, [])), started


def run_second_stage(plan: MonthPlan, settings: Settings, prepared: list[NotebookResult],
                     started: float) -> MonthOutcome:
    """The analyses of one month, after every month's first stage; then the month's outputs."""
    _, second = notebook_stages(discover_notebooks(settings.notebooks_dir))
    ready = all_ok(prepared)
    results = prepared + (run_notebooks(plan, settings, [], second) if ready else not_run(second))
    return finish_month(plan, settings, results, ready, started)


def run_whole_month(plan: MonthPlan, settings: Settings) -> MonthOutcome:
    """One month on its own: both stages pipelined in this process."""
    started = time.perf_counter()
    start_month(plan)
    first, second = notebook_stages(discover_notebooks(settings.notebooks_dir))
    results = run_notebooks(plan, settings, first, second)
    return finish_month(plan, settings, results, all_ok(results[:len(first)]), started)


# ----------------------------------------------------------------------------- the run


# Hidden files a killed run can leave in the reports folder: atomic writes' temporary files and
# papermill's partial notebooks.
LEFTOVER_PATTERNS = (".*.tmp", "*/.*.tmp", "*/.*.running.ipynb", "*/figures/.*.tmp", "*/data/.*.tmp")


def remove_run_leftovers(reports_dir: Path) -> list[Path]:
    """Remove what killed runs left in the reports folder (once older than ten minutes, so that a notebook
    writing a figure from JupyterLab right now keeps its temporary file). Called with the lock held."""
    from njbulletin.atomic import remove_abandoned

    return remove_abandoned(path for pattern in LEFTOVER_PATTERNS for path in Path(reports_dir).glob(pattern))


def acquire_lock(reports_dir: Path):
    """The reports folder's lock; a second run over the same folder stops with a clear message."""
    from filelock import FileLock, Timeout

    reports_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(reports_dir / LOCK_NAME))
    try:
        lock.acquire(timeout=float(os.environ.get("NJBULLETIN_LOCK_TIMEOUT", "0")))
    except Timeout:
        raise BusyError(f"{reports_dir}: another njbulletin run is writing these reports "
                        f"(lock {reports_dir / LOCK_NAME}); run again when it has finished") from None
    return lock


def worker_context():
    """Months run in processes started by a fork server, never forked from this process: it may
    already hold threads (renderer, kernel clients), and forking a threaded process can deadlock the
    child. The server preloads papermill and nbconvert, so each worker starts with them imported."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["njbulletin.pipeline.run", "papermill", "nbconvert", "nbformat"])
    return context


def run_months(plans: list[MonthPlan], settings: Settings) -> list[MonthOutcome]:
    """Run each month: every month's first stage, then every month's second stage (in processes when
    there are several months and --jobs > 1)."""
    workers = min(settings.jobs, len(plans))
    if len(plans) == 1:
        return [run_whole_month(plans[0], settings)]
    settings = replace(settings, reuse_kernels=True)
    if workers <= 1:
        try:
            prepared = [run_first_stage(plan, settings) for plan in plans]
            return [run_second_stage(plan, settings, *first) for plan, first in zip(plans, prepared)]
        finally:
            stop_warm_kernels()
    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context()) as pool:
        prepared = list(pool.map(run_first_stage, plans, [settings] * len(plans)))
        return list(pool.map(run_second_stage, plans, [settings] * len(plans), *zip(*prepared)))


def refuse_raw_outputs(settings: Settings) -> None:
    """Nothing is ever written under the raw folder."""
    for raw in {Path(settings.raw_dir).resolve(), config.RAW_DIR.resolve()}:
        for target in (Path(settings.processed_dir).resolve(), Path(settings.reports_dir).resolve()):
            if target == raw or raw in target.parents:
                raise UsageError(f"refusing to write under the raw data folder {raw}")


def run_pipeline(months: list[str], settings: Settings, run_all: bool = False) -> list[MonthOutcome]:
    """Plan the months, skip the unchanged ones, check the parameters, run the rest, rebuild index.html.

    Raises UsageError (bad month, parameter or folder) before anything runs, BusyError when another
    run holds the reports folder.
    """
    from njbulletin.report.html import write_index

    refuse_raw_outputs(settings)
    skipped: list[tuple[Path, str]] = []
    available = find_raw_months(settings.raw_dir, skipped)
    for path, reason in skipped:
        print(f"warning: {path}: {reason}; skipped", file=sys.stderr, flush=True)
    selected = select_months(list(months), available, run_all)
    notebooks = discover_notebooks(settings.notebooks_dir)
    reports_dir = Path(settings.reports_dir).resolve()
    lock = acquire_lock(reports_dir)
    try:
        remove_run_leftovers(reports_dir)
        code = code_digest([SOURCE_DIR, config.REFERENCE_DIR], notebooks)
        plans = plan_months(selected, available, settings, code)
        pending = [plan for plan in plans if not is_skippable(plan, settings)]
        outcomes = {plan.month: MonthOutcome(plan.month, "skipped") for plan in plans if plan not in pending}
        for month in outcomes:
            print(f"{month}: unchanged, skipped (--force runs it again)", flush=True)
        if pending:
            check_notebook_parameters(notebooks, pending[0].parameters)
            for outcome in run_months(pending, settings):
                outcomes[outcome.month] = outcome
            write_all_months_exports(settings.processed_dir, reports_dir)
        print(f"index: {write_index(reports_dir)}", flush=True)
        return [outcomes[month] for month in selected]
    finally:
        lock.release()


def settings_from_args(args) -> Settings:
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError(f"invalid --jobs {jobs}: expected 1 or more")
    return Settings(raw_dir=Path(args.raw), processed_dir=Path(args.processed), reports_dir=Path(args.reports),
                    force=args.force, jobs=jobs, with_code=args.with_code, lang=args.lang,
                    allow_errors=args.allow_errors)


def run_command(args) -> int:
    """`njbulletin run`: exit 0 when every month succeeded or was unchanged, 1 when a month failed,
    2 for a bad month, parameter or folder, 3 when another run holds the reports folder."""
    try:
        outcomes = run_pipeline(args.months, settings_from_args(args), run_all=args.all)
    except BusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    return report_outcomes(outcomes)


def report_outcomes(outcomes: list[MonthOutcome]) -> int:
    """Print the run's closing summary (each failure on stderr) and return the exit status."""
    failed = [outcome for outcome in outcomes if outcome.status == "failed"]
    ran = sum(outcome.status == "ok" for outcome in outcomes)
    skipped = sum(outcome.status == "skipped" for outcome in outcomes)
    print(f"done: {ran} months run, {skipped} unchanged, {len(failed)} failed", flush=True)
    for outcome in failed:
        print(f"failed: {outcome.month}: {'; '.join(outcome.failures())}", file=sys.stderr)
    return EXIT_VALIDATION_ERRORS if failed else EXIT_OK
