"""The model of a synthetic month: the seed as template, each unit's figures as a slow random walk, and
hospitals joining and leaving."""
from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from njbulletin import config
from njbulletin.contract import order_channels
from njbulletin.errors import UsageError

TEMPLATE_PATH = config.PROJECT_ROOT / "data" / "raw" / f"{config.DEFAULT_MONTH}.txt"
REGISTRY_PATH = config.REFERENCE_DIR / "hospitals.csv"
MAX_MONTHS = 1200
SYNTHETIC_MARKER = "【合成数据 SYNTHETIC】"

QUICK_PLATFORM = "12320快速预约"
UPLOAD_FIELDS = ("scheduled_records", "realtime_days", "forms_uploaded", "forms_expected", "outpatient_visits",
                 "outpatient_income_k", "discharges", "inpatient_income_k")
FLOW_FIELDS = ("scheduled_records", "outpatient_visits", "outpatient_income_k", "discharges", "inpatient_income_k")
MONEY_FIELDS = ("outpatient_income_k", "inpatient_income_k")

# How the model moves from month to month.
WALK_SIGMA = 0.05  # a unit's level: log random walk
NOISE_SIGMA = 0.08  # one month's figure around its level
CHANGE_PROBABILITY = 0.25  # per month and table: a hospital joins; the same again for one leaving
UPLOADS_CHANGE_PROBABILITY = 0.12
MIN_BOOKING_HOSPITALS = 20
REFERENCE_DAYS = 30  # the seed's month length, which its figures are relative to
# Volumes follow China's calendar (njbulletin.workdays): they scale with the month's working days against the
# seed's, and the Spring Festival keeps patients away: a month holding the festival's whole window has
# FESTIVAL_DEPTH fewer per working day (2024-02: 18/21 x 0.75 = 0.64 of the seed, as the published seasonal
# indices of Chinese hospitals' visits put January and February, 0.62-0.75 of an average month).
FESTIVAL_DEPTH = 0.25


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class BookingUnit:
    hospital: str
    base: tuple[int, ...]  # per channel of the template (Template.channels), at the seed's month length
    level: float = 1.0


@dataclass(frozen=True)
class UploadUnit:
    level_name: str  # 'district' | 'hospital'
    unit: str
    base: dict  # UPLOAD_FIELDS -> seed value (None where the seed prints '/')
    level: float = 1.0


@dataclass(frozen=True)
class Template:
    """What the seed gives the generator: its prose, its measure words and its figures."""

    prose_before: list[str]
    prose_after: list[str]
    hotline: list[tuple[str, str, int, str]]  # category, kind, count, measure word
    bookings: list[BookingUnit]
    platforms: list[tuple[str, int]]
    uploads: list[UploadUnit]
    cumulative_bookings: int
    cumulative_records: int
    channels: tuple[str, ...] = ()  # the booking channels the template prints, in the channels file's order


def load_template(path: Path = TEMPLATE_PATH) -> Template:
    """Read the seed bulletin: the parsed figures and the prose around its statistics section."""
    from njbulletin.reading.grammar import SECTION_HEADINGS
    from njbulletin.reading.parser import parse_bulletin

    bulletin = parse_bulletin(path)
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    compact = [line.replace(" ", "") for line in lines]
    start = next(i for i, text in enumerate(compact) if SECTION_HEADINGS["hotline"].search(text))
    end_line = bulletin.line_of("declared_totals", "uploads/cumulative_records")
    if end_line is None:
        raise UsageError(f"{path}: the template has no cumulative records line (累计校验入库数据)")
    tables = bulletin.tables
    declared = {(t, i): v for t, i, v in tables["declared_totals"].select("table", "item", "value").iter_rows()}
    paragraph = "".join(compact[start + 1:start + 12])
    hotline = [(category, kind, count, measure_word(paragraph, category, kind))
               for category, kind, count in tables["hotline"].select("category", "kind", "count").iter_rows()]
    channels = tuple(order_channels(tables["bookings"]["channel"].unique(maintain_order=True).to_list()))
    wide = tables["bookings"].pivot(on="channel", index=["seq", "hospital"], values="count").sort("seq")
    bookings = [BookingUnit(row["hospital"], tuple(row[c] or 0 for c in channels))
                for row in wide.iter_rows(named=True)]
    uploads = [UploadUnit(row["level"], row["unit"], {f: row[f] for f in UPLOAD_FIELDS})
               for row in tables["uploads"].iter_rows(named=True)]
    return Template(
        prose_before=lines[:start], prose_after=lines[end_line:],
        hotline=hotline, bookings=bookings,
        platforms=list(tables["booking_platforms"].select("platform", "count").iter_rows()),
        uploads=uploads,
        cumulative_bookings=int(declared[("bookings", "cumulative_bookings")]),
        cumulative_records=int(declared[("uploads", "cumulative_records")]),
        channels=channels,
    )


