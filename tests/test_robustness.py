"""Robustness of `njbulletin run` (issue 8, items 2-5): runs killed with SIGKILL, two runs at once,
unit names carrying markup, and rejected months, file names and oversized inputs.

One workspace is shared by the module (each real run takes 15-25 s): its raw folder holds the seed
relabelled as 2024-10 (the earlier month), a hostile 2024-11 (the seed with two unit names replaced by
markup in both the bookings and the uploads tables) and files that are not bulletins. 2024-10 is run
once; then runs of 2024-11 are killed at several points (the whole process group, kernels included,
as a crash or the OOM killer would), each time checking that 2024-10's parquet partitions, reports and
the index are byte for byte what they were and still readable; then two runs start at once over the
same folders, and a third waits for the lock.

Expected figures come from the bulletin text: the bookings' 合计 is 276195 (259989 third party), the
first hospital's 小计 267330; 南京市第一医院 books 1416 (小计) and 南京市儿童医院 1263 in the seed, and in
the uploads 南京市第一医院 has 6575131 scheduled records, 南京市儿童医院 246993 outpatient visits.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import polars as pl
import psutil
import pytest

from njbulletin import config, storage
from njbulletin.commands.main import main
from njbulletin.context import MonthContext
from njbulletin.errors import EXIT_BUSY, EXIT_OK, EXIT_UNREADABLE, UsageError
from njbulletin.layout import find_raw_months
from njbulletin.reading.parser import parse_text

from conftest import Workspace, seed_month_text
from fswatch import any_matching
from seedtools import SEED_PATH, month_status, seed_text

EARLIER, HOSTILE = "2024-10", "2024-11"
SCRIPT_NAME = "南京<script>alert(1)</script>医院"
IMG_NAME = '"><img src=x onerror=alert(1)>'
# The parser joins the pieces of a name that a PDF's text layer split with spaces, so the second
# name is kept (and shown) without its spaces; nothing else of it changes.
IMG_NAME_KEPT = IMG_NAME.replace(" ", "")
TABLES = ["booking_platforms", "bookings", "declared_totals", "hotline", "quality_flags", "uploads"]
HISTORY_DATASETS = ["completeness", "indicator_values", "key_figures", "standing_flags", "units"]
JUNK_FILES = ["notes.txt", "2024-13.txt", "2024-11.txt.bak", "2024-9.txt"]
OVERSIZED = "2024-09.txt"  # named like a bulletin, but over the input size limit
NOT_A_BULLETIN_NAME = "not named YYYY-MM.txt or YYYY-MM.pdf (MM from 01 to 12)"


# ----------------------------------------------------------------------------- building the workspace


def replace_line_start(text: str, old: str, new: str) -> str:
    """Replace `old` where it starts a line; it must start exactly one line."""
    pattern = re.compile("^" + re.escape(old), re.MULTILINE)
    assert len(pattern.findall(text)) == 1, old
    return pattern.sub(lambda _: new, text)


def hostile_text() -> str:
    """The seed with 南京市第一医院 and 南京市儿童医院 renamed to markup in the bookings and the uploads."""
    text = seed_text()
    text = replace_line_start(text, "2 南京市第一医院 935 ", f"2 {SCRIPT_NAME} 935 ")
    text = replace_line_start(text, "南京市第一医院 6575131 ", f"{SCRIPT_NAME} 6575131 ")
    text = replace_line_start(text, "3 南京市儿童医院 1034 ", f"3 {IMG_NAME} 1034 ")
    return replace_line_start(text, "南京市儿童医院 10901367 ", f"{IMG_NAME} 10901367 ")


def run_command_line(workspace: Workspace, *months: str) -> list[str]:
    return [sys.executable, "-m", "njbulletin", "run", *months, "--raw", str(workspace.raw),
            "--processed", str(workspace.processed), "--reports", str(workspace.reports), "--jobs", "1"]


def start_run(workspace: Workspace, *months: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(run_command_line(workspace, *months), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env={**os.environ, **(env or {})})


def kill_tree(pid: int) -> None:
    """SIGKILL a run and every process under it (its kernels run in sessions of their own), all at once,
    as a crash, a power cut or the OOM killer would end them; wait until every one is gone."""
    try:
        run = psutil.Process(pid)
        processes = [run, *run.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        try:
            process.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(processes[1:], timeout=30)


def kill_when(process: subprocess.Popen, condition, timeout: float = 240) -> bool:
    """Kill the run as soon as `condition()` holds; False if the run ended before that."""
    deadline = time.monotonic() + timeout
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if condition():
                kill_tree(process.pid)
                process.wait(timeout=30)
                return True
            time.sleep(0.002)
        return False
    finally:
        if process.poll() is None:
            kill_tree(process.pid)
        process.communicate(timeout=30)


NAVIGATION_BAR = re.compile(rb"<!-- njbulletin:navigation -->.*?<!-- /njbulletin:navigation -->", re.DOTALL)


def file_digests(*roots: Path, without_navigation: bool = False) -> dict[str, str]:
    """sha256 of every file under the roots; with `without_navigation`, the report pages' bars (which link
    the months around a page, so a later month's successful run rewrites them) and the `.navigation`
    record of what they show are left out: everything else must stay byte for byte."""
    digests = {}
    for root in roots:
        for path in sorted(root.rglob("*") if root.is_dir() else [root]):
            if not path.is_file() or (without_navigation and path.name == ".navigation"):
                continue
            data = path.read_bytes()
            if without_navigation and path.suffix == ".html":
                data = NAVIGATION_BAR.sub(b"", data)
            digests[str(path)] = hashlib.sha256(data).hexdigest()
    return digests


def earlier_month_files(workspace: Workspace) -> dict[str, str]:
    """The earlier month's partitions, its entry in the history store and its reports."""
    partitions = [storage.partition_path(workspace.processed, table, EARLIER).parent for table in TABLES]
    history = [workspace.processed / "history" / dataset / f"month={EARLIER}" for dataset in HISTORY_DATASETS]
    stamp = workspace.processed / "history" / "stamps" / f"{EARLIER}.json"
    return file_digests(*partitions, *history, stamp, workspace.reports / EARLIER, without_navigation=True)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Workspace:
    root = tmp_path_factory.mktemp("robust")
    workspace = Workspace(root, root / "raw", root / "processed", root / "reports")
    workspace.raw.mkdir()
    (workspace.raw / f"{EARLIER}.txt").write_text(seed_month_text(EARLIER), encoding="utf-8")
    (workspace.raw / f"{HOSTILE}.txt").write_text(hostile_text(), encoding="utf-8")
    for name in JUNK_FILES:
        (workspace.raw / name).write_text("not a bulletin\n", encoding="utf-8")
    (workspace.raw / "2024-12.txt").mkdir()  # a folder with a bulletin's name is not a bulletin
    with open(workspace.raw / OVERSIZED, "wb") as handle:
        handle.write(seed_month_text("2024-09").encode("utf-8"))
        handle.truncate(config.MAX_INPUT_BYTES + 1)  # sparse: no 20 MB written to disk
    return workspace


