"""The order a month's pages are listed in, wherever they are listed (the navigation bar, the index).

A notebook's number says when it runs (below 10 one after another, then the rest concurrently), not where its
page is listed: the attention list (`50-attention`) runs with the analyses, after every earlier month is
ingested, yet it is a month's first page after the one-page briefing (`briefing.html`, which 50-attention
writes beside its page; it is no notebook, so it has no number). FIRST_PAGES come first, in their order, then every other page in
number order. Standard library only: the index and the bars are rebuilt on the path where nothing changed.
"""
from __future__ import annotations

from collections.abc import Iterable

ATTENTION_PAGE = "50-attention"
ATTENTION_DIGEST = "attention.json"  # in the month's folder: the count and first items the index and bars show
BRIEFING_NAME = "briefing"  # briefing.html, the month's one-page briefing
FIRST_PAGES = (BRIEFING_NAME, ATTENTION_PAGE)


def order_pages(pages: Iterable[str]) -> list[str]:
    """Page names (NN-name, and the briefing) in the order a reader sees them: FIRST_PAGES, then the rest by number."""
    def rank(page: str) -> tuple[int, str]:
        return (FIRST_PAGES.index(page) if page in FIRST_PAGES else len(FIRST_PAGES), page)

    return sorted(pages, key=rank)
