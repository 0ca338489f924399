"""Rows of a PDF's table, proven whole or refused: borderless lines cut into rows by how their cells are aligned
(not by nearness), a row broken across a page joined back, and every row that cannot be proven whole refused
with its page and its text. Hand-made pages and line positions, so each rule is seen on its own."""
from __future__ import annotations

import pytest

from njbulletin import BulletinError
from njbulletin.reading.pdf_cells import TableRow, TableText, is_header_cells, may_be_whole
from njbulletin.reading.pdf_columns import borderless_tables
from njbulletin.reading.pdf_continued import BrokenRowError, PageTables, join_broken_rows
from njbulletin.reading.pdf_layout import lay_out_pages
from njbulletin.reading.pdf_page import Page
from njbulletin.reading.pdf_rowcuts import Body, RowCutError, cut_rows
from test_pdf_geometry import right_at, text_at

NAME = frozenset({1})  # the name column
PITCH = 10.0  # rows one text line apart: a name's lines and the next row's are 10 pt apart alike


def body(rows: list[tuple[float, bool, bool]]) -> Body:
    """Lines (y, is an anchor, prints a name) as the cut sees them."""
    return Body(tuple(y for y, _, _ in rows), tuple(i for i, (_, anchor, _) in enumerate(rows) if anchor),
                tuple(NAME if named else frozenset() for _, _, named in rows), 2.0)


# --------------------------------------------------------------------------------- cutting lines into rows


def test_a_centred_three_line_name_keeps_its_last_line_though_the_next_row_is_as_close():
    """南京医科大学第 / 25 四附属医院(京 33 2 0 0 35 / 新) then 26 南京市第二医院: the line 新) is as near
    to row 26's numbers as to row 25's, but only one cut keeps both rows centred."""
    lines = body([(100, False, True), (90, True, True), (80, False, True), (70, True, True)])
    cut, models = cut_rows(lines)
    assert cut.rows == ((0, 2), (3, 3)) and cut.prefix == 0 and models == ("centre",)


def test_names_at_the_top_of_their_rows_go_with_the_anchor_above():
    lines = body([(100, True, True), (90, False, True), (80, False, True), (70, True, True)])
    cut, models = cut_rows(lines)
    assert cut.rows == ((0, 2), (3, 3)) and models == ("top",)


def test_a_half_line_offset_tells_a_centred_two_line_name():
    lines = body([(100, False, True), (95, True, False), (90, False, True), (80, True, True)])
    cut, _ = cut_rows(lines)
    assert cut.rows == ((0, 2), (3, 3))


def test_rows_that_fit_both_alignments_differently_are_refused_never_guessed():
    """Two-line names with their numbers on the second line read as centred three-line names as well (the
    tie the borderless reader used to settle by nearness): the rows cannot be proven whole."""
    lines = body([(100, True, True), (90, False, True), (80, True, True), (70, False, True), (60, True, True)])
    with pytest.raises(RowCutError) as caught:
        cut_rows(lines)
    assert caught.value.ambiguous and caught.value.row == 0


def test_the_rest_of_a_row_from_the_page_before_comes_first_only_where_allowed():
    lines = body([(100, False, True), (90, True, True), (80, True, True)])
    cut, _ = cut_rows(lines, allow_prefix=True)
    assert cut.prefix == 1 and cut.rows == ((1, 1), (2, 2))
    with pytest.raises(RowCutError) as caught:
        cut_rows(lines)
    assert not caught.value.ambiguous


def test_the_last_row_of_a_page_may_be_cut_by_the_page_end():
    """A word processor lays the first part of a broken row out from its top, even in a centred table."""
    lines = body([(100, False, True), (95, True, False), (90, False, True), (80, True, True), (70, False, True)])
    with pytest.raises(RowCutError):
        cut_rows(lines, models=("centre",))
    cut, _ = cut_rows(lines, split_last=True, models=("centre",))
    assert cut.rows == ((0, 2), (3, 4))


# --------------------------------------------------------------------------------- what a row is


def test_a_row_may_be_whole_only_with_its_name_and_every_number():
    numeric = {0, 2, 3, 4, 5, 6}
    assert may_be_whole(["25", "南京医科大学第", "33", "2", "0", "0", "35"], numeric)
    assert not may_be_whole(["", "四附属医院(京新)", "", "", "", "", ""], numeric)  # the rest of a name
    assert may_be_whole(["合计", "", "13407", "1896", "903", "259989", "276195"], numeric)
    uploads = {1, 2, 3, 4, 5, 6, 7}
    assert not may_be_whole(["总医院", "", "", "", "", "9", "", "3"], uploads)  # the rest of wrapped numbers
    assert not may_be_whole(["江宁区", "1628372", "30", "11/11", "460137", "159731.2", "6541", "155592."], uploads)
    assert may_be_whole(["3", "我的南京客户端", "3643", "", "", ""], {0, 2, 3, 5})  # the platforms' last row


