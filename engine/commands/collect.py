"""`sounding collect`: AWS to a new snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from sounding.engine.commands.common import handles_errors, quiet_option, say, sigterm_as_interrupt, split_values
from sounding.engine.errors import InputError


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
@click.option("--org", "org", is_flag=True,
              help="Collect every ACTIVE account of the organization (run from the management or a "
                   "delegated administrator account); members are reached with sts:AssumeRole.")
@click.option("--role-name", default=None,
              help="With --org: the role to assume in each member [default: OrganizationAccountAccessRole].")
@click.option("--external-id", default=None, help="With --org: the external id the member roles require.")
@click.option("--accounts", "accounts", multiple=True,
              help="With --org: only these account ids (comma-separated or repeated).")
@quiet_option
@handles_errors
def collect(out: Path | None, profile: str | None, regions: tuple[str, ...], services: tuple[str, ...],
            max_workers: int, force: bool, org: bool, role_name: str | None, external_id: str | None,
            accounts: tuple[str, ...], quiet: bool) -> None:
    """Copy the account's (or with --org, the organization's) security configuration into a new snapshot.

    Uses the normal boto3 credential chain (or --profile) and honours
    AWS_ENDPOINT_URL. Failed calls are recorded in the snapshot as gaps.

    \b
    Example:
      sounding collect --regions eu-west-1,us-east-1 --out snapshots/today
      sounding collect --org --role-name SecurityAudit --accounts 111111111111,222222222222
    """
    from sounding.collector.account import CredentialsError, make_session, own_account, whoami
    from sounding.collector.aws import CallCounter
    from sounding.collector.collect import collect as run_collect
    from sounding.collector.org import DEFAULT_ROLE_NAME, OrganizationError, org_targets
    from sounding.collector.tables import select
    from sounding.collector.write import SnapshotExistsError

    if not org and (accounts or role_name or external_id):
        raise InputError("options", "--accounts, --role-name and --external-id need --org")
    sigterm_as_interrupt()
    out = out or Path(f"sounding-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}")
    counter = CallCounter()
    try:
        session = make_session(profile)
        caller = whoami(session, counter)
        targets = (org_targets(session, caller, counter, role_name=role_name or DEFAULT_ROLE_NAME,
                               external_id=external_id, accounts=split_values(accounts), max_workers=max_workers,
                               profile=profile, progress=None if quiet else say)
                   if org else [own_account(session, caller)])
        summary = run_collect(targets, select(split_values(services)), out,
                              partition=caller.partition, caller=caller.to_dict(),
                              regions=split_values(regions), max_workers=max_workers,
                              progress=None if quiet else say, replace=force, counter=counter)
    except OrganizationError as exc:
        raise InputError("organization", str(exc)) from None
    except (CredentialsError, SnapshotExistsError) as exc:
        raise InputError(out if isinstance(exc, SnapshotExistsError) else "credentials",
                         str(exc).removeprefix(f"{out}: ")) from None
    say(f"wrote {summary.path}: {summary.accounts} account(s), {summary.tables} tables, {summary.rows} rows, "
        f"{summary.gaps} gap(s), {summary.api_calls} API calls, {summary.seconds:.1f} s")
