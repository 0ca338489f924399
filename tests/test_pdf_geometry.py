"""The table geometry on its own, on hand-made pages: rules to grids and merged cells, text alignment to
columns, and the refusals (cells that do not line up, a box that is not a table)."""
from __future__ import annotations

import pytest

from njbulletin import BulletinError
from njbulletin.reading.pdf_cells import TableLayoutError, cell_text
from njbulletin.reading.pdf_columns import borderless_tables
from njbulletin.reading.pdf_grid import ruled_tables
from njbulletin.reading.pdf_layout import lay_out_pages
from njbulletin.reading.pdf_page import Glyph, Page, Rule, make_glyph

SIZE = 8.0  # every hand-made character is 8 pt wide (CJK) or 4 pt (digits and ASCII), 8 pt high


def text_at(text: str, x: float, baseline: float) -> list[Glyph]:
    """Glyphs of a string written from x on a baseline, as a CJK font advances."""
    glyphs = []
    for char in text:
        width = SIZE / 2 if char.isascii() else SIZE
        glyphs.append(make_glyph(char, x, baseline - 1.5, x + width, baseline + SIZE - 1.5))
        x += width
    return glyphs


def right_at(text: str, right: float, baseline: float) -> list[Glyph]:
    width = sum(SIZE / 2 if char.isascii() else SIZE for char in text)
    return text_at(text, right - width, baseline)


def grid(xs: list[float], ys: list[float], *, skip: tuple = ()) -> tuple[Rule, ...]:
    """The borders of every cell of a grid drawn cell by cell, less the borders listed in `skip`
    (('v', x, y_top) removes the vertical border at x of the row starting at y_top; ('h', y, x_left) alike)."""
    rules = []
    for top, bottom in zip(ys, ys[1:]):
        for left, right in zip(xs, xs[1:]):
            for rule in (Rule(True, top, left, right), Rule(True, bottom, left, right),
                         Rule(False, left, bottom, top), Rule(False, right, bottom, top)):
                key = ("h", rule.position, rule.start) if rule.horizontal else ("v", rule.position, rule.end)
                if key not in skip:
                    rules.append(rule)
    return tuple(rules)


# ------------------------------------------------------------------------------------------ ruled


def test_a_name_wrapped_in_its_cell_is_one_value_and_the_row_one_line():
    xs, ys = [50, 74, 154, 200, 250], [500, 484, 460]
    glyphs = [*text_at("序号", 54, 489), *text_at("单位", 78, 489), *text_at("小计", 204, 489),
              *text_at("第三方", 160, 489),
              *text_at("1", 60, 468), *text_at("南京鼓楼医院（含", 78, 472), *text_at("分院）", 78, 463),
              *right_at("258137", 196, 468), *right_at("267330", 246, 468)]
    [table] = ruled_tables(grid(xs, ys), glyphs)
    assert table.rows == [(500, "序号 单位 第三方 小计"), (484, "1 南京鼓楼医院（含分院） 258137 267330")]
    assert len(table.used) == len(glyphs)


def test_merged_cells_are_read_once_in_the_row_where_they_start():
    # two header rows: 接入单位 spans both rows; 门急诊信息 spans the last two columns over 人次 and 收入
    xs, ys = [50, 130, 180, 240], [500, 484, 468, 452]
    skip = {("h", 484, 50), ("v", 180, 500)}
    glyphs = [*text_at("接入单位", 58, 480), *text_at("门急诊信息", 170, 489), *text_at("人次", 140, 473),
              *text_at("收入（千元）", 184, 473),
              *text_at("江宁区", 54, 457), *right_at("460137", 176, 457), *right_at("159731.26", 236, 457)]
    [table] = ruled_tables(grid(xs, ys, skip=tuple(skip)), glyphs)
    assert [text for _, text in table.rows] == ["接入单位 门急诊信息", "人次 收入（千元）", "江宁区 460137 159731.26"]


def test_a_box_around_a_paragraph_is_not_a_table():
    rules = grid([50, 300], [500, 450])
    assert ruled_tables(rules, text_at("南京 12320 卫生热线", 60, 480)) == []


def test_thin_rectangles_and_border_pieces_merge_into_one_rule_each():
    # each border drawn as a thin filled rectangle (its two long edges 0.5 pt apart), cell by cell
    rules = []
    for rule in grid([50, 100, 150], [500, 480, 460]):
        for offset in (-0.25, 0.25):
            rules.append(rule._replace(position=rule.position + offset))
    glyphs = [*text_at("a", 60, 488), *text_at("1", 110, 488), *text_at("b", 60, 468), *text_at("2", 110, 468)]
    [table] = ruled_tables(tuple(rules), glyphs)
    assert [text for _, text in table.rows] == ["a 1", "b 2"]


def test_cell_text_joins_lines_top_to_bottom_and_drops_spaces():
    glyphs = [*text_at("预约", 10, 90), *text_at("12320 在线", 10, 100)]
    assert cell_text(glyphs) == "12320在线预约"


# ------------------------------------------------------------------------------------------ borderless


