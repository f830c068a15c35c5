"""`sounding collect`: AWS to a new snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from engine.commands.common import handles_errors, say, sigterm_as_interrupt, split_values
from engine.errors import InputError


@click.command()
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

    sigterm_as_interrupt()
    out = out or Path(f"sounding-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}")
    counter = CallCounter()
    try:
        session = make_session(profile)
        caller = whoami(session, counter)
        summary = run_collect([own_account(session, caller)], select(split_values(services)), out,
                              partition=caller.partition, caller=caller.to_dict(),
                              regions=split_values(regions), max_workers=max_workers,
                              progress=None if quiet else say, replace=force, counter=counter)
    except (CredentialsError, SnapshotExistsError) as exc:
        raise InputError(out if isinstance(exc, SnapshotExistsError) else "credentials",
                         str(exc).removeprefix(f"{out}: ")) from None
    say(f"wrote {summary.path}: {summary.accounts} account(s), {summary.tables} tables, {summary.rows} rows, "
        f"{summary.gaps} gap(s), {summary.api_calls} API calls, {summary.seconds:.1f} s")
