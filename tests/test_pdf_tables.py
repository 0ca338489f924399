"""PDF tables read by position: the seed exported as a word processor does it (ruled tables whose narrow
name column wraps long names inside their cells, numbers centred vertically in the row, merged header
cells, tables continued on the next page) parses to exactly the tables of the text, in every layout; a
table the reader cannot lay out (a turned page, a table drawn as a picture) is refused with exit 2.

Every expected value is worked out by hand from data/raw/2024-11.txt."""
from __future__ import annotations

import polars as pl
import pytest

from njbulletin import BulletinError, parse_bulletin
from njbulletin.commands.main import main
from njbulletin.reading.parser import parse_text
from njbulletin.reading.pdf import extract_pdf_text
from njbulletin.synth import expected_tables, generate_bulletins
from njbulletin.validate.checks import validate_bulletin
from pdf_ruled_fixtures import RuledStyle, build_ruled_pdf, column_widths, wrap

from pdf_fixtures import require_cjk_font
from seedtools import SEED_PATH, seed_text

LAYOUTS = {
    "ruled, names on one line": RuledStyle(name_width=150),
    "ruled, names wrapping onto two lines": RuledStyle(),
    "ruled, names wrapping onto three lines": RuledStyle(name_width=48),
    "ruled with thin rectangles, numbers centred": RuledStyle(rules="rects", numbers="centre"),
    "borderless, names on two lines": RuledStyle(rules="none"),
    "borderless, names on three lines, numbers centred": RuledStyle(rules="none", numbers="centre", name_width=48),
    "ruled, uploads header of combined labels wrapping in their cells": RuledStyle(upload_header="combined"),
    "borderless, combined header, names on four lines at 10 pt": RuledStyle(rules="none", upload_header="combined",
                                                                           name_width=48, font_size=10.0),
    # issue 28: reportlab's non-embedded STSong-Light in the layouts word processors made the reader refuse
    "ruled, 续表 caption over the continuation, no repeated header": RuledStyle(continued="续表", repeat_header=False),
    "ruled, title with （续） over the repeated header": RuledStyle(continued="（续）"),
    "borderless, title with （续）, no repeated header, running page header": RuledStyle(
        rules="none", continued="（续）", repeat_header=False, running_header="南京卫生信息 2024年第12期"),
    "ruled, the platforms' total merged across all columns, running page header": RuledStyle(
        merged_total=True, running_header="南京卫生信息 2024年第12期"),
}
WRAPPED_NAMES = ("南京鼓楼医院（含分院）", "中国医学科学院皮肤病研究所", "南京医科大学第四附属医院(京新)",
                 "南京医科大学友谊整形外科医院")
BOOKING_HEADER = "序号 单位 12320在线预约 快速预约 诊间预约 第三方 小计"
UPLOAD_HEADER = ("接入单位 定时数据上传量 实时数据上传天数 实时数据表单上传情况 门急诊信息 出院信息\n"
                 "人次 收入（千元） 人次 住院收入（千元）")



@pytest.fixture(scope="module", autouse=True)
def cjk_font_installed():
    """The reportlab PDFs here use a non-embedded font: on a machine with no CJK font they are refused."""
    require_cjk_font()

@pytest.fixture(scope="session")
def seed():
    return parse_bulletin(SEED_PATH)


@pytest.fixture(scope="session")
def layout_pdfs(tmp_path_factory):
    """The seed in every layout, built once: {layout: path of its 2024-11.pdf}."""
    folder = tmp_path_factory.mktemp("layouts")
    paths = {}
    for number, (layout, style) in enumerate(LAYOUTS.items()):
        (folder / str(number)).mkdir()
        paths[layout] = folder / str(number) / "2024-11.pdf"
        paths[layout].write_bytes(build_ruled_pdf(seed_text(), style))
    return paths


@pytest.fixture(scope="session")
def two_line_text(layout_pdfs):
    require_cjk_font()  # a session fixture: set up before the module's autouse check
    return extract_pdf_text(layout_pdfs["ruled, names wrapping onto two lines"].read_bytes()).replace("\r\n", "\n")


