"""The one-page briefing (reports/2024-11/briefing.html) of the seed month prints on exactly one A4 sheet in
Chromium's `page.pdf()`, in Chinese and in English, and lists the seed's seven briefing items.

The seed's first item, worked out from its bulletin: 江苏省人民医院 reports 0 discharges but 560,386.45 千元 of
inpatient income. The seed's key figures: 276,195 bookings and 27,332 hotline calls; with one month in the
archive there is no month before nor a year before, so 环比 and 同比 read "—".

Seven items of the longest lines there are (the registry's longest English names, a standing problem or a volume
signal with provisional limits and its calendar, five facets each) under 23 months of key figures (every 环比,
同比 and 1-11 月累计 shown) still print on one sheet: a line names two facets and counts the rest, and takes at
most three printed lines (report.briefing.BRIEFING_FACETS, BRIEFING_LINES).
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


# ----------------------------------------------------------------------------- seven long items


LONGEST = 7  # the registry's hospitals with the longest English names


def long_names() -> list[str]:
    import polars as pl

    from njbulletin.config import REFERENCE_DIR

    registry = pl.read_csv(REFERENCE_DIR / "hospitals.csv").filter(pl.col("kind") == "hospital")
    return registry.sort(pl.col("english").str.len_chars(), descending=True)["canonical"].head(LONGEST).to_list()


def long_items():
    """Seven ranked items of the longest kinds of line, each with every facet it can carry: four standing
    problems (an income without its activity, since 2024-03, with three more rules and two signals as facets)
    and three volume signals (7 months below the mean, provisional limits, the calendar clause, three facets)."""
    import polars as pl

    from njbulletin.contract import ATTENTION_SCHEMA

    rows = []

    def add(item, **values):
        rows.append(dict.fromkeys(ATTENTION_SCHEMA) | {"month": "2024-11", "item": item, "section": 1,
                                                       "briefing": True, "level": "hospital",
                                                       "page": "02-validate", "anchor": "t02-rule-x"} | values)

    for item, unit in enumerate(long_names(), start=1):
        if item <= 4:
            add(item, kind="standing", unit=unit, rule="inpatient_income_without_discharges", value=560386.45,
                estimate=19238.0, weight=0.2106, since="2024-03", months_running=9)
        else:
            add(item, kind="signal", unit=unit, indicator="bookings", rule="shift", side="low", value=12345.0,
                mean=23456.7, lower=11111.1, upper=35802.3, limits="provisional", baseline_points=15,
                judgement="concerning", page="50-attention", anchor=f"signal-{item}")
        for rule in ("outpatient_income_without_visits", "realtime_days_short", "forms_incomplete"):
            add(item, kind="standing", unit=unit, rule=rule, weight=0.01, months_running=1)
        for indicator in ("income_per_discharge", "outpatient_visits"):
            add(item, kind="signal", unit=unit, indicator=indicator, rule="close_to_limits", judgement="neutral")
    return pl.DataFrame([row | {"row": number} for number, row in enumerate(rows, start=1)], schema=ATTENTION_SCHEMA)


def full_summary():
    """Twenty-three months (2023-01 to 2024-11) of key figures, so that 环比, 同比 and 1-11 月累计 all show."""
    import polars as pl

    from njbulletin.analysis.briefing import BRIEFING_METRICS
    from njbulletin.months import shift_month

    months = [shift_month("2023-01", offset) for offset in range(23)]
    values = {metric: [1_234_567 + 1000 * index for index in range(23)] for metric in BRIEFING_METRICS}
    values["third_party_share"] = [0.9 + index / 1000 for index in range(23)]
    return pl.DataFrame({"month": months, **values})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_briefing_of_seven_long_items_prints_on_one_a4_sheet(tmp_path, lang):
    from njbulletin.report.briefing import write_briefing

    folder = tmp_path / "reports" / "2024-11"
    folder.mkdir(parents=True)
    html = write_briefing(folder, full_summary(), long_items(), "2024-11", lang, months=23)
    document = html.read_text(encoding="utf-8")
    assert document.count("<li>") == 7 and "nav" in document  # seven lines under the month's bar
    assert long_names()[0] in document or lang == "en"
    # each line names two of its five facets and counts them all (the attention page lists every one)
    assert document.count("及其他 3 项</a>" if lang == "zh" else "and 3 more</a>") == 7
    assert print_pages(html, tmp_path / f"long-{lang}.pdf") == 1
