"""The one table of every string a reader sees, in Chinese (zh) and English (en): `TEXT`.

Each entry is `key: (zh, en)`; `{placeholders}` are filled in by `text`. Adding a phrase means adding one
entry, with both languages. Keys are grouped by prefix:

- bare keys: channels (from data/reference/channels.csv), kinds, levels, measures (also chart labels);
- `col.`: table column labels, with their unit;
- `rule.` / `rule_help.`: validation rules, by rule id, and what each one means;
- `status.`, `severity.`, `side.`, `table.`, `item.`, `reason.`: values shown in table cells;
- `page.`: page titles, by notebook name; `h.`: section headings; `p.`: sentences of the pages;
- `note.`: notes under tables; `nav.` and `index.`: the navigation bar and the index page;
- `unit_`, `axis_`, `title_`: chart axes and titles.

The table is kept in four files, `labels.py` (what labels charts, tables and cells), `pages.py` (the
words of the pages), `attention.py` (statistical process control and the attention list) and `calendar.py`
(the calendar adjustment); a key is in one of them only. Hotline categories and booking platforms are printed in
Chinese; their English names are in NAMES_EN.
Hospital and district names come from the registry (data/reference/hospitals.csv).
"""
from __future__ import annotations

from njbulletin.channels import CHANNEL_NAMES
from njbulletin.languages import language_position
from njbulletin.report.strings.attention import ATTENTION
from njbulletin.report.strings.briefing import BRIEFING
from njbulletin.report.strings.calendar import CALENDAR
from njbulletin.report.strings.labels import LABELS, NAMES_EN
from njbulletin.report.strings.pages import PAGES

__all__ = ["NAMES_EN", "TEXT", "split_unit", "text"]

if set(LABELS) & set(PAGES):  # pragma: no cover - a key in both files would hide one of its texts
    raise RuntimeError(f"strings in both labels.py and pages.py: {sorted(set(LABELS) & set(PAGES))}")
if set(ATTENTION) & (set(LABELS) | set(PAGES)):  # pragma: no cover - as above
    raise RuntimeError(f"strings in attention.py and another file: {sorted(set(ATTENTION) & (set(LABELS) | set(PAGES)))}")
# The booking channels' names come from data/reference/channels.csv (a channel added there is named in both
# languages at once): the bare code labels charts, `col.<code>` heads a table column.
CHANNEL_TEXT: dict[str, tuple[str, str]] = {
    **{code: (names["zh"], names["en"]) for code, names in CHANNEL_NAMES.items()},
    **{f"col.{code}": (f"{names['zh']}（人次）", f"{names['en']} (visits)") for code, names in CHANNEL_NAMES.items()},
}
_LATER_FILES = {"calendar.py": CALENDAR, "briefing.py": BRIEFING}
for _name, _strings in _LATER_FILES.items():  # pragma: no cover - as above
    _others = set(ATTENTION) | set(LABELS) | set(PAGES) | {key for other, strings in _LATER_FILES.items()
                                                            if other != _name for key in strings}
    if set(_strings) & _others:
        raise RuntimeError(f"strings in {_name} and another file: {sorted(set(_strings) & _others)}")
TEXT: dict[str, tuple[str, str]] = {**CHANNEL_TEXT, **LABELS, **PAGES, **ATTENTION, **CALENDAR, **BRIEFING}


def text(key: str, lang: str, **values: object) -> str:
    """The string for a key in a language, with {placeholders} filled in (UsageError for a language that is not
    one of config.LANGUAGES: never another language's text in its place)."""
    try:
        entry = TEXT[key]
    except KeyError:
        raise KeyError(f"no label {key!r}") from None
    return entry[language_position(lang)].format(**values)


def split_unit(label: str) -> tuple[str, str]:
    """A label and its unit, apart: ('预约挂号量', '（人次）'), ('Bookings', ' (visits)'); ('层级', '') without one.
    Headers keep the unit on one line (it never breaks inside), whatever the column's width."""
    for opening in ("（", " ("):
        position = label.rfind(opening)
        if position > 0 and label.endswith(("）", ")")):
            return label[:position], label[position:]
    return label, ""
