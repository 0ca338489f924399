"""Reports a reader opens: each executed notebook as self-contained HTML, and REPORTS/index.html.

The HTML uses nbconvert's lab template through the small `offline` template shipped in
`report/templates`, which drops every script the lab template loads from a CDN
(require.js, MathJax, mermaid, widgets) and adds the reports' style (tables, print) and the
navigation bar. Images are embedded as data URIs, code is hidden unless asked for, so one file can
be sent by mail and opened offline. The page is in the run's language, handed down with its month
(`render_html(..., lang=, month=)`; never read back from the notebook): its title, its `lang` attribute and its bar. Only what a reader should see is rendered: text a
kernel or a library printed on standard error (logs, warnings) stays in the executed notebook.

nbconvert is imported only inside `render_html` (the no-op path of `njbulletin run` never
needs it); the index lives in `report.index`.
"""
from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path

from njbulletin.atomic import write_text_atomic
from njbulletin.report.jinja import TEMPLATES_DIR
from njbulletin.report.strings import text

# A src or href that would load something from the network (scripts, styles, fonts, images).
REMOTE_REFERENCE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""",
                              re.IGNORECASE)
CSS_REMOTE_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
                               re.IGNORECASE)


# A cell's input and each output, made focusable, as nbconvert's own last pass does (see report_exporter_class).
FOCUSABLE = re.compile(r'<div class="(?P<classes>[^"]*\b(?:jp-OutputArea-output|jp-Cell-inputWrapper)\b[^"]*)"')


@lru_cache(maxsize=1)
def report_exporter_class():
    """nbconvert's HTMLExporter without its last pass, which parses the whole page with BeautifulSoup and
    writes it out again, only to give images a default English alt text ("No description has been
    provided...") and cells a tabindex: that pass was 60% of a page's rendering. Here the template gives each
    chart its own title as alt text, in the page's language, and `FOCUSABLE` adds the tabindex."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # The filters HTMLExporter.from_notebook_node registers, then the template, without the soup.
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return FOCUSABLE.sub(r'<div class="\g<classes>" tabindex="0"', html), resources

    return ReportExporter


@lru_cache(maxsize=4)
def html_exporter(with_code: bool, lang: str):
    """One configured exporter per process and language (building one loads the templates)."""
    return report_exporter_class()(
        template_name="offline", extra_template_basedirs=[str(TEMPLATES_DIR)], embed_images=True,
        exclude_input=not with_code, exclude_input_prompt=not with_code, exclude_output_prompt=True,
        anchor_link_text="", language_code=lang)


def find_remote_references(document: str) -> list[str]:
    """Every tag or CSS rule in an HTML document that would load something over the network."""
    found = [match.group(0) for match in REMOTE_REFERENCE.finditer(document)]
    for style in re.findall(r"<style[^>]*>(.*?)</style>", document, flags=re.IGNORECASE | re.DOTALL):
        found += [match.group(0) for match in CSS_REMOTE_IMPORT.finditer(style)]
    return found


# A great_tables table's own style sheet, scoped to its id (the same rules for every table of a report).
TABLE_STYLE = re.compile(r'(<div id="(?P<id>[\w-]+)" style="[^"]*">\s*)<style>(?P<css>.*?)</style>', re.DOTALL)


SHARED_TABLE_SELECTOR = ".njb-table > div[id]"


def share_table_styles(document: str) -> str:
    """Keep one copy of the tables' style sheet: each table's rules are written for the box every report
    table sits in (`.njb-table > div[id]`, as specific as JupyterLab's own table rules, which an id beat)
    instead of its own id, and a copy identical to an earlier one is dropped. In JupyterLab each table keeps
    its own; in the page they are all the same, and only add weight."""
    seen: set[str] = set()

    def shared(match: re.Match[str]) -> str:
        css = match.group("css").replace(f"#{match.group('id')}", SHARED_TABLE_SELECTOR)
        if css in seen:
            return match.group(1)
        seen.add(css)
        return f"{match.group(1)}<style>{css}</style>"

    return TABLE_STYLE.sub(shared, document)


def without_stderr(notebook):
    """A copy of the notebook without the outputs a reader should not see: text printed on standard error."""
    shown = copy.deepcopy(notebook)
    for cell in shown.cells:
        if "outputs" in cell:
            cell.outputs = [output for output in cell.outputs
                            if not (output.get("output_type") == "stream" and output.get("name") == "stderr")]
    return shown


def render_html(notebook_path: Path, html_path: Path, with_code: bool = False, *, lang: str, month: str) -> Path:
    """Render an executed notebook of `month` to self-contained HTML in `lang`, with its navigation bar; refuse
    to write one that loads remote files."""
    import nbformat

    from njbulletin.report.index import page_title
    from njbulletin.report.navigation import forget_bars, navigation_bar
    from njbulletin.report.printing import page_style

    html_path = Path(html_path)
    notebook = nbformat.read(notebook_path, as_version=4)
    title = f"{page_title(html_path.stem, lang)} · {month}"
    bar = navigation_bar(html_path.parent.parent, month, html_path.stem, lang)
    body, _ = html_exporter(with_code, lang).from_notebook_node(without_stderr(notebook), resources={
        "metadata": {"name": title}, "njbulletin_navigation": bar, "njbulletin_image_alt": text("alt.image", lang),
        "njbulletin_print_style": page_style(html_path.stem, month, lang)})
    body = share_table_styles(body)
    remote = find_remote_references(body)
    if remote:
        raise RuntimeError(f"{html_path}: the HTML would load files from the network: {remote[:3]}")
    write_text_atomic(html_path, body)
    forget_bars(html_path.parent)
    return html_path
