"""What needs attention in a month: one list, in the order an administrator acts on it.

1. Printed totals that do not reconcile (validation errors, kept with --allow-errors), then quality flags that
   are new since the month before (a unit and rule not flagged the month before): one item per rule, whose
   rows (one per unit) share the item's number.
2. Units that stopped or started uploading (in the uploads table both months, with uploads one month and
   none the other), then hospitals and districts that vanished from or appeared in a table (bookings,
   uploads), names resolved through the registry so that a renamed unit is not counted twice.
3. Statistical process control's signals that begin this month (`analysis.spc`): outside the limits first,
   then shifts, trends and points close to the limits; within each, concerning before neutral before
   improving, and the farther from the mean (in mean moving ranges) first.
4. The ten biggest movers relative to their own variation: this month's change from the month before in
   mean moving ranges, among series with limits and not already listed, that moved more than their mean
   moving range.

Items 1 and 2 compare the month with the calendar month before and need it processed; without it they are
not computed (`previous` is None). Sections 1 to 3 are what needs attention (`count_attention`); section 4
puts the month's largest ordinary moves beside them.
"""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from njbulletin.analysis.completeness import list_units_without_uploads
from njbulletin.analysis.spc import CLOSE_TO_LIMITS, CONCERNING, IMPROVING, NEUTRAL, OUTSIDE, SHIFT, TREND
from njbulletin.contract import ATTENTION_SCHEMA
from njbulletin.months import shift_month
from njbulletin.validate.names import resolve_names

# The list's columns (njbulletin.contract describes each); the report adds where each item is shown (page, anchor).
ITEM_SCHEMA = {name: dtype for name, dtype in ATTENTION_SCHEMA.items() if name not in ("page", "anchor")}
KINDS = ("total_error", "new_flag", "stopped_uploading", "started_uploading", "vanished", "appeared", "signal",
         "mover")
SIGNAL_RULES = (OUTSIDE, SHIFT, TREND, CLOSE_TO_LIMITS)  # how a signal is named when several begin at once
JUDGEMENTS = (CONCERNING, NEUTRAL, IMPROVING)
LEVELS = ("city", "district", "hospital")
MOVERS = 10
PRESENCE_TABLES = {"bookings": "hospital", "uploads": "unit"}  # table -> its unit column


def items(rows: list[dict] | pl.DataFrame, section: int, kind: str | None = None) -> pl.DataFrame:
    """Rows (dicts or a frame) as items of ITEM_SCHEMA in a section; columns they lack are null."""
    frame = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(rows, schema_overrides={
        name: dtype for name, dtype in ITEM_SCHEMA.items() if rows and name in rows[0]})
    extra = {"section": pl.lit(section, pl.Int64)} | ({"kind": pl.lit(kind)} if kind else {})
    return frame.with_columns(**extra).select(
        [pl.col(name).cast(dtype) if name in frame.columns or name in extra else pl.lit(None, dtype).alias(name)
         for name, dtype in ITEM_SCHEMA.items() if name not in ("month", "item", "row")])


# ----------------------------------------------------------------------------- 1. totals and flags


def list_total_errors(flags: pl.DataFrame) -> pl.DataFrame:
    """The month's printed totals that do not reconcile (flags of severity error), in validation's order."""
    errors = flags.filter(pl.col("severity") == "error")
    return items(errors.select(pl.col("level").alias("table"), "unit", "rule", "detail"), 1, "total_error")


def list_new_flags(flags: pl.DataFrame, previous_flags: pl.DataFrame) -> pl.DataFrame:
    """Warnings whose unit and rule were not flagged the month before, by rule, level and unit."""
    keys = ["level", "unit", "rule"]
    warnings = flags.filter(pl.col("severity") != "error")
    new = warnings.join(previous_flags.select(keys).unique(), on=keys, how="anti").sort("rule", "level", "unit")
    return items(new.select("level", "unit", "rule", "detail"), 1, "new_flag")


# ----------------------------------------------------------------------------- 2. units and tables


