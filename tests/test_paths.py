"""Paths a user gives are made absolute once, where the command starts (issue 12, item 8), and an output
folder that is a file, or cannot be created, is refused with one line and exit 2 (issue 14, item 6).

Every command runs here from a scratch folder that is not the project root, with relative paths as
options and in NJBULLETIN_* variables. Before, `njbulletin run --raw raw --processed proc --reports rep`
failed with `summary: KeyError: 'bookings'`: papermill switched the process's working folder while
notebooks ran in threads, so the relative processed folder was read from the wrong place.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import polars as pl
import pytest

from njbulletin.commands.main import main
from njbulletin.errors import EXIT_UNREADABLE

from seedtools import SEED_PATH


def njbulletin(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "njbulletin", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})})


@pytest.fixture
def scratch(tmp_path) -> Path:
    (tmp_path / "raw").mkdir()
    shutil.copy(SEED_PATH, tmp_path / "raw" / "2024-11.txt")
    return tmp_path


def test_run_with_relative_folders_from_a_scratch_folder(scratch):
    result = njbulletin("run", "--raw", "raw", "--processed", "proc", "--reports", "rep", "--jobs", "1",
                        cwd=scratch)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    summary = json.loads((scratch / "rep" / "2024-11" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["bookings_total"], summary["hotline_calls"]) == (276195, 27332)
    manifest = json.loads((scratch / "rep" / "2024-11" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["processed_dir"] == str(scratch / "proc")
    assert manifest["parameters"]["reports_dir"] == str(scratch / "rep")
    assert manifest["inputs"][0]["path"] == str(scratch / "raw" / "2024-11.txt")
    bookings = pl.read_parquet(scratch / "proc" / "bookings" / "month=2024-11" / "data.parquet")
    assert bookings["count"].sum() == 276195
    # run again from another folder, with the same folders given another way: nothing changed, so skipped
    elsewhere = scratch / "elsewhere"
    elsewhere.mkdir()
    again = njbulletin("run", "--raw", "../raw", "--processed", "../proc", "--reports", "../rep", cwd=elsewhere)
    assert again.returncode == 0 and "2024-11: unchanged, skipped" in again.stdout, again.stdout + again.stderr


def test_ingest_check_and_synth_with_relative_paths_and_variables(scratch):
    ingested = njbulletin("ingest", "raw/2024-11.txt", cwd=scratch, env={"NJBULLETIN_PROCESSED": "from-env"})
    assert ingested.returncode == 0, ingested.stderr
    partition = scratch / "from-env" / "bookings" / "month=2024-11" / "data.parquet"
    assert pl.read_parquet(partition)["count"].sum() == 276195
    checked = njbulletin("check", "raw/2024-11.txt", cwd=scratch)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[-1] == f"2024-11: {scratch / 'raw' / '2024-11.txt'}: 0 errors, 106 warnings"
    synthesised = njbulletin("synth", "--months", "2", "--out", "synthetic", cwd=scratch)
    assert synthesised.returncode == 0, synthesised.stderr
    assert sorted(path.name for path in (scratch / "synthetic").glob("*.txt")) == ["2024-12.txt", "2025-01.txt"]


def test_no_part_of_a_run_moves_the_working_folder(scratch, monkeypatch, capsys):
    # papermill switches the whole process's working folder when it is given `cwd`; notebooks run in threads,
    # so the pipeline must never give it one (each kernel is told its own folder instead). papermill's own
    # file reads and writes "switch" to the folder the process is already in, and back: harmless.
    notebooks = scratch / "notebooks"
    notebooks.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('month = "2024-11"\nraw_dir = None\nprocessed_dir = None\n'
                                           'reports_dir = None\nlang = "zh"\nallow_errors = False')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell("import os\nprint(os.getcwd())"),
                      nbformat.v4.new_code_cell("print(get_ipython().history_manager.enabled)")]
    nbformat.write(notebook, notebooks / "01-where.ipynb")
    nbformat.write(notebook, notebooks / "10-where.ipynb")
    start, moves = Path.cwd(), []
    monkeypatch.setattr(os, "chdir", lambda path: None if Path(path).resolve() == start else moves.append(path))
    status = main(["run", "--jobs", "1", "--raw", str(scratch / "raw"), "--processed", str(scratch / "proc"),
                   "--reports", str(scratch / "rep"), "--notebooks", str(notebooks)])
    assert status == 1  # no processed tables: the month's summary fails; the notebooks themselves ran
    assert moves == []
    executed = nbformat.read(scratch / "rep" / "2024-11" / "10-where.ipynb", as_version=4)
    assert executed.cells[-2].outputs[0].text.strip() == str(notebooks)  # the kernel was told its folder
    assert executed.cells[-1].outputs[0].text.strip() == "False"  # and runs with IPython's history off


@pytest.mark.parametrize("command, role", [
    (["ingest", str(SEED_PATH), "--processed", "/dev/null"], "processed"),
    (["run", "--reports", "/dev/null"], "reports"),
    (["run", "--processed", "/dev/null"], "processed"),
    (["synth", "--months", "1", "--out", "/dev/null"], "output"),
])
def test_an_output_folder_that_is_a_file_is_refused_with_one_line(command, role, scratch, capsys):
    if command[0] == "run":
        command = [*command, "--raw", str(scratch / "raw")]
    assert main(command) == EXIT_UNREADABLE
    assert capsys.readouterr().err == f"error: /dev/null: the {role} folder is a file, not a folder\n"


def test_an_output_folder_under_a_file_cannot_be_created(scratch, capsys):
    status = main(["run", "--raw", str(scratch / "raw"), "--reports", str(scratch / "raw" / "2024-11.txt" / "rep")])
    assert status == EXIT_UNREADABLE
    file = scratch / "raw" / "2024-11.txt"
    assert capsys.readouterr().err == (f"error: {file / 'rep'}: the reports folder cannot be created: {file} is a "
                                       f"file, not a folder\n")


def run_main_as_an_ordinary_user(args: list[str]) -> tuple[int, str]:
    """`main(args)` in a forked child that runs as an ordinary user: as root (CI runs as root) it is `nobody`,
    for whom a folder's permissions hold, as they never do for root. Returns the exit status and stderr."""
    import njbulletin.commands.synth  # noqa: F401  (imported before the child drops root's rights)

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: drop to nobody, run, send stderr back, and leave without pytest's teardown
        os.close(read_end)
        status = 70
        try:
            os.dup2(write_end, 2)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 (pytest replaced sys.stderr)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY_GID)
                os.setuid(NOBODY_UID)
            status = main(args)
        finally:
            sys.stderr.flush()
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        stderr = pipe.read()
    _, wait_status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(wait_status), stderr