def text_layer(data: bytes) -> str:
    """PDFium's own text layer, line by line as it was read before tables were read by position."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(document[index].get_textpage().get_text_range() for index in range(len(document)))
    finally:
        document.close()


# --------------------------------------------------------------------------------- every layout


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_exactly_the_tables_of_the_text(layout_pdfs, seed, layout):
    bulletin = parse_bulletin(layout_pdfs[layout])
    assert (bulletin.month, bulletin.encoding) == ("2024-11", "pdf")
    for name, frame in seed.tables.items():
        assert bulletin.tables[name].equals(frame), name


@pytest.mark.parametrize(("layout", "lines"), [("ruled, names on one line", 1),
                                               ("ruled, names wrapping onto two lines", 2),
                                               ("ruled, names wrapping onto three lines", 3)])
def test_the_layouts_wrap_names_inside_their_cells(layout, lines):
    style = LAYOUTS[layout]
    width = column_widths("bookings", style)[1] - 6  # the name column less its padding
    assert max(len(wrap(name, width, style.font_size)) for name in WRAPPED_NAMES) == lines
    if lines == 2:
        assert wrap("南京鼓楼医院（含分院）", width, style.font_size) == ["南京鼓楼医院（含分", "院）"]


def test_the_text_layer_alone_splits_wrapped_rows_as_the_issue_shows(layout_pdfs):
    """What a word processor's PDF gave before: the row number, the first half of the name, and the
    second half with the numbers on three lines, which the text parser cannot read."""
    layer = text_layer(layout_pdfs["ruled, names wrapping onto two lines"].read_bytes())
    lines = [" ".join(line.split()) for line in layer.replace("\r\n", "\n").split("\n")]
    start = lines.index("南京鼓楼医院（含分")
    assert lines[start - 1: start + 2] == ["1", "南京鼓楼医院（含分", "院） 7139 1151 903 258137 267330"]
    with pytest.raises(BulletinError, match=r"\[bookings "):
        parse_text(layer)


def test_a_wrapped_cell_is_one_value_with_no_space_inside(two_line_text):
    lines = two_line_text.split("\n")
    assert "1 南京鼓楼医院（含分院） 7139 1151 903 258137 267330" in lines
    assert "9 中国医学科学院皮肤病研究所 366 36 0 0 402" in lines
    assert "25 南京医科大学第四附属医院(京新) 33 2 0 0 35" in lines
    assert "合计 13407 1896 903 259989 276195" in lines  # 合计 spans the 序号 and 单位 cells
    assert "中国医学科学院皮肤病研究所 2846225 26 11/11 127013 49545.65 231 3391.65" in lines


def test_headers_come_from_the_geometry_merged_cells_included(two_line_text):
    assert two_line_text.count(BOOKING_HEADER) == 2  # '12320 / 在线预约' wraps in its cell; repeated once
    # the uploads header: 接入单位 … span two header rows, 门急诊信息 and 出院信息 two columns each
    assert two_line_text.count(UPLOAD_HEADER) == 3  # the district table, the hospital table and its repeat
    assert "序号 名称 预约数量 序号 名称 预约数量\n1 健康南京 7255 4 12320快速预约 1896" in two_line_text


def test_a_table_broken_across_pages_continues_under_its_repeated_header(two_line_text):
    lines = two_line_text.split("\n")
    four = lines.index("4 南京市口腔医院 665 83 0 279 1027")
    assert lines[four + 1: four + 4] == ["- 4 -", BOOKING_HEADER, "5 南京市中医院 507 57 0 191 755"]
    lishui = lines.index("南京市溧水区人民医院 4154669 27 10/11 75283 31113.84 2090 34997.22")
    assert lines[lishui - 3] == "- 6 -" and "\n".join(lines[lishui - 2: lishui]) == UPLOAD_HEADER


def test_prose_still_comes_from_the_text_layer(two_line_text):
    lines = two_line_text.split("\n")
    assert "2024 年 11 月，南京 12320 卫生热线共受理咨询电话 27332 个，其中" in lines
    assert "（截止 2024 年 11 月，总预约挂号量为 34735351 次）" in lines
    assert "合计：18946" in lines
    assert "（截止 2024 年 11 月，区及医院累计校验入库数据 285.01 亿条）" in lines


def test_the_ruled_pdf_gives_the_seed_figures_and_the_same_validation(layout_pdfs):
    bulletin = parse_bulletin(layout_pdfs["ruled, names wrapping onto three lines"])
    bookings = bulletin.tables["bookings"]
    assert bookings["count"].sum() == 276195
    gulou = bookings.filter(pl.col("hospital") == "南京鼓楼医院（含分院）")
    assert dict(gulou.select("channel", "count").iter_rows()) == {
        "online_12320": 7139, "quick": 1151, "in_clinic": 903, "third_party": 258137}
    calls = bulletin.tables["hotline"].filter(pl.col("kind") == "call")
    assert calls["count"].sum() == 27332
    report = validate_bulletin(bulletin)
    assert report.errors == [] and len(report.warnings) == 106


def test_a_synthetic_month_as_a_ruled_pdf_parses_to_its_figures(tmp_path):
    month, text, expected = generate_bulletins(1, start="2025-02", seed=11)[0]
    pdf_path = tmp_path / f"{month}.pdf"
    pdf_path.write_bytes(build_ruled_pdf(text, RuledStyle(name_width=64)))
    from_pdf = parse_bulletin(pdf_path)
    wanted = expected_tables(expected)
    for name, frame in parse_text(text).tables.items():
        assert from_pdf.tables[name].equals(frame), name
        assert from_pdf.tables[name].sort(frame.columns).equals(wanted[name].sort(frame.columns)), name


def test_cli_ingests_a_ruled_pdf(layout_pdfs, tmp_path, capsys):
    processed = tmp_path / "processed"
    assert main(["ingest", "--processed", str(processed), str(layout_pdfs["ruled, names wrapping onto two lines"])]) == 0
    assert main(["check", str(layout_pdfs["borderless, names on two lines"])]) == 0
    assert "2024-11" in capsys.readouterr().out


# --------------------------------------------------------------------------------- refused tables


REFUSED = {
    "picture": (RuledStyle(table_as_image=True), r"page 4: the table is a picture, not text"),
    "turned page": (RuledStyle(rotate_tables="page"), r"page 5: the page is turned by 90°"),
    "turned text": (RuledStyle(rotate_tables="content"), r"page 5: the page has its text turned"),
}


@pytest.fixture(scope="session")
def refused_pdfs(tmp_path_factory):
    """The seed with its bookings table as a picture, or on a turned page: {case: path}, built once."""
    paths = {}
    for number, (case, (style, _)) in enumerate(REFUSED.items()):
        folder = tmp_path_factory.mktemp(f"refused{number}")
        paths[case] = folder / "2024-11.pdf"
        paths[case].write_bytes(build_ruled_pdf(seed_text(), style))
    return paths


@pytest.mark.parametrize("case", REFUSED)
def test_a_table_that_cannot_be_laid_out_is_refused_naming_page_and_table(refused_pdfs, case):
    _, reason = REFUSED[case]
    path = refused_pdfs[case]
    with pytest.raises(BulletinError) as caught:
        parse_bulletin(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: [bookings (12320预约挂号服务统计)] ")
    assert reason in message
    advice = "read the bulletin's text instead, typed or copied into 2024-11.txt"
    assert message.endswith(f"; OCR the page, or {advice}" if case == "picture" else f"; {advice}")


def test_cli_refuses_a_table_drawn_as_a_picture_with_exit_2_and_writes_nothing(refused_pdfs, tmp_path, capsys):
    path = refused_pdfs["picture"]
    processed = tmp_path / "processed"
    assert main(["ingest", "--processed", str(processed), str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {path}") and "picture" in err[0]
    assert "Traceback" not in "\n".join(err)
    assert not processed.exists() or not any(processed.rglob("*.parquet"))
