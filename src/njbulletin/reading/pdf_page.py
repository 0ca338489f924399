"""What PDFium sees on one page: its text layer, each character's box, the ruling lines and the images.

Everything is read while the document is open and returned as plain Python values, so the table geometry
(`pdf_grid`, `pdf_columns`) works on tuples and floats. Coordinates are PDF points, y growing upwards.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from typing import NamedTuple

from njbulletin.reading.textio import is_wide

AXIS_TOLERANCE = 0.5  # a segment whose ends differ by less than this in y (x) is horizontal (vertical)
MIN_RULE_LENGTH = 2.0  # shorter segments are the ends of a thin rectangle, not rules
MAX_RULE_WIDTH = 2.0  # a path no thicker than this (its bounds include the stroke) is a single rule
ANGLE_SAMPLE_STEP = 16  # the writing direction of every 16th character is checked
LINE_SHIFT = 0.3  # a baseline this share of an em above or below the last is a new line
BACK_STEP = 0.5  # so is a step back to the left of more than this share of an em
WORD_GAP = 0.2  # a gap wider than this share of an em on one line is a space
FLAT_GLYPH = 0.05  # a drawn glyph less high than this share of its font size was not drawn at all
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
    """One page as read: `text` is PDFium's text layer; `lines` its drawn characters as printed lines of glyphs
    (split in content order, boxes that do not depend on the machine's fonts: read_text_lines), read only on an
    upright page that may hold a table (see may_be_row), else empty."""

    number: int  # 1-based
    width: float
    height: float
    rotation: int  # the page's /Rotate, in degrees
    turned_chars: int  # sampled characters not written left to right
    text: str
    lines: tuple[tuple[tuple[str, Glyph | None], ...], ...]  # per text line: (char, glyph; None if generated)
    rules: tuple[Rule, ...]
    images: tuple[tuple[float, float, float, float], ...]  # (left, bottom, right, top) of each image
    unprinted_font: str | None = None  # a font the PDF does not embed and the machine cannot draw (see unprinted_font)


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
            unprinted = unprinted_font(raw, text_page.raw)
            upright = not (rotation or turned)
            laid_out = upright and (rules or images or any(map(may_be_row, text.splitlines())))
            lines = read_text_lines(raw, text_page.raw) if laid_out else ()
        finally:
            text_page.close()
        return Page(index + 1, width, height, rotation, turned, text, lines, tuple(rules), tuple(images),
                    unprinted)
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


def unprinted_font(raw, text_page) -> str | None:
    """The name of a font the PDF does not embed and that this machine has no glyphs for (PDFium draws its
    Chinese characters as nothing: every box is flat), sampled every ANGLE_SAMPLE_STEP-th character. Such a
    page cannot be read safely: PDFium then drops characters it takes for duplicates of their neighbours."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    for index in range(0, raw.FPDFText_CountChars(text_page), ANGLE_SAMPLE_STEP):
        char = chr(raw.FPDFText_GetUnicode(text_page, index))
        if raw.FPDFText_IsGenerated(text_page, index) or not is_wide(char) \
                or char.isspace():
            continue
        raw.FPDFText_GetCharBox(text_page, index, left, right, bottom, top)
        if top.value - bottom.value >= FLAT_GLYPH * raw.FPDFText_GetFontSize(text_page, index):
            continue
        font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(text_page, index))
        if font and not raw.FPDFFont_GetIsEmbedded(font):
            name = ctypes.create_string_buffer(256)
            raw.FPDFFont_GetBaseFontName(font, name, len(name))
            return name.value.decode("latin-1") or "unnamed"
    return None


