"""Synthetic months: bulletins in the seed's format with plausibly perturbed, consistent figures.

`generate_bulletins(months, start, seed)` returns, for each of `months` consecutive months, the month,
the bulletin text and the figures it was written from (`expected`). The text keeps the seed's prose
before and after the statistics section and rewrites that section from a model of the month:

- every printed total is consistent: each hospital's 小计, the 合计 of each channel and overall, the
  platforms' 合计, 12320快速预约 equal to the quick-channel total, the hotline total equal to the sum
  of its six call categories;
- each unit's figures follow a slow random walk, scaled by the length of the month;
- real-time upload days never exceed the days of the month, and many units upload on every day;
- the cumulative counters advance: bookings by the month's total, records by the month's scheduled
  uploads (printed in 亿 with two decimals, as the seed prints them);
- now and then a hospital joins or leaves the bookings or the uploads table (new ones are taken from
  data/reference/hospitals.csv, so they are real names the registry knows);
- tables break across pages with the header repeated, as in the seed;
- the first line says the file is synthetic.

The same seed gives the same text, byte for byte. `njbulletin synth` writes YYYY-MM.txt and, beside
it, YYYY-MM.expected.json; it refuses to write into the raw data folder.
"""
from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from njbulletin import config
from njbulletin.atomic import write_text_atomic
from njbulletin.contract import CHANNEL_REFERENCE, order_channels
from njbulletin.errors import UsageError
from njbulletin.layout import refuse_writes_under_raw
from njbulletin.months import days_in_month, shift_month, validate_month

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


def upload_figures(rng: random.Random, unit: UploadUnit, days: int) -> dict:
    base = unit.base
    scale = days / REFERENCE_DAYS
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


# --------------------------------------------------------------------------- text


def display_width(text: str) -> int:
    return sum(1 if ord(char) < 0x80 else 2 for char in text)


def wrap_paragraph(text: str, width: int = 68) -> list[str]:
    """Break a paragraph into lines of about `width` columns (a CJK character is two), never inside a
    run of ASCII (numbers stay whole), as the seed's extracted text is broken."""
    lines, current = [], ""
    for token in re.findall(r"[\x21-\x7e]+|\s|.", text):
        if current and display_width(current + token) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    return lines + ([current.rstrip()] if current.strip() else [])


def space_digits(name: str) -> str:
    """A name as the bulletin prints it: a run of digits set off by spaces (南京卫生 12320 网)."""
    return re.sub(r"\s*(\d+)\s*", r" \1 ", name).strip()


def page_break(page: int, header: list[str]) -> list[str]:
    """Page furniture where a table continues on the next page: the page number, the header again."""
    return [f"- {page} -", "", *(" " + line if i == 0 else line for i, line in enumerate(header))]


def render_hotline(year: int, month: int, hotline: list[dict]) -> list[str]:
    calls = [row for row in hotline if row["kind"] == "call"]
    orders = [row for row in hotline if row["kind"] != "call"]
    total = sum(row["count"] for row in calls)
    item = lambda row: f"{space_digits(row['category'])} {row['count']} {row['measure']}"  # noqa: E731
    text = (f"{year} 年 {month} 月，南京 12320 卫生热线共受理咨询电话 {total} 个，其中"
            + "、".join(map(item, calls)) + ("，受理" + "，".join(map(item, orders)) if orders else "") + "。")
    lines = [f"南京 12320 卫生热线 {year} 年 {month} 月数据统计", ""]
    for line in wrap_paragraph(text):
        lines += [line, ""]
    return lines


def booking_header(channels: tuple[str, ...]) -> list[str]:
    """The bookings header: each channel under its first printed label (data/reference/channels.csv)."""
    labels = {channel.code: channel.labels[0] for channel in CHANNEL_REFERENCE}
    return ["序号 单位 " + " ".join(labels[channel] for channel in channels) + " 小计"]


UPLOAD_HEADER = ["接入单位 定时数据上传量 实时数据上传天数 实时数据表单上传情况", "门急诊信息 出院信息", "",
                 "人次 收入（千元） 人次 住院收入（千元）"]


def render_bookings(year: int, month: int, rows: list[dict], cumulative: int, break_after: int,
                    page: int, channels: tuple[str, ...]) -> list[str]:
    header = booking_header(channels)
    lines = [f"{year} 年 {month} 月 12320 预约挂号服务统计", "", header[0], ""]
    for index, row in enumerate(rows):
        if index == break_after:
            lines += page_break(page, header) + [""]
        counts = " ".join(str(row[key]) for key in (*channels, "subtotal"))
        lines += [f"{row['seq']} {row['hospital']} {counts}", ""]
    totals = [sum(row[channel] for row in rows) for channel in channels]
    lines += ["合计 " + " ".join(map(str, [*totals, sum(totals)])), "",
              f"（截止 {year} 年 {month} 月，总预约挂号量为 {cumulative} 次）", ""]
    return lines


