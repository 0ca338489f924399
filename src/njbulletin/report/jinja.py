"""The report package's templates: where they are, and the one Jinja2 environment (autoescaping on) that
renders the index and the navigation bar. Jinja2 is imported only when a page is rendered."""
from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PAGE_TEMPLATES_DIR = TEMPLATES_DIR / "pages"


def template_environment():
    """Jinja2 with autoescaping on, loading the report package's page templates."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(PAGE_TEMPLATES_DIR)),
                       autoescape=select_autoescape(default=True, default_for_string=True), keep_trailing_newline=True)


def print_stylesheet_number(selector: str, prop: str, unit: str) -> float:
    """A number the print rules of the pages' stylesheet (offline/report.css, `@media print`) set, e.g. the
    tables' font size in pt: the layout code reads it from there rather than keeping a copy by hand."""
    import re

    css = (TEMPLATES_DIR / "offline" / "report.css").read_text(encoding="utf-8")
    rules = css[css.index("@media print"):]
    found = re.search(rf"(?m)^\s*{re.escape(selector)}\s*\{{[^}}]*?{re.escape(prop)}\s*:\s*([\d.]+){unit}\b", rules)
    if found is None:
        raise LookupError(f"report.css: no {prop} in {unit} for {selector!r} in its print rules")
    return float(found.group(1))
