"""The package's shape: no import cycle anywhere, nothing imports the parser only for its constants, analysis
opens no file (frames in, frames out), and no module or function grows past the size a maintainer reads at
a glance. (The layers themselves are checked by `lint-imports`, configured in pyproject.toml, which `make
test` runs.)"""
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


# ----------------------------------------------------------------------------- analysis opens no file

ANALYSIS = PACKAGE / "analysis"
# What reads or writes a file: builtins, modules of the standard library, and the methods of paths and frames.
IO_CALLS = {"open", "print"}
IO_MODULES = {"os", "io", "shutil", "tempfile", "pathlib", "pickle", "sqlite3", "glob",
              "njbulletin.storage", "njbulletin.atomic", "njbulletin.layout", "njbulletin.history_store",
              "njbulletin.context", "njbulletin.digests"}
IO_METHODS = {"read_text", "write_text", "read_bytes", "write_bytes", "open", "unlink", "mkdir", "rmdir", "touch",
              "iterdir", "glob", "rglob", "exists", "is_file", "is_dir", "stat", "write_parquet", "write_csv",
              "write_json", "write_ndjson", "write_ipc", "write_excel", "write_database", "sink_parquet", "sink_csv",
              "sink_ipc", "to_csv", "to_parquet", "to_json", "savefig", "load", "dump", "loads_file"}
IO_PREFIXES = ("read_", "scan_")  # pl.read_parquet, pl.scan_parquet, pd.read_csv, np.load ...
FRAME_MODULES = {"pl", "pd", "np", "polars", "pandas", "numpy", "json"}
# A parameter named so is a MonthContext, whose methods read files (the history store, `history_store`, takes it).
CONTEXT_NAMES = {"ctx", "context"}


def io_in(source: str) -> list[str]:
    """Each place in a module's source that opens, reads or writes a file (or imports what does): line and what."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [alias.name for alias in node.names]
            found += [f"{node.lineno}: import {name}" for name in names if name.split(".")[0] in IO_MODULES
                      or name in IO_MODULES or any(name.startswith(f"{module}.") for module in IO_MODULES)]
        elif isinstance(node, ast.arg) and node.arg in CONTEXT_NAMES:
            found.append(f"{node.lineno}: a MonthContext parameter ({node.arg})")
        elif isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name) and function.id in IO_CALLS:
                found.append(f"{node.lineno}: {function.id}()")
            elif isinstance(function, ast.Attribute):
                owner = function.value.id if isinstance(function.value, ast.Name) else None
                if function.attr in IO_METHODS and (owner is None or owner not in {"re", "math"}):
                    found.append(f"{node.lineno}: .{function.attr}()")
                elif owner in FRAME_MODULES and function.attr.startswith(IO_PREFIXES):
                    found.append(f"{node.lineno}: {owner}.{function.attr}()")
    return found


@pytest.mark.parametrize("path", sorted(ANALYSIS.glob("*.py")), ids=lambda p: p.name)
def test_no_module_in_analysis_opens_a_file(path):
    """docs/architecture.md: analysis is pure functions, frames in and frames out. I/O (the processed tables,
    the history store's files, a month's context) is the storage layer's and `history_store`'s."""
    assert io_in(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("snippet", [
    "import json\ndef f(path):\n    with open(path) as handle:\n        return json.load(handle)",
    "import polars as pl\ndef f(path):\n    return pl.read_parquet(path)",
    "import polars as pl\ndef f(path):\n    return pl.scan_parquet(path).collect()",
    "def f(frame, path):\n    frame.write_csv(path)",
    "def f(path):\n    return path.read_text()",
    "from njbulletin.storage import write_month_tables",
    "from njbulletin.atomic import write_text_atomic",
    "def f(ctx):\n    return ctx.table('bookings')",
])
def test_the_analysis_check_finds_a_file_opened(snippet):
    """Positive control: each way of reading or writing a file is caught."""
    assert io_in(snippet) != []


def test_the_analysis_check_passes_pure_frames():
    assert io_in("import polars as pl\ndef f(frame):\n    return frame.filter(pl.col('x') > 1).sort('x')") == []


# ----------------------------------------------------------------------------- lang is handed down, never read back
# `lang` goes from the command line (or a notebook's parameters cell) down as a value. Reading it back from a
# file the run wrote (a manifest, a notebook's papermill metadata) is how it used to reach the index, the
# navigation bars and the pages. A read of the key "lang" is refused when the value it is read from came from a
# file or from metadata (the expression names a manifest, metadata or papermill), or when the function that reads
# it also reads a file.
FILE_READS = {"read_json", "load", "loads", "read", "read_text", "read_bytes", "open", "read_manifest",
              "collect_month_entries"}
FILE_WORDS = ("manifest", "metadata", "papermill")


def reads_lang_key(node: ast.AST) -> bool:
    """x["lang"] or x.get("lang", ...)."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "lang"
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
            and bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == "lang")


def names_a_file(node: ast.AST) -> bool:
    """The expression mentions a manifest, metadata or papermill (by attribute, name or string)."""
    for part in ast.walk(node):
        word = (part.attr if isinstance(part, ast.Attribute) else part.id if isinstance(part, ast.Name)
                else part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "")
        if any(file_word in word for file_word in FILE_WORDS):
            return True
    return False


def reads_a_file(function: ast.AST) -> bool:
    return any(isinstance(node, ast.Call) and (getattr(node.func, "attr", None) in FILE_READS
                                               or getattr(node.func, "id", None) in FILE_READS)
               for node in ast.walk(function))


def lang_read_backs(source: str) -> list[str]:
    """Each function of the source that reads "lang" back from a file or from metadata."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        reads = [node for node in ast.walk(function) if reads_lang_key(node)]
        if any(names_a_file(node) for node in reads) or (reads and reads_a_file(function)):
            found.append(function.name)
    return found


# What the package did before issue 29 (report/html.py, report/navigation.py, report/index.py): each must be caught.
OLD_READ_BACKS = '''
def notebook_language(notebook) -> str:
    lang = notebook.metadata.get("papermill", {}).get("parameters", {}).get("lang")
    return lang if lang in ("zh", "en") else "zh"

def month_language(month_dir):
    manifest = read_json(month_dir / "manifest.json") or {}
    lang = (manifest.get("parameters") or {}).get("lang")
    return lang if lang in LANGUAGES else "zh"

def reports_language(entries):
    for entry in entries:
        lang = (entry["manifest"].get("parameters") or {}).get("lang")
        if lang in ("zh", "en"):
            return lang
    return "zh"

def render_bar(inputs):
    return inputs["lang"]
'''


def test_the_lang_rule_catches_the_read_backs_issue_29_removed():
    """Positive control: the three read-backs the package had are caught; a value handed down is not."""
    assert lang_read_backs(OLD_READ_BACKS) == ["notebook_language", "month_language", "reports_language"]


def test_lang_is_never_read_back_from_a_file():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50  # the package itself, not an empty folder
    found = {str(path.relative_to(PACKAGE)): names for path in modules
             if (names := lang_read_backs(path.read_text(encoding="utf-8")))}
    assert found == {}
