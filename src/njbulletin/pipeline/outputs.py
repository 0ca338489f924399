"""A month's outputs, staged and swapped in as a whole; the exports across months.

Each month is written to a hidden staging folder, `REPORTS/.staging/YYYY-MM-<random>/YYYY-MM/` (the
notebooks are given `REPORTS/.staging/YYYY-MM-<random>` as their reports folder, so their figures land
there too). When the month has ended, its folder replaces `REPORTS/YYYY-MM` with two renames. A month
the machine stops (a full disk, an I/O error, a folder that cannot be written) is dropped from staging,
and `REPORTS/YYYY-MM` stays byte for byte as it was. The all-months exports (`REPORTS/data/`) are staged
and swapped the same way. A run killed between the two renames leaves the previous folder in staging;
the next run puts it back (`recover_interrupted_swaps`).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from njbulletin.pipeline.manifest import MANIFEST_NAME

STAGING_DIRNAME = ".staging"
RETIRED_NAME = "previous"  # the month's previous folder, inside its staging folder, during the swap
SUMMARY_NAME = "summary.json"


@dataclass(frozen=True)
class FolderStage:
    """Where a folder of REPORTS (a month's, or data/ of the all-months exports) is written until it is
    swapped in."""
    target: Path  # REPORTS/YYYY-MM or REPORTS/data, what readers see
    folder: Path  # REPORTS/.staging/<name>-<random>; a month's notebooks are given it as their reports folder

    @classmethod
    def create(cls, target: Path) -> FolderStage:
        target = Path(target)
        root = target.parent / STAGING_DIRNAME
        root.mkdir(parents=True, exist_ok=True)
        stage = cls(target, Path(tempfile.mkdtemp(prefix=f"{target.name}-", dir=root)))
        stage.staged.mkdir()
        return stage

    @property
    def staged(self) -> Path:
        """The staged copy of the target folder, written in full before the swap."""
        return self.folder / self.target.name

    def swap_in(self) -> None:
        """Replace the target folder with the staged one (two renames in one file system)."""
        retired = self.folder / RETIRED_NAME
        if self.target.exists():
            os.rename(self.target, retired)
        try:
            os.rename(self.staged, self.target)
        except OSError:
            if retired.exists():
                os.rename(retired, self.target)
            raise
        shutil.rmtree(self.folder, ignore_errors=True)

    def discard(self) -> None:
        """Drop the staged outputs (never anything outside the staging folder). When a failed swap could not
        even put the previous folder back, that folder stays in staging, and the next run puts it back."""
        if self.folder.parent.name != STAGING_DIRNAME:
            raise ValueError(f"{self.folder} is not a staging folder")
        if (self.folder / RETIRED_NAME).exists():
            shutil.rmtree(self.staged, ignore_errors=True)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def recover_interrupted_swaps(reports_dir: Path) -> list[Path]:
    """Put back a folder that a run killed mid-swap left in staging; return the folders put back."""
    recovered = []
    for retired in sorted(Path(reports_dir).glob(f"{STAGING_DIRNAME}/*/{RETIRED_NAME}")):
        target = Path(reports_dir) / retired.parent.name.rsplit("-", 1)[0]  # <name>-<random>: mkdtemp's name
        if not target.exists():
            os.rename(retired, target)
            recovered.append(target)
    return recovered


def remove_staging(reports_dir: Path) -> list[Path]:
    """Remove every staging folder (called with the reports folder's lock held: no run is writing one)."""
    folders = sorted(Path(reports_dir).glob(f"{STAGING_DIRNAME}/*"))
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    return folders


# ----------------------------------------------------------------------------- one month's files


def notebook_files(month_dir: Path, name: str) -> list[Path]:
    """A notebook's outputs in a month folder: its executed notebook, its page and its figures (a figure's
    name starts with its notebook's number, as `10-channels.png` does for 10-booking-channels)."""
    figures = sorted(path for path in (Path(month_dir) / "figures").glob(f"{name[:2]}-*") if path.is_file())
    return [Path(month_dir) / f"{name}.ipynb", Path(month_dir) / f"{name}.html", *figures]


def link_or_copy(source: Path, target: Path) -> None:
    """The same bytes at `target`: a hard link where the file system allows it, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def keep_notebook_outputs(month_dir: Path, staged: Path, names: list[str]) -> None:
    """Put the kept notebooks' outputs, byte for byte, from the month's current folder into its staged one."""
    for name in names:
        for source in notebook_files(month_dir, name):
            link_or_copy(source, staged / source.relative_to(month_dir))


def processed_partitions(processed_dir: Path, month: str) -> dict[str, Path]:
    """The month's processed partition of each table that has one, by table name."""
    from njbulletin.storage import partition_path, processed_table_names

    paths = {name: partition_path(processed_dir, name, month) for name in processed_table_names(processed_dir)}
    return {name: path for name, path in paths.items() if path.is_file()}


def write_csv_exports(tables: dict, data_dir: Path) -> list[Path]:
    """Each table as data/<table>.csv, UTF-8 with a BOM so Excel shows Chinese text; written atomically."""
    from njbulletin.atomic import write_csv_atomic

    return [write_csv_atomic(frame, Path(data_dir) / f"{name}.csv") for name, frame in sorted(tables.items())]


def write_month_files(processed_dir: Path, month: str, month_dir: Path, source: dict) -> dict:
    """summary.json, data/*.csv and data/datapackage.json (its `source`: the bulletin and the code) of the
    month's processed tables, into `month_dir`; returns the summary. The package describes the CSVs the
    notebooks wrote to data/ too (`contract.ANALYSIS_EXPORTS`)."""
    from njbulletin.analysis.summary import summarise_month
    from njbulletin.atomic import write_text_atomic
    from njbulletin.months import days_in_month
    from njbulletin.report.datapackage import analysis_exports, write_data_package
    from njbulletin.storage import read_month_table

    tables = {name: read_month_table(processed_dir, name, month) for name in processed_partitions(processed_dir, month)}
    summary = summarise_month(month, days_in_month(month), tables)
    write_csv_exports(tables, month_dir / "data")
    # the package also describes the attention notebook's exports (attention.csv, spc.csv), already written
    write_data_package(month_dir / "data", {**tables, **analysis_exports(month_dir / "data")}, [source], month)
    write_text_atomic(month_dir / SUMMARY_NAME, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


def write_manifest(month_dir: Path, text: str) -> Path:
    from njbulletin.atomic import write_text_atomic

    write_text_atomic(month_dir / MANIFEST_NAME, text)
    return month_dir / MANIFEST_NAME


# ----------------------------------------------------------------------------- across months


def write_all_months_exports(processed_dir: Path, reports_dir: Path) -> list[Path]:
    """REPORTS/data/: every processed month of each table in one CSV (`<table>.csv`, oldest month first),
    and `summary.csv`, one row per ingested month with its key figures and its run's status (empty for a
    month that was ingested but never run; a month whose analysis notebook failed still has its figures), for
    researchers who work in Excel, SPSS or Stata rather than with the parquet datasets. The folder is staged
    and swapped in whole."""
    import polars as pl

    from njbulletin.report.datapackage import sources_from_manifests, write_data_package
    from njbulletin.report.index import collect_month_entries
    from njbulletin.storage import processed_table_names, scan_table

    tables = {name: scan_table(processed_dir, name).collect().sort("month", maintain_order=True)
              for name in processed_table_names(processed_dir)}
    entries = collect_month_entries(reports_dir)
    summaries = summary_rows(tables, entries)
    if summaries:
        tables["summary"] = pl.from_dicts(summaries, infer_schema_length=None)
    stage = FolderStage.create(Path(reports_dir) / "data")
    try:
        written = write_csv_exports(tables, stage.staged)
        write_data_package(stage.staged, tables, sources_from_manifests(entry["manifest"] for entry in entries))
        stage.swap_in()
    except BaseException:
        stage.discard()
        raise
    return [stage.target / path.name for path in written]


def summary_rows(tables: dict, entries: list[dict]) -> list[dict]:
    """summary.csv's rows, oldest first: the key figures of every ingested month, computed from its processed
    tables (analysis.summary.summarise_months, the function that writes summary.json), with the status of its
    last run (None when it never ran); a month that has reports but no processed tables any more keeps the
    figures of its summary.json."""
    from njbulletin.analysis.summary import summarise_months

    statuses = {entry["month"]: entry["manifest"].get("status") for entry in entries}
    figures = {summary["month"]: summary for summary in summarise_months(tables)}
    figures |= {entry["month"]: entry["summary"] for entry in entries
                if entry["summary"] and entry["month"] not in figures}
    return [{"month": month, "run_status": statuses.get(month), **figures[month]} for month in sorted(figures)]