def read_text_lines(raw, text_page) -> tuple[tuple[tuple[str, Glyph | None], ...], ...]:
    """The text layer as lines of (char, glyph) pairs, split where PDFium breaks lines; each glyph's box
    from what the PDF itself says (see glyph_boxes), so it is the same whatever fonts the machine has."""
    count = raw.FPDFText_CountChars(text_page)
    chars = [chr(raw.FPDFText_GetUnicode(text_page, index)) for index in range(count)]
    generated = [bool(raw.FPDFText_IsGenerated(text_page, index)) for index in range(count)]
    boxes = glyph_boxes(raw, text_page, chars, generated)
    lines: list[tuple] = []
    current: list[tuple[str, Glyph | None]] = []
    last: Glyph | None = None
    for index, char in enumerate(chars):
        if generated[index]:
            continue
        glyph = make_glyph(char, *boxes[index])
        if last is not None and breaks_line(last, glyph):
            lines.append(tuple(current))
            current = []
        elif last is not None and glyph.x0 - last.x1 > WORD_GAP * max(glyph.height, last.height) \
                and not char.isspace() and current and current[-1][0] != " ":
            current.append((" ", None))
        if not (char.isspace() and not current):
            current.append((char, glyph))
        last = glyph
    lines.append(tuple(current))
    return tuple(lines)


def drawn_chars(raw, text_page, generated: list[bool]) -> list[tuple]:
    """(index, text object address, embedded font?, origin x, origin y, font size, loose box) of each drawn
    character, in content order."""
    box = raw.FS_RECTF()
    x, y = ctypes.c_double(), ctypes.c_double()
    embedded: dict[int, bool] = {}
    drawn = []
    for index, is_generated in enumerate(generated):
        if is_generated:
            continue
        raw.FPDFText_GetLooseCharBox(text_page, index, box)
        obj = raw.FPDFText_GetTextObject(text_page, index)
        address = ctypes.cast(obj, ctypes.c_void_p).value or 0
        if address not in embedded:
            font = raw.FPDFTextObj_GetFont(obj) if address else None
            embedded[address] = bool(font) and bool(raw.FPDFFont_GetIsEmbedded(font))
        raw.FPDFText_GetCharOrigin(text_page, index, x, y)
        drawn.append((index, address, embedded[address], x.value, y.value,
                      raw.FPDFText_GetFontSize(text_page, index), (box.left, box.bottom, box.right, box.top)))
    return drawn


def breaks_line(last: Glyph, glyph: Glyph) -> bool:
    """Does the text go on to a new line between two characters in content order: a different baseline,
    or a step back to the left? (PDFium's own line breaks depend on the glyphs the machine draws.)"""
    height = max(last.height, glyph.height)
    return abs(glyph.y0 - last.y0) > LINE_SHIFT * height or glyph.x0 < last.x1 - BACK_STEP * height


def glyph_boxes(raw, text_page, chars: list[str], generated: list[bool]) -> dict[int, tuple[float, ...]]:
    """Each drawn character's box. For an embedded font, PDFium's loose box (the font is the PDF's own). For
    a font the PDF does not embed (reportlab's STSong-Light, the 宋体 of many government PDFs), PDFium draws
    the glyph with whatever font the machine has, and its loose box grows with that glyph's ink; so the box
    is rebuilt from what the PDF fixes: the character's origin and its advance (to the next character of the
    same text object on the same baseline, which the font's /W widths put there), the font's descent from the
    box's foot, one em high. A character that ends its text object takes the advance the same character has
    elsewhere on the page, or one em (a wide character) or half an em."""
    drawn = drawn_chars(raw, text_page, generated)
    advances: dict[tuple[str, float], list[float]] = {}
    for (index, address, _, x0, y0, size, _), after in zip(drawn, drawn[1:]):
        if after[1] == address and abs(after[4] - y0) < 0.01 and after[3] > x0:
            advances.setdefault((chars[index], size), []).append(after[3] - x0)
    boxes: dict[int, tuple[float, ...]] = {}
    for number, (index, address, is_embedded, x0, y0, size, loose) in enumerate(drawn):
        if is_embedded:
            boxes[index] = loose
            continue
        after = drawn[number + 1] if number + 1 < len(drawn) else None
        if after is not None and after[1] == address and abs(after[4] - y0) < 0.01 and after[3] > x0:
            advance = after[3] - x0
        elif (chars[index], size) in advances:
            advance = min(advances[(chars[index], size)])
        else:
            advance = size if is_wide(chars[index]) else size / 2
        bottom = min(loose[1], y0)
        boxes[index] = (x0, bottom, x0 + advance, bottom + size)
    return boxes


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
