"""Errors a user can cause, and the exit codes the command line maps them to."""
from __future__ import annotations

# Documented exit codes (README, "Data quality and guarantees").
EXIT_OK = 0
EXIT_VALIDATION_ERRORS = 1  # the bulletin was read, but a printed total or schema check failed
EXIT_UNREADABLE = 2  # a file could not be read or parsed, or an argument was invalid
EXIT_BUSY = 3  # another run holds the lock on the same folder
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_PIPE_CLOSED = 141  # the reader of the output went away (e.g. `njbulletin check ... | head`), as 128 + SIGPIPE


class BulletinError(ValueError):
    """A bulletin could not be read. Carries the source, line number and section."""

    def __init__(self, message: str, *, line: int | None = None, section: str | None = None,
                 source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.section = section
        self.source = source

    def with_source(self, source: str) -> BulletinError:
        """Return the same error, naming the file it came from."""
        return BulletinError(self.message, line=self.line, section=self.section, source=source)

    def __str__(self) -> str:
        where = self.source or "<text>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        section = f" [{self.section}]" if self.section else ""
        return f"{where}:{section} {self.message}"


class UsageError(ValueError):
    """A bad argument (month, parameter, path) given on the command line or to the API."""
