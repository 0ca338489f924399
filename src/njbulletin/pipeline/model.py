"""What the pipeline passes around: the run's settings, one month's plan, and what came of it.

Standard library only: the no-op path (every month unchanged) imports this module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from njbulletin import config
from njbulletin.languages import validate_lang

# Notebook and month statuses, as the manifest records them.
OK, FAILED, NOT_RUN, SKIPPED = "ok", "failed", "not run", "skipped"
# What a run does with a notebook: run it, or keep the outputs of its last run (nothing it reads changed).
RUN, KEEP = "run", "kept"
# What a notebook reads (its metadata's njbulletin.reads): its own month's tables, or every month up to it.
READS_MONTH, READS_HISTORY = "month", "history"
SEQUENTIAL_BELOW = 10  # notebooks numbered below this run in order (the first stage); the rest concurrently after


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
    lang: str = config.LANGUAGES[0]  # checked here: an unknown language is refused before anything runs
    allow_errors: bool = False  # store and analyse months whose validation finds errors
    extra_parameters: tuple[tuple[str, object], ...] = ()

    def __post_init__(self) -> None:
        for name in ("raw_dir", "processed_dir", "reports_dir", "notebooks_dir"):  # made absolute once, here
            object.__setattr__(self, name, Path(getattr(self, name)).expanduser().resolve())
        validate_lang(self.lang)


@dataclass(frozen=True)
class NotebookSpec:
    """A numbered notebook as the pipeline sees it: where it is, what it reads, and the digest of its cells."""
    source: Path
    number: int
    reads: str  # READS_MONTH or READS_HISTORY
    cells: str  # sha256 of its cells (not their stored outputs) and kernel

    @property
    def name(self) -> str:
        return self.source.stem

    @property
    def first_stage(self) -> bool:
        return self.number < SEQUENTIAL_BELOW


@dataclass(frozen=True)
class NotebookPlan:
    """One notebook of one month: what its outputs depend on, and whether this run runs it or keeps it."""
    spec: NotebookSpec
    inputs: dict[str, str]  # raw file name -> sha256: its month's file, or (history) every month's up to it
    code: str  # sha256 of the shared code, the first stage's cells and its own cells
    fingerprint: str  # sha256 of inputs, code and parameters
    action: str = RUN  # RUN or KEEP
    reason: str = ""  # why it runs, or why it is kept

    @property
    def name(self) -> str:
        return self.spec.name

    def record(self) -> dict:
        """What the manifest keeps of the plan, beside the notebook's result."""
        return {"kept": self.action == KEEP, "reason": self.reason, "reads": self.spec.reads,
                "fingerprint": self.fingerprint, "code": self.code, "inputs": dict(self.inputs)}


@dataclass(frozen=True)
class MonthPlan:
    month: str
    raw_path: Path
    inputs: dict[str, str]  # raw file name -> sha256: every file one of the month's notebooks reads
    parameters: dict[str, object]  # what each notebook is given (and the manifest records)
    fingerprint: str  # sha256 of the notebooks' fingerprints
    report_dir: Path  # REPORTS/YYYY-MM, where the month's outputs are swapped in when it ends
    code_sha256: str  # sha256 of src/njbulletin, data/reference, the notebooks' cells and the lock file
    notebooks: tuple[NotebookPlan, ...] = ()
    reason: str = ""  # why the month runs although every notebook is kept (e.g. its summary is missing)

    def to_run(self, first_stage: bool) -> list[NotebookPlan]:
        return [nb for nb in self.notebooks if nb.action == RUN and nb.spec.first_stage == first_stage]

    def kept(self) -> list[NotebookPlan]:
        return [nb for nb in self.notebooks if nb.action == KEEP]

    @property
    def runs(self) -> bool:
        """False when the month is skipped: every notebook kept and its outputs in place."""
        return bool(self.reason) or any(nb.action == RUN for nb in self.notebooks)


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
    plan: dict = field(default_factory=dict)  # NotebookPlan.record(): run or kept, why, what it depends on

    def record(self) -> dict:
        """The manifest's entry for this notebook."""
        return {**{key: value for key, value in vars(self).items() if key not in ("fault", "plan")}, **self.plan}

    @classmethod
    def kept_from(cls, record: dict, plan: dict) -> NotebookResult:
        """A kept notebook: the result of the run that executed it (its times, its page), as the manifest has it."""
        fields = {key: record.get(key) for key in ("status", "start", "end", "seconds", "error", "html")}
        return cls(name=record["name"], **fields, plan=plan)


@dataclass
class MonthOutcome:
    month: str
    status: str  # OK | FAILED | SKIPPED
    notebooks: list[NotebookResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    fault: str | None = None  # set when the machine stopped the month: its previous reports were kept

    def count_kept(self) -> int:
        """How many of its notebooks this run kept (their last run's outputs)."""
        return sum(bool(result.plan.get("kept")) for result in self.notebooks)

    def count_ran(self) -> int:
        """How many of its notebooks this run executed."""
        return sum(not result.plan.get("kept") and result.status != NOT_RUN for result in self.notebooks)

    def failures(self) -> list[str]:
        failed = [f"{nb.name}: {nb.error}" for nb in self.notebooks if nb.status == FAILED]
        return failed or ([self.error] if self.error else [])


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def all_ok(results: list[NotebookResult]) -> bool:
    return all(result.status == OK for result in results)