@pytest.fixture(scope="module")
def earlier_run(workspace):
    """The earlier month run once, completely; its files' digests are the reference for every check."""
    result = subprocess.run(run_command_line(workspace, EARLIER), capture_output=True, text=True, timeout=600)
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    return result, earlier_month_files(workspace), (workspace.reports / "index.html").read_bytes()


# ----------------------------------------------------------------------------- what "intact" means


def assert_every_dataset_reads(workspace: Workspace) -> None:
    """No partial file inside a dataset: every table scans across its months."""
    for table in TABLES:
        frame = storage.scan_table(workspace.processed, table).collect()
        assert EARLIER in frame["month"].to_list(), table
    bookings = storage.read_month_table(workspace.processed, "bookings", EARLIER)
    assert bookings["count"].sum() == 276195
    assert bookings.filter(pl.col("channel") == "third_party")["count"].sum() == 259989


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def parse_html(path: Path) -> TagCollector:
    document = path.read_text(encoding="utf-8")
    assert document.rstrip().endswith("</html>"), f"{path} is cut short"
    collector = TagCollector()
    collector.feed(document)
    collector.close()
    return collector


def assert_reports_intact(workspace: Workspace, month: str) -> None:
    folder = workspace.reports / month
    notebooks = sorted(path for path in folder.glob("*.ipynb") if not path.name.startswith("."))
    assert len(notebooks) == 7
    for notebook in notebooks:
        nbformat.validate(nbformat.read(notebook, as_version=4))
        parse_html(notebook.with_suffix(".html"))
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["status"] == "ok"
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["bookings_total"] == 276195


