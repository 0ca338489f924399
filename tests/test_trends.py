"""Trends over several months: the seed (2024-11) plus variants of its text built here.

2024-12 (31 days) is the seed with these hand edits:
- 南京鼓楼医院（含分院）: third party 258137 -> 268137, 小计 267330 -> 277330;
- the row of 南京市雨花医院 (1 booking, 12320 online) removed; 合计 13406 1896 903 269989 286194;
- 总预约挂号量 34735351 -> 35021551 (= 34735351 + 286194 + 6: the counter runs 6 ahead);
- 浦口区 uploads on 31 days with 11/11 forms; 泰康仙林鼓楼医院 removed from the hospital uploads.
2025-11 is the seed with its month changed only (for the year-over-year change).
"""
from __future__ import annotations

import polars as pl
import pytest

from njbulletin import storage
from njbulletin.analysis import trends
from njbulletin.context import MonthContext
from njbulletin.reading.parser import parse_text
from njbulletin.validate.names import resolve_names
from trendtools import completeness_by_month, summarise_tables

from seedtools import replace_once, seed_text

TABLES = ("bookings", "hotline", "booking_platforms", "uploads", "declared_totals")


def december_text() -> str:
    text = seed_text().replace("2024 年 11 月", "2024 年 12 月")
    text = replace_once(text, "1 南京鼓楼医院（含分院） 7139 1151 903 258137 267330",
                        "1 南京鼓楼医院（含分院） 7139 1151 903 268137 277330")
    text = replace_once(text, "35 南京市雨花医院 1 0 0 0 1\n", "")
    text = replace_once(text, "合计 13407 1896 903 259989 276195", "合计 13406 1896 903 269989 286194")
    text = replace_once(text, "总预约挂号量为 34735351 次", "总预约挂号量为 35021551 次")
    text = replace_once(text, "浦口区 7698850 22 9/11", "浦口区 7698850 31 11/11")
    return replace_once(text, "泰康仙林鼓楼医院 1685452 0 0/11 40288 19846.58 0 31711.16\n", "")


def year_later_text() -> str:
    return seed_text().replace("2024 年 11 月", "2025 年 11 月")


def write(text: str, processed) -> str:
    bulletin = parse_text(text)
    storage.write_month_tables(bulletin.tables, processed, bulletin.month)
    return bulletin.month


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("processed")
    months = [write(text, folder) for text in (seed_text(), december_text(), year_later_text())]
    assert months == ["2024-11", "2024-12", "2025-11"]
    return folder


def history_of(processed, month: str) -> dict[str, pl.DataFrame]:
    ctx = MonthContext.from_parameters(month, None, processed, processed / "reports", "zh")
    return {name: ctx.history(name) for name in TABLES}


@pytest.fixture(scope="module")
def history(processed):
    return history_of(processed, "2025-11")


@pytest.fixture(scope="module")
def summary(history):
    return summarise_tables(*(history[name] for name in TABLES))


def row_of(frame: pl.DataFrame, **keys) -> dict:
    selected = frame
    for column, value in keys.items():
        selected = selected.filter(pl.col(column) == value)
    assert selected.height == 1, selected
    return selected.row(0, named=True)


def test_summary_figures_per_month(summary):
    assert summary["month"].to_list() == ["2024-11", "2024-12", "2025-11"]
    november, december = row_of(summary, month="2024-11"), row_of(summary, month="2024-12")
    assert (november["bookings_total"], december["bookings_total"]) == (276195, 286194)
    assert december["third_party_share"] == pytest.approx(269989 / 286194)
    assert (november["hotline_calls"], november["work_orders"]) == (27332, 3384 + 1096 + 1564)
    assert november["hospital_outpatient_visits"] == 4175517
    assert december["hospital_outpatient_visits"] == 4175517 - 40288
    assert (november["upload_units"], december["upload_units"]) == (51, 50)
    # November has 30 days: 8 complete. December has 31: only 浦口区 uploaded on 31 days with 11/11.
    assert (november["upload_units_complete"], december["upload_units_complete"]) == (8, 1)
    assert december["cumulative_bookings"] == 35021551