def test_a_borderless_table_is_read_by_its_columns_with_wrapped_names_joined():
    glyphs = [*text_at("2024 年 11 月 12320 预约挂号服务统计", 50, 560),
              *text_at("序号", 50, 540), *text_at("单位", 80, 540), *text_at("第三方", 180, 540), *text_at("小计", 240, 540),
              *text_at("南京医科大学第二附", 80, 524), *text_at("11", 54, 519), *right_at("164", 204, 519),
              *right_at("338", 256, 519), *text_at("属医院", 80, 514),
              *text_at("12", 54, 500), *text_at("南京雨花口腔医院", 80, 500), *right_at("34", 204, 500),
              *right_at("240", 256, 500),
              *text_at("（截止 2024 年 11 月，总预约挂号量为 34735351 次）", 50, 470)]
    [table] = borderless_tables(glyphs)
    assert [text for _, text in table.rows] == ["序号 单位 第三方 小计", "11 南京医科大学第二附属医院 164 338",
                                                "12 南京雨花口腔医院 34 240"]
    heading_and_note = [glyph for glyph in glyphs if id(glyph) not in table.used]
    assert "".join(glyph.char for glyph in heading_and_note).startswith("2024 年 11 月 12320")


def test_cells_that_do_not_line_up_in_columns_are_refused():
    glyphs = [*text_at("1", 50, 540), *right_at("7139", 120, 540), *right_at("1151", 170, 540),
              *text_at("2", 50, 520), *right_at("935", 110, 520), *text_at("111", 116, 520), *right_at("0", 170, 520)]
    with pytest.raises(TableLayoutError, match=r"do not line up in columns \(4 cells in a row, but only 3 columns"):
        borderless_tables(glyphs)


def test_a_refused_borderless_table_names_its_page_and_table():
    glyphs = [*text_at("2024 年 11 月 12320 预约挂号服务统计", 50, 600),
              *text_at("1", 50, 540), *right_at("7139", 120, 540), *right_at("1151", 170, 540),
              *text_at("2", 50, 520), *right_at("935", 110, 520), *text_at("111", 116, 520), *right_at("0", 170, 520)]
    lines = tuple(tuple((glyph.char, glyph) for glyph in glyphs if glyph.cy > y - 5 and glyph.cy < y + 10)
                  for y in (600, 540, 520))
    page = Page(3, 595.0, 842.0, 0, 0, "", lines, (), ())
    with pytest.raises(BulletinError) as caught:
        lay_out_pages([page])
    assert str(caught.value) == (
        "<text>: [bookings (12320预约挂号服务统计)] page 3: the cells of its rows do not line up in columns "
        "(4 cells in a row, but only 3 columns apart); "
        "read the bulletin's text instead, typed or copied into 2024-11.txt")


def test_two_cells_of_one_row_in_one_column_are_refused():
    glyphs = [*text_at("1", 50, 540), *right_at("7139", 120, 540), *right_at("1151", 170, 540),
              *right_at("9", 220, 540), *right_at("8", 270, 540),
              *text_at("2", 50, 520), *right_at("93", 112, 520), *text_at("11", 118, 520), *right_at("0", 170, 520)]
    with pytest.raises(TableLayoutError, match="'93' and '11' of one row fall in the same column"):
        borderless_tables(glyphs)


def page_of(number: int, glyphs: list[Glyph], images: tuple = ()) -> Page:
    """A hand-made page: each printed line of glyphs is one line of its text layer."""
    rows: dict[float, list[Glyph]] = {}
    for glyph in glyphs:
        rows.setdefault(round(glyph.cy), []).append(glyph)
    lines = tuple(tuple((glyph.char, glyph) for glyph in rows[y]) for y in sorted(rows, reverse=True))
    text = "\n".join("".join(char for char, _ in line) for line in lines)
    return Page(number, 595.0, 842.0, 0, 0, text, lines, (), images)


HEADING = "2024 年 11 月 12320 预约挂号服务统计"


def booking_rows(top: float) -> list[Glyph]:
    glyphs = [*text_at("序号", 50, top), *text_at("单位", 80, top), *text_at("小计", 240, top)]
    for number, (name, subtotal) in enumerate((("南京市第一医院", "1416"), ("南京市儿童医院", "1263")), start=1):
        y = top - 20 * number
        glyphs += [*text_at(str(number), 54, y), *text_at(name, 80, y), *right_at(subtotal, 256, y)]
    return glyphs


def test_a_heading_followed_by_a_picture_is_refused_as_a_table_drawn_as_a_picture():
    page = page_of(4, [*text_at(HEADING, 50, 600)], images=((50, 300, 400, 580),))
    with pytest.raises(BulletinError, match=r"\[bookings \(12320预约挂号服务统计\)\] page 4: the table is a picture"):
        lay_out_pages([page])


def test_a_scan_with_its_text_over_the_picture_is_read_not_refused():
    """Once OCRed (the refusal's advice), a scanned table carries its text over the picture."""
    page = page_of(4, [*text_at(HEADING, 50, 600), *booking_rows(560)], images=((40, 480, 400, 580),))
    [text] = lay_out_pages([page])
    assert text.split("\n")[1:] == ["序号 单位 小计", "1 南京市第一医院 1416", "2 南京市儿童医院 1263"]


