"""Accounts per minute of `sounding collect --org --cluster` with 1, 2 and 4 Dask worker processes, on moto.

A moto_server holds an organization of N member accounts; a counting proxy in front of it waits
`--latency` seconds before forwarding each request (a real endpoint's round trip), and every tool
reaches it through AWS_ENDPOINT_URL. Each run collects the same organization: first in one process
(`collect --org`), then on a LocalCluster of W worker processes started here (its start-up timed
apart), each account one task with `--max-workers` concurrent calls. Last, the caller's assembling
step alone: one collected account's parts folded K times (as K accounts) into a new snapshot.

Example:
  python -m benchmarks.bench_distributed --members 11 --latency 0.05 --workers 1,2,4 --json dist.json
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from benchmarks.common import ROOT, machine
from benchmarks.counting_proxy import CountingProxy
from tests.scenarios.moto import MotoServer


def seed(members: int) -> list[str]:
    """An organization of `members` member accounts, each with one IAM user."""
    from tests.e2e.org_seed import member_session

    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    accounts = [org.describe_organization()["Organization"]["MasterAccountId"]]
    for i in range(members):
        accounts.append(org.create_account(AccountName=f"member-{i}", Email=f"aws+{i}@example.com")[
            "CreateAccountStatus"]["AccountId"])
    for n, account_id in enumerate(accounts):
        session = member_session(account_id) if n else boto3.Session(region_name="us-east-1")
        session.client("iam").create_user(UserName=f"user-{n}")
    return accounts


def collect(out: Path, args: argparse.Namespace, proxy: CountingProxy, *extra: str) -> dict[str, Any]:
    """One `sounding collect --org` run; its wall time, exit code and the requests the proxy forwarded."""
    command = [sys.executable, "-m", "sounding.engine.cli", "collect", "--org", "--out", str(out), "-q",
               "--regions", args.regions, "--services", args.services, "--max-workers", str(args.max_workers),
               *extra]
    proxy.take()
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=dict(os.environ))
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu
    requests = sum(proxy.take().values())
    manifest = json.loads((out / "manifest.json").read_text()) if done.returncode == 0 else {}
    accounts = len(manifest.get("accounts", []))
    return {"wall_s": round(wall, 2), "exit": done.returncode, "requests": requests, "accounts": accounts,
            "rows": sum(t["rows"] for t in manifest.get("tables", {}).values()),
            "accounts_per_minute": round(accounts / wall * 60, 1) if accounts else None,
            "process_cpu_s": round(cpu, 2),  # the CLI process and its own children only
            "stderr_tail": done.stderr.strip().splitlines()[-2:]}


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process reaped so far (the CLI runs, the cluster's workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def on_cluster(workers: int, out: Path, args: argparse.Namespace, proxy: CountingProxy) -> dict[str, Any]:
    """A LocalCluster of `workers` processes (start-up timed apart), then the collect run against it.

    cpu_s: the CLI's and the workers' CPU (cluster start-up and shutdown included), read once they exit.
    """
    from distributed import LocalCluster

    cpu = children_cpu()
    started = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        startup = time.perf_counter() - started
        result = collect(out, args, proxy, "--cluster", cluster.scheduler_address)
    cpu = children_cpu() - cpu
    return {"workers": workers, "cluster_start_s": round(startup, 2), **result, "cpu_s": round(cpu, 2),
            "cpu_ms_per_call": round(cpu / result["requests"] * 1000, 1) if result["requests"] else None}


def assembling(snapshot: Path, copies: int) -> dict[str, Any]:
    """The caller's step alone: the first account's parts folded `copies` times (as new accounts), then finish.

    Folding is what the caller does per finished account (checksum, read, write the part); finish is the
    compaction of every table and the manifest.
    """
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from sounding.collector.distributed import AccountJob, AccountPart, Assembly, TablePart
    from sounding.collector.tables import ALL_TABLES
    from sounding.collector.write import SnapshotWriter

    manifest = json.loads((snapshot / "manifest.json").read_text())
    first = manifest["accounts"][0]
    specs = [s for s in ALL_TABLES if s.name in manifest["tables"]]
    parts: dict[str, Any] = {}
    for spec in specs:
        table = pq.read_table(snapshot / "tables" / f"{spec.name}.parquet")
        parts[spec.name] = table.filter(pc.equal(table["account_id"], first["account_id"]))
    with tempfile.TemporaryDirectory(prefix="bench-assembly-") as scratch:
        writer = SnapshotWriter(Path(scratch) / "snap", specs)
        jobs = [AccountJob(account_id=f"{900000000000 + n}", name="", email="", role_arn="", external_id=None,
                           profile=None, partition="aws", caller={}, regions=(), services=(), max_workers=1,
                           retries=None)  # type: ignore[arg-type]
                for n in range(copies)]
        assembly = Assembly(None, jobs, specs, writer)
        tables = {}
        for name, table in parts.items():  # the worker's side, done once: Parquet bytes and checksum
            sink = io.BytesIO()
            pq.write_table(table, sink)
            data = sink.getvalue()
            tables[name] = TablePart(table.num_rows, hashlib.sha256(data).hexdigest(), data=data)
        started = time.perf_counter()
        for job in jobs:
            assembly.fold(job, AccountPart(account={**first, "account_id": job.account_id}, gaps=(),
                                            api_calls=0, tables=tables))
        folded = time.perf_counter() - started
        now = datetime.now(UTC)
        writer.finish(started_at=now, finished_at=now, caller={}, accounts=list(assembly.accounts.values()),
                      gaps=[], api_calls=0)
        total = time.perf_counter() - started
    return {"accounts": copies, "tables": len(specs), "fold_ms_per_account": round(folded / copies * 1000, 2),
            "finish_s": round(total - folded, 2), "total_ms_per_account": round(total / copies * 1000, 2)}


def main(argv: Sequence[str] | None = None) -> int:
    """Seed, measure the single-process run and each cluster size, print (and save) the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=11, help="member accounts besides the management account")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every API call")
    parser.add_argument("--workers", default="1,2,4", help="cluster sizes to measure")
    parser.add_argument("--max-workers", type=int, default=2, help="concurrent calls per account task")
    parser.add_argument("--services", default="iam", help="tables collected (--services)")
    parser.add_argument("--regions", default="us-east-1")
    parser.add_argument("--assemble", type=int, default=200, help="accounts folded in the assembling measurement")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    for name in [n for n in os.environ if n.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                      AWS_EC2_METADATA_DISABLED="true", SOUNDING_MAX_ATTEMPTS="3")
    moto = MotoServer()
    proxy = CountingProxy(moto.url, latency=args.latency)
    try:
        moto.reset()
        os.environ["AWS_ENDPOINT_URL"] = moto.url
        accounts = seed(args.members)
        os.environ["AWS_ENDPOINT_URL"] = proxy.url  # every run below (and every worker) pays the latency
        with tempfile.TemporaryDirectory(prefix="bench-distributed-") as scratch:
            results: dict[str, Any] = {"machine": machine(), "accounts": len(accounts), "latency_s": args.latency,
                                       "max_workers": args.max_workers, "services": args.services,
                                       "regions": args.regions}
            results["single_process"] = collect(Path(scratch) / "single", args, proxy)
            print(json.dumps({"single_process": results["single_process"]}), flush=True)
            results["cluster"] = []
            for workers in [int(w) for w in args.workers.split(",")]:
                run = on_cluster(workers, Path(scratch) / f"cluster-{workers}", args, proxy)
                results["cluster"].append(run)
                print(json.dumps(run), flush=True)
            results["assembling"] = assembling(Path(scratch) / "single", args.assemble)
            print(json.dumps({"assembling": results["assembling"]}), flush=True)
    finally:
        proxy.stop()
        moto.stop()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