NOBODY_UID = NOBODY_GID = 65534


@pytest.mark.skipif(os.name != "posix", reason="folder permissions are POSIX")
def test_an_output_folder_that_cannot_be_created_is_refused():
    scratch = Path(tempfile.mkdtemp(prefix="njbulletin-locked-"))  # not under root's 0700 pytest folder
    try:
        scratch.chmod(0o755)
        locked = scratch / "locked"
        locked.mkdir(mode=0o500)
        status, stderr = run_main_as_an_ordinary_user(["synth", "--months", "1", "--out", str(locked / "out")])
        assert (status, stderr) == (EXIT_UNREADABLE, f"error: {locked / 'out'}: the output folder cannot be "
                                                     f"created in {locked} (permission denied)\n")
        assert not (locked / "out").exists()
    finally:
        shutil.rmtree(scratch)


def test_a_raw_folder_that_is_a_file_is_called_a_file(scratch):
    result = njbulletin("run", "--raw", "raw/2024-11.txt", "--processed", "proc", "--reports", "rep", cwd=scratch)
    assert result.returncode == EXIT_UNREADABLE
    assert result.stderr == f"error: {scratch / 'raw' / '2024-11.txt'}: the raw folder is a file, not a folder\n"
    assert not (scratch / "rep").exists() and not (scratch / "proc").exists()


def test_every_command_refuses_dev_null_without_a_traceback(scratch):
    for command in (["ingest", "raw/2024-11.txt", "--processed", "/dev/null"], ["run", "--raw", "raw", "--reports",
                    "/dev/null"], ["synth", "--months", "1", "--out", "/dev/null"]):
        result = njbulletin(*command, cwd=scratch)
        assert result.returncode == EXIT_UNREADABLE, command
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr


def test_relative_folder_variables_reach_child_processes_absolute(tmp_path, monkeypatch):
    """A kernel starts in the notebooks folder: the command makes NJBULLETIN_* folders absolute first."""
    from njbulletin.commands.paths import export_absolute_folders

    monkeypatch.chdir(tmp_path)
    environment = {"NJBULLETIN_REFERENCE": "ref", "NJBULLETIN_REPORTS": "out/rep", "NJBULLETIN_RAW": ""}
    export_absolute_folders(environment)
    assert environment == {"NJBULLETIN_REFERENCE": str(tmp_path / "ref"),
                           "NJBULLETIN_REPORTS": str(tmp_path / "out" / "rep"), "NJBULLETIN_RAW": ""}
