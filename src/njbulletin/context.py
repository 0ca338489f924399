"""What a notebook needs to know about its month: parameters resolved into paths and data access.

Notebooks hold only simple parameter defaults; this module turns them into absolute paths and reads tables.
A folder left as None means a notebook run by hand (JupyterLab, papermill without folders), exploring: it reads
the project's published data (config.PROCESSED_DIR) but writes its figures, exports and tables to the user's
scratch folder (config.SCRATCH_DIR), never over a published report. `njbulletin run` passes every folder.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from njbulletin import config
from njbulletin.errors import UsageError
from njbulletin.languages import validate_lang
from njbulletin.layout import find_raw_bulletin, partition_path
from njbulletin.months import days_in_month, validate_month
from njbulletin.storage import processed_months, scan_table


@lru_cache(maxsize=8)
def read_tables_in_memory(path: Path, mtime_ns: int, size: int, allow_errors: bool,
                          processed_dir: str) -> dict[str, pl.DataFrame]:
    """A raw bulletin's tables, parsed and validated in memory; the note is printed once per file version."""
    from njbulletin.ingest import read_month_tables

    _, _, tables = read_month_tables(path, allow_errors)
    print(f"note: {path.stem} is not in {processed_dir}; its tables are read from {path} in memory "
          f"(nothing is written; run notebook 01 or `njbulletin ingest` to store them)")
    return tables


@dataclass(frozen=True)
class MonthContext:
    month: str
    raw_dir: Path
    processed_dir: Path
    reports_dir: Path
    lang: str
    allow_errors: bool = False  # store a month whose validation finds errors (they go to quality_flags)
    # Exploring (a folder not given): the scratch folder written instead of the published ones, and where
    # ingest writes the month's tables (else processed_dir).
    scratch_dir: Path | None = None
    written_processed_dir: Path | None = None

    @classmethod
    def from_parameters(cls, month: str = config.DEFAULT_MONTH, raw_dir: str | Path | None = None,
                        processed_dir: str | Path | None = None, reports_dir: str | Path | None = None,
                        lang: str = "zh", allow_errors: bool = False) -> MonthContext:
        """Build a context from notebook parameters, the notebook's edge: the month and language are checked
        here. A processed folder not given is read from the project's and written in the scratch folder; a
        reports folder not given is the scratch folder's (see the module's docstring)."""
        scratch = config.SCRATCH_DIR if not (processed_dir and reports_dir) else None
        return cls(month=validate_month(month),
                   raw_dir=Path(raw_dir or config.RAW_DIR).resolve(),
                   processed_dir=Path(processed_dir or config.PROCESSED_DIR).resolve(),
                   reports_dir=Path(reports_dir).resolve() if reports_dir else scratch / "reports",
                   lang=validate_lang(lang), allow_errors=bool(allow_errors), scratch_dir=scratch,
                   written_processed_dir=None if processed_dir else scratch / "processed")

    @property
    def exploring(self) -> bool:
        """True when the notebook runs outside `njbulletin run` and writes to the scratch folder."""
        return self.scratch_dir is not None

    @property
    def output_processed_dir(self) -> Path:
        """Where the month's processed tables and history entry are written (notebook 01)."""
        return self.written_processed_dir or self.processed_dir

    @property
    def days_in_month(self) -> int:
        return days_in_month(self.month)

    @property
    def report_dir(self) -> Path:
        return self.reports_dir / self.month

    @property
    def figures_dir(self) -> Path:
        return self.report_dir / "figures"

    def raw_path(self) -> Path:
        """The month's bulletin in the raw folder: RAW/<month>.txt or RAW/<month>.pdf (exactly one)."""
        return find_raw_bulletin(self.raw_dir, self.month)

    def is_processed(self) -> bool:
        return partition_path(self.processed_dir, "bookings", self.month).is_file()

    def table(self, name: str) -> pl.DataFrame:
        """One table of this month. Reads only: a month not yet ingested is read from its raw bulletin in
        memory (and validated as ingest would), with a note printed once; nothing is written."""
        if not self.is_processed():
            return self.unprocessed_tables()[name]
        path = partition_path(self.processed_dir, name, self.month)
        if not path.is_file():
            raise UsageError(f"{path}: no processed {name} table for {self.month}; run `njbulletin ingest` first")
        return pl.read_parquet(path)

    def history(self, name: str) -> pl.DataFrame:
        """One table for every processed month up to and including this one, oldest first (this month read
        in memory from the raw folder when it is not processed yet)."""
        months = [m for m in processed_months(self.processed_dir, name) if m <= self.month]
        parts = []
        if months:
            parts.append(scan_table(self.processed_dir, name).filter(pl.col("month").is_in(months)).collect())
        if not self.is_processed():
            parts.append(self.table(name))
        if not parts:
            raise UsageError(f"no processed {name} table up to {self.month}")
        return pl.concat(parts, how="diagonal_relaxed").sort("month", maintain_order=True)

    def unprocessed_tables(self) -> dict[str, pl.DataFrame]:
        """The month's tables read from its raw bulletin in memory (cached per file version)."""
        path = self.raw_path()
        stat = path.stat()
        return read_tables_in_memory(path, stat.st_mtime_ns, stat.st_size, self.allow_errors,
                                     str(self.processed_dir))

    def months_available(self, name: str = "bookings") -> list[str]:
        return [m for m in processed_months(self.processed_dir, name) if m <= self.month]
