"""The `njbulletin` command line. Start-up stays light: each command imports its own module.

Exit codes: 0 success; 1 validation errors (or a month of `run` failed);
2 a file could not be read or written, a folder is unusable, or an argument is invalid;
3 another run holds the lock; 130 interrupted (Ctrl-C); 141 the output pipe was closed (e.g. piped into `head`).
Each command's module is `njbulletin.commands.<command>`; every path it is given is made absolute there
(`njbulletin.commands.paths`).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from njbulletin import config
from njbulletin.commands.paths import export_absolute_folders
from njbulletin.errors import EXIT_INTERRUPTED, EXIT_PIPE_CLOSED, EXIT_UNREADABLE, BulletinError, UsageError

# command -> (module, function). Each function takes the parsed arguments and returns an exit code.
COMMANDS = {
    "ingest": ("njbulletin.commands.ingest", "ingest_command"),
    "check": ("njbulletin.commands.check", "check_command"),
    "run": ("njbulletin.commands.run", "run_command"),
    "synth": ("njbulletin.commands.synth", "synth_command"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="njbulletin", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="parse bulletins, validate them, and write processed parquet")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="bulletin files (YYYY-MM.txt or .pdf), or a raw folder (its bulletins, as run reads it)")
    ingest.add_argument("--processed", default=str(config.PROCESSED_DIR), metavar="DIR",
                        help="processed data folder (default: data/processed)")
    ingest.add_argument("--allow-errors", action="store_true",
                        help="write a month even when validation finds errors (stored in quality_flags)")

    check = commands.add_parser("check", help="validate bulletins: reconcile totals, list quality warnings")
    check.add_argument("paths", nargs="+", metavar="PATH", help="bulletin files, or a raw folder")
    check.add_argument("--summary", action="store_true",
                       help="errors in full, warnings one line per rule (count, first units, line range)")

    run = commands.add_parser("run", help="run the notebook pipeline for months found in the raw folder")
    run.add_argument("months", nargs="*", metavar="MONTH", help="YYYY-MM (default: every month in RAW)")
    run.add_argument("--all", action="store_true", help="run every month found in RAW")
    run.add_argument("--raw", default=str(config.RAW_DIR), metavar="DIR")
    run.add_argument("--processed", default=str(config.PROCESSED_DIR), metavar="DIR")
    run.add_argument("--reports", default=str(config.REPORTS_DIR), metavar="DIR")
    run.add_argument("--notebooks", default=str(config.NOTEBOOKS_DIR), metavar="DIR",
                     help="the numbered notebooks to run (default: the project's notebooks/)")
    run.add_argument("--force", action="store_true", help="run even when nothing changed")
    run.add_argument("--jobs", type=int, default=None, metavar="N", help="months run in parallel (default: cores)")
    run.add_argument("--with-code", action="store_true", help="show code cells in the HTML reports")
    run.add_argument("--lang", default=config.LANGUAGES[0], metavar="LANG",
                     help=f"language of the reports: headings, sentences, tables and charts "
                          f"({' or '.join(config.LANGUAGES)}; default: {config.LANGUAGES[0]})")
    run.add_argument("--allow-errors", action="store_true",
                     help="store and analyse a month whose printed totals do not reconcile (errors flagged)")

    synth = commands.add_parser("synth", help="write synthetic bulletins for scale and trend tests")
    synth.add_argument("--months", type=int, required=True, metavar="N")
    synth.add_argument("--out", required=True, metavar="DIR")
    synth.add_argument("--start", default="2024-12", metavar="YYYY-MM")
    synth.add_argument("--seed", type=int, default=0, metavar="S")
    return parser


def describe_os_error(exc: OSError) -> str:
    """'PATH: no space left on device' (the file and the cause, without Python's '[Errno 28]')."""
    cause = exc.strerror.lower() if exc.strerror else str(exc)
    return f"{exc.filename}: {cause}" if exc.filename else cause


def main(argv: list[str] | None = None) -> int:
    export_absolute_folders()
    args = build_parser().parse_args(argv)
    module_name, function_name = COMMANDS[args.command]
    try:
        command = getattr(importlib.import_module(module_name), function_name)
        return command(args)
    except (BulletinError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader stopped reading (`| head`): no traceback, and no second error when Python flushes
        # standard output at exit (the recipe of the Python documentation, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE_CLOSED
    except OSError as exc:  # an output the machine could not write (full disk, I/O error): what was there is kept
        print(f"error: {describe_os_error(exc)}", file=sys.stderr)
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
