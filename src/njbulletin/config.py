"""Every path and tunable limit of the project, anchored in one place.

Paths are resolved from this file's location, never from the current
directory, so notebooks, tests and the command line agree on where data lives.
Environment variables may move the data folders (handy for tests and CI); a relative one is taken from
the folder the process starts in, and the command line makes it absolute for the kernels it starts.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def folder_from_environment(variable: str, default: Path) -> Path:
    """A folder an environment variable may move; a relative one is taken from the current folder, now."""
    return Path(os.environ.get(variable) or default).expanduser().resolve()


RAW_DIR = folder_from_environment("NJBULLETIN_RAW", PROJECT_ROOT / "data" / "raw")
PROCESSED_DIR = folder_from_environment("NJBULLETIN_PROCESSED", PROJECT_ROOT / "data" / "processed")
REPORTS_DIR = folder_from_environment("NJBULLETIN_REPORTS", PROJECT_ROOT / "reports")
REFERENCE_DIR = folder_from_environment("NJBULLETIN_REFERENCE", PROJECT_ROOT / "data" / "reference")
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
# Where a notebook run by hand (JupyterLab's Run All, papermill without folders) writes its figures, exports and
# tables: one folder per user, git-ignored. Only `njbulletin run`, which passes its folders, writes REPORTS_DIR and
# PROCESSED_DIR (context.MonthContext.from_parameters).
SCRATCH_DIR = folder_from_environment(
    "NJBULLETIN_SCRATCH", PROJECT_ROOT / "scratch" / (os.environ.get("USER") or os.environ.get("USERNAME") or "user"))
DOCS_DIR = PROJECT_ROOT / "docs"

DEFAULT_MONTH = "2024-11"
LANGUAGES = ("zh", "en")  # what readers see: Chinese by default, or English

# Inputs larger than this are refused before they are read in full.
MAX_INPUT_BYTES = int(os.environ.get("NJBULLETIN_MAX_INPUT_BYTES", 20 * 1024 * 1024))

# Raw bulletins are named after their month.
RAW_NAME_PATTERN = r"^(?P<month>\d{4}-\d{2})\.(?P<ext>txt|pdf)$"

# "Highest" and "lowest" of a ratio compare only the units with at least this denominator, by the denominator's
# column: an income per discharge from 22 discharges says little about a hospital. The ratios over outpatient
# visits (income per visit, records per visit) need 1,000 visits, the income per discharge 100 discharges.
# The pages that rank or name the extremes say so under them.
MIN_RATIO_DENOMINATOR = {"outpatient_visits": 1000, "discharges": 100}
# The chart of each hospital's channel mix (100% bars) leaves out hospitals with fewer bookings than this:
# a hospital with 1 booking would get the same full bar as one with 267,330. The chart says how many it leaves out.
MIN_BOOKINGS_IN_MIX_CHART = 100
# The one-page briefing (reports/YYYY-MM/briefing.html) shows the first BRIEFING_ITEMS ranked items of the
# attention list (analysis.attention: the rows whose `briefing` is true).
BRIEFING_ITEMS = 7