def test_a_header_is_told_by_its_labels():
    assert is_header_cells(["序号", "单位", "12320在线预约", "快速预约"], {1})
    assert is_header_cells(["接入单位", "", "门急诊信息人次", "收入（千元）"], {0})
    assert is_header_cells(["序号", "单位", "自助机预约"], {1})  # an unknown channel: the parser names it
    assert not is_header_cells(["", "四附属医院(京新)", "", ""], {1})
    assert not is_header_cells(["", "新)", "", ""], {1})


# --------------------------------------------------------------------------------- joining across a page


def table(rows: list[list[str]], columns: int = 7) -> TableText:
    spans = [(50.0 + 40 * column, 80.0 + 40 * column) for column in range(columns)]
    return TableText("ruled", top=700, bottom=100, columns=spans,
                     lines=[TableRow(700 - 20 * index, cells) for index, cells in enumerate(rows)])


ROW_24 = ["24", "东部战区空军医院", "26", "1", "0", "14", "41"]


def test_the_rest_of_a_row_at_the_top_of_the_next_page_is_joined_to_it():
    before = PageTables(1, [table([ROW_24, ["25", "南京医科大学第", "33", "2", "0", "0", "35"]])], False, True)
    after = PageTables(2, [table([["", "四附属医院(京新)", "", "", "", "", ""],
                                  ["26", "南京市第二医院", "20", "1", "0", "1", "22"]])], True, False)
    join_broken_rows(before, after)
    assert before.tables[0].lines[-1].text == "25 南京医科大学第四附属医院(京新) 33 2 0 0 35"
    assert [row.text for row in after.tables[0].lines] == ["26 南京市第二医院 20 1 0 1 22"]


def test_the_rest_of_wrapped_numbers_is_joined_cell_by_cell():
    head = ["江宁区", "1628372", "30", "11/11", "460137", "159731.2", "6541", "155592."]
    before = PageTables(3, [table([head], 8)], False, True)
    after = PageTables(4, [table([["", "6", "", "", "", "6", "", "81"],
                                  ["高淳区", "9076834", "30", "11/11", "249410", "52410.65", "0", "46666.51"]], 8)],
                       True, False)
    join_broken_rows(before, after)
    assert before.tables[0].lines[0].text == "江宁区 16283726 30 11/11 460137 159731.26 6541 155592.81"


def test_the_rest_of_a_row_that_continues_nothing_is_refused():
    before = PageTables(1, [table([ROW_24])], False, False)  # prose follows the table on page 1
    after = PageTables(2, [table([["", "附属医院(京新)", "", "", "", "", ""], ROW_24])], True, False)
    with pytest.raises(BrokenRowError, match=r"the row '附属医院\(京新\)' is not whole") as caught:
        join_broken_rows(before, after)
    assert caught.value.page == 2


def test_a_joined_row_that_is_still_not_whole_is_refused():
    before = PageTables(1, [table([ROW_24, ["25", "南京医科大学第", "", "", "", "", ""]])], False, True)
    after = PageTables(2, [table([["", "四附属医院(京新)", "", "", "", "", ""], ROW_24])], True, False)
    with pytest.raises(BrokenRowError, match="is still not a whole row"):
        join_broken_rows(before, after)


def test_a_part_of_a_row_at_the_foot_of_a_page_that_nothing_completes_is_refused():
    before = PageTables(1, [table([ROW_24, ["25", "南京医科大学第", "", "", "", "", ""]])], False, True)
    after = PageTables(2, [table([["26", "南京市第二医院", "20", "1", "0", "1", "22"]])], True, False)
    with pytest.raises(BrokenRowError, match=r"the row '25 南京医科大学第' at the foot of page 1 is not whole"):
        join_broken_rows(before, after)


# --------------------------------------------------------------------------------- whole pages


HEADING = "2024 年 11 月 12320 预约挂号服务统计"


def page_of(number: int, glyphs) -> Page:
    rows: dict[float, list] = {}
    for glyph in glyphs:
        rows.setdefault(round(glyph.cy), []).append(glyph)
    lines = tuple(tuple((glyph.char, glyph) for glyph in rows[y]) for y in sorted(rows, reverse=True))
    return Page(number, 595.0, 842.0, 0, 0, "\n".join("".join(c for c, _ in line) for line in lines), lines, (), ())


def booking_row(number: int, name: str, subtotal: str, y: float) -> list:
    return [*text_at(str(number), 54, y), *text_at(name, 80, y), *right_at(subtotal, 226, y),
            *right_at(subtotal, 266, y)]


