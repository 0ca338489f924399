"""The month's one-page briefing, reports/YYYY-MM/briefing.html, rendered from 50-attention's results.

It holds the key figures (analysis.briefing.briefing_figures: 环比, 同比 and, for additive volumes, 1-N 月累计)
with their units, then the attention list's rows marked `briefing` (at most config.BRIEFING_ITEMS), one
line each linking to its detail on the attention page, and one line saying how many more items that page
lists. It carries the month's navigation bar (report.navigation, rewritten with the other pages' bars after
each run), shown on screen and hidden in print; its print CSS keeps it on one A4 sheet. The page is
self-contained and deterministic, so a rerun writes the same bytes.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

import polars as pl

from njbulletin.analysis.attention import count_attention
from njbulletin.analysis.briefing import briefing_figures
from njbulletin.atomic import write_text_atomic
from njbulletin.months import year_and_number
from njbulletin.report.attention import attention_lines
from njbulletin.report.narrative import measure_figure, signed_percent
from njbulletin.report.navigation import forget_bars, navigation_bar
from njbulletin.report.page_order import BRIEFING_NAME
from njbulletin.report.strings import text

BRIEFING_PAGE = f"{BRIEFING_NAME}.html"
BRIEFING_FACETS = 2  # facets a line names (and how many in all); the attention page lists every one
BRIEFING_LINES = 3  # printed lines an item may take at most: a longer one ends in "…" (its link shows it whole)
CSS = """
@page { size: A4; margin: 12mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; font-size: 10.5pt; line-height: 1.35;
       margin: 0 auto; max-width: 182mm; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4mm; } h2 { font-size: 12pt; margin: 5mm 0 2mm; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #ccc; padding: 1.2mm 1.5mm; text-align: right; }
th:first-child, td:first-child { text-align: left; }
ol { margin: 0; padding-left: 6mm; } li { margin: 0 0 1.2mm; font-size: 9.5pt; }
p.note, p.more { font-size: 9pt; color: #444; margin: 2mm 0; }
a { color: #0645ad; text-decoration: none; }
nav.njb-bar { display: flex; flex-wrap: wrap; gap: 0.2em 1em; align-items: baseline; padding: 1.5mm 2mm;
              margin: 0 0 4mm; background: #f6f7f9; border-bottom: 1px solid #d8dbe0; font-size: 9.5pt; }
nav.njb-bar .njb-title { font-weight: bold; } nav.njb-bar .njb-months { margin-left: auto; }
nav.njb-bar .njb-pages a[aria-current="page"] { color: #222; font-weight: bold; }
nav.njb-bar .njb-pages a + a::before { content: "·"; color: #999; margin: 0 0.4em; }
nav.njb-bar a.njb-attention-some { color: #fff; background: #b04a00; padding: 0 0.4em; border-radius: 3px; }
@media print { body { max-width: none; } li, tr { break-inside: avoid; } nav.njb-bar { display: none; } }
""" + (f"li a {{ display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: {BRIEFING_LINES}; "
         f"line-clamp: {BRIEFING_LINES}; overflow: hidden; }}\n")


def change_cell(share: float | None, lang: str) -> str:
    return text("brief.na", lang) if share is None else signed_percent(share)


def figure_rows(figures: pl.DataFrame, lang: str) -> list[list[str]]:
    """One row per key figure: its label with its unit, this month, 环比, 同比, year to date (同比)."""
    rows = []
    for row in figures.iter_rows(named=True):
        measure = row["metric"]
        ytd = "" if row["ytd"] is None else measure_figure(measure, row["ytd"], lang)
        if row["ytd"] is not None:
            ytd += f" ({change_cell(row['ytd_yoy_pct'], lang)})"
        rows.append([text(f"brief.measure.{measure}", lang), measure_figure(measure, row["value"], lang),
                     change_cell(row["mom_pct"], lang), change_cell(row["yoy_pct"], lang), ytd or text("brief.na", lang)])
    return rows


def briefing_html(summary: pl.DataFrame, items: pl.DataFrame, month: str, lang: str, months: int = 2,
                  bar: str = "") -> str:
    """The briefing page of `month` from the key-figure summary (trends.summarise_key_figures) and the
    attention list with its links (report.attention.with_links), below the navigation `bar` (its markup)."""
    figures = briefing_figures(summary, month)
    head = [text(f"brief.col.{key}", lang, n=year_and_number(month)[1]) for key in ("metric", "value", "mom", "yoy", "ytd")]
    table = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>" + "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in figure_rows(figures, lang))
    chosen = items.filter(pl.col("briefing").fill_null(False)) if "briefing" in items.columns else items.clear()
    lines = attention_lines(chosen, lang, months=months, facets=BRIEFING_FACETS)
    listed = "".join(f'<li><a href="{escape(line["href"])}" title="{escape(line["text"])}">{escape(line["text"])}</a>'
                     "</li>" for line in lines)
    more = count_attention(items) - len(lines)
    more_line = text("brief.more", lang, count=more) if more > 0 else text("brief.no_more", lang)
    body = (f"<h1>{escape(text('brief.title', lang, month=month))}</h1>"
            f"<h2>{escape(text('brief.h.figures', lang))}</h2><table>{table}</table>"
            f"<p class=\"note\">{escape(text('brief.note', lang))}</p>"
            f"<h2>{escape(text('brief.h.items', lang, count=len(lines)))}</h2>"
            + (f"<ol>{listed}</ol>" if lines else f"<p>{escape(text('brief.none', lang))}</p>")
            + f"<p class=\"more\">{escape(more_line)}</p>")
    return (f"<!DOCTYPE html>\n<html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(text('brief.title', lang, month=month))}</title><style>{CSS}</style></head>"
            f"<body>{bar}\n{body}</body></html>\n")


def write_briefing(report_dir: Path, summary: pl.DataFrame, items: pl.DataFrame, month: str, lang: str,
                   months: int = 2) -> Path:
    """Write briefing.html into the month's folder (to a temporary file, then renamed), with the bar of the
    folder as it is now; the month's bars are checked again at the end of the run."""
    report_dir = Path(report_dir)
    target = report_dir / BRIEFING_PAGE
    bar = navigation_bar(report_dir.parent, month, BRIEFING_NAME, lang)
    write_text_atomic(target, briefing_html(summary, items, month, lang, months, bar))
    forget_bars(report_dir)
    return target
