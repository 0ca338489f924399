"""`make bench --only attention`: 50-attention and its one-page briefing with 120 months of history against 12
(issue 26: at most 1.1x), and against 36, the months a month is judged against (`spc_queries.JUDGED_MONTHS`).

The archives are the same synthetic months (`njbulletin.synth`, 2015-01 to 2024-12): the 12- and the 36-month
ones are the last months of the 120, so all judge 2024-12 with the same tables. Each is ingested into its own
temporary folder by `njbulletin ingest` (the history store included). Two things are timed:
- the notebook's analysis call (`report.attention_month.analyse_attention_month`): the history read and judged
  (calendar adjustment, then SPC), the month's and the month before's tables, the ranked list and its links,
  its exports, the series counts and the briefing;
- every cell of the notebook in one warm IPython shell, as a reused kernel runs them (modules imported, the
  namespace reset between runs), the displayed objects formatted as a kernel formats them: the page's prose,
  tables and small XmR charts too.
With 12 months the limits are provisional and the list holds fewer signals than with 36 or 120, so its page
draws fewer charts: against 12 the pages differ in content as well as in history; against 36 the month is judged
on the same months and only the history's length differs. The archives alternate run by run, after one warm-up
run each.
"""
from __future__ import annotations

import contextlib
import json
import os
import statistics
import time
from pathlib import Path

from measure import Result, run

MONTHS = 120
FEW = 12
START = "2015-01"


def attention_pass(ctx) -> int:
    """50-attention's analysis cell and its briefing (`report.attention_month.analyse_attention_month`, the one
    call the notebook makes); returns the items listed."""
    from njbulletin.report.attention_month import analyse_attention_month

    return analyse_attention_month(ctx).items["item"].n_unique()


def ingested_archive(root: Path, name: str, files: dict[str, bytes], njbulletin: Path):
    """The months written into root/name/raw and ingested into root/name/processed; the context of the last."""
    from njbulletin.context import MonthContext

    raw, processed, reports = root / name / "raw", root / name / "processed", root / name / "reports"
    raw.mkdir(parents=True)
    for filename, data in files.items():
        (raw / filename).write_bytes(data)
    run([str(njbulletin), "ingest", *sorted(map(str, raw.glob("*.txt"))), "--processed", str(processed)])
    last = sorted(files)[-1][:7]
    ctx = MonthContext.from_parameters(last, raw, processed, reports, "zh")
    ctx.report_dir.mkdir(parents=True, exist_ok=True)
    return ctx


