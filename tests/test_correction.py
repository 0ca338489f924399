"""A correction reruns only what depends on it (issue 21), on real runs: a 13-month synthetic archive is run,
then month 2's raw file is replaced by a corrected bulletin and the archive is run again.

Expected: month 2's seven notebooks run, and of every later month (11 months) only the notebooks that read the
history (40-trends, 50-attention): 7 + 11 x 2 = 29 notebooks. Every other page, executed notebook and figure
stays byte for byte what it was, apart from the pages' navigation bars (they say how many items of the month
need attention, which the corrected history changes); months 3 to 13 show the corrected figure in their
trends, and the all-months exports hold it. The backfill (--jobs 2) and the correction leave no kernel log,
warning or standard-error text on any of the 105 pages (each of the 13 months' seven notebook pages and its
briefing, and the index).
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from njbulletin import config
from njbulletin.months import shift_month
from njbulletin.pipeline.model import now_iso
from njbulletin.synth import generate_bulletins

from seedtools import NOISE, visible_text

START, COUNT, SEED = "2023-12", 13, 21
MONTHS = [month for month, _, _ in generate_bulletins(COUNT, START, SEED)]
CORRECTED = MONTHS[1]  # month 2
HISTORY_NOTEBOOKS = ["40-trends", "50-attention"]
NOTEBOOKS = ["01-ingest", "02-validate", "10-booking-channels", "20-upload-completeness", "30-hospital-throughput",
             "40-trends", "50-attention"]


NAVIGATION_BAR = re.compile(rb"<!-- njbulletin:navigation -->.*?<!-- /njbulletin:navigation -->", re.DOTALL)


def without_navigation(path: Path) -> bytes:
    """A file's bytes, a page's less its navigation bar."""
    content = path.read_bytes()
    return NAVIGATION_BAR.sub(b"", content) if path.suffix == ".html" else content


def run(root: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "njbulletin", "run", "--jobs", "2", "--raw", str(root / "raw"),
               "--processed", str(root / "processed"), "--reports", str(root / "reports")]
    return subprocess.run(command, capture_output=True, text=True, timeout=1800)


def digests(folder: Path) -> dict[str, str]:
    """Every file's sha256, a page's taken less its navigation bar (which may change with another month)."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(without_navigation(path)).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    root = tmp_path_factory.mktemp("correction")
    (root / "raw").mkdir()
    for month, text, _ in generate_bulletins(COUNT, START, SEED):
        (root / "raw" / f"{month}.txt").write_text(text + "\n", encoding="utf-8")
    first = run(root)
    assert first.returncode == 0, first.stdout + first.stderr
    before = digests(root / "reports")
    _, text, expected = generate_bulletins(1, CORRECTED, SEED + 1000)[0]  # another valid bulletin for month 2
    (root / "raw" / f"{CORRECTED}.txt").write_text(text + "\n", encoding="utf-8")
    started = now_iso()
    second = run(root)
    return root, before, second, started, expected


def manifests(root: Path) -> dict[str, dict]:
    return {month: json.loads((root / "reports" / month / "manifest.json").read_text(encoding="utf-8"))
            for month in MONTHS}


def test_the_correction_runs_its_month_and_only_the_later_history_notebooks(corrected):
    root, _, second, started, _ = corrected
    assert second.returncode == 0, second.stdout + second.stderr
    executed = {(month, notebook["name"]) for month, manifest in manifests(root).items()
                for notebook in manifest["notebooks"] if notebook["start"] >= started}
    assert executed == {*((CORRECTED, name) for name in NOTEBOOKS),
                        *((month, name) for month in MONTHS[2:] for name in HISTORY_NOTEBOOKS)}
    assert len(executed) == 7 + 11 * len(HISTORY_NOTEBOOKS) == 29
    # the run says so, a plain line per month (its output is not a terminal)
    counts = dict(re.findall(r"^(\d{4}-\d{2}): ok, (\d+) notebooks? in ", second.stdout, re.MULTILINE))
    assert counts == {CORRECTED: "7", **dict.fromkeys(MONTHS[2:], "2")}, second.stdout
    assert f"{MONTHS[0]}: unchanged, skipped" in second.stdout
    assert "done: 12 months run, 1 unchanged, 0 failed" in second.stdout


def test_the_manifest_says_which_notebooks_ran_or_were_kept_and_why(corrected):
    root = corrected[0]
    records = {notebook["name"]: notebook for notebook in manifests(root)[MONTHS[5]]["notebooks"]}
    assert records["40-trends"]["kept"] is False
    assert records["40-trends"]["reason"] == f"raw file changed: {CORRECTED}.txt"
    assert records["40-trends"]["reads"] == "history" and len(records["40-trends"]["inputs"]) == 6
    assert records["50-attention"]["kept"] is False and records["50-attention"]["reads"] == "history"
    for name in NOTEBOOKS:
        if name in HISTORY_NOTEBOOKS:
            continue
        assert records[name]["kept"] is True and records[name]["reason"] == "unchanged", name
        assert list(records[name]["inputs"]) == [f"{MONTHS[5]}.txt"]
    month_2 = manifests(root)[CORRECTED]["notebooks"]
    assert {(notebook["kept"], notebook["reason"]) for notebook in month_2} == {(False, f"raw file changed: "
                                                                                         f"{CORRECTED}.txt")}


