"""The attention list as a reader sees it: one line per item in the report's language, each linking to the page
and anchor where it is shown in detail; the list's exports (data/attention.csv, data/spc.csv) and the small
digest the index and the navigation bars read (attention.json).

Where an item is shown in detail: a printed total that does not reconcile in the validation page's errors, a
new quality flag in its rule's table there, a unit that stopped uploading among the units without uploads,
one that started in its level's completeness ranking, a unit that vanished or appeared in the trends page's
table of them, a signal in its own XmR chart on the attention page, and a mover in the table that lists its
unit's figures (or, for the city, its XmR chart on the trends page).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
from markupsafe import Markup

from njbulletin.analysis.attention import FOLDED, RANKED, count_attention
from njbulletin.analysis.ranking import family_threshold
from njbulletin.atomic import write_csv_atomic, write_text_atomic
from njbulletin.config import LANGUAGES
from njbulletin.indicators import CHANNEL_SHARE_PREFIX, find_indicator, is_volume
from njbulletin.months import shift_month
from njbulletin.report.calendar_note import volume_clause, volume_measure, volume_name
from njbulletin.report.labels import display_name, join_names, text
from njbulletin.report.narrative import Prose, in_sentence, key_figures, paragraph, phrase
from njbulletin.report.page_order import ATTENTION_DIGEST, ATTENTION_PAGE
from njbulletin.report.strings import TEXT
from njbulletin.report.tables import ReportTable, translate_code, translate_item

SECTIONS = (RANKED, FOLDED)
SHOWN_FIRST = 3  # items the index shows for each month
NAMED_UNITS = 5  # units a line of new flags names; the validation page lists them all
CSV_NAMES = {"attention": "attention.csv", "spc": "spc.csv"}
TRENDS_PAGE = "40-trends"
# Where a mover's unit lists its figures: (page, anchor) by level and indicator.
MOVER_TARGETS = {("hospital", "bookings"): ("10-booking-channels", "t10-concentration"),
                 ("district", "completeness_score"): ("20-upload-completeness", "t20-ranking-district"),
                 ("district", "realtime_day_share"): ("20-upload-completeness", "t20-ranking-district")}


def xmr_anchor(indicator: str) -> str:
    """The anchor of a city indicator's XmR chart on the trends page."""
    return "xmr-" + indicator.replace(".", "-").replace("_", "-")


def link_of(row: dict) -> tuple[str, str]:
    """(page, anchor) where an item is shown in detail; signals are numbered in `row['signal']`."""
    kind, level, table = row["kind"], row["level"], row["table"]
    if kind == "total_error":
        return "02-validate", "t02-errors"
    if kind == "new_flag" or (kind == "standing" and row["rule"] != "no_uploads"):
        return "02-validate", "t02-rule-" + row["rule"].replace("_", "-")
    if kind == "standing":
        return "20-upload-completeness", "t20-without-uploads"
    if kind == "stopped_uploading":
        return "20-upload-completeness", "t20-without-uploads"
    if kind == "started_uploading":
        return "20-upload-completeness", f"t20-ranking-{level}"
    if kind in ("vanished", "appeared"):
        return TRENDS_PAGE, "t40-hospitals" if table == "bookings" else "t40-units"
    if kind == "signal":
        return ATTENTION_PAGE, f"signal-{row['signal']}"
    if level == "city":
        return TRENDS_PAGE, xmr_anchor(row["indicator"])
    return MOVER_TARGETS.get((level, row["indicator"]), ("30-hospital-throughput", "t30-units"))


def with_links(attention: pl.DataFrame) -> pl.DataFrame:
    """The attention list with `page` and `anchor`: where each item is shown in detail."""
    numbered = attention.with_columns(
        pl.when(pl.col("kind") == "signal").then((pl.col("kind") == "signal").cum_sum()).alias("signal"))
    links = [link_of(row) for row in numbered.iter_rows(named=True)]
    return attention.with_columns(pl.Series("page", [page for page, _ in links], dtype=pl.String),
                                  pl.Series("anchor", [anchor for _, anchor in links], dtype=pl.String))


# ----------------------------------------------------------------------------- words


def unit_label(level: str | None, unit: str | None, lang: str) -> str:
    if level == "city":
        return text("att.city", lang)
    return display_name(unit, lang) if unit else ""


