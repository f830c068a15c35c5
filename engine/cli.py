"""The `sounding` command: a thin click layer that parses options and calls the library."""

from __future__ import annotations

import functools
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from engine.errors import InputError
from engine.output import write_output
from engine.rules import SEVERITIES, STATUSES

EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130


def version() -> str:
    """The installed version of Sounding."""
    from collector.write import tool_version

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
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper


def format_option(choices: tuple[str, ...], default: str = "table") -> Callable[[Any], Any]:
    """The one --format option every reporting command shares."""
    return click.option("--format", "output_format", type=click.Choice(choices), default=default,
                        show_default=True, help="Output format.")


def output_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--output FILE, written atomically; stdout when absent."""
    return click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                        help="Write the report to FILE instead of stdout (atomically).")(command)


def _sigterm_as_interrupt() -> None:
    """SIGTERM stops work the same way as Ctrl-C: cleanly, leaving nothing half-written."""

    def handler(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, handler)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(version(), "--version", prog_name="sounding")
def cli() -> None:
    """Audit the security posture of an AWS organization as code.

    Collect once with `sounding collect`, then evaluate, diff and query the snapshot
    offline: the same snapshot and rules always give the same report.

    \b
    Example:
      sounding evaluate snapshots/example
    """


@cli.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Snapshot directory to create [default: ./sounding-<UTC time>].")
@click.option("--profile", help="AWS profile to use instead of the default credential chain.")
@click.option("--regions", "regions", multiple=True,
              help="Only these regions (comma-separated or repeated) [default: every enabled region].")
@click.option("--services", "services", multiple=True,
              help="Only tables of these services or table names (comma-separated or repeated).")
@click.option("--max-workers", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Calls made concurrently.")
@click.option("--force", is_flag=True, help="Replace --out if it already exists.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr; only the summary line.")
@handles_errors
def collect(out: Path | None, profile: str | None, regions: tuple[str, ...], services: tuple[str, ...],
            max_workers: int, force: bool, quiet: bool) -> None:
    """Copy the account's security configuration into a new snapshot.

    Uses the normal boto3 credential chain (or --profile) and honours
    AWS_ENDPOINT_URL. Failed calls are recorded in the snapshot as gaps.

    \b
    Example:
      sounding collect --regions eu-west-1,us-east-1 --out snapshots/today
    """
    from collector.account import CredentialsError, make_session, own_account, whoami
    from collector.aws import CallCounter
    from collector.collect import collect as run_collect
    from collector.tables import select
    from collector.write import SnapshotExistsError

    _sigterm_as_interrupt()
    out = out or Path(f"sounding-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}")
    counter = CallCounter()
    try:
        session = make_session(profile)
        caller = whoami(session, counter)
        summary = run_collect([own_account(session, caller)], select(_split(services)), out,
                              partition=caller.partition, caller=caller.to_dict(),
                              regions=_split(regions), max_workers=max_workers,
                              progress=None if quiet else say, replace=force, counter=counter)
    except (CredentialsError, SnapshotExistsError) as exc:
        raise InputError(out if isinstance(exc, SnapshotExistsError) else "credentials",
                         str(exc).removeprefix(f"{out}: ")) from None
    say(f"wrote {summary.path}: {summary.accounts} account(s), {summary.tables} tables, {summary.rows} rows, "
        f"{summary.gaps} gap(s), {summary.api_calls} API calls, {summary.seconds:.1f} s")


@cli.command()
@click.argument("snapshot", type=click.Path(path_type=Path))
@handles_errors
def verify(snapshot: Path) -> None:
    """Check a snapshot's manifest, files, checksums and schemas; nothing else.

    \b
    Example:
      sounding verify snapshots/example
    """
    from engine.snapshot import open_snapshot

    snap = open_snapshot(snapshot)
    files = sum(len(t["files"]) for t in snap.tables.values())
    say(f"{snapshot}: OK ({len(snap.tables)} tables, {files} files, {len(snap.gaps)} gap(s))")


@cli.command()
@click.argument("snapshot", type=click.Path(path_type=Path))
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Also run the rules in DIR (repeatable).")
@click.option("--no-builtin", is_flag=True, help="Run only the --rules directories, not the built-in pack.")
@click.option("--rule", "rule_ids", multiple=True, help="Only these rule ids (repeatable, globs allowed).")
@click.option("--section", "sections", multiple=True, type=int, help="Only rules of these sections.")
@click.option("--severity", "severities", multiple=True, type=click.Choice(SEVERITIES),
              help="Only rules of these severities.")
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES),
              help="Only report findings with these statuses.")
@click.option("--fail-on", type=click.Choice((*SEVERITIES, "none")), default="info", show_default=True,
              help="Exit 1 when a FAIL at or above this severity exists ('none': never).")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=60, show_default=True,
              help="Seconds a rule may run before it is stopped and reported as ERROR.")
@format_option(("table", "json", "csv"))
@output_option
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@handles_errors
def evaluate(snapshot: Path, rule_dirs: tuple[Path, ...], no_builtin: bool, rule_ids: tuple[str, ...],
             sections: tuple[int, ...], severities: tuple[str, ...], statuses: tuple[str, ...],
             fail_on: str, timeout: float, output_format: str, output: Path | None, quiet: bool) -> None:
    """Run the rules over a snapshot, offline, and report the findings.

    Exit status: 0 clean, 1 a FAIL at or above --fail-on, 2 bad input.

    \b
    Example:
      sounding evaluate snapshots/example --format json --fail-on high
    """
    from engine.evaluate import evaluate as run_evaluate
    from engine.report import FORMATS
    from engine.selection import select_rules
    from engine.snapshot import open_snapshot

    snap = open_snapshot(snapshot)
    rules = select_rules(rule_dirs, no_builtin=no_builtin, ids=rule_ids, sections=sections,
                         severities=severities)
    evaluation = run_evaluate(snap, rules, timeout=timeout, progress=None if quiet else say)
    gate = [f for f in evaluation.findings if f.status == "FAIL" and not f.waived]
    if statuses:
        evaluation.findings = [f for f in evaluation.findings if f.status in statuses]
    write_output(FORMATS[output_format](evaluation), output)
    if fail_on != "none" and any(f.at_or_above(fail_on) for f in gate):
        sys.exit(EXIT_FINDINGS)


def _split(values: tuple[str, ...]) -> list[str]:
    """Values given comma-separated, repeated, or both."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sounding")
