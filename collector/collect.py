"""Collects accounts × regions × tables concurrently into one snapshot."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from sounding.collector.aws import AccountClients, CallCounter, RetrySettings, home_region, partition_of_region
from sounding.collector.declarations import GLOBAL_REGION, TableSpec
from sounding.collector.gaps import Gap, classify
from sounding.collector.pool import DaemonPool
from sounding.collector.publish import check_out
from sounding.collector.run import INVALID_VALUE, run_table
from sounding.collector.write import SnapshotWriter

REGIONS_TABLE = "regions"
# The table that says whether an account is its organization's management account; it decides
# where management-only tables (TableSpec.management_only) are read.
ORGANIZATION_TABLE = "organizations_organization"
ENABLED_OPT_IN = ("opt-in-not-required", "opted-in")


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


@dataclass(frozen=True)
class CollectProgress:
    """Where a collection stands, handed to the progress listener after every step worth telling."""

    accounts_total: int
    accounts_done: int = 0
    calls_submitted: int = 0  # table calls (account x region x table) queued so far
    calls_done: int = 0
    rows: int = 0
    gaps: int = 0
    event: str = ""  # what just happened ("account 111111111111: 17 regions"), or "" for a plain update


ProgressListener = Callable[[CollectProgress], None]


@dataclass(frozen=True)
class CollectOptions:
    """How to collect: the caller's partition and identity, the regions wanted, concurrency, --force, retries."""

    partition: str
    caller: dict[str, str]
    regions: tuple[str, ...] = ()
    max_workers: int = 8
    replace: bool = False
    retries: RetrySettings = field(default_factory=RetrySettings)


@dataclass
class _AccountState:
    """Rows, gaps and outstanding work of one account while it is being collected."""

    target: Target
    clients: AccountClients | None
    pending: int = 0
    regions: list[str] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    gaps: list[Gap] = field(default_factory=list)


@dataclass(frozen=True)
class _Task:
    """One submitted chain: whose, where, and how many table calls it counts for."""

    account_id: str
    region: str
    chain: tuple[TableSpec, ...]

    @property
    def size(self) -> int:
        """How many table calls this chain counts for."""
        return len(self.chain)


