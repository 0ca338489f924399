"""PDF input: reportlab-built PDFs of the seed (plain lines, typeset tables) and of a synthetic month parse
to the same tables as the text; scans, broken and protected PDFs fail with one clear line and exit 2."""
from __future__ import annotations

import io

import polars as pl
import pytest

from njbulletin import BulletinError, parse_bulletin
from njbulletin.commands.main import main
from njbulletin.reading.pdf import extract_pdf_text
from njbulletin.storage import read_month_table
from njbulletin.synth import expected_tables, generate_bulletins

from pdf_fixtures import (
    build_image_only_pdf,
    build_plain_pdf,
    build_typeset_pdf,
    pdf_bytes,
    require_cjk_font,
    typeset_table_breaks,
)
from seedtools import SEED_PATH, seed_text

BOOKING_HEADER = "序号单位12320在线预约快速预约诊间预约第三方小计"



@pytest.fixture(scope="module", autouse=True)
def cjk_font_installed():
    """The reportlab PDFs here use a non-embedded font: on a machine with no CJK font they are refused."""
    require_cjk_font()

@pytest.fixture(scope="module")
def seed():
    return parse_bulletin(SEED_PATH)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """The seed as a plain-lines PDF and as a typeset PDF, each named for its month."""
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for layout, build in (("plain", build_plain_pdf), ("typeset", build_typeset_pdf)):
        (folder / layout).mkdir()
        paths[layout] = folder / layout / "2024-11.pdf"
        paths[layout].write_bytes(build(seed_text()))
    return paths


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def total(bulletin, table, item):
    frame = bulletin.tables["declared_totals"].filter((pl.col("table") == table) & (pl.col("item") == item))
    assert frame.height == 1, (table, item)
    return frame["value"][0]


def sorted_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns)


# --------------------------------------------------------------------------------------------- the seed


@pytest.mark.parametrize("layout", ["plain", "typeset"])
def test_seed_pdf_gives_the_same_tables_as_the_text(pdfs, seed, layout):
    bulletin = parse_bulletin(pdfs[layout])
    assert bulletin.month == "2024-11"
    assert bulletin.encoding == "pdf"
    assert bulletin.source == str(pdfs[layout])
    for name, frame in seed.tables.items():
        assert bulletin.tables[name].equals(frame), name


@pytest.mark.parametrize("layout", ["plain", "typeset"])
def test_seed_pdf_parses_to_the_seed_figures(pdfs, layout):
    bulletin = parse_bulletin(pdfs[layout])
    bookings = bulletin.tables["bookings"]
    assert bookings["hospital"].n_unique() == 35
    assert bookings["count"].sum() == 276195
    assert bookings.filter(pl.col("channel") == "third_party")["count"].sum() == 259989
    first = bookings.filter(pl.col("hospital") == "南京市第一医院").sort("channel")
    assert dict(first.select("channel", "count").iter_rows()) == {
        "online_12320": 935, "quick": 111, "in_clinic": 0, "third_party": 370}
    assert total(bulletin, "bookings", "南京市第一医院") == 1416
    assert total(bulletin, "bookings", "cumulative_bookings") == 34735351
    platforms = bulletin.tables["booking_platforms"]
    assert platforms.height == 5 and platforms["count"].sum() == 18946
    assert dict(platforms.select("platform", "count").iter_rows())["南京卫生12320网"] == 368
    calls = bulletin.tables["hotline"].filter(pl.col("kind") == "call")
    assert calls["count"].sum() == 27332
    uploads = bulletin.tables["uploads"]
    assert uploads.filter(pl.col("level") == "district").height == 12
    hospitals = uploads.filter(pl.col("level") == "hospital")
    assert hospitals.height == 39
    assert hospitals["outpatient_visits"].sum() == 4175517
    # a row of the hospital table that the typeset layout puts after a page break
    dental = hospitals.filter(pl.col("unit") == "南京市口腔医院").row(0, named=True)
    assert (dental["scheduled_records"], dental["realtime_days"], dental["forms_uploaded"], dental["forms_expected"],
            dental["outpatient_visits"], dental["outpatient_income_k"], dental["discharges"],
            dental["inpatient_income_k"]) == (2756135, 28, 11, 11, 78637, 59462.39, 416, 10665.41)
    qinhuai = uploads.filter(pl.col("unit") == "秦淮区").row(0, named=True)
    assert qinhuai["outpatient_income_k"] is None and qinhuai["inpatient_income_k"] is None
    assert total(bulletin, "uploads", "cumulative_records") == 28_501_000_000


