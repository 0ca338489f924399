"""The hospital registry and name resolution."""
from __future__ import annotations

import polars as pl
import pytest

from njbulletin.errors import BulletinError
from njbulletin.reading.parser import parse_bulletin
from njbulletin.validate.names import (
    build_registry,
    english_name,
    load_registry,
    normalise_name,
    read_registry_rows,
    resolve_institutions,
    resolve_names,
)

from seedtools import SEED_PATH

HEADER = "canonical,aliases,english,kind,parent\n"


@pytest.fixture(scope="module")
def seed():
    return parse_bulletin(SEED_PATH)


def test_registry_columns_and_kinds():
    registry = load_registry()
    assert registry.columns == ["canonical", "alias", "english", "kind", "parent"]
    assert set(registry["kind"].unique()) == {"hospital", "campus", "district"}
    assert registry.filter(pl.col("kind") == "district").height == 12
    assert load_registry() is registry  # cached


def test_every_seed_name_is_known_with_an_english_name(seed):
    bookings = resolve_names(seed.tables["bookings"].select("hospital").unique(), "hospital")
    uploads = resolve_names(seed.tables["uploads"].select("unit"), "unit")
    assert bookings["name_known"].all() and bookings.height == 35
    assert uploads["name_known"].all() and uploads.height == 51
    # An English name is never the Chinese name itself.
    for frame in (bookings, uploads):
        assert frame.filter(pl.col("english_name").str.contains(r"[\u4e00-\u9fff]")).height == 0


@pytest.mark.parametrize("name, english", [
    ("南京鼓楼医院", "Nanjing Drum Tower Hospital"),
    ("江苏省人民医院", "Jiangsu Province Hospital"),
    ("东南大学附属中大医院", "Zhongda Hospital Southeast University"),
    ("江宁区", "Jiangning District"),
    ("江北新区", "Jiangbei New Area"),
    ("雨花台区", "Yuhuatai District"),
])
def test_established_english_names(name, english):
    assert english_name(name) == english


def test_drum_tower_in_both_tables_is_one_hospital():
    frame = pl.DataFrame({"name": ["南京鼓楼医院（含分院）", "南京鼓楼医院"]})
    resolved = resolve_names(frame, "name")
    assert resolved["canonical_name"].to_list() == ["南京鼓楼医院", "南京鼓楼医院"]
    assert resolved["english_name"].to_list() == ["Nanjing Drum Tower Hospital"] * 2


def test_campus_belongs_to_its_parent():
    registry = load_registry()
    campus = registry.filter(pl.col("canonical") == "南京市妇幼保健院(丁家庄院区)")
    assert campus.select("kind", "parent").rows() == [("campus", "南京市妇幼保健院")]
    resolved = resolve_institutions(pl.DataFrame({"h": ["南京市妇幼保健院(丁家庄院区)", "南京医科大学第四附属医院(京新)"]}),
                                    "h")
    assert resolved["institution"].to_list() == ["南京市妇幼保健院", "南京医科大学第四附属医院"]
    assert resolved["canonical_name"].to_list() == ["南京市妇幼保健院(丁家庄院区)", "南京医科大学第四附属医院(京新)"]


def test_brackets_and_spaces_make_no_difference():
    assert normalise_name("南京市妇幼保健院（丁家庄院区）") == normalise_name("南京市妇幼保健院(丁家庄院区)")
    assert normalise_name(" 南京 鼓楼医院（含分院）\u3000") == "南京鼓楼医院(含分院)"
    resolved = resolve_names(pl.DataFrame({"h": ["南京市妇幼保健院 （丁家庄院区）", "南京鼓楼医院(含分院)"]}), "h")
    assert resolved["canonical_name"].to_list() == ["南京市妇幼保健院(丁家庄院区)", "南京鼓楼医院"]
    assert resolved["name_known"].to_list() == [True, True]


def test_unknown_names_are_kept_as_printed_and_rows_never_dropped():
    frame = pl.DataFrame({"h": ["南京新开医院", "江宁区", None, "南京新开医院"], "n": [1, 2, 3, 4]})
    resolved = resolve_names(frame, "h")
    assert resolved["n"].to_list() == [1, 2, 3, 4]
    assert resolved["canonical_name"].to_list() == ["南京新开医院", "江宁区", None, "南京新开医院"]
    assert resolved["english_name"].to_list() == ["南京新开医院", "Jiangning District", None, "南京新开医院"]
    assert resolved["name_known"].to_list() == [False, True, False, False]
    assert english_name("南京新开医院") == "南京新开医院"


def write_registry(tmp_path, body: str):
    path = tmp_path / "hospitals.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_new_hospital_is_added_by_one_line(tmp_path):
    path = write_registry(tmp_path, "南京新开医院,新开医院,Nanjing Xinkai Hospital,hospital,\n")
    registry = build_registry(read_registry_rows(path))
    resolved = resolve_names(pl.DataFrame({"h": ["新开医院"]}), "h", registry)
    assert resolved.row(0) == ("新开医院", "南京新开医院", "Nanjing Xinkai Hospital", True)


@pytest.mark.parametrize("body, message", [
    ("甲医院,,Hospital A,clinic,\n", "kind 'clinic' of 甲医院"),
    ("甲医院(东院),,Hospital A East,campus,\n", "a campus needs a parent"),
    ("甲医院(东院),,Hospital A East,campus,乙医院\n", "parent '乙医院' is not a canonical name"),
    ("甲医院,,Hospital A,hospital,\n乙医院,甲医院,Hospital B,hospital,\n", "alias '甲医院' names both 甲医院 and 乙医院"),
    ("甲医院,,,hospital,\n", "needs a canonical and an English name"),
])
def test_inconsistent_registry_is_refused_with_its_line(tmp_path, body, message):
    path = write_registry(tmp_path, body)
    with pytest.raises(BulletinError, match=message) as caught:
        build_registry(read_registry_rows(path), source=str(path))
    assert caught.value.line is not None and caught.value.line >= 2


def test_registry_file_without_a_column_is_refused(tmp_path):
    path = tmp_path / "hospitals.csv"
    path.write_text("canonical,english\n甲医院,Hospital A\n", encoding="utf-8")
    with pytest.raises(BulletinError, match="lacks column"):
        read_registry_rows(path)
