"""What a notebook's run depends on, as digests: its inputs, its code and its parameters.

A notebook's fingerprint covers its inputs (its month's raw file, or for a history notebook every month's up
to its own), the code (the package, the reference data and the lock, with the first stage's cells, which
write what every notebook reads, and its own cells) and the parameters. `pipeline.plan` compares them with
the last run's to decide which notebooks run; `pipeline.manifest` records them.

Standard library only: a run where nothing changed returns at once.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from njbulletin.digests import sha256_file
from njbulletin.pipeline.model import READS_HISTORY, NotebookPlan, NotebookSpec


def sha256_json(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def fingerprint(inputs: Mapping[str, str], code: str, parameters: Mapping[str, object]) -> str:
    """sha256 of everything a notebook's outputs depend on."""
    payload = json.dumps({"inputs": dict(sorted(inputs.items())), "code": code, "parameters": parameters},
                         sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def input_digests(available: Mapping[str, Path], up_to: str) -> dict[str, str]:
    """The sha256 of each month's raw file, for the months up to `up_to` (the others are never hashed)."""
    return {month: sha256_file(available[month]) for month in available if month <= up_to}


def code_of_run(code: str, specs: list[NotebookSpec]) -> str:
    """The run's code as the manifest records it: the shared code and every notebook's cells."""
    return sha256_json([code, [[spec.name, spec.cells] for spec in specs]])


def notebook_code(code: str, specs: list[NotebookSpec], spec: NotebookSpec) -> str:
    """A notebook's code: the shared code, the cells of the first stage (which writes what it reads) and its own."""
    first = [[other.name, other.cells] for other in specs if other.first_stage]
    return sha256_json([code, first, [spec.name, spec.cells]])


def plan_notebook(spec: NotebookSpec, month: str, digests: Mapping[str, str], files: Mapping[str, Path],
                  code: str, parameters: dict) -> NotebookPlan:
    """A notebook's inputs (its month's file, or every month's up to its own for a history notebook), code and
    fingerprint."""
    months = [m for m in sorted(files) if m <= month] if spec.reads == READS_HISTORY else [month]
    inputs = {files[m].name: digests[m] for m in months}
    return NotebookPlan(spec, inputs, code, fingerprint(inputs, code, parameters))


def month_fingerprint(notebooks: tuple[NotebookPlan, ...]) -> str:
    """A month's fingerprint: its notebooks', in order."""
    return sha256_json([notebook.fingerprint for notebook in notebooks])
