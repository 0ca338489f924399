"""The ranked attention list (issue 26): the seed month's standing problems, false alarms on a quiet archive, five
planted events, and ranking and merging on hand-made rows. Everything at the analysis level (bulletins parsed and
validated in-process, no notebook), so the quiet archive's 25 judged months run in seconds.

The seed month (data/raw/2024-11.txt, one month: nothing known of earlier months, every standing problem new and
scored sqrt(weight) x the family threshold, so ranked by weight). From its uploads table (12 districts, 39
hospitals):
- outpatient: the 36 hospitals reporting both visits and income have 2,181,727.11 千元 over 4,175,517 visits, so
  the city's income per visit is 0.5225036 千元 (522.50 yuan);
  - 南京市第一医院: 0 visits, 99,584.26 千元 -> 99,584.26 / 0.5225036 = 190,590 visits missing;
    weight 190,590 / (4,175,517 + 190,590) = 4.37%;
  - 南京市江宁医院: 0 visits, 63,730.83 千元 -> 121,972 visits missing; 121,972 / 4,297,489 = 2.84%;
- inpatient: the 27 hospitals reporting both have 2,099,945.75 千元 over 72,090 discharges: 29.12951 千元 each;
  - 江苏省人民医院: 0 discharges, 560,386.45 千元 -> 19,238 missing; 19,238 / (72,090 + 19,238) = 21.06%;
  - 南京市第一医院: 0 discharges, 202,682.86 千元 -> 6,958 missing; 6,958 / 79,048 = 8.80%;
- 秦淮区: no uploads, one district of 12: 1/12 = 8.33%; 东部战区总医院秦淮医疗区: one hospital of 39: 2.56%.
So 江苏省人民医院 is first (21.06%), 南京市第一医院 second (its heaviest row 8.80%, its outpatient problem a facet
of the same item), 秦淮区 third (8.33%); 南京市江宁医院 (2.84%) and 东部战区总医院秦淮医疗区 (2.56%) follow
江北新区 (real-time uploads on 15 of 30 days: 15/30 x 1/12 = 4.17%), 玄武区 (18 of 30: 3.33%) and 南京市中医院 (3.09%): 7th and 8th.
"""
from __future__ import annotations

import polars as pl
import pytest

from njbulletin.analysis.attention import RANKED, build_attention_list, items, number_items, rank_items
from njbulletin.analysis.calendar_adjustment import judge_history
from njbulletin.analysis.ranking import family_threshold
from njbulletin.analysis.series import compute_indicator_values
from njbulletin.analysis.spc import compute_spc
from njbulletin.analysis.spc_queries import select_judged
from njbulletin.analysis.standing import standing_flags
from njbulletin.config import BRIEFING_ITEMS
from njbulletin.months import days_in_month
from njbulletin.reading.parser import parse_text
from njbulletin.validate.checks import validate_bulletin
from njbulletin.validate.names import resolve_names
from njbulletin.workdays import calendar_label

from planted import QUIET_EVENTS, plant_quiet_events, quiet_bulletins
from seedtools import seed_text

FIRST_JUDGED = 13  # the quiet archive's months from the 14th on have limits (12 points before them)


def month_tables(bulletins) -> dict[str, dict[str, pl.DataFrame]]:
    tables = {}
    for month, text, _ in bulletins:
        bulletin = parse_text(text)
        report = validate_bulletin(bulletin)
        assert not report.errors, (month, report.errors[:3])
        tables[month] = {**bulletin.tables, "quality_flags": report.quality_flags}
    return tables


def attention_lists(tables: dict[str, dict[str, pl.DataFrame]], months: list[str]) -> dict[str, pl.DataFrame]:
    """Each month's list as 50-attention computes it: SPC on the history up to the month (volumes per working day,
    the Spring Festival's effect taken out), the standing flags of the months up to it, the month before's tables."""
    history = pl.concat([compute_indicator_values(month, days_in_month(month), frames)
                         for month, frames in tables.items()])
    flags = pl.concat([standing_flags(month, frames["quality_flags"]) for month, frames in tables.items()])
    order = list(tables)
    lists = {}
    for month in months:
        _, points = judge_history(history.filter(pl.col("month") <= month))
        before = tables[order[order.index(month) - 1]]
        lists[month] = build_attention_list(month, tables[month], before, points, flags.filter(pl.col("month") <= month))
    return lists


