"""Every table of every report, through one helper: `report_table(frame, table_id, ...)`.

great_tables renders the polars frame whole (never cut to ten rows) with:
- column labels in the report's language, with their unit (人次, 千元, 元, %, 条), from `strings.TEXT`;
- values in the language: channels, levels, rules and reasons through the string table, hospital and
  district names through the registry's English names (kept as printed when there is none);
- thousands separators on counts, shares as percentages with 2 decimals, yuan with 2 decimals;
- a missing value shown as "—", with a note saying why;
- a title and a source note (南京市卫生信息中心, YYYY-MM);
- a fixed id, so the output is the same on every run (nbval compares it);
- a local CJK font stack and nothing loaded from the network; a wide table scrolls inside its own box, its
  name column pinned (and, in a trend table, the month a year before the newest, pinned on the right), and prints on a landscape sheet when a portrait one is too narrow (report.printing).

The result displays in JupyterLab and in the rendered report alike (it has `_repr_html_`).
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from njbulletin.months import MONTH_PATTERN, shift_month
from njbulletin.report.labels import display_names, name_label, text
from njbulletin.report.printing import print_layout
from njbulletin.report.strings import split_unit

FONT_STACK = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
              "system-ui", "sans-serif"]
MISSING = "—"

# How each known column is shown: its format and, for text columns, how its values are translated.
INTEGER = ("count", "total", "bookings", "outpatient_visits", "discharges", "scheduled_records", "realtime_days",
           "forms_uploaded", "forms_expected", "units", "complete_units", "without_uploads", "rank", "flags",
           "rows", "line", "hotline_count", "days_in_month", "online_12320", "quick", "in_clinic", "third_party")
PERCENT = ("share", "cumulative_share", "penetration", "realtime_ratio", "forms_ratio", "share_complete",
           "share_of_kind", "mom_pct", "yoy_pct", "online_12320_share", "quick_share", "in_clinic_share",
           "third_party_share", "completeness_score", "mean_score")
DECIMAL2 = ("income_per_visit", "income_per_discharge", "outpatient_income_k", "inpatient_income_k",
            "records_per_visit", "robust_z", "value", "printed", "computed")
DECIMAL4 = ("hhi",)  # a completeness score is a share: written as a percentage, as the attention page does
NAMES = ("hospital", "unit", "canonical_name", "institution")
WRAPPED = ("units_caught", "rule_help", "reason", "unscored_reason", "figure")  # long text: wraps in its cell
PRINTED_NAMES = ("platform", "category")  # printed in Chinese; English names from strings.NAMES_EN
CODES = {"channel": "", "level": "", "kind": "", "indicator": "", "metric": "measure.", "ratio": "",
         "severity": "severity.", "side": "side.", "rule": "rule.", "status": "status.", "change": "change.",
         "table": "", "counter": "measure."}
CHANNEL_SHARE = re.compile(r"^(online_12320|quick|in_clinic|third_party)_share$")
THROUGHPUT_REASON = re.compile(r"^(?P<column>[a-z_]+) (?P<what>missing|is 0)$")


@dataclass(frozen=True)
class ReportTable:
    """A rendered table: HTML for the report and JupyterLab, a one-line text form for plain outputs."""

    table_id: str
    title: str
    rows: int
    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"{self.title} ({self.rows})"


def column_label(column: str, lang: str) -> str:
    """A column's label with its unit: 'col.<column>', a channel share, or a known measure."""
    match = CHANNEL_SHARE.match(column)
    if match:
        return f"{text(match.group(1), lang)}{text('col.share', lang)[2:] if lang == 'zh' else ' (%)'}"
    for key in (f"col.{column}", column):
        try:
            return text(key, lang)
        except KeyError:
            continue
    return column  # a month (2024-11) in a wide trend table


def translate_code(value: str | None, prefix: str, lang: str) -> str | None:
    """A code (channel, level, rule id, status...) in the language; unknown codes are shown as they are."""
    if value is None:
        return None
    if prefix == "rule." and value.startswith("schema_"):
        return text("rule.schema_column", lang, column=value.removeprefix("schema_"))
    keys = (f"{prefix}{value}", value) if prefix == "measure." else (f"{prefix}{value}",)  # a measure: with its unit
    for key in keys:
        try:
            return text(key, lang)
        except KeyError:
            continue
    return value


