"""Which months run, with which notebooks and parameters, and which notebooks are kept because nothing they
read changed.

Each notebook declares in its metadata what it reads (`{"njbulletin": {"reads": "history"}}`; "month", or
nothing, for its own month's tables). A notebook's fingerprint covers its inputs (its month's raw file, or
for a history notebook every month's up to its own), the code (the package, the reference data and the lock,
with the first stage's cells, which write what every notebook reads, and its own cells) and the parameters.
A notebook is kept when its last run succeeded with the same fingerprint and its notebook and page are in
place; a month whose notebooks are all kept, whose last run succeeded and whose summary is in place is
skipped. When a month's first stage runs, the history notebooks of that month and of every later month run
too (the tables they read are written again).

Standard library only (papermill is imported inside `check_notebook_parameters`, which runs only when a
month is not skipped): a run where nothing changed returns at once.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from njbulletin.errors import UsageError
from njbulletin.months import validate_month
from njbulletin.pipeline.fingerprints import code_of_run, input_digests, month_fingerprint, notebook_code, plan_notebook
from njbulletin.pipeline.manifest import load_notebook, notebook_digest, read_manifest
from njbulletin.pipeline.model import (
    KEEP,
    OK,
    READS_HISTORY,
    READS_MONTH,
    RUN,
    SEQUENTIAL_BELOW,
    MonthPlan,
    NotebookPlan,
    NotebookSpec,
    Settings,
)
from njbulletin.pipeline.outputs import SUMMARY_NAME

NOTEBOOK_NAME = re.compile(r"^(?P<number>\d{2})-[\w-]+\.ipynb$")


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


def declared_reads(notebook: dict, path: Path) -> str:
    """What a notebook's metadata says it reads: 'month' (also when it says nothing) or 'history'."""
    declared = (notebook.get("metadata", {}).get("njbulletin") or {}).get("reads", READS_MONTH)
    if declared not in (READS_MONTH, READS_HISTORY):
        raise UsageError(f"{path}: metadata njbulletin.reads is {declared!r}; expected "
                         f"{READS_MONTH!r} (its month's tables) or {READS_HISTORY!r} (every month up to its own)")
    if declared == READS_HISTORY and notebook_number(path) < SEQUENTIAL_BELOW:
        raise UsageError(f"{path}: a notebook that reads the history must be numbered {SEQUENTIAL_BELOW} or "
                         f"above (it runs once every month's tables are written)")
    return declared


def describe_notebooks(notebooks: list[Path]) -> list[NotebookSpec]:
    """Each numbered notebook's number, declaration and cells' digest, in number order."""
    specs: list[NotebookSpec] = []
    for path in notebooks:
        same = [spec.source.name for spec in specs if spec.number == notebook_number(path)]
        if same:  # a notebook's figures are told apart by its number (NN-...)
            raise UsageError(f"{path}: {same[0]} has the same number; number each notebook differently")
        notebook = load_notebook(path)
        specs.append(NotebookSpec(path, notebook_number(path), declared_reads(notebook, path),
                                  notebook_digest(notebook)))
    return specs


def month_parameters(month: str, settings: Settings) -> dict[str, object]:
    parameters = {"month": month, "raw_dir": str(settings.raw_dir), "processed_dir": str(settings.processed_dir),
                  "reports_dir": str(settings.reports_dir), "lang": settings.lang,
                  "allow_errors": settings.allow_errors}
    parameters.update(dict(settings.extra_parameters))
    return parameters


def plan_months(months: list[str], available: dict[str, Path], settings: Settings, code: str,
                specs: list[NotebookSpec]) -> list[MonthPlan]:
    """One plan per month, each notebook with its own fingerprint (`pipeline.fingerprints`; every notebook to
    run, until `decide_months`). `code` is the shared code's digest (`digests.code_version`)."""
    digests = input_digests(available, max(months, default=""))
    codes = {spec.name: notebook_code(code, specs, spec) for spec in specs}
    code_sha256 = code_of_run(code, specs)
    plans = []
    for month in months:
        parameters = month_parameters(month, settings)
        keyed = {**parameters, "with_code": settings.with_code}
        notebooks = tuple(plan_notebook(spec, month, digests, available, codes[spec.name], keyed) for spec in specs)
        inputs = {name: sha for notebook in notebooks for name, sha in notebook.inputs.items()}
        plans.append(MonthPlan(month, available[month], dict(sorted(inputs.items())), parameters,
                               month_fingerprint(notebooks), Path(settings.reports_dir) / month, code_sha256,
                               notebooks))
    return plans


