"""The words of the reports: page headings, summaries and key figures, written from the analyses' results.

The analyses return frames and small records; this module puts them into sentences of the report's language,
every phrase from the one table of strings (`strings.TEXT`). Sentences are HTML built with markupsafe, so a
name carrying markup (南京<script>…</script>医院) is shown as text, never run. Key figures are tables of the
one table helper (`tables.report_table`), which nbval compares.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
from markupsafe import Markup

from njbulletin.config import MIN_RATIO_DENOMINATOR
from njbulletin.languages import language_position
from njbulletin.report.labels import display_name, join_names, text
from njbulletin.report.strings import TEXT
from njbulletin.report.tables import ReportTable, hundred_million_scale, report_table

LEVELS = ("district", "hospital")


@dataclass(frozen=True)
class Prose:
    """A piece of a page: HTML for the report and JupyterLab, plain text for everything else."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return Markup(self.html).striptags()


# ----------------------------------------------------------------------------- numbers and phrases


NUMBER_WORDS = {"zh": "零一二三四五六七八九十", "en": ("zero", "one", "two", "three", "four", "five", "six", "seven",
                                                "eight", "nine", "ten")}


def number_word(number: int, lang: str) -> str:
    """A small count as a word (五, five), as prose writes it; larger ones as digits."""
    words = NUMBER_WORDS["en" if lang == "en" else "zh"]
    return words[number] if 0 <= number < len(words) else str(number)


def count(value: float | int | None) -> str:
    """A count with thousands separators (276,195); '—' when there is none."""
    return "—" if value is None else f"{value:,.0f}"


def percent(share: float | None, digits: int = 2) -> str:
    """A share in [0, 1] as a percentage (94.13%); '—' when it could not be computed."""
    return "—" if share is None else f"{share * 100:.{digits}f}%"


def signed_percent(share: float) -> str:
    return f"{share * 100:+.1f}%"


def yuan(value: float | None, lang: str) -> str:
    """An amount in yuan with 2 decimals and its unit (1,000.96 元)."""
    return "—" if value is None else text("fmt.yuan", lang, value=f"{value:,.2f}")


def hundred_million(value: float | None, lang: str) -> str:
    """A figure the bulletin prints in 亿 with 2 decimals, with that precision: 285.01亿 / 28.501 billion."""
    if value is None:
        return "—"
    divisor, digits = hundred_million_scale(lang)
    number = f"{value / divisor:,.{digits}f}"
    return text("fmt.hundred_million", lang, value=number)


def measure_figure(measure: str, value: float | None, lang: str) -> str:
    """A measure's value as its tables show it (report.wide.measure_kind): a share as a percentage, a figure
    the bulletin prints rounded with its precision, a count with thousands separators."""
    from njbulletin.report.wide import measure_kind

    kind = measure_kind(measure)
    if kind == "percent":
        return percent(value)
    if kind == "hundred_million":
        return hundred_million(value, lang)
    return count(value)