def measure_word(paragraph: str, category: str, kind: str) -> str:
    """The word the seed counts a hotline category in (个, 通, 件)."""
    match = re.search(re.escape(category) + r"\d[\d,]*(个|通|件|次|起|例)", paragraph)
    return match.group(1) if match else ("件" if kind == "work_order" else "个")


def registry_hospitals(path: Path = REGISTRY_PATH) -> list[tuple[str, set[str]]]:
    """(canonical name, every name it goes by) for each hospital in the registry, in file order."""
    import csv

    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [(row["canonical"], {row["canonical"], *filter(None, (row.get("aliases") or "").split("|"))})
            for row in rows if row.get("kind") == "hospital"]


# --------------------------------------------------------------------------- one month


def volume_scale(month: str, template_month: str = config.DEFAULT_MONTH) -> float:
    """How a volume of `month` compares with the template's: working days over the template's (calendar days
    over REFERENCE_DAYS for a month no calendar covers), times 1 - FESTIVAL_DEPTH x the festival's share."""
    from njbulletin.workdays import month_calendar

    facts, template = month_calendar(month), month_calendar(template_month)
    if facts.working_days is not None and template.working_days:
        days = facts.working_days / template.working_days
    else:
        days = facts.calendar_days / REFERENCE_DAYS
    return days * (1 - FESTIVAL_DEPTH * facts.festival_share)


def perturb(rng: random.Random, base: float, level: float, scale: float) -> float:
    """A month's figure around a unit's level; zero stays zero."""
    if not base:
        return 0.0
    return base * level * scale * math.exp(rng.gauss(0.0, NOISE_SIGMA))


def walk(rng: random.Random, level: float) -> float:
    """A unit's level next month: a log random walk, pulled gently back towards 1."""
    return math.exp(0.9 * math.log(level) + rng.gauss(0.0, WALK_SIGMA))


def money_text(value: float) -> str:
    """Thousand yuan as the seed prints it: up to two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def hotline_figures(rng: random.Random, template: Template, scale: float) -> list[dict]:
    return [{"category": category, "kind": kind, "count": max(1, round(perturb(rng, count, 1.0, scale))),
             "measure": measure} for category, kind, count, measure in template.hotline]


def booking_figures(rng: random.Random, units: list[BookingUnit], scale: float, channels: tuple[str, ...]
                    ) -> list[dict]:
    rows = []
    for unit in units:
        counts = {channel: round(perturb(rng, base, unit.level, scale)) for channel, base in zip(channels, unit.base)}
        if not any(counts.values()):
            counts[channels[0]] = 1  # a hospital in the table took at least one booking
        rows.append({"hospital": unit.hospital, **counts, "subtotal": sum(counts.values())})
    rows.sort(key=lambda row: (-row["subtotal"], row["hospital"]))
    return [{"seq": index + 1, **row} for index, row in enumerate(rows)]


def platform_figures(rng: random.Random, platforms: list[tuple[str, int]], quick_total: int | None,
                     scale: float) -> list[dict]:
    rows = [{"platform": name, "count": quick_total if name == QUICK_PLATFORM and quick_total is not None
             else max(1, round(perturb(rng, count, 1.0, scale)))} for name, count in platforms]
    return sorted(rows, key=lambda row: (-row["count"], row["platform"]))


def realtime_days(rng: random.Random, seed_days: int | None, days: int) -> int | None:
    """Days with real-time uploads: many units every day, the others short, a silent unit mostly silent."""
    if seed_days is None:
        return None
    if seed_days == 0:
        return 0 if rng.random() < 0.8 else rng.randint(1, days // 2)
    reliability = seed_days / REFERENCE_DAYS
    if rng.random() < max(0.3, reliability ** 3):
        return days
    return min(days - 1, max(1, round(days * rng.uniform(0.4, 0.97))))


def upload_figures(rng: random.Random, unit: UploadUnit, days: int, scale: float) -> dict:
    """A unit's upload row: its flows (records, visits, incomes, discharges) scaled by `scale`
    (`volume_scale`), its real-time days out of the month's `days`."""
    base = unit.base
    row = {"level": unit.level_name, "unit": unit.unit}
    live = bool(base["scheduled_records"])
    for field in FLOW_FIELDS:
        value = base[field]
        if value is None or not live:
            row[field] = value
        elif field in MONEY_FIELDS:
            row[field] = float(money_text(perturb(rng, value, unit.level, scale)))
        else:
            row[field] = round(perturb(rng, value, unit.level, scale))
    row["realtime_days"] = realtime_days(rng, base["realtime_days"], days) if live else base["realtime_days"]
    expected = base["forms_expected"]
    row["forms_expected"] = expected
    if not live or expected is None or row["realtime_days"] is None:
        row["forms_uploaded"] = base["forms_uploaded"]
    elif row["realtime_days"] == days:
        row["forms_uploaded"] = expected if rng.random() < 0.85 else expected - 1
    else:
        row["forms_uploaded"] = min(expected, max(0, round(expected * row["realtime_days"] / days
                                                           + rng.uniform(-1, 1))))
    return {key: row[key] for key in ("level", "unit", *UPLOAD_FIELDS)}


