"""A name split across two rows of a PDF's table is an error naming both rows, never a pair of unknown names.

The rows are the seed's with one hospital's name printed over two rows, as a reader that took a wrapped name's
last line for a row (or for the start of the next row's name) would give them."""
from __future__ import annotations

import dataclasses

import pytest

from njbulletin import parse_bulletin
from njbulletin.commands.main import main
from njbulletin.reading.parser import parse_text
from njbulletin.validate.checks import validate_bulletin
from njbulletin.validate.names import load_registry, normalise_name, registry_lookup
from njbulletin.validate.split_names import split_name
from pdf_ruled_fixtures import RuledStyle, build_ruled_pdf

from seedtools import replace_once, seed_text

# 南京医科大学第四附属医院(京新) broken after 南京医科大学第四, its rest glued to the next row's name (the issue's
# borderless case), and the uploads' 南京医科大学第四附属医院 broken after 南京医科大学, its rest read as the
# name of the next row (南京市江宁医院's figures).
SPLIT = (("25 南京医科大学第四附属医院(京新) 33 2 0 0 35", "25 南京医科大学第四 33 2 0 0 35"),
         ("26 南京市第二医院 20 1 0 1 22", "26 附属医院(京新)南京市第二医院 20 1 0 1 22"),
         ("南京医科大学第四附属医院 5803817", "南京医科大学 5803817"),
         ("南京市江宁医院 5644967", "第四附属医院 5644967"))


def split_text() -> str:
    text = seed_text()
    for old, new in SPLIT:
        text = replace_once(text, old, new)
    return text


@pytest.fixture(scope="module")
def known() -> set[str]:
    return set(registry_lookup(load_registry())["_key"].to_list())


def test_two_names_that_make_a_registry_name_are_one_name_split(known):
    assert split_name("南京医科大学", "第四附属医院", known) == normalise_name("南京医科大学第四附属医院")
    # the start of the next name, its rest a registry name of its own
    assert split_name("南京医科大学第四", "附属医院(京新)南京市第二医院", known) == "南京医科大学第四附属医院(京新)"
    # the end of the name before, its start a registry name of its own
    assert split_name("南京市第二医院南京医科大学第四", "附属医院(京新)", known) == "南京医科大学第四附属医院(京新)"
    assert split_name("南京市第二医院", "江苏省人民医院", known) is None  # both known: two rows
    assert split_name("南京仁品耳鼻喉专科医院", "南京市第二医院", known) is None  # unknown, but nothing joins


def test_a_text_bulletin_is_not_checked_for_it():
    """Typed text has no wrapped cells: its unknown names stay warnings, as before."""
    report = validate_bulletin(parse_text(split_text()))
    assert report.errors == []
    assert {issue.unit for issue in report.warnings if issue.rule == "unknown_name"} >= {
        "南京医科大学第四", "附属医院(京新)南京市第二医院", "南京医科大学", "第四附属医院"}


def test_a_pdf_bulletin_with_a_name_split_across_rows_has_an_error_naming_both_rows():
    bulletin = dataclasses.replace(parse_text(split_text()), encoding="pdf")
    errors = validate_bulletin(bulletin).errors
    assert [(issue.rule, issue.level, issue.unit, issue.line) for issue in errors] == [
        ("name_split_across_rows", "bookings", "南京医科大学第四", 403),
        ("name_split_across_rows", "hospital", "南京医科大学", 501)]
    assert errors[0].detail == (
        "bookings: the rows '南京医科大学第四' (line 403) and '附属医院(京新)南京市第二医院' (line 405) make "
        "'南京医科大学第四附属医院(京新)', a name in data/reference/hospitals.csv, when joined: one name split across "
        "two rows of the PDF's table (a row broken across a page?), so neither row's name nor figures can be "
        "trusted; check the PDF")
    assert errors[1].detail.startswith("uploads (hospital): the rows '南京医科大学' (line 501) and '第四附属医院' "
                                       "(line 503) make '南京医科大学第四附属医院'")


@pytest.fixture(scope="module")
def split_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("split") / "2024-11.pdf"
    path.write_bytes(build_ruled_pdf(split_text(), RuledStyle(name_width=150)))
    return path


def test_the_error_names_the_pages_of_a_pdf(split_pdf):
    errors = validate_bulletin(parse_bulletin(split_pdf)).errors
    assert [issue.rule for issue in errors] == ["name_split_across_rows"] * 2
    # pages as `pdftotext -f 5 -l 6` shows them: the bookings rows on page 5, the uploads rows on page 6
    assert "'南京医科大学第四' (page 5, line " in errors[0].detail
    assert "'附属医院(京新)南京市第二医院' (page 5, line " in errors[0].detail
    assert "'南京医科大学' (page 6, line " in errors[1].detail and "'第四附属医院' (page 6, line " in errors[1].detail


def test_ingest_refuses_the_month_and_check_exits_1(split_pdf, tmp_path, capsys):
    processed = tmp_path / "processed"
    assert main(["ingest", "--processed", str(processed), str(split_pdf)]) == 1
    assert not processed.exists() or not any(processed.rglob("*.parquet"))
    assert main(["check", str(split_pdf)]) == 1
    out = capsys.readouterr().out
    assert out.count("[name_split_across_rows]") == 2
