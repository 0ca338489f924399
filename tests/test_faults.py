"""Faults the machine causes lose nothing (issue 14, item 6).

A month that was run once is run again with --force while a fault is injected at one write stage at a
time: ENOSPC (a full disk) and EIO (an I/O error), raised where the write happens.
  - in a kernel: the first stage (where 01-ingest writes parquet) and the analyses (where figures are
    written), through a notebook cell that raises the error as the failing write would;
  - in the pipeline: papermill saving an executed notebook, an HTML page, summary.json, a month CSV,
    manifest.json, the swap of the month's folder into place; and, after the month, the index and the
    all-months CSVs.
Each time, the month's folder must be byte for byte what the first run left, the run must say so in one
line on stderr, with no traceback, and exit 1. A notebook that fails on its own (a bug) still replaces the
month, its failed notebook visible. Where the machine allows it (root on Linux), one more test fills a
real 24 MB tmpfs and runs the real notebooks on it.

The notebooks here are small stand-ins for the real ones (a kernel each, no polars): 01-stage writes nothing
(the month's tables are stored by the fixture, from the seed), 10-chart and 20-chart each write a figure
where the real notebooks do (REPORTS/YYYY-MM/figures). The real notebooks run in the tmpfs test.
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from njbulletin import atomic
from njbulletin.commands.main import main
from njbulletin.ingest import read_bulletin, tables_to_write
from njbulletin.storage import write_month_tables
from njbulletin.validate.checks import validate_bulletin

from conftest import make_workspace
from seedtools import SEED_PATH

MONTH = "2024-11"
PARAMETERS = ('month = "2024-11"\nraw_dir = None\nprocessed_dir = None\nreports_dir = None\nlang = "zh"\n'
              "allow_errors = False")
FAULT_IN_KERNEL = """import errno, os
from pathlib import Path
figures = Path(reports_dir) / month / "figures"
figures.mkdir(parents=True, exist_ok=True)
if os.environ.get("FAULT_STAGE") == {stage!r}:
    code = int(os.environ["FAULT_ERRNO"])
    raise OSError(code, os.strerror(code), str(figures / {name!r}))
if os.environ.get("FAULT_STAGE") == "bug" and {name!r} == "10-chart.svg":
    raise ValueError("a bug in the notebook")
