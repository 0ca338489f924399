"""Synthetic months: 24 of them ingest and check with exit 0 and parse to the figures the generator
intended; printed totals are consistent, counters advance, real-time days follow the calendar, hospitals
come and go, the output is deterministic, and data/raw is refused."""
from __future__ import annotations

import calendar
import json

import polars as pl
import pytest

from njbulletin import config, parse_bulletin
from njbulletin.commands.main import main
from njbulletin.contract import CHANNELS
from njbulletin.errors import UsageError
from njbulletin.layout import refuse_writes_under_raw
from njbulletin.storage import processed_months
from njbulletin.synth import expected_tables, generate_bulletins, write_bulletins

from seedtools import seed_lines

MONTHS = 24
START = "2024-12"
SEED = 0
# From the seed's text: "总预约挂号量为 34735351 次", "累计校验入库数据 285.01 亿条".
SEED_CUMULATIVE_BOOKINGS = 34735351
SEED_CUMULATIVE_RECORDS = 28_501_000_000
YI = 100_000_000


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    assert main(["synth", "--months", str(MONTHS), "--out", str(out), "--start", START, "--seed", str(SEED)]) == 0
    return out


@pytest.fixture(scope="module")
def parsed(folder):
    return [parse_bulletin(path) for path in sorted(folder.glob("*.txt"))]


@pytest.fixture(scope="module")
def expected(folder):
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted((folder / "expected").glob("*.expected.json"))]


def declared(bulletin, table, item):
    frame = bulletin.tables["declared_totals"].filter((pl.col("table") == table) & (pl.col("item") == item))
    assert frame.height == 1, (table, item)
    return frame["value"][0]


def sorted_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns)


def month_list(start: str, count: int) -> list[str]:
    year, month = map(int, start.split("-"))
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# ----------------------------------------------------------------------------------------- files


def test_writes_one_bulletin_and_one_expected_json_per_month(folder):
    months = month_list(START, MONTHS)
    assert months[-1] == "2026-11"
    assert sorted(path.name for path in folder.glob("*.txt")) == [f"{m}.txt" for m in months]
    assert sorted(path.name for path in (folder / "expected").glob("*.expected.json")) == [
        f"{m}.expected.json" for m in months]
    assert sorted(path.name for path in folder.iterdir() if path.is_file()) == [f"{m}.txt" for m in months]
    assert not list(folder.glob(".*")) and not list((folder / "expected").glob(".*"))  # no temporary files left


def test_run_reads_the_synthetic_folder_without_a_warning(folder):
    """`run` reads a raw folder by layout.find_raw_months: the expected figures, in their subfolder, are passed
    over without being reported as skipped files."""
    from njbulletin.layout import find_raw_months

    skipped: list = []
    assert len(find_raw_months(folder, skipped)) == MONTHS and skipped == []