def first_rows(attention: pl.DataFrame) -> pl.DataFrame:
    """Each ranked item's first row, in rank order."""
    return attention.filter(pl.col("section") == RANKED).unique("item", keep="first", maintain_order=True)


def canonical(name: str) -> str:
    return resolve_names(pl.DataFrame({"name": [name]}), "name")["canonical_name"][0]


# ----------------------------------------------------------------------------- the seed month


@pytest.fixture(scope="module")
def seed_list():
    bulletin = parse_text(seed_text())
    tables = {**bulletin.tables, "quality_flags": validate_bulletin(bulletin).quality_flags}
    points = compute_spc(select_judged(compute_indicator_values("2024-11", 30, tables)))
    return build_attention_list("2024-11", tables, None, points)


def test_the_seed_month_lists_its_standing_problems_among_the_first_ten_with_their_weights(seed_list):
    first = first_rows(seed_list).head(10)
    assert first["unit"].to_list()[:3] == ["江苏省人民医院", "南京市第一医院", "秦淮区"]
    position = {unit: index + 1 for index, unit in enumerate(first["unit"].to_list())}
    assert position["南京市江宁医院"] == 7 and position["东部战区总医院秦淮医疗区"] == 8

    def row(unit, rule):
        return seed_list.filter((pl.col("unit") == unit) & (pl.col("rule") == rule)).row(0, named=True)

    assert row("江苏省人民医院", "inpatient_income_without_discharges")["weight"] == pytest.approx(0.2106, abs=5e-5)
    assert row("江苏省人民医院", "inpatient_income_without_discharges")["estimate"] == pytest.approx(19238, abs=1)
    assert row("南京市第一医院", "inpatient_income_without_discharges")["weight"] == pytest.approx(0.0880, abs=5e-5)
    first_hospital = row("南京市第一医院", "outpatient_income_without_visits")
    assert first_hospital["estimate"] == pytest.approx(190590, abs=1)
    assert first_hospital["weight"] == pytest.approx(0.04365, abs=5e-5)
    assert first_hospital["value"] == pytest.approx(99584.26)
    assert row("南京市江宁医院", "outpatient_income_without_visits")["weight"] == pytest.approx(0.02838, abs=5e-5)
    assert row("秦淮区", "no_uploads")["weight"] == pytest.approx(1 / 12)
    assert row("东部战区总医院秦淮医疗区", "no_uploads")["weight"] == pytest.approx(1 / 39)
    # one month: every problem lasts 'this month', and the first BRIEFING_ITEMS items are the briefing's
    assert set(seed_list.filter(pl.col("kind") == "standing")["months_running"].to_list()) == {1}
    assert seed_list.filter(pl.col("briefing"))["item"].unique().sort().to_list() == list(range(1, BRIEFING_ITEMS + 1))
    # 南京市第一医院's two problems (and its short days and forms) are one item
    assert seed_list.filter(pl.col("unit") == "南京市第一医院")["item"].unique().to_list() == [2]


# ----------------------------------------------------------------------------- the quiet archive, five events


@pytest.fixture(scope="module")
def quiet():
    return quiet_bulletins(38, "2022-01", 5)


@pytest.fixture(scope="module")
def quiet_lists(quiet):
    tables = month_tables(quiet)
    return attention_lists(tables, list(tables)[FIRST_JUDGED:])


def test_a_quiet_archive_raises_at_most_one_special_cause_item_a_month(quiet_lists):
    # 25 months judged (2023-02 to 2025-02), 209 series or so each: measured 20 signal items, 0.80 a month (at most 3)
    counts = [attention.filter(pl.col("kind") == "signal")["item"].n_unique() for attention in quiet_lists.values()]
    assert len(counts) == 25
    assert sum(counts) / len(counts) <= 1.0
    assert max(counts) <= 3


