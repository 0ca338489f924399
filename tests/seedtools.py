"""The seed bulletin and small tools to build variants of it inside tests."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from njbulletin import config

SEED_PATH = config.RAW_DIR / "2024-11.txt"
EXPECTED_DIR = Path(__file__).parent / "expected"


def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


def seed_lines() -> list[str]:
    return seed_text().split("\n")


def line_index(lines: list[str], startswith: str) -> int:
    """Index of the first line that starts with a prefix (fails loudly when absent)."""
    for index, line in enumerate(lines):
        if line.startswith(startswith):
            return index
    raise AssertionError(f"no line starts with {startswith!r}")


def replace_once(text: str, old: str, new: str) -> str:
    """Replace a string that must occur exactly once."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def read_expected(name: str) -> list[dict[str, str]]:
    with open(EXPECTED_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def to_int(value: str) -> int | None:
    return None if value == "/" else int(value)


def to_float(value: str) -> float | None:
    return None if value == "/" else float(value)


def month_status(index_html: str, month: str) -> str:
    """The index's status cell for a month (its month cell spans the attention row beneath it, when there is one):
    '<td class="ok">完成</td>', or '' when the month is not listed."""
    found = re.search(rf'<td class="month"(?: rowspan="2")?>{re.escape(month)}</td>(<td class="[^"]*">.*?</td>)',
                      index_html)
    return found.group(1) if found else ""


# What must never show on a report page: a kernel log, a Python warning, IPython's history message or any
# text printed on standard error.
NOISE = [
    "ERROR!", "History logging moved", "Session/line number", "Traceback", "Warning:", "warnings.warn",
    "DeprecationWarning", "FutureWarning", "UserWarning", "RuntimeWarning", "[IPKernelApp]", "WARNING |",
    'data-mime-type="application/vnd.jupyter.stderr"', "papermill-error",
]


def visible_text(page: str) -> str:
    """The page without its images and style sheets (where no sentence can hide)."""
    page = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", page)
    return re.sub(r"<style[^>]*>.*?</style>", "", page, flags=re.DOTALL)