def render_platforms(year: int, month: int, rows: list[dict]) -> list[str]:
    lines = [f"{year} 年 {month} 月度线上预约情况统计", "", "（不包含 12320 电话预约、医院诊间预约、医院自有途径预约）", "",
             "序号 名称 预约数量 序号 名称 预约数量", ""]
    half = (len(rows) + 1) // 2
    record = lambda i: f"{i + 1} {space_digits(rows[i]['platform'])} {rows[i]['count']}"  # noqa: E731
    for i in range(half):
        lines += [record(i) + (f" {record(i + half)}" if i + half < len(rows) else ""), ""]
    lines += [f"合计：{sum(row['count'] for row in rows)}"]
    return lines


def upload_cell(value) -> str:
    if value is None:
        return "/"
    return money_text(value) if isinstance(value, float) else str(value)


def render_uploads(year: int, month: int, level: str, rows: list[dict], break_after: int | None,
                   page: int) -> list[str]:
    title = "区" if level == "district" else "医院"
    lines = [f" {year} 年 {month} 月南京市卫生信息平台数据采集情况（{title}）", "", *UPLOAD_HEADER, ""]
    for index, row in enumerate(rows):
        if index == break_after:
            lines += page_break(page, UPLOAD_HEADER) + [""]
        forms = "/" if row["forms_expected"] is None else f"{row['forms_uploaded']}/{row['forms_expected']}"
        cells = [row["unit"], upload_cell(row["scheduled_records"]), upload_cell(row["realtime_days"]), forms,
                 *(upload_cell(row[f]) for f in ("outpatient_visits", "outpatient_income_k", "discharges",
                                                  "inpatient_income_k"))]
        lines += [" ".join(cells), ""]
    return lines


# --------------------------------------------------------------------------- months


def generate_bulletins(months: int, start: str = "2024-12", seed: int = 0, *,
                       template_path: Path = TEMPLATE_PATH,
                       registry_path: Path = REGISTRY_PATH) -> list[tuple[str, str, dict]]:
    """`months` consecutive synthetic bulletins from `start`: (month, text, expected figures) each."""
    validate_month(start)
    if not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise UsageError(f"--months must be a whole number from 1 to {MAX_MONTHS}, got {months!r}")
    template = load_template(Path(template_path))
    rng = random.Random(seed)
    roster = initial_roster(template, registry_hospitals(Path(registry_path)))
    cumulative_bookings, cumulative_records = template.cumulative_bookings, template.cumulative_records
    results = []
    for offset in range(months):
        month = shift_month(start, offset)
        changes = {"bookings_added": [], "bookings_dropped": [], "uploads_added": [], "uploads_dropped": []}
        change_bookings(rng, roster, changes)
        change_uploads(rng, roster, changes)
        roster.bookings = [replace(unit, level=walk(rng, unit.level)) for unit in roster.bookings]
        roster.uploads = [replace(unit, level=walk(rng, unit.level)) for unit in roster.uploads]
        expected = month_figures(rng, template, roster, month, seed)
        cumulative_bookings += expected["booking_totals"]["total"]
        cumulative_records += sum(row["scheduled_records"] or 0 for row in expected["uploads"])
        expected["cumulative_bookings"] = cumulative_bookings
        expected["cumulative_records_exact"] = cumulative_records
        expected["cumulative_records"] = int(records_in_yi(cumulative_records) * 100_000_000)
        expected["changes"] = changes
        results.append((month, render_month(rng, template, expected), expected))
    return results


def month_figures(rng: random.Random, template: Template, roster: Roster, month: str, seed: int) -> dict:
    """Every figure of one month, as the bulletin will print it."""
    days = days_in_month(month)
    scale = days / REFERENCE_DAYS
    hotline = hotline_figures(rng, template, scale)
    bookings = booking_figures(rng, roster.bookings, scale, template.channels)
    totals = {channel: sum(row[channel] for row in bookings) for channel in template.channels}
    platforms = platform_figures(rng, template.platforms, totals.get("quick"), scale)
    uploads = [upload_figures(rng, unit, days) for unit in roster.uploads]
    order = lambda row: (row["scheduled_records"] is None, -(row["scheduled_records"] or 0), row["unit"])  # noqa: E731
    uploads = (sorted((r for r in uploads if r["level"] == "district"), key=order)
               + sorted((r for r in uploads if r["level"] == "hospital"), key=order))
    return {
        "synthetic": True, "generator": "njbulletin synth", "seed": seed, "month": month, "days_in_month": days,
        "hotline": hotline,
        "hotline_total_calls": sum(row["count"] for row in hotline if row["kind"] == "call"),
        "bookings": bookings,
        "booking_totals": {**totals, "total": sum(totals.values())},
        "booking_platforms": platforms,
        "booking_platforms_total": sum(row["count"] for row in platforms),
        "uploads": uploads,
    }