(figures / {name!r}).write_text("<svg><!-- " + month + " " + os.environ.get("RUN_LABEL", "") + " --></svg>")
print("written", {name!r})"""
ERRNOS = {"ENOSPC": (errno.ENOSPC, "no space left on device"), "EIO": (errno.EIO, "input/output error")}


def write_notebook(path: Path, cells: list[str]) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell(PARAMETERS)
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, *(nbformat.v4.new_code_cell(source) for source in cells)]
    nbformat.write(notebook, path)


def small_notebooks(folder: Path) -> Path:
    folder.mkdir()
    write_notebook(folder / "01-stage.ipynb", [FAULT_IN_KERNEL.format(stage="first stage", name="01-stage.svg")])
    write_notebook(folder / "10-chart.ipynb", [FAULT_IN_KERNEL.format(stage="analysis", name="10-chart.svg")])
    write_notebook(folder / "20-chart.ipynb", [FAULT_IN_KERNEL.format(stage="analysis", name="20-chart.svg")])
    return folder


def digests(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


class Run:
    """`njbulletin run` over one workspace, in this process (so that faults can be injected)."""

    def __init__(self, root: Path, notebooks: Path) -> None:
        self.root, self.notebooks = root, notebooks
        self.raw, self.processed, self.reports = root / "raw", root / "processed", root / "reports"

    def __call__(self, capsys, *options: str) -> tuple[int, list[str], str]:
        capsys.readouterr()
        status = main(["run", MONTH, "--jobs", "1", "--raw", str(self.raw), "--processed", str(self.processed),
                       "--reports", str(self.reports), "--notebooks", str(self.notebooks), *options])
        captured = capsys.readouterr()
        return status, captured.err.splitlines(), captured.out

    @property
    def month_dir(self) -> Path:
        return self.reports / MONTH


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """A workspace whose month ran once, completely; each test works on a copy."""
    root = tmp_path_factory.mktemp("faults") / "w"
    workspace = make_workspace(root)
    bulletin = read_bulletin(workspace.raw / f"{MONTH}.txt")
    write_month_tables(tables_to_write(bulletin, validate_bulletin(bulletin)), workspace.processed, MONTH)
    notebooks = small_notebooks(root.parent / "notebooks")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("RUN_LABEL", "first")
        status = main(["run", MONTH, "--jobs", "1", "--raw", str(workspace.raw), "--processed",
                       str(workspace.processed), "--reports", str(workspace.reports), "--notebooks", str(notebooks)])
    assert status == 0
    return root, notebooks


@pytest.fixture
def run(first_run, tmp_path, monkeypatch):
    root, notebooks = first_run
    shutil.copytree(root, tmp_path / "w")
    monkeypatch.setenv("RUN_LABEL", "second")
    return Run(tmp_path / "w", notebooks)


def test_the_first_run_wrote_every_kind_of_output(run):
    files = set(digests(run.month_dir))
    assert {"01-stage.ipynb", "01-stage.html", "10-chart.ipynb", "10-chart.html", "20-chart.ipynb", "20-chart.html",
            "summary.json", "manifest.json", "figures/01-stage.svg", "figures/10-chart.svg",
            "figures/20-chart.svg", "data/bookings.csv", "data/uploads.csv"} <= files
    assert "first" in (run.month_dir / "figures" / "10-chart.svg").read_text(encoding="utf-8")


def test_an_unfaulted_forced_run_replaces_the_month_whole(run, monkeypatch, capsys):
    before = digests(run.month_dir)
    status, err, _ = run(capsys, "--force")
    assert (status, err) == (0, [])
    assert "second" in (run.month_dir / "figures" / "10-chart.svg").read_text(encoding="utf-8")
    assert digests(run.month_dir) != before and set(digests(run.month_dir)) == set(before)
    assert not (run.reports / ".staging").exists()


def fail_writes(monkeypatch, code: int, matches) -> list[Path]:
    """Make every atomic write whose target satisfies `matches` raise OSError(code); returns the targets hit."""
    hit: list[Path] = []
    original = atomic.atomic_path

    def failing(target):
        if matches(Path(target)):
            hit.append(Path(target))
            raise OSError(code, os.strerror(code), str(target))
        return original(target)

    monkeypatch.setattr(atomic, "atomic_path", failing)
    return hit


def in_staged_month(path: Path) -> bool:
    return ".staging" in path.parts and MONTH in path.parts


def fail_in_kernel(monkeypatch, stage: str, code: int) -> None:
    """The small notebooks of `stage` raise OSError(code) where they write (their kernels read the variables)."""
    monkeypatch.setenv("FAULT_STAGE", stage)
    monkeypatch.setenv("FAULT_ERRNO", str(code))


MONTH_WRITE_STAGES = {  # stage -> how the fault is injected, given monkeypatch and errno
    "first stage (kernel)": lambda mp, code: fail_in_kernel(mp, "first stage", code),
    "analysis figure (kernel)": lambda mp, code: fail_in_kernel(mp, "analysis", code),
    "executed notebook": lambda mp, code: fail_papermill_save(mp, code),
    "HTML page": lambda mp, code: fail_writes(mp, code, lambda p: in_staged_month(p) and p.suffix == ".html"),
    "summary.json": lambda mp, code: fail_writes(mp, code, lambda p: in_staged_month(p) and p.name == "summary.json"),
    "month CSV": lambda mp, code: fail_writes(mp, code, lambda p: in_staged_month(p) and p.name == "uploads.csv"),
    "manifest.json": lambda mp, code: fail_writes(mp, code, lambda p: in_staged_month(p) and p.name == "manifest.json"),
    "swap into place": lambda mp, code: fail_swap(mp, code),
}


def fail_papermill_save(monkeypatch, code: int) -> None:
    import papermill.execute

    original = papermill.execute.write_ipynb

    def failing(notebook, path, *args, **kwargs):
        if str(path).endswith("10-chart.ipynb"):
            raise OSError(code, os.strerror(code), str(path))
        return original(notebook, path, *args, **kwargs)

    monkeypatch.setattr(papermill.execute, "write_ipynb", failing)


def fail_swap(monkeypatch, code: int) -> None:
    """The staged folder's rename into place fails (after the previous folder was moved aside)."""
    original = os.rename

    def failing(source, target, *args, **kwargs):
        if Path(source).name == MONTH and Path(target).name == MONTH and ".staging" in Path(source).parts:
            raise OSError(code, os.strerror(code), str(source), None, str(target))
        return original(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "rename", failing)


