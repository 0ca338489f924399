"""The package's shape: no import cycle anywhere, nothing imports the parser only for its constants,
and no module or function grows past the size a maintainer reads at a glance. (The layers themselves
are checked by `lint-imports`, configured in pyproject.toml, which `make test` runs.)"""
from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "njbulletin"
BENCHMARKS = ROOT / "benchmarks"
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("njbulletin")


def find_cycles(graph) -> list[tuple[str, str]]:
    """Every direct import a -> b where b also reaches a (a cycle through that import)."""
    return sorted((module, imported) for module in graph.modules
                  for imported in graph.find_modules_directly_imported_by(module)
                  if imported != module and graph.chain_exists(importer=imported, imported=module))


def test_no_import_cycle_anywhere(graph):
    assert find_cycles(graph) == []


def test_the_cycle_check_finds_a_cycle(graph):
    """Positive control: an import added against the layers is caught."""
    graph.add_import(importer="njbulletin.contract", imported="njbulletin.reading.parser")
    assert ("njbulletin.contract", "njbulletin.reading.parser") in find_cycles(graph)


def test_only_readers_import_the_parser():
    """The table contract lives in njbulletin.contract; the parser is imported for parsing only."""
    importers = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "njbulletin.reading.parser":
                names = {alias.name for alias in node.names}
                if names and all(name.isupper() for name in names):
                    importers[str(path.relative_to(PACKAGE))] = sorted(names)
    assert importers == {}


def source_files() -> list[Path]:
    """The package's modules and the benchmarks' (which obey the same limits)."""
    return sorted(PACKAGE.rglob("*.py")) + sorted(BENCHMARKS.glob("*.py"))


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_and_function_sizes(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES, f"{path.name} has {len(source.splitlines())} lines"
    long_functions = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
                      for node in ast.walk(ast.parse(source))
                      if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                      and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long_functions == []


def test_every_module_marked_slow_exists():
    """conftest.SLOW_MODULES names test files; a name with no file marks nothing and hides a typo."""
    from conftest import SLOW_MODULES

    assert sorted(name for name in SLOW_MODULES if not (ROOT / "tests" / name).is_file()) == []


def test_every_browser_test_module_carries_the_chromium_mark():
    """A module that drives Chromium marks its tests `chromium`, so that CI fails them when Chromium is missing
    (tests/conftest.py) instead of skipping them: a skipped browser test did not run."""
    unmarked = [path.name for path in sorted((ROOT / "tests").glob("test_*.py"))
                if "sync_playwright" in (source := path.read_text(encoding="utf-8"))
                and "pytest.mark.chromium" not in source]
    assert unmarked == []