def assert_index_lists_earlier_month(workspace: Workspace) -> None:
    index = parse_html(workspace.reports / "index.html")
    assert any(attrs.get("href") == f"{EARLIER}/10-booking-channels.html" for tag, attrs in index.tags if tag == "a")
    assert month_status((workspace.reports / "index.html").read_text(encoding="utf-8"), EARLIER) == \
        '<td class="ok">完成</td>'


def assert_earlier_month_untouched(workspace: Workspace, earlier_run) -> None:
    _, digests, _ = earlier_run
    assert earlier_month_files(workspace) == digests
    assert_every_dataset_reads(workspace)
    assert_reports_intact(workspace, EARLIER)
    assert_index_lists_earlier_month(workspace)


# ----------------------------------------------------------------------------- interrupted runs


# The conditions below watch folders that the run creates, renames and removes while they look: they list
# them with fswatch, which takes a folder that vanished mid-scan as empty (Path.glob would raise).


def hostile_partition_or_staging(workspace: Workspace):
    partition = storage.partition_path(workspace.processed, "bookings", HOSTILE)
    return lambda: any_matching(workspace.processed, f"{storage.STAGING_DIRNAME}/*/*") or partition.exists()


def staged(workspace: Workspace, pattern: str):
    """Files of the month that this run is writing: in its staging folder until the month is swapped in."""
    return lambda: any_matching(workspace.reports, f".staging/*/{HOSTILE}/{pattern}")


def analysis_running(workspace: Workspace):
    return staged(workspace, "02-validate.html")


def analysis_html_written(workspace: Workspace):
    return staged(workspace, "[1-9]0-*.html")


def month_outputs_written(workspace: Workspace):
    return staged(workspace, "summary.json")


KILL_POINTS = {  # in the order a run reaches them
    "ingest writing parquet": hostile_partition_or_staging,
    "analysis notebooks executing": analysis_running,
    "HTML rendering": analysis_html_written,
    "summary, CSV, manifest and index writing": month_outputs_written,
}


@pytest.fixture(scope="module")
def interrupted(workspace, earlier_run):
    """Runs of the hostile month, each killed at the next point; the earlier month checked after each."""
    killed = {}
    for point, make_condition in KILL_POINTS.items():
        process = start_run(workspace, HOSTILE)
        killed[point] = kill_when(process, make_condition(workspace))
        assert process.returncode == -signal.SIGKILL or not killed[point], (point, process.returncode)
        assert_earlier_month_untouched(workspace, earlier_run)
    return killed


def test_the_earlier_month_runs_and_junk_in_raw_is_reported_and_skipped(earlier_run, workspace):
    result, _, _ = earlier_run
    for name in JUNK_FILES:
        assert f"warning: {workspace.raw / name}: {NOT_A_BULLETIN_NAME}; skipped" in result.stderr.splitlines()
    assert (f"warning: {workspace.raw / OVERSIZED}: file is {config.MAX_INPUT_BYTES + 1} bytes, over the "
            f"{config.MAX_INPUT_BYTES}-byte input limit; skipped") in result.stderr.splitlines()
    assert "2024-12.txt" not in result.stderr  # a folder is not reported
    assert "Traceback" not in result.stderr
    assert "done: 1 months run, 0 unchanged, 0 failed" in result.stdout
    assert_reports_intact(workspace, EARLIER)


def test_find_raw_months_lists_only_real_months(workspace):
    skipped: list[tuple[Path, str]] = []
    assert find_raw_months(workspace.raw, skipped) == {EARLIER: workspace.raw / f"{EARLIER}.txt",
                                                       HOSTILE: workspace.raw / f"{HOSTILE}.txt"}
    reasons = {path.name: reason for path, reason in skipped}
    assert reasons == {**dict.fromkeys(JUNK_FILES, NOT_A_BULLETIN_NAME),
                       OVERSIZED: f"file is {config.MAX_INPUT_BYTES + 1} bytes, over the "
                                  f"{config.MAX_INPUT_BYTES}-byte input limit"}


