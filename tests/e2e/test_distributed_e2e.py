"""End to end: a moto organization collected on a Dask LocalCluster of 2 worker processes into moto S3.

The findings must equal a single-process collect's byte for byte; a worker killed mid-run must leave
a complete snapshot (the task run again elsewhere) or the account reported, never a partial one.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3
import pytest

from tests.e2e.org_seed import seed_organization, seed_workloads

pytest.importorskip("distributed")
pytestmark = pytest.mark.e2e

SOUNDING = [sys.executable, "-m", "sounding.engine.cli"]
REGIONS = "eu-west-1,us-east-1"
SERVICES = "iam,ec2,organizations,s3,cloudtrail"
BUCKET = "sounding-snapshots"


def sounding(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process with this test's environment."""
    return subprocess.run([*SOUNDING, *args], capture_output=True, text=True, env=dict(os.environ), timeout=300)


VOLATILE = re.compile(r'^    "(api_calls|collected_at|started_at)": .*$', re.MULTILINE)


def findings(snapshot: str) -> str:
    """The JSON report of every rule over a snapshot (local path or s3:// location), byte for byte.

    Only the run's own facts in its "snapshot" block (collection times, API call count) are blanked.
    """
    result = sounding("evaluate", snapshot, "--format", "json", "--fail-on", "none", "--allow-errors", "-q")
    assert result.returncode == 0, result.stderr
    report, blanked = VOLATILE.subn(r'    "\1": null,', result.stdout)
    assert blanked == 3
    return report


def manifest_at(key: str) -> dict:
    """A manifest object in the moto bucket."""
    return json.loads(boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read())


def keys(prefix: str = "") -> list[str]:
    """Every key of the bucket under a prefix."""
    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def comparable(manifest: dict) -> dict:
    """A manifest without what differs between two runs over the same data.

    Times, and so checksums: moto records an AssumeRole as the member role's last use (iam_roles), and
    the API call count: moto answers some first calls of a fresh server only on a retry.
    """
    kept = {k: v for k, v in manifest.items() if k not in ("collection", "api_calls")}
    kept["tables"] = {name: {**entry, "files": [{"path": f["path"], "rows": f["rows"]} for f in entry["files"]]}
                      for name, entry in manifest["tables"].items()}
    return kept


@pytest.fixture
def organization(moto_server) -> dict[str, str]:
    """The seeded three-account organization, and a bucket for the snapshots."""
    org = seed_organization()
    seed_workloads(org)
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    return org.accounts


def test_cluster_into_s3_equals_single_process(organization: dict[str, str], tmp_path: Path) -> None:
    single = tmp_path / "single"
    done = sounding("collect", "--org", "--regions", REGIONS, "--services", SERVICES, "--out", str(single), "-q")
    assert done.returncode == 0, done.stderr

    url = f"s3://{BUCKET}/audits/dask"
    spread = sounding("collect", "--org", "--regions", REGIONS, "--services", SERVICES, "--out", url,
                      "--cluster", "local:2", "-q")
    assert spread.returncode == 0, spread.stderr
    assert f"wrote {url}: 3 account(s)" in spread.stderr
    assert "could not be collected" not in spread.stderr

    local = json.loads((single / "manifest.json").read_text())
    remote = manifest_at("audits/dask/manifest.json")
    assert keys() == sorted(["audits/dask/manifest.json",
                             *(f"audits/dask/{f['path']}" for t in remote["tables"].values() for f in t["files"])])
    assert comparable(remote) == comparable(local)  # same accounts, regions, gaps, tables and rows per account
    verified = sounding("verify", url)
    assert verified.returncode == 0, verified.stderr
    assert verified.stderr.startswith(f"{url}: OK (")
    assert findings(url) == findings(str(single))

    again = sounding("collect", "--org", "--regions", REGIONS, "--services", SERVICES, "--out", url,
                     "--cluster", "local:2", "-q")
    assert again.returncode == 2
    assert again.stderr == (f"error: {url}: already exists (choose another --out, or pass --force to replace a "
                            "snapshot)\n")


def kill_a_busy_worker(scheduler: str, killed: list[int], stop: threading.Event) -> None:
    """Wait until a worker is running a task of ours, then SIGKILL its process."""
    from distributed import Client

    with Client(scheduler, timeout=30) as client:
        pids = client.run(os.getpid)
        while not stop.is_set():
            busy = [address for address, tasks in client.processing().items()
                    if any(str(t).startswith("sounding-") for t in tasks)]
            if busy:
                time.sleep(0.3)  # inside the account's calls, not before them
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(pids[busy[0]])
                return
            time.sleep(0.02)


def test_worker_killed_mid_run_leaves_a_complete_snapshot(organization: dict[str, str], tmp_path: Path) -> None:
    from distributed import LocalCluster

    single = tmp_path / "single"
    done = sounding("collect", "--org", "--regions", REGIONS, "--services", SERVICES, "--out", str(single), "-q")
    assert done.returncode == 0, done.stderr
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        killed: list[int] = []
        stop = threading.Event()
        killer = threading.Thread(target=kill_a_busy_worker, args=(cluster.scheduler_address, killed, stop))
        killer.start()
        out = tmp_path / "spread"
        try:
            result = sounding("collect", "--org", "--regions", REGIONS, "--services", SERVICES, "--out", str(out),
                              "--cluster", cluster.scheduler_address, "-q")
        finally:
            stop.set()
            killer.join()
    assert killed, "no worker was busy with an account: the fault was not injected"
    assert result.returncode == 0, result.stderr
    assert sounding("verify", str(out)).returncode == 0
    manifest = json.loads((out / "manifest.json").read_text())
    reachable = {a["account_id"]: a["reachable"] for a in manifest["accounts"]}
    assert sorted(reachable) == sorted(organization.values())
    lost = {g["account_id"] for g in manifest["gaps"] if g["service"] == "dask"}
    assert lost == {account for account, ok in reachable.items() if not ok}  # every lost account says why
    if not lost:  # the task ran again on the surviving worker: the same snapshot as one process collects
        assert comparable(manifest) == comparable(json.loads((single / "manifest.json").read_text()))
