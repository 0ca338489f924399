"""The attention list of a planted synthetic month, computed in-process from the synthetic tables (each of the 26
bulletins parsed and validated as ingest would, no pipeline): it names every planted event and misses none.

The archive (tests/planted.py, seed 3, 2023-01 to 2025-02) plants four events in 2025-02:
- 南京脑科医院 stops uploading (0 0 0/11 0 / 0 /, after uploading every month);
- 南京市高淳中医院 takes 2.5 times its online and third-party bookings: its row 50 4 0 38, 小计 92, becomes
  125 4 0 95, 小计 224 (the 合计 and 12320快速预约 follow; 2025-02 has 19 working days and 12 days of the
  Spring Festival's window, which the synthetic volumes follow: `synth.model.volume_scale`);
- 六合区, which uploaded in real time every day of every month, uploads 9 of 11 forms from 2024-08 to
  2025-02 after 11 of 11 in 2024-07: its completeness score (1 + 9/11) / 2 = 0.909091 seven months in a row;
- 南京明基医院 is left out of the bookings table.
"""
from __future__ import annotations

import json

import polars as pl
import pytest

from njbulletin.analysis.attention import (
    build_attention_list,
    count_attention,
    list_new_flags,
    number_folded,
    number_items,
)
from njbulletin.analysis.calendar_adjustment import judge_history
from njbulletin.analysis.series import compute_indicator_values
from njbulletin.analysis.spc import compute_spc
from njbulletin.analysis.spc_point_types import OUTSIDE, SHIFT
from njbulletin.analysis.spc_queries import count_series, select_judged
from njbulletin.contract import ATTENTION_SCHEMA, NO_LIMITS, QUALITY_FLAGS_SCHEMA, SPC_SCHEMA
from njbulletin.months import days_in_month
from njbulletin.reading.parser import parse_text
from njbulletin.report import attention as listed
from njbulletin.report.datapackage import analysis_exports, build_data_package
from njbulletin.validate.checks import validate_bulletin
from njbulletin.validate.names import resolve_names

from planted import planted_archive
from seedtools import seed_text

MONTH, BEFORE = "2025-02", "2025-01"


def month_tables(bulletins) -> dict[str, dict[str, pl.DataFrame]]:
    """Each month's tables as ingest stores them: parsed, validated (no errors), with the quality flags."""
    tables = {}
    for month, text, _ in bulletins:
        bulletin = parse_text(text)
        report = validate_bulletin(bulletin)
        assert not report.errors, (month, report.errors[:3])  # the planted totals are consistent
        tables[month] = {**bulletin.tables, "quality_flags": report.quality_flags}
    return tables


