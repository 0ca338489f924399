"""`make bench`: measure the speed and memory targets side by side, in one invocation.

Every figure is the median of several runs; every comparison alternates its two
sides run by run, so a noisy neighbour slows both. The table is printed and
written to benchmarks/results.md with the machine and the date.

    python benchmarks/bench.py [--quick] [--only parse,pdf,spc,month,backfill,history,attention,scale,memory]
                               [--bin DIR]

`--bin DIR` runs another installation's `njbulletin` (for instance a checkout of an earlier commit with its
own .venv/bin), to measure before and after side by side with the same protocol.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_attention import bench_attention
from measure import Result, describe_machine, format_table, median_seconds, peak_tree_memory, run
from njbulletin import config

BIN = Path(sys.executable).parent
RESULTS = Path(__file__).resolve().parent / "results.md"
SEED = config.RAW_DIR / "2024-11.txt"


class Workspace:
    """Temporary raw/processed/reports folders for one side of a comparison."""

    def __init__(self, root: Path, name: str, raw_files: dict[str, bytes]):
        self.root = root / name
        self.raw = self.root / "raw"
        self.processed = self.root / "processed"
        self.reports = self.root / "reports"
        self.raw.mkdir(parents=True)
        for filename, data in raw_files.items():
            (self.raw / filename).write_bytes(data)

    def run_command(self, *months: str, force: bool = True, jobs: int = 1) -> list[str]:
        command = [str(BIN / "njbulletin"), "run", *months, "--raw", str(self.raw), "--processed",
                   str(self.processed), "--reports", str(self.reports), "--jobs", str(jobs)]
        return command + (["--force"] if force else [])


# ----------------------------------------------------------------------------- measures


def bench_parse(repeats: int) -> list[Result]:
    from njbulletin import parse_bulletin
    from njbulletin.reading.parser import parse_text
    from njbulletin.synth import generate_bulletins

    parse_bulletin(SEED)  # warm the regex cache and polars
    one, _ = median_seconds(lambda: parse_bulletin(SEED), repeats)
    results = [Result("parse one bulletin in-process (seed, file to tables)", "<= 5 ms median",
                      f"{one * 1000:.2f} ms", one * 1000, 5.0, f"median of {repeats} runs")]

    texts = [text for _, text, _ in generate_bulletins(months=1000, start="2000-01", seed=7)]
    batch_times = []
    for _ in range(3):
        start = time.process_time()  # CPU time of this one process: one core
        for text in texts:
            parse_text(text)
        batch_times.append(time.process_time() - start)
    batch = statistics.median(batch_times)
    results.append(Result("parse 1,000 synthetic bulletins, one core", "<= 5 s", f"{batch:.2f} s CPU",
                          batch, 5.0, f"median of 3 batches; {batch / len(texts) * 1000:.2f} ms per bulletin"))
    return results


def bench_pdf(repeats: int) -> list[Result]:
    """Parse the seed laid out as a word processor exports it: ruled tables whose narrow name column wraps
    long names inside their cells (the layout tests/pdf_ruled_fixtures.py builds), tables read by position."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from njbulletin import parse_bulletin
    from pdf_ruled_fixtures import build_ruled_pdf

    folder = Path(tempfile.mkdtemp(prefix="njbulletin-bench-pdf-"))
    try:
        path = folder / "2024-11.pdf"
        path.write_bytes(build_ruled_pdf(SEED.read_text(encoding="utf-8")))
        parse_bulletin(path)  # warm: PDFium loaded, regexes compiled
        one, _ = median_seconds(lambda: parse_bulletin(path), repeats)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [Result("parse the seed as a ruled-table PDF (8 pages, names wrapping in cells), file to tables",
                   "<= 1 s median", f"{one * 1000:.0f} ms", one, 1.0, f"median of {repeats} runs")]


