"""What a notebook uses to show its page: the header, section headings, tables and charts, all in the
page's language, all through the report package's one way of doing each."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from njbulletin.config import PROJECT_ROOT
from njbulletin.report import narrative
from njbulletin.report.labels import text
from njbulletin.report.tables import ReportTable, report_table


def shown_folder(folder: Path) -> str:
    """A folder as a reader is told it: relative to the project when it is inside it (scratch/<user>), else whole."""
    folder = Path(folder)
    return str(folder.relative_to(PROJECT_ROOT)) if folder.is_relative_to(PROJECT_ROOT) else str(folder)


@dataclass(frozen=True)
class Page:
    notebook: str  # the notebook's name, e.g. 10-booking-channels
    month: str
    lang: str
    figures_dir: Path

    @classmethod
    def of(cls, notebook: str, context) -> Page:
        """The page of a notebook for a MonthContext (its month, language and figures folder). A notebook run
        by hand says where it writes: its scratch folder, not the published reports."""
        if context.exploring:
            print(text("p.exploring", context.lang, command="njbulletin run", folder=shown_folder(context.scratch_dir)))
        return cls(notebook, context.month, context.lang, context.figures_dir)

    def text(self, key: str, **values: object) -> str:
        return text(key, self.lang, **values)

    def header(self) -> narrative.Prose:
        return narrative.page_header(self.notebook, self.month, self.lang)

    def section(self, key: str, intro: str | None = None, depth: int = 2, **values: object) -> narrative.Prose:
        return narrative.section(key, self.lang, intro, depth, **values)

    def table(self, frame: pl.DataFrame, table_id: str, title: str, **options) -> ReportTable:
        """A table of the page; `title` is a key of the string table (or a finished title with `titled`)."""
        shown = options.pop("titled", None) or self.text(title)
        return report_table(frame, table_id, title=shown, month=self.month, lang=self.lang, **options)

    def chart(self, stem: str, draw, *args, **options) -> list[Path]:
        """Draw a chart for paper and for a phone (`draw(*args, sheet=..., **options)`: report.sheets), write the
        paper one as PNG and SVG under the month's figures folder, and show it with the phone one as its narrow
        version. A chart drawn in parts (`draw` returns a list of figures) is written as <stem>, <stem>-2, ..."""
        from njbulletin.report.plotting import publish_figure
        from njbulletin.report.sheets import PAPER, PHONE

        paper, phone = (draw(*args, sheet=sheet, **options) for sheet in (PAPER, PHONE))
        if not isinstance(paper, list):
            paper, phone = [paper], [phone]
        written = []
        for number, (wide, narrow) in enumerate(zip(paper, phone), start=1):
            written += publish_figure(wide, self.figures_dir, stem if number == 1 else f"{stem}-{number}", narrow)
        return written
