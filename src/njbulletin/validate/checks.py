"""Validation of a parsed bulletin: schemas, reconciliation of printed totals, quality flags.

Three kinds of finding, each a row of the `quality_flags` table
(month, level, unit, rule, detail, severity):

- schema failures (pandera, collected lazily): errors;
- printed totals that do not reconcile with the rows they total: errors;
- data-quality flags (incomplete uploads, income without visits, hospitals that appear in one
  table but not the other, names the registry does not know): warnings.

Every rule is a small function from frames to a frame of findings (level, unit, rule, detail and the
(table, item) whose printed line the message names). docs/validation.md lists the rules.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from njbulletin.contract import CHANNEL_NAMES, order_channels
from njbulletin.months import days_in_month
from njbulletin.reading.parser import Bulletin
from njbulletin.validate.names import load_registry, normalise_name, resolve_institutions
from njbulletin.validate.reconcile import TOLERANCE, compare_printed_totals, differing_totals
from njbulletin.validate.schemas import QUALITY_FLAGS_SCHEMA, SCHEMAS, describe_failure, schema_failures
from njbulletin.validate.split_names import flag_names_split_across_rows

FINDING_SCHEMA = {"level": pl.String, "unit": pl.String, "rule": pl.String, "detail": pl.String,
                  "line_table": pl.String, "line_item": pl.String}
# The reconciliation rules, in the order their errors are listed.
RECONCILIATION_RULES = ("booking_row_subtotal", "booking_channel_total", "booking_grand_total", "platform_total",
                        "hotline_total")
COUNT_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
QUICK_PLATFORM = normalise_name("12320快速预约")

# Rules about one upload row, in the order they are reported. A unit with no uploads of any kind
# gets only `no_uploads`; a unit with 0 real-time days gets `no_realtime_days` instead of
# `realtime_days_short`.
# An income and its activity (uploads columns) go together: an income beside zero activity, and activity beside
# zero income, are flagged (analysis.standing weighs each in the city's figures).
INCOME_WITHOUT_ACTIVITY = {"outpatient_income_without_visits": ("outpatient_income_k", "outpatient_visits"),
                           "inpatient_income_without_discharges": ("inpatient_income_k", "discharges")}
ACTIVITY_WITHOUT_INCOME = {"visits_without_outpatient_income": ("outpatient_income_k", "outpatient_visits"),
                           "discharges_without_inpatient_income": ("inpatient_income_k", "discharges")}
UPLOAD_RULES = ("no_uploads", "no_realtime_days", "forms_incomplete", "realtime_days_short",
                *INCOME_WITHOUT_ACTIVITY, *ACTIVITY_WITHOUT_INCOME)
UPLOAD_WORDS = {"outpatient_visits": "outpatient visits", "outpatient_income_k": "outpatient income",
                "discharges": "discharges", "inpatient_income_k": "inpatient income"}
UPLOAD_VALUE_COLUMNS = ("scheduled_records", "realtime_days", "forms_uploaded", "outpatient_visits",
                        "outpatient_income_k", "discharges", "inpatient_income_k")


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Issue:
    """One finding, located in the bulletin when its line is known."""

    severity: str  # 'error' | 'warning'
    rule: str
    level: str
    unit: str
    detail: str
    source: str
    line: int | None = None

    def format(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{self.severity}: {where}: {self.detail} [{self.rule}]"


@dataclass(frozen=True)
class ValidationReport:
    """Every finding for one month; `quality_flags` holds them all as a table (errors included)."""

    month: str
    source: str
    issues: tuple[Issue, ...]
    quality_flags: pl.DataFrame

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "warning"]


def validate_bulletin(bulletin: Bulletin, registry: pl.DataFrame | None = None) -> ValidationReport:
    """Check one parsed bulletin: schemas, then reconciliation and quality flags."""
    tables = bulletin.tables
    schema_findings = [schema_findings_of(table, tables[table]) for table in SCHEMAS if table in tables]
    missing = [table for table in SCHEMAS if table != "quality_flags" and table not in tables]
    findings = [with_severity(pl.concat(schema_findings), "error"),
                with_severity(missing_table_findings(missing), "error")]
    if not missing and not structural_failures(schema_findings):
        registry = load_registry() if registry is None else registry
        findings += [
            with_severity(reconcile_totals(tables), "error"),
            with_severity(flag_text_ending_in_a_table(bulletin.ends_with_row), "error"),
            with_severity(findings_frame(flag_names_split_across_rows(bulletin, registry)), "error"),
            with_severity(flag_missing_totals(tables["declared_totals"], tables["bookings"]), "warning"),
            with_severity(flag_uploads(tables["uploads"]), "warning"),
            with_severity(flag_unmatched_hospitals(tables["bookings"], tables["uploads"], registry), "warning"),
            with_severity(flag_unknown_names(tables["bookings"], tables["uploads"], registry), "warning"),
        ]
    all_findings = pl.concat(findings)
    issues = tuple(issues_of(all_findings, bulletin))
    return ValidationReport(month=bulletin.month, source=bulletin.source, issues=issues,
                            quality_flags=quality_flags_of(all_findings, bulletin.month))


def with_severity(findings: pl.DataFrame, severity: str) -> pl.DataFrame:
    return findings.with_columns(pl.lit(severity).alias("severity"))


def issues_of(findings: pl.DataFrame, bulletin: Bulletin) -> list[Issue]:
    """Findings as Issues, errors first, each with the line its item was printed on."""
    ordered = findings.with_columns((pl.col("severity") != "error").alias("_warning")) \
        .sort("_warning", maintain_order=True)
    return [Issue(severity=row["severity"], rule=row["rule"], level=row["level"], unit=row["unit"],
                  detail=row["detail"], source=bulletin.source,
                  line=bulletin.line_of(row["line_table"], row["line_item"]) if row["line_table"] else None)
            for row in ordered.iter_rows(named=True)]


def quality_flags_of(findings: pl.DataFrame, month: str) -> pl.DataFrame:
    """The quality_flags table: one row per (level, unit, rule, severity); details of repeats joined."""
    return (findings
            .group_by("level", "unit", "rule", "severity", maintain_order=True)
            .agg(pl.col("detail").str.join("; "))
            .select(pl.lit(month).alias("month"), "level", "unit", "rule", "detail", "severity")
            .cast(QUALITY_FLAGS_SCHEMA))


def findings_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=FINDING_SCHEMA)


def format_as_printed(value: float | int | None) -> str:
    """A value as printed: whole numbers without a decimal point."""
    if value is None:
        return "missing"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int) else str(round(value, 6))


# --------------------------------------------------------------------------- schemas


def row_item(table: str, row: dict) -> tuple[str, str, str, str]:
    """(level, unit, line table, line item) of one row of a contract table."""
    if table == "bookings":
        return "bookings", f"{row['hospital']}/{row['channel']}", "bookings", row["hospital"]
    if table == "uploads":
        return row["level"], row["unit"], "uploads", f"{row['level']}/{row['unit']}"
    if table == "hotline":
        return "hotline", row["category"], "hotline", row["category"]
    if table == "booking_platforms":
        return "booking_platforms", row["platform"], "booking_platforms", row["platform"]
    if table == "declared_totals":
        key = f"{row['table']}/{row['item']}"
        return "declared_totals", key, "declared_totals", key
    return table, str(row.get("unit") or table), "", ""


def schema_findings_of(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """pandera's failure cases for one table, as findings naming the row's item."""
    failures = schema_failures(table, frame)
    rows = []
    for failure in failures.iter_rows(named=True):
        phrase = describe_failure(failure["column"], failure["check"], failure["failure_case"])
        if failure["row"] is None or failure["row"] >= frame.height:
            rows.append({"level": table, "unit": failure["column"] or table, "rule": "schema",
                         "detail": f"{table}: {phrase}", "line_table": None, "line_item": None})
            continue
        record = frame.row(failure["row"], named=True)
        try:
            level, unit, line_table, line_item = row_item(table, record)
        except KeyError:  # a key column itself is missing: reported as a structural failure too
            level, unit, line_table, line_item = table, table, None, None
        column = failure["column"] if failure["column"] not in (None, table) else "key"
        phrase += bound_of(failure["check"], record)
        rows.append({"level": level, "unit": unit, "rule": f"schema_{column}",
                     "detail": f"{table}: {unit}: {phrase}", "line_table": line_table, "line_item": line_item})
    return findings_frame(rows)


def bound_of(check: str, record: dict) -> str:
    """The bound a value broke, for the checks that compare two values."""
    if check == "within_days_of_month" and record.get("month"):
        return f" ({days_in_month(record['month'])} days in {record['month']})"
    if check == "within_forms_expected":
        return f" ({record.get('forms_expected')})"
    return ""


def structural_failures(findings: list[pl.DataFrame]) -> bool:
    """True when a table lacks a column or has a wrong type: the rules below cannot run on it."""
    return any(frame.filter(pl.col("rule") == "schema").height for frame in findings)


def missing_table_findings(missing: list[str]) -> pl.DataFrame:
    return findings_frame([{"level": table, "unit": table, "rule": "schema", "detail": f"{table}: table is missing",
                            "line_table": None, "line_item": None} for table in missing])


# --------------------------------------------------------------------------- reconciliation


def reconcile_totals(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every printed total that does not equal what it totals (errors), one finding per printed number.

    The comparison itself is `njbulletin.validate.reconcile.compare_printed_totals`, the table the
    notebooks show; this turns each total that differs into a finding naming its printed line."""
    comparison = compare_printed_totals(tables["bookings"], tables["booking_platforms"], tables["hotline"],
                                        tables["declared_totals"])
    differing = sorted(differing_totals(comparison).iter_rows(named=True),
                       key=lambda row: RECONCILIATION_RULES.index(row["rule"]))
    context = {"hospitals": comparison.filter(pl.col("rule") == "booking_row_subtotal").height,
               "channels": comparison.filter(pl.col("rule") == "booking_channel_total").height}
    return pl.concat([findings_frame([difference_finding(row, context) for row in differing]),
                      reconcile_quick_bookings(tables["bookings"], tables["booking_platforms"])])


