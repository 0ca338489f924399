"""REPORTS/index.html: every month with its status, what needs attention, key figures, change from the month
before, small trend charts, and links; rebuilt after every run from the months' manifest.json, summary.json
and attention.json (how many items need attention, and the first three, written by the attention notebook).

The page is a Jinja2 template with autoescaping on (templates/pages/index.html.j2). Its language is the
run's `lang`, handed down by the pipeline (`write_index(reports_dir, lang)`). The inputs of the last page written are remembered by their digest
(REPORTS/.index-state), so a run where nothing changed neither renders nor imports Jinja2.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from njbulletin.atomic import read_json, write_text_atomic
from njbulletin.indicators import find_indicator, judge_change
from njbulletin.months import MONTH_PATTERN, months_between, shift_month
from njbulletin.report.jinja import PAGE_TEMPLATES_DIR, template_environment
from njbulletin.report.page_order import ATTENTION_DIGEST, ATTENTION_PAGE, order_pages
from njbulletin.report.printing import index_page_style
from njbulletin.report.strings import split_unit, text

STATE_NAME = ".index-state"
# The key figures of each month, and how each is shown: a count, a share, or complete units out of all.
INDEX_FIGURES = (("bookings_total", "count"), ("third_party_share", "share"), ("platforms_total", "count"),
                 ("hotline_calls", "count"), ("upload_units_complete", "units"),
                 ("hospital_outpatient_visits", "count"), ("quality_flags", "count"))
SPARKLINES = ("bookings_total", "third_party_share", "upload_units_complete")
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 220, 48, 4


def collect_month_entries(reports_dir: Path) -> list[dict]:
    """Every month folder in REPORTS with its manifest and summary (either may be missing), newest first; a
    folder whose name is not a month (2024-13) is not one."""
    entries = []
    for folder in sorted(Path(reports_dir).glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]"), reverse=True):
        if folder.is_dir() and MONTH_PATTERN.fullmatch(folder.name):
            entries.append({"month": folder.name, "manifest": read_json(folder / "manifest.json") or {},
                            "summary": read_json(folder / "summary.json") or {},
                            "attention": read_json(folder / ATTENTION_DIGEST)})
    return entries


def format_value(value: object, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "share":
        return f"{float(value) * 100:.2f}%"
    return f"{value:,}" if isinstance(value, int) else str(value)


def change_cell(value: object, previous: object, kind: str, lang: str) -> tuple[str | None, float | None]:
    """(▲/▼ with the relative change, or the change in percentage points for a share; the change's sign as a
    number, for judging it: None when there is no change to show)."""
    if not isinstance(value, (int, float)) or not isinstance(previous, (int, float)):
        return None, None
    if kind == "share":
        points = (value - previous) * 100
        if abs(points) < 0.005:
            return text("index.unchanged", lang), 0
        return text("index.points", lang, arrow="▲" if points > 0 else "▼", value=f"{abs(points):.2f}"), points
    if previous == 0 or value == previous:
        return (text("index.unchanged", lang), 0) if value == previous else (None, None)
    ratio = (value - previous) / previous
    digits = 1 if abs(ratio) >= 0.0005 else 2  # +0.04% is not shown as +0.0%
    return f"{'▲' if ratio > 0 else '▼'} {abs(ratio) * 100:.{digits}f}%", ratio


def figure_cells(summary: dict, previous: dict | None, lang: str) -> list[dict]:
    """The key-figure cells of one month, each with its change from `previous`, the calendar month before
    (None when that month was not processed: no change is shown, as on the trends page), and what the change
    means by the indicator's direction (`indicators.judge_change`: improving, concerning or neutral)."""
    cells = []
    for key, kind in INDEX_FIGURES:
        value = summary.get(key)
        shown = format_value(value, kind)
        if kind == "units" and value is not None and summary.get("upload_units"):
            shown = f"{format_value(value, 'count')} / {format_value(summary['upload_units'], 'count')}"
        change, sign = change_cell(value, (previous or {}).get(key), kind, lang)
        meaning = judge_change(find_indicator(key).direction, sign)
        cells.append({"value": shown, "change": change, "meaning": meaning,
                      "meaning_label": text(f"index.meaning.{meaning}", lang) if meaning else None})
    return cells