def test_first_line_marks_the_file_as_synthetic_and_the_prose_is_kept(folder):
    seed = seed_lines()
    statistics_start = seed.index("南京 12320 卫生热线 2024 年 11 月数据统计")
    footer_start = next(i for i, line in enumerate(seed) if "累计校验入库数据" in line) + 1
    for path in sorted(folder.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        assert "SYNTHETIC" in lines[0] and "合成" in lines[0]
        assert lines[1:1 + statistics_start] == seed[:statistics_start]
        assert lines[-1] == ""  # the file ends with a newline
        assert lines[-1 - (len(seed) - footer_start):-1] == seed[footer_start:]


@pytest.mark.slow
def test_twenty_four_months_ingest_and_check_with_exit_0(folder, tmp_path, capsys):
    paths = [str(path) for path in sorted(folder.glob("*.txt"))]
    processed = tmp_path / "processed"
    assert main(["ingest", "--processed", str(processed), *paths]) == 0
    assert processed_months(processed) == month_list(START, MONTHS)
    assert main(["check", *paths]) == 0
    out = capsys.readouterr().out
    assert out.count(" 0 errors") == MONTHS


def test_each_month_parses_to_the_intended_figures(parsed, expected):
    assert [b.month for b in parsed] == [e["month"] for e in expected] == month_list(START, MONTHS)
    for bulletin, figures in zip(parsed, expected):
        wanted = expected_tables(figures)
        for name, frame in wanted.items():
            assert sorted_frame(bulletin.tables[name]).equals(sorted_frame(frame)), (figures["month"], name)
        bookings = bulletin.tables["bookings"]
        assert bookings["hospital"].n_unique() == len(figures["bookings"])
        assert bookings["count"].sum() == figures["booking_totals"]["total"]


# ----------------------------------------------------------------------------------------- consistency


def test_every_printed_total_is_consistent(parsed):
    for bulletin in parsed:
        bookings = bulletin.tables["bookings"]
        for hospital, count in bookings.group_by("hospital").agg(pl.col("count").sum()).iter_rows():
            assert declared(bulletin, "bookings", hospital) == count, (bulletin.month, hospital)
        by_channel = dict(bookings.group_by("channel").agg(pl.col("count").sum()).iter_rows())
        for channel in CHANNELS:
            assert declared(bulletin, "bookings", f"total_{channel}") == by_channel[channel]
        assert declared(bulletin, "bookings", "total") == bookings["count"].sum()
        platforms = dict(bulletin.tables["booking_platforms"].select("platform", "count").iter_rows())
        assert declared(bulletin, "booking_platforms", "total") == sum(platforms.values())
        assert platforms["12320快速预约"] == by_channel["quick"]
        hotline = bulletin.tables["hotline"]
        calls = hotline.filter(pl.col("kind") == "call")
        assert calls.height == 6 and hotline.height == 9
        assert declared(bulletin, "hotline", "total_calls") == calls["count"].sum()


def test_cumulative_counters_advance_by_each_months_figures(parsed):
    bookings_before, records_before = SEED_CUMULATIVE_BOOKINGS, SEED_CUMULATIVE_RECORDS
    for bulletin in parsed:
        bookings_now = declared(bulletin, "bookings", "cumulative_bookings")
        assert bookings_now - bookings_before == bulletin.tables["bookings"]["count"].sum()
        records_now = declared(bulletin, "uploads", "cumulative_records")
        scheduled = bulletin.tables["uploads"]["scheduled_records"].sum()
        # printed in 亿 with two decimals: each printed value is within half a unit of the exact count
        assert abs(records_now - records_before - scheduled) <= 0.01 * YI
        assert records_now % (0.01 * YI) == 0
        bookings_before, records_before = bookings_now, records_now


def test_real_time_days_follow_the_calendar(parsed):
    lengths = set()
    for bulletin in parsed:
        year, month = map(int, bulletin.month.split("-"))
        days = calendar.monthrange(year, month)[1]
        assert bulletin.days_in_month == days
        realtime = bulletin.tables["uploads"]["realtime_days"].drop_nulls()
        assert realtime.max() == days and realtime.min() >= 0
        assert (realtime == days).sum() >= 10, bulletin.month  # many units upload on every day
        assert (realtime < days).sum() >= 5, bulletin.month  # and some do not
        lengths.add(days)
        forms = bulletin.tables["uploads"].drop_nulls("forms_expected")
        assert (forms["forms_uploaded"] <= forms["forms_expected"]).all()
    assert lengths == {28, 30, 31}  # 2025-02 and 2026-02 have 28 days


def test_figures_are_perturbed_plausibly(parsed, expected):
    """Month to month, a total moves by its noise and walk once the calendar is taken out: 2026-02 (16 working
    days, 19 of the festival window's 22 days) books 16/21 x (1 - 0.25 x 19/22) = 0.597 of the seed's volume
    against 2026-01's 21/21 x 1 = 1.0 (its window days fall in February), a fall of 40% that is all calendar."""
    totals = [b.tables["bookings"]["count"].sum() for b in parsed]
    calls = [declared(b, "hotline", "total_calls") for b in parsed]
    scales = [figures["volume_scale"] for figures in expected]
    assert len(set(totals)) == MONTHS and len(set(calls)) == MONTHS
    assert all(276195 * 0.5 < total < 276195 * 2 for total in totals)
    assert all(27332 * 0.5 < count < 27332 * 2 for count in calls)
    assert dict(zip(month_list(START, MONTHS), scales))["2026-02"] == pytest.approx(16 / 21 * (1 - 0.25 * 19 / 22))
    for before, after, scale_before, scale_after in zip(totals, totals[1:], scales, scales[1:]):
        assert 0.6 < (after / scale_after) / (before / scale_before) < 1.6


def test_volumes_follow_the_working_days_and_the_festival(expected):
    """2025-10 has 18 working days: 23 weekdays (1 Oct is a Wednesday), of which National Day and Mid-Autumn take
    Wed 1 to Fri 3 and Mon 6 to Wed 8 (6), and Sat 11 Oct is worked (Sun 28 Sep is September's): 23 - 6 + 1 = 18,
    so its volumes are 18/21 of the seed's (21 working days). 2025-03 has 21 working days and no festival day: 1.
    2025-02: 19 working days and 12 of the window's 22 days: 19/21 x (1 - 0.25 x 12/22)."""
    scales = dict(zip(month_list(START, MONTHS), (figures["volume_scale"] for figures in expected)))
    assert scales["2025-10"] == pytest.approx(18 / 21)
    assert scales["2025-03"] == pytest.approx(1.0)
    assert scales["2025-02"] == pytest.approx(19 / 21 * (1 - 0.25 * 12 / 22))


def test_hospitals_are_added_and_dropped_now_and_then(parsed, expected):
    added = dropped = 0
    for previous, current, figures in zip(parsed, parsed[1:], expected[1:]):
        for table, column, key in (("bookings", "hospital", "bookings"), ("uploads", "unit", "uploads")):
            before = set(previous.tables[table][column])
            after = set(current.tables[table][column])
            assert sorted(after - before) == sorted(figures["changes"][f"{key}_added"])
            assert sorted(before - after) == sorted(figures["changes"][f"{key}_dropped"])
            added += len(after - before)
            dropped += len(before - after)
    assert added >= 2 and dropped >= 2
    assert added + dropped <= MONTHS * 2  # now and then, not every month in every table


# ----------------------------------------------------------------------------------------- determinism, safety


def test_the_same_seed_gives_the_same_files(folder, tmp_path):
    again = tmp_path / "again"
    write_bulletins(again, MONTHS, START, SEED)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        assert (again / path.relative_to(folder)).read_bytes() == path.read_bytes(), path.name


def test_another_seed_gives_other_figures():
    first = generate_bulletins(2, "2025-06", seed=1)
    assert generate_bulletins(2, "2025-06", seed=1) == first
    other = generate_bulletins(2, "2025-06", seed=2)
    assert [month for month, _, _ in other] == ["2025-06", "2025-07"]
    assert other[0][1] != first[0][1]
    assert other[0][2]["booking_totals"] != first[0][2]["booking_totals"]


def test_refuses_to_write_into_the_raw_folder(tmp_path, monkeypatch, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    monkeypatch.setattr(config, "RAW_DIR", raw)
    for target in (raw, raw / "synthetic", tmp_path / "elsewhere" / ".." / "raw"):
        assert main(["synth", "--months", "2", "--out", str(target)]) == 2
        assert "refusing to write" in capsys.readouterr().err
    assert list(raw.iterdir()) == []


def test_refuses_the_projects_data_raw_whatever_the_environment_says():
    with pytest.raises(UsageError, match="raw data folder"):
        write_bulletins(config.PROJECT_ROOT / "data" / "raw", 1)
    with pytest.raises(UsageError, match="raw data folder"):
        write_bulletins(config.PROJECT_ROOT / "data" / "raw" / "sub", 1)
    refuse_writes_under_raw([config.PROJECT_ROOT / "data" / "synthetic"])  # a sibling of raw is allowed


@pytest.mark.parametrize("args", [["--months", "0"], ["--months", "2", "--start", "2024-13"]])
def test_bad_arguments_exit_2(tmp_path, capsys, args):
    assert main(["synth", *args, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert not (tmp_path / "out").exists()
