"""`njbulletin run`: its options made into settings, the run, its closing summary and exit status.

Exit 0 when every month succeeded or was unchanged; 1 when a month failed (a notebook failed, or the
machine could not write the month: then its previous reports are kept); 2 for a bad month, parameter or
folder; 3 when another run holds the reports folder.
"""
from __future__ import annotations

import os
import sys

from njbulletin.commands.paths import absolute, output_folder
from njbulletin.errors import EXIT_BUSY, EXIT_OK, EXIT_VALIDATION_ERRORS, UsageError
from njbulletin.pipeline.model import FAILED, OK, SKIPPED, MonthOutcome, Settings


def settings_from_args(args) -> Settings:
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError(f"invalid --jobs {jobs}: expected 1 or more")
    return Settings(raw_dir=absolute(args.raw), processed_dir=output_folder(args.processed, "processed"),
                    reports_dir=output_folder(args.reports, "reports"), notebooks_dir=absolute(args.notebooks),
                    force=args.force, jobs=jobs,
                    with_code=args.with_code, lang=args.lang, allow_errors=args.allow_errors)


def report_outcomes(outcomes: list[MonthOutcome]) -> int:
    """Print the run's closing summary (each failure on stderr, one line) and return the exit status."""
    failed = [outcome for outcome in outcomes if outcome.status == FAILED]
    ran = sum(outcome.status == OK for outcome in outcomes)
    skipped = sum(outcome.status == SKIPPED for outcome in outcomes)
    print(f"done: {ran} months run, {skipped} unchanged, {len(failed)} failed", flush=True)
    for outcome in failed:
        if outcome.fault:
            print(f"error: {outcome.fault}", file=sys.stderr)
        else:
            print(f"failed: {outcome.month}: {'; '.join(outcome.failures())}", file=sys.stderr)
    return EXIT_VALIDATION_ERRORS if failed else EXIT_OK


def choose_progress():
    """A progress bar when standard output is a terminal; a plain line per month otherwise (CI, a log file)."""
    from njbulletin.pipeline.progress import BarProgress, LineProgress

    return BarProgress() if sys.stdout.isatty() else LineProgress()


def run_command(args) -> int:
    from njbulletin.pipeline.run import BusyError, ExportError, run_pipeline

    try:
        outcomes = run_pipeline(args.months, settings_from_args(args), run_all=args.all, progress=choose_progress())
    except BusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except ExportError as exc:
        report_outcomes(exc.outcomes)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_VALIDATION_ERRORS
    return report_outcomes(outcomes)
