"""`sounding export`: findings into the services people work in; the only commands that write to AWS."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from sounding.engine.commands.common import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    handles_errors,
    quiet_option,
    rule_dir_options,
    say,
    sigterm_as_interrupt,
    split_values,
    stack,
    waivers_option,
)
from sounding.engine.errors import InputError
from sounding.engine.evaluate import Evaluation

FAILURES_SHOWN = 20


def evaluated(snapshot: Path, rule_dirs: tuple[Path, ...], no_builtin: bool, waivers_file: Path | None,
              quiet: bool) -> Evaluation:
    """The snapshot evaluated as `sounding evaluate` does it, waivers applied."""
    from sounding.engine.evaluate import evaluate as run_evaluate
    from sounding.engine.selection import select_rules
    from sounding.engine.snapshot import open_snapshot
    from sounding.engine.waivers import apply_waivers, find_waivers_file, load_waivers

    snap = open_snapshot(snapshot)
    rules = select_rules(rule_dirs, no_builtin=no_builtin)
    waivers_path = find_waivers_file(waivers_file)
    evaluation = run_evaluate(snap, rules, progress=None if quiet else say)
    if waivers_path:
        evaluation.waivers = apply_waivers(evaluation.findings, load_waivers(waivers_path), snap.collected_at)
        for warning in filter(None, (o.warning(str(waivers_path)) for o in evaluation.waivers)):
            say(warning)
    return evaluation


# The options that choose the rules and waivers, worded as `evaluate` words them (engine/commands/common.py).
evaluation_options = stack(rule_dir_options, waivers_option, quiet_option)


@click.group()
def export() -> None:
    """Put a snapshot's findings where people work: Security Hub, Security Lake.

    `collect` only reads; `export securityhub` is the one command that writes to AWS.

    \b
    Example:
      sounding export securityhub snapshots/today --org --dry-run
      sounding export security-lake snapshots/today -o lake-today
    """


@export.command("securityhub")
@click.argument("snapshot", type=click.Path(path_type=Path))
@click.option("--profile", help="AWS profile to use instead of the default credential chain.")
@click.option("--org", "org", is_flag=True,
              help="Import every account's findings with that account's credentials (sts:AssumeRole, as "
                   "`collect --org`); without it, only the caller's own account is imported.")
@click.option("--role-name", default=None,
              help="With --org: the role to assume in each member [default: OrganizationAccountAccessRole].")
@click.option("--external-id", default=None, help="With --org: the external id the member roles require.")
@click.option("--accounts", "accounts", multiple=True, help="Only these account ids (comma-separated or repeated).")
@click.option("--max-workers", type=click.IntRange(1, 32), default=4, show_default=True,
              help="Accounts exported concurrently.")
@click.option("--dry-run", is_flag=True, help="Print what would be imported where; call nothing.")
@evaluation_options
@handles_errors
def securityhub(snapshot: Path, profile: str | None, org: bool, role_name: str | None, external_id: str | None,
                accounts: tuple[str, ...], max_workers: int, dry_run: bool, rule_dirs: tuple[Path, ...],
                no_builtin: bool, waivers_file: Path | None, quiet: bool) -> None:
    """Import the findings into AWS Security Hub, in each region where it is enabled.

    FAIL, ERROR and MANUAL findings are imported ACTIVE; PASS findings resolve earlier
    failures (Compliance PASSED, RecordState ARCHIVED); Sounding findings the snapshot no
    longer has are archived; waived findings are SUPPRESSED with the waiver's reason, and
    set back to NEW when the waiver ends.
    SKIP is never imported. Exit status: 0 all imported, 1 some not, 2 bad input.

    \b
    Example:
      sounding export securityhub snapshots/today --org --dry-run
    """
    from sounding.collector.account import CredentialsError, make_session, whoami
    from sounding.collector.aws import CallCounter
    from sounding.collector.org import DEFAULT_ROLE_NAME, OrganizationError, org_targets
    from sounding.engine.export.securityhub import export as run_export
    from sounding.engine.export.securityhub_plan import build_plan, describe

    if not org and (role_name or external_id):
        raise InputError("options", "--role-name and --external-id need --org")
    sigterm_as_interrupt()
    evaluation = evaluated(snapshot, rule_dirs, no_builtin, waivers_file, quiet)
    wanted = set(split_values(accounts)) or None
    if dry_run:
        plan = build_plan(evaluation, wanted)
        try:
            click.echo("\n".join(describe(plan)))
        finally:
            plan.close()
        if not org and not quiet:
            say("dry run: without --org only the caller's own account is imported")
        return
    counter = CallCounter()
    try:
        session = make_session(profile)
        caller = whoami(session, counter)
        if not org:
            wanted = (wanted or {caller.account_id}) & {caller.account_id}
        plan = build_plan(evaluation, wanted)
        try:
            if not plan.destinations:
                sessions: dict[str, Any] = {}
            elif org:
                targets = org_targets(session, caller, counter, role_name=role_name or DEFAULT_ROLE_NAME,
                                      external_id=external_id, accounts=sorted({a for a, _ in plan.destinations}),
                                      max_workers=max_workers, profile=profile, progress=None if quiet else say)
                sessions = {t.account_id: t.session or (t.failure.message if t.failure else "no session")
                            for t in targets}
            else:
                sessions = {caller.account_id: session}
            try:
                outcomes = run_export(plan, sessions, max_workers=max_workers, progress=None if quiet else say)
            except KeyboardInterrupt:
                say("interrupted: findings imported so far stay in Security Hub; export the snapshot again to "
                    "finish")
                sys.exit(EXIT_INTERRUPTED)
            for line in describe(plan)[len(plan.destinations):]:
                say(line)
        finally:
            plan.close()
    except OrganizationError as exc:
        raise InputError("organization", str(exc)) from None
    except CredentialsError as exc:
        raise InputError("credentials", str(exc)) from None
    failures = [f"{o.account_id} {o.region}: {failure}" for o in outcomes for failure in o.failures]
    say(f"security hub: {sum(o.imported for o in outcomes)} imported, {sum(o.archived for o in outcomes)} archived, "
        f"{sum(o.suppressed for o in outcomes)} suppressed, {sum(o.reopened for o in outcomes)} reopened in "
        f"{len(outcomes)} account-region(s), "
        f"{len(failures)} failure(s)")
    for line in failures[:FAILURES_SHOWN]:
        say(f"failed: {line}")
    if len(failures) > FAILURES_SHOWN:
        say(f"failed: … and {len(failures) - FAILURES_SHOWN} more")
    if failures:
        sys.exit(EXIT_FINDINGS)


@export.command("security-lake")
@click.argument("snapshot", type=click.Path(path_type=Path))
@click.option("--output", "-o", "output", required=True, type=click.Path(path_type=Path),
              help="Directory to create: region=/accountId=/eventDay= partitions of OCSF Parquet.")
@evaluation_options
@handles_errors
def security_lake(snapshot: Path, output: Path, rule_dirs: tuple[Path, ...], no_builtin: bool,
                  waivers_file: Path | None, quiet: bool) -> None:
    """Write the findings as an Amazon Security Lake custom source: OCSF Compliance Findings in Parquet.

    One file per region=<region>/accountId=<account>/eventDay=<yyyymmdd>/ partition, written
    to a temporary directory and renamed into place; copy it under the custom source's
    S3 location. Offline: no AWS call.

    \b
    Example:
      sounding export security-lake snapshots/today -o lake-today
    """
    from sounding.engine.report.security_lake import write_lake

    sigterm_as_interrupt()
    evaluation = evaluated(snapshot, rule_dirs, no_builtin, waivers_file, quiet)
    count = write_lake(evaluation, output)
    if not quiet:
        say(f"wrote {output}: {count} OCSF Compliance Finding(s)")
