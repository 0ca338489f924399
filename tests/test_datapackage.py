"""Self-describing exports: the data packages (datapackage.json) and the data dictionary, both generated from
the table contract.

The fixture ingests the seed as 2024-11 and relabelled as 2024-10, writes each month's CSVs as the run
does (UTF-8 with a BOM) and the CSVs of both months, then their packages. Row counts are the seed's: 35
hospitals x 4 channels = 140 bookings rows, 5 platforms, 9 hotline categories (6 of calls, 3 of work
orders), 12 districts + 39 hospitals = 51 uploads rows, 44 printed totals.
(tests/test_rerun.py validates the packages a real `njbulletin run` writes.)
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from string import ascii_letters

import frictionless
import polars as pl
import pytest

from njbulletin.analysis.summary import SUMMARY_FIELDS
from njbulletin.commands.main import main
from njbulletin.contract import CHANNELS, EXPORT_SCHEMAS, TABLE_DOCS, TABLE_NAMES, TABLE_SCHEMAS
from njbulletin.report import dictionary
from njbulletin.report.datapackage import (
    UndocumentedColumnError,
    build_data_package,
    month_source,
    sources_from_manifests,
    table_schema,
    write_data_package,
)
from njbulletin.storage import processed_table_names, read_month_table, scan_table
from njbulletin.validate import schemas

from conftest import make_workspace, seed_month_text

MONTHS = ("2024-10", "2024-11")
SEED_ROWS = {"booking_platforms": 5, "bookings": 140, "declared_totals": 44, "hotline": 9, "uploads": 51}
CODE_DIGEST = "c0de" * 16


def write_csvs(tables: dict[str, pl.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.write_csv(folder / f"{name}.csv", include_bom=True)


def summary_row(month: str, days: int) -> dict:
    """The seed's key figures (docs: 276195 bookings, 259989 of them third party, 27332 calls, ...)."""
    return {"month": month, "run_status": "ok", "days_in_month": days, "bookings_total": 276195,
            "third_party_share": round(259989 / 276195, 6), "platforms_total": 18946, "hotline_calls": 27332,
            "upload_units": 51, "upload_units_complete": 8, "hospital_outpatient_visits": 4175517,
            "quality_flags": 106, "quality_errors": 0}


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    workspace = make_workspace(tmp_path_factory.mktemp("datapackage") / "seed")
    (workspace.raw / "2024-10.txt").write_text(seed_month_text("2024-10"), encoding="utf-8")
    raws = {month: workspace.raw / f"{month}.txt" for month in MONTHS}
    assert main(["ingest", *map(str, raws.values()), "--processed", str(workspace.processed)]) == 0
    digests = {month: hashlib.sha256(path.read_bytes()).hexdigest() for month, path in raws.items()}
    for month in MONTHS:
        tables = {name: read_month_table(workspace.processed, name, month)
                  for name in processed_table_names(workspace.processed)}
        folder = workspace.reports / month / "data"
        write_csvs(tables, folder)
        write_data_package(folder, tables, [month_source(month, raws[month].name, digests[month], CODE_DIGEST)], month)
    tables = {name: scan_table(workspace.processed, name).collect().sort("month", maintain_order=True)
              for name in processed_table_names(workspace.processed)}
    tables["summary"] = pl.from_dicts([summary_row("2024-10", 31), summary_row("2024-11", 30)])
    write_csvs(tables, workspace.reports / "data")
    manifests = [{"month": month, "code": {"sha256": CODE_DIGEST},
                  "inputs": [{"path": str(raws[m]), "sha256": digests[m]} for m in MONTHS if m <= month]}
                 for month in reversed(MONTHS)]  # as the index lists them, newest first
    write_data_package(workspace.reports / "data", tables, sources_from_manifests(manifests))
    return workspace, digests


