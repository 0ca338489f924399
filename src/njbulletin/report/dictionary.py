"""docs/data-dictionary.md, generated from the table contract (njbulletin.contract.TABLE_DOCS), the same
source as the exports' datapackage.json files.

`make dictionary` (python -m njbulletin.report.dictionary) rewrites the page; with --check it only says
whether the page is stale (exit 1), as the tests do.
"""
from __future__ import annotations

import sys
from pathlib import Path

from njbulletin import config
from njbulletin.contract import EXPORT_SCHEMAS, TABLE_DOCS, Column, Table
from njbulletin.report.datapackage import field_type

DICTIONARY_PATH = config.DOCS_DIR / "data-dictionary.md"
EXIT_STALE = 1

INTRODUCTION = """# Data dictionary

<!-- Generated from src/njbulletin/contract.py (TABLE_DOCS) by `make dictionary`: edit the contract, not this page. -->

Every table the parser produces (`Bulletin.tables`), as stored under
`data/processed/<table>/month=YYYY-MM/data.parquet` and exported to `reports/YYYY-MM/data/<table>.csv`
(one month) and `reports/data/<table>.csv` (all months). Read all months of a table with
`pl.scan_parquet("data/processed/<table>")` (hive partitioning; `month` is also a column in every file).

Each export folder also holds `datapackage.json`, a [Frictionless Data Package](https://datapackage.org/)
that describes its CSVs with what this page says: every field's type, Chinese title, English description
and unit, the primary key, the source bulletins with their sha256, and how the data was made. Tools that
read data packages (frictionless in Python, the frictionless package in R, Data Curator) load the CSVs
with the right types; `frictionless validate reports/data/datapackage.json` checks them.

Conventions:

- `month` is `YYYY-MM`, read from the statistics headings of the bulletin (all headings must agree,
  and a raw file named `YYYY-MM.*` must agree with them).
- Names (hospitals, districts, platforms, hotline categories) are kept **as printed**, with every space
  removed (PDF text extraction inserts spaces around digits: `南京卫生 12320 微信` becomes
  `南京卫生12320微信`). Brackets stay as printed (full-width `（）` or ASCII `()`); the hospital registry
  (`data/reference/hospitals.csv`) resolves variants to one canonical name.
- A `/` in the bulletin means "not reported" and becomes null (an empty cell in the CSVs). A printed `0`
  stays 0.
- Counts are integers; money is a number in **thousand yuan** (千元), as printed.
- CSVs are UTF-8 with a byte-order mark (so Excel shows the Chinese text), comma-separated, one header row.
- Types: the polars type of the parquet column, then the Table Schema type of the CSV field.
"""


def cell(text: str | None) -> str:
    """Text for a markdown table cell (pipes escaped, no line breaks)."""
    return "" if text is None else " ".join(str(text).split()).replace("|", "\\|")


def column_row(name: str, dtype, column: Column) -> str:
    return (f"| {name} | {dtype} · {field_type(dtype)} | {cell(column.title_zh)} | {cell(column.unit)} "
            f"| {cell(column.description_en)} |")


def table_section(name: str, table: Table) -> str:
    key = ", ".join(f"`{column}`" for column in table.primary_key)
    lines = [f"## {name} · {table.title_zh}", "", table.description_en, "",
             f"Source: {table.source}. Primary key: {key}.", "",
             "| column | type | 中文 | unit | meaning |", "|---|---|---|---|---|"]
    lines += [column_row(column, EXPORT_SCHEMAS[name][column], docs)
              for column, docs in table.columns.items()]
    if table.notes_md:
        lines += ["", table.notes_md]
    return "\n".join(lines) + "\n"


def render_data_dictionary() -> str:
    return "\n".join([INTRODUCTION, *(table_section(name, table) for name, table in TABLE_DOCS.items())])


def main(argv: list[str] | None = None) -> int:
    """Write the page (or, with --check, only compare it); exit 1 when --check finds it stale."""
    argv = sys.argv[1:] if argv is None else argv
    path = Path(DICTIONARY_PATH)
    expected = render_data_dictionary()
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if "--check" in argv:
        if current != expected:
            print(f"{path}: stale; run `make dictionary`", file=sys.stderr)
            return EXIT_STALE
        return 0
    if current != expected:
        path.write_text(expected, encoding="utf-8")
        print(f"{path}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
