"""What needs attention in a month: one list, ranked by importance (`analysis.ranking` documents the score).

Section 1, the ranked items, holds every candidate that matters, heaviest score first:
- printed totals that do not reconcile (validation errors kept with --allow-errors);
- standing problems (`analysis.standing`): units without uploads, incomes without activity, forms and real-time
  days missing, each with since when it has lasted and its estimated weight; listed from the first month;
- units that stopped or started uploading, and units that vanished from or appeared in a table (these compare
  the month with the calendar month before and need it processed; without it `previous` is None);
- special-cause signals that begin this month and pass the family-wise threshold, on material series.

A unit and its causes make ONE item: every row of the same district or hospital (its flag, its signal, its
vanishing) shares the item's number, and the item is ranked by its heaviest row; a city item is one indicator.
At equal score, concerning comes before neutral before improving, and the city before a district before a
hospital.

Section 2, folded on the page: standing problems of a weight under the materiality rule, quality flags of other
rules new since the month before, and the ten biggest movers relative to their own variation among material
series not already an item (a mover repeating an item is dropped, so is the city's count of hospitals booking
when a hospital vanished from or appeared in the bookings table).

Every row of a volume (indicators.VOLUME_INDICATORS, judged per working day) names its calendar in `calendar`
(workdays.calendar_label: the month's working days and the same month's a year earlier, or calendar days).

The frame (contract.ATTENTION_SCHEMA) is ordered by `item`, ranked items first; `briefing` is true for the rows
of the first config.BRIEFING_ITEMS ranked items, the ones the one-page briefing shows (a reader of the list
takes `filter(briefing)` and groups by `item`: one line per item, its first row the heaviest).
"""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from njbulletin.analysis.calendar_adjustment import volume_rows
from njbulletin.analysis.completeness import list_units_without_uploads
from njbulletin.analysis.ranking import (
    MATERIAL_WEIGHT,
    event_score,
    family_threshold,
    judged_points,
    ranked_months,
    standing_score,
)
from njbulletin.analysis.spc_point_types import OUTSIDE, SHIFT, TREND
from njbulletin.analysis.standing import FLAG_HISTORY_SCHEMA, STANDING_RULES, list_standing
from njbulletin.config import BRIEFING_ITEMS
from njbulletin.contract import ATTENTION_SCHEMA
from njbulletin.indicators import CONCERNING, IMPROVING, NEUTRAL
from njbulletin.months import days_in_month, shift_month
from njbulletin.validate.names import with_canonical_units
from njbulletin.workdays import calendar_label

# The list's columns (njbulletin.contract describes each); the report adds where each item is shown (page, anchor).
ITEM_SCHEMA = {name: dtype for name, dtype in ATTENTION_SCHEMA.items() if name not in ("page", "anchor")}
KINDS = ("total_error", "standing", "stopped_uploading", "started_uploading", "vanished", "appeared", "signal",
         "new_flag", "mover")
RANKED, FOLDED = 1, 2  # the sections: ranked items, and what the page folds
EVENT_JUDGEMENT = {"total_error": CONCERNING, "standing": CONCERNING, "stopped_uploading": CONCERNING,
                   "vanished": CONCERNING, "started_uploading": IMPROVING, "appeared": NEUTRAL}
JUDGEMENTS = (CONCERNING, NEUTRAL, IMPROVING)
LEVELS = ("city", "district", "hospital")
MOVERS = 10
PRESENCE_TABLES = {"bookings": "hospital", "uploads": "unit"}  # table -> its unit column


def items(rows: list[dict] | pl.DataFrame, section: int, kind: str | None = None) -> pl.DataFrame:
    """Rows (dicts or a frame) as items of ITEM_SCHEMA in a section; columns they lack are null."""
    frame = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(rows, schema_overrides={
        name: dtype for name, dtype in ITEM_SCHEMA.items() if rows and name in rows[0]})
    extra = {"section": pl.lit(section, pl.Int64)} | ({"kind": pl.lit(kind)} if kind else {})
    if kind in EVENT_JUDGEMENT and "judgement" not in frame.columns:
        extra["judgement"] = pl.lit(EVENT_JUDGEMENT[kind])
    return frame.with_columns(**extra).select(
        [pl.col(name).cast(dtype) if name in frame.columns or name in extra else pl.lit(None, dtype).alias(name)
         for name, dtype in ITEM_SCHEMA.items() if name not in ("month", "item", "row", "briefing", "calendar")])


# ----------------------------------------------------------------------------- 1. totals and flags


