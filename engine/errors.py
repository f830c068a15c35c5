"""The one error type that reaches the user as a single line and exit code 2."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input: names the file and the problem in one line."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{self.path}: {self.problem}")


def first_line(exc: BaseException) -> str:
    """The first line of an error message (DuckDB's run to several), or the exception's type."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
