"""PDFs exported by LibreOffice Writer itself (tests/fixtures/writer/, made by tests/fixtures/make_writer_pdfs.py
from the seed's statistics typed into Word tables): every one parses to exactly the tables of the text, names
whole, though its rows break across pages, its tables have no borders and rows one text line apart, and its
headers take one, two or three rows.

What each fixture is (fonts, sizes, borders, page orientation, footer) and where its pages break is read from
the PDF itself here, so the fixtures really exercise what they claim. Expected values are worked out by hand
from data/raw/2024-11.txt."""
from __future__ import annotations

import ctypes
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

from njbulletin import parse_bulletin
from njbulletin.commands.main import main
from njbulletin.reading.pdf import extract_pdf_text
from njbulletin.validate.checks import validate_bulletin

from seedtools import SEED_PATH

WRITER = Path(__file__).parent / "fixtures" / "writer"
SANS, SERIF = "NotoSansCJK", "NotoSerifCJK"


@dataclass(frozen=True)
class Fixture:
    """What a fixture is, as its PDF shows it."""

    font: str
    size: float  # the tables' font size, points
    ruled: bool
    landscape: bool
    pages: int
    centred: bool  # cells centred vertically (else at the top)
    header: tuple[str, ...]  # the uploads header as the reader writes it


THREE_ROWS = ("接入单位 定时数据上传量 实时数据上传天数 实时数据表单上传情况 门急诊信息 出院信息",
              "人次 收入 人次 住院收入", "（千元） （千元）")
TWO_ROWS = ("接入单位 定时数据上传量 实时数据上传天数 实时数据表单上传情况 门急诊信息 出院信息",
            "人次 收入（千元） 人次 住院收入（千元）")
COMBINED = ("接入单位 定时数据上传量 实时数据上传天数 实时数据表单上传情况 门急诊信息人次 门急诊信息收入（千元） "
            "出院信息人次 出院信息住院收入（千元）",)
MERGED_IN_ONE = ("接入单位 定时数据上传量 实时数据上传天数 实时数据表单上传情况 门急诊信息人次 收入（千元） "
                 "出院信息人次 住院收入（千元）",)

FIXTURES = {
    "ruled-sans8-3row-centred": Fixture(SANS, 8, True, False, 4, True, THREE_ROWS),
    "ruled-serif10.5-combined-top": Fixture(SERIF, 10.5, True, False, 6, False, COMBINED),
    "ruled-serif12-numbers-wrap": Fixture(SERIF, 12, True, False, 7, True, TWO_ROWS),
    "borderless-sans9-centred": Fixture(SANS, 9, False, False, 4, True, MERGED_IN_ONE),
    "borderless-serif11-landscape-top": Fixture(SERIF, 11, False, True, 7, False, MERGED_IN_ONE),
    "borderless-sans12-landscape-combined": Fixture(SANS, 12, False, True, 7, True, COMBINED),
}

# Where the pages break inside a row: (page the row starts on, the row as the reader writes it, the end of the
# last printed line of the row on that page, the first printed line of the row on the next page).
STRADDLES = {
    "ruled-sans8-3row-centred": [
        (1, "25 南京医科大学第四附属医院(京新) 33 2 0 0 35", "25南京医科大学第3320035", "四附属医院(京"),  # 1st of 3
        (2, "东南大学附属中大医院 12904712 24 10/11 193301 101509.38 1516 193440.31", "193440.31", "中大医院"),
        (3, "南京医科大学附属眼科医院 592062 22 10/11 27286 14749.44 0 11848.06", "11848.06", "附属眼科医院")],
    "ruled-serif10.5-combined-top": [
        (1, "14 南京医科大学附属眼科医院 129 9 0 58 196", "学附属眼科", "医院"),  # after the 2nd of 3 lines
        (2, "34 南京医科大学友谊整形外科医院 1 0 0 0 1", "学友谊整形", "外科医院"),
        (3, "东南大学附属中大医院 12904712 24 10/11 193301 101509.38 1516 193440.31", "附属中大", "医院"),
        (4, "中国医学科学院皮肤病研究所 2846225 26 11/11 127013 49545.65 231 3391.65", "3391.65", "科学院皮")],
    "ruled-serif12-numbers-wrap": [
        (1, "14 南京医科大学附属眼科医院 129 9 0 58 196", "14南京医科1299058196", "大学附属"),
        # numbers only: 16283726, 159731.26 and 155592.81 wrap inside their cells, their ends on page 4
        (3, "江宁区 16283726 30 11/11 460137 159731.26 6541 155592.81", "江宁区16283723011/11460137159731.26541155592.",
         "6681"),
        (4, "东部战区总医院 11948769 28 11/11 94485 71587.61 3918 170341.53", "170341.5", "总医院93"),
        (6, "南京一民医院 416996 21 8/11 9777 4523.56 587 13138.51", "13138.51", "医院")],
    "borderless-sans9-centred": [
        (1, "23 南京市妇幼保健院(丁家庄院区) 44 1 0 0 45", "健院(丁家庄院", "区)"),  # after the 2nd of 3 lines
        (3, "中国医学科学院皮肤病研究所 2846225 26 11/11 127013 49545.65 231 3391.65", "学院皮肤病", "研究所")],
    "borderless-serif11-landscape-top": [
        (1, "11 南京医科大学第二附属医院 166 8 0 164 338", "11南京医科大学第二16680164338", "附属医院"),
        (5, "南京市溧水区人民医院 4154669 27 10/11 75283 31113.84 2090 34997.22", "34997.22", "民医院"),
        (6, "南京市江宁中医院 1623241 20 11/11 40308 11869.64 22 18487.89", "18487.89", "院")],
    "borderless-sans12-landscape-combined": [
        (2, "29 南京市栖霞区医院 4 0 0 2 6", "29南京市栖霞区医40026", "院"),
        (5, "南京市中西医结合医院 2974789 30 11/11 69053 22824.35 0 17327.05", "17327.05", "结合医院"),
        (6, "南京市胸科医院 837905 14 6/11 9986 4640.98 0 43356.29", "43356.29", "院")],
}