def indicator_label(level: str, indicator: str, lang: str) -> str:
    """An indicator's name in the language (lower case in English, as inside a sentence)."""
    if indicator.startswith(CHANNEL_SHARE_PREFIX):
        channel = indicator.removeprefix(CHANNEL_SHARE_PREFIX)
        name = text(channel, lang) if channel in TEXT else channel
        return in_sentence(text("ind.city.channel_share", lang, channel=name), lang)
    key = f"ind.{level}.{indicator}"
    return in_sentence(text(key, lang) if key in TEXT else indicator, lang)


def format_measure(value: float | None, level: str, indicator: str, lang: str, exact: bool = False) -> str:
    """A value of an indicator: a share as a percentage, a ratio in yuan, a count with thousands separators
    (a mean or limit under 100 with one decimal, as `exact` values never are)."""
    if value is None:
        return "—"
    kind = find_indicator(indicator, level).kind
    if kind == "share":
        return f"{value * 100:.2f}%"
    if kind == "ratio":
        return text("fmt.yuan", lang, value=f"{value:,.2f}")
    return f"{value:,.0f}" if exact or abs(value) >= 100 else f"{value:,.1f}"


def sentence_indicator(row: dict, lang: str) -> str:
    """An item's indicator inside its sentence; a volume's per working day (每个工作日预约挂号人次)."""
    level, indicator, month = row["level"], row["indicator"], row.get("month")
    if month and is_volume(indicator, level):
        return volume_name(level, indicator, month, lang)
    return indicator_label(level, indicator, lang)


def measured(row: dict, value: str, lang: str) -> str:
    """An item's indicator and its value: 次均门急诊收入为 612.00 元, or a volume's 每个工作日预约挂号 14 人次."""
    level, indicator, month = row["level"], row["indicator"], row.get("month")
    if month and is_volume(indicator, level):
        return volume_measure(level, indicator, month, value, lang)
    return text("att.measured", lang, indicator=indicator_label(level, indicator, lang), value=value)


def signal_sentence(row: dict, lang: str) -> str:
    level, indicator = row["level"], row["indicator"]
    measure = {name: format_measure(row[name], level, indicator, lang) for name in ("mean", "lower", "upper")}
    value = format_measure(row["value"], level, indicator, lang, exact=True)
    sentence = text(f"att.signal.{row['rule']}.{row['side']}", lang, unit=unit_label(level, row["unit"], lang),
                    indicator=sentence_indicator(row, lang), value=value, measured=measured(row, value, lang),
                    **measure)
    if row["limits"] == "provisional":
        sentence += text("att.provisional", lang, points=row["baseline_points"])
    sentence += volume_clause(level, indicator, row["month"], lang) if row.get("month") else ""
    return text("att.judged", lang, sentence=sentence, judgement=text(f"spc.variation.{row['judgement']}", lang))


# A space between two Chinese characters: "112,663.86 元 变为" where a value in yuan meets the next word.
SPACE_BETWEEN_HAN = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def mover_sentence(row: dict, lang: str) -> str:
    level, indicator = row["level"], row["indicator"]
    sentence = text("att.mover", lang, unit=unit_label(level, row["unit"], lang),
                    indicator=sentence_indicator(row, lang),
                    previous=format_measure(row["previous_value"], level, indicator, lang, exact=True),
                    value=format_measure(row["value"], level, indicator, lang, exact=True),
                    ratio=f"{abs(row['moved']):.1f}")
    sentence += volume_clause(level, indicator, row["month"], lang) if row.get("month") else ""
    return SPACE_BETWEEN_HAN.sub("", sentence) if lang == "zh" else sentence


def table_label(table: str | None, lang: str) -> str:
    """A table's name inside a sentence (the bookings table); a table the strings do not name, as validation
    names it."""
    if not table:
        return ""
    return text(f"att.table.{table}", lang) if f"att.table.{table}" in TEXT else translate_code(table, "table.", lang)


def new_flags_sentence(rows: list[dict], lang: str) -> str:
    """The new flags of one rule as one line: the rule, how many units, and the first of them (the rule's
    table on the validation page lists every one)."""
    if len(rows) == 1:
        return item_sentence(rows[0], lang)
    rule = in_sentence(translate_code(rows[0]["rule"], "rule.", lang) or "", lang)
    names = [unit_label(row["level"], row["unit"], lang) for row in rows[:NAMED_UNITS]]
    more = text("att.and_more", lang, more=len(rows) - NAMED_UNITS) if len(rows) > NAMED_UNITS else ""
    return text("att.new_flags", lang, rule=rule, count=len(rows), units=join_names(names, lang) + more)