def test_month_over_month_and_year_over_year(history, summary):
    changes = trends.compute_changes(summary)
    december = row_of(changes, month="2024-12", metric="bookings_total")
    assert december["previous_month"] == "2024-11"
    assert december["mom_change"] == 286194 - 276195
    assert december["mom_pct"] == pytest.approx((286194 - 276195) / 276195)
    assert december["year_ago_month"] is None and december["yoy_change"] is None
    year_later = row_of(changes, month="2025-11", metric="bookings_total")
    # 2025-10 was not processed: no month-over-month change (2024-12 is not "the month before").
    assert year_later["previous_month"] is None and year_later["mom_change"] is None
    assert year_later["year_ago_month"] == "2024-11"
    assert year_later["yoy_change"] == 0 and year_later["yoy_pct"] == 0
    complete = row_of(changes, month="2024-12", metric="upload_units_complete")
    assert complete["mom_change"] == 1 - 8


def test_hospitals_that_appear_or_disappear(history):
    bookings = trends.track_presence(resolve_names(history["bookings"], "hospital"), "canonical_name")
    assert bookings.select("month", "compared_with", "unit", "change").rows() == [
        ("2024-12", "2024-11", "南京市雨花医院", "disappeared"),
        ("2025-11", "2024-12", "南京市雨花医院", "appeared")]
    uploads = trends.track_presence(history["uploads"], "unit", by="level")
    assert uploads.select("month", "level", "unit", "change").rows() == [
        ("2024-12", "hospital", "泰康仙林鼓楼医院", "disappeared"),
        ("2025-11", "hospital", "泰康仙林鼓楼医院", "appeared")]


def test_completeness_over_time(history):
    table = completeness_by_month(history["uploads"])
    assert row_of(table, month="2024-11", level="district")["complete"] == 4
    assert row_of(table, month="2024-12", level="district")["complete"] == 1
    assert row_of(table, month="2024-12", level="hospital")["complete"] == 0
    assert row_of(table, month="2024-12", level="hospital")["units"] == 38


def test_cumulative_counter_shows_its_difference(summary):
    table = trends.check_cumulative_counters(summary)
    december = row_of(table, month="2024-12", counter="cumulative_bookings")
    assert december["change"] == 35021551 - 34735351
    assert december["monthly_value"] == 286194
    assert december["difference"] == 6
    november = row_of(table, month="2024-11", counter="cumulative_bookings")
    assert november["previous_month"] is None and november["difference"] is None


def test_history_stops_at_the_context_month(processed):
    history = history_of(processed, "2024-12")
    summary = summarise_tables(*(history[name] for name in TABLES))
    assert summary["month"].to_list() == ["2024-11", "2024-12"]


def test_one_month_has_no_change_and_nothing_appears(processed):
    history = history_of(processed, "2024-11")
    summary = summarise_tables(*(history[name] for name in TABLES))
    changes = trends.compute_changes(summary)
    presence = trends.track_presence(history["uploads"], "unit", by="level")
    assert summary.height == 1
    assert changes["mom_change"].null_count() == changes.height
    assert presence.height == 0


def test_a_month_without_a_third_party_column_has_no_third_party_share():
    """A channel a month does not print is absent, not zero: its share is None, never 0."""
    from njbulletin.analysis.summary import compute_key_figures

    bookings = pl.DataFrame({"month": ["2024-11"] * 2, "seq": [1, 1], "hospital": ["甲医院"] * 2,
                             "channel": ["online_12320", "quick"], "count": [3, 1]})
    figures = compute_key_figures("2024-11", 30, {"bookings": bookings})
    assert figures["bookings_total"] == 4 and figures["third_party_share"] is None
    with_third = pl.concat([bookings, bookings.head(1).with_columns(pl.lit("third_party").alias("channel"))])
    assert compute_key_figures("2024-11", 30, {"bookings": with_third})["third_party_share"] == round(3 / 7, 6)