def bench_writer_pdf(repeats: int) -> list[Result]:
    """Parse each PDF that LibreOffice Writer exported (tests/fixtures/writer/: ruled and borderless tables, rows
    broken across pages, headers of one to three rows), file to tables; runs alternate between the fixtures."""
    from njbulletin import parse_bulletin

    fixtures = sorted((Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "writer").glob("*.pdf"))
    folder = Path(tempfile.mkdtemp(prefix="njbulletin-bench-writer-"))
    try:
        paths = []
        for number, fixture in enumerate(fixtures):
            (folder / str(number)).mkdir()
            paths.append(folder / str(number) / "2024-11.pdf")
            shutil.copyfile(fixture, paths[-1])
            parse_bulletin(paths[-1])  # warm: PDFium loaded, regexes compiled
        times: dict[Path, list[float]] = {path: [] for path in paths}
        for _ in range(repeats):
            for path in paths:
                start = time.perf_counter()
                parse_bulletin(path)
                times[path].append(time.perf_counter() - start)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    medians = {fixture.stem: statistics.median(times[path]) for fixture, path in zip(fixtures, paths)}
    overall = statistics.median([value for runs in times.values() for value in runs])
    slowest = max(medians, key=medians.get)
    return [Result(f"parse a PDF exported by LibreOffice Writer ({len(fixtures)} layouts, 4-7 pages), file to tables",
                   "<= 0.5 s median", f"{overall * 1000:.0f} ms", overall, 0.5,
                   f"median of {repeats} alternating runs of each; slowest layout {slowest} "
                   f"{medians[slowest] * 1000:.0f} ms")]
def spc_history(months: int = 120, units: int = 60):
    """An indicator history of `months` months x `units` units x 10 indicators (5 of hospitals, 2 of districts,
    3 of the city, each unit repeated), as analysis.series gives it: one row per value."""
    import numpy as np
    import polars as pl

    from njbulletin.months import shift_month

    indicators = [("hospital", key) for key in ("bookings", "outpatient_visits", "income_per_visit", "discharges",
                                                "income_per_discharge")]
    indicators += [("district", "completeness_score"), ("district", "realtime_day_share"),
                   ("city", "bookings_total"), ("city", "hotline_calls"), ("city", "platforms_total")]
    calendar = [shift_month("2015-01", offset) for offset in range(months)]
    rows = len(indicators) * units * months
    rng = np.random.default_rng(20)
    return pl.DataFrame({
        "month": calendar * (len(indicators) * units),
        "level": [level for level, _ in indicators for _ in range(units * months)],
        "unit": [f"unit-{unit}" for _ in indicators for unit in range(units) for _ in range(months)],
        "indicator": [key for _, key in indicators for _ in range(units * months)],
        "value": 1000 + np.cumsum(rng.normal(0, 10, rows))})


def bench_spc(repeats: int) -> list[Result]:
    """Statistical process control of every series at once (analysis.spc.compute_spc), in-process."""
    from njbulletin.analysis.spc import compute_spc

    history = spc_history()
    compute_spc(history)  # warm: numpy and polars loaded
    seconds, _ = median_seconds(lambda: compute_spc(history), repeats)
    return [Result("SPC of 120 months x 60 units x 10 indicators (72,000 points), in-process", "<= 1 s median",
                   f"{seconds * 1000:.0f} ms", seconds, 1.0, f"median of {repeats} runs")]


def naive_chain(workspace: Workspace, month: str) -> None:
    """What a researcher would script by hand: papermill's CLI, then nbconvert's, per notebook."""
    out_dir = workspace.root / "naive" / month
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in sorted(path.stem for path in config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb")):  # numbered order
        executed = out_dir / f"{name}.ipynb"
        run([str(BIN / "papermill"), str(config.NOTEBOOKS_DIR / f"{name}.ipynb"), str(executed),
             "-p", "month", month, "-p", "raw_dir", str(workspace.raw), "-p", "processed_dir",
             str(workspace.processed), "-p", "reports_dir", str(workspace.reports), "--log-level", "WARNING"],
            cwd=config.NOTEBOOKS_DIR)
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])


