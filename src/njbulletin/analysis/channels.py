"""Bookings by channel, hospital and platform; hotline calls; printed totals; booking penetration.

Shares are fractions in [0, 1] (the notebooks format them as percentages). The channels are those the
month prints, in the channels file's order (data/reference/channels.csv); a channel the month does not
print is left out, never counted as 0.
"""
from __future__ import annotations

import polars as pl

from njbulletin.contract import order_channels
from njbulletin.validate.reconcile import compare_printed_totals, shown_comparison


def share_of_total(column: str) -> pl.Expr:
    """A column divided by its total (null when the total is 0)."""
    total = pl.col(column).sum()
    return pl.when(total > 0).then(pl.col(column) / total)


def month_channels(bookings: pl.DataFrame) -> list[str]:
    """The channels a month prints (those with rows), in the channels file's order."""
    return order_channels(bookings["channel"].unique(maintain_order=True).to_list())


def summarise_channels(bookings: pl.DataFrame) -> pl.DataFrame:
    """channel, count, share: every channel the month prints, in the bulletin's order."""
    counts = bookings.group_by("channel").agg(pl.col("count").sum())
    return (pl.DataFrame({"channel": month_channels(bookings)}, schema={"channel": pl.String})
            .join(counts, on="channel", how="left")
            .with_columns(pl.col("count").fill_null(0).cast(pl.Int64))
            .with_columns(share_of_total("count").alias("share")))


def rank_channels(by_channel: pl.DataFrame) -> pl.DataFrame:
    """summarise_channels' rows, largest first (tied channels keep the bulletin's order): how a table of the
    channels is shown, sorted by what it shows."""
    return by_channel.sort("count", descending=True, maintain_order=True)


def pivot_channel_mix(bookings: pl.DataFrame) -> pl.DataFrame:
    """One row per hospital (largest first): a count column per channel the month prints, total, and a share
    column per channel (`<channel>_share`)."""
    channels = month_channels(bookings)
    wide = (bookings.group_by("hospital", maintain_order=True)
            .agg([pl.col("count").filter(pl.col("channel") == channel).sum().alias(channel)
                  for channel in channels]))
    return (wide.with_columns(pl.sum_horizontal(*channels).alias("total") if channels else pl.lit(0).alias("total"))
            .with_columns([pl.when(pl.col("total") > 0).then(pl.col(c) / pl.col("total")).alias(f"{c}_share")
                           for c in channels])
            .sort("total", descending=True, maintain_order=True))


def rank_hospital_shares(bookings: pl.DataFrame) -> pl.DataFrame:
    """hospital, total, share of all bookings, cumulative share; largest first."""
    return (bookings.group_by("hospital", maintain_order=True).agg(pl.col("count").sum().alias("total"))
            .sort("total", descending=True, maintain_order=True)
            .with_columns(share_of_total("total").alias("share"))
            .with_columns(pl.col("share").cum_sum().alias("cumulative_share")))


def measure_concentration(bookings: pl.DataFrame, top: int = 5) -> dict:
    """Concentration of bookings across hospitals: the largest hospital, its share, the top-`top` share,
    and the Herfindahl-Hirschman index (the sum of squared hospital shares, 1 = one hospital)."""
    shares = rank_hospital_shares(bookings)
    if shares.height == 0 or shares["total"].sum() == 0:
        return {"hospitals": shares.height, "top1_hospital": None, "top1_share": None,
                "top_n": top, "top_n_share": None, "hhi": None}
    return {"hospitals": shares.height,
            "top1_hospital": shares["hospital"][0],
            "top1_share": float(shares["share"][0]),
            "top_n": top,  # how many hospitals top_n_share adds up
            "top_n_share": float(shares["share"].head(top).sum()),
            "hhi": float((shares["share"] ** 2).sum())}


def list_hospitals_without(bookings: pl.DataFrame, channel: str) -> pl.DataFrame:
    """Hospitals with no booking through one channel (a cell 0 or '/'), with their total bookings. Empty when
    the month does not print the channel at all: nothing is known about it then."""
    mix = pivot_channel_mix(bookings)
    if channel not in mix.columns:
        return mix.select("hospital", "total").clear()
    return mix.filter(pl.col(channel).fill_null(0) == 0).select("hospital", "total")


def summarise_platforms(platforms: pl.DataFrame) -> pl.DataFrame:
    """platform, count, share of the platforms' sum; largest first."""
    return (platforms.select("platform", "count").sort("count", descending=True, maintain_order=True)
            .with_columns(share_of_total("count").alias("share")))