@pytest.mark.parametrize("error", ERRNOS)
@pytest.mark.parametrize("stage", MONTH_WRITE_STAGES)
def test_a_fault_at_any_write_stage_keeps_the_month_as_it_was(run, monkeypatch, capsys, stage, error):
    code, cause = ERRNOS[error]
    before = digests(run.month_dir)
    MONTH_WRITE_STAGES[stage](monkeypatch, code)
    status, err, out = run(capsys, "--force")
    assert status == 1, out
    assert err == [f"error: {run.month_dir}: {cause}; the previous reports of {MONTH} are kept"], out
    assert digests(run.month_dir) == before
    assert "first" in (run.month_dir / "figures" / "10-chart.svg").read_text(encoding="utf-8")
    assert not list(run.reports.glob(".staging/*"))
    assert "Traceback" not in out


@pytest.mark.parametrize("error", ERRNOS)
def test_a_fault_writing_the_all_months_exports_keeps_them_and_the_index(run, monkeypatch, capsys, error):
    code, cause = ERRNOS[error]
    exports = run.reports / "data"
    before = {"index.html": (run.reports / "index.html").read_bytes(), **digests(exports)}
    # REPORTS/.staging/data-<random>/data/hotline.csv (a month's own CSVs are staged under its month's name)
    fail_writes(monkeypatch, code, lambda p: p.parent.parent.name.startswith("data-") and p.name == "hotline.csv")
    status, err, out = run(capsys, "--force")
    assert status == 1
    assert err == [f"error: {exports}: {cause}; the previous all-months exports and index are kept"]
    assert {"index.html": (run.reports / "index.html").read_bytes(), **digests(exports)} == before
    assert not list(run.reports.glob(".staging/*"))
    assert "second" in (run.month_dir / "figures" / "10-chart.svg").read_text(encoding="utf-8")  # the month ran


@pytest.mark.parametrize("error", ERRNOS)
def test_a_fault_writing_the_index_keeps_it(run, monkeypatch, capsys, error):
    code, cause = ERRNOS[error]
    index = run.reports / "index.html"
    index.write_bytes(index.read_bytes() + b"<!-- an earlier state: the run must rewrite it -->\n")
    before = index.read_bytes()
    fail_writes(monkeypatch, code, lambda p: p == index)
    status, err, out = run(capsys, "--force")
    assert status == 1
    assert err == [f"error: {index}: {cause}; the previous index is kept"]
    assert index.read_bytes() == before


def test_a_fault_in_a_month_never_run_before_leaves_no_month_folder(run, monkeypatch, capsys):
    shutil.rmtree(run.month_dir)
    MONTH_WRITE_STAGES["summary.json"](monkeypatch, errno.ENOSPC)
    status, err, _ = run(capsys, "--force")
    assert status == 1
    assert err == [f"error: {run.month_dir}: no space left on device; no reports of {MONTH} were written"]
    assert not run.month_dir.exists() and not list(run.reports.glob(".staging/*"))


