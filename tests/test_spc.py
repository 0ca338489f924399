"""Statistical process control's calculation (analysis.spc: the limits, the baseline, gaps and rebases, every
series on the calendar) against NHSRplotthedots' own test values and hand-made series. The rules are
tests/test_spc_point_types.py; the report's queries tests/test_spc_queries.py.

Most hand-made series start with a baseline of 20 points alternating 12 and 10 (ending on 10, below the
mean), and fix the limits on it (fix_after=20): mean 11, every moving range 2, so the process limits are
11 ± 2.66 × 2 = 5.68 and 16.32, and "close to a limit" is beyond 11 ± 2/3 × 5.32 = 7.4533 and 14.5467.
"""
from __future__ import annotations

import polars as pl
import pytest

from njbulletin.analysis.spc import compute_spc, xmr
from njbulletin.analysis.spc_point_types import OUTSIDE, SHIFT
from njbulletin.contract import NO_LIMITS, PROPER, PROVISIONAL
from njbulletin.indicators import UP

# R: set.seed(123); rnorm(20), as NHSRplotthedots' tests draw it (tests/testthat/test-ptd_spc_standard.R)
RNORM = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
         -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
         0.49785048, -1.96661716, 0.70135590, -0.47279140]
BASELINE = [12.0, 10.0] * 10


def limits_of(frame: pl.DataFrame) -> tuple[float, float, float]:
    return frame["mean"][0], frame["lower"][0], frame["upper"][0]


def rules_at(frame: pl.DataFrame, position: int) -> set[str]:
    rules = frame["rules"][position]
    return set(rules.split(";")) if rules else set()


def began_at(frame: pl.DataFrame, position: int) -> set[str]:
    began = frame["began"][position]
    return set(began.split(";")) if began else set()


def fixed(values: list[float | None], **options) -> pl.DataFrame:
    return xmr(BASELINE + values, fix_after=20, **options)


# ----------------------------------------------------------------------------- NHSRplotthedots' values


def test_the_limits_of_the_series_as_drawn_are_nhsrplotthedots():
    assert limits_of(xmr(RNORM)) == pytest.approx((0.1416238, -3.01138, 3.294627), abs=5e-7)


def test_a_screened_outlier_leaves_the_limits_nhsrplotthedots_gives():
    drawn = RNORM.copy()
    drawn[14] = 10
    assert limits_of(xmr(drawn)) == pytest.approx((0.6694159, -2.383666, 3.722497), abs=5e-7)
    assert limits_of(xmr(drawn, screen_outliers=False)) == pytest.approx((0.6694159, -4.596625, 5.935457), abs=5e-7)


def test_the_series_as_drawn_has_only_common_cause_and_its_sides_of_the_mean_are_nhsrplotthedots():
    frame = xmr(RNORM)
    assert frame["variation"].unique().to_list() == ["common_cause"]
    assert frame["rules"].null_count() == 20
    # relative_to_mean in NHSRplotthedots' snapshot: -1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1, ...
    above = [value > frame["mean"][0] for value in RNORM[:15]]
    assert above == [False, False, True, False, False, True, True, False, False, False, True, True, True, False,
                     False]


def test_two_close_points_on_opposite_sides_of_the_mean_are_common_cause_as_in_nhsrplotthedots():
    # Its test: 1, -1 eight times, the 15th set to 5.5 and the 16th to -5.5. Mean 0; moving ranges 2 (x13),
    # 6.5 and 11; 11 > 3.267 x 43.5/15 is screened, so the mean moving range is 32.5/14 and the points
    # beyond 2/3 x 2.66 x 32.5/14 = 4.12 are close to a limit, one above and one below.
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    frame = xmr(values)
    assert limits_of(frame) == pytest.approx((0.0, -2.66 * 32.5 / 14, 2.66 * 32.5 / 14))
    assert frame["variation"].to_list()[-2:] == ["common_cause", "common_cause"]


# ----------------------------------------------------------------------------- baseline, gaps, rebase