def test_a_borderless_row_broken_across_a_page_is_joined_and_no_fragment_becomes_a_hospital():
    """南京医科大学第四附属医院(京新) broken after its first line, rows one line apart: the issue's
    南京医科大学第四 / 附属医院(京新)南京市第二医院 never comes out."""
    first = page_of(1, [*text_at(HEADING, 50, 700), *text_at("序号", 50, 680), *text_at("单位", 80, 680),
                        *text_at("小计", 250, 680),
                        *booking_row(24, "东部战区空军医院", "41", 670),
                        *booking_row(25, "南京医科大学第", "35", 660), *text_at("- 1 -", 280, 40)])
    second = page_of(2, [*text_at("序号", 50, 780), *text_at("单位", 80, 780), *text_at("小计", 250, 780),
                         *text_at("四附属医院(京新)", 80, 770),
                         *booking_row(26, "南京市第二医院", "22", 760),
                         *booking_row(27, "江苏省人民医院", "17", 750), *text_at("- 2 -", 280, 40)])
    pages = lay_out_pages([first, second])
    assert pages[0].split("\n")[-2:] == ["25 南京医科大学第四附属医院(京新) 35 35", "- 1 -"]
    assert pages[1].split("\n") == ["序号 单位 小计", "26 南京市第二医院 22 22", "27 江苏省人民医院 17 17", "- 2 -"]


def test_a_row_broken_across_a_page_without_a_repeated_header_is_joined_too():
    first = page_of(1, [*text_at(HEADING, 50, 700), *text_at("序号", 50, 680), *text_at("单位", 80, 680),
                        *text_at("小计", 250, 680), *booking_row(24, "东部战区空军医院", "41", 670),
                        *booking_row(25, "南京医科大学第", "35", 660), *text_at("- 1 -", 280, 40)])
    second = page_of(2, [*text_at("四附属医院(京", 80, 780), *text_at("新)", 80, 770),
                         *booking_row(26, "南京市第二医院", "22", 760), *text_at("- 2 -", 280, 40)])
    pages = lay_out_pages([first, second])
    assert "25 南京医科大学第四附属医院(京新) 35 35" in pages[0].split("\n")
    assert pages[1].split("\n") == ["26 南京市第二医院 22 22", "- 2 -"]


def test_a_fragment_at_the_top_of_a_page_after_prose_is_refused_with_page_and_row():
    first = page_of(1, [*text_at(HEADING, 50, 700), *text_at("序号", 50, 680), *text_at("单位", 80, 680),
                        *text_at("小计", 250, 680), *booking_row(24, "东部战区空军医院", "41", 670),
                        *text_at("（截止 2024 年 11 月，总预约挂号量为 34735351 次）", 50, 600)])
    second = page_of(2, [*text_at("四附属医院(京新)", 80, 770), *booking_row(26, "南京市第二医院", "22", 760),
                         *booking_row(27, "江苏省人民医院", "17", 750)])
    with pytest.raises(BulletinError) as caught:
        lay_out_pages([first, second])
    assert str(caught.value).startswith(
        "<text>: [bookings (12320预约挂号服务统计)] page 2: the line '四附属医院(京新)' above the row "
        "'26 南京市第二医院 22 22' belongs to no row: it is not the first line of a row, and the page before does not "
        "end inside this table; read the bulletin's text instead, typed or copied into 2024-11.txt")


def test_a_borderless_page_whose_rows_fit_two_readings_is_refused_with_page_and_row():
    glyphs = [*text_at(HEADING, 50, 700), *text_at("序号", 50, 680), *text_at("单位", 80, 680),
              *text_at("小计", 250, 680)]
    for number, (first, second) in enumerate((("南京市六合区人", "民医院"), ("南京市职业病防", "治院"),
                                              ("南京仁品耳鼻喉", "专科医院")), start=31):
        top = 670 - 20 * (number - 31)
        glyphs += [*booking_row(number, first, "4", top), *text_at(second, 80, top - 10)]
    with pytest.raises(BulletinError) as caught:
        lay_out_pages([page_of(3, glyphs)])
    message = str(caught.value)
    assert message.startswith("<text>: [bookings (12320预约挂号服务统计)] page 3: the row '31 南京市六合区人 4 4' "
                              "cannot be proven whole: its wrapped lines fit more than one row")
    assert message.endswith("; read the bulletin's text instead, typed or copied into 2024-11.txt")
    assert "OCR" not in message  # the page has text: OCR would not help


def test_borderless_tables_still_read_rows_with_padding_by_their_spacing():
    """Rows 16 pt apart, a name's lines 10 pt apart: the pitch tells a name's second line from the next row."""
    glyphs = [*text_at("序号", 50, 700), *text_at("单位", 80, 700), *text_at("小计", 250, 700),
              *booking_row(5, "南京市中医院", "755", 684),
              *booking_row(6, "南京市高淳人民医院", "637", 668),
              *text_at("江苏省中西医结合医", 80, 657), *text_at("8", 54, 652), *right_at("564", 226, 652),
              *right_at("564", 266, 652), *text_at("院", 80, 647)]
    [found] = borderless_tables(glyphs)
    assert [text for _, text in found.rows] == ["序号 单位 小计", "5 南京市中医院 755 755", "6 南京市高淳人民医院 637 637",
                                                "8 江苏省中西医结合医院 564 564"]
