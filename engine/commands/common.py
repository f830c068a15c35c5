"""What every command shares: error handling, stderr progress, the --format and --output options."""

from __future__ import annotations

import functools
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sounding.engine.errors import InputError

EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130


def version() -> str:
    """The installed version of Sounding."""
    from sounding.collector.write import tool_version

    return tool_version()


def say(message: str) -> None:
    """Progress and logs: stderr only, so stdout stays data."""
    click.echo(message, err=True)


def handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn input errors into one line on stderr and exit 2; interruptions into exit 130."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            from sounding.collector.scrub import scrub

            click.echo(f"error: {printable(scrub(str(exc)))}", err=True)
            sys.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper


def printable(text: str) -> str:
    """One line however odd the input: control characters (a newline in a file name) are escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def format_option(choices: tuple[str, ...], default: str = "table") -> Callable[[Any], Any]:
    """The one --format option every reporting command shares."""
    return click.option("--format", "output_format", type=click.Choice(choices), default=default,
                        show_default=True, help="Output format.")


def output_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--output FILE, written atomically; stdout when absent."""
    return click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                        help="Write the report to FILE instead of stdout (atomically).")(command)


def sigterm_as_interrupt() -> None:
    """SIGTERM stops work the same way as Ctrl-C: cleanly, leaving nothing half-written."""

    def handler(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, handler)


def split_values(values: tuple[str, ...]) -> list[str]:
    """Values given comma-separated, repeated, or both."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]
