"""`sounding collect` beyond one machine: --cluster (one Dask task per account) and --out s3://bucket/prefix/NAME.

The snapshot is always built and checked in a private local directory first (for S3, a temporary one);
an S3 --out is then uploaded file by file with its manifest last, the commit. With --cluster and an
S3 --out the workers stage their parts under a unique `.NAME.partial-RUN` prefix next to NAME, removed
at the end whatever happens.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sounding.engine.commands.common import say
from sounding.engine.errors import InputError


def collect_remote(*, out: Path | str, cluster: str | None, profile: str | None, regions: list[str],
                   services: list[str], max_workers: int, force: bool, org: bool, role_name: str | None,
                   external_id: str | None, accounts: list[str], printer: Any) -> None:
    """Collect with --cluster and/or into an s3:// --out; errors as one-line InputErrors."""
    from sounding.collector.distributed import ClusterError, parse_cluster, require_distributed
    from sounding.collector.s3store import S3StoreError, S3Url, is_s3
    from sounding.engine.commands.collect_errors import collection_errors

    if cluster is not None and not org:
        raise InputError("--cluster", "needs --org: each account of the organization is one task")
    try:
        if cluster is not None:
            parse_cluster(cluster)
            require_distributed()
        remote = S3Url.parse(str(out)) if is_s3(out) else None
    except ClusterError as exc:
        raise InputError("--cluster", str(exc)) from None
    except S3StoreError as exc:
        raise InputError(out, str(exc).removeprefix(f"{out}: ")) from None
    clock = time.monotonic()
    try:
        with collection_errors(out):
            try:
                summary = _run(out=out, remote=remote, cluster=cluster, profile=profile, regions=regions,
                               services=services, max_workers=max_workers, force=force, org=org,
                               role_name=role_name, external_id=external_id, accounts=accounts, printer=printer)
            except ClusterError as exc:
                raise InputError("--cluster", str(exc)) from None
            except S3StoreError as exc:
                where, _, problem = str(exc).partition(": ")
                raise InputError(where, problem or str(exc)) from None
    finally:
        printer.close()
    lost = getattr(summary, "lost", 0)  # a ClusterSummary's; a single-process run loses no account
    if lost:
        say(f"warning: {lost} account(s) could not be collected on the cluster; recorded as unreachable "
            "with the reason as a gap")
    say(f"wrote {out}: {summary.accounts} account(s), {summary.tables} tables, {summary.rows} rows, "
        f"{summary.gaps} gap(s), {summary.api_calls} API calls, {time.monotonic() - clock:.1f} s")


def _run(*, out: Path | str, remote: Any, cluster: str | None, profile: str | None, regions: list[str],
         services: list[str], max_workers: int, force: bool, org: bool, role_name: str | None,
         external_id: str | None, accounts: list[str], printer: Any) -> Any:
    """The collection itself; returns a summary with accounts, tables, rows, gaps, api_calls and lost."""
    from sounding.collector.account import make_session, own_account, whoami
    from sounding.collector.aws import CallCounter, session_retry_settings
    from sounding.collector.collect import collect as run_collect
    from sounding.collector.org import DEFAULT_ROLE_NAME, choose, list_accounts, org_targets
    from sounding.collector.publish import check_out
    from sounding.collector.s3store import check_s3_out, s3_client, upload_snapshot
    from sounding.collector.tables import select
    from sounding.engine.commands.common import check_regions

    s3 = s3_client(profile) if remote is not None else None
    if remote is not None:
        check_s3_out(s3, remote, force)  # before any collection call
    else:
        check_out(Path(out), force)
    with ExitStack() as stack:
        client = None
        if cluster is not None:  # before any AWS call: an unreachable scheduler fails in seconds
            from sounding.collector.distributed import dask_client

            client = stack.enter_context(dask_client(cluster))
        counter = CallCounter()
        session = make_session(profile)
        retries = session_retry_settings(session)
        caller = whoami(session, counter, retries=retries)
        check_regions(regions, caller.partition)
        specs = select(services)
        local = Path(out)
        if remote is not None:
            local = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sounding-collect-"))) / remote.name
        if client is not None:
            chosen = choose(list_accounts(session, caller.partition, counter, retries), accounts)
            role = role_name or DEFAULT_ROLE_NAME
            printer.event(f"organization: {len(chosen)} account(s) to collect on the cluster, assuming role "
                          f"{role} in members")
            summary = _on_cluster(client, chosen, caller, specs, local, remote, s3, counter=counter,
                                  role=role, external_id=external_id, profile=profile, regions=regions,
                                  services=services, max_workers=max_workers, retries=retries, force=force,
                                  printer=printer)
        else:
            targets = (org_targets(session, caller, counter, role_name=role_name or DEFAULT_ROLE_NAME,
                                   external_id=external_id, accounts=accounts, max_workers=max_workers,
                                   profile=profile, progress=printer.event, retries=retries)
                       if org else [own_account(session, caller)])
            summary = run_collect(targets, specs, local, partition=caller.partition, caller=caller.to_dict(),
                                  regions=regions, max_workers=max_workers, on_progress=printer,
                                  replace=force and remote is None, counter=counter, retries=retries)
        if remote is not None:
            upload_snapshot(s3, local, remote, replace=force)
    return summary


def _on_cluster(client: Any, chosen: list[Any], caller: Any, specs: Any, local: Path, remote: Any, s3: Any, *,
                counter: Any, role: str, external_id: str | None, profile: str | None, regions: list[str],
                services: list[str], max_workers: int, retries: Any, force: bool, printer: Any) -> Any:
    """One task per chosen account on the cluster, parts staged in S3 when the snapshot goes there."""
    from sounding.collector.distributed import AccountJob, collect_on_cluster, remove_staging
    from sounding.collector.org import role_arn

    staging = remote.sibling(f".{remote.name}.partial-{uuid.uuid4().hex}") if remote is not None else None
    jobs = [AccountJob(account_id=a.account_id, name=a.name, email=a.email,
                       role_arn="" if a.account_id == caller.account_id else role_arn(caller.partition,
                                                                                        a.account_id, role),
                       external_id=external_id, profile=profile if a.account_id == caller.account_id else None,
                       partition=caller.partition,
                       caller=caller.to_dict(), regions=tuple(regions), services=tuple(services),
                       max_workers=max_workers, retries=retries, staging=str(staging) if staging else "")
            for a in chosen]
    try:
        return collect_on_cluster(client, jobs, specs, local, caller=caller.to_dict(), partition=caller.partition,
                                  regions=regions, caller_calls=counter.sent, replace=force and remote is None,
                                  say=printer.event, staging_client=s3)
    finally:
        if staging is not None:
            remove_staging(s3, staging)
