"""What PDFium sees on one page: its text layer, each character's box, the ruling lines and the images.

Everything is read while the document is open and returned as plain Python values, so the table geometry
(`pdf_grid`, `pdf_columns`) works on tuples and floats. Coordinates are PDF points, y growing upwards.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from typing import NamedTuple

AXIS_TOLERANCE = 0.5  # a segment whose ends differ by less than this in y (x) is horizontal (vertical)
MIN_RULE_LENGTH = 2.0  # shorter segments are the ends of a thin rectangle, not rules
MAX_RULE_WIDTH = 2.0  # a path no thicker than this (its bounds include the stroke) is a single rule
ANGLE_SAMPLE_STEP = 16  # the writing direction of every 16th character is checked
UPRIGHT_TOLERANCE = 0.01  # radians
FULL_TURN = 6.283185
NUMBER_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|/|\d+/\d+")
PROSE_PUNCTUATION = re.compile(r"[，。；;！？!?]")


class Glyph(NamedTuple):
    """One drawn character and its loose box (the advance width by the font's ascent and descent)."""

    char: str
    x0: float
    y0: float
    x1: float
    y1: float
    cx: float  # the centre of the box
    cy: float
    height: float


def make_glyph(char: str, x0: float, y0: float, x1: float, y1: float) -> Glyph:
    return Glyph(char, x0, y0, x1, y1, (x0 + x1) / 2, (y0 + y1) / 2, y1 - y0)


class Rule(NamedTuple):
    """A horizontal or vertical ruling line: its position across, and its extent along."""

    horizontal: bool
    position: float  # y of a horizontal rule, x of a vertical one
    start: float
    end: float


@dataclass(frozen=True)
class Page:
    """One page as read: `text` is PDFium's text layer; `lines` the same text as lines of glyphs, read only
    on an upright page that may hold a table (see may_be_row), else empty."""

    number: int  # 1-based
    width: float
    height: float
    rotation: int  # the page's /Rotate, in degrees
    turned_chars: int  # sampled characters not written left to right
    text: str
    lines: tuple[tuple[tuple[str, Glyph | None], ...], ...]  # per text line: (char, glyph; None if generated)
    rules: tuple[Rule, ...]
    images: tuple[tuple[float, float, float, float], ...]  # (left, bottom, right, top) of each image


def read_page(document, index: int) -> Page:
    """Read a page's text layer, character boxes, ruling lines and images."""
    import pypdfium2.raw as raw

    page = document[index]
    try:
        width, height = page.get_size()
        rotation = page.get_rotation()
        rules, images = read_drawings(raw, page)
        text_page = page.get_textpage()
        try:
            text = text_page.get_text_range()
            turned = count_turned(raw, text_page.raw)
            upright = not (rotation or turned)
            laid_out = upright and (rules or images or any(map(may_be_row, text.splitlines())))
            lines = read_text_lines(raw, text_page.raw) if laid_out else ()
        finally:
            text_page.close()
        return Page(index + 1, width, height, rotation, turned, text, lines, tuple(rules), tuple(images))
    finally:
        page.close()


def may_be_row(text: str) -> bool:
    """A line of the text layer that may be (part of) a table row: two or more numbers, at least half of
    its tokens, and no prose punctuation. A page without one, without rules and without images is prose:
    its text layer is used as it is and its characters' boxes are not read (they cost most of the time)."""
    tokens = text.split()
    numbers = sum(1 for token in tokens if NUMBER_TOKEN.fullmatch(token))
    return numbers >= 2 and 2 * numbers >= len(tokens) and not PROSE_PUNCTUATION.search(text)


def count_turned(raw, text_page) -> int:
    """How many of every ANGLE_SAMPLE_STEP-th character are written at an angle (a turned table)."""
    turned = 0
    for index in range(0, raw.FPDFText_CountChars(text_page), ANGLE_SAMPLE_STEP):
        angle = raw.FPDFText_GetCharAngle(text_page, index)
        turned += angle > UPRIGHT_TOLERANCE and abs(angle - FULL_TURN) > UPRIGHT_TOLERANCE
    return turned


def read_text_lines(raw, text_page) -> tuple[tuple[tuple[str, Glyph | None], ...], ...]:
    """The text layer as lines of (char, glyph) pairs, split where PDFium breaks lines."""
    box = raw.FS_RECTF()
    lines: list[tuple] = []
    current: list[tuple[str, Glyph | None]] = []
    for index in range(raw.FPDFText_CountChars(text_page)):
        char = chr(raw.FPDFText_GetUnicode(text_page, index))
        if raw.FPDFText_IsGenerated(text_page, index):
            if char == "\n":
                lines.append(tuple(current))
                current = []
            elif char != "\r":
                current.append((char, None))
            continue
        raw.FPDFText_GetLooseCharBox(text_page, index, box)
        current.append((char, make_glyph(char, box.left, box.bottom, box.right, box.top)))
    lines.append(tuple(current))
    return tuple(lines)


def read_drawings(raw, page) -> tuple[list[Rule], list[tuple[float, float, float, float]]]:
    """The page's ruling lines (see path_rules) and the boxes of its images, from its top-level objects
    (through PDFium's C API: wrapping thousands of cell borders in Python objects costs more than reading them)."""
    rules: list[Rule] = []
    images = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for number in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, number)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE) \
                or not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        box = (left.value, bottom.value, right.value, top.value)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            images.append(box)
        elif thin_rule(box):
            rules.append(thin_rule(box))
        else:
            rules += path_rules(raw, obj)
    return rules, images


def thin_rule(box: tuple[float, float, float, float]) -> Rule | None:
    """A path no thicker than a rule is one: a stroked line, or a thin filled rectangle (as word processors
    draw cell borders). Its bounds say where, without reading its segments."""
    left, bottom, right, top = box
    if top - bottom <= MAX_RULE_WIDTH and right - left >= MIN_RULE_LENGTH:
        return Rule(True, (top + bottom) / 2, left, right)
    if right - left <= MAX_RULE_WIDTH and top - bottom >= MIN_RULE_LENGTH:
        return Rule(False, (left + right) / 2, bottom, top)
    return None


def path_rules(raw, obj) -> list[Rule]:
    """Every horizontal and vertical straight segment of a path: stroked lines, and the edges of
    rectangles (a thin filled rectangle, as word processors draw cell borders, gives its long edges)."""
    rules: list[Rule] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    matrix = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, matrix)
    transform = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
    start = current = None
    for number in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, number)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        point = apply(transform, x.value, y.value)
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = current = point
            continue
        if kind == raw.FPDF_SEGMENT_LINETO and current is not None:
            add_rule(rules, current, point)
        current = point
        if raw.FPDFPathSegment_GetClose(segment) and start is not None:
            add_rule(rules, current, start)
            current = start
    return rules


def apply(transform: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = transform
    return a * x + c * y + e, b * x + d * y + f


def add_rule(rules: list[Rule], first: tuple[float, float], second: tuple[float, float]) -> None:
    """Keep a segment if it is horizontal or vertical and long enough to be a rule."""
    (x0, y0), (x1, y1) = first, second
    if abs(y1 - y0) <= AXIS_TOLERANCE and abs(x1 - x0) >= MIN_RULE_LENGTH:
        rules.append(Rule(True, (y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) <= AXIS_TOLERANCE and abs(y1 - y0) >= MIN_RULE_LENGTH:
        rules.append(Rule(False, (x0 + x1) / 2, min(y0, y1), max(y0, y1)))
