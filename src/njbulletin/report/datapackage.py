"""Frictionless Data Packages for the CSV exports: `datapackage.json` beside the CSVs of each month
(REPORTS/YYYY-MM/data/) and of all months (REPORTS/data/).

Each CSV is a tabular data resource with its size, sha256 and Table Schema: every field's type, Chinese
title, English description and unit, the allowed values of code columns, and the primary key. The package
names its sources (each bulletin and its sha256, with the digest of the code that read it) and says how
the data was made. Everything comes from the table contract (njbulletin.contract.TABLE_DOCS), as does the
data dictionary (njbulletin.report.dictionary). Nothing in a package depends on when it was written, so
a rerun writes the same bytes.
"""
from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import polars as pl

from njbulletin.atomic import write_text_atomic
from njbulletin.contract import ANALYSIS_EXPORTS, EXPORT_SCHEMAS, TABLE_DOCS, Column

PACKAGE_NAME = "datapackage.json"
BULLETIN_ZH = "南京市卫生信息中心月报"
FRICTIONLESS_TYPES = {pl.String: "string", pl.Int64: "integer", pl.Float64: "number", pl.Boolean: "boolean",
                      pl.Date: "date"}
MONTH_PATTERN = r"\d{4}-(0[1-9]|1[0-2])"
HOW_MADE = (
    "Tables read from the monthly bulletin of the Nanjing Health Information Center ({bulletin}) by njbulletin. "
    "Each bulletin listed in `sources` (with the sha256 of the file read, and the sha256 of the code that read "
    "it) was parsed into the tidy tables of the table contract, validated (printed totals reconciled with the "
    "rows, quality rules checked; the findings are in quality_flags), stored as parquet partitions "
    "(data/processed/<table>/month=YYYY-MM/data.parquet) and exported here by `njbulletin run`. "
    "CSV files: UTF-8 with a byte-order mark, comma-separated, one header row; an empty cell means the bulletin "
    "printed `/` (not reported). Each month's manifest.json (REPORTS/YYYY-MM/manifest.json) records the inputs, "
    "code, package versions and lock of the run. Field types, titles, descriptions and units are described in "
    "docs/data-dictionary.md."
)


class UndocumentedColumnError(ValueError):
    """An exported column the table contract does not describe."""


def field_type(dtype: pl.DataType) -> str:
    return FRICTIONLESS_TYPES[dtype]


def field_descriptor(name: str, dtype: pl.DataType, column: Column, in_key: bool) -> dict:
    """A Table Schema field: name, type, Chinese title, English description, unit (null when it has none)."""
    field = {"name": name, "type": field_type(dtype), "title": column.title_zh,
             "description": column.description_en, "unit": column.unit}
    constraints: dict[str, object] = {"required": True} if in_key else {}
    if column.values:
        constraints["enum"] = list(column.values)
    if name == "month":
        constraints["pattern"] = MONTH_PATTERN
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: str, columns: Sequence[str]) -> dict:
    """The Table Schema of one exported table, its fields in the CSV's column order."""
    docs, types = TABLE_DOCS.get(table), EXPORT_SCHEMAS.get(table, {})
    undocumented = [name for name in columns if docs is None or name not in docs.columns or name not in types]
    if undocumented:
        raise UndocumentedColumnError(f"{table}: column {', '.join(undocumented)} is not described in the table "
                                      f"contract (njbulletin/contract.py, TABLE_DOCS and EXPORT_SCHEMAS)")
    fields = [field_descriptor(name, types[name], docs.columns[name], name in docs.primary_key)
              for name in columns]
    return {"fields": fields, "primaryKey": list(docs.primary_key), "missingValues": [""]}


def resource_description(table: str) -> str:
    docs = TABLE_DOCS[table]
    description = f"{docs.description_en}\n\nSource: {docs.source}."
    return description + (f"\n\n{docs.notes_md}" if docs.notes_md else "")


def resource_descriptor(table: str, csv_path: Path, columns: Sequence[str]) -> dict:
    """One CSV as a tabular data resource, with its size and sha256 (a validator checks both)."""
    content = Path(csv_path).read_bytes()
    return {"name": table, "path": Path(csv_path).name, "profile": "tabular-data-resource",
            "title": TABLE_DOCS[table].title_zh, "description": resource_description(table),
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": len(content),
            "hash": f"sha256:{hashlib.sha256(content).hexdigest()}", "schema": table_schema(table, columns)}


def month_source(month: str, raw_name: str, raw_sha256: str, code_sha256: str | None) -> dict:
    """The bulletin one month was read from: its file name, sha256, and the digest of the code that read it."""
    return {"title": f"{BULLETIN_ZH} {month}", "path": raw_name, "month": month, "sha256": raw_sha256,
            "code_sha256": code_sha256}


def sources_from_manifests(manifests: Iterable[Mapping]) -> list[dict]:
    """Each month's bulletin, as its last run's manifest.json recorded it, oldest month first (months
    whose manifest names no input of their own are left out)."""
    sources = []
    for manifest in manifests:
        month = manifest.get("month")
        own = [entry for entry in manifest.get("inputs", []) if Path(entry.get("path", "")).stem == month]
        if month and own:
            sources.append(month_source(month, Path(own[0]["path"]).name, own[0]["sha256"],
                                        (manifest.get("code") or {}).get("sha256")))
    return sorted(sources, key=lambda source: source["month"])


def data_package(name: str, title: str, resources: list[dict], sources: list[dict]) -> dict:
    return {"profile": "tabular-data-package", "name": name, "title": title,
            "description": HOW_MADE.format(bulletin=BULLETIN_ZH), "sources": sources, "resources": resources}


def build_data_package(data_dir: Path, tables: Mapping[str, pl.DataFrame], sources: list[dict],
                       month: str | None = None) -> dict:
    """The package describing `<table>.csv` in data_dir for each table (already written there); `month`
    names a month's package, None the package of all months."""
    resources = [resource_descriptor(table, Path(data_dir) / f"{table}.csv", frame.columns)
                 for table, frame in sorted(tables.items())]
    if month is None:
        return data_package("njbulletin-all-months", f"{BULLETIN_ZH}数据（全部月份）", resources, sources)
    return data_package(f"njbulletin-{month}", f"{BULLETIN_ZH}数据 {month}", resources, sources)


def analysis_exports(data_dir: Path) -> dict[str, pl.DataFrame]:
    """The attention notebook's exports already in data_dir (attention.csv, spc.csv), each as an empty frame
    with the CSV's columns: what a package needs to describe a CSV it did not write."""
    found = {}
    for name in ANALYSIS_EXPORTS:
        path = Path(data_dir) / f"{name}.csv"
        if path.is_file():
            with open(path, encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle), [])
            found[name] = pl.DataFrame(schema={column: EXPORT_SCHEMAS[name].get(column, pl.String) for column in header})
    return found


def write_data_package(data_dir: Path, tables: Mapping[str, pl.DataFrame], sources: list[dict],
                       month: str | None = None) -> Path:
    """Write data_dir/datapackage.json (temporary file, then rename) and return its path."""
    target = Path(data_dir) / PACKAGE_NAME
    package = build_data_package(data_dir, tables, sources, month)
    write_text_atomic(target, json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    return target