def since_phrase(row: dict, lang: str, months: int) -> str:
    """Since when a standing problem has lasted; with one month in the archive, 'this month' and why."""
    if months <= 1:
        return text("att.since_unknown", lang)
    if (row["months_running"] or 1) <= 1:
        return text("att.since_new", lang)
    return text("att.since", lang, since=row["since"], months=row["months_running"])


def standing_sentence(row: dict, lang: str, months: int = 2) -> str:
    """A standing problem: what, its estimated weight in the city's figures (how it is estimated), since when."""
    weight = f"{row['weight'] * 100:.2f}%"
    units = round(1 / row["weight"]) if row["weight"] else 0
    sentence = text(f"att.standing.{row['rule']}", lang, unit=unit_label(row["level"], row["unit"], lang),
                    income=f"{row['value'] or 0:,.2f}", estimate=f"{row['estimate'] or 0:,.0f}", weight=weight,
                    units=units, activity=f"{row['value'] or 0:,.0f}", missing_income=f"{row['estimate'] or 0:,.2f}")
    return sentence + since_phrase(row, lang, months)


def facet_label(row: dict, lang: str) -> str:
    """A further row of an item, in a few words: a signal's indicator and rule, a flag's rule, a table change."""
    if row["kind"] == "signal":
        return text("att.facet.signal", lang, indicator=indicator_label(row["level"], row["indicator"], lang),
                    rule=in_sentence(text(f"spc.rule.{row['rule']}", lang), lang))
    if row["kind"] == "standing":
        return in_sentence(translate_code(row["rule"], "rule.", lang) or "", lang)
    if f"att.facet.{row['kind']}" in TEXT:
        return text(f"att.facet.{row['kind']}", lang, table=table_label(row["table"], lang))
    return item_sentence(row, lang)


def item_sentence(row: dict, lang: str, months: int = 2) -> str:
    """One item of the attention list as one line of plain text in the language."""
    kind = row["kind"]
    if kind == "standing":
        return standing_sentence(row, lang, months)
    if kind == "signal":
        return signal_sentence(row, lang)
    if kind == "mover":
        return mover_sentence(row, lang)
    table = table_label(row["table"], lang)
    rule = in_sentence(translate_code(row["rule"], "rule.", lang) or "", lang)
    if kind == "total_error":
        return text("att.total_error", lang, table=table, unit=translate_item(row["unit"], lang), rule=rule)
    if kind == "new_flag":
        return text("att.new_flag", lang, unit=unit_label(row["level"], row["unit"], lang), rule=rule)
    return text(f"att.{kind}", lang, unit=unit_label(row["level"], row["unit"], lang), table=table)


def facets_clause(facets: list[str], lang: str, shown: int | None = None) -> str:
    """；另有：A、B / "; also: A, B"; with `shown`, at most that many named and how many there are in all
    (；另有：A、B 等 5 项 / "; also: A, B and 3 more")."""
    names = ("、" if lang == "zh" else ", ").join(facets[:shown])
    if shown is None or len(facets) <= shown:
        return text("att.facets", lang, facets=names)
    return text("att.facets_some", lang, facets=names, more=len(facets) - shown)


def attention_lines(shown: pl.DataFrame, lang: str, month_folder: str = "", months: int = 2,
                    facets: int | None = None) -> list[dict]:
    """Each item: its section, its line in the language, and the link to its detail (`month_folder` put
    before the page, for a link from outside the month's folder; `months` in the archive, for since when a
    standing problem has lasted). An item of several rows is one line: the new flags of one rule name their
    units; a unit's first row is the sentence, its other rows its facets (at most `facets` of them named)."""
    prefix = f"{month_folder}/" if month_folder else ""
    lines = []
    for rows in group_items(shown):
        first = rows[0]
        if first["kind"] == "new_flag":
            sentence = new_flags_sentence(rows, lang)
        else:
            sentence = item_sentence(first, lang, months)
            labels = list(dict.fromkeys(facet_label(row, lang) for row in rows[1:]))
            sentence += facets_clause(labels, lang, facets) if labels else ""
        lines.append({"section": first["section"], "text": sentence, "item": first["item"],
                      "briefing": bool(first.get("briefing")),
                      "href": f"{prefix}{first['page']}.html#{first['anchor']}"})
    return lines


