"""Which months run, with which notebooks and parameters, and which are skipped because nothing changed.

Standard library only (papermill is imported inside `check_notebook_parameters`, which runs only when a
month is not skipped): a run where nothing changed returns at once.
"""
from __future__ import annotations

import re
from pathlib import Path

from njbulletin.errors import UsageError
from njbulletin.months import validate_month
from njbulletin.pipeline.manifest import fingerprint, is_up_to_date, load_notebook, read_manifest, sha256_file
from njbulletin.pipeline.model import MonthPlan, Settings

NOTEBOOK_NAME = re.compile(r"^(?P<number>\d{2})-[\w-]+\.ipynb$")
SEQUENTIAL_BELOW = 10  # notebooks numbered below this run in order; the rest run concurrently after them


def select_months(requested: list[str], available: dict[str, Path], run_all: bool = False) -> list[str]:
    """The months to run, oldest first: those asked for (each must be valid and in RAW), or every one."""
    for month in requested:
        validate_month(month)
    if run_all or not requested:
        if not available:
            raise UsageError("no bulletin named YYYY-MM.txt or YYYY-MM.pdf in the raw folder")
        return sorted(set(available) | set(requested))
    missing = [month for month in requested if month not in available]
    if missing:
        raise UsageError(f"no bulletin for {', '.join(missing)} in the raw folder (expected YYYY-MM.txt or .pdf)")
    return sorted(set(requested))


def discover_notebooks(notebooks_dir: Path) -> list[Path]:
    """The numbered notebooks (NN-name.ipynb), in number order."""
    notebooks = sorted(path for path in Path(notebooks_dir).glob("*.ipynb") if NOTEBOOK_NAME.match(path.name))
    if not notebooks:
        raise UsageError(f"{notebooks_dir}: no numbered notebooks (NN-name.ipynb)")
    return notebooks


def notebook_number(path: Path) -> int:
    return int(NOTEBOOK_NAME.match(path.name).group("number"))


def notebook_stages(notebooks: list[Path]) -> tuple[list[Path], list[Path]]:
    """(notebooks that run one after another, in order; notebooks that then run concurrently)."""
    return ([path for path in notebooks if notebook_number(path) < SEQUENTIAL_BELOW],
            [path for path in notebooks if notebook_number(path) >= SEQUENTIAL_BELOW])


def month_parameters(month: str, settings: Settings) -> dict[str, object]:
    parameters = {"month": month, "raw_dir": str(settings.raw_dir), "processed_dir": str(settings.processed_dir),
                  "reports_dir": str(settings.reports_dir), "lang": settings.lang,
                  "allow_errors": settings.allow_errors}
    parameters.update(dict(settings.extra_parameters))
    return parameters


def plan_months(months: list[str], available: dict[str, Path], settings: Settings, code_sha256: str) -> list[MonthPlan]:
    """One plan per month; a month's inputs are its raw file and every earlier month's (its trends read them)."""
    digests = {month: sha256_file(available[month]) for month in available if month <= max(months, default="")}
    plans = []
    for month in months:
        inputs = {available[m].name: digests[m] for m in sorted(available) if m <= month}
        parameters = month_parameters(month, settings)
        key = fingerprint(inputs, code_sha256, {**parameters, "with_code": settings.with_code})
        plans.append(MonthPlan(month, available[month], inputs, parameters, key,
                               Path(settings.reports_dir) / month, code_sha256))
    return plans


def is_skippable(plan: MonthPlan, settings: Settings) -> bool:
    """Unchanged since a successful run whose reports and processed tables are still in place."""
    if settings.force:
        return False
    manifest = read_manifest(plan.report_dir)
    if not is_up_to_date(manifest, plan.fingerprint) or not (plan.report_dir / "summary.json").is_file():
        return False
    processed = manifest.get("processed") or {}  # the partitions that run wrote, by table
    return bool(processed) and all(Path(path).is_file() for path in processed.values())


def count_parameter_cells(notebook: Path) -> int:
    cells = load_notebook(notebook).get("cells", [])
    return sum("parameters" in cell.get("metadata", {}).get("tags", []) for cell in cells)


def check_notebook_parameters(notebooks: list[Path], parameters: dict[str, object]) -> None:
    """Refuse parameters a notebook does not declare (papermill itself only warns), and a notebook
    without exactly one cell tagged `parameters`."""
    import papermill

    for notebook in notebooks:
        cells = count_parameter_cells(notebook)
        if cells != 1:
            raise UsageError(f"{notebook}: expected exactly one cell tagged 'parameters', found {cells}")
        declared = set(papermill.inspect_notebook(str(notebook)))
        unknown = sorted(set(parameters) - declared)
        if unknown:
            raise UsageError(f"{notebook}: unknown parameter {', '.join(map(repr, unknown))}; "
                             f"the notebook declares {', '.join(sorted(declared))}")