def never_read(monkeypatch, *names: str) -> None:
    """Make reading these files' content fail the test: what is refused on its size alone is never read (a
    check that holds however fast the machine is, where timing the refusal would not)."""
    read_bytes = Path.read_bytes

    def guarded(path: Path) -> bytes:
        if path.name in names:
            raise AssertionError(f"{path} was read")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", guarded)


def test_an_oversized_month_asked_for_is_refused_at_once(workspace, capsys, monkeypatch):
    never_read(monkeypatch, OVERSIZED)
    monkeypatch.setattr("njbulletin.pipeline.fingerprints.sha256_file", lambda path: pytest.fail(f"{path} was hashed"))
    status = main(["run", "2024-09", "--raw", str(workspace.raw), "--processed", str(workspace.processed),
                   "--reports", str(workspace.reports)])
    assert status == EXIT_UNREADABLE  # at once: before any raw file was hashed or read
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == ("error: no bulletin for 2024-09 in the raw folder (expected YYYY-MM.txt or .pdf)")
    assert (f"warning: {workspace.raw / OVERSIZED}: file is {config.MAX_INPUT_BYTES + 1} bytes, over the "
            f"{config.MAX_INPUT_BYTES}-byte input limit; skipped") in err


def test_a_run_killed_at_each_point_leaves_the_earlier_month_intact(interrupted):
    # Each kill point is reached before the run ends (a run that ended first would test nothing).
    assert interrupted == dict.fromkeys(KILL_POINTS, True)


def test_a_killed_run_leaves_no_partial_file_in_the_datasets(interrupted, workspace):
    partitions = [*workspace.processed.glob("*/month=*/*"), *workspace.processed.glob("history/*/month=*/*")]
    assert len(partitions) >= len(TABLES) + len(HISTORY_DATASETS)  # at least the earlier month's
    for path in partitions:
        assert path.name == storage.PARTITION_FILENAME, path
        pl.read_parquet(path)


@pytest.fixture(scope="module")
def concurrent_runs(workspace, interrupted):
    """Two runs of the hostile month at once, then a third that waits for the lock (up to 5 minutes)."""
    first, second = start_run(workspace, HOSTILE), start_run(workspace, HOSTILE)
    deadline = time.monotonic() + 120
    while first.poll() is None and second.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    waiting = start_run(workspace, HOSTILE, env={"NJBULLETIN_LOCK_TIMEOUT": "300"})
    results = []
    for process in (first, second, waiting):
        stdout, stderr = process.communicate(timeout=600)
        results.append((process.returncode, stdout, stderr))
    return results


def test_two_runs_at_once_one_runs_the_other_stops_with_exit_3(concurrent_runs, workspace):
    (code_a, out_a, err_a), (code_b, out_b, err_b), _ = concurrent_runs
    assert sorted([code_a, code_b]) == [EXIT_OK, EXIT_BUSY], (err_a, err_b)
    winner_out, loser_err = (out_a, err_b) if code_a == EXIT_OK else (out_b, err_a)
    assert f"{HOSTILE}: ok, 7 notebooks in" in winner_out
    lock = (workspace.reports / ".njbulletin.lock").resolve()
    errors = [line for line in loser_err.splitlines() if not line.startswith("warning: ")]
    assert errors == [f"error: {workspace.reports.resolve()}: another njbulletin run is writing these reports "
                      f"(lock {lock}); run again when it has finished"]


def test_a_run_that_waits_for_the_lock_finds_the_month_done(concurrent_runs):
    _, _, (code, stdout, stderr) = concurrent_runs
    assert code == EXIT_OK, stderr
    assert "Traceback" not in stderr
    # Unchanged since the winner's run (unless the code was edited meanwhile; then it ran it again).
    assert (f"{HOSTILE}: unchanged, skipped" in stdout) or (f"{HOSTILE}: ok, 7 notebooks in" in stdout)


