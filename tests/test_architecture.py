"""The package's shape: no import cycle anywhere, nothing imports the parser only for its constants,
and no module or function grows past the size a maintainer reads at a glance. (The layers themselves
are checked by `lint-imports`, configured in pyproject.toml, which `make test` runs.)"""
from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "njbulletin"
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
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_and_function_sizes(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES, f"{path.name} has {len(source.splitlines())} lines"
    long_functions = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
                      for node in ast.walk(ast.parse(source))
                      if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                      and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long_functions == []
