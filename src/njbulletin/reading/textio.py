"""Reading a bulletin file into normalised text: encodings, BOMs, line ends, full-width forms."""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from njbulletin.config import MAX_INPUT_BYTES
from njbulletin.errors import BulletinError

PDF_MAGIC = b"%PDF-"

# Full-width digits and number punctuation become ASCII; every kind of space becomes ' '.
# Brackets and other full-width signs are kept, because names are kept as printed.
_WIDTH_TABLE = {ord("０") + i: ord("0") + i for i in range(10)}
_WIDTH_TABLE.update({ord("．"): ".", ord("／"): "/", ord("－"): "-"})
_SPACE_TABLE = {ord(c): " " for c in "\u3000\u00a0\u2002\u2003\u2009\u200a\u202f\t\f\v"}
_SPACE_TABLE[0xFEFF] = None  # a BOM in the middle of the text (from concatenated files)
_SPACE_TABLE[0x200B] = None  # zero-width space
NORMALISE_TABLE = {**_WIDTH_TABLE, **_SPACE_TABLE}


def read_bulletin_bytes(path: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """Read a bulletin file, refusing a missing, unreadable or oversized one with a BulletinError."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise BulletinError("file not found") from None
    except OSError as exc:
        raise BulletinError(f"cannot read file: {exc.strerror}") from None
    if path.is_dir():
        raise BulletinError("is a directory, not a bulletin file")
    if size > max_bytes:
        raise BulletinError(f"file is {size} bytes, over the {max_bytes}-byte input limit")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BulletinError(f"cannot read file: {exc.strerror}") from None


def decode_bulletin_bytes(data: bytes) -> tuple[str, str]:
    """Decode raw bytes as UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030.

    Returns the text and the name of the encoding used.
    """
    if not data.strip():
        raise BulletinError("file is empty", line=1)
    if data.startswith(PDF_MAGIC):
        raise BulletinError("this is a PDF; read it with parse_bulletin() so its text layer is extracted", line=1)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        _reject_binary(text)
        return text, encoding
    raise BulletinError("not a text bulletin: the bytes are neither UTF-8 nor GB18030", line=1)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _reject_binary(text: str) -> None:
    """Raise when decoded text is really binary data (NUL bytes or many control characters)."""
    sample = text[:65536]
    controls = _CONTROL_CHARS.findall(sample)
    if controls and ("\x00" in controls or len(controls) > max(8, len(sample) // 200)):
        first = _CONTROL_CHARS.search(sample).start()
        raise BulletinError("binary data, not a text bulletin", line=sample.count("\n", 0, first) + 1)


def split_normalised_lines(text: str) -> list[str]:
    """Split text into lines (LF, CRLF or CR) with full-width digits and odd spaces normalised.

    Runs of white space collapse to one space and each line is stripped, so the
    returned list index + 1 is the line number a text editor shows.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(NORMALISE_TABLE)
    return [" ".join(line.split()) for line in text.split("\n")]


def is_wide(char: str) -> bool:
    """Whether a character is drawn two columns wide (a CJK ideograph, full-width form or punctuation): the one
    rule for a character's width (the PDF reader's advances, printed table widths, chart titles' lines)."""
    return unicodedata.east_asian_width(char) in "WF"


def display_width(text: str) -> int:
    """A text's width in columns: a wide character (`is_wide`) counts two, any other one."""
    return sum(2 if is_wide(char) else 1 for char in text)