def month_links(entry: dict, lang: str) -> list[dict]:
    """The month's report pages, by title."""
    month = entry["month"]
    notebooks = {notebook["name"]: notebook for notebook in entry["manifest"].get("notebooks", [])
                 if notebook.get("html") and notebook.get("name")}
    return [{"href": f"{month}/{name}.html", "label": page_title(name, lang),
             "status": None if notebooks[name].get("status") == "ok" else status_label(notebooks[name].get("status"), lang)}
            for name in order_pages(notebooks)]


def month_downloads(entry: dict, lang: str) -> list[dict]:
    """The month's files to download, named in the page's language (the file type in brackets)."""
    month = entry["month"]
    return [{"href": f"{month}/{target}", "label": text(f"index.download.{name}", lang)}
            for name, target in (("summary", "summary.json"), ("manifest", "manifest.json"), ("data", "data/"))]


def export_label(name: str, lang: str) -> str:
    """An all-months export by what it holds ('各月关键数字', '预约挂号'), not its file name; an unknown file
    keeps its name."""
    stem = name.removesuffix(".csv")
    for key in (f"index.export.{stem}", stem, f"table.{stem}"):
        try:
            return text(key, lang)
        except KeyError:
            continue
    return name


def attention_cell(entry: dict, lang: str) -> dict | None:
    """How many items of the month need attention and the first three, each linking to its detail (None when
    the month has no attention list)."""
    from njbulletin.report.navigation import count_sentence

    digest = entry.get("attention")
    if not isinstance(digest, dict) or not isinstance(digest.get("count"), int):
        return None
    month, count = entry["month"], digest["count"]
    first = [{"text": item.get(lang) or item.get("zh", ""), "href": f"{month}/{item.get('href', '')}"}
             for item in digest.get("first", []) if isinstance(item, dict)]
    return {"label": count_sentence(count, lang), "href": f"{month}/{ATTENTION_PAGE}.html", "count": count,
            "lines": first, "briefing": {"href": f"{month}/briefing.html", "label": text("brief.index_link", lang)},
            "more": text("att.more", lang, more=count - len(first)) if count > len(first) else None}


def page_title(notebook: str, lang: str) -> str:
    """A notebook's page title ('预约挂号渠道'); a notebook the string table does not know keeps its name."""
    try:
        return text(f"page.{notebook}", lang)
    except KeyError:
        return str(notebook)


def status_label(status: object, lang: str) -> str:
    try:
        return text(f"status.{status}", lang)
    except KeyError:
        return str(status)


def month_rows(entries: list[dict], lang: str) -> list[dict]:
    """One row per month, newest first. A month's changes are from the calendar month before, as the trends
    page computes them; when that month was not processed but earlier ones were, the row says so instead."""
    summaries = {entry["month"]: entry["summary"] for entry in entries}
    oldest = min(summaries, default=None)
    rows = []
    for entry in entries:
        month_before = shift_month(entry["month"], -1)
        earlier = summaries.get(month_before) or None
        status = entry["manifest"].get("status", "unknown")
        errors = entry["summary"].get("quality_errors") or 0  # a month stored with --allow-errors
        rows.append({"month": entry["month"], "status": str(status), "status_label": status_label(status, lang),
                     "errors_note": text("index.errors_allowed", lang, errors=errors) if errors else None,
                     "no_change_note": text("index.no_month_before", lang, month=month_before)
                     if earlier is None and entry["month"] != oldest else None,
                     "attention": attention_cell(entry, lang),
                     "cells": figure_cells(entry["summary"], earlier, lang), "links": month_links(entry, lang),
                     "downloads": month_downloads(entry, lang)})
    return rows


def sparkline(values: list[tuple[str, float]], key: str, lang: str) -> dict:
    """A small trend chart of one figure over the months (oldest first), as SVG polylines on a time axis:
    a month that was not processed leaves a gap, and a month alone between gaps is a dot."""
    numbers = [value for _, value in values]
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0
    offsets = [months_between(values[0][0], month) for month, _ in values]
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(offsets[-1], 1)
    rise = SPARK_HEIGHT - 2 * SPARK_PAD
    points = [(SPARK_PAD + offset * step, SPARK_HEIGHT - SPARK_PAD - (value - low) / span * rise)
              for offset, value in zip(offsets, numbers)]
    runs: list[list[tuple[float, float]]] = []
    for index, point in enumerate(points):
        if index and offsets[index] == offsets[index - 1] + 1:
            runs[-1].append(point)
        else:
            runs.append([point])
    kind = "share" if key.endswith("share") else "count"
    return {"title": text(key, lang), "width": SPARK_WIDTH, "height": SPARK_HEIGHT,
            "lines": [" ".join(f"{x:.1f},{y:.1f}" for x, y in run) for run in runs if len(run) > 1],
            "dots": [(f"{run[0][0]:.1f}", f"{run[0][1]:.1f}") for run in runs if len(run) == 1],
            "last_x": f"{points[-1][0]:.1f}", "last_y": f"{points[-1][1]:.1f}",
            "first_month": values[0][0], "last_month": values[-1][0],
            "lowest": format_value(low if kind == "share" else int(low), kind),
            "highest": format_value(high if kind == "share" else int(high), kind)}


