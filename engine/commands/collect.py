"""`sounding collect`: AWS to a new snapshot."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from sounding.collector.scrub import scrub
from sounding.engine.commands.common import (
    Progress,
    check_regions,
    handles_errors,
    is_terminal,
    quiet_option,
    say,
    sigterm_as_interrupt,
    split_values,
)
from sounding.engine.errors import InputError
from sounding.engine.remote import SNAPSHOT_PATH

if TYPE_CHECKING:
    from sounding.collector.collect import CollectProgress

PLAIN_EVERY = 2.0  # seconds between progress lines when stderr is not a terminal


@click.command()
@click.option("--out", "out", type=SNAPSHOT_PATH, default=None,
              help="Snapshot directory, or s3://bucket/prefix/NAME, to create [default: ./sounding-<UTC time>].")
@click.option("--profile", help="AWS profile to use instead of the default credential chain.")
@click.option("--regions", "regions", multiple=True,
              help="Only these regions (comma-separated or repeated) [default: every enabled region].")
@click.option("--services", "services", multiple=True,
              help="Only tables of these services or table names (comma-separated or repeated).")
@click.option("--max-workers", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Calls made concurrently.")
@click.option("--force", is_flag=True,
              help="Replace --out if it is a Sounding snapshot (never any other directory).")
@click.option("--org", "org", is_flag=True,
              help="Collect every ACTIVE account of the organization (run from the management or a "
                   "delegated administrator account); members are reached with sts:AssumeRole.")
@click.option("--role-name", default=None,
              help="With --org: the role to assume in each member [default: OrganizationAccountAccessRole].")
@click.option("--external-id", default=None, help="With --org: the external id the member roles require.")
@click.option("--accounts", "accounts", multiple=True,
              help="With --org: only these account ids (comma-separated or repeated).")
@quiet_option
@click.option("--cluster", default=None, metavar="ADDRESS",
              help="With --org: one task per account on the Dask scheduler at ADDRESS (tcp://HOST:8786), or "
                   "local:N for N local worker processes; needs pip install 'sounding[dask]'.")
@handles_errors
def collect(out: Path | str | None, profile: str | None, regions: tuple[str, ...], services: tuple[str, ...],
            max_workers: int, force: bool, org: bool, role_name: str | None, external_id: str | None,
            accounts: tuple[str, ...], cluster: str | None, quiet: bool) -> None:
    """Copy the account's (or with --org, the organization's) security configuration into a new snapshot.

    Uses the normal boto3 credential chain (or --profile) and honours
    AWS_ENDPOINT_URL. Failed calls are recorded in the snapshot as gaps.

    \b
    Example:
      sounding collect --regions eu-west-1,us-east-1 --out snapshots/today
      sounding collect --org --role-name SecurityAudit --accounts 111111111111,222222222222
    """
    from sounding.collector.account import make_session, own_account, whoami
    from sounding.collector.aws import CallCounter, session_retry_settings
    from sounding.collector.collect import collect as run_collect
    from sounding.collector.org import DEFAULT_ROLE_NAME, org_targets
    from sounding.collector.publish import check_out
    from sounding.collector.tables import select
    from sounding.engine.commands.collect_errors import collection_errors

    if not org and (accounts or role_name or external_id):
        raise InputError("options", "--accounts, --role-name and --external-id need --org")
    sigterm_as_interrupt()
    from sounding.collector.contract import name_stamp

    out = out or Path(f"sounding-{name_stamp(datetime.now(UTC))}")
    wanted_regions = split_values(regions)
    check_regions(wanted_regions, None)
    counter = CallCounter()
    printer = ProgressPrinter(enabled=not quiet)
    if cluster is not None or isinstance(out, str):  # --cluster or --out s3://: engine.commands.collect_remote
        from sounding.engine.commands.collect_remote import collect_remote

        return collect_remote(out=out, cluster=cluster, profile=profile, regions=wanted_regions,
                              services=split_values(services), max_workers=max_workers, force=force, org=org,
                              role_name=role_name, external_id=external_id, accounts=split_values(accounts),
                              printer=printer)
    try:
        with collection_errors(out):
            check_out(out, force)  # before any call: --out . or an existing directory fails in a second
            session = make_session(profile)
            retries = session_retry_settings(session)
            caller = whoami(session, counter, retries=retries)
            check_regions(wanted_regions, caller.partition)
            targets = (org_targets(session, caller, counter, role_name=role_name or DEFAULT_ROLE_NAME,
                                   external_id=external_id, accounts=split_values(accounts), max_workers=max_workers,
                                   profile=profile, progress=printer.event, retries=retries)
                       if org else [own_account(session, caller)])
            summary = run_collect(targets, select(split_values(services)), out,
                                  partition=caller.partition, caller=caller.to_dict(),
                                  regions=wanted_regions, max_workers=max_workers,
                                  on_progress=printer, replace=force, counter=counter, retries=retries)
    finally:
        printer.close()
    say(f"wrote {out}: {summary.accounts} account(s), {summary.tables} tables, {summary.rows} rows, "
        f"{summary.gaps} gap(s), {summary.api_calls} API calls, {summary.seconds:.1f} s")


class ProgressPrinter:
    """Collection progress on stderr, drawn by the shared Progress (commands/common.py): one line redrawn in
    place on a terminal, plain lines when piped (totals at most every `every` seconds), events as lines."""

    def __init__(self, *, enabled: bool, every: float = PLAIN_EVERY, tty: bool | None = None) -> None:
        terminal = is_terminal(sys.stderr) if tty is None else tty
        self.display = Progress(quiet=not enabled, verbose=not terminal, tty=terminal)
        self.every = 0.1 if terminal else every
        self._said = time.monotonic()

    def __call__(self, progress: CollectProgress) -> None:
        """A new progress record: tell its event, and the totals when it is time to."""
        if progress.event:
            self.event(progress.event)
        if self.display.mode != "off" and time.monotonic() - self._said >= self.every:
            self._said = time.monotonic()
            self.display(f"progress: {progress.accounts_done}/{progress.accounts_total} accounts, "
                         f"{progress.calls_done}/{progress.calls_submitted} table calls (account x region x table), "
                         f"{progress.rows} rows, {progress.gaps} gaps")

    def event(self, message: str) -> None:
        """One line that stays (on a terminal, printed above the redrawn line), secrets scrubbed."""
        self.display.line(scrub(message))

    def close(self) -> None:
        """Leave the terminal's line clean for what follows."""
        self.display.done()