def package_paths(workspace) -> dict[str, Path]:
    return {**{month: workspace.reports / month / "data" / "datapackage.json" for month in MONTHS},
            "all": workspace.reports / "data" / "datapackage.json"}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_package_passes_frictionless_validation_with_the_seed_row_counts(exports):
    workspace, _ = exports
    rows = {}
    for scope, path in package_paths(workspace).items():
        report = frictionless.validate(str(path))
        assert report.valid, (scope, report.flatten(["rowNumber", "fieldName", "type", "note"]))
        rows[scope] = {task.name: task.stats["rows"] for task in report.tasks}
        factor = 2 if scope == "all" else 1
        assert {name: rows[scope][name] for name in SEED_ROWS} == {name: n * factor for name, n in SEED_ROWS.items()}
        assert set(rows[scope]) == {*TABLE_NAMES, "quality_flags", *(["summary"] if scope == "all" else [])}
    assert rows["all"]["summary"] == 2
    assert rows["2024-11"]["quality_flags"] == 106


def test_the_frictionless_command_line_validates_the_package_of_all_months(exports):
    workspace, _ = exports
    command = [str(Path(sys.executable).with_name("frictionless")), "validate", "datapackage.json"]
    result = subprocess.run(command, cwd=workspace.reports / "data", capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INVALID" not in result.stdout and result.stdout.count("VALID") == 7


def test_every_field_has_its_type_chinese_title_english_description_and_unit(exports):
    package = load(package_paths(exports[0])["2024-11"])
    resources = {resource["name"]: resource for resource in package["resources"]}
    for resource in resources.values():
        assert resource["profile"] == "tabular-data-resource" and resource["path"] == f"{resource['name']}.csv"
        for field in resource["schema"]["fields"]:
            assert {"name", "type", "title", "description", "unit"} <= set(field), field
            assert any("\u4e00" <= char <= "\u9fff" for char in field["title"]), field["title"]
            assert field["description"][:1] in ascii_letters + "`", field["description"]  # English
    fields = {(name, field["name"]): field for name, resource in resources.items()
              for field in resource["schema"]["fields"]}
    income = fields[("uploads", "outpatient_income_k")]
    assert (income["type"], income["title"], income["unit"]) == ("number", "门急诊收入", "thousand yuan (千元)")
    bookings = fields[("bookings", "count")]
    assert (bookings["type"], bookings["title"], bookings["unit"]) == ("integer", "预约量", "bookings (appointments, 人次)")
    assert fields[("bookings", "hospital")]["unit"] is None
    channels = fields[("bookings", "channel")]["constraints"]["enum"]
    assert channels == ["online_12320", "quick", "in_clinic", "third_party"]
    assert resources["bookings"]["schema"]["primaryKey"] == ["month", "hospital", "channel"]
    assert resources["uploads"]["schema"]["primaryKey"] == ["month", "level", "unit"]
    assert resources["hotline"]["title"] == "12320卫生热线受理情况"


def test_the_sources_are_the_bulletins_with_their_sha256(exports):
    workspace, digests = exports
    paths = package_paths(workspace)
    month = load(paths["2024-11"])
    assert month["name"] == "njbulletin-2024-11" and "njbulletin run" in month["description"]
    assert month["sources"] == [{"title": "南京市卫生信息中心月报 2024-11", "path": "2024-11.txt", "month": "2024-11",
                                 "sha256": digests["2024-11"], "code_sha256": CODE_DIGEST}]
    every = load(paths["all"])
    assert [(source["path"], source["sha256"]) for source in every["sources"]] == [
        ("2024-10.txt", digests["2024-10"]), ("2024-11.txt", digests["2024-11"])]
    assert digests["2024-10"] != digests["2024-11"]


def test_each_csv_is_recorded_with_its_size_and_sha256(exports):
    folder = exports[0].reports / "2024-11" / "data"
    for resource in load(folder / "datapackage.json")["resources"]:
        content = (folder / resource["path"]).read_bytes()
        assert content.startswith("\ufeffmonth,".encode())
        assert (resource["bytes"], resource["hash"]) == (len(content), f"sha256:{hashlib.sha256(content).hexdigest()}")


def rehash(folder: Path) -> None:
    """Record the CSVs' current sizes and hashes, so that only the content rules are left to catch a change."""
    package = load(folder / "datapackage.json")
    for resource in package["resources"]:
        content = (folder / resource["path"]).read_bytes()
        resource["bytes"], resource["hash"] = len(content), f"sha256:{hashlib.sha256(content).hexdigest()}"
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")


def error_types(folder: Path) -> set[str]:
    return {error[0] for error in frictionless.validate(str(folder / "datapackage.json")).flatten(["type"])}


def test_validation_catches_a_changed_csv_a_bad_code_a_bad_month_and_a_repeated_key(exports, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(exports[0].reports / "2024-11" / "data", folder)
    bookings = folder / "bookings.csv"
    lines = bookings.read_text(encoding="utf-8-sig").splitlines()
    bookings.write_text("\ufeff" + "\n".join([*lines, lines[1].replace(",7139", ",7140")]) + "\n", encoding="utf-8")
    assert error_types(folder) == {"hash-count", "byte-count", "primary-key"}
    rehash(folder)
    assert error_types(folder) == {"primary-key"}
    bookings.write_text("\ufeff" + "\n".join([lines[0], lines[1].replace("online_12320", "online"),
                                              lines[2].replace("2024-11", "2024-13"), *lines[3:]]) + "\n",
                        encoding="utf-8")
    rehash(folder)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert sorted((row, field) for row, field in report.flatten(["rowNumber", "fieldName"])) == [
        (2, "channel"), (3, "month")]


def test_a_package_is_the_same_bytes_when_written_again(exports, tmp_path):
    folder = exports[0].reports / "2024-11" / "data"
    first = (folder / "datapackage.json").read_bytes()
    tables = {name: pl.read_csv(folder / f"{name}.csv", n_rows=0) for name in (*SEED_ROWS, "quality_flags")}
    package = build_data_package(folder, tables, load(folder / "datapackage.json")["sources"], "2024-11")
    assert (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode() == first


def test_an_exported_column_the_contract_does_not_describe_is_refused():
    with pytest.raises(UndocumentedColumnError, match=r"^bookings: column weekday is not described"):
        table_schema("bookings", ["month", "seq", "hospital", "channel", "count", "weekday"])
    with pytest.raises(UndocumentedColumnError, match=r"^weather: column month is not described"):
        table_schema("weather", ["month"])


def test_the_contract_describes_exactly_the_exported_tables_and_columns():
    assert list(TABLE_DOCS) == [*TABLE_SCHEMAS, "quality_flags", "summary", "spc", "attention"] == list(EXPORT_SCHEMAS)
    for table, docs in TABLE_DOCS.items():
        assert list(docs.columns) == list(EXPORT_SCHEMAS[table]), table
        assert set(docs.primary_key) <= set(docs.columns), table
    keys = {table: list(docs.primary_key) for table, docs in TABLE_DOCS.items() if table != "summary"}
    assert keys == schemas.TABLE_KEYS == {
        "hotline": ["month", "category"], "bookings": ["month", "hospital", "channel"],
        "booking_platforms": ["month", "platform"], "uploads": ["month", "level", "unit"],
        "declared_totals": ["month", "table", "item"], "quality_flags": ["month", "level", "unit", "rule", "severity"],
        "spc": ["level", "unit", "indicator", "month"], "attention": ["month", "row"]}
    assert list(EXPORT_SCHEMAS["summary"]) == ["month", "run_status", *SUMMARY_FIELDS[1:]]
    channel = TABLE_DOCS["bookings"].columns["channel"]
    assert channel.values == CHANNELS and all(f"`{code}`" in channel.description_en for code in CHANNELS)


def test_the_data_dictionary_is_generated_from_the_contract_and_up_to_date(tmp_path, monkeypatch, capsys):
    assert dictionary.main(["--check"]) == 0, "docs/data-dictionary.md is stale: run `make dictionary`"
    page = dictionary.DICTIONARY_PATH.read_text(encoding="utf-8")
    assert "| outpatient_income_k | Float64 · number | 门急诊收入 | thousand yuan (千元) |" in page
    assert "## summary · 月度关键指标" in page and "Primary key: `month`, `hospital`, `channel`." in page
    stale = tmp_path / "data-dictionary.md"
    stale.write_text(page.replace("门急诊收入", "门诊收入"), encoding="utf-8")
    monkeypatch.setattr(dictionary, "DICTIONARY_PATH", stale)
    assert dictionary.main(["--check"]) == dictionary.EXIT_STALE
    assert "stale; run `make dictionary`" in capsys.readouterr().err
    assert dictionary.main([]) == 0 and stale.read_text(encoding="utf-8") == page