def test_typeset_layout_breaks_tables_across_pages_with_headers_and_page_numbers(pdfs):
    assert typeset_table_breaks(seed_text()) >= 2
    text = extract_pdf_text(pdfs["typeset"].read_bytes())
    compact = [line.replace(" ", "") for line in text.replace("\r\n", "\n").split("\n")]
    assert compact.count(BOOKING_HEADER) >= 2  # the bookings header again on the next page
    page_numbers = [line for line in compact if line.startswith("-") and line.endswith("-") and line[1:-1].isdigit()]
    assert len(page_numbers) >= 6
    # cells drawn one by one at their column positions still come out as one row per line
    assert "1南京鼓楼医院（含分院）71391151903258137267330" in compact


def test_cli_ingests_and_checks_a_pdf(pdfs, seed, tmp_path, capsys):
    processed = tmp_path / "processed"
    assert main(["ingest", "--processed", str(processed), str(pdfs["typeset"])]) == 0
    stored = read_month_table(processed, "bookings", "2024-11")
    assert sorted_frame(stored.select(seed.tables["bookings"].columns)).equals(sorted_frame(seed.tables["bookings"]))
    assert main(["check", str(pdfs["plain"])]) == 0
    assert "2024-11" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------- failures


def test_scanned_pdf_needs_ocr(tmp_path):
    path = write(tmp_path / "2024-11.pdf", build_image_only_pdf())
    with pytest.raises(BulletinError) as caught:
        parse_bulletin(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "no text layer" in message and "OCR" in message


@pytest.mark.parametrize("command", ["ingest", "check"])
def test_cli_refuses_a_scanned_pdf_with_exit_2_and_writes_nothing(tmp_path, capsys, command):
    path = write(tmp_path / "2024-11.pdf", build_image_only_pdf())
    processed = tmp_path / "processed"
    args = [command, "--processed", str(processed), str(path)] if command == "ingest" else [command, str(path)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"error: {path}") and "needs OCR" in err[0]
    assert not processed.exists() or not any(processed.rglob("*.parquet"))


def test_broken_pdf_is_one_clear_error(tmp_path, capsys):
    data = build_plain_pdf(seed_text())
    path = write(tmp_path / "2024-11.pdf", data[: len(data) // 3])
    with pytest.raises(BulletinError, match="not a readable PDF"):
        parse_bulletin(path)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "not a readable PDF" in err


def test_password_protected_pdf_says_so(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    from pdf_fixtures import FONT

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=StandardEncryption("secret", canPrint=0))
    pdf.setFont(FONT, 10)
    pdf.drawString(72, 720, "南京 12320 卫生热线 2024 年 11 月数据统计")
    pdf.save()
    path = write(tmp_path / "2024-11.pdf", buffer.getvalue())
    with pytest.raises(BulletinError, match="password-protected"):
        parse_bulletin(path)


def test_pdf_with_text_but_no_statistics_is_an_error_not_empty_tables(tmp_path):
    prose = seed_text().split("统计数据")[0]
    path = write(tmp_path / "2024-11.pdf", build_plain_pdf(prose))
    with pytest.raises(BulletinError, match="missing section"):
        parse_bulletin(path)


def test_a_page_number_alone_is_not_a_text_layer(tmp_path):
    def draw(pdf):
        from pdf_fixtures import FONT

        for page in range(3):
            pdf.setFont(FONT, 9)
            pdf.drawCentredString(300, 30, f"- {page + 1} -")
            pdf.showPage()

    path = write(tmp_path / "2024-11.pdf", pdf_bytes(draw))
    with pytest.raises(BulletinError, match=r"only 9 characters of text on 3 pages.*needs OCR"):
        parse_bulletin(path)


# --------------------------------------------------------------------------------------------- synthetic


@pytest.mark.parametrize("layout", ["plain", "typeset"])
def test_pdf_of_a_synthetic_month_parses_to_the_same_figures_as_its_text(tmp_path, layout):
    month, text, expected = generate_bulletins(1, start="2025-02", seed=11)[0]
    build = build_plain_pdf if layout == "plain" else build_typeset_pdf
    text_path = tmp_path / f"{month}.txt"
    text_path.write_text(text, encoding="utf-8")
    pdf_path = write(tmp_path / f"{month}.pdf", build(text))
    from_text, from_pdf = parse_bulletin(text_path), parse_bulletin(pdf_path)
    assert from_pdf.month == "2025-02" and from_pdf.days_in_month == 28
    wanted = expected_tables(expected)
    for name, frame in from_text.tables.items():
        assert from_pdf.tables[name].equals(frame), name
        assert sorted_frame(from_pdf.tables[name]).equals(sorted_frame(wanted[name])), name
