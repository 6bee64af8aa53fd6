"""One exception tree; each class carries the exit code that cron and scripts see.

Codes follow BSD sysexits where one fits (documented in README.md, "退出码").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_DATA = 65
EXIT_NO_INPUT = 66
EXIT_CANT_WRITE = 73
EXIT_BUSY = 75
EXIT_CONFIG = 78


class CreditError(Exception):
    """Base of every error the tool reports to the user (message in Chinese)."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(CreditError):
    """Bad parameters given on the command line or in a task file."""

    exit_code = EXIT_USAGE


class InputMissingError(CreditError):
    """An input file, or a record the command names, does not exist."""

    exit_code = EXIT_NO_INPUT


class OutputError(CreditError):
    """An output file cannot be written."""

    exit_code = EXIT_CANT_WRITE


class BusyError(CreditError):
    """Another process holds the database lock."""

    exit_code = EXIT_BUSY


class ConfigError(CreditError):
    """Configuration or database schema is not usable as it is."""

    exit_code = EXIT_CONFIG


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row) of an input file.

    ``row`` is the row number as Excel shows it (1-based, title rows included);
    ``column`` is the header as written in the file.
    """

    row: int | None
    column: str
    value: str
    reason: str
    place: str | None = None
    """Names what is wrong when it is no file cell (e.g. "对象 9137…（名称）")."""

    def __str__(self) -> str:
        if self.place is not None:
            return f"{self.place}: {self.reason}"
        where = f"第 {self.row} 行" if self.row is not None else "文件"
        col = f" “{self.column}”" if self.column else ""
        val = f"{self.value} " if self.value else ""
        return f"{where}{col}: {val}{self.reason}"


class DataError(CreditError):
    """Input data is invalid; nothing was written. Carries every problem found."""

    exit_code = EXIT_DATA

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)
        self.hints: list[str] = []
        """Lines printed after the problems (e.g. where the full list was saved)."""
