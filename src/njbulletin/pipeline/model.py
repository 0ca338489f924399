"""What the pipeline passes around: the run's settings, one month's plan, and what came of it.

Standard library only: the no-op path (every month unchanged) imports this module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from njbulletin import config

# Notebook and month statuses, as the manifest records them.
OK, FAILED, NOT_RUN, SKIPPED = "ok", "failed", "not run", "skipped"


@dataclass(frozen=True)
class Settings:
    """One run's options. The command line makes every folder absolute before it builds these."""
    raw_dir: Path
    processed_dir: Path
    reports_dir: Path
    notebooks_dir: Path = config.NOTEBOOKS_DIR
    force: bool = False
    jobs: int = 1
    with_code: bool = False
    lang: str = "zh"
    allow_errors: bool = False  # store and analyse months whose validation finds errors
    extra_parameters: tuple[tuple[str, object], ...] = ()

    def __post_init__(self) -> None:
        for name in ("raw_dir", "processed_dir", "reports_dir", "notebooks_dir"):  # made absolute once, here
            object.__setattr__(self, name, Path(getattr(self, name)).expanduser().resolve())


@dataclass(frozen=True)
class MonthPlan:
    month: str
    raw_path: Path
    inputs: dict[str, str]  # raw file name -> sha256, this month's and every earlier month's
    parameters: dict[str, object]  # what each notebook is given (and the manifest records)
    fingerprint: str
    report_dir: Path  # REPORTS/YYYY-MM, where the month's outputs are swapped in when it ends
    code_sha256: str  # sha256 of src/njbulletin, data/reference, the notebooks' cells and the lock file


@dataclass
class NotebookResult:
    name: str
    status: str  # OK | FAILED | NOT_RUN
    start: str | None = None
    end: str | None = None
    seconds: float | None = None
    error: str | None = None
    html: str | None = None
    fault: str | None = None  # the machine's fault that stopped it (e.g. 'no space left on device'), if any

    def record(self) -> dict:
        """The manifest's entry for this notebook."""
        return {key: value for key, value in vars(self).items() if key != "fault"}


@dataclass
class MonthOutcome:
    month: str
    status: str  # OK | FAILED | SKIPPED
    notebooks: list[NotebookResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    fault: str | None = None  # set when the machine stopped the month: its previous reports were kept

    def failures(self) -> list[str]:
        failed = [f"{nb.name}: {nb.error}" for nb in self.notebooks if nb.status == FAILED]
        return failed or ([self.error] if self.error else [])


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def all_ok(results: list[NotebookResult]) -> bool:
    return all(result.status == OK for result in results)
