"""The all-months exports (pipeline.outputs.write_all_months_exports): summary.csv has a row for every ingested
month, run or not, with the key figures summary.json would hold and the status of the month's last run.

Two months are ingested here: the seed (276195 bookings, 27332 hotline calls, 8 of 51 units complete) and the
seed relabelled as 2024-12 (the same figures; 31 days, so no unit uploaded on every day: 0 complete). Only
2024-11 has reports (a manifest with status ok)."""
from __future__ import annotations

import csv
import json

from njbulletin.ingest import read_month_tables
from njbulletin.pipeline.outputs import write_all_months_exports
from njbulletin.storage import write_month_tables

from conftest import seed_month_text
from seedtools import SEED_PATH


def test_summary_csv_has_a_row_for_every_ingested_month(tmp_path):
    processed, reports = tmp_path / "processed", tmp_path / "reports"
    december = tmp_path / "2024-12.txt"
    december.write_text(seed_month_text("2024-12"), encoding="utf-8")
    for path in (SEED_PATH, december):
        bulletin, _, tables = read_month_tables(path)
        write_month_tables(tables, processed, bulletin.month)
    (reports / "2024-11").mkdir(parents=True)
    (reports / "2024-11" / "manifest.json").write_text(json.dumps({"status": "ok"}), encoding="utf-8")
    written = write_all_months_exports(processed, reports)
    assert reports / "data" / "summary.csv" in written
    rows = list(csv.DictReader((reports / "data" / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(row["month"], row["run_status"], row["days_in_month"], row["bookings_total"], row["hotline_calls"],
             row["upload_units"], row["upload_units_complete"]) for row in rows] == [
        ("2024-11", "ok", "30", "276195", "27332", "51", "8"),
        ("2024-12", "", "31", "276195", "27332", "51", "0")]
    assert list(rows[0])[:3] == ["month", "run_status", "days_in_month"]