def test_a_picture_after_the_table_has_begun_is_not_a_table():
    page = page_of(4, [*text_at(HEADING, 50, 700), *booking_rows(660)], images=((50, 100, 400, 500),))
    assert lay_out_pages([page]) == [f"{HEADING}\n序号 单位 小计\n1 南京市第一医院 1416\n2 南京市儿童医院 1263"]


def test_a_turned_page_after_a_heading_whose_table_has_not_begun_is_refused():
    heading_page = page_of(4, [*text_at(HEADING, 50, 600)])
    turned = Page(5, 595.0, 842.0, 0, 3, "南\n京\n市", (), (), ())  # a turned table: one character a line
    with pytest.raises(BulletinError, match=r"\[bookings \(12320预约挂号服务统计\)\] page 5: the page has its text turned"):
        lay_out_pages([heading_page, turned])


def test_a_turned_page_of_prose_keeps_its_text_layer():
    turned = Page(2, 595.0, 842.0, 90, 0, "回首 2024，我们向“新”而行，坚持笃行致远。", (), (), ())
    assert lay_out_pages([turned]) == ["回首 2024，我们向“新”而行，坚持笃行致远。"]


# --------------------------------------------------------------------------------- issue 28: words, marks, totals


def test_a_gap_filled_by_the_texts_own_space_is_a_word_space_not_a_cell_gap():
    """AR PL UMing's space is wide: '12320 卫生热线' with a 6 pt space is one piece; without the space glyph the
    same 6 pt gap (more than half of an 8 pt character) parts two cells."""
    from njbulletin.reading.pdf_columns import split_pieces

    number = text_at("12320", 50, 700)
    space = [make_glyph(" ", 70, 698.5, 76, 706.5)]
    words = text_at("卫生热线", 76, 700)
    assert [piece.text for piece in split_pieces([*number, *space, *words])] == ["12320卫生热线"]
    assert [piece.text for piece in split_pieces([*number, *words])] == ["12320", "卫生热线"]


def test_continuation_marks_running_lines_and_written_out_totals_are_told_apart():
    from njbulletin.reading.pdf_cells import is_total_line
    from njbulletin.reading.pdf_layout import is_continuation_mark, running_lines

    assert is_continuation_mark("续表") and is_continuation_mark("续表 2：")
    assert is_continuation_mark("2024 年 11 月 12320 预约挂号服务统计（续）")
    assert not is_continuation_mark("（续）") and not is_continuation_mark("继续做好预约服务（续）")
    assert is_total_line(["合计：18946", "", "", "", "", ""]) and not is_total_line(["合计", "13407", "1896"])
    pages = [Page(number, 595.0, 842.0, 0, 0, f"南京卫生信息 2024年第12期\n正文 {number}\n- {number} -", (), (), ())
             for number in (1, 2, 3)]
    assert running_lines(pages) == frozenset({"南京卫生信息2024年第12期"})  # the page numbers are furniture already
    assert running_lines(pages[:1]) == frozenset()  # one page proves nothing


def test_a_line_of_figures_left_above_a_continued_table_is_refused_not_dropped():
    """Page 1 ends inside the bookings table; page 2 starts with a ruled table, and above it a line '一医院 6'
    that no table took: it may be the rest of the last row, so the reader refuses rather than let the row
    above lose the end of its name."""
    heading = "2024 年 11 月 12320 预约挂号服务统计"
    xs, first_ys, second_ys = [50.0, 76.0, 150.0, 230.0], [690.0, 676.0, 662.0], [740.0, 726.0, 712.0]

    def row(number: int, name: str, figure: str, top: float) -> list[Glyph]:
        return [*text_at(str(number), 54, top - 10), *text_at(name, 80, top - 10), *right_at(figure, 226, top - 10)]

    first_glyphs = [*text_at(heading, 50, 700), *row(23, "南京市胸科医院", "197", 690), *row(24, "南京市第", "202", 676)]
    second_glyphs = [*text_at("一医院 6", 80, 760), *row(25, "南京市江宁医院", "240", 740), *row(26, "南京明基医院", "99", 726)]
    first = page(1, first_glyphs, grid(xs, first_ys))
    second = page(2, second_glyphs, grid(xs, second_ys))
    with pytest.raises(BulletinError) as caught:
        lay_out_pages([first, second])
    assert str(caught.value).startswith("<text>: [bookings (12320预约挂号服务统计)] page 2: the line '一医院 6' above "
                                        "the table's rows on this page belongs to no row")


def page(number: int, glyphs: list[Glyph], rules: tuple[Rule, ...]) -> Page:
    rows: dict[float, list] = {}
    for glyph in glyphs:
        rows.setdefault(round(glyph.cy), []).append(glyph)
    lines = tuple(tuple((glyph.char, glyph) for glyph in rows[y]) for y in sorted(rows, reverse=True))
    text = "\n".join("".join(char for char, _ in line) for line in lines)
    return Page(number, 595.0, 842.0, 0, 0, text, lines, rules, ())
