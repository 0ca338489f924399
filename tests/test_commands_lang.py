"""`njbulletin run --lang`: an unknown language is refused at the command line with one line naming the value
and the allowed ones (exit 2, README's exit codes), before anything is written; the string table refuses it too
(it used to fall back to Chinese, silently)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from njbulletin.errors import EXIT_UNREADABLE, UsageError
from njbulletin.report.strings import text

from seedtools import SEED_PATH


def test_run_with_an_unknown_language_prints_one_line_and_exits_2(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "2024-11.txt").write_bytes(SEED_PATH.read_bytes())
    processed, reports = tmp_path / "processed", tmp_path / "reports"
    result = subprocess.run([sys.executable, "-m", "njbulletin", "run", "--lang", "xx", "--raw", str(raw),
                             "--processed", str(processed), "--reports", str(reports)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == EXIT_UNREADABLE == 2
    assert result.stderr.splitlines() == ["error: unknown language 'xx': expected one of zh, en"]
    assert result.stdout == ""
    assert not processed.exists() and not reports.exists()  # refused before anything ran or was written


def test_the_string_table_refuses_a_language_it_does_not_know():
    assert text("nav.index", "zh") == "全部月份" and text("nav.index", "en") == "All months"
    with pytest.raises(UsageError, match=r"unknown language 'fr': expected one of zh, en"):
        text("nav.index", "fr")


def test_a_notebook_context_refuses_an_unknown_language():
    from njbulletin.context import MonthContext

    with pytest.raises(UsageError, match="unknown language 'EN'"):
        MonthContext.from_parameters("2024-11", lang="EN")