def mismatch(printed: float | None, computed: float | int | None) -> bool:
    return printed is not None and computed is not None and abs(printed - computed) > TOLERANCE


def count_word(count: int) -> str:
    """A small count as a word ('four channels'), a larger one in digits."""
    return COUNT_WORDS[count] if 0 <= count < len(COUNT_WORDS) else str(count)


def difference_finding(row: dict, context: dict[str, int]) -> dict:
    """The finding for one printed total that differs (a row of the reconciliation's comparison)."""
    rule, item = row["rule"], row["item"]
    printed, computed = format_as_printed(row["printed"]), format_as_printed(row["computed"])
    declared_line = ("declared_totals", f"{row['table']}/{item}")
    if rule == "booking_row_subtotal":
        detail = (f"bookings: {item}: printed 小计 {printed}, computed sum of its {count_word(row['terms'])} "
                  f"channels {computed}")
        return finding(row["table"], item, rule, detail, ("bookings", item))
    if rule == "booking_channel_total":
        channel = item.removeprefix("total_")
        detail = (f"bookings: 合计 of {CHANNEL_NAMES.get(channel, {}).get('zh', channel)} ({channel}): "
                  f"printed {printed}, computed column sum {computed}")
        return finding(row["table"], item, rule, detail, declared_line)
    if rule == "booking_grand_total":
        return finding(row["table"], item, rule, grand_total_detail(row, context), declared_line)
    if rule == "platform_total":
        detail = (f"booking_platforms: 合计: printed {printed}, computed sum of the {row['terms']} platforms "
                  f"{computed}")
        return finding(row["table"], item, rule, detail, declared_line)
    detail = (f"hotline: total_calls (共受理咨询电话): printed {printed}, computed sum of the {row['terms']} "
              f"call categories {computed}")
    return finding(row["table"], item, rule, detail, declared_line)