def group_items(shown: pl.DataFrame) -> list[list[dict]]:
    """The list's rows gathered by item number, in the list's order."""
    groups: dict[int, list[dict]] = {}
    for row in shown.iter_rows(named=True):
        groups.setdefault(row["item"], []).append(row)
    return list(groups.values())


def first_items(shown: pl.DataFrame, count: int) -> pl.DataFrame:
    """The rows of the first `count` ranked items."""
    needing = shown.filter(pl.col("section") == RANKED)
    return needing.filter(pl.col("item").is_in(needing["item"].unique(maintain_order=True).head(count).implode()))


# ----------------------------------------------------------------------------- the page


def month_before(month: str) -> str:
    return shift_month(month, -1)


def kind_counts(shown: pl.DataFrame) -> dict[str, int]:
    """Ranked items by the kind of their first row (an item counted once)."""
    firsts = shown.filter(pl.col("section") == RANKED).unique("item", keep="first", maintain_order=True)
    return dict(firsts.group_by("kind").len().iter_rows())


def describe_attention(shown: pl.DataFrame, months: int, month_before: str, compared: bool, lang: str) -> Prose:
    """The page's opening paragraph: how many items need attention, of which kinds, and what could not be judged."""
    count = count_attention(shown)
    kinds = kind_counts(shown)
    units = sum(kinds.get(kind, 0) for kind in ("stopped_uploading", "started_uploading", "vanished", "appeared"))
    sentences = [phrase("p.attention_count", lang, count=count, standing=kinds.get("standing", 0),
                        signals=kinds.get("signal", 0), units=units, totals=kinds.get("total_error", 0))
                 if count else phrase("p.attention_none", lang)]
    if not compared:
        sentences.append(phrase("p.no_previous_month", lang, month=month_before))
    if months <= 1 and kinds.get("standing"):
        sentences.append(phrase("p.since_unknown", lang))
    if months < 12:
        sentences.append(phrase("p.no_limits_yet", lang, months=months))
    return paragraph(*sentences)


def ranking_method(series: int, immaterial: int, lang: str) -> Prose:
    """How the list is ranked, how false alarms are kept under control, and the materiality rule."""
    threshold = f"{family_threshold(max(series, 1)):.2f}"
    return paragraph(phrase("p.ranking_method", lang),
                     phrase("p.false_alarms", lang, series=f"{series:,}", threshold=threshold),
                     phrase("p.materiality", lang, count=f"{immaterial:,}"))


def attention_list(shown: pl.DataFrame, lang: str, months: int = 2) -> Prose:
    """The list itself: the ranked items, numbered, each one line linking to its detail; then the rest folded
    (<details>)."""
    lines = attention_lines(shown, lang, months=months)
    ranked = [line for line in lines if line["section"] == RANKED]
    folded = [line for line in lines if line["section"] == FOLDED]
    body = Markup('<h3 id="attention-1">{}</h3>\n').format(text("h.attention.1", lang))
    if ranked:
        body += Markup('<ol class="njb-attention">') + Markup("").join(
            Markup('<li><a href="{}">{}</a></li>').format(line["href"], line["text"]) for line in ranked) + \
            Markup("</ol>\n")
    else:
        body += Markup('<p class="njb-notice">{}</p>\n').format(text("p.attention_section_none", lang))
    if folded:
        body += Markup('<details id="attention-2"><summary>{}</summary><ol class="njb-attention" start="{}">').format(
            text("p.attention_folded", lang, count=len(folded)), len(ranked) + 1) + Markup("").join(
            Markup('<li><a href="{}">{}</a></li>').format(line["href"], line["text"]) for line in folded) + \
            Markup("</ol></details>\n")
    return Prose(str(body))


def signal_heading(row: dict, number: int, lang: str) -> Prose:
    """A signal's heading on the attention page, the anchor its line links to, with its sentence."""
    title = f"{unit_label(row['level'], row['unit'], lang)}{'：' if lang == 'zh' else ': '}" \
            f"{indicator_label(row['level'], row['indicator'], lang)}"
    return Prose(str(Markup('<h3 id="signal-{}">{}</h3>\n<p>{}</p>').format(number, title, signal_sentence(row, lang))))


def signal_item(row: dict, number: int, chart: Prose, lang: str) -> Prose:
    """A signal as one piece of the page: its heading, its sentence and its chart, which print on one sheet
    (report.css: .njb-item never breaks)."""
    inside = Markup(signal_heading(row, number, lang).html) + Markup(chart.html)
    return Prose(str(Markup('<section class="njb-item">\n{}\n</section>').format(inside)))


