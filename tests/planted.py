"""A synthetic archive with events planted in its last month, for the attention list's tests.

`planted_archive(months, start, seed)` generates `months` consecutive synthetic bulletins (njbulletin.synth)
and plants four events in the last one, keeping every printed total consistent (each hospital's 小计, the
合计 of each channel and overall, 12320快速预约 equal to the quick channel's total, the cumulative counters):

- `stops_uploading`: a hospital of the uploads table that uploaded every month prints 0 0 0/11 0 / 0 /;
- `bookings_jump`: a hospital booked in every month takes 2.5 times its online and third-party bookings
  (its quick bookings, which the platforms table repeats, are left alone);
- `completeness_shift`: a district with real-time uploads on every day of every month uploads 9 of its 11
  forms in each of the last 7 months, after uploading all 11 in the month before them (so the run of 7
  months below its mean ends, and begins, in the last month);
- `vanishes`: another hospital booked in every month is not in the last month's bookings table.

Each event names its unit as the bulletin prints it; `canonical` maps it to the registry's name.

`quiet_bulletins` generates an archive in which nothing happens (`nothing_happens`: every unit's level fixed,
no unit joining or leaving a table, only each month's noise), and `plant_quiet_events` plants one event in each
of its last five months (QUIET_EVENTS): a hospital's bookings up 60%, a district's real-time days halved, a
hospital's income per visit up 35%, a hospital vanishing from the bookings table, the city's third-party share
down 8 points.
"""
from __future__ import annotations

import copy
import math
import random
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from njbulletin.synth import bulletins as synth_bulletins
from njbulletin.synth import generate_bulletins, render_month
from njbulletin.synth.model import load_template, money_text, records_in_yi

GROWTH = 2.5
SHIFT_MONTHS = 7
FORMS_SHORT = 2


@dataclass(frozen=True)
class PlantedArchive:
    bulletins: list[tuple[str, str, dict]]  # (month, text, expected), the last one planted
    unplanted: list[tuple[str, str, dict]]  # the same months as generated
    events: dict[str, str]  # event -> the unit as printed


def always_present(bulletins, key: str, field: str, level: str | None = None) -> list[str]:
    """Units present in every month's `key` rows (uploads rows of `level`), in the last month's order."""
    months = [expected[key] for _, _, expected in bulletins]
    present = [{row[field] for row in rows if level is None or row["level"] == level} for rows in months]
    return [row[field] for row in months[-1] if all(row[field] in names for names in present)
            and (level is None or row["level"] == level)]