def grand_total_detail(row: dict, context: dict[str, int]) -> str:
    """Why the overall 合计 is wrong: against the printed 小计 and channel 合计 when they agree, else
    against the sum of the counts (with both printed sums, one of which holds a wrong total)."""
    hospitals = f"the {context['hospitals']} hospitals' 小计"
    channels = f"the {count_word(context['channels'])} channel 合计"
    head = f"bookings: 合计 小计: printed {format_as_printed(row['printed'])}, computed"
    if abs(row["by_hospitals"] - row["by_channels"]) <= TOLERANCE:
        return f"{head} sum of {hospitals} and of {channels} {format_as_printed(row['computed'])}"
    return (f"{head} sum of all counts {format_as_printed(row['computed'])} ({hospitals} sum to "
            f"{format_as_printed(row['by_hospitals'])}, {channels} to {format_as_printed(row['by_channels'])})")


def finding(level: str, unit: str, rule: str, detail: str, line: tuple[str, str]) -> dict:
    return {"level": level, "unit": unit, "rule": rule, "detail": detail, "line_table": line[0],
            "line_item": line[1]}


def single_total_finding(printed: float | None, computed: float | int | None, *, level: str, unit: str,
                         rule: str, detail: str, line_table: str, line_item: str) -> pl.DataFrame:
    """One finding when a printed total and its computed value differ, else no finding."""
    if not mismatch(printed, computed):
        return findings_frame([])
    return findings_frame([{"level": level, "unit": unit, "rule": rule, "detail": detail,
                            "line_table": line_table, "line_item": line_item}])


