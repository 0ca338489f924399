"""The validation page (notebook 02): the month's stored validation result, put so a reader can act on it.

Everything comes from what validation stored with the month (its quality_flags and declared_totals
tables); nothing is validated again. Worst first: a verdict, then each error with its table, item, printed
and computed value and line, then the warnings grouped by rule, the rules that caught the most units first
(what the rule means, how many units it caught and which), then the details of each rule in that order, its
worst units first, folded (`<details>`, open when printed), and the printed totals, those that differ first.
The line numbers are looked up in the raw file, parsed in memory (nothing is written); when the file is gone
the line is shown as missing.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import polars as pl
from markupsafe import Markup

from njbulletin.report.labels import display_names, join_names, text
from njbulletin.report.narrative import Prose, count, paragraph, phrase
from njbulletin.report.tables import ReportTable, report_table, translate_code

# The values a reconciliation error's message carries: "printed [小计] N, computed ... M" or "... sums to M".
PRINTED = re.compile(r"\bprinted (?:小计 )?(?P<value>-?\d+(?:\.\d+)?)")
COMPUTED = re.compile(r"(?P<value>-?\d+(?:\.\d+)?)$")
# For each upload rule, the uploads column by which its worst units come first, and whether larger is worse.
RULE_WORST: dict[str, tuple[str, bool]] = {
    "no_realtime_days": ("scheduled_records", True),  # the most records uploaded, none of them in real time
    "forms_incomplete": ("forms_uploaded", False),
    "realtime_days_short": ("realtime_days", False),
    "outpatient_income_without_visits": ("outpatient_income_k", True),
    "inpatient_income_without_discharges": ("inpatient_income_k", True),
    "visits_without_outpatient_income": ("outpatient_visits", True),
    "discharges_without_inpatient_income": ("discharges", True),
}
# For each upload rule, the uploads columns that show why a unit was caught.
RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    "no_realtime_days": ("scheduled_records", "realtime_days", "outpatient_visits"),
    "forms_incomplete": ("forms_uploaded", "forms_expected"),
    "realtime_days_short": ("realtime_days",),
    "outpatient_income_without_visits": ("outpatient_visits", "outpatient_income_k"),
    "inpatient_income_without_discharges": ("discharges", "inpatient_income_k"),
    "visits_without_outpatient_income": ("outpatient_visits", "outpatient_income_k"),
    "discharges_without_inpatient_income": ("discharges", "inpatient_income_k"),
}


def raw_file(context) -> Path | None:
    """The month's raw bulletin, or None when it is no longer in the raw folder."""
    from njbulletin.errors import UsageError

    try:
        return context.raw_path()
    except UsageError:
        return None


def printed_lines(raw_path: Path | None) -> Mapping[tuple[str, str], int]:
    """Where each item was printed in the raw file ((table, item) -> line); empty when it cannot be read."""
    if raw_path is None:
        return {}
    from njbulletin.reading.parser import parse_bulletin

    try:
        return parse_bulletin(raw_path).provenance
    except Exception:  # noqa: BLE001 - the page still shows every finding, without its line
        return {}


def line_of(level: str, unit: str, lines: Mapping[tuple[str, str], int]) -> int | None:
    """The line a finding's item was printed on: a printed total, a table row, or an uploads row."""
    for key in (("declared_totals", f"{level}/{unit}"), (level, unit), ("uploads", f"{level}/{unit}")):
        if key in lines:
            return lines[key]
    return None


def number_in(pattern: re.Pattern[str], detail: str) -> float | None:
    found = pattern.search(detail)
    return float(found.group("value")) if found else None


def error_rows(quality_flags: pl.DataFrame, lines: Mapping[tuple[str, str], int]) -> pl.DataFrame:
    """Each error: rule, table, item, printed value, computed value, line (missing where the rule has none)."""
    errors = quality_flags.filter(pl.col("severity") == "error")
    rows = [(row["rule"], row["level"], row["unit"], number_in(PRINTED, row["detail"]),
             number_in(COMPUTED, row["detail"]) if number_in(PRINTED, row["detail"]) is not None else None,
             line_of(row["level"], row["unit"], lines))
            for row in errors.iter_rows(named=True)]
    return pl.DataFrame(rows, orient="row", schema={"rule": pl.String, "table": pl.String, "item": pl.String,
                                                    "printed": pl.Float64, "computed": pl.Float64,
                                                    "line": pl.Int64})


def verdict(quality_flags: pl.DataFrame, lang: str, declared: pl.DataFrame | None = None) -> Prose:
    """Every printed total reconciles (or, given the printed totals, how many reconcile and how many are
    cumulative counters, so the verdict agrees with the table below), or N errors; then how many warnings under
    how many rules."""
    errors = quality_flags.filter(pl.col("severity") == "error")
    warnings = quality_flags.filter(pl.col("severity") == "warning")
    if errors.height:
        first = phrase("p.verdict_errors", lang, errors=count(errors.height))
    elif declared is not None and (counts := status_counts(printed_totals(declared, quality_flags)))[2]:
        first = phrase("p.verdict_ok_counters", lang, **shown_counts(counts))
    else:
        first = phrase("p.verdict_ok", lang)
    second = (phrase("p.verdict_warnings", lang, warnings=count(warnings.height),
                     rules=count(warnings["rule"].n_unique())) if warnings.height else
              phrase("p.verdict_no_warnings", lang))
    return paragraph(first, second, css="njb-verdict njb-ok" if errors.height == 0 else "njb-verdict njb-failed")


