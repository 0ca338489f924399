"""Reports of whole runs over synthetic months (`njbulletin synth`): trends that stay readable over ten years
(tests/test_correction.py checks that a parallel backfill leaves no noise on any page).

- 120 months are ingested and only the last is run: its trend tables show the latest 13 months, one column
  each, the newest first, and its trend charts are drawn (on a time axis; tests/test_plotting.py counts their labels).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from njbulletin.months import shift_month


def njbulletin(*arguments: str, timeout: float = 1200) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "njbulletin", *arguments], capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def synthetic_raw(root: Path, months: int, start: str) -> Path:
    """`njbulletin synth` bulletins (without their expected figures) in root/raw."""
    njbulletin("synth", "--months", str(months), "--start", start, "--out", str(root / "synth"))
    raw = root / "raw"
    raw.mkdir()
    for bulletin in sorted((root / "synth").glob("*.txt")):
        shutil.copy(bulletin, raw)
    return raw


@pytest.mark.slow
def test_ten_years_ingested_and_the_last_month_run_keep_the_trends_readable(tmp_path):
    raw = synthetic_raw(tmp_path, 120, "2015-01")
    processed, reports = tmp_path / "processed", tmp_path / "reports"
    njbulletin("ingest", *map(str, sorted(raw.glob("*.txt"))), "--processed", str(processed))
    last = shift_month("2015-01", 119)
    njbulletin("run", last, "--raw", str(raw), "--processed", str(processed), "--reports", str(reports),
               "--jobs", "1")
    page = (reports / last / "40-trends.html").read_text(encoding="utf-8")
    summary = page[page.index('data-table="t40-summary"'):]
    summary = summary[:summary.index("</table>")]
    headings = re.findall(r'<th[^>]*gt_col_heading[^>]*>(.*?)</th>', summary, flags=re.DOTALL)
    assert headings[1:] == [shift_month(last, -index) for index in range(13)]  # the latest 13 months, newest first
    assert "共处理 120 个月，2015-01 至 2024-12。" in page
    charts = sorted(path.stem for path in (reports / last / "figures").glob("40-*.png"))
    xmr = ["bookings-total", "channel-share-in-clinic", "channel-share-online-12320", "channel-share-quick",
           "channel-share-third-party", "hospital-outpatient-visits", "hospitals-booking", "hotline-calls",
           "platforms-total", "upload-completeness", "work-orders"]  # the city's indicators, each with limits
    assert charts == sorted(["40-completeness", "40-trend-bookings_total", "40-trend-hospital_outpatient_visits",
                             "40-trend-hotline_calls", "40-trend-third_party_share", *(f"40-xmr-{i}" for i in xmr)])
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', page)) == 5 + 11
