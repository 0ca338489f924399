"""What the history store holds for each month, computed from the month's tables (pure: frames in, frames out;
`njbulletin.history_store` writes, stamps and reads the entries). A month's entry is five small frames:

- `key_figures`: one row, the month's key figures (`summary.compute_key_figures`);
- `indicator_values`: every indicator of the city, each district and each hospital (`series`);
- `completeness`: per level, units, complete units, share complete, units without uploads, mean score;
- `units`: the units present, by canonical name (hospitals in the bookings; districts and hospitals in the
  uploads), for the units appearing and disappearing;
- `standing_flags`: the month's flags of the standing problems' rules (`standing.standing_flags`), for since
  when each has lasted.

`derive_entry` computes an entry (every dataset, or those asked for) from the tables of one month.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from njbulletin.analysis.completeness import summarise_completeness
from njbulletin.analysis.series import derive_indicator_values
from njbulletin.analysis.standing import standing_flags
from njbulletin.analysis.summary import compute_key_figures, present_tables
from njbulletin.contract import KEY_FIGURES, key_figures_schema
from njbulletin.months import days_in_month
from njbulletin.validate.names import with_canonical_units

KEY_FIGURES_SCHEMA = key_figures_schema(*KEY_FIGURES)  # every key figure (njbulletin.contract)
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
        parts.append(with_canonical_units(tables["bookings"], "hospital")
                     .select(pl.lit("bookings").alias("source"), pl.lit("hospital").alias("level"), "unit"))
    if "uploads" in tables:
        parts.append(with_canonical_units(tables["uploads"], "unit")
                     .select(pl.lit("uploads").alias("source"), "level", "unit"))
    if not parts:
        return pl.DataFrame(schema=UNITS_SCHEMA)
    return (pl.concat(parts).unique().select(pl.lit(month).alias("month"), pl.all())
            .cast(UNITS_SCHEMA).sort("source", "level", "unit"))


def derive_standing_flags(month: str, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    return standing_flags(month, tables["quality_flags"])


# Each dataset's frame for one month, from the month's tables (`present_tables`).
DERIVERS: dict[str, Callable[[str, Mapping[str, pl.DataFrame]], pl.DataFrame]] = {
    "key_figures": derive_key_figures, "indicator_values": derive_indicator_values,
    "completeness": derive_completeness, "units": derive_units, "standing_flags": derive_standing_flags}
DATASETS = tuple(DERIVERS)
# The tables a dataset's frame is derived from, where it is fewer than every table of the month: a reader that
# needs only such datasets of a month checks only those tables' partitions (`history_store.read_months`).
DERIVED_FROM: dict[str, tuple[str, ...]] = {"standing_flags": ("quality_flags",)}


def tables_derived_from(datasets: tuple[str, ...]) -> tuple[str, ...] | None:
    """The tables the datasets' frames are derived from (DERIVED_FROM), or None when one needs every table."""
    if not datasets or any(dataset not in DERIVED_FROM for dataset in datasets):
        return None
    return tuple(sorted({table for dataset in datasets for table in DERIVED_FROM[dataset]}))


def derive_entry(month: str, tables: Mapping[str, pl.DataFrame],
                 datasets: tuple[str, ...] = DATASETS) -> dict[str, pl.DataFrame]:
    """A month's entry (the datasets asked for), from its tables (every table ingest stores for it)."""
    present = present_tables(tables)
    return {dataset: DERIVERS[dataset](month, present) for dataset in datasets}


def units_of(units: pl.DataFrame, source: str) -> pl.DataFrame:
    """The units present in one source table ('bookings' or 'uploads'), month by month."""
    return units.filter(pl.col("source") == source).drop("source")
