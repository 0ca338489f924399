"""The columns of the bookings table, read from its printed header against the booking channels.

The channels are reference data (`data/reference/channels.csv`, loaded by `njbulletin.contract`). A header
is split into cells; each cell must be the row number, the name column, a channel's printed label or the
row total (小计). A cell that is none of these is a column the channels file does not know yet: the header
is refused with one message naming the cell as printed and the file to edit, instead of the rows failing
to match further down.
"""
from __future__ import annotations

import re

from njbulletin.contract import (
    BOOKING_KEY_LABELS,
    CHANNEL_LABELS,
    CHANNEL_REFERENCE,
    CHANNELS_PATH,
    SUBTOTAL_LABEL,
    channel_file_name,
    compact_label,
)
from njbulletin.errors import BulletinError

KEY_COLUMN = "key"  # 序号, 单位, 名称: the row number and the name, not value columns
HEADER_CODES = {**dict.fromkeys(BOOKING_KEY_LABELS, KEY_COLUMN), **CHANNEL_LABELS}
# Known labels, longest first, so a run of cells printed without spaces splits into labels.
KNOWN_RUN = re.compile("(?:" + "|".join(re.escape(label) for label in sorted(HEADER_CODES, key=len, reverse=True))
                       + ")")
MAX_TOKENS_PER_CELL = 3  # '12320 在线预约' is one cell printed as two tokens


def split_header_cells(text: str) -> list[tuple[str, str | None]]:
    """The header's cells in printed order: (cell as printed, its code: a channel, 'subtotal', 'key',
    or None for a cell no label matches). Adjacent unknown tokens form one cell."""
    tokens = text.split()
    cells: list[tuple[str, str | None]] = []
    index = 0
    while index < len(tokens):
        for end in range(min(len(tokens), index + MAX_TOKENS_PER_CELL), index, -1):
            labels = known_labels("".join(tokens[index:end]))
            if labels is not None:
                cells += [(label, HEADER_CODES[label]) for label in labels]
                index = end
                break
        else:
            if cells and cells[-1][1] is None:
                cells[-1] = (f"{cells[-1][0]} {tokens[index]}", None)
            else:
                cells.append((tokens[index], None))
            index += 1
    return cells


def known_labels(run: str) -> list[str] | None:
    """The known labels a run of text is made of, or None when some of it is no known label."""
    labels = KNOWN_RUN.findall(run)
    return labels if labels and "".join(labels) == run else None


HeaderLines = list[tuple[int, str]]  # a header's printed lines: (line number, text)


def known_value_columns(header: HeaderLines, section: str) -> tuple[str, ...]:
    """The value columns a header (or a part of one) prints, in printed order: channel codes and 'subtotal'.
    Refuses a cell that is no known label (a channel missing from the channels file), on the line that
    prints it, and a column printed twice."""
    text, line = " ".join(text for _, text in header), header[0][0]
    cells = split_header_cells(text)
    unknown = [cell for cell, code in cells if code is None]
    if unknown:
        line = next((number for number, text in header if unknown[0].split()[0] in text.split()), line)
        raise BulletinError(unknown_columns_message(unknown), line=line, section=section)
    columns = tuple(code for _, code in cells if code != KEY_COLUMN)
    repeated = [column for index, column in enumerate(columns) if column in columns[:index]]
    if repeated:
        label = next(cell for cell, code in cells if code == repeated[0])
        raise BulletinError(f"column '{label}' is printed twice in the table header", line=line, section=section)
    return columns


def read_value_columns(header: HeaderLines, section: str) -> tuple[str, ...]:
    """The value columns of a bookings header in printed order: channel codes and 'subtotal'.

    Refuses what `known_value_columns` refuses, and a header without 序号, 小计 or any channel."""
    columns = known_value_columns(header, section)
    line, compact = header[0][0], "".join(compact_label(text) for _, text in header)
    missing = [label for label in ("序号", SUBTOTAL_LABEL) if label not in compact]
    if not any(column != "subtotal" for column in columns):
        missing.append("any booking channel (" + ", ".join(channel.zh for channel in CHANNEL_REFERENCE) + ")")
    if missing:
        raise BulletinError(f"table header lacks column(s) {', '.join(missing)}", line=line, section=section)
    return columns


def unknown_columns_message(cells: list[str]) -> str:
    """The message for header cells that are no known booking channel."""
    quoted = ", ".join(f"'{cell}'" for cell in cells)
    what = (f"column {quoted} of the table header is not a known booking channel" if len(cells) == 1
            else f"columns {quoted} of the table header are not known booking channels")
    each = "its" if len(cells) == 1 else "each with its"
    return (f"{what}: add {'it' if len(cells) == 1 else 'them'} to {channel_file_name(CHANNELS_PATH)} "
            f"({each} printed label, a code, its zh and en names) to read this table")