def summarise_hotline(hotline: pl.DataFrame) -> pl.DataFrame:
    """kind, category, count, share within its kind (calls and work orders are kept apart)."""
    return (hotline.select("kind", "category", "count")
            .with_columns(pl.when(pl.col("count").sum().over("kind") > 0)
                          .then(pl.col("count") / pl.col("count").sum().over("kind")).alias("share_of_kind"))
            .sort(["kind", "count"], descending=[False, True], maintain_order=True))


def declared_value(declared: pl.DataFrame, table: str, item: str) -> float | None:
    found = declared.filter((pl.col("table") == table) & (pl.col("item") == item))
    return float(found["value"][0]) if found.height else None


def reconcile_printed_totals(bookings: pl.DataFrame, platforms: pl.DataFrame, hotline: pl.DataFrame,
                             declared: pl.DataFrame) -> pl.DataFrame:
    """Every printed total next to what it should be: table, item, printed, computed, difference, status.

    status is 'match', 'differs', or 'not printed' (nothing to compare with). This is validation's own
    comparison (`njbulletin.validate.reconcile`): a total that differs here is an error of the month.
    """
    return shown_comparison(compare_printed_totals(bookings, platforms, hotline, declared))


def compute_booking_penetration(bookings: pl.DataFrame, uploads: pl.DataFrame,
                                registry: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Bookings / outpatient visits for each institution found in both tables after name resolution.

    Both sides are taken per institution, as validation matches them: a campus printed on a row of its
    own (南京市妇幼保健院(丁家庄院区) in bookings) counts with its parent hospital, whose uploads row covers
    it. Returns (ranked, excluded). ranked: canonical_name (the institution), english_name,
    bookings_name, uploads_name (the printed names, joined with ' + ' when several), bookings,
    outpatient_visits, penetration; highest first. excluded: hospital, table, reason for every booking
    institution not matched in the hospital uploads or whose outpatient visits are 0 or missing (table
    'bookings'), and every uploads institution with no bookings row (table 'uploads').
    """
    from njbulletin.validate.names import NAME_JOINER, resolve_institutions, resolve_names

    booked = (resolve_institutions(bookings.group_by("hospital", maintain_order=True)
                                   .agg(pl.col("count").sum().alias("bookings")), "hospital", registry)
              .group_by("institution", maintain_order=True)
              .agg(pl.col("hospital").str.join(NAME_JOINER).alias("bookings_name"), pl.col("bookings").sum(),
                   pl.col("name_known").all()))
    visits = (resolve_institutions(uploads.filter(pl.col("level") == "hospital")
                                   .select(pl.col("unit").alias("uploads_name"), "outpatient_visits"),
                                   "uploads_name", registry)
              .group_by("institution", maintain_order=True)
              .agg(pl.col("uploads_name").str.join(NAME_JOINER),
                   pl.when(pl.col("outpatient_visits").is_null().any()).then(None)
                   .otherwise(pl.col("outpatient_visits").sum()).first().alias("outpatient_visits")))
    joined = booked.join(visits, on="institution", how="left", maintain_order="left")
    reason = (pl.when(pl.col("uploads_name").is_null())
              .then(pl.format("not in the hospital uploads table{}",
                              pl.when(pl.col("name_known")).then(pl.lit("")).otherwise(pl.lit(" (name not in the registry)"))))
              .when(pl.col("outpatient_visits").is_null()).then(pl.lit("outpatient visits missing"))
              .when(pl.col("outpatient_visits") == 0).then(pl.lit("outpatient visits 0"))
              .otherwise(pl.lit(None, pl.String)))
    joined = joined.with_columns(reason.alias("reason"))
    ranked = (resolve_names(joined.filter(pl.col("reason").is_null()), "institution", registry)
              .with_columns((pl.col("bookings") / pl.col("outpatient_visits")).alias("penetration"))
              .sort("penetration", descending=True, maintain_order=True)
              .select("canonical_name", "english_name", "bookings_name", "uploads_name", "bookings",
                      "outpatient_visits", "penetration"))
    unbooked = (visits.join(booked, on="institution", how="anti")
                .select(pl.col("uploads_name").alias("hospital"), pl.lit("uploads").alias("table"),
                        pl.lit(None, pl.Int64).alias("bookings"), "outpatient_visits",
                        pl.lit("not in the bookings table").alias("reason")))
    excluded = pl.concat([
        joined.filter(pl.col("reason").is_not_null())
        .select(pl.col("bookings_name").alias("hospital"), pl.lit("bookings").alias("table"), "bookings",
                "outpatient_visits", "reason"),
        unbooked])
    return ranked, excluded
