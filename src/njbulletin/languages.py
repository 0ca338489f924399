"""The languages readers can see (config.LANGUAGES), checked once where a run or a notebook starts."""
from __future__ import annotations

from njbulletin.config import LANGUAGES
from njbulletin.errors import UsageError

__all__ = ["LANGUAGES", "language_position", "validate_lang"]

# Each entry of the string table is a tuple in LANGUAGES' order.
POSITIONS = {lang: position for position, lang in enumerate(LANGUAGES)}


def validate_lang(lang: object) -> str:
    """Return the language if it is one of LANGUAGES; otherwise raise UsageError naming it and the allowed ones."""
    if not isinstance(lang, str) or lang not in POSITIONS:
        raise UsageError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return lang


def language_position(lang: str) -> int:
    """Where a language's text sits in an entry of the string table (UsageError for an unknown language)."""
    try:
        return POSITIONS[lang]
    except (KeyError, TypeError):
        validate_lang(lang)
        raise
