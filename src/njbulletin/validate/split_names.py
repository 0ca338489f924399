"""Names split across two rows of a PDF's table: an error, not an unknown name.

A word processor wraps a long name inside its cell, and may break the row across a page. A PDF reader that
took the rest of the name for a row of its own, or added it to the next row's name, would give a hospital's
figures to one that does not exist (南京医科大学 and 第四附属医院, or 南京医科大学第四 and
附属医院(京新)南京市第二医院), and no printed total can catch that. The PDF reader refuses what it cannot
prove whole (`reading.pdf_continued`); this check is the net under it.

For a bulletin read from a PDF, two rows printed one after the other in a table are one name split in two
when one of the names is not in the registry and, joined to its neighbour's (or to the start or end of it,
the rest being a registry name), it gives a registry name. The error names both rows, with their pages
and lines.
"""
from __future__ import annotations

import polars as pl

from njbulletin.reading.parser import Bulletin
from njbulletin.validate.names import normalise_name, registry_lookup

RULE = "name_split_across_rows"


def split_name(first: str, second: str, known: set[str]) -> str | None:
    """The registry name that two neighbouring names make when joined, when one of them is unknown:
    the two whole, the first with the start of the second (the rest a registry name), or the end of the
    first with the second (the start a registry name)."""
    head, tail = normalise_name(first), normalise_name(second)
    if head in known and tail in known:
        return None
    if head + tail in known:
        return head + tail
    if head not in known:
        for cut in range(1, len(tail)):
            if head + tail[:cut] in known and tail[cut:] in known:
                return head + tail[:cut]
    if tail not in known:
        for cut in range(1, len(head)):
            if head[cut:] + tail in known and head[:cut] in known:
                return head[cut:] + tail
    return None


def printed_rows(tables: dict[str, pl.DataFrame]) -> list[tuple[str, str, list[str]]]:
    """Each table's names in printed order: (level, line table, names), with the line item of a name
    being the name itself (bookings) or 'level/name' (uploads)."""
    bookings = tables["bookings"].select("seq", "hospital").unique(maintain_order=True).sort("seq", maintain_order=True)
    rows = [("bookings", "bookings", bookings["hospital"].to_list())]
    uploads = tables["uploads"]
    for level in ("district", "hospital"):
        rows.append((level, "uploads", uploads.filter(pl.col("level") == level)["unit"].to_list()))
    return rows


def flag_names_split_across_rows(bulletin: Bulletin, registry: pl.DataFrame) -> list[dict]:
    """Findings (errors) for neighbouring rows of a PDF's table whose names are one registry name split."""
    if bulletin.encoding != "pdf":
        return []
    known = set(registry_lookup(registry)["_key"].to_list())
    findings = []
    for level, table, names in printed_rows(bulletin.tables):
        for first, second in zip(names, names[1:]):
            joined = split_name(first, second, known)
            if joined is not None:
                findings.append(split_finding(bulletin, level, table, (first, second), joined))
    return findings


def split_finding(bulletin: Bulletin, level: str, table: str, names: tuple[str, str], joined: str) -> dict:
    items = [name if table == "bookings" else f"{level}/{name}" for name in names]
    where = [where_printed(bulletin, table, item) for item in items]
    what = "bookings" if table == "bookings" else f"uploads ({level})"
    detail = (f"{what}: the rows '{names[0]}' ({where[0]}) and '{names[1]}' ({where[1]}) make '{joined}', a name "
              "in data/reference/hospitals.csv, when joined: one name split across two rows of the PDF's table (a "
              "row broken across a page?), so neither row's name nor figures can be trusted; check the PDF")
    return {"level": level, "unit": names[0], "rule": RULE, "detail": detail, "line_table": table,
            "line_item": items[0]}


def where_printed(bulletin: Bulletin, table: str, item: str) -> str:
    """'page 2, line 83' (or just the line for a text bulletin)."""
    line = bulletin.line_of(table, item)
    page = bulletin.page_of(line)
    parts = [f"page {page}" if page else "", f"line {line}" if line else ""]
    return ", ".join(part for part in parts if part) or "line unknown"