def reconcile_quick_bookings(bookings: pl.DataFrame, platforms: pl.DataFrame) -> pl.DataFrame:
    """Platform 12320快速预约 equals the bookings' quick channel (the sum of its column)."""
    quick = platforms.filter(pl.col("platform").map_elements(normalise_name, return_dtype=pl.String)
                             == QUICK_PLATFORM)
    if quick.height == 0 or "quick" not in bookings["channel"]:  # no such platform, or no quick column
        return findings_frame([])
    printed = quick["count"][0]
    computed = bookings.filter(pl.col("channel") == "quick")["count"].sum()
    platform = quick["platform"][0]
    return single_total_finding(
        printed, computed, level="booking_platforms", unit=platform, rule="quick_bookings_cross_table",
        detail=f"booking_platforms: {platform}: printed {format_as_printed(printed)}, but the bookings table's 快速预约 "
               f"(quick) channel sums to {format_as_printed(computed)}",
        line_table="booking_platforms", line_item=platform)


def flag_text_ending_in_a_table(ends_with_row: tuple[str, str] | None) -> pl.DataFrame:
    """The file ends with a table row and nothing after it: a bulletin always goes on after its last table
    (the 累计校验入库数据 note, a back page), so the file looks cut off and rows may be missing. The
    uploads tables print no total, so this is the only sign of rows lost at the end of the file."""
    if ends_with_row is None:
        return findings_frame([])
    table, item = ends_with_row
    level, _, unit = item.rpartition("/") if table == "uploads" else (table, "", item)
    return findings_frame([{"level": level, "unit": unit, "rule": "file_ends_inside_table",
                            "detail": f"{table}: the file ends with the row of {unit} and nothing follows it "
                                      "(no closing note, no back page): it looks cut off, and rows after it "
                                      "may be missing",
                            "line_table": table, "line_item": item}])


