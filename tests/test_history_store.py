"""The history store (njbulletin.history_store, the entries computed by analysis.history, the partitions written
by storage): each month's key figures, indicator values, completeness and units, written with the month's
tables when it is ingested and read back by the notebooks that look across months.

Figures read off the seed bulletin (data/raw/2024-11.txt): 276195 bookings, 27332 hotline calls, 18946
platform bookings; the uploads list 12 districts and 39 hospitals, of which 8 are complete; 35 hospitals book.
The seed is relabelled as 2024-09 and 2024-10 for the earlier months.
"""
from __future__ import annotations

import json

import polars as pl
import pytest

from njbulletin import history_store, storage
from njbulletin.analysis import history, series, trends
from njbulletin.context import MonthContext
from njbulletin.ingest import read_month_tables
from njbulletin.validate.names import resolve_names
from trendtools import completeness_by_month, summarise_tables

from conftest import seed_month_text

MONTHS = ["2024-09", "2024-10", "2024-11"]


@pytest.fixture(scope="module")
def bulletins(tmp_path_factory):
    """The three raw files and their tables. The middle month's bulletin lists one hospital fewer in its
    bookings (35 -> 34 hospitals booking; its printed total no longer reconciles: stored with the error)."""
    raw = tmp_path_factory.mktemp("raw")
    tables = {}
    for month in MONTHS:
        text = seed_month_text(month)
        if month == "2024-10":
            text = text.replace("35 南京市雨花医院 1 0 0 0 1\n", "")
        (raw / f"{month}.txt").write_text(text, encoding="utf-8")
        tables[month] = read_month_tables(raw / f"{month}.txt", allow_errors=True)[2]
    return raw, tables


@pytest.fixture
def archive(tmp_path, bulletins):
    """The three months ingested as notebook 01 and `njbulletin ingest` do: tables, then the history entry."""
    raw, tables = bulletins
    processed = tmp_path / "processed"
    for month in MONTHS:
        history_store.write_month(processed, month, tables[month])
    return MonthContext.from_parameters("2024-11", raw, processed, tmp_path / "reports")


def test_a_month_s_entry_holds_its_key_figures_completeness_and_units(archive):
    entry = history_store.read_months(archive)
    figures = entry["key_figures"].filter(pl.col("month") == "2024-11").row(0, named=True)
    assert (figures["bookings_total"], figures["hotline_calls"], figures["platforms_total"]) == (276195, 27332, 18946)
    assert (figures["upload_units"], figures["upload_units_complete"]) == (51, 8)
    completeness = entry["completeness"].filter(pl.col("month") == "2024-11")
    assert completeness.select("level", "units").rows() == [("district", 12), ("hospital", 39)]
    assert completeness["complete"].sum() == 8
    units = history.units_of(entry["units"], "bookings")
    assert units.group_by("month").len().sort("month")["len"].to_list() == [35, 34, 35]
    uploads = history.units_of(entry["units"], "uploads").filter(pl.col("month") == "2024-11")
    assert uploads.group_by("level").len().sort("level").rows() == [("district", 12), ("hospital", 39)]
    assert not (archive.processed_dir / ".staging").exists()


def test_the_trends_from_the_store_are_the_trends_from_the_tables(archive):
    # Two ways to the same frames: the store (what 40-trends reads now) and every month's full tables.
    tables = {name: archive.history(name) for name in ("bookings", "hotline", "booking_platforms", "uploads",
                                                       "declared_totals")}
    from_tables = summarise_tables(tables["bookings"], tables["hotline"], tables["booking_platforms"],
                                           tables["uploads"], tables["declared_totals"])
    entry = history_store.read_months(archive)
    from_store = trends.summarise_key_figures(entry["key_figures"])
    assert from_store.equals(from_tables) and from_store.schema == from_tables.schema
    assert from_store["bookings_total"].to_list() == [276195, 276195 - 1, 276195]  # 雨花医院 booked 1
    hospitals = trends.track_presence(history.units_of(entry["units"], "bookings"), "unit")
    assert hospitals.equals(trends.track_presence(resolve_names(tables["bookings"], "hospital"), "canonical_name"))
    assert hospitals.select("month", "change").rows() == [("2024-10", "disappeared"), ("2024-11", "appeared")]
    units = trends.track_presence(history.units_of(entry["units"], "uploads"), "unit", by="level")
    assert units.equals(trends.track_presence(resolve_names(tables["uploads"], "unit"), "canonical_name", by="level"))
    assert entry["completeness"].equals(completeness_by_month(tables["uploads"]))


