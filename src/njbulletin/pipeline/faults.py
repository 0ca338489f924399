"""Faults the machine causes (a full disk, an I/O error, a folder that cannot be written), told apart from
a notebook that fails on its own (a bug, bad data).

A month stopped by such a fault keeps its previous reports: its staged outputs are dropped and the run
says so in one line. A notebook's fault arrives as text (the kernel's exception name and message), so it
is recognised by the errno the message carries: Python prints `[Errno 28] ...`, Rust libraries such as
polars print `... (os error 28)`.

Standard library only.
"""
from __future__ import annotations

import errno
import os
import re

MACHINE_ERRNOS = frozenset(code for code in (
    errno.ENOSPC,  # no space left on device
    getattr(errno, "EDQUOT", None),  # disk quota exceeded
    errno.EIO,  # input/output error
    errno.EROFS,  # read-only file system
    errno.EACCES,  # permission denied (a folder that cannot be written)
    errno.EPERM,
    errno.EFBIG,  # file too large for the file system
) if code is not None)

ERRNO_IN_TEXT = re.compile(r"\[Errno (\d+)\]|\(os error (\d+)\)")


def machine_errno(exc: BaseException) -> int | None:
    """The errno of an exception the machine caused (an OSError among MACHINE_ERRNOS, also as the cause or
    context of another exception), else None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in MACHINE_ERRNOS:
            return exc.errno
        exc = exc.__cause__ or exc.__context__
    return None


def machine_errno_in_text(text: str | None) -> int | None:
    """The errno of a machine fault named in an error message (a kernel's `OSError: [Errno 28] ...`)."""
    for match in ERRNO_IN_TEXT.finditer(text or ""):
        code = int(match.group(1) or match.group(2))
        if code in MACHINE_ERRNOS:
            return code
    return None


def describe_errno(code: int) -> str:
    """'no space left on device', 'input/output error', ..."""
    return os.strerror(code).lower()


def describe_fault(exc: BaseException) -> str | None:
    """'no space left on device' and the like when the machine caused `exc` (by its errno, or the errno its
    message names: a kernel's error, or a library that reports the OS error in text), else None."""
    text = f"{getattr(exc, 'ename', '')}: {getattr(exc, 'evalue', '')} {exc}"
    code = machine_errno(exc) or machine_errno_in_text(text)
    return describe_errno(code) if code else None


def describe_write_error(exc: BaseException) -> str:
    """The cause of a failed write, in words: the machine's fault, or the OS error, or the message."""
    fault = describe_fault(exc)
    if fault:
        return fault
    code = getattr(exc, "errno", None)
    return describe_errno(code) if code else " ".join(str(exc).split())


def kept_reports_message(report_dir, month: str, cause: str, had_reports: bool) -> str:
    """The one line that says a month's outputs could not be written, and what was kept."""
    kept = (f"the previous reports of {month} are kept" if had_reports
            else f"no reports of {month} were written")
    return f"{report_dir}: {cause}; {kept}"
