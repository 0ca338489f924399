"""What the history store holds for each month, and how the notebooks that look across months read it.

A month's entry (`history_store` writes, stamps and reads it) is four small frames computed from its tables:

- `key_figures`: one row, the month's key figures (`summary.compute_key_figures`);
- `indicator_values`: every indicator of the city, each district and each hospital (`series`);
- `completeness`: per level, units, complete units, share complete, units without uploads, mean score;
- `units`: the units present, by canonical name (hospitals in the bookings; districts and hospitals in the
  uploads), for the units appearing and disappearing;
- `standing_flags`: the month's flags of the standing problems' rules (`standing.standing_flags`), for since
  when each has lasted.

`write_month` is called when a month is ingested (notebook 01, `njbulletin ingest`); the pipeline calls
`refresh` before history notebooks run, for the months whose entry is missing or stale; history notebooks
call `read_months`.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from njbulletin.analysis import history_store
from njbulletin.analysis.completeness import summarise_completeness
from njbulletin.analysis.series import derive_indicator_values
from njbulletin.analysis.standing import standing_flags
from njbulletin.analysis.summary import compute_key_figures
from njbulletin.months import days_in_month
from njbulletin.validate.names import resolve_names

KEY_FIGURES_SCHEMA = {
    "month": pl.String, "days_in_month": pl.Int64, "bookings_total": pl.Int64, "third_party_share": pl.Float64,
    "platforms_total": pl.Int64, "hotline_calls": pl.Int64, "work_orders": pl.Int64, "upload_units": pl.Int64,
    "upload_units_complete": pl.Int64, "hospital_outpatient_visits": pl.Int64, "cumulative_bookings": pl.Float64,
    "cumulative_records": pl.Float64, "quality_flags": pl.Int64, "quality_errors": pl.Int64}
COMPLETENESS_SCHEMA = {"month": pl.String, "level": pl.String, "units": pl.Int64, "complete": pl.Int64,
                       "share_complete": pl.Float64, "without_uploads": pl.Int64, "mean_score": pl.Float64}
UNITS_SCHEMA = {"month": pl.String, "source": pl.String, "level": pl.String, "unit": pl.String}


def derive_key_figures(month: str, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    figures = compute_key_figures(month, days_in_month(month), tables)
    return pl.DataFrame([{name: figures[name] for name in KEY_FIGURES_SCHEMA}], schema=KEY_FIGURES_SCHEMA,
                        orient="row")


def derive_completeness(month: str, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    if "uploads" not in tables:
        return pl.DataFrame(schema=COMPLETENESS_SCHEMA)
    return (summarise_completeness(tables["uploads"], days_in_month(month))
            .select(pl.lit(month).alias("month"), pl.all()).cast(COMPLETENESS_SCHEMA).sort("level"))


def derive_units(month: str, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The units present in the month, by canonical name: hospitals in the bookings, units in the uploads."""
    parts = []
    if "bookings" in tables:
        parts.append(resolve_names(tables["bookings"], "hospital")
                     .select(pl.lit("bookings").alias("source"), pl.lit("hospital").alias("level"),
                             pl.col("canonical_name").alias("unit")))
    if "uploads" in tables:
        parts.append(resolve_names(tables["uploads"], "unit")
                     .select(pl.lit("uploads").alias("source"), "level", pl.col("canonical_name").alias("unit")))
    if not parts:
        return pl.DataFrame(schema=UNITS_SCHEMA)
    return (pl.concat(parts).unique().select(pl.lit(month).alias("month"), pl.all())
            .cast(UNITS_SCHEMA).sort("source", "level", "unit"))


def derive_standing_flags(month: str, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    return standing_flags(month, tables["quality_flags"])


DERIVERS: dict[str, history_store.Deriver] = {"key_figures": derive_key_figures,
                                              "indicator_values": derive_indicator_values,
                                              "completeness": derive_completeness, "units": derive_units,
                                              "standing_flags": derive_standing_flags}
DATASETS = tuple(DERIVERS)


def write_month(processed_dir: Path, month: str, tables: Mapping[str, pl.DataFrame]) -> None:
    """Write the month's entry, computed from the tables just stored for it."""
    history_store.write_entry(processed_dir, month, tables, DERIVERS)


def refresh(processed_dir: Path, months: list[str]) -> list[str]:
    """Compute again the entries of those months whose tables or code changed; returns those months."""
    return history_store.refresh_entries(processed_dir, months, DERIVERS)


def read_months(ctx, datasets: tuple[str, ...] = DATASETS) -> dict[str, pl.DataFrame]:
    """The datasets of every processed month up to the context's month (`MonthContext`), oldest first."""
    return history_store.read_datasets(ctx, {dataset: DERIVERS[dataset] for dataset in datasets})


def units_of(units: pl.DataFrame, source: str) -> pl.DataFrame:
    """The units present in one source table ('bookings' or 'uploads'), month by month."""
    return units.filter(pl.col("source") == source).drop("source")