def records_in_yi(records: int) -> Decimal:
    """Records in 亿 (10^8) with two decimals, as the bulletin prints the cumulative counter."""
    return (Decimal(records) / Decimal(100_000_000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- membership changes


@dataclass
class Roster:
    """The units in each table this month, and the names that could join."""

    bookings: list[BookingUnit]
    uploads: list[UploadUnit]
    booking_pool: list[str]
    upload_pool: list[str]


def initial_roster(template: Template, registry: list[tuple[str, set[str]]]) -> Roster:
    booked = {unit.hospital for unit in template.bookings}
    uploading = {unit.unit for unit in template.uploads}
    return Roster(bookings=list(template.bookings), uploads=list(template.uploads),
                  booking_pool=[name for name, aliases in registry if not aliases & booked],
                  upload_pool=[name for name, aliases in registry if not aliases & uploading])


def change_bookings(rng: random.Random, roster: Roster, changes: dict) -> None:
    """Now and then a small hospital leaves the bookings table, or one from the registry joins it."""
    units = roster.bookings
    if rng.random() < CHANGE_PROBABILITY and len(units) > MIN_BOOKING_HOSPITALS:
        small = sorted(units, key=lambda u: (sum(u.base) * u.level, u.hospital))[:max(1, len(units) // 3)]
        leaving = small[rng.randrange(len(small))]
        units.remove(leaving)
        changes["bookings_dropped"].append(leaving.hospital)
    if rng.random() < CHANGE_PROBABILITY and roster.booking_pool:
        name = roster.booking_pool.pop(rng.randrange(len(roster.booking_pool)))
        model = units[rng.randrange(len(units) // 2, len(units))]
        factor = rng.uniform(0.5, 1.5)
        base = tuple(round(value * factor) for value in model.base)
        units.append(BookingUnit(name, base if any(base) else (1,) + (0,) * (len(base) - 1)))
        changes["bookings_added"].append(name)
    roster.booking_pool.extend(changes["bookings_dropped"])  # may come back, but not in the month it left


def change_uploads(rng: random.Random, roster: Roster, changes: dict) -> None:
    """Now and then a hospital stops reporting to the platform, or a new one is connected."""
    hospitals = [unit for unit in roster.uploads if unit.level_name == "hospital"]
    if rng.random() < UPLOADS_CHANGE_PROBABILITY and len(hospitals) > MIN_BOOKING_HOSPITALS:
        smaller = sorted(hospitals, key=lambda u: ((u.base["scheduled_records"] or 0) * u.level, u.unit))
        smaller = smaller[:max(1, len(smaller) // 2)]
        leaving = smaller[rng.randrange(len(smaller))]
        roster.uploads.remove(leaving)
        changes["uploads_dropped"].append(leaving.unit)
    live = [unit for unit in hospitals if unit.base["scheduled_records"] and unit in roster.uploads]
    if rng.random() < UPLOADS_CHANGE_PROBABILITY and roster.upload_pool and live:
        name = roster.upload_pool.pop(rng.randrange(len(roster.upload_pool)))
        model = live[rng.randrange(len(live))]
        factor = rng.uniform(0.2, 0.6)
        base = {field: (round(value * factor, 2) if field in MONEY_FIELDS else round(value * factor))
                if field in FLOW_FIELDS and value is not None else value for field, value in model.base.items()}
        roster.uploads.append(UploadUnit("hospital", name, base))
        changes["uploads_added"].append(name)
    roster.upload_pool.extend(changes["uploads_dropped"])