def test_after_kills_and_concurrent_runs_every_output_is_whole(concurrent_runs, workspace, earlier_run):
    assert_earlier_month_untouched(workspace, earlier_run)
    assert_reports_intact(workspace, HOSTILE)
    for table in TABLES:
        frame = storage.scan_table(workspace.processed, table).collect()
        assert sorted(set(frame["month"].to_list())) == [EARLIER, HOSTILE], table
    bookings = storage.read_month_table(workspace.processed, "bookings", HOSTILE)
    assert bookings["count"].sum() == 276195
    index = (workspace.reports / "index.html").read_text(encoding="utf-8")
    assert month_status(index, HOSTILE) == '<td class="ok">完成</td>'
    # The earlier month's pages now link the month after them (only their navigation bar changed).
    earlier_page = (workspace.reports / EARLIER / "10-booking-channels.html").read_text(encoding="utf-8")
    assert f'href="../{HOSTILE}/10-booking-channels.html"' in earlier_page
    # A run killed while staging leaves its staged files in PROCESSED/.staging, outside every dataset:
    # no scan or read ever sees them (checked above: each table holds exactly the two months).
    assert storage.processed_months(workspace.processed) == [EARLIER, HOSTILE]


def test_a_forced_rerun_killed_midway_leaves_the_month_s_reports_as_they_were(concurrent_runs, workspace):
    # Killed while the analyses run (this run's 02-validate has been staged): every file of the month's
    # folder is the previous run's, byte for byte, and readable; the next run completes the month.
    folder = workspace.reports / HOSTILE
    before = file_digests(folder)
    assert len([name for name in before if name.endswith(".ipynb")]) == 7
    process = subprocess.Popen([*run_command_line(workspace, HOSTILE), "--force"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert kill_when(process, staged(workspace, "02-validate.ipynb"))
    assert file_digests(folder) == before
    for name in folder.glob("*.ipynb"):
        nbformat.validate(nbformat.read(name, as_version=4))
    assert_reports_intact(workspace, HOSTILE)
    rerun = subprocess.run(run_command_line(workspace, HOSTILE), capture_output=True, text=True, timeout=240)
    assert rerun.returncode == 0, rerun.stderr
    assert not list(workspace.reports.glob(".staging/*")) and not list(folder.glob(".*.running.ipynb"))
    assert_reports_intact(workspace, HOSTILE)
    for name in before:  # the executed notebook's metadata names its own path, not the staging folder's
        if name.endswith(".ipynb"):
            metadata = json.loads(Path(name).read_text(encoding="utf-8"))["metadata"]["papermill"]
            assert metadata["output_path"] == name
            assert metadata["parameters"]["reports_dir"] == str(workspace.reports.resolve())


# ----------------------------------------------------------------------------- hostile unit names


def test_the_markup_names_are_kept_in_the_processed_tables(concurrent_runs, workspace):
    bookings = storage.read_month_table(workspace.processed, "bookings", HOSTILE)
    subtotal = lambda name: bookings.filter(pl.col("hospital") == name)["count"].sum()  # noqa: E731
    assert subtotal(SCRIPT_NAME) == 935 + 111 + 0 + 370 == 1416
    assert subtotal(IMG_NAME_KEPT) == 1034 + 229 + 0 + 0 == 1263
    uploads = storage.read_month_table(workspace.processed, "uploads", HOSTILE)
    unit = lambda name: uploads.filter(pl.col("unit") == name).row(0, named=True)  # noqa: E731
    assert unit(SCRIPT_NAME)["scheduled_records"] == 6575131
    assert unit(IMG_NAME_KEPT)["outpatient_visits"] == 246993


def assert_no_live_markup(path: Path) -> None:
    """No element or attribute that the names could have brought in, and the raw names nowhere."""
    document = path.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in document and "<img src=x" not in document, path
    assert "<imgsrc=x" not in document, path
    collector = parse_html(path)
    assert not [attrs for _, attrs in collector.tags if "onerror" in attrs], path
    assert not [tag for tag, _ in collector.tags if tag in ("imgsrc=xonerror=alert(1)",)], path
    assert not [script for script in collector.scripts if "alert(1)" in script], path


ESCAPED_SCRIPT = html.escape(SCRIPT_NAME, quote=False)  # 南京&lt;script&gt;alert(1)&lt;/script&gt;医院
ESCAPED_IMG = html.escape(IMG_NAME_KEPT, quote=False)[1:]  # &gt;&lt;imgsrc=...; the quote may be " or &quot;
# Reports that list hospitals by name: both names must be shown (escaped) there.
# (40-trends lists them too: both names appear in 2024-11, the month after the seed's 2024-10.)
REPORTS_WITH_UNITS = ["02-validate", "10-booking-channels", "20-upload-completeness", "30-hospital-throughput",
                      "40-trends"]


def test_every_html_report_and_the_index_show_the_names_escaped(concurrent_runs, workspace):
    folder = workspace.reports / HOSTILE
    pages = sorted(path for path in folder.glob("*.html") if not path.name.startswith(".")) + [
        workspace.reports / "index.html"]
    assert len(pages) == 9  # seven notebook pages, the briefing and the index
    for page in pages:
        assert_no_live_markup(page)
    for name in REPORTS_WITH_UNITS:
        document = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert ESCAPED_SCRIPT in document, name
        assert ESCAPED_IMG in document, name
        text = html.unescape(document)  # what a reader sees: the names whole, as printed
        assert SCRIPT_NAME in text and IMG_NAME_KEPT in text, name


def test_the_figures_svg_carry_the_names_escaped(concurrent_runs, workspace):
    # A run killed while saving a figure leaves a hidden temporary file (.10-hotline-xxxx.svg) beside the
    # figures; the figures themselves are the visible files, each renamed into place whole.
    figures = sorted(path for path in (workspace.reports / HOSTILE / "figures").glob("*.svg")
                     if not path.name.startswith("."))
    assert len(figures) >= 15
    found_script, found_img = [], []
    for figure in figures:
        document = figure.read_text(encoding="utf-8")
        tree = ET.fromstring(document.encode("utf-8"))  # well-formed XML: no tag was injected
        tags = {element.tag.rsplit("}", 1)[-1] for element in tree.iter()}
        assert not tags & {"script", "img", "foreignObject"}, figure
        assert not any("onerror" in element.attrib for element in tree.iter()), figure
        assert "<script>" not in document and "<imgsrc" not in document, figure
        if ESCAPED_SCRIPT in document:
            found_script.append(figure.stem)
        if ESCAPED_IMG in document:
            found_img.append(figure.stem)
    # Bookings by hospital (channel mix) and upload completeness by hospital name both units (the hospitals'
    # heatmap is drawn in parts, 20-completeness-hospitals, -2 and -3: the unit's part, wherever it ranks).
    for stem in ("10-channel-mix", "20-completeness-hospitals"):
        assert any(re.sub(r"-\d+$", "", found) == stem for found in found_script), (found_script, found_img)
        assert any(re.sub(r"-\d+$", "", found) == stem for found in found_img), (found_script, found_img)


# ----------------------------------------------------------------------------- months, paths, sizes


@pytest.mark.parametrize("month", ["../x", "2024-13", "2024-1", ""])
def test_a_bad_month_is_rejected_with_one_clear_line(month, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "2024-11.txt").write_bytes(SEED_PATH.read_bytes())
    reports = tmp_path / "reports"
    status = main(["run", month, "--raw", str(raw), "--processed", str(tmp_path / "processed"),
                   "--reports", str(reports)])
    assert status == EXIT_UNREADABLE
    assert capsys.readouterr().err == f"error: invalid month {month!r}: expected YYYY-MM with MM from 01 to 12\n"
    assert not reports.exists() and not (tmp_path / "processed").exists()  # nothing was written
    with pytest.raises(UsageError, match="invalid month"):
        MonthContext.from_parameters(month=month, raw_dir=raw, processed_dir=tmp_path, reports_dir=tmp_path)
    assert main(["synth", "--months", "1", "--out", str(tmp_path / "synth"), "--start", month]) == EXIT_UNREADABLE
    assert not (tmp_path / "synth").exists()


def test_an_input_over_the_default_limit_is_refused_before_it_is_read(tmp_path, capsys, monkeypatch):
    assert config.MAX_INPUT_BYTES == 20 * 1024 * 1024 or "NJBULLETIN_MAX_INPUT_BYTES" in os.environ
    never_read(monkeypatch, "2024-11.txt", "2024-12.pdf")
    for name, head in (("2024-11.txt", SEED_PATH.read_text(encoding="utf-8")[:4096].encode("utf-8")),
                       ("2024-12.pdf", b"%PDF-1.4\n")):
        big = tmp_path / name
        with open(big, "wb") as handle:
            handle.write(head)
            handle.truncate(config.MAX_INPUT_BYTES + 1)  # sparse: no 20 MB written to disk
        status = main(["ingest", str(big), "--processed", str(tmp_path / "processed")])
        assert status == EXIT_UNREADABLE
        err = capsys.readouterr().err
        assert f"file is {config.MAX_INPUT_BYTES + 1} bytes, over the {config.MAX_INPUT_BYTES}-byte input limit" in err
        assert err.startswith(f"error: {big}") and err.count("\n") == 1, err
    assert not list((tmp_path / "processed").glob("*/month=*/*.parquet"))


def test_the_limit_is_configurable(tmp_path):
    env = {**os.environ, "NJBULLETIN_MAX_INPUT_BYTES": "4096"}
    result = subprocess.run([sys.executable, "-m", "njbulletin", "ingest", str(SEED_PATH), "--processed",
                             str(tmp_path / "processed")], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == EXIT_UNREADABLE
    assert f"file is {SEED_PATH.stat().st_size} bytes, over the 4096-byte input limit" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "processed" / "bookings").exists()


# ----------------------------------------------------------------------------- leftovers of killed runs


def make_old(path: Path, seconds: float = 3600) -> Path:
    """Create the file (or keep the folder) and date it `seconds` ago."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))
    return path


def test_staging_folders_of_killed_writers_are_removed_once_old(tmp_path):
    staging = tmp_path / "processed" / storage.STAGING_DIRNAME
    make_old(staging / "2024-10-dead-abc" / "bookings.parquet")
    make_old(staging / "2024-10-dead-abc")
    (staging / "2024-10-live-def").mkdir()  # a writer at work right now: young, kept
    storage.write_month_tables(parse_text(seed_text()).tables, tmp_path / "processed", "2024-11")
    assert sorted(path.name for path in staging.iterdir()) == ["2024-10-live-def"]
    assert storage.read_month_table(tmp_path / "processed", "bookings", "2024-11")["count"].sum() == 276195


def test_a_run_removes_old_leftovers_from_the_reports_folder_and_keeps_young_ones(tmp_path):
    from njbulletin.pipeline.run import remove_run_leftovers

    month = tmp_path / "reports" / "2024-11"
    old = [make_old(tmp_path / "reports" / ".index.html.x1.tmp"), make_old(month / ".summary.json.x2.tmp"),
           make_old(month / ".10-booking-channels.running.ipynb"),
           make_old(month / "figures" / ".10-channels.png.x3.tmp"), make_old(month / "data" / ".bookings.csv.x4.tmp")]
    kept = [make_old(month / "figures" / ".20-days.png.x5.tmp", seconds=5),  # being written right now
            make_old(month / "10-booking-channels.ipynb"), make_old(month / "figures" / "10-channels.png"),
            make_old(month / "manifest.json")]
    assert sorted(remove_run_leftovers(tmp_path / "reports")) == sorted(old)
    assert all(path.exists() for path in kept) and not any(path.exists() for path in old)


def test_a_run_puts_back_a_month_left_mid_swap_and_removes_staging_folders(tmp_path):
    from njbulletin.pipeline.run import remove_run_leftovers

    reports = tmp_path / "reports"
    # killed between the swap's two renames: 2024-10's previous folder waits in staging, none is visible
    retired = reports / ".staging" / "2024-10-a1b2c3" / "previous"
    (retired / "figures").mkdir(parents=True)
    (retired / "manifest.json").write_text('{"status": "ok"}', encoding="utf-8")
    # killed while staging 2024-11, a month that is visible and must stay as it is
    (reports / "2024-11").mkdir()
    (reports / "2024-11" / "summary.json").write_text('{"bookings_total": 276195}', encoding="utf-8")
    half = reports / ".staging" / "2024-11-d4e5f6" / "2024-11"
    half.mkdir(parents=True)
    (half / "summary.json").write_text("{", encoding="utf-8")  # seconds old: no live writer holds the lock
    remove_run_leftovers(reports)
    assert (reports / "2024-10" / "manifest.json").read_text(encoding="utf-8") == '{"status": "ok"}'
    assert (reports / "2024-10" / "figures").is_dir()
    assert (reports / "2024-11" / "summary.json").read_text(encoding="utf-8") == '{"bookings_total": 276195}'
    assert list((reports / ".staging").iterdir()) == []