def warnings_by_rule(quality_flags: pl.DataFrame, lang: str) -> pl.DataFrame:
    """One row per warning rule, the rules that caught the most units first: rule, what it means, flags, and the
    units caught (ties keep the order in which validation found them)."""
    warnings = quality_flags.filter(pl.col("severity") == "warning")
    rows = []
    for (rule,), part in warnings.group_by("rule", maintain_order=True):
        names = display_names(part["unit"].to_list(), lang)
        rows.append((rule, rule_help(rule, lang), part.height, part["unit"].n_unique(), join_names(names, lang)))
    frame = pl.DataFrame(rows, orient="row", schema={"rule": pl.String, "rule_help": pl.String,
                                                     "flags": pl.Int64, "_units": pl.Int64,
                                                     "units_caught": pl.String})
    return frame.sort(["_units", "flags"], descending=True, maintain_order=True).drop("_units")


def rule_help(rule: str, lang: str) -> str:
    key = "rule_help.schema_column" if rule.startswith("schema_") else f"rule_help.{rule}"
    try:
        return text(key, lang)
    except KeyError:
        return rule


def rule_details(quality_flags: pl.DataFrame, uploads: pl.DataFrame, rule: str) -> pl.DataFrame:
    """The units one rule caught, with the uploads values that show why (level, unit, values)."""
    caught = quality_flags.filter(pl.col("rule") == rule).select("level", "unit")
    columns = RULE_COLUMNS.get(rule, ())
    if not columns:
        return caught
    values = uploads.select("level", "unit", *{*columns, RULE_WORST[rule][0]})
    found = caught.join(values, on=["level", "unit"], how="left", maintain_order="left")
    worst, larger_is_worse = RULE_WORST[rule]
    return (found.sort(worst, descending=larger_is_worse, nulls_last=True, maintain_order=True)
            .select("level", "unit", *columns))


def printed_totals(declared: pl.DataFrame, quality_flags: pl.DataFrame) -> pl.DataFrame:
    """Every printed total with the check's result: differs (an error names it; these first), reconciles, or a
    cumulative counter (checked month against month on the Trends page); the bulletin's order otherwise."""
    flagged = (quality_flags.filter(pl.col("severity") == "error")
               .select(pl.col("level").alias("table"), pl.col("unit").alias("item"), pl.lit(True).alias("_error"))
               .unique())
    status = (pl.when(pl.col("item").str.starts_with("cumulative_")).then(pl.lit("counter"))
              .when(pl.col("_error").fill_null(False)).then(pl.lit("differs")).otherwise(pl.lit("match")))
    order = pl.col("status").replace_strict({"differs": 0, "match": 1, "counter": 2}, return_dtype=pl.Int64)
    return (declared.join(flagged, on=["table", "item"], how="left", maintain_order="left")
            .select("table", "item", pl.col("value").alias("printed"), status.alias("status"))
            .sort(order, maintain_order=True))


def printed_kinds(totals: pl.DataFrame) -> list[str]:
    """How each printed total is shown: with the bulletin's precision (285.01亿 for a figure it prints in 亿), or
    as a count."""
    from njbulletin.report.wide import PRINTED_PRECISION

    return [PRINTED_PRECISION.get(item, "integer") for item in totals["item"].to_list()]


def rule_table(quality_flags: pl.DataFrame, uploads: pl.DataFrame, rule: str, month: str, lang: str) -> ReportTable:
    """One rule's details as a table of the page."""
    frame = rule_details(quality_flags, uploads, rule)
    if rule == "realtime_days_short":
        from njbulletin.months import days_in_month

        frame = frame.with_columns(pl.lit(days_in_month(month), pl.Int64).alias("days_in_month"))
    title = translate_code(rule, "rule.", lang)
    return report_table(frame, f"t02-rule-{rule.replace('_', '-')}", title=title, month=month, lang=lang,
                        missing_note="note.missing_printed")


def rule_section(quality_flags: pl.DataFrame, uploads: pl.DataFrame, rule: str, month: str,
                 lang: str) -> ReportTable:
    """One rule's details, folded under its name and the number of units it caught (open when printed)."""
    table = rule_table(quality_flags, uploads, rule, month, lang)
    return folded(text("p.rule_summary", lang, rule=table.title, units=count(table.rows)), table)


def printed_totals_section(declared: pl.DataFrame, quality_flags: pl.DataFrame, month: str,
                           lang: str) -> ReportTable:
    """The printed totals, folded under how many there are and how many reconcile (open when printed)."""
    totals = printed_totals(declared, quality_flags)
    table = report_table(totals, "t02-printed-totals", title=text("h.printed_totals", lang), month=month, lang=lang,
                         cell_kinds={"printed": printed_kinds(totals)})
    counts = status_counts(totals)
    key = "p.printed_summary_counters" if counts[2] else "p.printed_summary"
    return folded(text(key, lang, **shown_counts(counts)), table)


def status_counts(totals: pl.DataFrame) -> tuple[int, int, int]:
    """How many printed totals there are, how many reconcile and how many are cumulative counters."""
    statuses = totals["status"].to_list()
    return len(statuses), statuses.count("match"), statuses.count("counter")


def shown_counts(counts: tuple[int, int, int]) -> dict[str, str]:
    """The three counts of status_counts as the sentences show them."""
    return dict(zip(("totals", "matched", "counters"), map(count, counts), strict=True))


def folded(summary: str, table: ReportTable) -> ReportTable:
    """A table folded under a one-line summary (`<details>`): closed on screen, open on paper (report.css)."""
    document = Markup('<details class="njb-details"><summary>{}</summary>{}</details>').format(summary,
                                                                                             Markup(table.html))
    return ReportTable(table_id=table.table_id, title=summary, rows=table.rows, html=str(document))
