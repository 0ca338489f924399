"""The navigation bar at the top of every report page: the title, the month, links to index.html, to the
month's other pages, and to the previous and next processed months. Links are relative.

The bar is a Jinja2 template with autoescaping on (templates/pages/navigation.html.j2), written between two
markers so it can be replaced. A page gets its bar when it is rendered; after every run `refresh_navigation`
rewrites the bars of the months whose neighbours or pages changed (a month added later gives the one before
it a "next" link). Each month folder remembers the digest of its bars' inputs in `.navigation`, so a run
where nothing changed reads only those small files.

Pages are listed in `page_order.order_pages`'s order: the one-page briefing (briefing.html, which carries the
bar too) first, then the attention list, then the notebooks' pages by number. When the month has an
attention list (its `attention.json`, written by the attention notebook), the bar says how many items need
attention and links to the list; the bars are rewritten after the month has finished, so every page gets it.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from njbulletin.atomic import read_json, write_text_atomic
from njbulletin.months import MONTH_PATTERN
from njbulletin.report.jinja import PAGE_TEMPLATES_DIR, template_environment
from njbulletin.report.page_order import ATTENTION_DIGEST, ATTENTION_PAGE, BRIEFING_NAME, order_pages
from njbulletin.report.strings import text

STATE_NAME = ".navigation"
START, END = "<!-- njbulletin:navigation -->", "<!-- /njbulletin:navigation -->"
PAGE_NAME = re.compile(r"^\d{2}-[\w-]+$")


def month_pages(month_dir: Path) -> list[str]:
    """The report pages of a month folder (NN-name.html, and briefing.html when the month has one), in the order
    they are listed (the briefing first, then the attention list)."""
    month_dir = Path(month_dir)
    pages = [path.stem for path in month_dir.glob("[0-9][0-9]-*.html") if PAGE_NAME.match(path.stem)]
    briefing = [BRIEFING_NAME] if (month_dir / f"{BRIEFING_NAME}.html").is_file() else []
    return order_pages(pages + briefing)


def report_months(reports_dir: Path) -> list[str]:
    """The months of the reports folder that have at least one page, oldest first."""
    return sorted(folder.name for folder in Path(reports_dir).iterdir()
                  if folder.is_dir() and MONTH_PATTERN.fullmatch(folder.name) and month_pages(folder))



def page_title(page: str, lang: str) -> str:
    try:
        return text(f"page.{page}", lang)
    except KeyError:
        return page


def neighbour(month: str | None, page: str, pages_by_month: dict[str, list[str]]) -> dict | None:
    """A link to the same page of another month (its first page when it has not this one)."""
    if month is None:
        return None
    pages = pages_by_month.get(month, [])
    target = page if page in pages else (pages[0] if pages else None)
    return None if target is None else {"month": month, "href": f"../{month}/{target}.html"}


def attention_count(month_dir: Path) -> int | None:
    """How many items need attention in the month (its attention.json), None when it has no list."""
    digest = read_json(Path(month_dir) / ATTENTION_DIGEST)
    count = digest.get("count") if isinstance(digest, dict) else None
    return count if isinstance(count, int) else None


def count_sentence(count: int, lang: str) -> str:
    """需关注 N 项 / N items need attention (the bars and the index)."""
    if count == 0:
        return text("att.count_none", lang)
    return text("att.count_one", lang) if count == 1 else text("att.count", lang, count=count)


def bar_inputs(month: str, page: str, lang: str, pages_by_month: dict[str, list[str]],
               attention: int | None = None) -> dict:
    """What one page's bar shows; `pages_by_month` holds every month of the reports folder and its pages,
    `attention` how many items of the month need attention (None: the month has no attention list)."""
    months = sorted({*pages_by_month, month}) if MONTH_PATTERN.fullmatch(month) else sorted(pages_by_month)
    position = months.index(month) if month in months else None
    before = months[position - 1] if position else None
    after = months[position + 1] if position is not None and position + 1 < len(months) else None
    inputs = {"lang": lang, "month": month, "page": page, "pages": order_pages({*pages_by_month.get(month, []), page}),
              "previous": neighbour(before, page, pages_by_month), "next": neighbour(after, page, pages_by_month)}
    if attention is not None:
        inputs["attention"] = attention
    return inputs


def pages_by_month(reports_dir: Path) -> dict[str, list[str]]:
    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir():
        return {}
    return {month: month_pages(reports_dir / month) for month in report_months(reports_dir)}


def render_bar(inputs: dict) -> str:

    lang = inputs["lang"]
    pages = [{"href": f"{name}.html", "label": page_title(name, lang), "current": name == inputs["page"]}
             for name in inputs["pages"]]
    count = inputs.get("attention")
    attention = None if count is None else {"href": f"{ATTENTION_PAGE}.html", "count": count,
                                            "label": count_sentence(count, lang)}
    return template_environment().get_template("navigation.html.j2").render(
        labels={"bar": text("nav.bar", lang), "index": text("nav.index", lang)},
        title=page_title(inputs["page"], lang), month=inputs["month"], pages=pages, attention=attention,
        previous=inputs["previous"], next=inputs["next"]).strip()


def navigation_bar(reports_dir: Path, month: str, page: str, lang: str) -> str:
    """The bar of one page, as its folder holds the reports now."""
    return render_bar(bar_inputs(month, page, lang, pages_by_month(reports_dir),
                                 attention_count(Path(reports_dir) / month)))


def replace_bar(document: str, bar: str) -> str:
    """The page with its bar replaced (or put at the top of the body when it has none)."""
    start, end = document.find(START), document.find(END)
    if start >= 0 and end > start:
        return document[:start] + bar + document[end + len(END):]
    return document.replace("<main>", bar + "\n<main>", 1)


def inputs_digest(inputs: list[dict]) -> str:
    templates = (PAGE_TEMPLATES_DIR / "navigation.html.j2").read_bytes()
    payload = json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(templates + payload).hexdigest()


def forget_bars(month_dir: Path) -> None:
    """A page of the month was rendered just now: its bars must be checked at the end of the run."""
    (Path(month_dir) / STATE_NAME).unlink(missing_ok=True)


def refresh_navigation(reports_dir: Path, lang: str) -> list[Path]:
    """Rewrite the bars of every month whose bars' inputs changed since they were written, in the run's
    language `lang`; returns the pages rewritten. Each page is replaced whole (temporary file, then rename)."""
    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir():
        return []
    rewritten = []
    known = pages_by_month(reports_dir)
    for month, pages in known.items():
        folder = reports_dir / month
        count = attention_count(folder)
        inputs = [bar_inputs(month, page, lang, known, count) for page in pages]
        digest = inputs_digest(inputs)
        try:
            if (folder / STATE_NAME).read_text(encoding="utf-8") == digest:
                continue
        except OSError:
            pass
        for page_inputs in inputs:
            path = folder / f"{page_inputs['page']}.html"
            document = path.read_text(encoding="utf-8")
            updated = replace_bar(document, render_bar(page_inputs))
            if updated != document:
                write_text_atomic(path, updated)
                rewritten.append(path)
        write_text_atomic(folder / STATE_NAME, digest)
    return rewritten
