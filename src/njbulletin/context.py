"""What a notebook needs to know about its month: parameters resolved into paths and data access.

Notebooks hold only simple parameter defaults (None means "the project default
from config.py"); this module turns them into absolute paths and reads tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from njbulletin import config
from njbulletin.errors import UsageError
from njbulletin.months import days_in_month, validate_month
from njbulletin.storage import partition_path, processed_months, scan_table

LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class MonthContext:
    month: str
    raw_dir: Path
    processed_dir: Path
    reports_dir: Path
    lang: str = "zh"
    allow_errors: bool = False  # store a month whose validation finds errors (they go to quality_flags)

    @classmethod
    def from_parameters(cls, month: str = config.DEFAULT_MONTH, raw_dir: str | Path | None = None,
                        processed_dir: str | Path | None = None, reports_dir: str | Path | None = None,
                        lang: str = "zh", allow_errors: bool = False) -> "MonthContext":
        """Build a context from notebook parameters; empty or None folders mean the project defaults."""
        if lang not in LANGUAGES:
            raise UsageError(f"invalid lang {lang!r}: expected one of {', '.join(LANGUAGES)}")
        return cls(month=validate_month(month),
                   raw_dir=Path(raw_dir or config.RAW_DIR).resolve(),
                   processed_dir=Path(processed_dir or config.PROCESSED_DIR).resolve(),
                   reports_dir=Path(reports_dir or config.REPORTS_DIR).resolve(),
                   lang=lang, allow_errors=bool(allow_errors))

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
        found = [path for path in (self.raw_dir / f"{self.month}.txt", self.raw_dir / f"{self.month}.pdf")
                 if path.is_file()]
        if not found:
            raise UsageError(f"{self.raw_dir}: no bulletin for {self.month} (expected {self.month}.txt or .pdf)")
        if len(found) > 1:
            raise UsageError(f"{self.raw_dir}: both {self.month}.txt and {self.month}.pdf exist; keep one")
        return found[0]

    def is_processed(self) -> bool:
        return partition_path(self.processed_dir, "bookings", self.month).is_file()

    def ingest(self):
        """Parse and validate the month's raw bulletin and write its processed tables (with quality_flags).

        Returns (bulletin, validation report). A month with validation errors is not written, as with
        `njbulletin ingest` without --allow-errors: BulletinError names the file and the first errors.
        With allow_errors (`njbulletin run --allow-errors`) it is written, its errors stored in
        quality_flags with severity 'error'.
        """
        from njbulletin.errors import BulletinError
        from njbulletin.ingest import ensure_outside_raw, read_bulletin, tables_to_write
        from njbulletin.storage import write_month_tables
        from njbulletin.validate.checks import validate_bulletin

        ensure_outside_raw(self.processed_dir)
        bulletin = read_bulletin(self.raw_path())
        report = validate_bulletin(bulletin)
        if report.errors and not self.allow_errors:
            first = "; ".join(issue.format() for issue in report.errors[:3])
            raise BulletinError(f"{len(report.errors)} validation errors, {self.month} not written "
                                f"(--allow-errors stores it with the errors flagged): {first}",
                                source=bulletin.source)
        write_month_tables(tables_to_write(bulletin, report), self.processed_dir, self.month)
        return bulletin, report

    def ensure_processed(self) -> None:
        """Ingest the month from the raw folder when it has not been processed yet (notebooks opened on
        their own in JupyterLab run top to bottom with their defaults)."""
        if not self.is_processed():
            self.ingest()

    def table(self, name: str) -> pl.DataFrame:
        """One processed table for this month (ingested from the raw folder first if it is missing)."""
        path = partition_path(self.processed_dir, name, self.month)
        if not path.is_file() and not self.is_processed():
            self.ensure_processed()
        if not path.is_file():
            raise UsageError(f"{path}: no processed {name} table for {self.month}; run `njbulletin ingest` first")
        return pl.read_parquet(path)

    def history(self, name: str) -> pl.DataFrame:
        """One processed table for every month up to and including this one, oldest first."""
        self.ensure_processed()
        months = [m for m in processed_months(self.processed_dir, name) if m <= self.month]
        if not months:
            raise UsageError(f"no processed {name} table up to {self.month}")
        return (scan_table(self.processed_dir, name).filter(pl.col("month").is_in(months))
                .collect().sort("month", maintain_order=True))

    def months_available(self, name: str = "bookings") -> list[str]:
        return [m for m in processed_months(self.processed_dir, name) if m <= self.month]
