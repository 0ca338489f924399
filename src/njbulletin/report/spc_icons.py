"""SPC's colours, markers and variation icons, the one source every SPC drawing takes them from (as
NHSRplotthedots' `ptd_spc_colours`): the large XmR charts (matplotlib) and the small ones (SVG) of
`report.spc_charts`.

Each point is coloured by its variation: common cause grey, improving blue, concerning orange, neutral purple
(the blue and orange of Making Data Count, which colour-blind readers tell apart), and shaped as well (blue
and purple look alike under protanopia and deuteranopia): common cause a circle, improving an upward triangle,
concerning a diamond, neutral a square. The variation icon is a circle in its colour with ▲ (high) or ▼ (low)
(— for common cause), and its words.
"""
from __future__ import annotations

from njbulletin.analysis.spc_point_types import COMMON_CAUSE
from njbulletin.report.labels import text

COLOURS = {COMMON_CAUSE: "#a6a6a6", "improving": "#0b72b9", "concerning": "#e46c0a", "neutral": "#5b2a86"}
MARKERS = {COMMON_CAUSE: "o", "improving": "^", "concerning": "D", "neutral": "s"}
LINE, MEAN, LIMIT = "#b8b8b8", "#1a1a1a", "#7f7f7f"  # the values' line, the mean, the process limits
ICON_MARK = {"high": "▲", "low": "▼"}


def point_colour(variation: str | None) -> str:
    """A point's colour; a point without a variation (no limits) is drawn as common cause."""
    return COLOURS.get(variation or "", COLOURS[COMMON_CAUSE])


def legend_key(variation: str) -> str:
    """The string key of the legend's words for points of a variation."""
    return "spc.common_point" if variation == COMMON_CAUSE else f"spc.{variation}_point"


def variation_icon(variation: str | None, side: str | None, lang: str) -> dict | None:
    """The variation icon of a series' latest point: its colour, its mark and its words (None without limits)."""
    if variation is None:
        return None
    return {"colour": COLOURS[variation],
            "mark": "—" if variation == COMMON_CAUSE else ICON_MARK.get(side, "•"),
            "words": text(f"spc.icon.{variation}", lang, side=text(f"spc.side.{side}", lang) if side else "")}
