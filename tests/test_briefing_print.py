"""The one-page briefing (reports/2024-11/briefing.html) of the seed month prints on exactly one A4 sheet in
Chromium's `page.pdf()`, in Chinese and in English, and lists the seed's seven briefing items.

The seed's first item, worked out from its bulletin: 江苏省人民医院 reports 0 discharges but 560,386.45 千元 of
inpatient income. The seed's key figures: 276,195 bookings and 27,332 hotline calls; with one month in the
archive there is no month before nor a year before, so 环比 and 同比 read "—".
"""
from __future__ import annotations

import pytest

from njbulletin.report.screenshot import find_chromium

CHROMIUM = find_chromium()
pytestmark = pytest.mark.chromium


def print_pages(html, target) -> int:
    import pypdfium2
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(html.as_uri(), wait_until="load")
            page.emulate_media(media="print")
            page.pdf(path=str(target), format="A4", prefer_css_page_size=True, print_background=True)
            page.close()
        finally:
            browser.close()
    document = pypdfium2.PdfDocument(str(target))
    try:
        return len(document)
    finally:
        document.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_prints_on_one_a4_sheet(seed_reports, tmp_path, lang):
    html = seed_reports(lang) / "2024-11" / "briefing.html"
    document = html.read_text(encoding="utf-8")
    assert document.count("<li>") == 7
    # each line links to its detail, as the attention list links it (its page and anchor columns)
    assert document.count('<li><a href="') == 7 and document.count('.html#t') == 7
    assert "560,386.45" in document and "276,195" in document and "27,332" in document
    assert print_pages(html, tmp_path / f"briefing-{lang}.pdf") == 1


def test_index_links_the_briefing(seed_reports):
    index = (seed_reports("zh") / "index.html").read_text(encoding="utf-8")
    assert 'href="2024-11/briefing.html"' in index and "月度简报" in index