@pytest.mark.parametrize(("points", "status"), [(11, NO_LIMITS), (12, PROVISIONAL), (19, PROVISIONAL), (20, PROPER)])
def test_limits_need_twelve_points_and_are_provisional_until_twenty(points, status):
    frame = xmr(([12.0, 10.0] * 10)[:points])
    assert frame["limits"].unique().to_list() == [status]
    if status == NO_LIMITS:
        assert frame["mean"].null_count() == points and frame["variation"].null_count() == points
    else:
        assert frame["mean"][0] == pytest.approx((12 * ((points + 1) // 2) + 10 * (points // 2)) / points)


def test_without_limits_no_rule_fires_not_even_a_trend():
    frame = xmr([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    assert frame["rules"].null_count() == 8 and frame["limits"][0] == NO_LIMITS


def test_a_moving_range_never_spans_a_month_without_a_value():
    # 10, 12 three times, a gap, 20, 22 three times: 12 points, mean 16. The ten moving ranges are 2; the
    # 8 from 12 to 20 across the gap is not one (with it the mean moving range would be 28/11).
    frame = xmr([10.0, 12.0] * 3 + [None] + [20.0, 22.0] * 3)
    assert limits_of(frame) == pytest.approx((16.0, 16 - 5.32, 16 + 5.32))
    assert frame["value"][6] is None and frame["variation"][6] is None and frame["moving_range"][7] is None


def test_no_run_reaches_across_a_month_without_a_value():
    assert all(rules_at(fixed([11.5] * 4 + [None] + [11.5] * 3), p) == set() for p in range(20, 28))
    assert rules_at(fixed([11.5] * 7), 26) == {SHIFT}


def test_fixing_the_baseline_keeps_later_points_out_of_the_limits():
    assert limits_of(xmr(BASELINE + [30.0] * 5, fix_after=20)) == pytest.approx((11.0, 5.68, 16.32))
    assert xmr(BASELINE + [30.0] * 5)["mean"][0] == pytest.approx((220 + 150) / 25)


def test_a_rebase_gives_each_part_its_own_limits_and_no_run_crosses_it():
    values = BASELINE + [22.0, 20.0] * 6
    frame = xmr(values, rebase_at=(20,))
    assert limits_of(frame) == pytest.approx((11.0, 5.68, 16.32)) and frame["limits"][0] == PROPER
    assert (frame["mean"][20], frame["upper"][20], frame["limits"][20]) == pytest.approx((21.0, 26.32, PROVISIONAL))
    assert frame["rules"].null_count() == 32
    assert SHIFT in rules_at(xmr(values), 31)  # without the rebase, the last twelve are one long shift


# ----------------------------------------------------------------------------- many series on the calendar


def history_of(series: dict[tuple[str, str, str], dict[str, float]]) -> pl.DataFrame:
    rows = [(month, level, unit, indicator, value) for (level, unit, indicator), values in series.items()
            for month, value in values.items()]
    return pl.DataFrame(rows, schema={"month": pl.String, "level": pl.String, "unit": pl.String,
                                      "indicator": pl.String, "value": pl.Float64}, orient="row")


def months_from(first_year: int, count: int) -> list[str]:
    return [f"{first_year + index // 12}-{index % 12 + 1:02d}" for index in range(count)]


def test_every_series_is_judged_on_the_calendar_with_its_own_direction():
    months = months_from(2023, 22)
    bookings = dict(zip(months, BASELINE + [17.0, 30.0]))
    del bookings["2023-06"]  # a month the hospital was not printed: a gap, and 21 points
    visits = dict(zip(months, BASELINE + [17.0, 30.0]))
    short = dict(zip(months[-5:], [1.0, 2.0, 3.0, 4.0, 5.0]))
    points = compute_spc(history_of({("hospital", "甲医院", "bookings"): bookings,
                                     ("hospital", "甲医院", "outpatient_visits"): visits,
                                     ("district", "玄武区", "completeness_score"): short}))
    hospital = points.filter(pl.col("indicator") == "bookings")
    assert hospital.height == 21 and "2023-06" not in hospital["month"].to_list()
    last = hospital.filter(pl.col("month") == "2024-10").row(0, named=True)
    assert (last["value"], last["began"], last["variation"]) == (30.0, OUTSIDE, "improving")  # bookings: up
    neutral = points.filter((pl.col("indicator") == "outpatient_visits") & (pl.col("month") == "2024-10"))
    assert neutral["variation"][0] == "neutral"
    district = points.filter(pl.col("level") == "district")
    assert district["month"].to_list() == months[-5:] and district["limits"].unique().to_list() == [NO_LIMITS]


def test_screening_never_removes_all_the_variation():
    # Nineteen months at 1.0 and one at 0.9: the two moving ranges of 0.1 average 0.2 / 19 = 0.0105 over the
    # nineteen; both are above 3.267 x 0.0105 = 0.0344, and screening them out would leave a mean moving
    # range of 0 (limits on the mean). They are kept: limits 0.995 ± 2.66 x 0.2 / 19, and the dip is outside.
    values = [1.0] * 10 + [0.9] + [1.0] * 9
    frame = xmr(values, direction=UP)
    spread = 2.66 * 0.2 / 19
    assert limits_of(frame) == pytest.approx((0.995, 0.995 - spread, 0.995 + spread))
    assert rules_at(frame, 10) == {OUTSIDE} and frame["variation"][10] == "concerning"
    assert limits_of(xmr([5.0] * 20)) == (5.0, 5.0, 5.0)  # a series that never moved: limits on its mean
    assert rules_at(xmr([5.0] * 20 + [5.1]), 20) == {OUTSIDE}