def flag_missing_totals(declared: pl.DataFrame, bookings: pl.DataFrame) -> pl.DataFrame:
    """A total the bulletin normally prints but this one does not (nothing to reconcile against): the 合计 of
    each channel the month prints, the overall 合计 and the platforms' 合计."""
    channels = order_channels(bookings["channel"].unique(maintain_order=True).to_list())
    expected = [("bookings", f"total_{channel}") for channel in channels] + [("bookings", "total"),
                                                                             ("booking_platforms", "total")]
    present = set(declared.select("table", "item").iter_rows())
    return findings_frame([{"level": table, "unit": item, "rule": "total_not_printed",
                            "detail": f"{table}: {item} is not printed, so it cannot be reconciled",
                            "line_table": None, "line_item": None}
                           for table, item in expected if (table, item) not in present])


# --------------------------------------------------------------------------- quality flags


def upload_rule_conditions(uploads: pl.DataFrame) -> pl.DataFrame:
    """One boolean column per upload rule (UPLOAD_RULES), for every upload row."""
    def zero(column: str) -> pl.Expr:
        return pl.col(column).fill_null(0) == 0

    days_of_month = pl.col("month").str.to_date("%Y-%m", strict=False).dt.month_end().dt.day()
    nothing = pl.all_horizontal(*(zero(column) for column in UPLOAD_VALUE_COLUMNS))
    zero_days = (pl.col("realtime_days") == 0) & (pl.col("scheduled_records").fill_null(0) > 0)
    return uploads.with_columns(
        days_of_month.alias("days_of_month"),
        nothing.alias("no_uploads"),
        (zero_days & ~nothing).alias("no_realtime_days"),
        ((pl.col("forms_uploaded") < pl.col("forms_expected")) & ~nothing).fill_null(False).alias("forms_incomplete"),
        ((pl.col("realtime_days") < days_of_month) & ~zero_days & ~nothing).fill_null(False)
        .alias("realtime_days_short"),
        *[(zero(activity) & (pl.col(income) > 0)).fill_null(False).alias(rule)
          for rule, (income, activity) in INCOME_WITHOUT_ACTIVITY.items()],
        *[(zero(income) & (pl.col(activity) > 0)).fill_null(False).alias(rule)
          for rule, (income, activity) in ACTIVITY_WITHOUT_INCOME.items()],
    )


def upload_flag_detail(rule: str, row: dict) -> str:
    where = f"uploads ({row['level']}): {row['unit']}"
    if rule == "no_uploads":
        return f"{where}: no uploads of any kind (every value 0 or missing)"
    if rule == "no_realtime_days":
        return (f"{where}: 0 real-time upload days while {format_as_printed(row['scheduled_records'])} records were uploaded "
                f"on schedule (outpatient visits {format_as_printed(row['outpatient_visits'])})")
    if rule == "forms_incomplete":
        return f"{where}: {row['forms_uploaded']} of {row['forms_expected']} real-time forms uploaded"
    if rule == "realtime_days_short":
        return f"{where}: real-time uploads on {row['realtime_days']} of the {row['days_of_month']} days of the month"
    income, activity = (INCOME_WITHOUT_ACTIVITY | ACTIVITY_WITHOUT_INCOME)[rule]
    return (f"{where}: {UPLOAD_WORDS[activity]} {format_as_printed(row[activity])} but {UPLOAD_WORDS[income]} "
            f"{format_as_printed(row[income])} thousand yuan")


def flag_uploads(uploads: pl.DataFrame) -> pl.DataFrame:
    """Quality flags of the uploads tables, one per unit and rule that applies."""
    conditions = upload_rule_conditions(uploads)
    rows = []
    for row in conditions.iter_rows(named=True):
        for rule in UPLOAD_RULES:
            if row[rule]:
                rows.append({"level": row["level"], "unit": row["unit"], "rule": rule,
                             "detail": upload_flag_detail(rule, row),
                             "line_table": "uploads", "line_item": f"{row['level']}/{row['unit']}"})
    return findings_frame(rows)