class Collector:
    """One collection run: start every account, follow each as its calls finish, write it, publish once."""

    def __init__(self, targets: Sequence[Target], specs: Sequence[TableSpec], out: Path, options: CollectOptions,
                 *, counter: CallCounter | None = None, on_progress: ProgressListener | None = None) -> None:
        self.specs = list(specs)
        self.options = options
        self.out = check_out(out, options.replace)  # fails now, before any call, if --out cannot take it
        self.counter = counter or CallCounter()
        self.on_progress = on_progress or (lambda _progress: None)
        self.home = home_region(options.partition)
        self.global_chains = chains([s for s in specs if s.scope == "global" and not s.management_only])
        self.management_chains = chains([s for s in specs if s.scope == "global" and s.management_only])
        self.regional_chains = chains([s for s in specs if s.scope == "regional"])
        self.decides_admin = any(s.name == ORGANIZATION_TABLE for s in specs)
        config = options.retries.config()
        self.states = {t.account_id: _AccountState(t, AccountClients(t.session, self.counter, config)
                                                   if t.session else None) for t in targets}
        self.progress = CollectProgress(accounts_total=len(self.states))
        self._running: dict[Future[Any], _Task] = {}
        self._finished: list[_AccountState] = []
        self._gaps: list[Gap] = []
        self._pool: DaemonPool | None = None

    def run(self) -> CollectSummary:
        """Collect everything into a snapshot at `out`; an interruption leaves nothing complete-looking."""
        started, clock = datetime.now(UTC), time.monotonic()
        writer = SnapshotWriter(self.out, self.specs, replace=self.options.replace)
        try:
            with DaemonPool(self.options.max_workers) as self._pool:
                self._start_accounts()
                while True:
                    self._write_finished_accounts(writer)
                    if not self._running:
                        break
                    self._take_finished_calls()
            path = self._publish(writer, started)
        except BaseException:
            writer.abort()
            raise
        return CollectSummary(path, len(self.states), len(self.specs), self.progress.rows, len(self._gaps),
                              self.counter.sent, round(time.monotonic() - clock, 2))

    def _start_accounts(self) -> None:
        """Submit every reachable account's global tables; an unreachable account is finished with its gap."""
        for state in self.states.values():
            if state.target.failure is not None:
                state.gaps.append(state.target.failure)
            else:
                for chain in self.global_chains:
                    self._submit(state, chain, GLOBAL_REGION, self.home)
                if self.management_chains and state.target.org_admin:
                    self._submit_management(state)
                elif (self.management_chains and state.target.org_admin is None and not self.decides_admin):
                    state.gaps.extend(_unknown_admin_gaps(state.target.account_id, self.management_chains))
            if state.pending == 0:
                self._finished.append(state)

    def _submit(self, state: _AccountState, chain: list[TableSpec], region: str, call_region: str) -> None:
        """Queue one chain of tables for an account in one scope."""
        assert state.clients is not None and self._pool is not None
        future = self._pool.submit(run_chain, chain, state.clients, state.target.account_id, region, call_region)
        self._running[future] = _Task(state.target.account_id, region, tuple(chain))
        state.pending += 1
        self._advance(calls_submitted=self.progress.calls_submitted + len(chain))

    def _submit_management(self, state: _AccountState) -> None:
        """Queue the management-only tables: this account administers its organization."""
        for chain in self.management_chains:
            self._submit(state, chain, GLOBAL_REGION, self.home)

    def _take_finished_calls(self) -> None:
        """Wait for a chain to finish and fold it, and any others already finished, into their accounts."""
        assert self._pool is not None
        done = [self._pool.next_finished()]
        while not self._pool.finished.empty():
            done.append(self._pool.finished.get())
        for future in done:
            task = self._running.pop(future)
            state = self.states[task.account_id]
            state.pending -= 1
            try:
                rows, gaps = future.result()
            except Exception as exc:  # a failure outside the per-call handling: a gap per table, never an abort
                rows, gaps = {}, chain_failed(task.chain, task.account_id, task.region, exc)
            for name, table_rows in rows.items():
                state.rows[name].extend(table_rows)
            state.gaps.extend(gaps)
            if task.region == GLOBAL_REGION:
                self._place_management_tables(state, rows, gaps)
                self._plan_regions(state, rows, gaps)
            if state.pending == 0:
                self._finished.append(state)
            self._advance(calls_done=self.progress.calls_done + task.size,
                          gaps=self.progress.gaps + len(gaps))

    def _place_management_tables(self, state: _AccountState, rows: dict[str, list[dict[str, Any]]],
                                 gaps: list[Gap]) -> None:
        """Once the organization is read: management-only tables here, or a gap saying it is unknown."""
        if not self.management_chains or state.target.org_admin is not None:
            return
        account_id = state.target.account_id
        if administers_organization(account_id, rows.get(ORGANIZATION_TABLE, [])):
            self._submit_management(state)
        elif call_failed(gaps, ORGANIZATION_TABLE):
            state.gaps.extend(_unknown_admin_gaps(account_id, self.management_chains))

    def _plan_regions(self, state: _AccountState, rows: dict[str, list[dict[str, Any]]], gaps: list[Gap]) -> None:
        """Once the account's regions are listed (or failed to be): queue the regional tables."""
        account_id = state.target.account_id
        if call_failed(gaps, REGIONS_TABLE):
            state.regions = list(self.options.regions)
            if not state.regions:
                state.gaps.extend(_unknown_region_gaps(account_id, self.regional_chains))
        elif REGIONS_TABLE in rows:
            partition = self.options.partition
            state.rows[REGIONS_TABLE] = [r for r in state.rows[REGIONS_TABLE]
                                         if _partition_of_row(r) == partition]
            state.regions = enabled_regions(state.rows[REGIONS_TABLE], partition, self.options.regions)
            self._advance(event=f"account {account_id}: {len(state.regions)} regions")
        else:
            return
        for region in state.regions:
            for chain in self.regional_chains:
                self._submit(state, chain, region, region)

    def _write_finished_accounts(self, writer: SnapshotWriter) -> None:
        """Write every table of each finished account (empty ones included) and let its rows go."""
        finished, self._finished = self._finished, []
        for state in finished:
            written = self._write_account(writer, state)
            self._gaps.extend(state.gaps)
            state.rows.clear()
            self._advance(accounts_done=self.progress.accounts_done + 1, rows=self.progress.rows + written,
                          event=f"account {state.target.account_id}: done ({len(state.regions)} regions, "
                                f"{len(state.gaps)} gaps)")

    def _write_account(self, writer: SnapshotWriter, state: _AccountState) -> int:
        """Write one account's tables; returns its row count."""
        return sum(writer.write_account(spec.name, state.target.account_id, state.rows.get(spec.name, []))
                   for spec in self.specs)

    def _publish(self, writer: SnapshotWriter, started: datetime) -> Path:
        """Write the manifest and put the snapshot in place (see collector.publish)."""
        accounts = [_account_entry(s) for s in self.states.values()]
        return writer.finish(started_at=started, finished_at=datetime.now(UTC), caller=self.options.caller,
                             accounts=accounts, gaps=self._gaps, api_calls=self.counter.sent,
                             options={"regions": sorted(self.options.regions), "partition": self.options.partition})

    def _advance(self, event: str = "", **changes: int) -> None:
        """Record progress and tell the listener."""
        self.progress = replace(self.progress, event=event, **changes)
        self.on_progress(self.progress)


