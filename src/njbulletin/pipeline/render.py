"""Each executed notebook published as it ends: its parameters shown as the month's own, then its HTML page,
rendered in one background thread while the next notebook runs.

A notebook's kernel was given the month's staging folder as `reports_dir` (so its figures are staged
with the rest); the published notebook shows the folders the month is swapped into, as if it had run
there, and its papermill metadata names its final path.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from njbulletin.pipeline.faults import describe_fault
from njbulletin.pipeline.model import FAILED, NotebookResult
from njbulletin.pipeline.progress import Progress


def describe_error(exc: BaseException) -> str:
    """One line: a kernel's `ename: evalue`, or the exception's type and message (at most 500 characters)."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:500]


def show_parameters(notebook, parameters: dict, final_path: Path) -> None:
    """Make an executed notebook's injected parameters and papermill metadata those of `final_path`."""
    from papermill.translators import translate_parameters

    metadata = notebook.metadata.setdefault("papermill", {})
    metadata["parameters"] = dict(parameters)
    metadata["output_path"] = str(final_path)
    kernel_name = notebook.metadata.get("kernelspec", {}).get("name")
    language = (notebook.metadata.get("language_info", {}).get("name")
                or notebook.metadata.get("kernelspec", {}).get("language"))
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = translate_parameters(kernel_name, language, parameters, "Parameters")
            cell.id = "injected-parameters"  # papermill gives the cell a random id; a rerun keeps this one


def publish_notebook(executed: Path, parameters: dict, final_path: Path, with_code: bool,
                     notebook=None) -> Path:
    """Rewrite the executed notebook with its final parameters, then render its HTML page beside it.
    `notebook` is the executed notebook papermill returned, when it did (else it is read from its file)."""
    import nbformat

    if notebook is None:
        notebook = nbformat.read(executed, as_version=4)
    show_parameters(notebook, parameters, final_path)
    nbformat.write(notebook, executed)
    return render_page(executed, parameters, with_code)


def render_page(executed: Path, parameters: dict, with_code: bool) -> Path:
    """The notebook's HTML page beside it, in the month and language the run handed it (never read back from the
    notebook)."""
    from njbulletin.report.html import render_html

    return render_html(executed, executed.with_suffix(".html"), with_code, lang=str(parameters["lang"]),
                       month=str(parameters["month"]))


@dataclass
class PendingPage:
    """A notebook's result, and its page while it is being rendered (None: nothing to render)."""
    result: NotebookResult
    page: Future | None = None


class Renderer:
    """One background thread that publishes notebooks. A context manager: leaving it waits for the pages."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc_info) -> None:
        self._pool.shutdown(wait=True)

    def submit(self, executed: Path, parameters: dict, final_path: Path, with_code: bool, notebook=None) -> Future:
        return self._pool.submit(publish_notebook, executed, parameters, final_path, with_code, notebook)


def settle(pending: list[PendingPage], progress: Progress | None = None) -> list[NotebookResult]:
    """Wait for every page; a page that could not be written fails its notebook (as the machine's fault
    when the machine caused it)."""
    results = []
    for item in pending:
        result = item.result
        if item.page is not None:
            try:
                result.html = item.page.result().name
            except Exception as exc:  # noqa: BLE001 - recorded in the notebook's result
                result.status = FAILED
                result.error = (result.error + "; " if result.error else "") + f"HTML: {describe_error(exc)}"
                result.fault = result.fault or describe_fault(exc)
                (progress or Progress()).message(f"{result.name}: HTML failed: {describe_error(exc)}")
        results.append(result)
    return results