def with_canonical_units(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    return resolve_names(frame, column).with_columns(pl.col("canonical_name").alias("unit"))


def uploading_units(uploads: pl.DataFrame) -> pl.DataFrame:
    """level, unit (canonical) and whether the unit uploaded anything in the month."""
    silent = list_units_without_uploads(uploads).select("level", "unit").with_columns(pl.lit(True).alias("silent"))
    return (uploads.select("level", "unit").join(silent, on=["level", "unit"], how="left")
            .pipe(with_canonical_units, "unit")
            .group_by("level", "unit").agg(pl.col("silent").fill_null(False).all().not_().alias("uploaded")))


def list_upload_changes(uploads: pl.DataFrame, previous_uploads: pl.DataFrame) -> pl.DataFrame:
    """Units in the uploads table both months that stopped uploading (uploaded last month, nothing this
    month), then those that started."""
    now, before = uploading_units(uploads), uploading_units(previous_uploads)
    both = now.join(before, on=["level", "unit"], suffix="_before")
    stopped = both.filter(pl.col("uploaded_before") & ~pl.col("uploaded")).sort("level", "unit")
    started = both.filter(~pl.col("uploaded_before") & pl.col("uploaded")).sort("level", "unit")
    return pl.concat([items(stopped.select("level", "unit", pl.lit("uploads").alias("table")), 2,
                            "stopped_uploading"),
                      items(started.select("level", "unit", pl.lit("uploads").alias("table")), 2,
                            "started_uploading")])


def table_units(tables: Mapping[str, pl.DataFrame], table: str) -> pl.DataFrame:
    """The units a table lists (level, canonical unit): hospitals in bookings, districts and hospitals in uploads."""
    frame = tables[table]
    column = PRESENCE_TABLES[table]
    levels = frame["level"] if "level" in frame.columns else pl.Series(["hospital"] * frame.height)
    return (frame.select(pl.col(column).alias("unit")).with_columns(levels.alias("level"))
            .pipe(with_canonical_units, "unit").select("level", "unit").unique())


def list_presence_changes(tables: Mapping[str, pl.DataFrame], previous: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Units that vanished from a table (listed the month before, not now), then those that appeared."""
    parts = {"vanished": [], "appeared": []}
    for table in PRESENCE_TABLES:
        now, before = table_units(tables, table), table_units(previous, table)
        gone = before.join(now, on=["level", "unit"], how="anti")
        new = now.join(before, on=["level", "unit"], how="anti")
        for kind, frame in (("vanished", gone), ("appeared", new)):
            parts[kind].append(frame.sort("level", "unit").with_columns(pl.lit(table).alias("table")))
    return pl.concat([items(pl.concat(parts[kind]), 2, kind) for kind in ("vanished", "appeared")])


# ----------------------------------------------------------------------------- 3. signals, 4. movers


def first_rule(rules: pl.Expr) -> pl.Expr:
    """The name a signal goes by: the first of SIGNAL_RULES among the ';'-joined rules that began."""
    expression = pl.lit(None, pl.String)
    for rule in reversed(SIGNAL_RULES):
        expression = pl.when(rules.str.contains(rule)).then(pl.lit(rule)).otherwise(expression)
    return expression


def order_of(column: str, values: tuple[str, ...]) -> pl.Expr:
    return pl.col(column).replace_strict(list(values), list(range(len(values))), default=len(values))


def with_previous(points: pl.DataFrame, month: str) -> pl.DataFrame:
    """The points of `month` with the series' value the month before (`previous_value`, null when it has
    none), their distance from the mean and their change from the month before, both in mean moving ranges."""
    keys = ["level", "unit", "indicator"]
    before = (points.filter(pl.col("month") == shift_month(month, -1))
              .select(*keys, pl.col("value").alias("previous_value")))
    varies = pl.col("mean_moving_range") > 0  # a series that never moved has no scale to measure a move in
    return (points.filter(pl.col("month") == month).join(before, on=keys, how="left")
            .with_columns(pl.when(varies).then((pl.col("value") - pl.col("mean")) / pl.col("mean_moving_range"))
                          .alias("distance"),
                          pl.when(varies).then((pl.col("value") - pl.col("previous_value"))
                                               / pl.col("mean_moving_range")).alias("moved")))


SHOWN = ("level", "unit", "indicator", "value", "previous_value", "mean", "lower", "upper", "limits",
         "baseline_points", "distance", "moved")


def farness() -> pl.Expr:
    """How far a point is from its mean, in mean moving ranges; infinitely far for any move of a series that
    never moved before."""
    return (pl.when(pl.col("distance").is_not_null()).then(pl.col("distance").abs())
            .when(pl.col("value") != pl.col("mean")).then(float("inf")).otherwise(0.0))


def list_signals(points: pl.DataFrame, month: str) -> pl.DataFrame:
    """The special-cause signals that begin in `month`, in the attention list's order."""
    begun = with_previous(points, month).filter(pl.col("began").is_not_null())
    rising = pl.col("value") > pl.col("previous_value")
    side = (pl.when(pl.col("rule") == TREND).then(rising).otherwise(pl.col("value") > pl.col("mean"))
            .replace_strict({True: "high", False: "low"}, return_dtype=pl.String))
    ordered = (begun.with_columns(first_rule(pl.col("began")).alias("rule"), pl.col("variation").alias("judgement"),
                                  pl.col("began").alias("detail"))
               .with_columns(side.alias("side"))
               .sort([(pl.col("rule") != OUTSIDE), order_of("judgement", JUDGEMENTS), farness(),
                      order_of("level", LEVELS), "indicator", "unit"],
                     descending=[False, False, True, False, False, False], nulls_last=True))
    return items(ordered.select(*SHOWN, "rule", "side", "judgement", "detail"), 3, "signal")


def list_movers(points: pl.DataFrame, month: str, listed: pl.DataFrame, count: int = MOVERS) -> pl.DataFrame:
    """The `count` series with limits whose change from the month before, in mean moving ranges, is largest
    (more than one), leaving out the series in `listed` (level, unit, indicator)."""
    keys = ["level", "unit", "indicator"]
    movers = (with_previous(points, month)
              .filter(pl.col("mean").is_not_null() & (pl.col("moved").abs() > 1))
              .join(listed.select(keys).unique(), on=keys, how="anti")
              .sort([pl.col("moved").abs(), order_of("level", LEVELS), "indicator", "unit"],
                    descending=[True, False, False, False]).head(count))
    return items(movers.select(*SHOWN), 4, "mover")


# ----------------------------------------------------------------------------- the list


def build_attention_list(month: str, tables: Mapping[str, pl.DataFrame], previous: Mapping[str, pl.DataFrame] | None,
                         points: pl.DataFrame) -> pl.DataFrame:
    """Every item that needs attention in `month`, numbered in order (ITEM_SCHEMA). `tables` are the month's
    processed tables, `previous` the calendar month before's (None when it was not processed), `points` the
    SPC of every series up to the month (`spc.compute_spc`)."""
    parts = [list_total_errors(tables["quality_flags"])]
    if previous is not None:
        parts += [list_new_flags(tables["quality_flags"], previous["quality_flags"]),
                  list_upload_changes(tables["uploads"], previous["uploads"]),
                  list_presence_changes(tables, previous)]
    signals = list_signals(points, month)
    parts += [signals, list_movers(points, month, signals)]
    return number_items(pl.concat(parts)).select(pl.lit(month).alias("month"), "item", "row", pl.exclude("item", "row"))


def number_items(rows: pl.DataFrame) -> pl.DataFrame:
    """Number the items in the list's order: every row is an item, but the new flags of one rule (one row per
    unit) are one item, so that a rule that caught twenty units is one line, not twenty. `row` numbers the rows."""
    grouped = pl.when(pl.col("kind") == "new_flag").then(pl.format("new_flag:{}", pl.col("rule")))
    return (rows.with_row_index("_row")
            .with_columns(grouped.otherwise(pl.col("_row").cast(pl.String)).alias("_group"))
            .with_columns(pl.col("_row").min().over("_group").rank("dense").cast(pl.Int64).alias("item"))
            .with_columns((pl.col("_row") + 1).cast(pl.Int64).alias("row"))
            .drop("_row", "_group"))


def count_by_section(attention: pl.DataFrame) -> dict[int, int]:
    """How many items each section holds (an item's rows counted once)."""
    return dict(attention.group_by("section").agg(pl.col("item").n_unique()).iter_rows())


def count_attention(attention: pl.DataFrame) -> int:
    """How many items need attention: sections 1 to 3 (the movers are beside them)."""
    per = count_by_section(attention)
    return sum(per.get(section, 0) for section in (1, 2, 3))


def load_attention_tables(ctx) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame] | None]:
    """The tables the attention list compares (flags, uploads, bookings) for the context's month
    (`MonthContext`) and for the calendar month before, None when that month was not processed."""
    from dataclasses import replace

    names = ("quality_flags", "uploads", "bookings")
    previous = replace(ctx, month=shift_month(ctx.month, -1))
    before = {name: previous.table(name) for name in names} if previous.is_processed() else None
    return {name: ctx.table(name) for name in names}, before
