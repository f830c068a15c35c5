"""Organization collection on a Dask cluster: one task per account, the snapshot assembled by the caller.

The caller lists the organization once. Each task (`collect_account`, run on a worker) assumes the
member role itself, collects its account with the ordinary single-process collector into a private
one-account snapshot, and hands back that snapshot's table files, account record, gaps and call count
(the caller's own account is collected the same way in the caller, with the caller's credentials):
inline in the task's result, or uploaded to an S3 staging prefix when the snapshot goes to S3. The
caller checks every file against its checksum and writes it as the account's part through
SnapshotWriter, which compacts the tables and writes the manifest last. A task whose worker dies is
run again elsewhere by Dask (`retries`, and the scheduler's own rescheduling); one that still fails
makes its account unreachable with the reason as a gap, so the snapshot is never partial.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sounding.collector.aws import CallCounter, RetrySettings, home_region
from sounding.collector.contract import MANIFEST, Gap, read_manifest
from sounding.collector.declarations import TableSpec
from sounding.collector.gaps import classify
from sounding.collector.s3store import S3StoreError, S3Url, delete_keys, get_bytes, list_keys, put_bytes, s3_client
from sounding.collector.write import SnapshotWriter

TASK_RETRIES = 2  # a task that raised is run again on another worker this many times before its account is lost
LOCAL_PREFIX = "local:"
INSTALL_HINT = "--cluster needs Dask distributed: pip install 'sounding[dask]'"
TASK_GAP_SERVICE = "dask"
TASK_GAP_OPERATION = "CollectAccount"
CONNECT_TIMEOUT = 10.0  # seconds to reach a remote scheduler

Say = Callable[[str], None]


class ClusterError(Exception):
    """The cluster cannot be used: distributed is not installed, or the address is wrong or unreachable."""


@dataclass(frozen=True)
class AccountJob:
    """Everything a worker needs to collect one account; plain values, so it pickles to any worker."""

    account_id: str
    name: str
    email: str
    role_arn: str  # "" for the caller's own account, collected by the caller with its own credentials
    external_id: str | None
    profile: str | None  # the caller's --profile for its own account; None on workers (their own chain)
    partition: str
    caller: dict[str, str]
    regions: tuple[str, ...]
    services: tuple[str, ...]
    max_workers: int
    retries: RetrySettings
    staging: str = ""  # s3://... prefix for the parts, or "" to return them in the task's result


@dataclass(frozen=True)
class TablePart:
    """One table of one account: its rows and checksum, and its Parquet bytes or the S3 key holding them."""

    rows: int
    sha256: str
    data: bytes | None = None
    key: str = ""


@dataclass(frozen=True)
class AccountPart:
    """What one account's task hands back: its manifest record, gaps, API call count and table parts."""

    account: dict[str, Any]
    gaps: tuple[dict[str, str], ...]
    api_calls: int
    tables: dict[str, TablePart]


def parse_cluster(address: str) -> tuple[str, int]:
    """('local', N) for local:N, else ('remote', 0) for a scheduler address such as tcp://scheduler:8786."""
    if address.startswith(LOCAL_PREFIX):
        count = address[len(LOCAL_PREFIX):]
        if not count.isdigit() or not 1 <= int(count) <= 256:
            raise ClusterError(f"{address}: local:N needs N, the worker processes, from 1 to 256")
        return "local", int(count)
    if "://" not in address and ":" not in address:
        raise ClusterError(f"{address}: not a scheduler address (tcp://HOST:PORT) or local:N")
    return "remote", 0


def require_distributed() -> Any:
    """The distributed module, or ClusterError saying which extra to install."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(INSTALL_HINT) from None
    return distributed


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A Dask client on the scheduler at `address`, or on a LocalCluster of N worker processes for local:N."""
    kind, workers = parse_cluster(address)
    distributed = require_distributed()
    if kind == "local":
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"{address}: cannot reach the Dask scheduler ({exc})") from None
    with client:
        yield client


# ---------------------------------------------------------------- on the worker