def translate_reason(value: str | None, lang: str) -> str | None:
    """A reason an analysis gave (English, from its code) in the language."""
    if value is None:
        return None
    match = THROUGHPUT_REASON.match(value)
    if match and match.group("column") not in ("forms", "month"):
        what = "reason.column_missing" if match.group("what") == "missing" else "reason.column_zero"
        measure = text(match.group("column"), lang)
        return text(what, lang, column=measure if lang == "zh" else measure.lower())
    try:
        return text(f"reason.{value}", lang)
    except KeyError:
        return value


def translate_item(value: str | None, lang: str) -> str | None:
    """An item of the printed totals: total_<channel>, total, total_calls, a counter, or a hospital's name."""
    if value is None:
        return None
    if value.startswith("total_") and value.removeprefix("total_") in ("online_12320", "quick", "in_clinic",
                                                                        "third_party"):
        return text("item.total_channel", lang, channel=text(value.removeprefix("total_"), lang))
    for key in (f"item.{value}", value):
        try:
            return text(key, lang)
        except KeyError:
            continue
    return display_names([value], lang)[0]


def map_column(frame: pl.DataFrame, column: str, function) -> pl.DataFrame:
    values = frame[column].to_list()
    return frame.with_columns(pl.Series(column, [function(value) for value in values], dtype=pl.String))