def test_a_notebook_that_fails_on_its_own_replaces_the_month_and_stays_visible(run, monkeypatch, capsys):
    monkeypatch.setenv("FAULT_STAGE", "bug")
    status, err, _ = run(capsys, "--force")
    assert status == 1
    assert err == [f"failed: {MONTH}: 10-chart: ValueError: a bug in the notebook"]
    executed = nbformat.read(run.month_dir / "10-chart.ipynb", as_version=4)
    errors = [o for cell in executed.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    assert [(e.ename, e.evalue) for e in errors] == [("ValueError", "a bug in the notebook")]
    assert "a bug in the notebook" in (run.month_dir / "10-chart.html").read_text(encoding="utf-8")
    assert not (run.month_dir / "figures" / "10-chart.svg").exists()  # this run's folder, not a mixture
    assert "second" in (run.month_dir / "figures" / "20-chart.svg").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- a real full disk


def can_mount_tmpfs() -> str | None:
    """Why a tmpfs cannot be mounted here (None when it can)."""
    if sys.platform != "linux":
        return "tmpfs needs Linux"
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    return None


@pytest.fixture
def tmpfs(tmp_path):
    reason = can_mount_tmpfs()
    if reason:
        pytest.skip(reason)
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"tmpfs could not be mounted: {result.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def fill(disk: Path) -> None:
    """Write zeros until the file system is full."""
    with open(disk / "filler", "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * (1 << 16))
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def test_a_full_tmpfs_keeps_the_previous_reports_with_the_real_notebooks(tmpfs):
    raw = tmpfs.parent / "raw"
    raw.mkdir()
    shutil.copy(SEED_PATH, raw / f"{MONTH}.txt")
    command = [sys.executable, "-m", "njbulletin", "run", MONTH, "--jobs", "1", "--raw", str(raw),
               "--processed", str(tmpfs / "processed"), "--reports", str(tmpfs / "reports")]
    first = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    month_dir = tmpfs / "reports" / MONTH
    before = digests(month_dir)
    partitions = digests(tmpfs / "processed")
    fill(tmpfs)
    second = subprocess.run([*command, "--force"], capture_output=True, text=True, timeout=600)
    assert second.returncode == 1, second.stdout + second.stderr
    assert second.stderr.splitlines() == [
        f"error: {month_dir}: no space left on device; the previous reports of {MONTH} are kept"], second.stdout
    assert digests(month_dir) == before
    assert digests(tmpfs / "processed") == partitions
    assert not list((tmpfs / "reports").glob(".staging/*"))
    (tmpfs / "filler").unlink()
    third = subprocess.run([*command, "--force"], capture_output=True, text=True, timeout=600)
    assert third.returncode == 0, third.stdout + third.stderr


def test_a_swap_that_cannot_even_put_the_previous_folder_back_keeps_it_for_the_next_run(tmp_path, monkeypatch):
    from njbulletin.pipeline.outputs import FolderStage, recover_interrupted_swaps

    previous = tmp_path / "reports" / MONTH
    previous.mkdir(parents=True)
    (previous / "summary.json").write_text("previous", encoding="utf-8")
    stage = FolderStage.create(previous)
    (stage.staged / "summary.json").write_text("new", encoding="utf-8")
    original = os.rename

    def failing(source, target, *args, **kwargs):  # every rename onto REPORTS/YYYY-MM fails: EIO
        if Path(target) == previous:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(source), None, str(target))
        return original(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "rename", failing)
    with pytest.raises(OSError):
        stage.swap_in()
    stage.discard()
    monkeypatch.undo()
    assert not previous.exists()  # moved aside, and the way back failed too: it waits in staging
    assert recover_interrupted_swaps(tmp_path / "reports") == [previous]
    assert (previous / "summary.json").read_text(encoding="utf-8") == "previous"
