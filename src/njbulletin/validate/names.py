"""The hospital registry (`data/reference/hospitals.csv`) and name resolution across tables.

The bulletin prints the same institution differently from table to table
(南京鼓楼医院（含分院） in bookings, 南京鼓楼医院 in uploads) and mixes full-width and
ASCII brackets. Every name is first normalised (`normalise_name`), then looked up
among the registry's canonical names and aliases. A name the registry does not know
is kept as printed: it is never dropped, and `name_known` is False so validation can
flag it. See docs/hospitals.md for how to add a hospital.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import polars as pl

from njbulletin import config
from njbulletin.errors import BulletinError

REGISTRY_PATH = config.REFERENCE_DIR / "hospitals.csv"
REGISTRY_COLUMNS = ("canonical", "aliases", "english", "kind", "parent")
KINDS = ("hospital", "campus", "district")
ALIAS_SEPARATOR = "|"
REGISTRY_SCHEMA = {"canonical": pl.String, "alias": pl.String, "english": pl.String, "kind": pl.String,
                   "parent": pl.String}

WHITESPACE = re.compile(r"\s+")
# Several printed names of one institution shown in one cell (a hospital and its campus): "甲医院 + 甲医院乙院区".
NAME_JOINER = " + "


def normalise_name(name: str) -> str:
    """The form names are compared in: NFKC (full-width brackets, letters and digits become ASCII),
    every kind of space removed, and bracket variants unified to ASCII round brackets."""
    text = unicodedata.normalize("NFKC", name)
    text = WHITESPACE.sub("", text)
    return text.translate(str.maketrans({"〔": "(", "〕": ")", "[": "(", "]": ")", "【": "(", "】": ")"}))


def read_registry_rows(path: Path) -> list[dict[str, str]]:
    """The registry file's rows, checked for the columns it must have."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REGISTRY_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise BulletinError(f"hospital registry lacks column(s) {', '.join(missing)}", line=1,
                                    source=str(path))
            return [dict(row) | {"_line": str(reader.line_num)} for row in reader]
    except OSError as exc:
        raise BulletinError(f"cannot read the hospital registry: {exc.strerror}", source=str(path)) from None


def build_registry(rows: list[dict[str, str]], source: str = "<registry>") -> pl.DataFrame:
    """One row per alias (each canonical name is also its own alias), checked for consistency:
    a known kind, an English name, a parent only for campuses and one the registry knows, and no
    alias that normalises to a name of another institution."""
    canonicals = {normalise_name(row["canonical"]): row["canonical"] for row in rows}
    records: list[dict[str, str | None]] = []
    owner: dict[str, str] = {}
    for row in rows:
        line = int(row["_line"])
        canonical, english = row["canonical"].strip(), (row["english"] or "").strip()
        kind, parent = (row["kind"] or "").strip(), (row["parent"] or "").strip() or None
        if not canonical or not english:
            raise BulletinError("every registry row needs a canonical and an English name", line=line, source=source)
        if kind not in KINDS:
            raise BulletinError(f"kind '{kind}' of {canonical} is not one of {', '.join(KINDS)}", line=line,
                                source=source)
        if (kind == "campus") != (parent is not None):
            raise BulletinError(f"{canonical}: a campus needs a parent, and only a campus has one", line=line,
                                source=source)
        if parent is not None and normalise_name(parent) not in canonicals:
            raise BulletinError(f"{canonical}: parent '{parent}' is not a canonical name in the registry",
                                line=line, source=source)
        aliases = [canonical, *(a.strip() for a in (row["aliases"] or "").split(ALIAS_SEPARATOR) if a.strip())]
        for alias in aliases:
            key = normalise_name(alias)
            if key in owner and owner[key] != canonical:
                raise BulletinError(f"alias '{alias}' names both {owner[key]} and {canonical}", line=line,
                                    source=source)
            if key in owner:
                continue
            owner[key] = canonical
            records.append({"canonical": canonical, "alias": alias, "english": english, "kind": kind,
                            "parent": canonicals.get(normalise_name(parent)) if parent else None})
    return pl.DataFrame(records, schema=REGISTRY_SCHEMA)


@lru_cache(maxsize=4)
def load_registry(path: str | Path | None = None) -> pl.DataFrame:
    """The registry, one row per alias: canonical, alias, english, kind, parent (cached per path)."""
    path = Path(path) if path is not None else REGISTRY_PATH
    return build_registry(read_registry_rows(path), source=str(path))


def registry_lookup(registry: pl.DataFrame) -> pl.DataFrame:
    """The registry keyed by normalised alias, with each name's institution (a campus's parent)."""
    return (registry
            .with_columns(pl.col("alias").map_elements(normalise_name, return_dtype=pl.String).alias("_key"),
                          pl.coalesce("parent", "canonical").alias("_institution"))
            .select("_key", "canonical", "english", "kind", "_institution"))


def resolve_names(frame: pl.DataFrame, column: str, registry: pl.DataFrame | None = None) -> pl.DataFrame:
    """Add canonical_name, english_name and name_known to a frame; never drops or reorders rows.

    An unknown name keeps its printed form as canonical_name and english_name.
    """
    return (resolve_registry_columns(frame, column, registry)
            .drop("_kind", "_institution"))


def with_canonical_units(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """The frame with `unit` holding each row's canonical name (`resolve_names` on `column`): how a unit is known
    across months and tables (the units present, their appearing and disappearing)."""
    return resolve_names(frame, column).with_columns(pl.col("canonical_name").alias("unit"))


def resolve_institutions(frame: pl.DataFrame, column: str, registry: pl.DataFrame | None = None) -> pl.DataFrame:
    """Like resolve_names, plus `institution`: the canonical name of the institution a name belongs
    to (the parent hospital for a campus, else the canonical name; the printed name when unknown)."""
    return (resolve_registry_columns(frame, column, registry)
            .rename({"_institution": "institution"})
            .drop("_kind"))


@lru_cache(maxsize=1)
def default_lookup() -> pl.DataFrame:
    return registry_lookup(load_registry())


def resolve_registry_columns(frame: pl.DataFrame, column: str, registry: pl.DataFrame | None) -> pl.DataFrame:
    lookup = default_lookup() if registry is None else registry_lookup(registry)
    keys = (frame.select(pl.col(column).unique())
            .with_columns(pl.col(column).map_elements(normalise_name, return_dtype=pl.String).alias("_key")))
    resolved = (keys.join(lookup, on="_key", how="left")
                .select(column,
                        pl.coalesce("canonical", column).alias("canonical_name"),
                        pl.coalesce("english", column).alias("english_name"),
                        pl.col("canonical").is_not_null().alias("name_known"),
                        pl.col("kind").alias("_kind"),
                        pl.coalesce("_institution", column).alias("_institution")))
    return frame.join(resolved, on=column, how="left", maintain_order="left", nulls_equal=True)


def english_name(name: str, registry: pl.DataFrame | None = None) -> str:
    """The English name of a hospital or district; the name as given when the registry lacks it."""
    lookup = default_lookup() if registry is None else registry_lookup(registry)
    match = lookup.filter(pl.col("_key") == normalise_name(name))
    return match["english"][0] if match.height else name