def sparklines(entries: list[dict], lang: str) -> list[dict]:
    """The index's trend charts, when two months or more have figures."""
    charts = []
    for key in SPARKLINES:
        values = [(entry["month"], entry["summary"][key]) for entry in reversed(entries)
                  if isinstance(entry["summary"].get(key), (int, float))]
        if len(values) >= 2:
            charts.append(sparkline(values, key, lang))
    return charts


def index_labels(lang: str) -> dict[str, str]:
    return {name: text(f"index.{name}", lang) for name in
            ("title", "month", "status", "reports", "nothing", "exports", "lowest", "highest", "downloads",
             "legend", "legend_improving", "legend_concerning", "legend_neutral", "legend_separator", "legend_end")}


def build_index(entries: list[dict], all_months_files: list[str] | None, lang: str) -> str:
    """The index page: one row per month with its status, key figures and links (no remote files)."""
    headers = [dict(zip(("name", "unit"), split_unit(text(f"index.col.{key}", lang)))) for key, _ in INDEX_FIGURES]
    exports = [{"href": f"data/{name}", "label": export_label(name, lang)} for name in all_months_files or []]
    rows = month_rows(entries, lang)
    changes = any(cell["meaning"] for row in rows for cell in row["cells"])  # the legend, when a change is shown
    return template_environment().get_template("index.html.j2").render(
        lang=lang, labels=index_labels(lang), headers=headers, rows=rows, changes=changes,
        sparklines=sparklines(entries, lang), exports=exports, print_style=index_page_style(lang))


def templates_digest() -> str:
    digest = hashlib.sha256()
    sources = [*sorted(PAGE_TEMPLATES_DIR.glob("*.j2")), Path(__file__),
               *sorted((Path(__file__).parent / "strings").glob("*.py"))]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def index_state(entries: list[dict], exports: list[str], lang: str) -> str:
    """A digest of everything the index shows, and of the templates and strings that show it."""
    shown = [{"month": e["month"], "summary": e["summary"], "status": e["manifest"].get("status"),
              "attention": e.get("attention"),
              "notebooks": [(nb.get("name"), nb.get("status"), nb.get("html"))
                            for nb in e["manifest"].get("notebooks", [])]} for e in entries]
    payload = json.dumps({"entries": shown, "exports": exports, "lang": lang, "templates": templates_digest()},
                         sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def write_index(reports_dir: Path, lang: str) -> Path:
    """Regenerate REPORTS/index.html (when what it shows changed) and the navigation bars of the pages
    (when a month was added, removed or re-rendered), both in the run's language `lang`."""
    from njbulletin.report.navigation import refresh_navigation

    reports_dir = Path(reports_dir)
    path = reports_dir / "index.html"
    exports = sorted((p.name for p in (reports_dir / "data").glob("*.csv")),
                     key=lambda name: (name != "summary.csv", name))  # the key figures first
    entries = collect_month_entries(reports_dir)
    inputs = index_state(entries, exports, lang)
    refresh_navigation(reports_dir, lang)
    current = read_text(path)
    if current is not None and read_text(reports_dir / STATE_NAME) == state_line(inputs, current):
        return path  # the same inputs, and the page is still the one written from them
    document = build_index(entries, exports, lang)
    if current != document:
        write_text_atomic(path, document)
    write_text_atomic(reports_dir / STATE_NAME, state_line(inputs, document))
    return path


def state_line(inputs: str, document: str) -> str:
    """What .index-state remembers: the inputs' digest and the digest of the page written from them (a page
    changed or damaged since is written again)."""
    return f"{inputs} {hashlib.sha256(document.encode('utf-8')).hexdigest()}"


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None
