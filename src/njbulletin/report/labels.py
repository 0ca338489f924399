"""Text a reader sees, in Chinese (zh) or English (en), looked up in the one table of strings
(`njbulletin.report.strings.TEXT`).

Hospital and district names come from the hospital registry (`njbulletin.validate.names`) in English; the few
hotline categories and booking platforms the bulletin prints have English names here. A name with no
English form is shown as printed (the CJK font renders it), never dropped. Lists of names are joined with
`join_names`.
"""
from __future__ import annotations

import polars as pl

from njbulletin.report.strings import NAMES_EN, TEXT, text  # noqa: F401 - text is used from here


def source_line(month: str, lang: str) -> str:
    """The source line under every chart."""
    return text("source_line", lang, month=month)


def name_label(name: str, lang: str) -> str:
    """A hotline category or platform in the language (as printed when no English name is known)."""
    return NAMES_EN.get(name, name) if lang == "en" else name


def with_name_labels(frame: pl.DataFrame, column: str, lang: str) -> pl.DataFrame:
    """Add `label`: a hospital or district name as printed (zh) or in English (en), by `display_names`."""
    return frame.with_columns(pl.Series("label", display_names(frame[column].to_list(), lang), dtype=pl.String))


def with_text_labels(frame: pl.DataFrame, column: str, lang: str) -> pl.DataFrame:
    """Add `label` for a column of label keys (channels, kinds, levels, metrics) or printed names."""
    def translate(value: str) -> str:
        return text(value, lang) if value in TEXT else name_label(value, lang)

    return frame.with_columns(pl.col(column).map_elements(translate, return_dtype=pl.String).alias("label"))


def display_name(name: str, lang: str) -> str:
    """One hospital or district name in the reader's language, by `display_names`."""
    return display_names([name], lang)[0]


def display_names(names: list[str | None], lang: str) -> list[str | None]:
    """Hospital and district names as printed (zh), or in English (en): the registry's English name, or the name
    as printed when the registry has none. The one rule for every name a page shows; names of one institution
    joined in one cell (甲医院 + 甲医院乙院区) are each put in English."""
    if lang != "en" or not names:
        return list(names)
    from njbulletin.validate.names import NAME_JOINER, resolve_names

    parts = sorted({part for name in names if name is not None for part in name.split(NAME_JOINER)})
    frame = resolve_names(pl.DataFrame({"name": parts}, schema={"name": pl.String}), "name")
    english = dict(zip(frame["name"].to_list(), frame["english_name"].to_list()))
    return [None if name is None else NAME_JOINER.join(english[part] for part in name.split(NAME_JOINER))
            for name in names]


def join_names(names: list[str], lang: str) -> str:
    """A list of names in one line: "、" between Chinese names, "; " between English ones (an English name may
    hold a comma: "Sir Run Run Hospital, Nanjing Medical University"). No name of the registry holds either."""
    return ("、" if lang == "zh" else "; ").join(names)