def localise_values(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The frame with every text value a reader sees in the language (numbers untouched)."""
    for column in frame.columns:
        dtype = frame.schema[column]
        if dtype == pl.Boolean:
            frame = frame.with_columns(pl.when(pl.col(column)).then(pl.lit(text("yes", lang)))
                                       .when(pl.col(column).is_not_null()).then(pl.lit(text("no", lang)))
                                       .otherwise(None).alias(column))
        elif dtype != pl.String:
            continue
        elif column in name_columns(frame):
            frame = frame.with_columns(pl.Series(column, display_names(frame[column].to_list(), lang),
                                                 dtype=pl.String))
        elif column in PRINTED_NAMES:
            frame = map_column(frame, column, lambda value: None if value is None else name_label(value, lang))
        elif column in CODES:
            frame = map_column(frame, column, lambda value, codes=CODES[column]: translate_code(value, codes, lang))
        elif column in ("reason", "unscored_reason"):
            frame = map_column(frame, column, lambda value: translate_reason(value, lang))
        elif column == "item":
            frame = map_column(frame, column, lambda value: translate_item(value, lang))
    return frame


def column_format(column: str) -> str | None:
    for kind, columns in (("integer", INTEGER), ("percent", PERCENT), ("decimal2", DECIMAL2),
                          ("decimal4", DECIMAL4)):
        if column in columns:
            return kind
    return None


def hundred_million_scale(lang: str) -> tuple[float, int]:
    """How a figure the bulletin prints in 亿 with 2 decimals is written, with that precision: (divisor, decimals),
    in 亿 with 2 decimals (285.01亿) or in billions with 3 (28.501 billion). Tables and prose both use it."""
    return (1e8, 2) if lang == "zh" else (1e9, 3)


def apply_format(table, kind: str, columns: list[str], rows: list[int] | None = None, *, lang: str):
    """One great_tables format over some columns (and rows, for wide tables): integer, percent, decimal2,
    decimal4, signed_percent (+1.2%), signed_points (a share's change: +0.16 个百分点 / +0.16 pp), or
    hundred_million (a figure the bulletin prints in 亿 with 2 decimals: 285.01亿 / 28.501 billion)."""
    if kind == "integer":
        return table.fmt_number(columns=columns, rows=rows, decimals=0)
    if kind == "percent":
        return table.fmt_percent(columns=columns, rows=rows, decimals=2)
    if kind == "decimal4":
        return table.fmt_number(columns=columns, rows=rows, decimals=4)
    if kind == "signed_percent":
        return table.fmt_percent(columns=columns, rows=rows, decimals=2, force_sign=True)
    if kind == "signed_points":
        return table.fmt_number(columns=columns, rows=rows, decimals=2, scale_by=100, force_sign=True,
                                pattern=text("fmt.points", lang, value="{x}"))
    if kind == "hundred_million":
        divisor, digits = hundred_million_scale(lang)
        return table.fmt_number(columns=columns, rows=rows, decimals=digits, scale_by=1 / divisor,
                                pattern=text("fmt.hundred_million", lang, value="{x}"))
    return table.fmt_number(columns=columns, rows=rows, decimals=2)


def format_columns(table, frame: pl.DataFrame, formats: Mapping[str, str], row_kinds: list[str] | None,
                   cell_kinds: Mapping[str, list[str]], lang: str) -> object:
    """Formats by column: `formats`, then what the column's name says; or, row by row, `cell_kinds` for the
    columns it names and `row_kinds` for the other numeric columns of a wide table that `formats` does not name."""
    numeric = [c for c in frame.columns if frame.schema[c].is_numeric()]
    by_row = {column: kinds for column, kinds in cell_kinds.items() if column in numeric}
    if row_kinds is not None:
        by_row |= {column: row_kinds for column in numeric if column not in formats and column not in by_row}
    for column, kinds in by_row.items():
        for kind in sorted(set(kinds)):
            table = apply_format(table, kind, [column], [i for i, row_kind in enumerate(kinds) if row_kind == kind],
                                 lang=lang)
    by_kind: dict[str, list[str]] = {}
    for column in (c for c in numeric if c not in by_row):
        kind = formats.get(column) or column_format(column) or ("integer" if frame.schema[column].is_integer()
                                                                 else "decimal2")
        by_kind.setdefault(kind, []).append(column)
    for kind, columns in by_kind.items():
        table = apply_format(table, kind, columns, lang=lang)
    return table


def label_html(label: str, lang: str) -> str:
    """A column label whose unit never breaks inside: in Chinese report.css breaks a label only between words
    (`word-break: keep-all`: '门急诊人次' | '（人次）'); in English the spaces inside the unit do not break
    ('(thousand yuan)')."""
    name, unit = split_unit(label)
    if lang == "zh" or not unit:
        return label
    return name + " " + unit.strip().replace(" ", "\u00a0")


def name_html(name: str) -> str:
    """A hospital or district name in a cell: shortened with "…" when the cell is too narrow for it on screen,
    with the whole name as its tooltip (report.css); printed whole."""
    escaped = html.escape(name)
    return f'<span class="njb-name" title="{escaped}">{escaped}</span>'


def name_columns(frame: pl.DataFrame) -> list[str]:
    return [column for column in frame.columns if frame.schema[column] == pl.String
            and (column in NAMES or column.endswith("_name") and column != "english_name")]


def pinned_column(frame: pl.DataFrame) -> str | None:
    """The column that stays in view when a wide table scrolls sideways: its first name column, else the
    measure a row of a trend table is (metric), else its first text column."""
    text_columns = [column for column in frame.columns if frame.schema[column] == pl.String]
    labels = [column for column in ("metric", "measure") if column in text_columns]
    return next(iter(name_columns(frame) + labels + text_columns), None)


def year_ago_column(frame: pl.DataFrame) -> str | None:
    """In a trend table with a column per month: the column of the same month a year before the newest, which
    its note promises beside the newest (None when the table has no such column)."""
    months = sorted(column for column in frame.columns if MONTH_PATTERN.fullmatch(column))
    year_ago = shift_month(months[-1], -12) if months else None
    return year_ago if year_ago in months else None


def pin_column(table_html: str, table_id: str, column: str | None, pin: str = "njb-pin") -> str:
    """The table with the cells of `column` marked `pin` (report.css: position sticky; njb-pin on the left,
    njb-pin-end on the right). great_tables names a column's cells `<table id>-<column>` (headers and id
    attributes)."""
    if column is None:
        return table_html
    quoted = re.escape(html.escape(f"{table_id}-{column}", quote=True))
    table_html = re.sub(rf'(<td headers="{quoted}" class="gt_row)', rf"\1 {pin}", table_html)
    return re.sub(rf'(<th class="gt_col_heading)([^"]*"[^>]*\bid="{quoted}")', rf"\1 {pin}\2", table_html)


def note_text(note: str | tuple[str, Mapping[str, object]], lang: str) -> str:
    """A note under a table: a string key, or a key with the values of its placeholders."""
    key, values = (note, {}) if isinstance(note, str) else note
    return text(key, lang, **values)


def source_note(month: str, lang: str) -> str:
    return text("table.source", lang, month=month)


def report_table(frame: pl.DataFrame, table_id: str, *, title: str, month: str, lang: str,
                 labels: Mapping[str, str] | None = None, formats: Mapping[str, str] | None = None,
                 row_kinds: list[str] | None = None, cell_kinds: Mapping[str, list[str]] | None = None,
                 missing_note: str | None = None, notes: Iterable[str | tuple[str, Mapping[str, object]]] = (),
                 empty: str | None = None) -> ReportTable:
    """The one way a report shows a table: every row, labelled, formatted, titled and sourced.

    `labels` maps a column to a string key (its label otherwise comes from 'col.<column>'); `formats` maps a
    numeric column to a format of `apply_format` where its name does not say; `row_kinds` formats a wide table
    row by row, `cell_kinds` the columns it names row by row (a kind per row). `notes` are string keys (or
    (key, values) pairs) of the notes under the table; `missing_note` (a string key) says why a value is
    missing, and is shown only when one is; `empty` (a string key) is the sentence shown for no rows. Names are
    shown whole, shortened on screen with "…" and their whole form as a tooltip; the name column is pinned.
    """
    from great_tables import GT, loc, style

    if frame.height == 0 and empty is not None:
        return empty_table(table_id, title, text(empty, lang))
    shown = localise_values(frame, lang)
    table = GT(shown, id=table_id).tab_header(title=title)
    table = table.cols_label(**{column: label_html(text(labels[column], lang) if labels and column in labels
                                                   else column_label(column, lang), lang) for column in shown.columns})
    table = format_columns(table, frame, formats or {}, row_kinds, cell_kinds or {}, lang)
    for column in name_columns(shown):
        rows = [index for index, value in enumerate(shown[column].to_list()) if value is not None]
        table = table.fmt(name_html, columns=[column], rows=rows) if rows else table
    wrapped = [column for column in shown.columns if column in WRAPPED]
    if wrapped:
        table = table.tab_style(style.text(whitespace="normal"), loc.body(columns=wrapped))
    table = table.sub_missing(missing_text=MISSING)
    has_missing = any(count for count in frame.null_count().row(0))
    for note in [*notes, *([missing_note] if missing_note and has_missing else [])]:
        table = table.tab_source_note(note_text(note, lang))
    table = (table.tab_source_note(source_note(month, lang))
             .opt_table_font(font=FONT_STACK, add=False)
             .tab_options(table_font_size="14px", heading_title_font_size="16px", container_overflow_x="auto",
                          container_width="100%", table_margin_left="0", column_labels_font_weight="bold",
                          row_striping_include_table_body=True))
    pinned = pin_column(table.as_raw_html(), table_id, pinned_column(shown))
    return wrap(table_id, title, frame.height, pin_column(pinned, table_id, year_ago_column(shown), "njb-pin-end"))


def wrap(table_id: str, title: str, rows: int, table_html: str) -> ReportTable:
    """The table inside a box that scrolls sideways on its own (its name column pinned); data-rows gives the
    frame's row count; on paper it goes on a landscape page, or scaled to it, when it is too wide for a
    portrait one (report.printing.print_layout)."""
    layout = print_layout(table_html)
    classes = " ".join(filter(None, ("njb-table", layout.css_class)))
    style = f' style="{layout.style}"' if layout.style else ""
    document = (f'<div class="{classes}" data-table="{html.escape(table_id)}" data-rows="{rows}"{style}>'
                f"{table_html}</div>")
    return ReportTable(table_id=table_id, title=title, rows=rows, html=document)


def empty_table(table_id: str, title: str, sentence: str) -> ReportTable:
    """No rows: one sentence instead of an empty grid (the section's heading says what is empty)."""
    document = (f'<div class="njb-table njb-empty" data-table="{html.escape(table_id)}" data-rows="0">'
                f"<p>{html.escape(sentence)}</p></div>")
    return ReportTable(table_id=table_id, title=title, rows=0, html=document)