def choose_units(bulletins) -> dict[str, str]:
    booked = always_present(bulletins, "bookings", "hospital")
    booked = [name for name in booked if "含分院" not in name]  # one campus, one name
    uploading = [name for name in always_present(bulletins, "uploads", "unit", "hospital")
                 if all(next(row for row in expected["uploads"] if row["unit"] == name)["scheduled_records"]
                        for _, _, expected in bulletins[-2:])]
    days_ok = [name for name in always_present(bulletins, "uploads", "unit", "district")
               if all(row["realtime_days"] == expected["days_in_month"] and row["forms_expected"]
                      for _, _, expected in bulletins for row in expected["uploads"] if row["unit"] == name)]
    middle = len(booked) // 2
    return {"bookings_jump": booked[middle], "vanishes": booked[middle + 3],
            "stops_uploading": next(name for name in uploading[len(uploading) // 2:] if name not in booked),
            "completeness_shift": sorted(days_ok)[0]}


def recount_bookings(expected: dict, channels: list[str]) -> None:
    """Subtotals, order, 合计, cumulative bookings and 12320快速预约 after the bookings rows changed."""
    before = expected["booking_totals"]["total"]
    for row in expected["bookings"]:
        row["subtotal"] = sum(row[channel] for channel in channels)
    rows = sorted(expected["bookings"], key=lambda row: (-row["subtotal"], row["hospital"]))
    expected["bookings"] = [{**row, "seq": index + 1} for index, row in enumerate(rows)]
    totals = {channel: sum(row[channel] for row in rows) for channel in channels}
    expected["booking_totals"] = {**totals, "total": sum(totals.values())}
    expected["cumulative_bookings"] += expected["booking_totals"]["total"] - before
    for platform in expected["booking_platforms"]:
        if platform["platform"] == "12320快速预约":
            platform["count"] = totals["quick"]
    expected["booking_platforms"].sort(key=lambda row: (-row["count"], row["platform"]))
    expected["booking_platforms_total"] = sum(row["count"] for row in expected["booking_platforms"])


def stop_uploading(expected: dict, unit: str) -> None:
    row = next(row for row in expected["uploads"] if row["unit"] == unit)
    expected["cumulative_records_exact"] -= row["scheduled_records"]
    expected["cumulative_records"] = int(records_in_yi(expected["cumulative_records_exact"]) * 100_000_000)
    row.update(scheduled_records=0, realtime_days=0, forms_uploaded=0, outpatient_visits=0, outpatient_income_k=None,
               discharges=0, inpatient_income_k=None)


def shift_completeness(bulletins, unit: str) -> None:
    for offset, (_, _, expected) in enumerate(reversed(bulletins[-SHIFT_MONTHS - 1:])):
        row = next(row for row in expected["uploads"] if row["unit"] == unit)
        row["forms_uploaded"] = row["forms_expected"] - (FORMS_SHORT if offset < SHIFT_MONTHS else 0)


def planted_archive(months: int = 26, start: str = "2023-01", seed: int = 3) -> PlantedArchive:
    """`months` synthetic bulletins from `start`, the last one with the four events planted."""
    unplanted = generate_bulletins(months, start, seed)
    planted = copy.deepcopy(unplanted)
    events = choose_units(planted)
    last = planted[-1][2]
    channels = [key for key in last["booking_totals"] if key != "total"]
    for row in last["bookings"]:
        if row["hospital"] == events["bookings_jump"]:
            row.update({channel: round(row[channel] * GROWTH) for channel in channels if channel != "quick"})
    last["bookings"] = [row for row in last["bookings"] if row["hospital"] != events["vanishes"]]
    recount_bookings(last, channels)
    stop_uploading(last, events["stops_uploading"])
    shift_completeness(planted, events["completeness_shift"])
    template = load_template()
    changed = len(planted) - SHIFT_MONTHS - 1  # the months from here on were changed: written again
    rendered = [(month, render_month(random.Random(f"{seed}-{month}"), template, expected) if index >= changed
                 else text, expected) for index, (month, text, expected) in enumerate(planted)]
    return PlantedArchive(rendered, unplanted, events)


# ----------------------------------------------------------------------------- a quiet archive, and five events


PRICE_SIGMA = 0.02  # a quiet hospital's income per visit (or discharge) varies by about 2% a month


def steady_prices(upload_figures):
    """njbulletin.synth's upload figures with each income following its activity (the base month's income per
    visit or discharge, times a noise of PRICE_SIGMA), as a hospital's prices do, instead of drawing the income's
    noise apart from the visits' (which makes the income per visit vary by about 11% a month)."""
    def figures(rng, unit, days, *scale):
        row = upload_figures(rng, unit, days, *scale)
        for money, activity in (("outpatient_income_k", "outpatient_visits"), ("inpatient_income_k", "discharges")):
            base_money, base_activity = unit.base[money], unit.base[activity]
            if row[money] and row[activity] and base_activity:
                price = base_money / base_activity * math.exp(rng.gauss(0.0, PRICE_SIGMA))
                row[money] = float(money_text(price * row[activity]))
        return row
    return figures


@contextmanager
def nothing_happens():
    """While active, njbulletin.synth generates months in which nothing happens: every unit keeps its level
    (no random walk), no hospital or unit joins or leaves a table, and prices are steady (`steady_prices`); only
    each month's noise remains."""
    with mock.patch.object(synth_bulletins, "walk", lambda rng, level: level), \
            mock.patch.object(synth_bulletins, "change_bookings", lambda *arguments: None), \
            mock.patch.object(synth_bulletins, "change_uploads", lambda *arguments: None), \
            mock.patch.object(synth_bulletins, "upload_figures", steady_prices(synth_bulletins.upload_figures)):
        yield


def quiet_bulletins(months: int = 38, start: str = "2022-01", seed: int = 5) -> list[tuple[str, str, dict]]:
    with nothing_happens():
        return synth_bulletins.generate_bulletins(months, start, seed)


QUIET_EVENTS = ("bookings_up_60", "realtime_days_halved", "income_per_visit_up_35", "vanishes",
                "third_party_down_8")


def by_bookings(expected: dict) -> list[str]:
    return [row["hospital"] for row in sorted(expected["bookings"], key=lambda row: -row["subtotal"])
            if "含分院" not in row["hospital"]]


def plant_bookings_up(expected: dict, hospital: str, channels: list[str]) -> None:
    row = next(row for row in expected["bookings"] if row["hospital"] == hospital)
    row.update({channel: round(row[channel] * 1.6) for channel in channels if channel != "quick"})
    recount_bookings(expected, channels)


def plant_third_party_down(expected: dict, channels: list[str], points: float = 0.08) -> None:
    """Move bookings from the third-party channel to the in-clinic one in every hospital, in proportion, so that
    the city's third-party share falls by `points`; each hospital's 小计 is unchanged."""
    total = sum(row["subtotal"] for row in expected["bookings"])
    third = sum(row["third_party"] for row in expected["bookings"])
    factor = (third - points * total) / third
    for row in expected["bookings"]:
        moved = row["third_party"] - round(row["third_party"] * factor)
        row.update(third_party=row["third_party"] - moved, in_clinic=row["in_clinic"] + moved)
    recount_bookings(expected, channels)


def plant_quiet_events(bulletins) -> tuple[list[tuple[str, str, dict]], dict[str, tuple[str, str]]]:
    """A copy of the quiet archive with one event in each of its last five months (QUIET_EVENTS order), each
    month rendered again with its printed totals consistent: event -> (month, unit as printed)."""
    planted = copy.deepcopy(bulletins)
    months = [month for month, _, _ in planted]
    targets = dict(zip(QUIET_EVENTS, range(len(planted) - 5, len(planted))))
    events = {}
    for event, index in targets.items():
        expected = planted[index][2]
        channels = [key for key in expected["booking_totals"] if key != "total"]
        if event == "bookings_up_60":
            unit = by_bookings(expected)[2]
            plant_bookings_up(expected, unit, channels)
        elif event == "vanishes":
            unit = by_bookings(expected)[3]
            expected["bookings"] = [row for row in expected["bookings"] if row["hospital"] != unit]
            recount_bookings(expected, channels)
        elif event == "third_party_down_8":
            unit = "南京市"
            plant_third_party_down(expected, channels)
        elif event == "realtime_days_halved":
            full = [row for row in expected["uploads"] if row["level"] == "district"
                    and row["realtime_days"] == expected["days_in_month"]]
            row = full[0]
            unit = row["unit"]
            row["realtime_days"] = row["realtime_days"] // 2
        else:
            hospitals = sorted((row for row in expected["uploads"] if row["level"] == "hospital"
                                and row["outpatient_visits"] and row["outpatient_income_k"]),
                               key=lambda row: -row["outpatient_visits"])
            row = hospitals[2]
            unit = row["unit"]
            row["outpatient_income_k"] = float(money_text(row["outpatient_income_k"] * 1.35))
        events[event] = (months[index], unit)
    template = load_template()
    rendered = [(month, render_month(random.Random(f"quiet-{month}"), template, expected)
                 if index in targets.values() else text, expected)
                for index, (month, text, expected) in enumerate(planted)]
    return rendered, events