def collect_account(job: AccountJob) -> AccountPart:
    """Collect one account on a worker: assume its role, collect it alone, hand back its parts."""
    from sounding.collector.account import make_session
    from sounding.collector.collect import collect
    from sounding.collector.tables import select

    counter = CallCounter()
    session = make_session(job.profile)
    target = _target(job, session, counter)
    scratch = Path(tempfile.mkdtemp(prefix="sounding-account-"))
    try:
        out = scratch / job.account_id
        collect([target], select(list(job.services)), out, partition=job.partition, caller=job.caller,
                regions=job.regions, max_workers=job.max_workers, counter=counter, retries=job.retries)
        return _hand_back(job, out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _target(job: AccountJob, session: Any, counter: CallCounter) -> Any:
    """The account as a collection target: reached by AssumeRole (a gap for the whole account when refused)."""
    from sounding.collector.collect import Target
    from sounding.collector.org import assumed_session

    if not job.role_arn:
        return Target(job.account_id, session, name=job.name, email=job.email, org_admin=True)
    region = home_region(job.partition)
    sts = session.client("sts", region_name=region, config=job.retries.config(max_attempts=3))
    sts.meta.events.register("before-send", counter)
    try:
        member = assumed_session(sts, job.role_arn, job.external_id, region, job.profile)
    except Exception as exc:  # any failure to get in is recorded as a gap for the whole account (as collector.org)
        code, kind, message = classify(exc)
        gap = Gap.for_all_tables(account_id=job.account_id, service="sts", operation="AssumeRole",
                                 error_code=code, error_kind=kind, message=f"{job.role_arn}: {message}")
        return Target(job.account_id, None, name=job.name, email=job.email, role_arn=job.role_arn, failure=gap)
    return Target(job.account_id, member, name=job.name, email=job.email, role_arn=job.role_arn)


def _hand_back(job: AccountJob, snapshot: Path) -> AccountPart:
    """The one-account snapshot's records and files, the files uploaded to staging when there is one."""
    manifest = read_manifest((snapshot / MANIFEST).read_text(encoding="utf-8"))
    staging = S3Url.parse(job.staging).child(f"{job.account_id}/{uuid.uuid4().hex}") if job.staging else None
    client = s3_client(job.profile) if staging else None
    tables = {}
    for name, entry in manifest["tables"].items():
        (file,) = entry["files"]  # format 2: one file per table
        data = (snapshot / file["path"]).read_bytes()
        if staging is not None:
            key = staging.child(f"{name}.parquet")
            put_bytes(client, key, data)
            tables[name] = TablePart(file["rows"], file["sha256"], key=key.key)
        else:
            tables[name] = TablePart(file["rows"], file["sha256"], data=data)
    (account,) = manifest["accounts"]
    return AccountPart(account=account, gaps=tuple(manifest["gaps"]), api_calls=manifest["api_calls"],
                       tables=tables)


# ---------------------------------------------------------------- on the caller


@dataclass
class ClusterSummary:
    """What the distributed run produced, for the summary line."""

    accounts: int
    tables: int
    rows: int
    gaps: int
    api_calls: int
    lost: int  # accounts whose task failed on every attempt (recorded as unreachable)


class Assembly:
    """The caller's side: submit one task per account, fold each finished account into the snapshot."""

    def __init__(self, client: Any, jobs: Sequence[AccountJob], specs: Sequence[TableSpec], writer: SnapshotWriter,
                 *, say: Say | None = None, staging_client: Any = None) -> None:
        self.client, self.jobs, self.writer = client, list(jobs), writer
        self.specs = {s.name: s for s in specs}
        self.say = say or (lambda _m: None)
        self.staging_client = staging_client
        self.accounts: dict[str, dict[str, Any]] = {}
        self.gaps: list[Gap] = []
        self.api_calls = self.rows = self.lost = 0

    def run(self) -> None:
        """Submit every member account, collect the caller's own here, fold them in as they finish (any order).

        The caller's own account (a job without a role) is collected in this process, with the caller's
        credentials, as a single-process run does: a worker's credentials may belong to another account.
        """
        from distributed import as_completed
        from sounding.collector.pool import DaemonPool

        own = [job for job in self.jobs if not job.role_arn]
        futures = {self.client.submit(collect_account, job, key=f"sounding-{job.account_id}-{uuid.uuid4().hex}",
                                      retries=TASK_RETRIES, pure=False): job for job in self.jobs if job.role_arn}
        with DaemonPool(1, name="own-account") as here:  # a daemon thread: Ctrl-C ends the run at once
            local = [(job, here.submit(collect_account, job)) for job in own]
            try:
                for future in as_completed(futures):
                    self._take(futures[future], future)
                    future.release()
                for job, done in local:
                    self._take(job, done)
            finally:
                for future in futures:
                    future.cancel()

    def _take(self, job: AccountJob, future: Any) -> None:
        """Fold a finished account in, or record it as lost when its task failed on every attempt."""
        try:
            part = future.result()
        except Exception as exc:  # every attempt failed (a lost worker, KilledWorker, a bug): say so
            self._lost(job, exc)
        else:
            self.fold(job, part)

    def fold(self, job: AccountJob, part: AccountPart) -> None:
        """Write one account's tables as its parts, after checking each file against its checksum."""
        for name, table in sorted(part.tables.items()):
            if name not in self.specs:
                raise ClusterError(f"account {job.account_id}: the worker collected table {name}, unknown here "
                                   "(workers and caller must run the same Sounding version)")
            data = table.data if table.data is not None else self._staged(table.key)
            if hashlib.sha256(data).hexdigest() != table.sha256:
                raise ClusterError(f"account {job.account_id}: table {name} does not match its checksum")
            metadata = pq.read_metadata(io.BytesIO(data))
            if not metadata.schema.to_arrow_schema().equals(self.specs[name].arrow_schema()):
                raise ClusterError(f"account {job.account_id}: table {name} does not have the declared schema "
                                   "(workers and caller must run the same Sounding version)")
            if metadata.num_rows != table.rows:
                raise ClusterError(f"account {job.account_id}: table {name} holds {metadata.num_rows} rows, "
                                   f"not the {table.rows} its worker listed")
            self.rows += self.writer.adopt_part(name, job.account_id, data, table.rows)
        self.accounts[job.account_id] = part.account
        self.gaps.extend(Gap.from_dict(g) for g in part.gaps)
        self.api_calls += part.api_calls
        self.say(f"account {job.account_id}: done ({len(part.account.get('regions', []))} regions, "
                 f"{len(part.gaps)} gaps)")

    def _staged(self, key: str) -> bytes:
        """A part a worker uploaded to the staging prefix."""
        bucket = S3Url.parse(self.jobs[0].staging).bucket
        data = get_bytes(self.staging_client, S3Url(bucket, key))
        if data is None:
            raise S3StoreError(f"s3://{bucket}/{key}: a staged part disappeared")
        return data

    def _lost(self, job: AccountJob, exc: BaseException) -> None:
        """An account whose task failed on every attempt: unreachable, with the reason as a gap."""

        code, kind, message = classify(exc)
        self.say(f"account {job.account_id}: lost ({type(exc).__name__}: {message})")
        self.lost += 1
        self.accounts[job.account_id] = {"account_id": job.account_id, "name": job.name, "email": job.email,
                                         "role_arn": job.role_arn, "regions": [], "reachable": False}
        self.gaps.append(Gap.for_all_tables(
            account_id=job.account_id, service=TASK_GAP_SERVICE, operation=TASK_GAP_OPERATION, error_code=code,
            error_kind=kind, message=f"the account's collection task failed on every attempt "
                                     f"({type(exc).__name__}): {message}"))


def collect_on_cluster(client: Any, jobs: Sequence[AccountJob], specs: Sequence[TableSpec], out: Path, *,
                       caller: dict[str, str], partition: str, regions: Sequence[str], caller_calls: int,
                       replace: bool, say: Say | None = None, staging_client: Any = None) -> ClusterSummary:
    """Collect every job's account on the cluster into a snapshot at `out` (a local directory), manifest last."""
    started = datetime.now(UTC)
    writer = SnapshotWriter(out, specs, replace=replace)
    try:
        assembly = Assembly(client, jobs, specs, writer, say=say, staging_client=staging_client)
        assembly.run()
        accounts = [assembly.accounts[job.account_id] for job in jobs]
        api_calls = caller_calls + assembly.api_calls
        writer.finish(started_at=started, finished_at=datetime.now(UTC), caller=caller, accounts=accounts,
                      gaps=assembly.gaps, api_calls=api_calls,
                      options={"regions": sorted(regions), "partition": partition})
    except BaseException:
        writer.abort()
        raise
    return ClusterSummary(len(jobs), len(specs), assembly.rows, len(assembly.gaps), api_calls, assembly.lost)


def remove_staging(client: Any, staging: S3Url) -> None:
    """Delete every part under the run's staging prefix (only keys of this run's own, unique prefix)."""
    delete_keys(client, staging.bucket, list(list_keys(client, staging)))