def flag_unmatched_hospitals(bookings: pl.DataFrame, uploads: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """Hospitals in bookings with no match in uploads, and the reverse, after name resolution.

    Names match by institution: a campus (南京市妇幼保健院(丁家庄院区)) matches its parent hospital.
    """
    booked = resolve_institutions(bookings.select("hospital").unique(maintain_order=True), "hospital", registry)
    uploading = resolve_institutions(uploads.filter(pl.col("level") == "hospital").select("unit"), "unit", registry)
    only_booked = booked.join(uploading.select("institution"), on="institution", how="anti", maintain_order="left")
    only_uploading = uploading.join(booked.select("institution"), on="institution", how="anti",
                                    maintain_order="left")
    rows = [{"level": "bookings", "unit": row["hospital"], "rule": "booking_without_uploads",
             "detail": f"bookings: {row['hospital']} ({row['english_name']}) has no match in the uploads table",
             "line_table": "bookings", "line_item": row["hospital"]}
            for row in only_booked.iter_rows(named=True)]
    rows += [{"level": "hospital", "unit": row["unit"], "rule": "uploads_without_bookings",
              "detail": f"uploads (hospital): {row['unit']} ({row['english_name']}) has no match in the bookings table",
              "line_table": "uploads", "line_item": f"hospital/{row['unit']}"}
             for row in only_uploading.iter_rows(named=True)]
    return findings_frame(rows)


def flag_unknown_names(bookings: pl.DataFrame, uploads: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """Hospitals and districts the registry does not know: kept as printed, and flagged."""
    booked = resolve_institutions(bookings.select("hospital").unique(maintain_order=True), "hospital", registry)
    uploading = resolve_institutions(uploads.select("level", "unit"), "unit", registry)
    hint = "not in data/reference/hospitals.csv (kept as printed; see docs/hospitals.md)"
    rows = [{"level": "bookings", "unit": row["hospital"], "rule": "unknown_name",
             "detail": f"bookings: {row['hospital']} is {hint}", "line_table": "bookings", "line_item": row["hospital"]}
            for row in booked.filter(~pl.col("name_known")).iter_rows(named=True)]
    rows += [{"level": row["level"], "unit": row["unit"], "rule": "unknown_name",
              "detail": f"uploads ({row['level']}): {row['unit']} is {hint}",
              "line_table": "uploads", "line_item": f"{row['level']}/{row['unit']}"}
             for row in uploading.filter(~pl.col("name_known")).iter_rows(named=True)]
    return findings_frame(rows)


# --------------------------------------------------------------------------- report lines (`njbulletin check`)


def summarise_report(report: ValidationReport) -> str:
    return f"{report.month}: {report.source}: {len(report.errors)} errors, {len(report.warnings)} warnings"


def group_warnings(report: ValidationReport, examples: int = 3) -> list[str]:
    """Every error in full, then one line per warning rule: how many units, the first few, and the lines."""
    lines = [issue.format() for issue in report.errors]
    by_rule: dict[str, list[Issue]] = {}
    for issue in report.warnings:
        by_rule.setdefault(issue.rule, []).append(issue)
    for rule, issues in by_rule.items():
        units = [f"{issue.unit} ({issue.level})" if issue.level in ("district", "hospital") else issue.unit
                 for issue in issues]
        shown = ", ".join(units[:examples]) + (f" and {len(units) - examples} more" if len(units) > examples else "")
        numbers = [issue.line for issue in issues if issue.line is not None]
        where = f"{report.source}:{min(numbers)}-{max(numbers)}" if numbers else report.source
        lines.append(f"warning: {where}: {len(issues)} × {rule}: {shown}")
    return lines