def decimals(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def phrase(key: str, lang: str, **values: object) -> Markup:
    """One sentence of the string table as HTML, its values escaped."""
    template = TEXT[key][language_position(lang)]  # trusted: the table's own text
    return Markup(template).format(**values)


def in_sentence(label: str, lang: str) -> str:
    """A label inside an English sentence starts in lower case ('Third party' -> 'third party')."""
    if lang != "en" or not label or label[:2].isupper():
        return label
    return label[0].lower() + label[1:]


def paragraph(*sentences: Markup, css: str | None = None) -> Prose:
    """Sentences as one paragraph: Chinese sentences follow one another directly, others after a space."""
    body = Markup("")
    for sentence in (sentence for sentence in sentences if sentence):
        body += sentence if not body or str(body).endswith(("。", "：", "）")) else Markup(" ") + sentence
    opening = Markup('<p class="{}">').format(css) if css else Markup("<p>")
    return Prose(str(opening + body + Markup("</p>")))


def page_header(notebook: str, month: str, lang: str) -> Prose:
    """The page's title with its month, and one paragraph saying what the page shows."""
    title = text("page.heading", lang, title=text(f"page.{notebook}", lang), month=month)
    return Prose(str(Markup("<h1>{}</h1>\n<p class=\"njb-lead\">{}</p>").format(title, text(f"intro.{notebook}",
                                                                                           lang))))


def section(key: str, lang: str, intro: str | None = None, depth: int = 2, **values: object) -> Prose:
    """A section heading (h2, or h3 with depth=3), optionally followed by one paragraph of the table."""
    heading = Markup("<h{0}>{1}</h{0}>").format(depth, text(key, lang, **values))
    if intro:
        heading += Markup("\n<p>{}</p>").format(text(intro, lang))
    return Prose(str(heading))


def notice(key: str, lang: str, **values: object) -> Prose:
    return paragraph(phrase(key, lang, **values), css="njb-notice")


def reconciliation(quality_flags: pl.DataFrame, lang: str) -> Prose:
    """Whether the printed totals reconcile, from the validation's own result (its errors)."""
    errors = quality_flags.filter(pl.col("severity") == "error").height
    return paragraph(phrase("p.totals_reconcile", lang) if errors == 0 else
                     phrase("p.totals_errors", lang, errors=count(errors)))


def key_figures(rows: list[tuple[str, str]], table_id: str, month: str, lang: str, notes=()) -> ReportTable:
    """Measures and their formatted figures as a two-column table (`notes`: as report_table takes them)."""
    frame = pl.DataFrame(rows, schema={"measure": pl.String, "figure": pl.String}, orient="row")
    return report_table(frame, table_id, title=text("h.key_figures", lang), month=month, lang=lang, notes=notes)


# ----------------------------------------------------------------------------- 01 ingest


def describe_ingest(file_name: str, month: str, days: int, errors: int, warnings: int, lang: str) -> Prose:
    return paragraph(phrase("p.ingest_read", lang, file=file_name, month=month, days=days, errors=count(errors),
                            warnings=count(warnings)), phrase("p.ingest_written", lang))


def tables_written(tables: Mapping[str, pl.DataFrame], month: str, lang: str) -> ReportTable:
    """Row count of every table written, in a fixed order."""
    frame = pl.DataFrame([(name, frame.height) for name, frame in sorted(tables.items())],
                         schema={"table": pl.String, "rows": pl.Int64}, orient="row")
    return report_table(frame, "t01-tables", title=text("h.tables_written", lang), month=month, lang=lang)


def summary_key_figures(summary: Mapping[str, object], lang: str) -> ReportTable:
    """The month's key figures (summary.json), formatted."""
    complete = f"{count(summary['upload_units_complete'])} / {count(summary['upload_units'])}"
    rows = [(text("measure.days_in_month", lang), count(summary["days_in_month"])),
            (text("measure.bookings_total", lang), count(summary["bookings_total"])),
            (text("measure.third_party_share", lang), percent(summary["third_party_share"])),
            (text("measure.platforms_total", lang), count(summary["platforms_total"])),
            (text("measure.hotline_calls", lang), count(summary["hotline_calls"])),
            (text("measure.upload_units_complete", lang), complete),
            (text("measure.hospital_outpatient_visits", lang), count(summary["hospital_outpatient_visits"])),
            (text("measure.quality_flags", lang), count(summary["quality_flags"])),
            (text("measure.quality_errors", lang), count(summary["quality_errors"]))]
    return key_figures(rows, "t01-key-figures", str(summary["month"]), lang)


# ----------------------------------------------------------------------------- 10 booking channels


def describe_booking_month(month: str, channels: pl.DataFrame, concentration: dict, platforms: pl.DataFrame,
                           hotline: pl.DataFrame, quality_flags: pl.DataFrame, lang: str) -> Prose:
    """A short summary of the month's bookings, written from the figures."""
    total = int(channels["count"].sum())
    leading = channels.sort("count", descending=True).row(0, named=True) if total else None
    kinds = {kind: int(hotline.filter(pl.col("kind") == kind)["count"].sum()) for kind in ("call", "work_order")}
    errors = quality_flags.filter(pl.col("severity") == "error").height
    sentences = [phrase("p.bookings_total", lang, month=month, total=count(total),
                        hospitals=count(concentration["hospitals"]))]
    if leading:
        channel = in_sentence(text(leading["channel"], lang), lang)
        sentences.append(phrase("p.bookings_leading", lang, channel=channel, count=count(leading["count"]),
                                share=percent(leading["share"])))
    if concentration["top1_hospital"]:
        sentences.append(phrase("p.bookings_concentration", lang,
                                hospital=display_name(concentration["top1_hospital"], lang),
                                top1=percent(concentration["top1_share"]), n=number_word(concentration["top_n"], lang),
                                top_n=percent(concentration["top_n_share"]),
                                hhi=decimals(concentration["hhi"])))
    sentences.append(phrase("p.bookings_platforms_hotline", lang, platforms=count(platforms.height),
                            platform_total=count(platforms["count"].sum()), calls=count(kinds["call"]),
                            orders=count(kinds["work_order"])))
    sentences.append(phrase("p.totals_reconcile", lang) if errors == 0 else
                     phrase("p.totals_errors", lang, errors=count(errors)))
    return paragraph(*sentences)


def booking_key_figures(channels: pl.DataFrame, concentration: dict, penetration: pl.DataFrame,
                        excluded: pl.DataFrame, platforms: pl.DataFrame, hotline: pl.DataFrame, month: str,
                        lang: str) -> ReportTable:
    """The notebook's key figures (checked by nbval)."""
    total = int(channels["count"].sum())
    rows = [(text("kf.bookings", lang), count(total)), (text("kf.hospitals", lang), count(concentration["hospitals"]))]
    rows += [(text("kf.channel", lang, channel=text(channel, lang)), f"{count(number)} ({percent(share)})")
             for channel, number, share in channels.select("channel", "count", "share").iter_rows()]
    if concentration["top1_hospital"]:
        rows += [(text("kf.top1_hospital", lang), display_name(concentration["top1_hospital"], lang)),
                 (text("kf.top1_share", lang), percent(concentration["top1_share"]))]
    rows += [(text("kf.top_n_share", lang, n=number_word(concentration["top_n"], lang)),
              percent(concentration["top_n_share"])),
             (text("kf.hhi", lang), decimals(concentration["hhi"])),
             (text("kf.platform_bookings", lang), f"{count(platforms['count'].sum())} ({platforms.height})")]
    for kind in ("call", "work_order"):
        part = hotline.filter(pl.col("kind") == kind)
        rows.append((text(f"kf.hotline_{kind}", lang), f"{count(part['count'].sum())} ({part.height})"))
    rows.append((text("kf.penetration_matched", lang), count(penetration.height)))
    rows.append((text("kf.penetration_left_out", lang),
                 text("kf.left_out_counts", lang, bookings=excluded.filter(pl.col("table") == "bookings").height,
                      uploads=excluded.filter(pl.col("table") == "uploads").height)))
    if penetration.height:
        top = penetration.row(0, named=True)
        rows.append((text("kf.penetration_highest", lang),
                     f"{display_name(top['canonical_name'], lang)}: {count(top['bookings'])} / "
                     f"{count(top['outpatient_visits'])} = {percent(top['penetration'])}"))
    return key_figures(rows, "t10-key-figures", month, lang)


# ----------------------------------------------------------------------------- 20 upload completeness


def describe_completeness(month: str, days: int, summary: pl.DataFrame, complete: int, units: int,
                          without_uploads: list[str], lang: str) -> Prose:
    """A short summary of the month's upload completeness (summary: completeness.summarise_completeness;
    complete of units complete; the names of the units without uploads)."""
    sentences = [phrase("p.completeness_overall", lang, month=month, days=days, complete=count(complete),
                        units=count(units))]
    for level, level_units, done, share, _, mean in summary.iter_rows():
        if level_units:
            sentences.append(phrase("p.completeness_level", lang, level=text(f"levels.{level}", lang),
                                    complete=count(done), units=count(level_units), share=percent(share, 1),
                                    mean=decimals(mean, 2)))
    if without_uploads:
        names = [display_name(name, lang) for name in without_uploads]
        sentences.append(phrase("p.no_uploads", lang, units=join_names(names, lang)))
    return paragraph(*sentences)


def completeness_key_figures(summary: pl.DataFrame, complete_units: pl.DataFrame, units: int, days: int,
                             month: str, lang: str) -> ReportTable:
    """The notebook's key figures (checked by nbval)."""
    rows = [(text("kf.units", lang), count(units)), (text("measure.days_in_month", lang), count(days)),
            (text("kf.complete_units", lang), text("kf.of", lang, part=count(complete_units.height),
                                                   whole=count(units)))]
    for level, level_units, done, _, without, mean in summary.iter_rows():
        rows.append((text(f"kf.level_complete.{level}", lang),
                     text("kf.level_detail", lang, complete=count(done), units=count(level_units),
                          without=count(without), mean=decimals(mean))))
    names = [display_name(name, lang) for name in complete_units["unit"].to_list()]
    rows.append((text("kf.complete_list", lang), join_names(names, lang)))
    return key_figures(rows, "t20-key-figures", month, lang)


# ----------------------------------------------------------------------------- 30 hospital throughput

INCOME_RATIOS = ("income_per_visit", "income_per_discharge")


def level_extremes(throughput: pl.DataFrame, outliers: pl.DataFrame, level: str) -> dict[str, dict]:
    """Each income ratio's median, highest and lowest among one level's units with enough denominator, the
    outliers set aside (throughput.describe_extremes), by ratio; a ratio with no unit to compare is left out."""
    from njbulletin.analysis.throughput import describe_extremes

    found = {ratio: describe_extremes(throughput, outliers, ratio, level) for ratio in INCOME_RATIOS}
    return {ratio: extremes for ratio, extremes in found.items() if extremes is not None}


def denominator_basis(ratio: str, lang: str, key: str = "basis") -> str:
    """'门急诊人次不少于 1,000 人次' / 'at least 1,000 outpatient visits': the units a ratio's extremes compare
    (key 'fewer' for those left out)."""
    from njbulletin.analysis.throughput import denominator_of

    denominator = denominator_of(ratio)
    return text(f"{key}.{denominator}", lang, n=count(MIN_RATIO_DENOMINATOR[denominator]))


def set_aside_phrase(extremes: dict, lang: str) -> str:
    """The outliers a headline leaves out, each with its value: '江苏省肿瘤医院 1,407.74 元'."""
    return join_names([text("p.set_aside_item", lang, unit=display_name(row["unit"], lang),
                            value=yuan(row["value"], lang),
                            side=in_sentence(text(f"side.{row['side']}", lang), lang))
                       for row in extremes["set_aside"]], lang)


def minimum_note(throughput: pl.DataFrame, ratio: str, level: str) -> tuple[str, dict]:
    """The note under a ranking of a ratio: the minimum denominator of the units it ranks, and how many units
    it leaves out (a note of report_table)."""
    from njbulletin.analysis.throughput import count_left_out, denominator_of

    denominator = denominator_of(ratio)
    return f"note.ranking_minimum.{denominator}", {"n": count(MIN_RATIO_DENOMINATOR[denominator]),
                                                   "left_out": count(count_left_out(throughput, ratio, level))}


def describe_ratio(ratio: str, extremes: dict, lang: str) -> list[Markup]:
    """The sentences of one income ratio among hospitals: the units compared, median, highest and lowest; the
    outliers left out; the units with too small a denominator."""
    measure = text(ratio, lang)
    sentences = [phrase("p.throughput_ratio", lang, basis=denominator_basis(ratio, lang), units=count(extremes["units"]),
                        measure=measure if lang == "zh" else measure.lower(), median=yuan(extremes["median"], lang),
                        unit=display_name(extremes["highest"]["unit"], lang), top=yuan(extremes["highest"]["value"], lang),
                        low_unit=display_name(extremes["lowest"]["unit"], lang),
                        low=yuan(extremes["lowest"]["value"], lang))]
    if extremes["set_aside"]:
        sentences.append(phrase("p.throughput_set_aside", lang, units=set_aside_phrase(extremes, lang)))
    if extremes["too_small"]:
        sentences.append(phrase("p.throughput_too_small", lang, count=count(extremes["too_small"]),
                                basis=denominator_basis(ratio, lang, "fewer")))
    return sentences


def describe_throughput(month: str, throughput: pl.DataFrame, outliers: pl.DataFrame, exclusions: pl.DataFrame,
                        lang: str) -> Prose:
    """A short summary of the month's throughput: the hospitals' totals; for each income ratio the median,
    highest and lowest among hospitals with enough visits or discharges (config.MIN_RATIO_DENOMINATOR), with the
    outliers left out and named; the number of outliers and of ratios left out."""
    hospitals = throughput.filter(pl.col("level") == "hospital")
    sentences = [phrase("p.throughput_hospitals", lang, month=month, hospitals=count(hospitals.height),
                        visits=count(hospitals["outpatient_visits"].sum()),
                        discharges=count(hospitals["discharges"].sum()))]
    for ratio, extremes in level_extremes(throughput, outliers, "hospital").items():
        sentences += describe_ratio(ratio, extremes, lang)
    sentences.append(phrase("p.throughput_outliers", lang, outliers=count(outliers.height),
                            exclusions=count(exclusions.height)))
    return paragraph(*sentences)


def throughput_key_figures(throughput: pl.DataFrame, outliers: pl.DataFrame, exclusions: pl.DataFrame, month: str,
                           lang: str) -> ReportTable:
    """The notebook's key figures (checked by nbval): per level, units, visits and discharges, and the units
    with the highest and lowest of each income ratio (enough denominator, outliers left out and listed)."""
    rows = []
    for level in LEVELS:
        part = throughput.filter(pl.col("level") == level)
        if part.height == 0:
            continue
        rows.append((text(f"kf.level_throughput.{level}", lang),
                     text("kf.throughput_detail", lang, units=count(part.height),
                          visits=count(part["outpatient_visits"].sum()), discharges=count(part["discharges"].sum()))))
        for ratio, extremes in level_extremes(throughput, outliers, level).items():
            names = {"level": in_sentence(text(level, lang), lang), "measure": in_sentence(text(ratio, lang), lang),
                     "basis": denominator_basis(ratio, lang, "basis_short")}
            rows += [(text(f"kf.{end}", lang, **names), f"{display_name(extremes[end]['unit'], lang)}: "
                      f"{yuan(extremes[end]['value'], lang)}") for end in ("highest", "lowest")]
            if extremes["set_aside"]:
                rows.append((text("kf.set_aside", lang, **names), set_aside_phrase(extremes, lang)))
    rows += [(text("kf.ratios_left_out", lang), count(exclusions.height)),
             (text("kf.outliers", lang), count(outliers.height))]
    note = ("note.extremes", {"visits": count(MIN_RATIO_DENOMINATOR["outpatient_visits"]),
                              "discharges": count(MIN_RATIO_DENOMINATOR["discharges"])})
    return key_figures(rows, "t30-key-figures", month, lang, notes=[note])


# ----------------------------------------------------------------------------- 40 trends


def describe_trends(summary: pl.DataFrame, changes: pl.DataFrame, presence: pl.DataFrame, lang: str) -> Prose:
    """A short summary of the months, written from the figures (plain about a single month)."""
    months = summary["month"].to_list()
    if not months:
        return paragraph(phrase("p.trends_none", lang))
    latest = months[-1]
    if len(months) == 1:
        return paragraph(phrase("p.trends_one_month", lang, month=latest))
    sentences = [phrase("p.trends_span", lang, count=len(months), first=months[0], last=latest)]
    latest_changes = changes.filter(pl.col("month") == latest)
    for metric in ("bookings_total", "hotline_calls", "hospital_outpatient_visits"):
        found = latest_changes.filter(pl.col("metric") == metric)
        if found.height == 0:
            continue
        row = found.row(0, named=True)
        compared = [text("p.compared_with", lang, change=signed_percent(row[pct]), month=row[other])
                    for pct, other in (("mom_pct", "previous_month"), ("yoy_pct", "year_ago_month"))
                    if row[pct] is not None]
        if compared:
            sentences.append(phrase("p.trends_metric", lang, measure=text(metric, lang), value=count(row["value"]),
                                    month=latest, comparisons=text("p.and", lang).join(compared)))
    if latest_changes["mom_change"].null_count() == latest_changes.height:
        sentences.append(phrase("p.trends_no_previous", lang, month=latest))
    sentences.append(phrase("p.trends_presence", lang,
                            appeared=count(presence.filter(pl.col("change") == "appeared").height),
                            gone=count(presence.filter(pl.col("change") == "disappeared").height)))
    return paragraph(*sentences)


def trend_key_figures(summary: pl.DataFrame, changes: pl.DataFrame, presence: pl.DataFrame,
                      metrics: tuple[str, ...], month: str, lang: str) -> ReportTable:
    """The notebook's key figures (checked by nbval): the months, the latest month's figures, and how
    many changes and presence events there are."""
    months = summary["month"].to_list()
    latest = summary.row(-1, named=True) if summary.height else {}
    rows = [(text("kf.months", lang), text("kf.months_span", lang, count=len(months),
                                           first=months[0] if months else "—", last=months[-1] if months else "—"))]
    rows += [(text(f"measure.{metric}", lang), measure_figure(metric, latest.get(metric), lang)) for metric in metrics]
    this_month = changes.filter(pl.col("month") == latest.get("month"))
    rows += [(text("kf.mom_available", lang), count(this_month["mom_change"].is_not_null().sum())),
             (text("kf.yoy_available", lang), count(this_month["yoy_change"].is_not_null().sum())),
             (text("kf.presence", lang),
              text("kf.presence_counts", lang, appeared=presence.filter(pl.col("change") == "appeared").height,
                   gone=presence.filter(pl.col("change") == "disappeared").height))]
    return key_figures(rows, "t40-key-figures", month, lang)
