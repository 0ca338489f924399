"""Reconciliation of the printed totals: each total the bulletin prints, next to what it should be.

The one implementation of the rule. Validation reports every total whose status is `differs` as an error
(`njbulletin.validate.checks.reconcile_totals`); the validation page shows that stored result, and
`njbulletin.analysis.channels.reconcile_printed_totals` gives researchers this same table, so nothing can
disagree with it.

What each printed total is compared with:

- a hospital's 小计: the sum of its channels;
- a channel's 合计: the sum of its column;
- the overall 合计: the sum of the hospitals' 小计 and the sum of the channels' 合计, as printed (a total a
  month leaves unprinted counts with its computed value). When the two sums agree, the overall 合计 must
  equal them. When they disagree, a 小计 or a channel 合计 is wrong (and named on its own), so the overall
  合计 must equal the sum of the counts. Every wrong printed number is thereby named once, and a correct
  overall 合计 is never blamed for a wrong 小计 or channel 合计;
- the platforms' 合计: the sum of the platforms;
- the hotline's total calls: the sum of the call categories (work orders are counted apart).
"""
from __future__ import annotations

import polars as pl

from njbulletin.contract import order_channels

TOLERANCE = 1e-6  # a printed total matches when it is this close to its computed value

COMPARISON_SCHEMA = {"table": pl.String, "item": pl.String, "rule": pl.String, "printed": pl.Float64,
                     "computed": pl.Int64, "terms": pl.Int64, "by_hospitals": pl.Float64,
                     "by_channels": pl.Float64}
# The columns a reader is shown (the rest explain a difference in validation's messages).
SHOWN_COLUMNS = ("table", "item", "printed", "computed", "difference", "status")


def compare_printed_totals(bookings: pl.DataFrame, platforms: pl.DataFrame, hotline: pl.DataFrame,
                           declared: pl.DataFrame) -> pl.DataFrame:
    """Every printed total the month reconciles, one row each, with what it should be.

    Columns: table, item, rule (the validation rule that names it), printed (null when not printed),
    computed, terms (how many values were summed), by_hospitals and by_channels (the overall 合计 only:
    the sums of the printed 小计 and of the printed channel 合计), difference (printed - computed) and
    status: 'match', 'differs' or 'not printed'. Rows: the channels' 合计 (in the channels file's order),
    the overall 合计, each hospital's 小计 (in printed order), the platforms' 合计, the hotline's calls.
    """
    printed = {(table, item): value for table, item, value in declared.select("table", "item", "value").iter_rows()}
    calls = hotline.filter(pl.col("kind") == "call")
    rows = booking_comparisons(bookings, printed)
    rows.append(("booking_platforms", "total", "platform_total", printed.get(("booking_platforms", "total")),
                 int(platforms["count"].sum()), platforms.height, None, None))
    rows.append(("hotline", "total_calls", "hotline_total", printed.get(("hotline", "total_calls")),
                 int(calls["count"].sum()), calls.height, None, None))
    return with_status(pl.DataFrame(rows, schema=COMPARISON_SCHEMA, orient="row"))


def with_status(comparison: pl.DataFrame) -> pl.DataFrame:
    """Add difference (printed - computed) and status (match, differs, not printed)."""
    return (comparison.with_columns((pl.col("printed") - pl.col("computed")).alias("difference"))
            .with_columns(pl.when(pl.col("printed").is_null()).then(pl.lit("not printed"))
                          .when(pl.col("difference").abs() <= TOLERANCE).then(pl.lit("match"))
                          .otherwise(pl.lit("differs")).alias("status")))


def booking_comparisons(bookings: pl.DataFrame, printed: dict[tuple[str, str], float]) -> list[tuple]:
    """Rows for the bookings table: each channel's 合计, the overall 合计, each hospital's 小计."""
    declared_channels = [item.removeprefix("total_") for table, item in printed
                         if table == "bookings" and item.startswith("total_")]
    channels = order_channels([*bookings["channel"].unique(maintain_order=True).to_list(), *declared_channels])
    column_sums = dict(bookings.group_by("channel").agg(pl.col("count").sum()).iter_rows())
    row_sums = list(bookings.group_by("hospital", maintain_order=True).agg(pl.col("count").sum()).iter_rows())
    rows = [("bookings", f"total_{channel}", "booking_channel_total", printed.get(("bookings", f"total_{channel}")),
             int(column_sums.get(channel, 0)), len(row_sums), None, None) for channel in channels]
    rows.append(grand_total_comparison(printed, channels, column_sums, row_sums))
    rows += [("bookings", hospital, "booking_row_subtotal", printed.get(("bookings", hospital)), int(total),
              len(channels), None, None) for hospital, total in row_sums]
    return rows


def grand_total_comparison(printed: dict[tuple[str, str], float], channels: list[str],
                           column_sums: dict[str, int], row_sums: list[tuple[str, int]]) -> tuple:
    """The overall 合计's row: compared with the printed 小计 and channel 合计 where they agree, else with the
    sum of the counts (see the module's docstring)."""
    by_hospitals = sum(printed.get(("bookings", hospital), total) for hospital, total in row_sums)
    by_channels = sum(printed.get(("bookings", f"total_{channel}"), column_sums.get(channel, 0))
                      for channel in channels)
    counts = sum(total for _, total in row_sums)
    computed = round(by_hospitals) if abs(by_hospitals - by_channels) <= TOLERANCE else counts
    return ("bookings", "total", "booking_grand_total", printed.get(("bookings", "total")), int(computed),
            len(row_sums), float(by_hospitals), float(by_channels))


def differing_totals(comparison: pl.DataFrame) -> pl.DataFrame:
    """The printed totals that do not equal what they total."""
    return comparison.filter(pl.col("status") == "differs")


def shown_comparison(comparison: pl.DataFrame) -> pl.DataFrame:
    """The comparison as a reader sees it: table, item, printed, computed, difference, status."""
    return comparison.select(SHOWN_COLUMNS)