def list_total_errors(flags: pl.DataFrame) -> pl.DataFrame:
    """The month's printed totals that do not reconcile (flags of severity error), in validation's order."""
    errors = flags.filter(pl.col("severity") == "error")
    return items(errors.select(pl.col("level").alias("table"), "unit", "rule", "detail",
                               pl.lit(1.0).alias("weight"), event_score(pl.lit(1.0)).alias("score")),
                 RANKED, "total_error")


def list_new_flags(flags: pl.DataFrame, previous_flags: pl.DataFrame) -> pl.DataFrame:
    """Warnings whose unit and rule were not flagged the month before, by rule, level and unit; the standing
    problems' rules left out (they are listed every month, `list_standing_items`)."""
    keys = ["level", "unit", "rule"]
    warnings = flags.filter((pl.col("severity") != "error") & ~pl.col("rule").is_in(STANDING_RULES))
    new = warnings.join(previous_flags.select(keys).unique(), on=keys, how="anti").sort("rule", "level", "unit")
    return items(new.select("level", "unit", "rule", "detail", pl.lit(0.0).alias("score")), FOLDED, "new_flag")


# ----------------------------------------------------------------------------- 2. units and tables


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
    both = both.with_columns((1 / pl.len().over("level")).alias("weight"))  # one unit of its level's N
    stopped = both.filter(pl.col("uploaded_before") & ~pl.col("uploaded")).sort("level", "unit")
    started = both.filter(~pl.col("uploaded_before") & pl.col("uploaded")).sort("level", "unit")
    shown = ("level", "unit", pl.lit("uploads").alias("table"), "weight", event_score(pl.col("weight")).alias("score"))
    return pl.concat([items(stopped.select(*shown), RANKED, "stopped_uploading"),
                      items(started.select(*shown), RANKED, "started_uploading")])


def table_units(tables: Mapping[str, pl.DataFrame], table: str) -> pl.DataFrame:
    """The units a table lists (level, canonical unit) with their weight: hospitals in bookings, by their share
    of the bookings; districts and hospitals in uploads, one unit of the N of their level (1 / N)."""
    frame = tables[table]
    column = PRESENCE_TABLES[table]
    levels = frame["level"] if "level" in frame.columns else pl.Series(["hospital"] * frame.height)
    counts = frame["count"].fill_null(0) if "count" in frame.columns else pl.Series([1] * frame.height)
    units = (frame.select(pl.col(column).alias("unit")).with_columns(levels.alias("level"), counts.alias("_n"))
             .pipe(with_canonical_units, "unit").group_by("level", "unit").agg(pl.col("_n").sum()))
    share = pl.col("_n") / pl.col("_n").sum().over("level") if table == "bookings" else 1 / pl.len().over("level")
    return units.with_columns(share.cast(pl.Float64).alias("weight")).select("level", "unit", "weight")


