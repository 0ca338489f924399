"""The booking channels, as reference data: `data/reference/channels.csv`, loaded and checked once.

Standard library only, so the report's strings (and a run where nothing changed) can name the channels
without importing polars. The table contract (`njbulletin.contract`) exposes the same names.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from njbulletin.config import PROJECT_ROOT, REFERENCE_DIR
from njbulletin.errors import BulletinError

# The booking channels are reference data: data/reference/channels.csv, one row per channel in the order
# the bulletin prints them, with the label(s) printed in the bookings header, the code the tables use,
# and the zh and en names readers see. A new channel column is added there, not in code.
CHANNELS_PATH = REFERENCE_DIR / "channels.csv"
CHANNEL_FILE_COLUMNS = ("code", "printed", "zh", "en")
CHANNEL_CODE = re.compile(r"[a-z][a-z0-9_]*")
LABEL_SEPARATOR = "|"
# Header words that are not channels: the row number, the name column and the row total.
BOOKING_KEY_LABELS = ("序号", "单位", "名称")
SUBTOTAL_LABEL = "小计"
RESERVED_LABELS = (*BOOKING_KEY_LABELS, SUBTOTAL_LABEL, "合计")


@dataclass(frozen=True)
class Channel:
    """One booking channel: its code in the tables, its printed header label(s), its zh and en names."""

    code: str
    labels: tuple[str, ...]  # as printed; compared with the spaces removed
    zh: str
    en: str


def channel_file_name(path: Path) -> str:
    """The channels file as messages name it: relative to the project when it lies inside it."""
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def load_channels(path: Path = CHANNELS_PATH) -> tuple[Channel, ...]:
    """The channels of the reference file, checked: known columns, a code per row that is a lower-case
    identifier (it names columns such as `<code>_share`), no code or printed label used twice."""
    source = channel_file_name(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in CHANNEL_FILE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise BulletinError(f"channel file lacks column(s) {', '.join(missing)}", line=1, source=source)
            rows = [(reader.line_num, row) for row in reader]
    except OSError as exc:
        raise BulletinError(f"cannot read the booking channels: {exc.strerror}", source=source) from None
    channels: list[Channel] = []
    for line, row in rows:
        channel = Channel(code=(row["code"] or "").strip(),
                          labels=tuple(label.strip() for label in (row["printed"] or "").split(LABEL_SEPARATOR)
                                       if label.strip()),
                          zh=(row["zh"] or "").strip(), en=(row["en"] or "").strip())
        problem = channel_problem(channel, channels)
        if problem:
            raise BulletinError(problem, line=line, source=source)
        channels.append(channel)
    if not channels:
        raise BulletinError("channel file lists no channel", line=1, source=source)
    return tuple(channels)


def channel_problem(channel: Channel, earlier: list[Channel]) -> str | None:
    """What is wrong with one row of the channels file, given the rows before it (None when nothing is)."""
    if not CHANNEL_CODE.fullmatch(channel.code) or channel.code in ("subtotal", "total"):
        return f"code '{channel.code}' is not a lower-case name such as self_service (letters, digits, _)"
    if not channel.labels or not channel.zh or not channel.en:
        return f"channel {channel.code} needs a printed label, a zh name and an en name"
    if any(other.code == channel.code for other in earlier):
        return f"code '{channel.code}' is listed twice"
    taken = {compact_label(label) for other in earlier for label in other.labels} | set(RESERVED_LABELS)
    repeated = [label for label in channel.labels if compact_label(label) in taken]
    if repeated:
        return f"printed label '{repeated[0]}' of {channel.code} is already a column of the bookings table"
    return None


def compact_label(label: str) -> str:
    """A printed label as the parser compares it: with every space removed."""
    return "".join(label.split())


# The bookings channels in the order the bulletin prints them, and the printed header labels
# (spaces removed) -> channel code, with 小计 -> subtotal.
CHANNEL_REFERENCE: tuple[Channel, ...] = load_channels()
CHANNELS = tuple(channel.code for channel in CHANNEL_REFERENCE)
CHANNEL_LABELS = {**{compact_label(label): channel.code for channel in CHANNEL_REFERENCE
                     for label in channel.labels}, SUBTOTAL_LABEL: "subtotal"}
CHANNEL_NAMES = {channel.code: {"zh": channel.zh, "en": channel.en} for channel in CHANNEL_REFERENCE}


def order_channels(codes: Iterable[str]) -> list[str]:
    """Channel codes (each once) in the channels file's order; codes the file does not know come last,
    in the order given."""
    present = list(dict.fromkeys(codes))
    return [code for code in CHANNELS if code in present] + [code for code in present if code not in CHANNELS]
