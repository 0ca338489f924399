"""The docs render: every Markdown file in docs/ and README.md has working relative links, and every
table renders as a table (a blank line inside a table leaves its later rows as stray pipes)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import mistune
import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKDOWN_FILES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
render = mistune.create_markdown(plugins=["table", "strikethrough"])


class PageParser(HTMLParser):
    """Collects link targets, image sources and the text of every paragraph outside tables."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.paragraphs: list[str] = []
        self.tables = 0
        self._in_paragraph = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "img" and attributes.get("src"):
            self.links.append(attributes["src"])
        if tag == "table":
            self.tables += 1
        if tag == "p":
            self._in_paragraph = True
            self.paragraphs.append("")

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_paragraph = False

    def handle_data(self, data):
        if self._in_paragraph:
            self.paragraphs[-1] += data


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(render(path.read_text(encoding="utf-8")))
    return parser


def is_relative(link: str) -> bool:
    return not re.match(r"^(?:[a-z][a-z0-9+.-]*:|#|//)", link)


def test_there_are_docs_to_check():
    assert ROOT / "README.md" in MARKDOWN_FILES and len(MARKDOWN_FILES) >= 6


@pytest.mark.parametrize("path", MARKDOWN_FILES, ids=lambda p: p.name)
def test_relative_links_point_at_files_that_exist(path):
    page = parse_page(path)
    broken = [link for link in page.links if is_relative(link)
              and not (path.parent / link.split("#", 1)[0]).exists()]
    assert not broken, f"{path.name}: broken relative links {broken}"


@pytest.mark.parametrize("path", MARKDOWN_FILES, ids=lambda p: p.name)
def test_tables_render_whole(path):
    source_tables = sum(1 for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
                        if re.search(r"^\|.*\|\s*\n\|[\s:|-]+\|\s*$", block, re.MULTILINE))
    page = parse_page(path)
    stray = [text for text in page.paragraphs if text.lstrip().startswith("|")]
    assert not stray, f"{path.name}: table rows outside any table: {stray[:2]}"
    assert page.tables >= source_tables, f"{path.name}: {source_tables} tables written, {page.tables} rendered"


def test_a_split_table_is_caught(tmp_path):
    """Positive control: the check finds the defect it exists for."""
    broken = tmp_path / "broken.md"
    broken.write_text("| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n", encoding="utf-8")
    assert [text for text in parse_page(broken).paragraphs if text.lstrip().startswith("|")]