def list_presence_changes(tables: Mapping[str, pl.DataFrame], previous: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Units that vanished from a table (listed the month before, not now), then those that appeared."""
    parts = {"vanished": [], "appeared": []}
    for table in PRESENCE_TABLES:
        now, before = table_units(tables, table), table_units(previous, table)
        gone = before.join(now, on=["level", "unit"], how="anti")  # weighed by last month's share
        new = now.join(before, on=["level", "unit"], how="anti")
        for kind, frame in (("vanished", gone), ("appeared", new)):
            parts[kind].append(frame.sort("level", "unit").with_columns(
                pl.lit(table).alias("table"), event_score(pl.col("weight")).alias("score")))
    return pl.concat([items(pl.concat(parts[kind]), RANKED, kind) for kind in ("vanished", "appeared")])


# ----------------------------------------------------------------------------- standing problems, signals, movers


def list_standing_items(month: str, days: int, tables: Mapping[str, pl.DataFrame],
                        flag_history: pl.DataFrame, series: int) -> pl.DataFrame:
    """The standing problems as items: ranked when they weigh at least MATERIAL_WEIGHT, folded otherwise."""
    standing = list_standing(month, days, tables["quality_flags"], tables["uploads"], flag_history)
    scored = standing.with_columns(standing_score(pl.col("weight"), pl.col("months_running"), series).alias("score"),
                                   pl.lit("uploads").alias("table"))
    material = pl.col("weight") >= MATERIAL_WEIGHT
    return pl.concat([items(scored.filter(material), RANKED, "standing"),
                      items(scored.filter(~material), FOLDED, "standing")])


def order_of(column: str, values: tuple[str, ...]) -> pl.Expr:
    return pl.col(column).replace_strict(list(values), list(range(len(values))), default=len(values))


def with_previous(points: pl.DataFrame, month: str) -> pl.DataFrame:
    """The month's judged points (`ranking.judged_points`) with the series' value the month before
    (`previous_value`), their distance from the mean and their change from the month before, both in mean
    moving ranges."""
    keys = ["level", "unit", "indicator"]
    before = (points.filter(pl.col("month") == shift_month(month, -1))
              .select(*keys, pl.col("value").alias("previous_value")))
    varies = pl.col("mean_moving_range") > 0  # a series that never moved has no scale to measure a move in
    return (judged_points(points, month).join(before, on=keys, how="left")
            .with_columns(pl.when(varies).then((pl.col("value") - pl.col("mean")) / pl.col("mean_moving_range"))
                          .alias("distance"),
                          pl.when(varies).then((pl.col("value") - pl.col("previous_value"))
                                               / pl.col("mean_moving_range")).alias("moved")))


SHOWN = ("level", "unit", "indicator", "value", "previous_value", "mean", "lower", "upper", "limits",
         "baseline_points", "distance", "moved", "z", "weight", "score")


def list_signals(points: pl.DataFrame, month: str) -> pl.DataFrame:
    """The special-cause signals that begin in `month` on material series and pass the family-wise threshold
    (`ranking.judged_points`)."""
    begun = with_previous(points, month).filter(pl.col("began").is_not_null() & pl.col("corroborated")
                                                & pl.col("material"))
    rule = (pl.when(pl.col("began").str.contains(OUTSIDE) & (pl.col("z").abs() >= pl.col("_t")))
            .then(pl.lit(OUTSIDE)).otherwise(pl.lit(SHIFT)))
    rising = pl.col("value") > pl.col("previous_value")
    side = (pl.when(pl.col("rule") == TREND).then(rising).otherwise(pl.col("value") > pl.col("mean"))
            .replace_strict({True: "high", False: "low"}, return_dtype=pl.String))
    signals = (begun.with_columns(pl.lit(family_threshold(max(points.filter(pl.col("month") == month).height, 1)))
                                  .alias("_t"))
               .with_columns(rule.alias("rule"), pl.col("variation").alias("judgement"), pl.col("began").alias("detail"))
               .with_columns(side.alias("side")))
    return items(signals.select(*SHOWN, "rule", "side", "judgement", "detail"), RANKED, "signal")


def list_movers(points: pl.DataFrame, month: str, listed: pl.DataFrame, count: int = MOVERS) -> pl.DataFrame:
    """The `count` material series with limits whose change from the month before, in mean moving ranges, is
    largest (more than one), leaving out the units and city indicators already an item of `listed`, and the
    city's hospitals booking when a hospital vanished from or appeared in the bookings table."""
    units = listed.filter(pl.col("level") != "city").select("unit").unique()
    city = listed.filter(pl.col("level") == "city").select("indicator").unique()
    bookings_changed = listed.filter(pl.col("kind").is_in(["vanished", "appeared"])
                                     & (pl.col("table") == "bookings")).height > 0
    movers = (with_previous(points, month)
              .filter(pl.col("mean").is_not_null() & (pl.col("moved").abs() > 1) & pl.col("material"))
              .join(units, on="unit", how="anti")
              .filter(~((pl.col("level") == "city") & pl.col("indicator").is_in(city["indicator"].implode())))
              .filter(~((pl.col("indicator") == "hospitals_booking") & pl.lit(bookings_changed)))
              .sort([pl.col("moved").abs(), order_of("level", LEVELS), "indicator", "unit"],
                    descending=[True, False, False, False]).head(count))
    return items(movers.select(*SHOWN), FOLDED, "mover").with_columns(pl.lit(0.0).alias("score"))


# ----------------------------------------------------------------------------- the list


def build_attention_list(month: str, tables: Mapping[str, pl.DataFrame], previous: Mapping[str, pl.DataFrame] | None,
                         points: pl.DataFrame, flag_history: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every item of `month`, numbered in rank order (ITEM_SCHEMA). `tables` are the month's processed tables
    (quality flags, uploads, bookings), `previous` the calendar month before's (None when it was not
    processed), `points` the SPC of every series up to the month (`spc.compute_spc`), `flag_history` the
    standing flags of the months before (`standing.FLAG_HISTORY_SCHEMA`; None: this month only)."""
    history = flag_history if flag_history is not None else pl.DataFrame(schema=FLAG_HISTORY_SCHEMA)
    points = ranked_months(points, month)
    series = max(points.filter(pl.col("month") == month).height, 1)
    parts = [list_total_errors(tables["quality_flags"])]
    if "uploads" in tables:
        parts.append(list_standing_items(month, days_in_month(month), tables, history, series))
    if previous is not None:
        parts += [list_upload_changes(tables["uploads"], previous["uploads"]), list_presence_changes(tables, previous)]
    parts.append(list_signals(points, month))
    ranked = pl.concat(parts)
    folded = [ranked.filter(pl.col("section") == FOLDED)]
    if previous is not None:
        folded.append(list_new_flags(tables["quality_flags"], previous["quality_flags"]))
    ranked = ranked.filter(pl.col("section") == RANKED)
    folded.append(list_movers(points, month, ranked))
    listed = number_items(pl.concat([rank_items(ranked), number_folded(pl.concat(folded))]))
    return (listed.with_columns(pl.when(volume_rows()).then(pl.lit(calendar_label(month))).alias("calendar"),
                                pl.lit(month).alias("month"))
            .select(list(ITEM_SCHEMA)))


def item_key(ranked: pl.DataFrame) -> pl.Expr:
    """What makes one item: a district's or hospital's rows (a unit and its causes), a city indicator, a total.
    The city's count of hospitals booking joins the first hospital that vanished from or appeared in the
    bookings table: the count moved because of it."""
    changed = ranked.filter(pl.col("kind").is_in(["vanished", "appeared"]) & (pl.col("table") == "bookings"))
    counted = (pl.col("level") == "city") & (pl.col("indicator") == "hospitals_booking") & pl.lit(changed.height > 0)
    first = changed["unit"][0] if changed.height else ""
    return (pl.when(pl.col("kind") == "total_error").then(pl.format("total:{}:{}", pl.col("table"), pl.col("unit")))
            .when(counted).then(pl.lit(f"unit:{first}"))
            .when(pl.col("level") == "city").then(pl.format("city:{}", pl.col("indicator")))
            .otherwise(pl.format("unit:{}", pl.col("unit"))))


def rank_items(ranked: pl.DataFrame) -> pl.DataFrame:
    """The ranked rows in rank order with their item's key (`_group`): items by their heaviest row's score,
    then concerning before neutral before improving, then the city before a district before a hospital; the
    rows of an item by score."""
    order = [pl.col("score").round(9), order_of("judgement", JUDGEMENTS), order_of("level", LEVELS),
             pl.col("indicator"), pl.col("unit"), order_of("kind", KINDS), pl.col("rule")]
    rows = (ranked.with_columns(item_key(ranked).alias("_group"))
            .sort(order, descending=[True] + [False] * 6, nulls_last=True, maintain_order=True)
            .with_row_index("_position"))
    return (rows.with_columns(pl.col("_position").min().over("_group").alias("_first"))
            .sort("_first", "_position").drop("_position", "_first"))


def number_folded(folded: pl.DataFrame) -> pl.DataFrame:
    """The folded rows with their item's key: the new flags of one rule are one item, any other row its own."""
    key = (pl.when(pl.col("kind") == "new_flag").then(pl.format("new_flag:{}", pl.col("rule")))
           .otherwise(pl.format("folded:{}", pl.int_range(pl.len()))))
    return folded.with_columns(key.alias("_group"))


def number_items(rows: pl.DataFrame) -> pl.DataFrame:
    """Number the items in the list's order (rows of one `_group` share the number of its first row), number
    the rows (`row`), and mark the first BRIEFING_ITEMS ranked items (`briefing`)."""
    numbered = (rows.with_row_index("_row")
                .with_columns(pl.col("_row").min().over("_group").rank("dense").cast(pl.Int64).alias("item"))
                .with_columns((pl.col("_row") + 1).cast(pl.Int64).alias("row")))
    return numbered.with_columns(((pl.col("section") == RANKED) & (pl.col("item") <= BRIEFING_ITEMS))
                                 .alias("briefing")).drop("_row", "_group")


def count_by_section(attention: pl.DataFrame) -> dict[int, int]:
    """How many items each section holds (an item's rows counted once)."""
    return dict(attention.group_by("section").agg(pl.col("item").n_unique()).iter_rows())


def count_attention(attention: pl.DataFrame) -> int:
    """How many items need attention: the ranked ones (section 1)."""
    return count_by_section(attention).get(RANKED, 0)
