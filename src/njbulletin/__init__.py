"""njbulletin: tidy tables from the Nanjing Health Information Center monthly bulletin.

The public names are loaded on first use, so `import njbulletin` (and the command
line's start-up) stays light and never imports polars until a bulletin is parsed.
"""
from __future__ import annotations

from njbulletin.errors import BulletinError

__all__ = ["Bulletin", "BulletinError", "parse_bulletin", "parse_text", "TABLE_NAMES"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "TABLE_NAMES":
        from njbulletin.contract import TABLE_NAMES

        return TABLE_NAMES
    if name in {"Bulletin", "parse_bulletin", "parse_text"}:
        from njbulletin.reading import parser

        return getattr(parser, name)
    raise AttributeError(f"module 'njbulletin' has no attribute {name!r}")
