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

    @classmethod
    def from_parameters(cls, month: str = config.DEFAULT_MONTH, raw_dir: str | Path | None = None,
                        processed_dir: str | Path | None = None, reports_dir: str | Path | None = None,
                        lang: str = "zh") -> "MonthContext":
        """Build a context from notebook parameters; empty or None folders mean the project defaults."""
        if lang not in LANGUAGES:
            raise UsageError(f"invalid lang {lang!r}: expected one of {', '.join(LANGUAGES)}")
        return cls(month=validate_month(month),
                   raw_dir=Path(raw_dir or config.RAW_DIR).resolve(),
                   processed_dir=Path(processed_dir or config.PROCESSED_DIR).resolve(),
                   reports_dir=Path(reports_dir or config.REPORTS_DIR).resolve(),
                   lang=lang)

    @property
    def days_in_month(self) -> int:
        return days_in_month(self.month)

    @property
    def report_dir(self) -> Path:
        return self.reports_dir / self.month

    @property
    def figures_dir(self) -> Path:
        return self.report_dir / "figures"

    def table(self, name: str) -> pl.DataFrame:
        """One processed table for this month."""
        path = partition_path(self.processed_dir, name, self.month)
        if not path.is_file():
            raise UsageError(f"{path}: no processed {name} table for {self.month}; run `njbulletin ingest` first")
        return pl.read_parquet(path)

    def history(self, name: str) -> pl.DataFrame:
        """One processed table for every month up to and including this one, oldest first."""
        months = [m for m in processed_months(self.processed_dir, name) if m <= self.month]
        if not months:
            raise UsageError(f"no processed {name} table up to {self.month}")
        return (scan_table(self.processed_dir, name).filter(pl.col("month").is_in(months))
                .collect().sort("month", maintain_order=True))

    def months_available(self, name: str = "bookings") -> list[str]:
        return [m for m in processed_months(self.processed_dir, name) if m <= self.month]