def bench_month(root: Path, repeats: int) -> list[Result]:
    seed_bytes = SEED.read_bytes()
    ours = Workspace(root, "ours", {"2024-11.txt": seed_bytes})
    naive = Workspace(root, "naive", {"2024-11.txt": seed_bytes})
    run(ours.run_command("2024-11"))  # warm-up: font cache, bytecode, disk cache
    ours_times, naive_times, noop_times = [], [], []
    for _ in range(repeats):
        ours_times.append(run(ours.run_command("2024-11")))
        naive_start = time.perf_counter()
        naive_chain(naive, "2024-11")
        naive_times.append(time.perf_counter() - naive_start)
        noop_times.append(run(ours.run_command("2024-11", force=False)))
    forced, chain, noop = (statistics.median(x) for x in (ours_times, naive_times, noop_times))
    return [
        Result("one month forced, all notebooks + HTML, vs the naive chain", "<= 0.20x",
               f"{forced:.1f} s vs {chain:.1f} s", forced / chain, 0.20,
               f"medians of {repeats} alternating runs; naive = papermill CLI + jupyter nbconvert per notebook"),
        Result("a run where nothing changed, vs a forced run", "<= 0.02x",
               f"{noop:.2f} s vs {forced:.1f} s", noop / forced, 0.02, f"medians of {repeats} runs"),
    ]


def bench_backfill(root: Path, months: int) -> list[Result]:
    """The backfill of `months` months (--jobs 2) against the same months each forced on its own (--jobs 1), one
    after the other, in a workspace where every month is ingested: month k is forced with its k - 1 months of
    history, as a researcher forcing the months one by one would. Half of the single months run before the
    backfill and half after (alternating), so that a neighbour's load that comes or goes weighs on both sides."""
    from njbulletin.synth import generate_bulletins

    generated = generate_bulletins(months=months, start="2023-01", seed=11)
    files = {f"{month}.txt": text.encode("utf-8") for month, text, _ in generated}
    names = [month for month, _, _ in generated]
    singles = Workspace(root, "singles", files)
    run([str(BIN / "njbulletin"), "ingest", str(singles.raw), "--processed", str(singles.processed)])
    run(singles.run_command(names[0]))  # warm-up
    single_seconds = {month: run(singles.run_command(month, jobs=1)) for month in names[0::2]}
    backfill = Workspace(root, "backfill", files)
    parallel = run(backfill.run_command(jobs=2))
    single_seconds |= {month: run(singles.run_command(month, jobs=1)) for month in names[1::2]}
    serial = sum(single_seconds.values())
    spread = sorted(single_seconds.values())
    return [Result(f"backfill of {months} synthetic months with --jobs 2, vs the {months} months each forced "
                   "alone with --jobs 1", "<= 0.40x", f"{parallel:.1f} s vs {serial:.1f} s",
                   parallel / serial, 0.40,
                   f"the {months} single months summed (odd months before the backfill, even after): "
                   f"{spread[0]:.1f} to {spread[-1]:.1f} s, median {statistics.median(spread):.1f} s")]


def bench_memory(root: Path) -> list[Result]:
    workspace = Workspace(root, "memory", {"2024-11.txt": SEED.read_bytes()})
    peaks = [peak_tree_memory(workspace.run_command("2024-11"))[0] for _ in range(3)]
    peak = max(peaks)
    gib = peak / 2**30
    return [Result("peak memory of a one-month run, all processes together", "<= 1.0 GiB", f"{gib:.2f} GiB",
                   gib, 1.0, "max over 3 forced runs of the summed RSS of the process tree, sampled every 50 ms")]


# ----------------------------------------------------------------------------- years of bulletins (issue 21)


SCALE_START = "2015-01"  # 120 months: 2015-01 to 2024-12