def path_of(name: str) -> Path:
    return WRITER / f"{name}.pdf"


@pytest.fixture(scope="module")
def seed():
    return parse_bulletin(SEED_PATH)


def parse_as_november(paths: dict[str, Path], tmp_path_factory) -> dict:
    """Each PDF copied as 2024-11.pdf (the file name carries the month) and parsed once, by name."""
    parsed = {}
    for name, path in paths.items():
        folder = tmp_path_factory.mktemp(name)
        shutil.copyfile(path, folder / "2024-11.pdf")
        parsed[name] = parse_bulletin(folder / "2024-11.pdf")
    return parsed


@pytest.fixture(scope="module")
def as_bulletins(tmp_path_factory):
    return parse_as_november({name: path_of(name) for name in FIXTURES}, tmp_path_factory)


def printed_lines(path: Path, page: int) -> list[str]:
    """The printed lines of a page, top to bottom, as PDFium places each character (white space dropped)."""
    document = pdfium.PdfDocument(str(path))
    try:
        text = document[page - 1].get_textpage()
        box, chars = raw.FS_RECTF(), []
        for index in range(raw.FPDFText_CountChars(text.raw)):
            char = chr(raw.FPDFText_GetUnicode(text.raw, index))
            if char.isspace() or raw.FPDFText_IsGenerated(text.raw, index):
                continue
            raw.FPDFText_GetLooseCharBox(text.raw, index, box)
            chars.append(((box.bottom + box.top) / 2, box.left, char))
    finally:
        document.close()
    lines: list[list] = []
    for y, x, char in sorted(chars, key=lambda item: -item[0]):
        if lines and abs(lines[-1][0] - y) < 2.5:
            lines[-1][1].append((x, char))
        else:
            lines.append([y, [(x, char)]])
    return ["".join(char for _, char in sorted(line)) for _, line in lines]


def char_facts(path: Path, page: int, text: str) -> list[tuple[str, float, str, float]]:
    """(char, font size, font name, y of its centre) of each character of the first run of `text` on a page."""
    document = pdfium.PdfDocument(str(path))
    try:
        textpage = document[page - 1].get_textpage()
        layer = textpage.get_text_range()
        start = layer.replace("\r\n", "").find(text)
        assert start >= 0, text
        indices = [index for index, char in enumerate(layer) if char not in "\r\n"][start:start + len(text)]
        facts, box, name = [], raw.FS_RECTF(), ctypes.create_string_buffer(128)  # \r\n are characters too
        for index in indices:
            raw.FPDFText_GetLooseCharBox(textpage.raw, index, box)
            raw.FPDFText_GetFontInfo(textpage.raw, index, name, 128, None)
            facts.append((layer[index], raw.FPDFText_GetFontSize(textpage.raw, index),
                          name.value.decode(errors="replace"), (box.bottom + box.top) / 2))
        return facts
    finally:
        document.close()


# --------------------------------------------------------------------------------- every fixture reads right


def assert_tables_of_the_text(bulletin, seed) -> None:
    """A PDF of the seed read as the seed's month, every table equal to the text's."""
    assert (bulletin.month, bulletin.encoding) == ("2024-11", "pdf")
    for table, frame in seed.tables.items():
        assert bulletin.tables[table].equals(frame), table


@pytest.mark.parametrize("name", FIXTURES)
def test_every_writer_pdf_gives_exactly_the_tables_of_the_text(as_bulletins, seed, name):
    bulletin = as_bulletins[name]
    assert_tables_of_the_text(bulletin, seed)
    names = [*bulletin.tables["bookings"]["hospital"], *bulletin.tables["uploads"]["unit"],
             *bulletin.tables["booking_platforms"]["platform"]]
    assert not [name for name in names if any(char.isspace() for char in name)]