def test_indicator_history_comes_from_the_store_without_reading_a_month_s_tables(archive, monkeypatch):
    names = ("bookings", "booking_platforms", "hotline", "uploads", "quality_flags", "declared_totals")
    expected = series.compute_indicator_history({name: archive.history(name) for name in names})

    def no_table_reads(*args, **kwargs):
        raise AssertionError("a month's full table was read")

    monkeypatch.setattr(storage, "read_month_table", no_table_reads)
    values = history_store.load_indicator_history(archive)
    assert values.equals(expected)
    bookings = values.filter((pl.col("unit") == "南京市") & (pl.col("indicator") == "bookings_total"))
    assert bookings.select("month", "value").rows() == [("2024-09", 276195.0), ("2024-10", 276194.0),
                                                        ("2024-11", 276195.0)]


def test_an_entry_whose_tables_changed_is_stale_and_computed_from_the_tables(archive):
    # 2024-10's bookings rewritten by other means (not through ingest): its entry no longer matches
    bookings = storage.read_month_table(archive.processed_dir, "bookings", "2024-10")
    storage.write_month_tables({"bookings": bookings.with_columns(pl.col("count") * 2)}, archive.processed_dir,
                               "2024-10")
    figures = history_store.read_months(archive, ("key_figures",))["key_figures"]
    assert figures["bookings_total"].to_list() == [276195, 2 * 276194, 276195]
    assert history_store.refresh(archive.processed_dir, MONTHS) == ["2024-10"]  # only the stale month
    assert history_store.refresh(archive.processed_dir, MONTHS) == []
    stored = pl.read_parquet(archive.processed_dir / "history" / "key_figures" / "month=2024-10" / "data.parquet")
    assert stored["bookings_total"].to_list() == [2 * 276194]


def test_an_entry_computed_by_other_code_is_stale(archive, monkeypatch):
    monkeypatch.setattr(history_store, "code_version", lambda: "other code")
    assert history_store.refresh(archive.processed_dir, MONTHS) == MONTHS
    stamp = json.loads((archive.processed_dir / "history" / "stamps" / "2024-09.json").read_text(encoding="utf-8"))
    assert stamp["code"] == "other code" and sorted(stamp["tables"]) == [
        "booking_platforms", "bookings", "declared_totals", "hotline", "quality_flags", "uploads"]