def attention_key_figures(shown: pl.DataFrame, series: dict[str, int], months: int, month: str, lang: str,
                          immaterial: int = 0) -> ReportTable:
    """The page's key figures: the ranked items and their kinds, the new quality flags (新增: flags the month
    before did not have, not all of validation's), the movers, months processed, series judged and with
    limits, the signal threshold and the series under the materiality rule."""
    kinds = kind_counts(shown)
    folded = shown.filter(pl.col("section") == FOLDED).unique("item", keep="first")
    new_flags = folded.filter(pl.col("kind") == "new_flag").height
    movers = folded.filter(pl.col("kind") == "mover").height
    judged = sum(series.values())
    rows = [(text("att.fig.attention", lang), f"{count_attention(shown):,}"),
            (text("att.fig.standing", lang), f"{kinds.get('standing', 0):,}"),
            (text("att.fig.signals", lang), f"{kinds.get('signal', 0):,}"),
            (text("att.fig.new_flags", lang), f"{new_flags:,}"), (text("att.fig.movers", lang), f"{movers:,}"),
            (text("att.fig.months", lang), f"{months:,}"), (text("att.fig.series", lang), f"{judged:,}"),
            (text("att.fig.limits", lang), f"{series['proper']:,} / {series['provisional']:,}"),
            (text("att.fig.threshold", lang), f"{family_threshold(max(judged, 1)):.2f}"),
            (text("att.fig.immaterial", lang), f"{immaterial:,}")]
    return key_figures(rows, "t50-key-figures", month, lang)


def xmr_heading(level: str, indicator: str, lang: str) -> Prose:
    """The heading of a city indicator's XmR chart on the trends page, the anchor items link to."""
    name = indicator_label(level, indicator, lang)
    return Prose(str(Markup('<h3 id="{}">{}</h3>').format(xmr_anchor(indicator), name[:1].upper() + name[1:])))


def xmr_title(level: str, unit: str, indicator: str, month: str, lang: str, small: bool) -> str:
    """An XmR chart's title: the indicator (and the unit, on the attention page's small charts) and the month."""
    name = indicator_label(level, indicator, lang)
    if small:
        return text("title_xmr_unit", lang, unit=unit_label(level, unit, lang), indicator=name, month=month)
    return text("title_xmr", lang, indicator=name[:1].upper() + name[1:], month=month)


# ----------------------------------------------------------------------------- exports


def attention_digest(shown: pl.DataFrame, month: str, months: int = 2) -> dict:
    """What the index and the navigation bars show of a month: the count, the movers, and the first items
    in every language with their links (relative to the month's folder). Every language, not only the
    run's: the index lists every month in the language of the run that rebuilds it, which may be another
    than the one a month was published in."""
    first = first_items(shown, SHOWN_FIRST)
    lines = {lang: attention_lines(first, lang, months=months) for lang in LANGUAGES}
    movers = shown.filter(pl.col("kind") == "mover")["item"].n_unique()
    return {"month": month, "count": count_attention(shown), "movers": movers,
            "first": [{**{lang: lines[lang][index]["text"] for lang in LANGUAGES}, "href": line["href"]}
                      for index, line in enumerate(lines[LANGUAGES[0]])]}


def write_csv(frame: pl.DataFrame, target: Path) -> Path:
    return write_csv_atomic(frame, target)


def write_attention_exports(report_dir: Path, month: str, shown: pl.DataFrame, points: pl.DataFrame) -> list[Path]:
    """data/attention.csv (the list with its links), data/spc.csv (every point of every series judged) and
    attention.json (the digest) into the month's folder; each written to a temporary file, then renamed."""
    report_dir = Path(report_dir)
    (report_dir / "data").mkdir(parents=True, exist_ok=True)
    written = [write_csv(shown, report_dir / "data" / CSV_NAMES["attention"]),
               write_csv(points, report_dir / "data" / CSV_NAMES["spc"])]
    months = max(points["month"].n_unique(), 1)  # as the page counts them, for a standing problem's 'since'
    digest = json.dumps(attention_digest(shown, month, months), ensure_ascii=False, indent=1) + "\n"
    write_text_atomic(report_dir / ATTENTION_DIGEST, digest)
    return [*written, report_dir / ATTENTION_DIGEST]