@pytest.mark.parametrize("name", FIXTURES)
def test_every_writer_pdf_gives_the_seed_figures_and_its_validation(as_bulletins, name):
    bulletin = as_bulletins[name]
    assert bulletin.tables["bookings"]["count"].sum() == 276195
    calls = bulletin.tables["hotline"].filter(bulletin.tables["hotline"]["kind"] == "call")
    assert calls["count"].sum() == 27332
    assert bulletin.tables["booking_platforms"]["count"].sum() == 18946
    uploads = bulletin.tables["uploads"]
    assert uploads.height == 51
    every_day = uploads["realtime_days"] == 30
    complete = uploads.filter(every_day & (uploads["forms_uploaded"] == uploads["forms_expected"]))
    assert complete.height == 8  # 江宁区 高淳区 溧水区 六合区, 南京市儿童医院 南京明基医院 南京市高淳人民医院 南京市中西医结合医院
    report = validate_bulletin(bulletin)
    assert report.errors == [] and len(report.warnings) == 106  # as the text: nothing added, nothing lost


# --------------------------------------------------------------------------------- the fixtures are what they say


@pytest.mark.parametrize("name", FIXTURES)
def test_each_fixture_is_the_layout_it_claims(name):
    fixture, path = FIXTURES[name], path_of(name)
    document = pdfium.PdfDocument(str(path))
    try:
        assert len(document) == fixture.pages
        width, height = document[0].get_size()
        assert (width > height) == fixture.landscape
        assert round(min(width, height)) == 595 and round(max(width, height)) == 842  # A4
        paths = sum(1 for obj in document[1].get_objects() if obj.type == raw.FPDF_PAGEOBJ_PATH)
    finally:
        document.close()
    assert (paths > 20) == fixture.ruled  # a ruled table's borders; a borderless page draws none (or a few)
    for page in range(1, fixture.pages + 1):
        assert printed_lines(path, page)[-1] == f"-{page}-"  # the `- N -` footer
    facts = char_facts(path, 1, "南京市第一医院")
    assert {round(size, 1) for _, size, _, _ in facts} == {fixture.size}
    assert all(fixture.font in font for _, _, font, _ in facts), facts[0][2]


@pytest.mark.parametrize("name", FIXTURES)
def test_each_fixture_aligns_its_cells_as_it_claims(name):
    """Row 1's name wraps onto two lines; its numbers are centred between them, or on the first."""
    fixture, path = FIXTURES[name], path_of(name)
    first, last = char_facts(path, 1, "南京鼓楼医院")[0], char_facts(path, 1, "分院）")[-1]
    number = char_facts(path, 1, "267330")[0]
    assert first[3] - last[3] > 5  # two lines
    where = (first[3] + last[3]) / 2 if fixture.centred else first[3]
    assert abs(number[3] - where) < 1.5


@pytest.mark.parametrize("name", FIXTURES)
def test_each_fixture_prints_its_uploads_header_as_claimed(name):
    text = extract_pdf_text(path_of(name).read_bytes()).replace("\r\n", "\n")
    assert "\n".join(FIXTURES[name].header) in text


@pytest.mark.parametrize(("name", "straddle"), [(name, straddle) for name, rows in STRADDLES.items()
                                                for straddle in rows])
def test_the_pages_break_inside_the_rows_named_and_the_rows_are_joined(name, straddle):
    page, row, end_of_page, top_of_next = straddle
    path = path_of(name)
    before, after = printed_lines(path, page), printed_lines(path, page + 1)
    assert any(line.endswith(end_of_page) for line in before[-4:-1]), before[-4:]
    # the next page: the repeated header (labels; no digit but 12320's), then the rest of the row, above every
    # other row (each prints its numbers)
    first_digits = next(index for index, line in enumerate(after) if re.search(r"\d", line.replace("12320", "")))
    assert top_of_next in after[:first_digits + 1], after[:first_digits + 1]
    assert top_of_next == after[first_digits] or not re.search(r"\d", top_of_next)
    lines = extract_pdf_text(path.read_bytes()).replace("\r\n", "\n").split("\n")
    assert lines.count(row) == 1


def test_the_straddles_cover_every_kind_of_break():
    """After the first line of a name, after the second of three, and in a row whose rest is numbers only;
    in ruled and in borderless tables."""
    first = STRADDLES["ruled-sans8-3row-centred"][0]
    assert first[1].split()[1] == "南京医科大学第四附属医院(京新)" and first[3] == "四附属医院(京"
    second_of_three = STRADDLES["borderless-sans9-centred"][0]
    assert second_of_three[3] == "区)"
    assert STRADDLES["ruled-serif10.5-combined-top"][0][3] == "医院"
    numbers_only = STRADDLES["ruled-serif12-numbers-wrap"][1]
    assert numbers_only[3].isdigit()


# --------------------------------------------------------------------------------- the command line


def test_cli_ingests_and_checks_a_writer_pdf(tmp_path, capsys):
    folder = tmp_path / "raw"
    folder.mkdir()
    pdf = folder / "2024-11.pdf"
    shutil.copyfile(path_of("borderless-sans9-centred"), pdf)
    assert main(["ingest", "--processed", str(tmp_path / "processed"), str(pdf)]) == 0
    assert main(["check", str(pdf)]) == 0
    assert "0 errors, 106 warnings" in capsys.readouterr().out
    assert (tmp_path / "processed" / "bookings" / "month=2024-11" / "data.parquet").exists()