@pytest.fixture(scope="module")
def planted(quiet):
    bulletins, events = plant_quiet_events(quiet)
    tables = month_tables(bulletins)
    return attention_lists(tables, [month for month, _ in events.values()]), events


def test_each_planted_event_is_among_the_first_eight_items_of_its_month(planted):
    lists, events = planted
    assert list(events) == list(QUIET_EVENTS)
    expected = {"bookings_up_60": ("hospital", "bookings", "signal"),
                "realtime_days_halved": ("district", "realtime_day_share", "signal"),
                "income_per_visit_up_35": ("hospital", "income_per_visit", "signal"),
                "vanishes": ("hospital", None, "vanished"),
                "third_party_down_8": ("city", "channel_share.third_party", "signal")}
    for event, (month, unit) in events.items():
        level, indicator, kind = expected[event]
        attention = lists[month]
        found = attention.filter((pl.col("level") == level) & (pl.col("kind") == kind)
                                 & (pl.col("unit") == (canonical(unit) if level != "city" else "南京市")))
        if indicator:
            found = found.filter(pl.col("indicator") == indicator)
        assert found.height == 1, (event, unit)
        assert found["item"][0] <= 8 and found["section"][0] == RANKED, (event, found["item"][0])
        # a volume's row names the calendar it was judged against (the working days of both years); others none
        assert found["calendar"][0] == (calendar_label(month) if event == "bookings_up_60" else None), event


def test_a_hospital_vanishing_and_the_city_s_count_of_hospitals_booking_are_one_item(planted):
    lists, events = planted
    month, unit = events["vanishes"]
    attention = lists[month]
    item = attention.filter(pl.col("kind") == "vanished")["item"][0]
    counted = attention.filter(pl.col("indicator") == "hospitals_booking")
    assert counted["item"].to_list() == [item]  # not again as a mover, nor as its own signal


# ----------------------------------------------------------------------------- ranking and merging by hand


def hand_rows(rows: list[dict]) -> pl.DataFrame:
    return items(rows, RANKED)


def test_items_are_ranked_by_score_then_concerning_first_then_the_city_first():
    # five rows, worked out by hand:
    # - 南京市甲医院 (hospital) improving signal, score 3.0: first, the highest score;
    # - 玄武区 (district) concerning signal 2.0 and the city's neutral signal 2.0: concerning first at equal score;
    # - the city's concerning signal 2.0 comes before 南京市乙医院's concerning 2.0: the city first;
    # - 南京市乙医院's standing problem 0.5 joins its signal: one item (4th), not a 6th item.
    rows = hand_rows([
        {"kind": "signal", "level": "city", "unit": "南京市", "indicator": "hotline_calls", "score": 2.0,
         "judgement": "neutral"},
        {"kind": "standing", "level": "hospital", "unit": "南京市乙医院", "rule": "forms_incomplete", "score": 0.5,
         "judgement": "concerning"},
        {"kind": "signal", "level": "hospital", "unit": "南京市乙医院", "indicator": "bookings", "score": 2.0,
         "judgement": "concerning"},
        {"kind": "signal", "level": "district", "unit": "玄武区", "indicator": "completeness_score", "score": 2.0,
         "judgement": "concerning"},
        {"kind": "signal", "level": "hospital", "unit": "南京市甲医院", "indicator": "bookings", "score": 3.0,
         "judgement": "improving"},
        {"kind": "signal", "level": "city", "unit": "南京市", "indicator": "bookings_total", "score": 2.0,
         "judgement": "concerning"},
    ])
    ranked = number_items(rank_items(rows))
    order = [(row["item"], row["unit"], row["indicator"] or row["rule"]) for row in ranked.iter_rows(named=True)]
    assert order == [(1, "南京市甲医院", "bookings"), (2, "南京市", "bookings_total"),
                     (3, "玄武区", "completeness_score"), (4, "南京市乙医院", "bookings"),
                     (4, "南京市乙医院", "forms_incomplete"), (5, "南京市", "hotline_calls")]