# What the attention notebook writes besides its page, and the month's data package that describes them.
ATTENTION_FILES = ("attention.json", "briefing.html", "data/attention.csv", "data/spc.csv", "data/datapackage.json")


def history_file(path: str) -> bool:
    """A file of a history notebook (its executed notebook, page, figures or exports)."""
    name = path.split("/")[-1]
    return (any(name.startswith(notebook[:3]) for notebook in HISTORY_NOTEBOOKS)  # 40-trends.html, 40-trend-*.png
            or path[8:] in ATTENTION_FILES)



def test_every_other_page_notebook_and_figure_is_byte_for_byte_the_same(corrected):
    root, before, _, _, _ = corrected
    after = digests(root / "reports")
    unchanged = [path for path in before if re.match(r"\d{4}-\d{2}/", path) and not path.startswith(CORRECTED)
                 and not path.endswith(("manifest.json", ".navigation"))
                 and not (path[:7] in MONTHS[2:] and history_file(path))]
    pages = [path for path in unchanged if path.endswith(".html")]
    assert len(pages) == 12 * 5 + 3  # every month's five month pages, and month 1's trends, attention list, briefing
    assert [path for path in unchanged if after.get(path) != before[path]] == []
    # what reran did change: month 2 whole, and each later month's trends page
    assert after[f"{CORRECTED}/10-booking-channels.html"] != before[f"{CORRECTED}/10-booking-channels.html"]
    assert all(after[f"{month}/40-trends.html"] != before[f"{month}/40-trends.html"] for month in MONTHS[2:])
    assert not (root / "reports" / ".staging").exists() and not (root / "processed" / ".staging").exists()


def test_the_parallel_backfill_and_its_correction_leave_no_noise_on_any_page(corrected):
    reports = corrected[0] / "reports"
    pages = sorted(reports.glob("20*/*.html")) + [reports / "index.html"]
    assert len(pages) == 13 * 8 + 1  # seven notebook pages and the briefing a month, and the index
    noisy = {page.relative_to(reports).as_posix(): [word for word in NOISE if word in visible_text(
        page.read_text(encoding="utf-8"))] for page in pages}
    assert {page: words for page, words in noisy.items() if words} == {}
    middle = (reports / MONTHS[6] / "10-booking-channels.html").read_text(encoding="utf-8")  # links its neighbours
    assert f'href="../{shift_month(MONTHS[6], -1)}/10-booking-channels.html"' in middle
    assert f'href="../{shift_month(MONTHS[6], 1)}/10-booking-channels.html"' in middle
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert index.count("<polyline") == 3  # bookings, third-party share and complete units charts


def test_the_later_trends_and_the_exports_show_the_corrected_figure(corrected):
    root, _, _, _, expected = corrected
    total = expected["booking_totals"]["total"]
    page = (root / "reports" / MONTHS[-1] / "40-trends.html").read_text(encoding="utf-8")
    assert f"{total:,}" in page
    summary = (root / "reports" / "data" / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    header = summary[0].split(",")
    row = next(line.split(",") for line in summary[1:] if line.startswith(CORRECTED))
    assert int(row[header.index("bookings_total")]) == total
    figures = json.loads((root / "processed" / "history" / "stamps" / f"{CORRECTED}.json").read_text(encoding="utf-8"))
    assert figures["code"] and figures["tables"]["bookings"]  # month 2's entry was written again, stamped


def test_the_notebooks_list_the_history_notebooks_this_test_expects():
    from njbulletin.pipeline.plan import describe_notebooks, discover_notebooks

    specs = describe_notebooks(discover_notebooks(config.NOTEBOOKS_DIR))
    assert [spec.name for spec in specs if spec.reads == "history"] == HISTORY_NOTEBOOKS


def test_pages_made_in_shared_reused_kernels_are_those_of_fresh_kernels(corrected):
    # The backfill ran every month's analyses in two kernels per process, shared by the four analyses and
    # reused month after month; the last month run alone (fresh kernels, one per notebook, into a reports
    # folder of its own) gives the same pages, less their navigation bar (that folder has no other month),
    # and the same figures.
    root = corrected[0]
    command = [sys.executable, "-m", "njbulletin", "run", MONTHS[-1], "--force", "--jobs", "1", "--raw",
               str(root / "raw"), "--processed", str(root / "processed"), "--reports", str(root / "alone")]
    alone = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    backfilled, fresh = root / "reports" / MONTHS[-1], root / "alone" / MONTHS[-1]
    for name in NOTEBOOKS:
        pages = [NAVIGATION_BAR.sub(b"", (folder / f"{name}.html").read_bytes()) for folder in (backfilled, fresh)]
        assert pages[0] == pages[1], name
    figures = sorted(path.name for path in (fresh / "figures").iterdir())
    assert len(figures) > 10 and figures == sorted(path.name for path in (backfilled / "figures").iterdir())
    assert all((fresh / "figures" / name).read_bytes() == (backfilled / "figures" / name).read_bytes()
               for name in figures)