def attention_of(tables: dict[str, dict[str, pl.DataFrame]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    history = pl.concat([compute_indicator_values(month, days_in_month(month), frames)
                         for month, frames in tables.items()])
    _, points = judge_history(history)
    return listed.with_links(build_attention_list(MONTH, tables[MONTH], tables[BEFORE], points)), points


@pytest.fixture(scope="module")
def archive():
    return planted_archive(months=26, start="2023-01", seed=3)


@pytest.fixture(scope="module")
def planted(archive):
    return attention_of(month_tables(archive.bulletins))


def canonical(name: str) -> str:
    return resolve_names(pl.DataFrame({"name": [name]}), "name")["canonical_name"][0]


def named(items: pl.DataFrame, kind: str, unit: str, **columns) -> pl.DataFrame:
    found = items.filter((pl.col("kind") == kind) & (pl.col("unit") == unit))
    for column, value in columns.items():
        found = found.filter(pl.col(column) == value)
    return found


def test_the_planted_events_are_the_synthetic_units_the_docstring_names(archive):
    assert archive.events == {"stops_uploading": "南京脑科医院", "bookings_jump": "南京市高淳中医院",
                              "completeness_shift": "六合区", "vanishes": "南京明基医院"}
    row = next(row for row in archive.bulletins[-1][2]["bookings"] if row["hospital"] == "南京市高淳中医院")
    before = next(row for row in archive.unplanted[-1][2]["bookings"] if row["hospital"] == "南京市高淳中医院")
    assert row["subtotal"] == 224 == sum(round(before[c] * 2.5) if c != "quick" else before[c]
                                         for c in ("online_12320", "quick", "in_clinic", "third_party"))


def test_the_planted_month_names_each_planted_event(archive, planted):
    items, _ = planted
    events = {event: canonical(name) for event, name in archive.events.items()}
    assert named(items, "stopped_uploading", events["stops_uploading"], table="uploads").height == 1
    assert named(items, "vanished", events["vanishes"], table="bookings").height == 1
    jump = named(items, "signal", events["bookings_jump"], indicator="bookings").row(0, named=True)
    # volumes are judged per working day: 2025-02 has 19 (20 weekdays, less the festival's 3 and 4 February, plus
    # Saturday 8 February worked), and it holds part of the Spring Festival's window, whose estimated effect (a dip)
    # is taken out, so the value is 224 / 19 = 11.79 a working day raised by a factor the festival explains (< 1/0.7)
    assert 224 / 19 < jump["value"] < 224 / 19 / 0.7
    assert (jump["rule"], jump["side"], jump["judgement"]) == (OUTSIDE, "high", "improving")
    assert jump["value"] > jump["upper"] and jump["limits"] == "proper" and jump["baseline_points"] == 26
    shift = named(items, "signal", events["completeness_shift"], indicator="completeness_score").row(0, named=True)
    assert (shift["rule"], shift["side"], shift["judgement"]) == (SHIFT, "low", "concerning")
    assert shift["value"] == pytest.approx((1 + 9 / 11) / 2) and shift["value"] < shift["mean"]


def test_none_of_them_is_named_in_the_same_month_unplanted(archive):
    # (unplanted, 南京市高淳中医院's 92 bookings are inside its limits, 61.5 to 119.8, and 南京明基医院's 59 below
    # its lower limit, 67.2, in this festival month judged on raw counts: ordinary signals, not the planted ones)
    items, _ = attention_of(month_tables(archive.unplanted))
    events = {event: canonical(name) for event, name in archive.events.items()}
    assert named(items, "stopped_uploading", events["stops_uploading"]).is_empty()
    assert named(items, "vanished", events["vanishes"]).is_empty()
    assert named(items, "signal", events["bookings_jump"], indicator="bookings", rule=OUTSIDE).is_empty()
    assert named(items, "signal", events["completeness_shift"], indicator="completeness_score").is_empty()


def test_the_list_is_ranked_by_score_and_a_unit_and_its_causes_are_one_item(planted):
    items, _ = planted
    numbers = items["item"].unique(maintain_order=True).to_list()
    assert numbers == list(range(1, len(numbers) + 1)) and items["item"].is_sorted()
    assert items["section"].to_list() == sorted(items["section"].to_list())  # ranked first, then folded
    ranked = items.filter(pl.col("section") == 1)
    # an item is ranked by its heaviest row: the first rows' scores never rise down the list
    firsts = ranked.unique("item", keep="first", maintain_order=True)
    assert firsts["score"].to_list() == sorted(firsts["score"].to_list(), reverse=True)
    assert (ranked.group_by("item").agg(pl.col("score").max())["score"].sort(descending=True).to_list()
            == firsts["score"].to_list())
    # a district or hospital is one ranked item, whatever its flags, signals and changes
    units = ranked.filter(pl.col("level") != "city").group_by("unit").agg(pl.col("item").n_unique())
    assert units["item"].to_list() == [1] * units.height
    # 南京脑科医院 stopped uploading: the stop, its no-uploads flag and its visits falling to 0 are one item
    brain = ranked.filter(pl.col("unit") == canonical("南京脑科医院"))
    assert {"stopped_uploading", "standing", "signal"} <= set(brain["kind"]) and brain["item"].n_unique() == 1
    # the new flags of one rule are one item, folded
    flags = items.filter(pl.col("kind") == "new_flag")
    assert flags.group_by("rule").agg(pl.col("item").n_unique())["item"].to_list() == [1] * flags["rule"].n_unique()
    assert set(flags["section"]) <= {2}
    movers = items.filter(pl.col("kind") == "mover")
    assert 0 < movers.height <= 10 and (movers["moved"].abs() > 1).all() and set(movers["section"]) == {2}
    assert movers["moved"].abs().to_list() == sorted(movers["moved"].abs().to_list(), reverse=True)
    assert movers.join(ranked.filter(pl.col("level") != "city"), on="unit").is_empty()  # no mover repeats an item
    assert count_attention(items) == ranked["item"].n_unique()


def test_each_item_is_one_line_in_either_language_linking_to_its_detail(planted):
    items, _ = planted
    assert len(listed.attention_lines(items, "zh")) == items["item"].n_unique()
    lines = {lang: {line["text"]: line["href"] for line in listed.attention_lines(items, lang)} for lang in ("zh", "en")}

    def starting(lang: str, start: str, facet: str = "") -> str:
        (found,) = [text for text in lines[lang] if text.startswith(start) and facet in text]
        return lines[lang][found]

    # a unit's first row (its heaviest) is its line, its other rows (its flag, its stop) the facets after 另有 / also:
    # 南京脑科医院 stopped uploading (a stop scores √weight × 10, its heaviest row), which links to the units without
    # uploads; its discharges and visits, fallen outside their limits, are facets
    brain = starting("zh", "南京脑科医院本月停止上传数据（上月有上传）", "；另有：出院人数超出控制限、门急诊人次超出控制限")
    assert brain == "20-upload-completeness.html#t20-without-uploads"
    assert starting("en", "Nanjing Brain Hospital stopped uploading this month", "; also: discharges outside the limits")
    assert starting("zh", "南京明基医院从预约挂号表中消失（上月在列）") == "40-trends.html#t40-hospitals"
    assert starting("en", "Nanjing BenQ Medical Center vanished from the bookings table (listed the month before)") \
        == "40-trends.html#t40-hospitals"
    jump = [text for text in lines["zh"] if text.startswith("南京市高淳中医院每个工作日预约挂号 14 人次，高于控制上限 ")]
    shift = [text for text in lines["en"] if text.startswith("Luhe District: completeness score 7 months in a row "
                                                           "below the mean (this month 90.91%; mean ")]
    assert len(jump) == len(shift) == 1 and jump[0].endswith("——向好")
    assert shift[0].endswith(": concerning; also: forms incomplete")  # 六合区's flag is a facet of its item
    signals = items.filter(pl.col("kind") == "signal")
    number = signals["unit"].to_list().index("南京市高淳中医院") + 1
    assert lines["zh"][jump[0]] == f"50-attention.html#signal-{number}"


def test_without_the_month_before_only_signals_and_movers_are_listed(planted):
    items, points = planted
    alone = build_attention_list(MONTH, {"quality_flags": pl.DataFrame(schema=QUALITY_FLAGS_SCHEMA)}, None, points)
    assert set(alone["kind"]) == {"signal", "mover"}
    sentence = repr(listed.describe_attention(listed.with_links(alone), 26, BEFORE, False, "zh"))
    assert f"上月（{BEFORE}）未处理" in sentence


def test_the_seed_alone_lists_its_standing_problems_and_says_plainly_that_no_limits_can_be_drawn():
    bulletin = parse_text(seed_text())
    tables = {**bulletin.tables, "quality_flags": validate_bulletin(bulletin).quality_flags}
    points = compute_spc(select_judged(compute_indicator_values("2024-11", 30, tables)))
    assert points["limits"].unique().to_list() == [NO_LIMITS] and points["mean"].null_count() == points.height
    items = listed.with_links(build_attention_list("2024-11", tables, None, points))
    assert set(items["kind"]) == {"standing"} and count_series(points, "2024-11")["proper"] == 0
    zh = repr(listed.describe_attention(items, 1, "2024-10", False, "zh"))
    assert f"本月共有 {count_attention(items)} 项需关注（长期存在的问题 {count_attention(items)} 项，" in zh
    assert "目前共有 1 个月的数据，尚不能画出控制限" in zh
    first = listed.attention_lines(items, "zh", months=1)[0]["text"]
    assert first.startswith("江苏省人民医院出院人数为 0，住院收入却有 560,386.45 千元：按全市次均住院收入估计缺少约 "
                            "19,238 人次出院，约占全市出院人数的 21.06%（本月）")
    assert "档案中只有本月，没有更早的月份，因此各项长期问题注明“本月”，无法判断已持续多久。" in zh
    en = repr(listed.describe_attention(items, 1, "2024-10", False, "en"))
    assert "Months of data so far: 1. No process limits can be drawn yet" in en


def test_the_exports_have_the_contract_s_columns_and_the_digest_the_first_three(planted, tmp_path):
    items, points = planted
    listed.write_attention_exports(tmp_path / MONTH, MONTH, items, points)
    data = tmp_path / MONTH / "data"
    assert pl.read_csv(data / "attention.csv").columns == list(ATTENTION_SCHEMA)
    spc = pl.read_csv(data / "spc.csv", infer_schema_length=None)
    assert spc.columns == list(SPC_SCHEMA) and spc.height == points.height
    assert (data / "attention.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    digest = json.loads((tmp_path / MONTH / "attention.json").read_text(encoding="utf-8"))
    assert digest["count"] == count_attention(items)
    assert digest["movers"] == items.filter(pl.col("kind") == "mover")["item"].n_unique() > 0
    first = items.filter(pl.col("item") <= 3)
    assert [item["href"] for item in digest["first"]] == \
        [f"{p}.html#{a}" for p, a in first.unique("item", keep="first", maintain_order=True).select("page", "anchor").rows()]
    assert digest["first"][0]["zh"] == listed.attention_lines(first.filter(pl.col("item") == 1), "zh")[0]["text"]
    package = build_data_package(data, analysis_exports(data), [], MONTH)
    assert [resource["name"] for resource in package["resources"]] == ["attention", "spc"]
    assert package["resources"][1]["schema"]["primaryKey"] == ["level", "unit", "indicator", "month"]


def test_a_printed_total_that_does_not_reconcile_comes_first_and_links_to_the_errors(planted):
    # As ingest --allow-errors stores it: 合计 printed 214516 against 214604 summed from the rows.
    _, points = planted
    error = {"month": MONTH, "level": "bookings", "unit": "total", "rule": "booking_grand_total",
             "detail": "printed 214516, rows sum to 214604", "severity": "error"}
    flags = pl.DataFrame([error], schema=QUALITY_FLAGS_SCHEMA)
    items = listed.with_links(build_attention_list(MONTH, {"quality_flags": flags}, None, points))
    first = items.row(0, named=True)
    assert (first["item"], first["kind"], first["table"], first["unit"]) == (1, "total_error", "bookings", "total")
    line = listed.attention_lines(items.head(1), "zh")[0]
    assert (line["section"], line["text"], line["href"], line["briefing"]) == (
        1, "印刷合计与明细不符：预约挂号表·合计（预约总合计）", "02-validate.html#t02-errors", True)
    assert listed.attention_lines(items.head(1), "en")[0]["text"] == (
        "A printed total does not reconcile: bookings table, Total (bookings grand total)")


def test_the_new_flags_of_one_rule_are_one_line_naming_its_first_units():
    """Seven hospitals newly caught by 有采集数据无预约 and one by 表单上传不全: the standing problem's rule is not a
    new flag (standing problems are listed every month as such), so one item, one line, folded."""
    units = [f"第{n}医院" for n in range(1, 8)]
    flags = pl.DataFrame([{"month": MONTH, "level": "hospital", "unit": unit, "rule": "uploads_without_bookings",
                           "detail": "", "severity": "warning"} for unit in units]
                         + [{"month": MONTH, "level": "district", "unit": "六合区", "rule": "forms_incomplete",
                             "detail": "", "severity": "warning"}], schema=QUALITY_FLAGS_SCHEMA)
    before = pl.DataFrame(schema=QUALITY_FLAGS_SCHEMA)
    items = listed.with_links(number_items(number_folded(list_new_flags(flags, before))))
    assert items["item"].to_list() == [1] * 7 and count_attention(items) == 0 and set(items["section"]) == {2}
    zh = [line["text"] for line in listed.attention_lines(items, "zh")]
    rule = listed.translate_code("uploads_without_bookings", "rule.", "zh")
    assert zh == [f"新增数据质量标记“{rule}”：7 个单位（第1医院、第2医院、第3医院、第4医院、第5医院，另有 2 个）"]
    en = [line["text"] for line in listed.attention_lines(items, "en")]
    assert en[0].startswith("New quality flag, ") and en[0].endswith("; and 2 more)")


def test_a_mover_in_yuan_reads_without_a_space_between_the_unit_and_the_verb():
    row = {"level": "hospital", "unit": "南京鼓楼医院", "indicator": "income_per_discharge",
           "previous_value": 32194.39, "value": 22092.67, "moved": -2.7}
    assert listed.mover_sentence(row, "zh") == ("南京鼓楼医院次均住院收入由 32,194.39 元变为 22,092.67 元，"
                                                "变动为其平均月变动的 2.7 倍")
    assert listed.mover_sentence(row, "en") == ("Nanjing Drum Tower Hospital: inpatient income per discharge from "
                                                "32,194.39 yuan to 22,092.67 yuan, 2.7 times its average monthly move")
    counts = {**row, "indicator": "bookings", "previous_value": 1020.0, "value": 762.0, "moved": -4.2}
    assert listed.mover_sentence(counts, "zh") == "南京鼓楼医院预约挂号量由 1,020 变为 762，变动为其平均月变动的 4.2 倍"
    # a volume with its month reads per working day, then names its calendar: 2024-11 has 21 working days,
    # November 2023 22 (30 days from a Wednesday, no holiday)
    assert listed.mover_sentence({**counts, "month": "2024-11"}, "zh") == (
        "南京鼓楼医院每个工作日预约挂号人次由 1,020 变为 762，变动为其平均月变动的 4.2 倍；本月工作日 21 天，上年同月 22 天")
    assert listed.mover_sentence({**counts, "month": "2024-11"}, "en") == (
        "Nanjing Drum Tower Hospital: bookings per working day from 1,020 to 762, 4.2 times its average monthly move; "
        "21 working days this month, 22 a year earlier")