def test_the_family_wise_threshold_is_sidak_s_normal_quantile():
    # 209 series: each at 1 - 0.95^(1/209) = 0.000245, two-sided: Φ⁻¹(1 - 0.0001227) = 3.667
    assert family_threshold(209) == pytest.approx(3.667, abs=0.001)
    assert family_threshold(1) == pytest.approx(1.960, abs=0.001)


def test_a_share_s_limits_stay_inside_0_to_100_percent():
    # a district complete every month but two: mean 0.9886 over 20 months, its moving ranges (0.11 and 0.12, each
    # twice) give an upper limit above 100% before clipping; a share's limits are clipped to its bounds
    values = [1.0] * 20
    values[5], values[12] = 0.89, 0.88
    history = pl.DataFrame({"month": [f"2023-{m:02d}" for m in range(1, 13)] + [f"2024-{m:02d}" for m in range(1, 9)],
                            "level": "district", "unit": "六合区", "indicator": "completeness_score", "value": values})
    points = compute_spc(history)
    assert points["upper"].max() <= 1.0 and points["lower"].min() >= 0.0
    assert points["mean"][0] == pytest.approx((18 + 0.89 + 0.88) / 20)


def test_a_month_is_judged_against_its_last_36_months_only():
    # completeness 0.50 for the first 12 of 48 months, then 0.90 and 0.92 in turn: judged on all 48 the mean is
    # (12 x 0.50 + 18 x 0.90 + 18 x 0.92) / 48 = 0.8075 and the last month sits far above it; judged on its last 36
    # months (2022-01 to 2024-12, 18 of each), the mean is 0.91, the moving range 0.02 and the last month, 0.92,
    # is inside the limits 0.91 +- 2.66 x 0.02
    months = [f"{year}-{number:02d}" for year in range(2021, 2025) for number in range(1, 13)]
    values = [0.50] * 12 + [0.90, 0.92] * 18
    history = pl.DataFrame({"month": months, "level": "district", "unit": "六合区", "indicator": "completeness_score",
                            "value": values})
    _, points = judge_history(history)
    assert points["month"].to_list() == months[12:]  # the 12 oldest months take no part
    last = points.filter(pl.col("month") == "2024-12").row(0, named=True)
    assert last["baseline_points"] == 36 and last["mean"] == pytest.approx(0.91)
    assert last["mean_moving_range"] == pytest.approx(0.02) and last["special_cause"] is None
    whole = compute_spc(history).filter(pl.col("month") == "2024-12").row(0, named=True)
    assert whole["mean"] == pytest.approx(0.8075) and whole["special_cause"] is not None


# ----------------------------------------------------------------------------- activity without its income


def hand_uploads(rows: list[tuple]) -> pl.DataFrame:
    """Hospital upload rows of 2024-11 (30 days: every real-time day and form uploaded, so no other flag):
    (unit, outpatient visits, outpatient income 千元, discharges, inpatient income 千元)."""
    return pl.DataFrame([{"month": "2024-11", "level": "hospital", "unit": unit, "scheduled_records": 100,
                          "realtime_days": 30, "forms_uploaded": 11, "forms_expected": 11, "outpatient_visits": visits,
                          "outpatient_income_k": out, "discharges": discharges, "inpatient_income_k": inpatient}
                         for unit, visits, out, discharges, inpatient in rows])


