"""What every command shares: one-line errors, signals, progress, colour, and the option vocabulary."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click
from sounding.engine.errors import InputError
from sounding.engine.printable import printable
from sounding.engine.rules import SECTIONS, SEVERITIES, STATUSES

EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_ERRORS = 3
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a writer whose reader went away
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def version() -> str:
    """The installed version of Sounding."""
    from sounding.collector.write import tool_version

    return tool_version()


def say(message: str) -> None:
    """Progress and logs: stderr only, so stdout stays data; control characters escaped."""
    click.echo(printable(message), err=True)


class SoundingGroup(click.Group):
    """A group whose usage errors (a typo in an option or value) are one line on stderr and exit 2."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """Run the command; in standalone mode a click error is `error: <message>` and its exit code."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        sigterm_as_interrupt()
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `sounding` alone: the help, as click shows it
                exc.show()
                sys.exit(exc.exit_code)
            command = f" (see `{exc.ctx.command_path} --help`)" if getattr(exc, "ctx", None) else ""
            click.echo(f"error: {printable(exc.format_message())}{command}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("interrupted: nothing was written", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            stop_on_closed_stdout()
        try:
            sys.stdout.flush()  # a reader that went away shows here, not as a traceback at exit
        except BrokenPipeError:
            stop_on_closed_stdout()
        sys.exit(result if isinstance(result, int) else 0)


def handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input and operating-system errors become one line on stderr and exit 2; SIGINT and SIGTERM
    become exit 130. Whatever the command was writing is left out (see engine/output.py)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        sigterm_as_interrupt()
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            stop_on_closed_stdout()
        except InputError as exc:
            from sounding.collector.scrub import scrub

            click.echo(f"error: {printable(scrub(str(exc)))}", err=True)
            sys.exit(EXIT_INPUT)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {printable(where + (exc.strerror or str(exc)))}", err=True)
            sys.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper


def stop_on_closed_stdout() -> None:
    """The reader of stdout went away (`sounding query ... | head`): stop quietly, as a shell tool does."""
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
    sys.exit(EXIT_BROKEN_PIPE)


def sigterm_as_interrupt() -> None:
    """SIGTERM stops work the same way as Ctrl-C: cleanly, leaving nothing half-written, exit 130."""

    def handler(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, handler)


def split_values(values: tuple[str, ...]) -> list[str]:
    """Values given comma-separated, repeated, or both."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


# ---- Terminal: colour and progress ------------------------------------------------------------------------

def colour_wanted(stream: TextIO) -> bool:
    """Colour only for a terminal, never when NO_COLOR is set (https://no-color.org) or TERM is dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


class Progress:
    """Progress on stderr: one line redrawn in place on a terminal; with --verbose every line; else nothing."""

    def __init__(self, *, quiet: bool, verbose: bool, stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        terminal = is_terminal(self.stream) if tty is None else tty
        self.mode = "off" if quiet else "lines" if verbose else "redraw" if terminal else "off"
        self.drawn = False

    def __call__(self, message: str) -> None:
        """Show one progress message."""
        if self.mode == "lines":
            click.echo(printable(message), file=self.stream)
        elif self.mode == "redraw":
            width = _terminal_width() - 1
            # color=True: the escape is a control code, kept also when click thinks the stream is no terminal
            click.echo("\r" + printable(message)[:width] + "\x1b[K", file=self.stream, nl=False, color=True)
            self.drawn = True

    def line(self, message: str) -> None:
        """A line that stays (unless off): on a terminal it is printed above the redrawn line."""
        if self.mode == "off":
            return
        self.done()
        click.echo(printable(message), file=self.stream)

    def done(self) -> None:
        """Clear the redrawn line, leaving the terminal as it was."""
        if self.drawn:
            click.echo("\r\x1b[K", file=self.stream, nl=False, color=True)
            self.drawn = False

    @property
    def callback(self) -> Callable[[str], None] | None:
        """The callable to hand to the engine, or None when nothing is shown."""
        return None if self.mode == "off" else self


def is_terminal(stream: TextIO) -> bool:
    """Whether the stream is a terminal."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _terminal_width() -> int:
    """Columns of the terminal (80 when unknown)."""
    try:
        columns = os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError):
        return 80
    return columns if columns > 0 else 80


# ---- Shell completion --------------------------------------------------------------------------------------

def complete_rule_ids(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """Rule ids of the built-in pack and the --rules directories already typed."""
    from sounding.engine.rules import builtin_rules_dir, rule_files

    directories = [] if ctx.params.get("no_builtin") else [builtin_rules_dir()]
    directories += [Path(d) for d in ctx.params.get("rule_dirs") or () if Path(d).is_dir()]
    try:
        ids = {p.stem for p in rule_files(directories)}
    except (InputError, OSError):
        return []
    return sorted(i for i in ids if i.startswith(incomplete))


def complete_table_names(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """Names of the snapshot tables."""
    from sounding.collector.tables import ALL_TABLES

    return sorted(t.name for t in ALL_TABLES if t.name.startswith(incomplete))


class SectionType(click.ParamType):
    """A catalog section number; anything else is an error naming the valid sections."""

    name = "section"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        """The section number, or a usage error listing every section."""
        if isinstance(value, int) and value in SECTIONS:
            return value
        text = str(value).strip()
        if text.isdigit() and int(text) in SECTIONS:
            return int(text)
        valid = ", ".join(f"{n} ({name})" for n, name in SECTIONS.items())
        self.fail(f"{value!r} is not a section; the sections are {valid}", param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[click.shell_completion.CompletionItem]:
        """Every section number, with its name as help."""
        from click.shell_completion import CompletionItem

        return [CompletionItem(str(n), help=name) for n, name in SECTIONS.items() if str(n).startswith(incomplete)]


# ---- The shared options ------------------------------------------------------------------------------------

def stack(*decorators: Decorator) -> Decorator:
    """Several option decorators as one, listed in --help in the order given."""

    def apply(command: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


rule_dir_options = stack(
    click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path), metavar="DIR",
                 help="Also use the rules in DIR (repeatable)."),
    click.option("--no-builtin", is_flag=True, help="Leave out the built-in pack; use only the --rules directories."),
)
rule_id_option = click.option("--rule", "rule_ids", multiple=True, metavar="ID", shell_complete=complete_rule_ids,
                              help="Only these rule ids (repeatable, globs allowed).")
rule_filter_options = stack(
    click.option("--section", "sections", multiple=True, type=SectionType(),
                 help="Only rules of these catalog sections, by number (repeatable)."),
    click.option("--severity", "severities", multiple=True, type=click.Choice(SEVERITIES),
                 help="Only rules of these severities (repeatable)."),
)
status_option = click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES),
                             help="Only report findings with these statuses (repeatable).")
waivers_option = click.option("--waivers", "waivers_file", type=click.Path(dir_okay=False, path_type=Path),
                              help="Waivers TOML file [default: ./sounding-waivers.toml when present].")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress on stderr (warnings and errors still).")
verbose_option = click.option("--verbose", "-v", is_flag=True, help="Print one progress line per step on stderr.")
wide_option = click.option("--wide", is_flag=True, help="Show table cells in full instead of cut at 80 characters.")


def timeout_option(help_text: str) -> Decorator:
    """--timeout SECONDS: how long one rule or query may run."""
    return click.option("--timeout", type=click.FloatRange(0.1, 3600), default=60, show_default=True,
                        metavar="SECONDS", help=help_text)


def format_option(choices: tuple[str, ...], default: str = "table") -> Decorator:
    """The one --format option every reporting command shares."""
    return click.option("--format", "output_format", type=click.Choice(choices), default=default,
                        show_default=True, help="Output format.")


def output_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--output FILE: written atomically; a device or FIFO is written in place; `-` is stdout."""
    return click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
                        metavar="FILE", help="Write to FILE instead of stdout (atomically: a complete file or "
                                             "none; a device or FIFO is written in place; '-' is stdout).")(command)


def check_regions(wanted: list[str], partition: str | None) -> None:
    """--regions names only regions of the partition (of any, before the caller is known) in botocore's data."""
    from sounding.collector.aws import partition_regions, unknown_regions

    unknown = unknown_regions(wanted, partition)
    if unknown:
        where = f"the {partition} partition" if partition else "any partition"
        raise InputError("--regions", f"{', '.join(unknown)}: not a region of {where}; valid values: "
                                      f"{', '.join(partition_regions(partition or 'aws'))}")
