"""The briefing's 环比, 同比 and 1-N 月累计 on a small hand-made archive, values worked out by hand."""
import polars as pl
import pytest

from njbulletin.analysis.briefing import briefing_figures, year_to_date


def archive(months_values: dict[str, tuple[int, float]]) -> pl.DataFrame:
    months = sorted(months_values)
    return pl.DataFrame({"month": months,
                         "bookings_total": [months_values[m][0] for m in months],
                         "third_party_share": [months_values[m][1] for m in months]})


# 2023-01..03 and 2024-01..03 present; 2024-02 bookings 200, 2024-03 300; 2023-03 250.
FULL = archive({"2023-01": (100, 0.5), "2023-02": (150, 0.5), "2023-03": (250, 0.4),
                "2024-01": (120, 0.5), "2024-02": (200, 0.5), "2024-03": (300, 0.6)})


def row(frame: pl.DataFrame, metric: str) -> dict:
    return frame.filter(pl.col("metric") == metric).to_dicts()[0]


def test_mom_yoy_and_year_to_date_by_hand():
    bookings = row(briefing_figures(FULL, "2024-03", ("bookings_total", "third_party_share")), "bookings_total")
    # 环比 (300 - 200) / 200 = 50%; 同比 (300 - 250) / 250 = 20%
    assert bookings["mom_pct"] == pytest.approx(0.5)
    assert bookings["yoy_pct"] == pytest.approx(0.2)
    # 1-3 月累计 120 + 200 + 300 = 620; a year before 100 + 150 + 250 = 500; 同比 24%
    assert bookings["ytd"] == 620
    assert bookings["ytd_previous"] == 500
    assert bookings["ytd_yoy_pct"] == pytest.approx(0.24)


def test_a_share_gets_changes_but_no_sum():
    share = row(briefing_figures(FULL, "2024-03", ("bookings_total", "third_party_share")), "third_party_share")
    # 0.6 against 0.5 the month before (+20%) and 0.4 a year earlier (+50%); no 累计 of a share
    assert share["mom_pct"] == pytest.approx(0.2)
    assert share["yoy_pct"] == pytest.approx(0.5)
    assert share["ytd"] is None and share["ytd_yoy_pct"] is None


def test_missing_months_leave_changes_out():
    gappy = FULL.filter(pl.col("month") != "2024-01").filter(pl.col("month") != "2023-03")
    bookings = row(briefing_figures(gappy, "2024-03", ("bookings_total",)), "bookings_total")
    assert bookings["yoy_pct"] is None and bookings["year_ago_month"] is None   # 2023-03 missing
    assert bookings["mom_pct"] == pytest.approx(0.5)
    assert bookings["ytd"] is None                                             # 2024-01 missing
    assert year_to_date(gappy, "bookings_total", "2023-02") == 250             # 100 + 150


def test_year_to_date_without_last_year_has_no_yoy():
    recent = FULL.filter(pl.col("month") >= "2024-01")
    bookings = row(briefing_figures(recent, "2024-03", ("bookings_total",)), "bookings_total")
    assert bookings["ytd"] == 620 and bookings["ytd_previous"] is None and bookings["ytd_yoy_pct"] is None


def test_the_months_50_attention_reads_cover_a_december_s_year_to_date_a_year_before():
    # December 2024's 1-12 月累计 同比 needs 2023-01, 24 months back: the history store gives 50-attention the
    # key figures of the JUDGED_MONTHS months ending in its month only (history_store.load_attention_history)
    from njbulletin.analysis.spc_queries import JUDGED_MONTHS, recent_months

    months = [f"{year}-{number:02d}" for year in (2021, 2022, 2023, 2024) for number in range(1, 13)]
    history = archive(dict.fromkeys(months, (100, 0.5)))
    recent = recent_months(history, JUDGED_MONTHS, "2024-12")
    metrics = ("bookings_total", "third_party_share")
    assert recent.height < history.height
    assert briefing_figures(recent, "2024-12", metrics).equals(briefing_figures(history, "2024-12", metrics))
    assert row(briefing_figures(recent, "2024-12", metrics), "bookings_total")["ytd_previous"] == 1200