def test_activity_reported_with_zero_income_is_a_standing_problem_weighed_by_the_income_missing():
    """Four hospitals, worked out by hand:
    - A: 1,000 visits, 500 千元; 10 discharges, 300 千元. B: 3,000 visits, 1,000 千元; 30 discharges, 900 千元.
    - C: 2,000 visits but 0 outpatient income (0 discharges, 0 inpatient income: nothing to flag there).
    - D: 500 visits, 250 千元; 20 discharges but 0 inpatient income.
    Outpatient: A, B and D report both: 1,750 千元 over 4,500 visits = 0.388889 千元 a visit; C's income missing
    is 2,000 x 0.388889 = 777.78 千元, of the city's 1,750 + 777.78: 7,000 / 22,750 = 4/13 = 30.77%.
    Inpatient: A and B report both: 1,200 千元 over 40 discharges = 30 千元 a discharge; D's missing is 20 x 30 =
    600 千元, of 1,200 + 600: 1/3 = 33.33%. So D comes first, then C. D was flagged in 2024-09 and 2024-10 too:
    since 2024-09, 3 months in a row; C is new this month."""
    from njbulletin.analysis.standing import list_standing
    from njbulletin.report.attention import standing_sentence
    from njbulletin.validate.checks import flag_uploads

    uploads = hand_uploads([("甲医院", 1000, 500.0, 10, 300.0), ("乙医院", 3000, 1000.0, 30, 900.0),
                            ("丙医院", 2000, 0.0, 0, 0.0), ("丁医院", 500, 250.0, 20, 0.0)])
    flags = flag_uploads(uploads)
    assert sorted(flags.select("unit", "rule").iter_rows()) == [
        ("丁医院", "discharges_without_inpatient_income"), ("丙医院", "visits_without_outpatient_income")]
    assert flags.filter(pl.col("unit") == "丙医院")["detail"][0] == (
        "uploads (hospital): 丙医院: outpatient visits 2000 but outpatient income 0 thousand yuan")
    history = pl.DataFrame({"month": ["2024-09", "2024-10"], "level": ["hospital"] * 2, "unit": ["丁医院"] * 2,
                            "rule": ["discharges_without_inpatient_income"] * 2})
    standing = list_standing("2024-11", 30, flags, uploads, history)
    assert standing["unit"].to_list() == ["丁医院", "丙医院"]
    d, c = standing.row(0, named=True), standing.row(1, named=True)
    assert d["weight"] == pytest.approx(1 / 3) and d["estimate"] == pytest.approx(600.0) and d["value"] == 20
    assert c["weight"] == pytest.approx(4 / 13) and c["estimate"] == pytest.approx(7000 / 9) and c["value"] == 2000
    assert (d["since"], d["months_running"], c["months_running"]) == ("2024-09", 3, 1)
    assert standing_sentence(d, "zh", months=3) == (
        "丁医院出院人数为 20，住院收入却为 0：按全市次均住院收入估计缺少约 600.00 千元，约占全市住院收入的 33.33%"
        "（自 2024-09 起，连续 3 个月）")
    assert standing_sentence(c, "en", months=3) == (
        "丙医院: 2,000 outpatient visits but no outpatient income: about 777.78 thousand yuan missing at the city's "
        "income per visit, 30.77% of the city's outpatient income (new this month)")


def test_a_standing_run_stops_at_its_first_missing_month_and_ignores_later_months():
    """Worked by hand for 2024-11: 乙医院 is flagged in 2024-05 and every month from 2024-07 to 2024-11 (2024-08
    twice): 2024-06 breaks the run, so since 2024-07, 5 months. 甲区 is flagged in 2024-10, 2024-11 and 2024-12:
    the later month does not count, so since 2024-10, 2 months. 丙医院 was flagged in 2024-10 only: not flagged
    in 2024-11, it has no run. Keys come sorted (district before hospital)."""
    from njbulletin.analysis.standing import running_since

    rule = "no_uploads"
    rows = ([("2024-05", "hospital", "乙医院")] + [(f"2024-{m:02d}", "hospital", "乙医院") for m in range(7, 12)]
            + [("2024-08", "hospital", "乙医院"), ("2024-10", "district", "甲区"), ("2024-11", "district", "甲区"),
               ("2024-12", "district", "甲区"), ("2024-10", "hospital", "丙医院")])
    history = pl.DataFrame([(*row, rule) for row in rows], schema=["month", "level", "unit", "rule"], orient="row")
    runs = running_since("2024-11", history)
    assert runs.rows() == [("district", "甲区", rule, "2024-10", 2), ("hospital", "乙医院", rule, "2024-07", 5)]
    assert running_since("2024-11", history.head(0)).is_empty()