def synthetic_files(months: int, start: str = SCALE_START, seed: int = 11) -> dict[str, bytes]:
    from njbulletin.synth import generate_bulletins

    return {f"{month}.txt": (text + "\n").encode("utf-8") for month, text, _ in generate_bulletins(months, start, seed)}


def corrected_month(month: str, seed: int = 9011) -> bytes:
    """Another valid bulletin for the same month: what a correction of that month's raw file looks like."""
    from njbulletin.synth import generate_bulletins

    return (generate_bulletins(1, month, seed)[0][1] + "\n").encode("utf-8")


def history_notebooks() -> list[str]:
    """The notebooks that declare in their metadata that they read the history (njbulletin.reads)."""
    names = []
    for path in sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
        metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        if (metadata.get("njbulletin") or {}).get("reads") == "history":
            names.append(path.stem)
    return names


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def notebooks_executed_since(reports: Path, started: str) -> int:
    """How many notebooks a run executed: those whose manifest entry started after the run began (a kept
    notebook keeps the times of the run that executed it)."""
    count = 0
    for manifest_path in reports.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]/manifest.json"):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        count += sum(1 for notebook in manifest.get("notebooks", []) if (notebook.get("start") or "") >= started)
    return count


def ingest_command(workspace: Workspace) -> list[str]:
    return [str(BIN / "njbulletin"), "ingest", *sorted(map(str, workspace.raw.glob("*.txt"))),
            "--processed", str(workspace.processed)]


def notebook_seconds(workspace: Workspace, month: str, names: list[str]) -> dict[str, float]:
    manifest = json.loads((workspace.reports / month / "manifest.json").read_text(encoding="utf-8"))
    return {nb["name"]: nb["seconds"] for nb in manifest["notebooks"] if nb["name"] in names}


def bench_history(root: Path, small: int, large: int, rounds: int) -> list[Result]:
    """Each history notebook in a forced run of the last month, with `small` and with `large` months ingested
    (alternating, `rounds` rounds)."""
    names = history_notebooks() or ["40-trends"]
    files = synthetic_files(large)
    months = sorted(name[:7] for name in files)
    few = Workspace(root, f"history-{small}", {name: files[name] for name in sorted(files)[large - small:]})
    many = Workspace(root, f"history-{large}", files)
    for workspace in (few, many):
        run(ingest_command(workspace))
    last = months[-1]
    run(few.run_command(last))  # warm-up
    seconds: dict[str, dict[str, list[float]]] = {"few": {}, "many": {}}
    whole: dict[str, list[float]] = {"few": [], "many": []}
    for _ in range(rounds):
        for side, workspace in (("few", few), ("many", many)):
            whole[side].append(run(workspace.run_command(last)))
            for name, value in notebook_seconds(workspace, last, names).items():
                seconds[side].setdefault(name, []).append(value)
    results = []
    for name in names:
        a, b = statistics.median(seconds["few"][name]), statistics.median(seconds["many"][name])
        results.append(Result(f"{name} in a forced run of the last month: {large} vs {small} months of history",
                              "<= 1.1x", f"{b:.1f} s vs {a:.1f} s", b / a, 1.1,
                              f"medians of {rounds} alternating rounds (notebook seconds from the manifest): "
                              f"{small}: {', '.join(f'{x:.1f}' for x in seconds['few'][name])}; "
                              f"{large}: {', '.join(f'{x:.1f}' for x in seconds['many'][name])}"))
    a, b = statistics.median(whole["few"]), statistics.median(whole["many"])
    results.append(Result(f"the whole forced month: {large} vs {small} months of history", "-",
                          f"{b:.1f} s vs {a:.1f} s", b / a, None, f"medians of {rounds} alternating rounds"))
    return results


