"""The table contract: the tidy tables every layer agrees on.

Table names, their columns and polars dtypes, and the booking channels. The reader produces
these tables, validation checks them, storage writes them and the analyses read them; every one
of those imports the contract from here, never from the parser.
"""
from __future__ import annotations

import polars as pl

# The booking channels, in the order the bulletin prints them, and the printed column labels.
CHANNELS = ("online_12320", "quick", "in_clinic", "third_party")
CHANNEL_LABELS = {"12320在线预约": "online_12320", "快速预约": "quick", "诊间预约": "in_clinic",
                  "第三方": "third_party", "小计": "subtotal"}

TABLE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "hotline": {"month": pl.String, "category": pl.String, "kind": pl.String, "count": pl.Int64},
    "bookings": {"month": pl.String, "seq": pl.Int64, "hospital": pl.String, "channel": pl.String,
                 "count": pl.Int64},
    "booking_platforms": {"month": pl.String, "platform": pl.String, "count": pl.Int64},
    "uploads": {"month": pl.String, "level": pl.String, "unit": pl.String,
                "scheduled_records": pl.Int64, "realtime_days": pl.Int64,
                "forms_uploaded": pl.Int64, "forms_expected": pl.Int64,
                "outpatient_visits": pl.Int64, "outpatient_income_k": pl.Float64,
                "discharges": pl.Int64, "inpatient_income_k": pl.Float64},
    "declared_totals": {"month": pl.String, "table": pl.String, "item": pl.String, "value": pl.Float64},
}
TABLE_NAMES = tuple(TABLE_SCHEMAS)
