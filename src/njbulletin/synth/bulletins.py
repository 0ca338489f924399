"""Synthetic months, one after another: their figures, their text and the tables a parser must read
from it; and writing them with their expected figures."""
from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

from njbulletin.atomic import write_text_atomic
from njbulletin.errors import UsageError
from njbulletin.layout import refuse_writes_under_raw
from njbulletin.months import days_in_month, shift_month, validate_month
from njbulletin.synth.model import (
    MAX_MONTHS,
    REGISTRY_PATH,
    SYNTHETIC_MARKER,
    TEMPLATE_PATH,
    UPLOAD_FIELDS,
    Roster,
    Template,
    booking_figures,
    change_bookings,
    change_uploads,
    hotline_figures,
    initial_roster,
    load_template,
    platform_figures,
    records_in_yi,
    registry_hospitals,
    upload_figures,
    volume_scale,
    walk,
)
from njbulletin.synth.text import render_bookings, render_hotline, render_platforms, render_uploads

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
    scale = volume_scale(month)
    hotline = hotline_figures(rng, template, scale)
    bookings = booking_figures(rng, roster.bookings, scale, template.channels)
    totals = {channel: sum(row[channel] for row in bookings) for channel in template.channels}
    platforms = platform_figures(rng, template.platforms, totals.get("quick"), scale)
    uploads = [upload_figures(rng, unit, days, scale) for unit in roster.uploads]
    order = lambda row: (row["scheduled_records"] is None, -(row["scheduled_records"] or 0), row["unit"])  # noqa: E731
    uploads = (sorted((r for r in uploads if r["level"] == "district"), key=order)
               + sorted((r for r in uploads if r["level"] == "hospital"), key=order))
    return {
        "synthetic": True, "generator": "njbulletin synth", "seed": seed, "month": month, "days_in_month": days,
        "volume_scale": scale,
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


EXPECTED_DIRNAME = "expected"  # DIR/expected/YYYY-MM.expected.json: a folder, which `run` passes over quietly


def write_bulletins(out_dir: Path, months: int, start: str = "2024-12", seed: int = 0) -> list[Path]:
    """Write YYYY-MM.txt for each synthetic month and, in the subfolder `expected/` (so that `run` on DIR reads
    the bulletins without warning about other files), YYYY-MM.expected.json; return the bulletin paths."""
    refuse_writes_under_raw([out_dir])  # raw data is real and immutable
    out = Path(out_dir).resolve()
    bulletins = generate_bulletins(months, start, seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / EXPECTED_DIRNAME).mkdir(exist_ok=True)
    paths = []
    for month, text, expected in bulletins:
        path = out / f"{month}.txt"
        write_text_atomic(path, text + "\n")
        write_text_atomic(out / EXPECTED_DIRNAME / f"{month}.expected.json",
                         json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        paths.append(path)
    return paths
