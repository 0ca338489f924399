"""`make screenshot`: run the seed month into a scratch folder and photograph one report page in headless
Chromium (Debian's `chromium`, driven by Playwright), for the README.

    python -m njbulletin.report.screenshot docs/report-screenshot.png [--page 10-booking-channels] [--lang zh]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from njbulletin import config

CHROMIUM_NAMES = ("chromium", "chromium-browser")
WIDTH, HEIGHT = 1280, 1500


def find_chromium() -> str | None:
    """The path of the system's Chromium, or None when none is installed."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def run_seed_month(workspace: Path, lang: str) -> Path:
    """The seed month's reports, in `lang`, under workspace/reports; returns that folder."""
    raw = workspace / "raw"
    raw.mkdir(parents=True)
    shutil.copy(config.RAW_DIR / f"{config.DEFAULT_MONTH}.txt", raw)
    reports = workspace / "reports"
    subprocess.run([sys.executable, "-m", "njbulletin", "run", "--raw", str(raw), "--processed",
                    str(workspace / "processed"), "--reports", str(reports), "--lang", lang, "--jobs", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    return reports


def photograph(page: Path, target: Path, chromium: str, height: int = HEIGHT) -> Path:
    """A PNG of the top of a page at 1280 px wide."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            view = browser.new_page(viewport={"width": WIDTH, "height": height})
            view.goto(page.resolve().as_uri())
            target.parent.mkdir(parents=True, exist_ok=True)
            view.screenshot(path=str(target))
        finally:
            browser.close()
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--page", default="10-booking-channels")
    parser.add_argument("--lang", choices=config.LANGUAGES, default="zh")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print("error: no Chromium installed (apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="njbulletin-screenshot-") as scratch:
        reports = run_seed_month(Path(scratch), args.lang)
        page = reports / config.DEFAULT_MONTH / f"{args.page}.html"
        print(f"screenshot: {photograph(page, args.target, chromium)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