def collect(targets: Sequence[Target], specs: Sequence[TableSpec], out: Path, *, partition: str,
            caller: dict[str, str], regions: Sequence[str] | None = None, max_workers: int = 8,
            on_progress: ProgressListener | None = None, replace: bool = False,
            counter: CallCounter | None = None, retries: RetrySettings | None = None) -> CollectSummary:
    """Collect every target into a snapshot at `out` (a Collector run with these options)."""
    options = CollectOptions(partition=partition, caller=dict(caller), regions=tuple(regions or ()),
                             max_workers=max_workers, replace=replace, retries=retries or RetrySettings())
    return Collector(targets, specs, out, options, counter=counter, on_progress=on_progress).run()


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
        if spec.fan_out and call_failed(gaps, spec.fan_out.parent):
            gaps.append(Gap.for_table(spec, account_id=account_id, region=region, error_code="ParentNotCollected",
                                      error_kind="other", message=f"{spec.fan_out.parent} was not collected"))
            continue
        result = run_table(spec, clients, account_id, region, call_region, parents)
        rows[spec.name] = result.rows
        gaps.extend(result.gaps)
    return rows, gaps


def chain_failed(chain: Sequence[TableSpec], account_id: str, region: str, exc: BaseException) -> list[Gap]:
    """One gap per table of a chain that failed as a whole."""
    code, kind, message = classify(exc)
    return [Gap.for_table(spec, account_id=account_id, region=region, error_code=code, error_kind=kind,
                          message=message) for spec in chain]


def call_failed(gaps: Sequence[Gap], table: str) -> bool:
    """Whether a call of `table` failed (a value that could not be typed is not a failed call)."""
    return any(g.table == table and g.error_code != INVALID_VALUE for g in gaps)


def enabled_regions(rows: Sequence[dict[str, Any]], partition: str, wanted: Sequence[str] | None) -> list[str]:
    """The account's enabled regions in the caller's partition, narrowed to `wanted`."""
    names = sorted(r["region_name"] for r in rows
                   if r.get("opt_in_status") in ENABLED_OPT_IN and _partition_of_row(r) == partition)
    if wanted:
        names = [n for n in names if n in set(wanted)]
    return names


def _partition_of_row(row: dict[str, Any]) -> str | None:
    """The partition of a regions row, None when its name is missing or not text."""
    name = row.get("region_name")
    return partition_of_region(name) if isinstance(name, str) else None


def administers_organization(account_id: str, organization_rows: Sequence[dict[str, Any]]) -> bool:
    """Whether the account is the management account of the organization it describes."""
    return any(row.get("master_account_id") == account_id for row in organization_rows)


def _unknown_admin_gaps(account_id: str, management_chains: list[list[TableSpec]]) -> list[Gap]:
    """Management-only tables cannot be placed when the organization is unknown: say so per table."""
    return [Gap.for_table(spec, account_id=account_id, region=GLOBAL_REGION, error_code="OrganizationUnknown",
                          error_kind="other", message=f"{ORGANIZATION_TABLE} was not collected, so whether this "
                          "account administers its organization is unknown")
            for chain in management_chains for spec in chain]


def _unknown_region_gaps(account_id: str, regional_chains: list[list[TableSpec]]) -> list[Gap]:
    """Regional tables cannot be read when the account's regions are unknown: say so per table."""
    return [Gap.for_table(spec, account_id=account_id, region=GLOBAL_REGION, error_code="RegionsUnknown",
                          error_kind="other", message="the account's enabled regions could not be listed")
            for chain in regional_chains for spec in chain]


def _account_entry(state: _AccountState) -> dict[str, Any]:
    """An account as the manifest lists it."""
    target = state.target
    return {"account_id": target.account_id, "name": target.name, "email": target.email,
            "role_arn": target.role_arn, "regions": sorted(state.regions),
            "reachable": target.failure is None}
