"""`make bench --only attention`: 50-attention's analysis and the one-page briefing, in-process, with 120 months of
history against 12 (issue 26: at most 1.1x).

Both archives are the same synthetic months (`njbulletin.synth`, 2015-01 to 2024-12): the 12-month one is the
last 12 of the 120, so both judge 2024-12 with the same tables. Each is ingested into its own temporary folder by
`njbulletin ingest` (the history store included). What is timed is the one call of the notebook's analysis cell
(`report.attention_month.analyse_attention_month`): the indicator history read and judged (calendar adjustment,
then SPC), the month's and the month before's tables, the standing flags' history, the ranked list and its links,
its exports, the series counts, the key figures' summary and the briefing. The page's prose and charts are left
out: they depend on the month's items, not on the length of the history. The two sides alternate run by run, after one warm-up run each.
"""
from __future__ import annotations

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


def bench_attention(root: Path, njbulletin: Path, files: dict[str, bytes], rounds: int) -> list[Result]:
    """50-attention's analysis and the briefing of the last month, with all of `files`' months ingested against
    the last FEW of them, alternating, `rounds` rounds."""
    names = sorted(files)
    sides = {"few": ingested_archive(root, f"attention-{FEW}", {name: files[name] for name in names[-FEW:]},
                                     njbulletin),
             "many": ingested_archive(root, f"attention-{len(names)}", files, njbulletin)}
    listed = {side: attention_pass(ctx) for side, ctx in sides.items()}  # warm-up: imports, caches, disk
    seconds: dict[str, list[float]] = {"few": [], "many": []}
    for _ in range(rounds):
        for side, ctx in sides.items():
            start = time.perf_counter()
            attention_pass(ctx)
            seconds[side].append(time.perf_counter() - start)
    few, many = (statistics.median(seconds[side]) for side in ("few", "many"))
    return [Result(f"50-attention's analysis and the briefing, in-process: {len(names)} vs {FEW} months of history",
                   "<= 1.1x", f"{many * 1000:.0f} ms vs {few * 1000:.0f} ms", many / few, 1.1,
                   f"medians of {rounds} alternating runs; {FEW}: {', '.join(f'{x * 1000:.0f}' for x in seconds['few'])}"
                   f" ms; {len(names)}: {', '.join(f'{x * 1000:.0f}' for x in seconds['many'])} ms; items listed "
                   f"{listed['few']} vs {listed['many']}")]
