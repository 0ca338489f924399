"""Format drift of the bookings table (issue 14, item 4): channels come from data/reference/channels.csv.

The variant bulletins are built here from the seed's text (data/raw/2024-11.txt, bookings table at lines
350-425: `seq name 12320在线预约 快速预约 诊间预约 第三方 小计`, the header repeated at line 395, then the 合计
row). Expected values are worked out by hand from the seed's rows:

- 南京鼓楼医院（含分院） 7139 1151 903 258137 267330; 南京市第一医院 935 111 0 370 1416;
  南京市儿童医院 1034 229 0 0 1263; 南京市中医院 507 57 0 191 755;
- 合计 13407 1896 903 259989 276195.

A channel added to the file is read by a child process started with NJBULLETIN_REFERENCE pointing at a
copy of data/reference with that channel added, as a user would run the command after editing the file.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from njbulletin import config
from njbulletin.analysis import channels as channel_analysis
from njbulletin.commands.main import main
from njbulletin.contract import load_channels
from njbulletin.errors import BulletinError
from njbulletin.reading.parser import parse_text
from njbulletin.validate.checks import validate_bulletin

from seedtools import line_index, seed_lines, seed_text

BOOKINGS_HEADING = "2024 年 11 月 12320 预约挂号服务统计"
BOOKING_ROW = re.compile(r"(?P<seq>\d+) (?P<name>\S+) (?P<cells>\d+(?: \d+){4})")
HEADER_LABELS = "12320 在线预约 快速预约 诊间预约 第三方 小计"
CHANNEL_POSITIONS = {"12320 在线预约": 0, "快速预约": 1, "诊间预约": 2, "第三方": 3}


# --------------------------------------------------------------------------- building the variants


def edit_bookings_table(text: str, edit_header, edit_cells) -> str:
    """Apply edit_header(header text) to every bookings header line and edit_cells(seq or None, cells) to the
    five value cells of every row and of the 合计 row (seq None)."""
    lines = text.split("\n")
    start = lines.index(BOOKINGS_HEADING)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("合计 "))
    for index in range(start + 1, end + 1):
        line = lines[index]
        if line.strip().endswith(HEADER_LABELS):
            lines[index] = edit_header(line)
        elif index == end or BOOKING_ROW.fullmatch(line):
            head, cells = (["合计"], line.split()[1:]) if index == end else (line.split()[:2], line.split()[2:])
            seq = None if index == end else int(head[0])
            lines[index] = " ".join([*head, *edit_cells(seq, [int(cell) if cell.isdigit() else cell
                                                               for cell in cells])])
    return "\n".join(lines)


def with_channel_column(text: str, label: str, after: str, values: dict[int | None, int | str]) -> str:
    """A new channel column printed right after the column `after`; a row's cell is values.get(seq, '/'),
    and its 小计 (and the 合计 row's) grows by that cell."""
    position = CHANNEL_POSITIONS[after] + 1

    def cells(seq, row):
        value = values.get(seq, "/")
        subtotal = row[-1] + (value if isinstance(value, int) else 0)
        return [str(cell) for cell in [*row[:position], value, *row[position:-1], subtotal]]

    return edit_bookings_table(text, lambda line: line.replace(f"{after} ", f"{after} {label} ", 1), cells)


def without_channel_column(text: str, label: str) -> str:
    """The seed without one channel column: each 小计 (and the 合计) loses that cell."""
    position = CHANNEL_POSITIONS[label]

    def cells(seq, row):
        return [str(cell) for cell in [*row[:position], *row[position + 1:-1], row[-1] - row[position]]]

    return edit_bookings_table(text, lambda line: line.replace(f" {label} ", " ", 1), cells)


def test_the_variant_builder_edits_every_header_and_row():
    lines = with_channel_column(seed_text(), "自助机预约", "诊间预约", {1: 120}).split("\n")
    assert lines[351] == "序号 单位 12320 在线预约 快速预约 诊间预约 自助机预约 第三方 小计"
    assert lines[394] == " 序号 单位 12320 在线预约 快速预约 诊间预约 自助机预约 第三方 小计"
    assert lines[353] == "1 南京鼓楼医院（含分院） 7139 1151 903 120 258137 267450"
    assert lines[355] == "2 南京市第一医院 935 111 0 / 370 1416"
    assert lines[424] == "合计 13407 1896 903 / 259989 276195"
    dropped = without_channel_column(seed_text(), "快速预约").split("\n")
    assert dropped[351] == "序号 单位 12320 在线预约 诊间预约 第三方 小计"
    assert dropped[353] == "1 南京鼓楼医院（含分院） 7139 903 258137 266179"
    assert dropped[424] == "合计 13407 903 259989 274299"


# --------------------------------------------------------------------------- a column the file does not know

UNKNOWN_COLUMN_MESSAGE = ("column '自助机预约' of the table header is not a known booking channel: add it to "
                          "data/reference/channels.csv (its printed label, a code, its zh and en names) to read "
                          "this table")


def seed_with_kiosk_column() -> str:
    """The issue's case: the seed with one more channel column, 自助机预约, before 第三方."""
    return with_channel_column(seed_text(), "自助机预约", "诊间预约",
                               {seq: seq % 3 for seq in range(1, 36)} | {None: 36})


def test_an_unknown_channel_column_is_named_with_its_line_and_the_file_to_edit():
    with pytest.raises(BulletinError) as caught:
        parse_text(seed_with_kiosk_column())
    assert caught.value.message == UNKNOWN_COLUMN_MESSAGE
    assert caught.value.line == line_index(seed_lines(), "序号 单位") + 1 == 352
    assert "row number" not in str(caught.value)


def test_an_unknown_column_only_in_the_repeated_header_is_named_too():
    lines = seed_text().split("\n")
    assert lines[394] == " 序号 单位 12320 在线预约 快速预约 诊间预约 第三方 小计"
    lines[394] = " 序号 单位 12320 在线预约 快速预约 诊间预约 自助机预约 第三方 小计"
    with pytest.raises(BulletinError) as caught:
        parse_text("\n".join(lines))
    assert (caught.value.line, caught.value.message) == (395, UNKNOWN_COLUMN_MESSAGE)


@pytest.mark.parametrize("command", ["check", "ingest"])
def test_the_commands_exit_2_with_one_line(tmp_path, capsys, command):
    bulletin = tmp_path / "2024-11.txt"
    bulletin.write_text(seed_with_kiosk_column(), encoding="utf-8")
    extra = ["--processed", str(tmp_path / "processed")] if command == "ingest" else []
    assert main([command, str(bulletin), *extra]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {bulletin}:352: [bookings (12320预约挂号服务统计)] {UNKNOWN_COLUMN_MESSAGE}\n"
    assert not (tmp_path / "processed").exists() or not any((tmp_path / "processed").rglob("*.parquet"))


# --------------------------------------------------------------------------- a channel dropped


def test_a_dropped_channel_is_absent_not_zero_and_the_month_reconciles():
    bulletin = parse_text(without_channel_column(seed_text(), "快速预约"))
    bookings = bulletin.tables["bookings"]
    assert bookings.height == 35 * 3
    assert bookings["channel"].unique(maintain_order=True).to_list() == ["online_12320", "in_clinic", "third_party"]
    drum_tower = dict(bookings.filter(pl.col("seq") == 1).select("channel", "count").iter_rows())
    assert drum_tower == {"online_12320": 7139, "in_clinic": 903, "third_party": 258137}
    declared = dict(bulletin.tables["declared_totals"].filter(pl.col("table") == "bookings")
                    .select("item", "value").iter_rows())
    assert (declared["南京鼓楼医院（含分院）"], declared["南京市第一医院"], declared["total"]) == (266179, 1305, 274299)
    assert "total_quick" not in declared
    report = validate_bulletin(bulletin)
    # No error: the 12320快速预约 platform (1896) is not compared with a quick column the month does not print,
    # and no total_not_printed warning for it: the seed's 106 warnings, no more.
    assert (report.errors, len(report.warnings)) == ([], 106)
    summary = channel_analysis.summarise_channels(bookings)
    assert summary.select("channel", "count").rows() == [("online_12320", 13407), ("in_clinic", 903),
                                                          ("third_party", 259989)]
    assert summary.filter(pl.col("channel") == "third_party")["share"][0] == pytest.approx(259989 / 274299)
    reconciliation = channel_analysis.reconcile_printed_totals(
        bookings, bulletin.tables["booking_platforms"], bulletin.tables["hotline"], bulletin.tables["declared_totals"])
    assert reconciliation.height == 3 + 1 + 35 + 1 + 1 and set(reconciliation["status"]) == {"match"}


def test_a_dropped_channel_leaves_the_mix_chart(tmp_path):
    from njbulletin.report import charts

    bookings = parse_text(without_channel_column(seed_text(), "快速预约")).tables["bookings"]
    figure = charts.chart_channel_mix(channel_analysis.pivot_channel_mix(bookings), "2024-11", "zh")
    legend = [item.get_text() for item in figure.axes[0].get_legend().get_texts()]
    assert legend == ["12320在线预约", "诊间预约", "第三方"]


# --------------------------------------------------------------------------- channels added to the file

# Runs in a child process whose channels file holds the new channel; prints what each layer made of it.
REPORT_SCRIPT = """
import json, sys
from njbulletin.reading.parser import parse_bulletin
from njbulletin.validate.checks import validate_bulletin
from njbulletin.analysis import channels
from njbulletin.report import charts
from njbulletin.report.labels import text

results = []
for path in sys.argv[1:]:
    bulletin = parse_bulletin(path)
    tables = bulletin.tables
    report = validate_bulletin(bulletin)
    summary = channels.summarise_channels(tables["bookings"])
    mix = channels.pivot_channel_mix(tables["bookings"])
    reconciliation = channels.reconcile_printed_totals(tables["bookings"], tables["booking_platforms"],
                                                       tables["hotline"], tables["declared_totals"])
    legends = {}
    for lang in ("zh", "en"):
        figure = charts.chart_channel_mix(mix, bulletin.month, lang)
        legends[lang] = [item.get_text() for item in figure.axes[0].get_legend().get_texts()]
    results.append({
        "rows": tables["bookings"].height,
        "channel_rows": dict(tables["bookings"].group_by("channel").len().iter_rows()),
        "drum_tower": dict(tables["bookings"].filter(tables["bookings"]["seq"] == 1)
                           .select("channel", "count").iter_rows()),
        "nulls": tables["bookings"]["count"].null_count(),
        "declared": dict(tables["declared_totals"].filter(tables["declared_totals"]["table"] == "bookings")
                         .select("item", "value").iter_rows()),
        "errors": [issue.format() for issue in report.errors],
        "warnings": len(report.warnings),
        "summary": summary.select("channel", "count").rows(),
        "shares": dict(summary.select("channel", "share").iter_rows()),
        "reconciliation": [reconciliation.height, sorted(set(reconciliation["status"]))],
        "legends": legends,
    })
print(json.dumps(results, ensure_ascii=False))
"""


def reference_with(tmp_path: Path, row: str, before: str | None) -> Path:
    """A copy of data/reference whose channels file holds one more row (before the row of `before`, or last)."""
    reference = tmp_path / "reference"
    shutil.copytree(config.PROJECT_ROOT / "data" / "reference", reference)
    lines = (reference / "channels.csv").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{before},")) if before else len(lines)
    (reference / "channels.csv").write_text("\n".join([*lines[:at], row, *lines[at:]]) + "\n", encoding="utf-8")
    return reference


def run_with_reference(reference: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NJBULLETIN_REFERENCE": str(reference), "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)


def read_variants(reference: Path, *paths: Path) -> list[dict]:
    result = run_with_reference(reference, "-c", REPORT_SCRIPT, *map(str, paths))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_channel_inserted_before_third_party(tmp_path):
    reference = reference_with(tmp_path, "self_service,自助机预约,自助机预约,Self-service kiosk", before="third_party")
    variant = tmp_path / "2024-11.txt"
    # 自助机预约: 120 at 南京鼓楼医院（含分院）, 15 at 南京市第一医院, 7 at 南京市儿童医院, 0 elsewhere: 142 in all.
    variant.write_text(with_channel_column(seed_text(), "自助机预约", "诊间预约",
                                           dict.fromkeys(range(1, 36), 0) | {1: 120, 2: 15, 3: 7, None: 142}),
                       encoding="utf-8")
    seed = tmp_path / "seed" / "2024-11.txt"
    seed.parent.mkdir()
    shutil.copy(config.RAW_DIR / "2024-11.txt", seed)
    got, seed_got = read_variants(reference, variant, seed)

    assert got["rows"] == 35 * 5 and got["nulls"] == 0
    assert got["drum_tower"] == {"online_12320": 7139, "quick": 1151, "in_clinic": 903, "self_service": 120,
                                 "third_party": 258137}
    assert (got["declared"]["南京鼓楼医院（含分院）"], got["declared"]["南京市第一医院"],
            got["declared"]["南京市儿童医院"]) == (267450, 1431, 1270)
    assert (got["declared"]["total_self_service"], got["declared"]["total_third_party"],
            got["declared"]["total"]) == (142, 259989, 276337)
    assert (got["errors"], got["warnings"]) == ([], 106)
    assert got["summary"] == [["online_12320", 13407], ["quick", 1896], ["in_clinic", 903], ["self_service", 142],
                              ["third_party", 259989]]
    assert got["shares"]["third_party"] == pytest.approx(259989 / 276337)
    assert got["reconciliation"] == [5 + 1 + 35 + 1 + 1, ["match"]]
    assert got["legends"]["zh"] == ["12320在线预约", "快速预约", "诊间预约", "自助机预约", "第三方"]
    assert got["legends"]["en"] == ["12320 online", "Quick booking", "In-clinic", "Self-service kiosk", "Third party"]
    # The seed does not print the new channel: it is absent from its rows, and nothing else changes.
    assert seed_got["rows"] == 35 * 4 and "self_service" not in seed_got["channel_rows"]
    assert "total_self_service" not in seed_got["declared"] and seed_got["declared"]["total"] == 276195
    assert (seed_got["errors"], seed_got["warnings"]) == ([], 106)


def test_a_channel_inserted_after_third_party_with_unprinted_cells(tmp_path):
    reference = reference_with(tmp_path, "counter,窗口预约,窗口预约,Counter", before=None)
    variant = tmp_path / "2024-11.txt"
    # 窗口预约: 40 at 南京鼓楼医院（含分院）, 3 at 南京市中医院 (seq 5), '/' (not printed) in the other 33 rows.
    variant.write_text(with_channel_column(seed_text(), "窗口预约", "第三方", {1: 40, 5: 3, None: 43}),
                       encoding="utf-8")
    got, = read_variants(reference, variant)

    assert got["rows"] == 35 * 5 and got["channel_rows"]["counter"] == 35
    assert got["nulls"] == 33  # a '/' cell of a printed column is a missing value, not an absent channel
    assert got["drum_tower"] == {"online_12320": 7139, "quick": 1151, "in_clinic": 903, "third_party": 258137,
                                 "counter": 40}
    assert (got["declared"]["南京鼓楼医院（含分院）"], got["declared"]["南京市中医院"]) == (267370, 758)
    assert (got["declared"]["total_counter"], got["declared"]["total"]) == (43, 276238)
    assert (got["errors"], got["warnings"]) == ([], 106)
    assert got["summary"][-2:] == [["third_party", 259989], ["counter", 43]]
    assert got["shares"]["counter"] == pytest.approx(43 / 276238)
    assert got["reconciliation"] == [5 + 1 + 35 + 1 + 1, ["match"]]
    assert got["legends"]["en"][-2:] == ["Third party", "Counter"]


def test_a_new_channel_reconciles_wrong_totals_too(tmp_path):
    reference = reference_with(tmp_path, "self_service,自助机预约,自助机预约,Self-service kiosk", before="third_party")
    variant = tmp_path / "2024-11.txt"
    # The new column's 合计 is misprinted: 150 for a column that sums to 142 (the overall 合计 276337 is right).
    text = with_channel_column(seed_text(), "自助机预约", "诊间预约",
                               dict.fromkeys(range(1, 36), 0) | {1: 120, 2: 15, 3: 7, None: 142})
    variant.write_text(text.replace("合计 13407 1896 903 142 259989 276337", "合计 13407 1896 903 150 259989 276337"),
                       encoding="utf-8")
    got, = read_variants(reference, variant)
    assert got["errors"] == [f"error: {variant}:425: bookings: 合计 of 自助机预约 (self_service): printed 150, "
                             "computed column sum 142 [booking_channel_total]"]


def test_check_reads_a_month_with_the_new_channel_after_the_file_is_edited(tmp_path):
    variant = tmp_path / "2024-11.txt"
    variant.write_text(seed_with_kiosk_column(), encoding="utf-8")
    before = run_with_reference(config.PROJECT_ROOT / "data" / "reference", "-m", "njbulletin", "check", str(variant))
    assert before.returncode == 2 and UNKNOWN_COLUMN_MESSAGE in before.stderr
    reference = reference_with(tmp_path, "self_service,自助机预约,自助机预约,Self-service kiosk", before="third_party")
    after = run_with_reference(reference, "-m", "njbulletin", "check", "--summary", str(variant))
    assert after.returncode == 0, after.stderr
    assert after.stdout.splitlines()[-1] == f"2024-11: {variant}: 0 errors, 106 warnings"


# --------------------------------------------------------------------------- the channels file itself


@pytest.mark.parametrize("row, message", [
    ("quick,快捷预约,快捷预约,Fast", "code 'quick' is listed twice"),
    ("Self Service,自助机预约,自助机预约,Kiosk", "code 'Self Service' is not a lower-case name"),
    ("kiosk,第三方,自助机预约,Kiosk", "printed label '第三方' of kiosk is already a column of the bookings table"),
    ("kiosk,小计,自助机预约,Kiosk", "printed label '小计' of kiosk is already a column"),
    ("kiosk,自助机预约,,Kiosk", "channel kiosk needs a printed label, a zh name and an en name"),
])
def test_a_wrong_row_of_the_channels_file_is_refused_with_its_line(tmp_path, row, message):
    path = tmp_path / "channels.csv"
    path.write_text((config.PROJECT_ROOT / "data" / "reference" / "channels.csv").read_text(encoding="utf-8")
                    + row + "\n", encoding="utf-8")
    with pytest.raises(BulletinError, match=re.escape(message)) as caught:
        load_channels(path)
    assert caught.value.line == 6


def test_the_channels_file_lists_the_seed_channels_in_printed_order():
    channels = load_channels()
    assert [(c.code, c.labels, c.zh, c.en) for c in channels] == [
        ("online_12320", ("12320 在线预约",), "12320在线预约", "12320 online"),
        ("quick", ("快速预约",), "快速预约", "Quick booking"),
        ("in_clinic", ("诊间预约",), "诊间预约", "In-clinic"),
        ("third_party", ("第三方",), "第三方", "Third party"),
    ]


@pytest.mark.slow
def test_a_month_with_a_new_channel_runs_from_raw_file_to_reports(tmp_path):
    """The whole pipeline (notebooks, charts, exports) with a channel the seed does not print."""
    import csv

    reference = reference_with(tmp_path, "self_service,自助机预约,自助机预约,Self-service kiosk", before="third_party")
    raw, processed, reports = tmp_path / "raw", tmp_path / "processed", tmp_path / "reports"
    raw.mkdir()
    (raw / "2024-11.txt").write_text(with_channel_column(seed_text(), "自助机预约", "诊间预约",
                                                         dict.fromkeys(range(1, 36), 0) | {1: 120, 2: 15, 3: 7,
                                                                                             None: 142}),
                                     encoding="utf-8")
    result = run_with_reference(reference, "-m", "njbulletin", "run", "2024-11", "--raw", str(raw),
                                "--processed", str(processed), "--reports", str(reports), "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    month = reports / "2024-11"
    with open(month / "data" / "bookings.csv", encoding="utf-8", newline="") as handle:
        kiosk = [row for row in csv.DictReader(handle) if row["channel"] == "self_service"]
    assert len(kiosk) == 35 and sum(int(row["count"]) for row in kiosk) == 142
    summary = json.loads((month / "summary.json").read_text(encoding="utf-8"))
    assert (summary["bookings_total"], summary["quality_errors"], summary["quality_flags"]) == (276337, 0, 106)
    assert (month / "figures" / "10-channel-mix.svg").stat().st_size > 0
    assert "自助机预约" in (month / "figures" / "10-channel-mix.svg").read_text(encoding="utf-8")