# ----------------------------------------------------------------------------- run or keep


def decide_months(plans: list[MonthPlan], settings: Settings) -> list[MonthPlan]:
    """Each notebook of each month run or kept, and why (see the module's docstring)."""
    return rerun_history_after_ingest([decide_month(plan, settings) for plan in plans])


def decide_month(plan: MonthPlan, settings: Settings) -> MonthPlan:
    if settings.force:
        return run_all(plan, "forced (--force)")
    manifest = read_manifest(plan.report_dir)
    if not manifest:
        return run_all(plan, "no earlier run")
    records = {record.get("name"): record for record in manifest.get("notebooks", [])}
    tables = tables_in_place(manifest)
    notebooks = tuple(decide_notebook(notebook, records.get(notebook.name), manifest, plan, settings, tables)
                      for notebook in plan.notebooks)
    reason = ""
    if all(notebook.action == KEEP for notebook in notebooks):
        if manifest.get("status") != OK:
            reason = f"its last run {manifest.get('status')}"
        elif not (plan.report_dir / SUMMARY_NAME).is_file():
            reason = "its summary is missing"
    return replace(plan, notebooks=notebooks, reason=reason)


def run_all(plan: MonthPlan, reason: str) -> MonthPlan:
    return replace(plan, notebooks=tuple(replace(notebook, action=RUN, reason=reason) for notebook in plan.notebooks))


def tables_in_place(manifest: dict) -> bool:
    """The processed partitions the month's last run wrote are still there."""
    processed = manifest.get("processed") or {}
    return bool(processed) and all(Path(path).is_file() for path in processed.values())


def decide_notebook(notebook: NotebookPlan, record: dict | None, manifest: dict, plan: MonthPlan,
                    settings: Settings, tables: bool) -> NotebookPlan:
    reason = why_run(notebook, record, manifest, plan, settings, tables)
    return replace(notebook, action=RUN if reason else KEEP, reason=reason or "unchanged")


def why_run(notebook: NotebookPlan, record: dict | None, manifest: dict, plan: MonthPlan, settings: Settings,
            tables: bool) -> str | None:
    """Why the notebook must run again, or None when its last run's outputs can be kept."""
    if record is None:
        return "not run before"
    if record.get("status") != OK:
        return f"its last run {record.get('status')}"
    if record.get("fingerprint") != notebook.fingerprint:
        return describe_change(notebook, record, manifest, plan, settings)
    if not all((plan.report_dir / f"{notebook.name}{suffix}").is_file() for suffix in (".ipynb", ".html")):
        return "its notebook or page is missing"
    if notebook.spec.first_stage and not tables:
        return "the month's processed tables are missing"
    return None


def describe_change(notebook: NotebookPlan, record: dict, manifest: dict, plan: MonthPlan,
                    settings: Settings) -> str:
    """What changed since the notebook's last run: its raw files (named), the code, the parameters."""
    if "inputs" not in record:
        return "run by an earlier version of the pipeline"
    before = record["inputs"]
    changed = sorted(name for name in set(before) | set(notebook.inputs) if before.get(name) != notebook.inputs.get(name))
    parts = []
    if changed:
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        parts.append(f"raw file changed: {', '.join(changed[:3])}{more}")
    if record.get("code") != notebook.code:
        parts.append("code changed")
    if manifest.get("parameters") != plan.parameters or manifest.get("with_code") != settings.with_code:
        parts.append("parameters changed")
    return "; ".join(parts) or "its fingerprint changed"


def rerun_history_after_ingest(plans: list[MonthPlan]) -> list[MonthPlan]:
    """A month whose first stage runs writes its tables again: the history notebooks of that month and of
    every later month read them, so they run too (a month that failed to ingest before may now have tables)."""
    ingested = [plan.month for plan in plans if plan.to_run(first_stage=True)]
    decided = []
    for plan in plans:
        earlier = [month for month in ingested if month <= plan.month]
        if not earlier:
            decided.append(plan)
            continue
        reason = "its month is ingested again" if earlier[-1] == plan.month else f"{earlier[-1]} is ingested again"
        decided.append(replace(plan, notebooks=tuple(
            replace(notebook, action=RUN, reason=reason)
            if notebook.action == KEEP and notebook.spec.reads == READS_HISTORY else notebook
            for notebook in plan.notebooks)))
    return decided


# ----------------------------------------------------------------------------- parameters


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
