"""Reports a reader opens: each executed notebook as self-contained HTML, and REPORTS/index.html.

The HTML uses nbconvert's lab template through the small `offline` template shipped in
`njbulletin/templates`, which drops every script the lab template loads from a CDN
(require.js, MathJax, mermaid, widgets). Images are embedded as data URIs, code is hidden
unless asked for, so one file can be sent by mail and opened offline.

nbconvert is imported only inside `render_html` (the no-op path of `njbulletin run` never
needs it); the index is built with the standard library alone.
"""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

from njbulletin.atomic import write_text_atomic

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# A src or href that would load something from the network (scripts, styles, fonts, images).
REMOTE_REFERENCE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""",
                              re.IGNORECASE)
CSS_REMOTE_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
                               re.IGNORECASE)


@lru_cache(maxsize=2)
def html_exporter(with_code: bool):
    """One configured nbconvert HTMLExporter per process (building one loads the templates)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES_DIR)],
                        embed_images=True, exclude_input=not with_code, exclude_input_prompt=not with_code,
                        exclude_output_prompt=True, anchor_link_text="")


def find_remote_references(document: str) -> list[str]:
    """Every tag or CSS rule in an HTML document that would load something over the network."""
    found = [match.group(0) for match in REMOTE_REFERENCE.finditer(document)]
    for style in re.findall(r"<style[^>]*>(.*?)</style>", document, flags=re.IGNORECASE | re.DOTALL):
        found += [match.group(0) for match in CSS_REMOTE_IMPORT.finditer(style)]
    return found


def render_html(notebook_path: Path, html_path: Path, with_code: bool = False) -> Path:
    """Render an executed notebook to self-contained HTML; refuse to write one that loads remote files."""
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    body, _ = html_exporter(with_code).from_notebook_node(notebook, resources={"metadata": {
        "name": notebook_path.stem}})
    remote = find_remote_references(body)
    if remote:
        raise RuntimeError(f"{html_path}: the HTML would load files from the network: {remote[:3]}")
    write_text_atomic(html_path, body)
    return html_path


# ----------------------------------------------------------------------------- index.html

INDEX_FIGURES = (("bookings_total", "Bookings"), ("third_party_share", "Third-party share"),
                 ("platforms_total", "Platform bookings"), ("hotline_calls", "Hotline calls"),
                 ("upload_units_complete", "Complete upload units"), ("hospital_outpatient_visits",
                                                                     "Hospital outpatient visits"),
                 ("quality_flags", "Quality flags"))

INDEX_STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .35em .6em; text-align: right; }
th { background: #f3f3f3; } td.month, td.links { text-align: left; }
.ok { color: #176317; } .failed { color: #a40000; font-weight: bold; } .running { color: #8a6d00; }
"""


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def collect_month_entries(reports_dir: Path) -> list[dict]:
    """Every month folder in REPORTS with its manifest and summary (either may be missing), newest first."""
    entries = []
    for folder in sorted(Path(reports_dir).glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]"), reverse=True):
        if folder.is_dir():
            entries.append({"month": folder.name, "manifest": read_json(folder / "manifest.json") or {},
                            "summary": read_json(folder / "summary.json") or {}})
    return entries


def format_figure(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2%}"
    if isinstance(value, int):
        return f"{value:,}"
    return html.escape(str(value))


def index_figure(summary: dict, key: str) -> str:
    """One cell of the index; complete upload units are shown out of all units (8 / 51)."""
    if key == "upload_units_complete" and summary.get(key) is not None and summary.get("upload_units"):
        return f"{format_figure(summary[key])} / {format_figure(summary['upload_units'])}"
    return format_figure(summary.get(key))


def month_links(entry: dict) -> str:
    month = entry["month"]
    notebooks = entry["manifest"].get("notebooks", [])
    links = [f'<a href="{month}/{html.escape(nb["name"])}.html">{html.escape(nb["name"])}</a>'
             + ("" if nb.get("status") == "ok" else f' <span class="failed">({html.escape(nb.get("status", "?"))})</span>')
             for nb in notebooks if nb.get("html")]
    links += [f'<a href="{month}/summary.json">summary.json</a>', f'<a href="{month}/manifest.json">manifest.json</a>',
              f'<a href="{month}/data/">data (CSV)</a>']
    return " · ".join(links)


def all_months_links(files: list[str]) -> str:
    """Links to REPORTS/data/*.csv: every month in one file per table, and the monthly key figures."""
    if not files:
        return ""
    links = " · ".join(f'<a href="data/{html.escape(name)}">{html.escape(name)}</a>' for name in files)
    return f'<p class="links">All months, one CSV per table (UTF-8 with BOM, for Excel): {links}</p>\n'


def build_index(entries: list[dict], all_months_files: list[str] | None = None) -> str:
    """The index page: one row per month with its status, key figures and links (no remote files)."""
    header = "".join(f"<th>{label}</th>" for _, label in INDEX_FIGURES)
    rows = []
    for entry in entries:
        status = entry["manifest"].get("status", "unknown")
        figures = "".join(f"<td>{index_figure(entry['summary'], key)}</td>" for key, _ in INDEX_FIGURES)
        errors = entry["summary"].get("quality_errors") or 0
        allowed = (f' <span class="failed">({errors} validation error{"s" if errors > 1 else ""} allowed)</span>'
                   if errors else "")  # a month stored with --allow-errors: its figures rest on them
        rows.append(f'<tr><td class="month">{entry["month"]}</td><td class="{html.escape(status)}">'
                    f'{html.escape(status)}{allowed}</td>{figures}<td class="links">{month_links(entry)}</td></tr>')
    body = "\n".join(rows) if rows else '<tr><td colspan="10">No month has been run yet.</td></tr>'
    return (f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            f"<title>南京市卫生信息中心 bulletin reports</title>\n<style>{INDEX_STYLE}</style>\n</head>\n<body>\n"
            f"<h1>南京市卫生信息中心 monthly bulletin: reports</h1>\n"
            f"<table>\n<tr><th>Month</th><th>Status</th>{header}<th>Reports</th></tr>\n{body}\n</table>\n"
            f"{all_months_links(all_months_files)}</body>\n</html>\n")


def write_index(reports_dir: Path) -> Path:
    """Regenerate REPORTS/index.html from every month's manifest and summary (rewritten only if changed)."""
    path = Path(reports_dir) / "index.html"
    exports = sorted((path.name for path in (Path(reports_dir) / "data").glob("*.csv")),
                     key=lambda name: (name != "summary.csv", name))  # the key figures first
    document = build_index(collect_month_entries(reports_dir), exports)
    try:
        unchanged = path.read_text(encoding="utf-8") == document
    except OSError:
        unchanged = False
    if not unchanged:
        write_text_atomic(path, document)
    return path
