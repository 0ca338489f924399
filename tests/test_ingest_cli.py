"""`njbulletin ingest`: partitions on disk, atomic replacement, one-line errors with exit 2."""
from __future__ import annotations

import shutil
import subprocess
import sys

import polars as pl
import pytest

from njbulletin import storage
from njbulletin.commands.main import main
from njbulletin.contract import TABLE_NAMES

from seedtools import SEED_PATH, replace_once, seed_text


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "njbulletin", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def processed(tmp_path):
    return tmp_path / "processed"


def test_ingest_writes_hive_partitions(processed, capsys):
    assert main(["ingest", str(SEED_PATH), "--processed", str(processed)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("2024-11")
    assert "bookings 140" in out[0] and "uploads 51" in out[0]
    for table in TABLE_NAMES:
        assert storage.partition_path(processed, table, "2024-11").is_file(), table
    bookings = pl.scan_parquet(processed / "bookings").collect()
    assert bookings["count"].sum() == 276195
    assert bookings["month"].unique().to_list() == ["2024-11"]
    assert not (processed / ".staging").exists()  # nothing is left of the staging folders
    # the month's entry in the history store: its key figures, read off the bulletin
    figures = pl.read_parquet(processed / "history" / "key_figures" / "month=2024-11" / "data.parquet")
    assert figures.select("bookings_total", "hotline_calls", "platforms_total", "upload_units",
                          "upload_units_complete").row(0) == (276195, 27332, 18946, 51, 8)
    assert (processed / "history" / "stamps" / "2024-11.json").is_file()


def test_ingest_two_months_reads_as_one_dataset(tmp_path, processed):
    december = tmp_path / "2024-12.txt"
    december.write_text(seed_text().replace("2024 年 11 月", "2024 年 12 月"), encoding="utf-8")
    assert main(["ingest", str(SEED_PATH), str(december), "--processed", str(processed)]) == 0
    uploads = storage.scan_table(processed, "uploads").collect()
    assert uploads.group_by("month").len().sort("month")["len"].to_list() == [51, 51]
    assert storage.processed_months(processed) == ["2024-11", "2024-12"]


def test_reingest_replaces_the_month(tmp_path, processed):
    assert main(["ingest", str(SEED_PATH), "--processed", str(processed)]) == 0
    changed = tmp_path / "2024-11.txt"
    text = replace_once(seed_text(), "35 南京市雨花医院 1 0 0 0 1\n", "")
    changed.write_text(text, encoding="utf-8")
    assert main(["ingest", str(changed), "--processed", str(processed), "--allow-errors"]) == 0
    bookings = storage.scan_table(processed, "bookings").collect()
    assert bookings["hospital"].n_unique() == 34


def test_failed_ingest_keeps_earlier_data(tmp_path, processed, capsys):
    assert main(["ingest", str(SEED_PATH), "--processed", str(processed)]) == 0
    before = {t: storage.partition_path(processed, t, "2024-11").read_bytes() for t in TABLE_NAMES}
    broken = tmp_path / "2024-11.txt"
    text = seed_text()
    broken.write_text(text[:text.index("2024 年 11 月南京市卫生信息平台数据采集情况（医院）")], encoding="utf-8")
    assert main(["ingest", str(broken), "--processed", str(processed)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {broken}:") and "missing section" in err
    after = {t: storage.partition_path(processed, t, "2024-11").read_bytes() for t in TABLE_NAMES}
    assert after == before


def test_write_failure_midway_leaves_every_partition_as_it_was(processed, monkeypatch):
    from njbulletin import parse_bulletin

    bulletin = parse_bulletin(SEED_PATH)
    storage.write_month_tables(bulletin.tables, processed, "2024-11")
    before = {t: storage.partition_path(processed, t, "2024-11").read_bytes() for t in TABLE_NAMES}
    calls = {"n": 0}
    original = pl.DataFrame.write_parquet

    def failing_write(self, file, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(self, file, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", failing_write)
    changed = {name: frame.with_columns(pl.lit("x").alias("month")) for name, frame in bulletin.tables.items()}
    with pytest.raises(OSError):
        storage.write_month_tables(changed, processed, "2024-11")
    after = {t: storage.partition_path(processed, t, "2024-11").read_bytes() for t in TABLE_NAMES}
    assert after == before
    assert not (processed / ".staging").exists()  # the failed write's staging folder is removed too


def test_month_in_name_must_match_headings(tmp_path, processed, capsys):
    misnamed = tmp_path / "2024-10.txt"
    shutil.copy(SEED_PATH, misnamed)
    assert main(["ingest", str(misnamed), "--processed", str(processed)]) == 2
    err = capsys.readouterr().err
    assert "named for 2024-10" in err and "2024-11" in err
    assert not (processed / "bookings").exists()


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (bytes(range(256)) * 40, "not a text bulletin"),
    ("南京 12320 卫生热线\n".encode() * 3, "missing section"),
])
def test_unreadable_files_exit_2_with_one_line(tmp_path, processed, content, message):
    path = tmp_path / "2024-11.txt"
    path.write_bytes(content)
    result = run_cli("ingest", str(path), "--processed", str(processed))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}:") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2(tmp_path, processed):
    result = run_cli("ingest", str(tmp_path / "2024-11.txt"), "--processed", str(processed))
    assert result.returncode == 2 and "file not found" in result.stderr


def test_refuses_to_write_under_raw(tmp_path):
    from njbulletin import config

    result = run_cli("ingest", str(SEED_PATH), "--processed", str(config.RAW_DIR / "processed"))
    assert result.returncode == 2 and "raw data folder" in result.stderr
    assert not (config.RAW_DIR / "processed").exists()


def test_output_piped_into_a_reader_that_stops_early_gives_no_traceback(tmp_path):
    # `njbulletin check ... | head -1`: the seed checked 12 times prints about 200 KB, more than a pipe holds,
    # so the command is still writing when the reader goes away.
    raw = tmp_path / "2024-11.txt"
    shutil.copyfile(SEED_PATH, raw)
    process = subprocess.Popen([sys.executable, "-m", "njbulletin", "check", *[str(raw)] * 12],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert first.startswith(b"warning: ")
    assert stderr == b""


def test_check_of_a_raw_folder_skips_other_files_as_run_does(tmp_path, capsys):
    """`make check` passes data/raw: its bulletins are checked; notes.txt is reported and skipped, not exit 2."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_PATH, raw / "2024-11.txt")
    (raw / "notes.txt").write_text("meeting notes\n", encoding="utf-8")
    assert main(["check", str(raw), "--summary"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == f"2024-11: {raw / '2024-11.txt'}: 0 errors, 106 warnings"
    assert captured.err.splitlines() == [
        f"warning: {raw / 'notes.txt'}: not named YYYY-MM.txt or YYYY-MM.pdf (MM from 01 to 12); skipped"]


def test_ingest_of_a_raw_folder_takes_its_bulletins_as_run_does(tmp_path, processed, capsys):
    """`njbulletin ingest data/raw`: every bulletin of the folder (the rule of `run`: layout.find_raw_months),
    oldest month first; notes.txt and 2024-13.txt are reported and skipped; a hidden file and a subfolder are
    not bulletins and are passed over in silence."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "2024-12.txt").write_text(seed_text().replace("2024 年 11 月", "2024 年 12 月"), encoding="utf-8")
    shutil.copy(SEED_PATH, raw / "2024-11.txt")
    (raw / "notes.txt").write_text("meeting notes\n", encoding="utf-8")
    (raw / "2024-13.txt").write_text("not a month\n", encoding="utf-8")
    (raw / ".hidden.txt").write_text("x\n", encoding="utf-8")
    (raw / "old").mkdir()
    assert main(["ingest", str(raw), "--processed", str(processed)]) == 0
    captured = capsys.readouterr()
    assert [line.split(":")[0] for line in captured.out.splitlines()] == ["2024-11", "2024-12"]
    assert sorted(captured.err.splitlines()) == [
        f"warning: {raw / name}: not named YYYY-MM.txt or YYYY-MM.pdf (MM from 01 to 12); skipped"
        for name in ("2024-13.txt", "notes.txt")]
    assert storage.processed_months(processed) == ["2024-11", "2024-12"]
    assert storage.scan_table(processed, "bookings").collect()["count"].sum() == 2 * 276195


def test_ingest_refuses_to_write_under_the_folder_it_reads(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_PATH, raw / "2024-11.txt")
    result = run_cli("ingest", str(raw), "--processed", str(raw / "processed"))
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [
        f"error: refusing to write under the raw data folder {raw}"]
    assert not (raw / "processed").exists()


def test_ingest_of_a_folder_with_two_files_for_one_month_exits_2(tmp_path, processed):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_PATH, raw / "2024-11.txt")
    (raw / "2024-11.pdf").write_bytes(b"%PDF-1.4\n")
    result = run_cli("ingest", str(raw), "--processed", str(processed))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: {raw}: both 2024-11.pdf and 2024-11.txt exist for 2024-11; keep one"]
    assert not processed.exists()
