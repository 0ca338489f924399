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