def render_month(rng: random.Random, template: Template, expected: dict) -> str:
    """The bulletin text: the marker line, the seed's prose, the month's statistics, the seed's closing prose."""
    year, month = (int(part) for part in expected["month"].split("-"))
    bookings = expected["bookings"]
    districts = [row for row in expected["uploads"] if row["level"] == "district"]
    hospitals = [row for row in expected["uploads"] if row["level"] == "hospital"]
    booking_break = rng.randint(len(bookings) // 2, len(bookings) - 5) if len(bookings) > 10 else None
    upload_break = rng.randint(len(hospitals) // 3, len(hospitals) - 5) if len(hospitals) > 10 else None
    marker = (f"{SYNTHETIC_MARKER} 本文件由 njbulletin synth 生成（seed {expected['seed']}），数字为模拟数据，"
              f"并非南京市卫生信息中心发布的真实月报。")
    lines = [
        marker,
        *template.prose_before,
        *render_hotline(year, month, expected["hotline"]),
        *render_bookings(year, month, bookings, expected["cumulative_bookings"], booking_break, page=7,
                         channels=template.channels),
        *render_platforms(year, month, expected["booking_platforms"]),
        *render_uploads(year, month, "district", districts, None, page=8),
        *render_uploads(year, month, "hospital", hospitals, upload_break, page=8),
        f"（截止 {year} 年 {month} 月，区及医院累计校验入库数据 {records_in_yi(expected['cumulative_records_exact'])} 亿条）",
        *template.prose_after,
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- expected tables


def expected_tables(expected: dict):
    """The contract tables the parser should produce from a synthetic month (for tests and benchmarks)."""
    from njbulletin.reading.parser import build_frame

    month = expected["month"]
    bookings = expected["bookings"]
    totals = expected["booking_totals"]
    channels = [key for key in totals if key != "total"]  # the month's channels, in printed order
    declared = [("hotline", "total_calls", float(expected["hotline_total_calls"]))]
    declared += [("bookings", row["hospital"], float(row["subtotal"])) for row in bookings]
    declared += [("bookings", f"total_{channel}", float(totals[channel])) for channel in channels]
    declared += [("bookings", "total", float(totals["total"])),
                 ("booking_platforms", "total", float(expected["booking_platforms_total"])),
                 ("bookings", "cumulative_bookings", float(expected["cumulative_bookings"])),
                 ("uploads", "cumulative_records", float(expected["cumulative_records"]))]
    return {
        "hotline": build_frame("hotline", month, [(r["category"], r["kind"], r["count"]) for r in expected["hotline"]]),
        "bookings": build_frame("bookings", month, [(r["seq"], r["hospital"], channel, r[channel])
                                                    for r in bookings for channel in channels]),
        "booking_platforms": build_frame("booking_platforms", month,
                                         [(r["platform"], r["count"]) for r in expected["booking_platforms"]]),
        "uploads": build_frame("uploads", month, [tuple(r[key] for key in ("level", "unit", *UPLOAD_FIELDS))
                                                  for r in expected["uploads"]]),
        "declared_totals": build_frame("declared_totals", month, declared),
    }


# --------------------------------------------------------------------------- writing


def ensure_not_raw(directory: Path) -> Path:
    """Refuse the raw data folder (and anything under it): raw data is real and immutable."""
    refuse_writes_under_raw([directory])
    return Path(directory).resolve()


def write_bulletins(out_dir: Path, months: int, start: str = "2024-12", seed: int = 0) -> list[Path]:
    """Write YYYY-MM.txt and YYYY-MM.expected.json for each synthetic month; return the bulletin paths."""
    out = ensure_not_raw(Path(out_dir))
    bulletins = generate_bulletins(months, start, seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for month, text, expected in bulletins:
        path = out / f"{month}.txt"
        write_text_atomic(path, text + "\n")
        write_text_atomic(out / f"{month}.expected.json",
                         json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        paths.append(path)
    return paths