def bench_scale(root: Path, months: int, jobs: int = 2) -> list[Result]:
    """A `months`-month archive: ingest, the whole backfill, nothing changed, a forced last month, and the
    correction of the first month (the run that follows it)."""
    files = synthetic_files(months)
    first, last = sorted(files)[0][:7], sorted(files)[-1][:7]
    workspace = Workspace(root, f"scale-{months}", files)
    ingest = run(ingest_command(workspace))
    store = "tables and history store" if (workspace.processed / "history").is_dir() else "tables only"
    started = now_iso()
    backfill = run(workspace.run_command(force=False, jobs=jobs))
    backfill_count = notebooks_executed_since(workspace.reports, started)
    unchanged = run(workspace.run_command(force=False, jobs=jobs))
    forced = run(workspace.run_command(last, jobs=1))
    (workspace.raw / f"{first}.txt").write_bytes(corrected_month(first))
    started = now_iso()
    correction = run(workspace.run_command(force=False, jobs=jobs))
    executed = notebooks_executed_since(workspace.reports, started)
    names = history_notebooks() or ["40-trends"]
    label = f"{months}-month archive"
    return [
        Result(f"{label}: `njbulletin ingest` of every month", "-", f"{ingest:.1f} s", None, None,
               f"{months} files: {store}"),
        Result(f"{label}: every month run (--jobs {jobs})", "-", f"{backfill:.1f} s", None, None,
               f"{backfill_count} notebooks executed"),
        Result(f"{label}: a run where nothing changed", "-", f"{unchanged:.2f} s", None, None, "one run"),
        Result(f"{label}: the last month forced (--jobs 1)", "-", f"{forced:.1f} s", None, None,
               f"history notebooks: {notebook_seconds(workspace, last, names)}"),
        Result(f"{label}: the run after correcting month 1 (--jobs {jobs})", "-",
               f"{correction:.1f} s, {executed} notebooks", None, None,
               "the first month's raw file replaced by another valid bulletin; notebooks counted from the "
               "manifests (started after the run began)"),
    ]


# ----------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run, not for the record)")
    parser.add_argument("--only", default="parse,pdf,spc,month,backfill,history,attention,scale,memory")
    parser.add_argument("--bin", type=Path, default=None,
                        help="the folder of another installation's njbulletin, papermill and jupyter")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.md alone")
    args = parser.parse_args(argv)
    if args.bin is not None:
        global BIN
        BIN = args.bin.resolve()
    only = set(args.only.split(","))
    results: list[Result] = []
    root = Path(tempfile.mkdtemp(prefix="njbulletin-bench-"))
    try:
        if "parse" in only:
            results += bench_parse(repeats=50 if args.quick else 300)
        if "pdf" in only:
            results += bench_pdf(repeats=5 if args.quick else 21)
            results += bench_writer_pdf(repeats=3 if args.quick else 11)
        if "spc" in only:
            results += bench_spc(repeats=3 if args.quick else 11)
        if "month" in only:
            results += bench_month(root, repeats=1 if args.quick else 3)
        if "backfill" in only:
            results += bench_backfill(root, months=4 if args.quick else 24)
        if "history" in only:
            results += bench_history(root, small=12, large=24 if args.quick else 120, rounds=1 if args.quick else 5)
        if "attention" in only:
            results += bench_attention(root, BIN / "njbulletin", synthetic_files(24 if args.quick else 120),
                                       rounds=3 if args.quick else 15)
        if "scale" in only:
            results += bench_scale(root, months=6 if args.quick else 120)
        if "memory" in only:
            results += bench_memory(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    report = f"# Benchmark results\n\n{describe_machine()}\n\n{format_table(results)}\n"
    print(report)
    if not args.no_write and not args.quick:
        notes = RESULTS.read_text(encoding="utf-8").split("<!-- notes -->", 1)[1] if RESULTS.exists() and \
            "<!-- notes -->" in RESULTS.read_text(encoding="utf-8") else "\n"
        RESULTS.write_text(report + "\n<!-- notes -->" + notes, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