def notebook_cells(path: Path) -> list[tuple[bool, str]]:
    """The notebook's code cells: (is it the parameters cell, its source)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [("parameters" in cell["metadata"].get("tags", []), "".join(cell["source"]))
            for cell in notebook["cells"] if cell["cell_type"] == "code"]


def notebook_pass(shell, cells: list[tuple[bool, str]], ctx) -> None:
    """Every code cell of the notebook, in order, in `shell` (an IPython shell whose modules stay imported, as
    a reused kernel's do), with the context's parameters injected after the parameters cell as papermill
    injects them; each object displayed is formatted into its MIME types (HTML, SVG, PNG), as a kernel does."""
    parameters = (f"month = {ctx.month!r}\nraw_dir = {str(ctx.raw_dir)!r}\nprocessed_dir = {str(ctx.processed_dir)!r}\n"
                  f"reports_dir = {str(ctx.reports_dir)!r}\nlang = {ctx.lang!r}\n")
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        for is_parameters, source in cells:
            for code in (source, parameters) if is_parameters else (source,):
                result = shell.run_cell(code, store_history=False)
                if not result.success:
                    raise RuntimeError(f"50-attention failed in the bench: {result.error_in_exec or result.error_before_exec}")


def alternate(sides: dict, rounds: int, one_pass, before=None) -> dict[int, list[float]]:
    """Seconds of `one_pass(side's context)` for each side, the sides alternating, `rounds` rounds (`before`
    runs untimed ahead of each pass)."""
    seconds: dict[int, list[float]] = {side: [] for side in sides}
    for _ in range(rounds):
        for side, ctx in sides.items():
            if before is not None:
                before()
            start = time.perf_counter()
            one_pass(ctx)
            seconds[side].append(time.perf_counter() - start)
    return seconds


def ratio_result(measure: str, target: str, limit: float | None, seconds: dict[int, list[float]], rounds: int,
                 many: int, few: int, extra: str = "") -> Result:
    """`many` months of history against `few`: the medians' ratio, and every run."""
    low, high = (statistics.median(seconds[months]) for months in (few, many))
    runs = "; ".join(f"{months}: {', '.join(f'{x * 1000:.0f}' for x in seconds[months])} ms" for months in (few, many))
    return Result(measure, target, f"{high * 1000:.0f} ms vs {low * 1000:.0f} ms", high / low, limit,
                  f"medians of {rounds} alternating runs; {runs}{extra}")


def bench_attention(root: Path, njbulletin: Path, files: dict[str, bytes], rounds: int) -> list[Result]:
    """50-attention with the briefing, of the last month, with all of `files`' months ingested, against the
    last FEW of them (the target) and the last JUDGED_MONTHS (the months a month is judged against: the same
    judgement, so only the history's length differs): its analysis call, and every cell of the notebook in a
    warm shell; the archives alternating, `rounds` rounds each."""
    from IPython.core.interactiveshell import InteractiveShell

    from njbulletin import config
    from njbulletin.analysis.spc_queries import JUDGED_MONTHS

    names = sorted(files)
    many = len(names)
    lengths = sorted({FEW, min(JUDGED_MONTHS, many), many})
    sides = {months: ingested_archive(root, f"attention-{months}", {name: files[name] for name in names[-months:]},
                                      njbulletin) for months in lengths}
    listed = {months: attention_pass(ctx) for months, ctx in sides.items()}  # warm-up: imports, caches, disk
    signals = {months: count_signals(ctx) for months, ctx in sides.items()}
    shell = InteractiveShell.instance()
    cells = notebook_cells(config.NOTEBOOKS_DIR / "50-attention.ipynb")
    for ctx in sides.values():  # warm-up: the notebook's imports and the charts' fonts
        notebook_pass(shell, cells, ctx)
    analysis = alternate(sides, rounds, attention_pass)
    notebook = alternate(sides, rounds, lambda ctx: notebook_pass(shell, cells, ctx),
                         before=lambda: shell.reset(new_session=False))  # as the pipeline's %reset -f

    def content(few: int) -> str:
        return (f"; items listed {listed[few]} vs {listed[many]}, of which signals (each a small XmR chart on the "
                f"page) {signals[few]} vs {signals[many]}")

    results = [ratio_result(f"50-attention's analysis and the briefing, in-process: {many} vs {FEW} months of history",
                            "<= 1.1x", 1.1, analysis, rounds, many, FEW,
                            "; the notebook's analysis call (analyse_attention_month)" + content(FEW)),
               ratio_result(f"50-attention, every cell in a warm shell (analysis, page, charts): {many} vs {FEW} months",
                            "-", None, notebook, rounds, many, FEW,
                            "; as a reused kernel runs them (modules imported, namespace reset)" + content(FEW))]
    if len(lengths) == 3:
        judged = lengths[1]
        results += [ratio_result(f"50-attention's analysis and the briefing, in-process: {many} vs {judged} months "
                                 "(the same months judged)", "-", None, analysis, rounds, many, judged, content(judged)),
                    ratio_result(f"50-attention, every cell in a warm shell: {many} vs {judged} months (the same "
                                 "months judged)", "-", None, notebook, rounds, many, judged, content(judged))]
    return results


def count_signals(ctx) -> int:
    """The signals the month's list holds (each drawn as a small XmR chart on the page)."""
    import polars as pl

    from njbulletin.report.attention_month import analyse_attention_month

    return analyse_attention_month(ctx).items.filter(pl.col("kind") == "signal")["item"].n_unique()
