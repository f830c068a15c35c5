"""Collects accounts × regions × tables concurrently into one snapshot."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from sounding.collector.aws import AccountClients, CallCounter, client_config, home_region, partition_of_region
from sounding.collector.declarations import GLOBAL_REGION, TableSpec
from sounding.collector.gaps import Gap
from sounding.collector.run import run_table
from sounding.collector.write import SnapshotWriter

REGIONS_TABLE = "regions"
# The table that says whether an account is its organization's management account; it decides
# where management-only tables (TableSpec.management_only) are read.
ORGANIZATION_TABLE = "organizations_organization"
ENABLED_OPT_IN = ("opt-in-not-required", "opted-in")
PROGRESS_EVERY = 2.0  # seconds between progress lines on stderr

Progress = Callable[[str], None]


@dataclass
class Target:
    """One account to collect: its session, or the gap that kept us out of it."""

    account_id: str
    session: boto3.Session | None
    name: str = ""
    email: str = ""
    role_arn: str = ""
    failure: Gap | None = None
    # True: these credentials administer the organization (the --org caller); False: never read
    # management-only tables here; None: decide from organizations_organization.master_account_id.
    org_admin: bool | None = None


@dataclass
class CollectSummary:
    """What a collection run produced, for the final summary line."""

    path: Path
    accounts: int
    tables: int
    rows: int
    gaps: int
    api_calls: int
    seconds: float


@dataclass
class _AccountState:
    """Rows, gaps and outstanding work of one account while it is being collected."""

    target: Target
    clients: AccountClients | None
    pending: int = 0
    regions: list[str] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    gaps: list[Gap] = field(default_factory=list)


def chains(specs: Sequence[TableSpec]) -> list[list[TableSpec]]:
    """Specs grouped so that a fanned-out table runs after its parent, in one task."""
    by_name = {s.name: s for s in specs}
    children: dict[str, list[TableSpec]] = defaultdict(list)
    roots = []
    for spec in specs:
        if spec.fan_out is None or spec.fan_out.parent not in by_name:
            roots.append(spec)
        else:
            children[spec.fan_out.parent].append(spec)
    result = []
    for root in roots:
        chain, queue = [], [root]
        while queue:
            spec = queue.pop(0)
            chain.append(spec)
            queue.extend(children.get(spec.name, []))
        result.append(chain)
    return result


def run_chain(chain: Sequence[TableSpec], clients: AccountClients, account_id: str, region: str,
              call_region: str) -> tuple[dict[str, list[dict[str, Any]]], list[Gap]]:
    """Run a parent table and the tables fanned out from it, in one scope."""
    rows: dict[str, list[dict[str, Any]]] = {}
    gaps: list[Gap] = []
    for spec in chain:
        parents = rows.get(spec.fan_out.parent, []) if spec.fan_out else ()
        if spec.fan_out and any(g.table == spec.fan_out.parent for g in gaps):
            gaps.append(Gap(account_id, region, spec.name, spec.service, spec.operation,
                            "ParentNotCollected", "other", f"{spec.fan_out.parent} was not collected"))
            continue
        result = run_table(spec, clients, account_id, region, call_region, parents)
        rows[spec.name] = result.rows
        gaps.extend(result.gaps)
    return rows, gaps


def enabled_regions(rows: Sequence[dict[str, Any]], partition: str, wanted: Sequence[str] | None) -> list[str]:
    """The account's enabled regions in the caller's partition, narrowed to `wanted`."""
    names = sorted(r["region_name"] for r in rows
                   if r.get("opt_in_status") in ENABLED_OPT_IN
                   and partition_of_region(r["region_name"]) == partition)
    if wanted:
        names = [n for n in names if n in set(wanted)]
    return names


def collect(targets: Sequence[Target], specs: Sequence[TableSpec], out: Path, *, partition: str,
            caller: dict[str, str], regions: Sequence[str] | None = None, max_workers: int = 8,
            progress: Progress | None = None, replace: bool = False,
            counter: CallCounter | None = None) -> CollectSummary:
    """Collect every target into a snapshot at `out`; an interruption leaves nothing complete-looking."""
    say = progress or (lambda _msg: None)
    counter = counter or CallCounter()
    started = datetime.now(UTC)
    clock = time.monotonic()
    writer = SnapshotWriter(out, specs, replace=replace)
    home = home_region(partition)
    global_chains = chains([s for s in specs if s.scope == "global" and not s.management_only])
    management_chains = chains([s for s in specs if s.scope == "global" and s.management_only])
    decides_admin = any(s.name == ORGANIZATION_TABLE for s in specs)
    regional_chains = chains([s for s in specs if s.scope == "regional"])
    states = {t.account_id: _AccountState(t, AccountClients(t.session, counter, client_config())
                                          if t.session else None) for t in targets}
    all_gaps: list[Gap] = []
    total_rows = 0
    try:
        with _pool(max_workers) as pool:
            running: dict[Future, tuple[str, str]] = {}

            tally = {"submitted": 0, "done": 0, "accounts": 0, "said": time.monotonic()}
            sizes: dict[Future, int] = {}

            def submit(state: _AccountState, chain: list[TableSpec], region: str, call_region: str) -> None:
                assert state.clients is not None
                future = pool.submit(run_chain, chain, state.clients, state.target.account_id, region,
                                     call_region)
                running[future] = (state.target.account_id, region)
                state.pending += 1
                tally["submitted"] += len(chain)
                sizes[future] = len(chain)

            for state in states.values():
                if state.target.failure is not None:
                    state.gaps.append(state.target.failure)
                    continue
                for chain in global_chains:
                    submit(state, chain, GLOBAL_REGION, home)
                if management_chains and state.target.org_admin:
                    for chain in management_chains:
                        submit(state, chain, GLOBAL_REGION, home)
                elif management_chains and state.target.org_admin is None and not decides_admin:
                    state.gaps.extend(_unknown_admin_gaps(state.target.account_id, management_chains))
            done_accounts = [s for s in states.values() if s.pending == 0]
            while running or done_accounts:
                for state in done_accounts:
                    tally["accounts"] += 1
                    total_rows += _write_account(writer, specs, state)
                    all_gaps.extend(state.gaps)
                    say(f"account {state.target.account_id}: done ({len(state.regions)} regions, "
                        f"{len(state.gaps)} gaps)")
                done_accounts = []
                if not running:
                    break
                finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in finished:
                    account_id, region = running.pop(future)
                    state = states[account_id]
                    state.pending -= 1
                    tally["done"] += sizes.pop(future)
                    rows, gaps = future.result()
                    for name, table_rows in rows.items():
                        state.rows[name].extend(table_rows)
                    state.gaps.extend(gaps)
                    if region == GLOBAL_REGION and management_chains and state.target.org_admin is None:
                        if administers_organization(account_id, rows.get(ORGANIZATION_TABLE, [])):
                            for chain in management_chains:
                                submit(state, chain, GLOBAL_REGION, home)
                        elif any(g.table == ORGANIZATION_TABLE for g in gaps):
                            state.gaps.extend(_unknown_admin_gaps(account_id, management_chains))
                    regions_failed = any(g.table == REGIONS_TABLE for g in gaps)
                    if region == GLOBAL_REGION and REGIONS_TABLE in rows and not regions_failed:
                        state.rows[REGIONS_TABLE] = [
                            r for r in state.rows[REGIONS_TABLE]
                            if partition_of_region(r["region_name"]) == partition]
                        state.regions = enabled_regions(state.rows[REGIONS_TABLE], partition, regions)
                        say(f"account {account_id}: {len(state.regions)} regions")
                        for reg in state.regions:
                            for chain in regional_chains:
                                submit(state, chain, reg, reg)
                    elif region == GLOBAL_REGION and regions_failed:
                        state.regions = list(regions or [])
                        for reg in state.regions:
                            for chain in regional_chains:
                                submit(state, chain, reg, reg)
                        if not state.regions:
                            state.gaps.extend(_unknown_region_gaps(account_id, regional_chains))
                    if state.pending == 0:
                        done_accounts.append(state)
                if time.monotonic() - tally["said"] >= PROGRESS_EVERY:
                    tally["said"] = time.monotonic()
                    say(f"progress: {tally['accounts']}/{len(states)} accounts, {tally['done']}/"
                        f"{tally['submitted']} table calls (account x region x table), "
                        f"{sum(len(s.gaps) for s in states.values())} gaps")
        accounts = [_account_entry(s) for s in states.values()]
        path = writer.finish(started_at=started, finished_at=datetime.now(UTC), caller=caller,
                             accounts=accounts, gaps=all_gaps, api_calls=counter.sent,
                             options={"regions": sorted(regions or []), "partition": partition})
    except BaseException:
        writer.abort()
        raise
    return CollectSummary(path, len(states), len(specs), total_rows, len(all_gaps), counter.sent,
                          round(time.monotonic() - clock, 2))


@contextmanager
def _pool(max_workers: int) -> Iterator[ThreadPoolExecutor]:
    """A thread pool that, when interrupted, drops the queued calls instead of running them all first."""
    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="collect")
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def administers_organization(account_id: str, organization_rows: Sequence[dict[str, Any]]) -> bool:
    """Whether the account is the management account of the organization it describes."""
    return any(row.get("master_account_id") == account_id for row in organization_rows)


def _unknown_admin_gaps(account_id: str, management_chains: list[list[TableSpec]]) -> list[Gap]:
    """Management-only tables cannot be placed when the organization is unknown: say so per table."""
    return [Gap(account_id, GLOBAL_REGION, spec.name, spec.service, spec.operation, "OrganizationUnknown",
                "other", f"{ORGANIZATION_TABLE} was not collected, so whether this account administers "
                "its organization is unknown")
            for chain in management_chains for spec in chain]


def _unknown_region_gaps(account_id: str, regional_chains: list[list[TableSpec]]) -> list[Gap]:
    """Regional tables cannot be read when the account's regions are unknown: say so per table."""
    return [Gap(account_id, GLOBAL_REGION, spec.name, spec.service, spec.operation, "RegionsUnknown",
                "other", "the account's enabled regions could not be listed")
            for chain in regional_chains for spec in chain]


def _write_account(writer: SnapshotWriter, specs: Sequence[TableSpec], state: _AccountState) -> int:
    """Write every table of a finished account, empty ones included."""
    return sum(writer.write_account(spec.name, state.target.account_id, state.rows.get(spec.name, []))
               for spec in specs)


def _account_entry(state: _AccountState) -> dict[str, Any]:
    """An account as the manifest lists it."""
    target = state.target
    return {"account_id": target.account_id, "name": target.name, "email": target.email,
            "role_arn": target.role_arn, "regions": sorted(state.regions),
            "reachable": target.failure is None}
