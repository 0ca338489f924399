"""report.printing: the page's @page rules (title, month and page numbers on every sheet, in the page's language)
and how wide a table prints, estimated from its cells at the print size (8.5 pt: one em is 11.33 px)."""
from __future__ import annotations

import pytest

from njbulletin.report import printing


def test_every_sheet_carries_the_title_month_and_page_numbers_in_the_pages_language():
    zh = printing.page_style("10-booking-channels", "2024-11", "zh")
    assert '@top-left { content: "预约挂号渠道（2024-11）";' in zh
    assert '@top-right { content: "南京市卫生信息中心月报";' in zh
    assert '@bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";' in zh
    assert "@page { size: A4; margin: 17mm 12mm 16mm 12mm;" in zh
    assert "@page landscape { size: A4 landscape;" in zh
    en = printing.page_style("40-trends", "2024-11", "en")
    assert '@top-left { content: "Trends, 2024-11";' in en
    assert '@bottom-center { content: "Page " counter(page) " of " counter(pages);' in en


def test_a_title_cannot_break_out_of_its_css_string():
    assert printing.css_string('a "quoted" \\ title\nnext') == '"a \\"quoted\\" \\\\ title next"'
    assert "@top-left { content: \"99-x 2024-11\";" in printing.page_style("99-x", "2024-11", "zh")


def test_text_widths_at_the_print_size():
    em = 8.5 * 96 / 72
    assert printing.text_width("医院") == pytest.approx(2 * em)
    assert printing.text_width("276,195") == pytest.approx(7 * 0.6 * em)
    assert printing.longest_word("Sir Run Run Hospital") == pytest.approx(8 * 0.6 * em)  # "Hospital"


def table(cells: list[tuple[str, str]], labels: list[str]) -> str:
    """A great_tables-like table: column labels, and one row of (class, text) cells."""
    heads = "".join(f'<th class="gt_col_heading gt_left" id="t-c{i}">{label}</th>' for i, label in enumerate(labels))
    row = "".join(f'<td headers="t-c{i}" class="gt_row {kind}">{text}</td>' for i, (kind, text) in enumerate(cells))
    return f"<table><thead><tr>{heads}</tr></thead><tbody><tr>{row}</tbody></table>"


def test_numbers_never_wrap_text_wraps_and_a_label_breaks_only_between_words():
    em = 8.5 * 96 / 72
    widths = printing.column_widths(table([("gt_left", "南京医科大学附属妇产医院（南京市妇幼保健院）"), ("gt_right", "8"),
                                           ("gt_right", "4,175,517,000")], ["医院", "门急诊人次（人次）", "x"]))
    assert widths["t-c0"] == pytest.approx(printing.TEXT_COLUMN_EM * em + printing.CELL_PADDING)  # wraps at 8 em
    assert widths["t-c1"] == pytest.approx(5 * em + printing.CELL_PADDING)  # '门急诊人次' holds together
    assert widths["t-c2"] == pytest.approx(13 * 0.6 * em + printing.CELL_PADDING)  # a number never wraps


def test_portrait_scaled_portrait_or_landscape():
    em = 8.5 * 96 / 72
    column = 9 * 0.6 * em + printing.CELL_PADDING  # '4,175,517': 9 × 0.6 em, plus the padding: 70.2 px

    def layout(columns: int) -> printing.PrintLayout:
        return printing.print_layout(table([("gt_right", "4,175,517")] * columns, ["2024-11"] * columns))

    assert not layout(7).landscape and layout(7).scale == 1  # 7 × 70.2 px × 1.06 = 521 px < 703 px
    assert layout(8).landscape and layout(8).scale == 1  # 8 columns (595 px): landscape, so names need not wrap
    # 7 columns of '41,755,170,000' (14 × 0.6 em + padding: 104.2 px): 773 px, a little too wide for portrait
    scaled = printing.print_layout(table([("gt_right", "41,755,170,000")] * 7, ["2024-11"] * 7))
    assert not scaled.landscape and scaled.scale == pytest.approx(printing.PORTRAIT_WIDTH / (7 * (14 * 0.6 * em + 9) * 1.06))
    assert layout(13).landscape and layout(13).scale == 1  # 967 px: a landscape sheet (1032 px) holds it
    assert layout(20).landscape and layout(20).scale == pytest.approx(printing.LANDSCAPE_WIDTH / (20 * column * 1.06))
    assert layout(20).style.startswith("--njb-print-scale: 0.")


def test_the_print_figures_are_read_from_the_stylesheet_and_a_chart_for_paper_is_never_capped():
    """report.css sets the printed tables' font (8.5 pt) and caps a printed image at 150 mm; the layout code reads
    both from there. A chart drawn for paper (report.sheets.PAPER, 5.6 in = 142 mm tall) stays under the cap."""
    from njbulletin.report.jinja import print_stylesheet_number
    from njbulletin.report.printing import PRINT_FONT_PT
    from njbulletin.report.sheets import PAPER, PRINT_MAX_HEIGHT_MM

    assert (PRINT_FONT_PT, PRINT_MAX_HEIGHT_MM) == (8.5, 150.0)
    assert PAPER.height * 25.4 <= PRINT_MAX_HEIGHT_MM
    with pytest.raises(LookupError, match="no font-size in pt for '.njb-nothing'"):
        print_stylesheet_number(".njb-nothing", "font-size", "pt")
