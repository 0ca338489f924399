"""Text a reader sees, in Chinese (zh) or English (en), looked up in the one table of strings
(`njbulletin.report.strings.TEXT`).

Hospital and district names come from the hospital registry (`njbulletin.validate.names`) in English; the few
hotline categories and booking platforms the bulletin prints have English names here. A name with no
English form is shown as printed (the CJK font renders it), never dropped.
"""
from __future__ import annotations

import polars as pl

from njbulletin.report.strings import NAMES_EN, TEXT, text  # noqa: F401 - text is used from here


def source_line(month: str, lang: str = "zh") -> str:
    """The source line under every chart."""
    return text("source_line", lang, month=month)


def name_label(name: str, lang: str = "zh") -> str:
    """A hotline category or platform in the language (as printed when no English name is known)."""
    return NAMES_EN.get(name, name) if lang == "en" else name


def with_name_labels(frame: pl.DataFrame, column: str, lang: str = "zh",
                     registry: pl.DataFrame | None = None) -> pl.DataFrame:
    """Add `label`: a hospital or district name as printed (zh) or its registry English name (en)."""
    if lang != "en":
        return frame.with_columns(pl.col(column).alias("label"))
    from njbulletin.validate.names import resolve_names

    return (resolve_names(frame, column, registry).rename({"english_name": "label"})
            .drop("canonical_name", "name_known"))


def with_text_labels(frame: pl.DataFrame, column: str, lang: str = "zh") -> pl.DataFrame:
    """Add `label` for a column of label keys (channels, kinds, levels, metrics) or printed names."""
    def translate(value: str) -> str:
        return text(value, lang) if value in TEXT else name_label(value, lang)

    return frame.with_columns(pl.col(column).map_elements(translate, return_dtype=pl.String).alias("label"))


def display_name(name: str, lang: str = "zh") -> str:
    """One hospital or district name as printed (zh) or in English from the registry (en)."""
    if lang != "en":
        return name
    from njbulletin.validate.names import english_name

    return english_name(name)


def display_names(names: list[str | None], lang: str = "zh") -> list[str | None]:
    """Hospital and district names as printed (zh) or in English from the registry (en), in one lookup."""
    if lang != "en" or not names:
        return list(names)
    from njbulletin.validate.names import resolve_names

    frame = resolve_names(pl.DataFrame({"name": names}, schema={"name": pl.String}), "name")
    return frame["english_name"].to_list()
