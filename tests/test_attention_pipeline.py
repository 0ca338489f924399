"""The attention list through the real pipeline: the planted synthetic archive (tests/planted.py, 26 months to
2025-02) ingested, its last month run with `njbulletin run`; then its pages, exports and index, read as files
and in headless Chromium.

The planted events (see tests/test_attention.py): 南京脑科医院 stops uploading, 南京市高淳中医院's bookings
jump to 269, 六合区's completeness score is 0.909091 for seven months, 南京明基医院 vanishes from the bookings
table.
"""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import frictionless
import pytest

from njbulletin.config import BRIEFING_ITEMS
from njbulletin.report.screenshot import find_chromium

from planted import planted_archive

MONTH = "2025-02"


def njbulletin(*arguments: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "njbulletin", *arguments], capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("attention")
    raw, processed, reports = root / "raw", root / "processed", root / "reports"
    raw.mkdir()
    for month, text, _ in planted_archive(months=26, start="2023-01", seed=3).bulletins:
        (raw / f"{month}.txt").write_text(text + "\n", encoding="utf-8")
    njbulletin("ingest", *map(str, sorted(raw.glob("*.txt"))), "--processed", str(processed))
    njbulletin("run", MONTH, "--raw", str(raw), "--processed", str(processed), "--reports", str(reports),
               "--jobs", "1")
    return reports


def attention_rows(reports) -> list[dict]:
    text = (reports / MONTH / "data" / "attention.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def test_the_exported_list_names_every_planted_event(reports):
    found = {(row["kind"], row["unit"], row["indicator"], row["rule"]) for row in attention_rows(reports)}
    assert ("stopped_uploading", "南京脑科医院", "", "") in found
    assert ("vanished", "南京明基医院", "", "") in found
    assert ("signal", "南京市高淳中医院", "bookings", "outside_limits") in found
    assert ("signal", "六合区", "completeness_score", "shift") in found
    rows = attention_rows(reports)
    # every row citing a special-cause rule is a signal; the briefing's rows are the first BRIEFING_ITEMS ranked items
    assert all(row["kind"] == "signal" for row in rows if row["rule"] in ("outside_limits", "shift", "trend",
                                                                          "close_to_limits"))
    briefed = {int(row["item"]) for row in rows if row["briefing"] == "true"}
    assert briefed == set(range(1, BRIEFING_ITEMS + 1))
    assert all(row["section"] == "1" and row["kind"] != "mover" for row in rows if row["briefing"] == "true")


def test_the_month_s_data_package_describes_the_attention_list_and_the_spc_and_validates(reports):
    package = json.loads((reports / MONTH / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert {"attention", "spc"} <= {resource["name"] for resource in package["resources"]}
    report = frictionless.validate(str(reports / MONTH / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_every_item_links_to_an_anchor_that_exists_on_its_page(reports):
    pages = {}
    for row in attention_rows(reports):
        page = pages.setdefault(row["page"], (reports / MONTH / f"{row['page']}.html").read_text(encoding="utf-8"))
        assert f'id="{row["anchor"]}"' in page, (row["kind"], row["unit"], row["page"], row["anchor"])
    attention = pages["50-attention"]
    signals = [row for row in attention_rows(reports) if row["kind"] == "signal"]
    assert len(re.findall(r'<figure class="njb-xmr"', attention)) == len(signals)


def test_the_trends_page_has_an_xmr_chart_for_each_city_indicator(reports):
    charts = sorted(path.stem for path in (reports / MONTH / "figures").glob("40-xmr-*.png"))
    assert len(charts) == 11 and "40-xmr-bookings-total" in charts
    trends = (reports / MONTH / "40-trends.html").read_text(encoding="utf-8")
    assert 'id="xmr-bookings-total"' in trends and 'id="xmr-channel-share-third-party"' in trends


def test_the_index_and_every_bar_show_the_count(reports):
    digest = json.loads((reports / MONTH / "attention.json").read_text(encoding="utf-8"))
    count = len({row["item"] for row in attention_rows(reports) if row["section"] == "1"})  # the ranked items
    assert digest["count"] == count > 4 and len(digest["first"]) == 3
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert f"需关注 {count} 项" in index and all(item["zh"] in index for item in digest["first"])
    for page in sorted((reports / MONTH).glob("[0-9][0-9]-*.html")):
        bar = page.read_text(encoding="utf-8")
        assert f'href="50-attention.html">需关注 {count} 项</a>' in bar, page.name


CHROMIUM = find_chromium()


@pytest.mark.chromium
def test_in_a_browser_the_briefing_and_the_attention_list_come_first_and_the_index_shows_the_counts(reports, tmp_path):
    from playwright.sync_api import sync_playwright

    digest = json.loads((reports / MONTH / "attention.json").read_text(encoding="utf-8"))
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto((reports / MONTH / "10-booking-channels.html").as_uri())
            links = page.locator("nav.njb-bar .njb-pages a")
            first, second = links.nth(0), links.nth(1)
            assert first.get_attribute("href") == "briefing.html" and first.inner_text() == "月度简报"
            assert second.get_attribute("href") == "50-attention.html" and second.inner_text() == "需关注事项"
            page.locator("nav.njb-bar a.njb-attention").click()
            page.wait_for_load_state()
            assert page.url.endswith("/50-attention.html")
            assert page.locator("main h1").first.inner_text() == f"需关注事项（{MONTH}）"
            assert page.locator("ol.njb-attention li").first.inner_text() == digest["first"][0]["zh"]
            page.screenshot(path=str(tmp_path / "attention.png"))
            page.goto((reports / "index.html").as_uri())
            cell = page.locator("td.attention").first.inner_text()
            assert cell.startswith(f"需关注 {digest['count']} 项") and digest["first"][2]["zh"] in cell
            overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            table = page.evaluate("() => { const box = document.querySelector('.box'); "
                                  "return box.scrollWidth - box.clientWidth; }")
            assert overflow <= 0 and table <= 0 and errors == []  # the index's table is not cut at 1280 px
        finally:
            browser.close()