def test_an_entry_whose_writer_was_killed_midway_is_not_taken_for_fresh(archive, monkeypatch):
    # the month's tables are written, then its entry: the entry's stamp goes first and comes back last, so a writer
    # killed while it writes the entry's partitions leaves the month without a stamp
    write_partitions, calls = storage.write_partitions, []

    def killed_writing_the_entry(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:  # the first call writes the month's tables, the second the entry's datasets
            raise KeyboardInterrupt
        return write_partitions(*args, **kwargs)

    _, _, tables = read_month_tables(archive.raw_dir / "2024-10.txt", allow_errors=True)
    monkeypatch.setattr(storage, "write_partitions", killed_writing_the_entry)
    with pytest.raises(KeyboardInterrupt):
        history_store.write_month(archive.processed_dir, "2024-10", tables)
    monkeypatch.undo()
    assert len(calls) == 2 and not (archive.processed_dir / "history" / "stamps" / "2024-10.json").exists()
    assert history_store.refresh(archive.processed_dir, MONTHS) == ["2024-10"]


def test_a_write_of_the_tables_that_failed_before_any_changed_keeps_the_month_fresh(archive, monkeypatch):
    """A full disk on the first partition: the tables are as they were, and so is their stamp (still their digests)."""
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    _, _, tables = read_month_tables(archive.raw_dir / "2024-10.txt", allow_errors=True)
    monkeypatch.setattr(storage, "write_partitions", disk_full)
    with pytest.raises(OSError):
        history_store.write_month(archive.processed_dir, "2024-10", tables)
    monkeypatch.undo()
    assert (archive.processed_dir / "history" / "stamps" / "2024-10.json").exists()
    assert history_store.refresh(archive.processed_dir, MONTHS) == []


def test_a_month_not_processed_yet_is_read_from_its_raw_file(archive, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "2024-12.txt").write_text(seed_month_text("2024-12"), encoding="utf-8")
    december = MonthContext.from_parameters("2024-12", raw, archive.processed_dir, tmp_path / "r")
    figures = history_store.read_months(december, ("key_figures",))["key_figures"]
    assert figures.select("month", "bookings_total").rows()[-2:] == [("2024-11", 276195), ("2024-12", 276195)]
    assert not (archive.processed_dir / "history" / "stamps" / "2024-12.json").exists()  # reading writes nothing


def test_a_write_leaves_no_staging_folder_but_keeps_a_live_writer_s(tmp_path):
    processed = tmp_path / "processed"
    frame = pl.DataFrame({"month": ["2024-11"], "count": [1]})
    storage.write_month_tables({"bookings": frame}, processed, "2024-11")
    assert sorted(path.name for path in processed.iterdir()) == ["bookings"]
    live = processed / storage.STAGING_DIRNAME / "2024-12-live"
    live.mkdir(parents=True)  # another writer, at work
    storage.write_month_tables({"bookings": frame}, processed, "2024-11")
    assert [path.name for path in (processed / storage.STAGING_DIRNAME).iterdir()] == ["2024-12-live"]


def test_a_staging_folder_is_made_again_when_another_writer_removed_the_parent_meanwhile(tmp_path, monkeypatch):
    processed = tmp_path / "processed"
    original = storage.tempfile.mkdtemp
    calls = []

    def parent_removed_once(*args, **kwargs):
        calls.append(kwargs["dir"])
        if len(calls) == 1:  # between our mkdir and mkdtemp, the other writer emptied and removed .staging
            kwargs["dir"].rmdir()
        return original(*args, **kwargs)

    monkeypatch.setattr(storage.tempfile, "mkdtemp", parent_removed_once)
    folder = storage.make_staging_folder(processed, "2024-11")
    assert folder.parent == processed / storage.STAGING_DIRNAME and folder.is_dir() and len(calls) == 2


def test_before_history_notebooks_run_the_months_not_ingested_again_are_brought_up_to_date(archive, monkeypatch):
    from dataclasses import replace

    from njbulletin import config
    from njbulletin.layout import find_raw_months
    from njbulletin.pipeline.model import KEEP, Settings
    from njbulletin.pipeline.plan import decide_months, describe_notebooks, discover_notebooks, plan_months
    from njbulletin.pipeline.run import refresh_history_store

    settings = Settings(raw_dir=archive.raw_dir, processed_dir=archive.processed_dir,
                        reports_dir=archive.reports_dir)
    specs = describe_notebooks(discover_notebooks(config.NOTEBOOKS_DIR))
    plans = decide_months(plan_months(["2024-11"], find_raw_months(archive.raw_dir), settings, "code", specs),
                          settings)  # no earlier run: 2024-11 runs whole, its notebook 01 writes its entry
    monkeypatch.setattr(history_store, "code_version", lambda: "other code")  # every entry is stale now
    kept = [replace(plans[0], notebooks=tuple(replace(notebook, action=KEEP) for notebook in plans[0].notebooks
                                              if not notebook.spec.first_stage))]
    assert refresh_history_store(kept, archive.processed_dir) == []  # no history notebook runs: nothing read
    assert refresh_history_store(plans, archive.processed_dir) == ["2024-09", "2024-10"]
    assert refresh_history_store(plans, archive.processed_dir) == []


# ----------------------------------------------------------------------------- every month in one file


def forbid_table_reads(monkeypatch):
    def no_table_reads(*args, **kwargs):
        raise AssertionError("a month's full table was read")

    monkeypatch.setattr(storage, "read_month_table", no_table_reads)


def test_once_consolidated_every_month_is_read_from_the_combined_files_alone(archive, monkeypatch):
    expected = history_store.read_months(archive)
    assert history_store.consolidate(archive.processed_dir) == list(history.DATASETS)
    assert history_store.consolidate(archive.processed_dir) == []  # nothing changed: no file rewritten
    combined = pl.read_parquet(archive.processed_dir / "history" / "combined" / "key_figures.parquet")
    assert combined["month"].to_list() == MONTHS and combined["bookings_total"].to_list() == [276195, 276194, 276195]
    for dataset in history.DATASETS:  # the months' own entries gone: only the combined files can give them
        for month in MONTHS:
            (archive.processed_dir / "history" / dataset / f"month={month}" / "data.parquet").unlink()
    forbid_table_reads(monkeypatch)
    read = history_store.read_months(archive)
    assert all(read[dataset].equals(expected[dataset]) for dataset in history.DATASETS)


def test_a_month_whose_tables_changed_is_not_read_from_the_combined_files(archive):
    history_store.consolidate(archive.processed_dir)
    bookings = storage.read_month_table(archive.processed_dir, "bookings", "2024-10")
    storage.write_month_tables({"bookings": bookings.with_columns(pl.col("count") * 2)}, archive.processed_dir,
                               "2024-10")  # rewritten by other means: the combined files still hold 276194
    figures = history_store.read_months(archive, ("key_figures",))["key_figures"]
    assert figures["bookings_total"].to_list() == [276195, 2 * 276194, 276195]
    assert history_store.refresh(archive.processed_dir, MONTHS) == ["2024-10"]
    combined = pl.read_parquet(archive.processed_dir / "history" / "combined" / "key_figures.parquet")
    assert combined["bookings_total"].to_list() == [276195, 2 * 276194, 276195]


def test_the_combined_files_of_other_code_are_not_read(archive, monkeypatch):
    history_store.consolidate(archive.processed_dir)
    reads = []
    read_month_table = storage.read_month_table
    monkeypatch.setattr(storage, "read_month_table", lambda *args: reads.append(args[1:]) or read_month_table(*args))
    monkeypatch.setattr(history_store, "code_version", lambda: "other code")
    figures = history_store.read_months(archive, ("key_figures",))["key_figures"]
    assert figures["bookings_total"].to_list() == [276195, 276194, 276195]
    assert {month for _, month in reads} == set(MONTHS)  # every month computed again from its tables


def test_a_partition_touched_but_unchanged_is_hashed_once_and_its_month_still_read_from_the_combined_files(
        archive, monkeypatch):
    import os

    history_store.consolidate(archive.processed_dir)
    partition = archive.processed_dir / "uploads" / "month=2024-10" / "data.parquet"
    os.utime(partition, ns=(partition.stat().st_atime_ns, partition.stat().st_mtime_ns + 10**9))
    hashed = []
    sha256_file = history_store.sha256_file
    monkeypatch.setattr(history_store, "sha256_file", lambda path: hashed.append(path) or sha256_file(path))
    forbid_table_reads(monkeypatch)
    figures = history_store.read_months(archive, ("key_figures",))["key_figures"]
    assert figures["month"].to_list() == MONTHS
    assert hashed == [partition]  # the 17 other partitions' signatures are those recorded when they were hashed


# ----------------------------------------------------------------------------- the recent months, and the old


def test_each_dataset_derived_from_fewer_tables_derives_from_those_alone(bulletins):
    _, tables = bulletins
    month_tables = tables["2024-11"]
    for dataset, sources in history.DERIVED_FROM.items():
        alone = history.derive_entry("2024-11", {name: month_tables[name] for name in sources}, (dataset,))
        assert alone[dataset].equals(history.derive_entry("2024-11", month_tables, (dataset,))[dataset])
        assert not alone[dataset].is_empty()  # the seed has standing problems (秦淮区 uploads nothing)


ATTENTION = ("indicator_values", "standing_flags", "key_figures")


def read_recent(archive) -> dict[str, pl.DataFrame]:
    """The last two months of the archive (2024-10 and 2024-11), the standing flags of all three."""
    return history_store.read_months(archive, ATTENTION, recent=2, whole=("standing_flags",))


def test_before_the_recent_months_only_the_whole_history_datasets_are_read(archive, monkeypatch):
    everything = history_store.read_months(archive, ATTENTION)
    history_store.consolidate(archive.processed_dir)
    forbid_table_reads(monkeypatch)
    read = read_recent(archive)
    for dataset in ("indicator_values", "key_figures"):
        assert read[dataset]["month"].unique().sort().to_list() == ["2024-10", "2024-11"]
        assert read[dataset].equals(everything[dataset].filter(pl.col("month") >= "2024-10"))
    assert read["standing_flags"]["month"].unique().sort().to_list() == MONTHS
    assert read["standing_flags"].equals(everything["standing_flags"])


def test_an_old_month_is_checked_for_the_tables_its_datasets_derive_from(archive, monkeypatch):
    history_store.consolidate(archive.processed_dir)
    processed = archive.processed_dir
    # 2024-09's uploads rewritten by other means: its standing flags (derived from its quality flags alone) still
    # hold, so they are read from the combined file without reading any table
    uploads = storage.read_month_table(processed, "uploads", "2024-09")
    storage.write_month_tables({"uploads": uploads.with_columns(pl.col("realtime_days") // 2)}, processed, "2024-09")
    expected = history.derive_entry("2024-09", {"quality_flags": storage.read_month_table(
        processed, "quality_flags", "2024-09")}, ("standing_flags",))["standing_flags"]
    with monkeypatch.context() as patched:
        forbid_table_reads(patched)
        flags = read_recent(archive)["standing_flags"]
    assert flags.filter(pl.col("month") == "2024-09").equals(expected)
    # its quality flags rewritten: the month's standing flags are those of the flags in place now
    quality_flags = storage.read_month_table(processed, "quality_flags", "2024-09")
    kept = quality_flags.filter(~((pl.col("rule") == "no_uploads") & (pl.col("unit") == "秦淮区")))
    assert kept.height < quality_flags.height
    storage.write_month_tables({"quality_flags": kept}, processed, "2024-09")
    old = read_recent(archive)["standing_flags"].filter(pl.col("month") == "2024-09")
    assert old.equals(history.derive_entry("2024-09", {"quality_flags": kept}, ("standing_flags",))["standing_flags"])
    assert old.filter((pl.col("rule") == "no_uploads") & (pl.col("unit") == "秦淮区")).is_empty()
    assert not read_recent(archive)["standing_flags"].filter(
        (pl.col("month") == "2024-11") & (pl.col("rule") == "no_uploads") & (pl.col("unit") == "秦淮区")).is_empty()
