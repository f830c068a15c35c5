"""collector.distributed: cluster addresses, the missing extra, and how the caller folds accounts in."""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sounding.collector.aws import RetrySettings
from sounding.collector.distributed import (
    INSTALL_HINT,
    AccountJob,
    AccountPart,
    Assembly,
    ClusterError,
    TablePart,
    parse_cluster,
    require_distributed,
)
from sounding.collector.tables import TABLES_BY_NAME
from sounding.collector.write import SnapshotWriter
from sounding.engine.cli import cli

ACCOUNT = "111111111111"
SPEC = TABLES_BY_NAME["iam_users"]


def job(account_id: str = ACCOUNT) -> AccountJob:
    """A job as the caller builds it for a member account."""
    return AccountJob(account_id=account_id, name="prod", email="prod@example.com",
                      role_arn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole", external_id=None,
                      profile=None, partition="aws", caller={"account_id": "123456789012"}, regions=("us-east-1",),
                      services=("iam",), max_workers=4, retries=RetrySettings())


def parquet_bytes(rows: list[dict]) -> bytes:
    """One account's iam_users part as a worker hands it back."""
    from sounding.collector.values import to_arrow_columns

    table = pa.Table.from_arrays(to_arrow_columns(SPEC, rows), schema=SPEC.arrow_schema())
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


@pytest.mark.parametrize(("address", "expected"), [
    ("local:2", ("local", 2)), ("local:1", ("local", 1)), ("tcp://scheduler:8786", ("remote", 0)),
    ("scheduler:8786", ("remote", 0)), ("tls://10.0.0.1:8786", ("remote", 0))])
def test_cluster_addresses(address: str, expected: tuple[str, int]) -> None:
    assert parse_cluster(address) == expected


@pytest.mark.parametrize("address", ["local:0", "local:", "local:x", "local:257", "scheduler"])
def test_bad_cluster_addresses_are_refused(address: str) -> None:
    with pytest.raises(ClusterError, match=r"local:N|scheduler address"):
        parse_cluster(address)


def without_distributed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `import distributed` fail as it does when the extra is not installed."""
    real_import = builtins.__import__

    def refuse(name: str, *args: object, **kwargs: object) -> object:
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "distributed", raising=False)
    monkeypatch.setattr(builtins, "__import__", refuse)


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    without_distributed(monkeypatch)
    with pytest.raises(ClusterError) as raised:
        require_distributed()
    assert str(raised.value) == "--cluster needs Dask distributed: pip install 'sounding[dask]'"


def test_cluster_without_the_extra_exits_2_with_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    without_distributed(monkeypatch)
    result = CliRunner().invoke(cli, ["collect", "--org", "--cluster", "local:2", "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert result.stderr == f"error: --cluster: {INSTALL_HINT}\n"
    assert not (tmp_path / "s").exists()


def test_cluster_needs_org(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["collect", "--cluster", "local:2", "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert result.stderr == "error: --cluster: needs --org: each account of the organization is one task\n"


def assembled(tmp_path: Path, fold: list[tuple[AccountJob, object]]) -> dict:
    """Fold parts and failures into a real writer, finish, and return the manifest."""
    writer = SnapshotWriter(tmp_path / "snap", [SPEC])
    assembly = Assembly(client=None, jobs=[j for j, _ in fold], specs=[SPEC], writer=writer)
    for one, outcome in fold:
        if isinstance(outcome, AccountPart):
            assembly.fold(one, outcome)
        else:
            assembly._lost(one, outcome)
    writer.finish(started_at=datetime(2026, 1, 1, tzinfo=UTC), finished_at=datetime(2026, 1, 1, tzinfo=UTC),
                  caller={"account_id": "123456789012"}, accounts=[assembly.accounts[j.account_id] for j, _ in fold],
                  gaps=assembly.gaps, api_calls=assembly.api_calls)
    return json.loads((tmp_path / "snap" / "manifest.json").read_text())


def test_a_finished_account_becomes_its_part_and_record(tmp_path: Path) -> None:
    data = parquet_bytes([{"account_id": ACCOUNT, "region": "global", "user_name": "deployer",
                           "arn": f"arn:aws:iam::{ACCOUNT}:user/deployer"}])
    record = {"account_id": ACCOUNT, "name": "prod", "email": "prod@example.com", "reachable": True,
              "role_arn": job().role_arn, "regions": ["us-east-1"]}
    part = AccountPart(account=record, gaps=(), api_calls=17,
                       tables={"iam_users": TablePart(1, hashlib.sha256(data).hexdigest(), data=data)})
    manifest = assembled(tmp_path, [(job(), part)])
    assert manifest["accounts"] == [record]
    assert manifest["api_calls"] == 17
    assert manifest["tables"]["iam_users"]["account_rows"] == {ACCOUNT: 1}
    users = pq.read_table(tmp_path / "snap" / "tables" / "iam_users.parquet").to_pylist()
    assert [(u["account_id"], u["user_name"]) for u in users] == [(ACCOUNT, "deployer")]


def test_a_part_that_does_not_match_its_checksum_is_refused(tmp_path: Path) -> None:
    data = parquet_bytes([])
    part = AccountPart(account={}, gaps=(), api_calls=0,
                       tables={"iam_users": TablePart(0, "0" * 64, data=data)})
    writer = SnapshotWriter(tmp_path / "snap", [SPEC])
    with pytest.raises(ClusterError, match=f"account {ACCOUNT}: table iam_users does not match its checksum"):
        Assembly(None, [job()], [SPEC], writer).fold(job(), part)
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_an_account_lost_on_every_attempt_is_unreachable_with_the_reason(tmp_path: Path) -> None:
    from distributed import KilledWorker

    lost = KilledWorker("sounding-111111111111-x", SimpleNamespace(address="tcp://127.0.0.1:40000"),
                        allowed_failures=3)
    manifest = assembled(tmp_path, [(job(), lost)])
    assert manifest["accounts"] == [{"account_id": ACCOUNT, "name": "prod", "email": "prod@example.com",
                                     "role_arn": job().role_arn, "regions": [], "reachable": False}]
    (gap,) = manifest["gaps"]
    assert (gap["account_id"], gap["region"], gap["table"], gap["service"], gap["operation"], gap["error_code"],
            gap["error_kind"]) == (ACCOUNT, "global", "*", "dask", "CollectAccount", "KilledWorker", "other")
    assert gap["message"].startswith("the account's collection task failed on every attempt (KilledWorker): "
                                     "Attempted to run task 'sounding-111111111111-x' on 4 different workers")
    assert manifest["tables"]["iam_users"]["rows"] == 0


def test_a_part_of_another_schema_or_row_count_is_refused(tmp_path: Path) -> None:
    other = pa.table({"account_id": [ACCOUNT], "user_name": ["deployer"]})
    sink = io.BytesIO()
    pq.write_table(other, sink)
    foreign = sink.getvalue()
    right = parquet_bytes([{"account_id": ACCOUNT, "user_name": "deployer"}])
    writer = SnapshotWriter(tmp_path / "snap", [SPEC])
    assembly = Assembly(None, [job()], [SPEC], writer)
    cases = [(TablePart(1, hashlib.sha256(foreign).hexdigest(), data=foreign), "does not have the declared schema"),
             (TablePart(2, hashlib.sha256(right).hexdigest(), data=right),
              "holds 1 rows, not the 2 its worker listed")]
    for part, problem in cases:
        with pytest.raises(ClusterError, match=f"account {ACCOUNT}: table iam_users {problem}"):
            assembly.fold(job(), AccountPart(account={}, gaps=(), api_calls=0, tables={"iam_users": part}))
    writer.abort()


def test_a_task_failing_on_every_attempt_is_retried_then_reported(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    from distributed import Client, LocalCluster
    from sounding.collector import distributed as module

    good, bad = "111111111111", "222222222222"
    attempts = tmp_path / "attempts"  # the task runs on a copy of this function: count in a file
    data = parquet_bytes([{"account_id": good, "user_name": "deployer"}])

    def collect_account(one: AccountJob) -> AccountPart:
        with attempts.open("a") as fh:
            fh.write(one.account_id + "\n")
        if one.account_id == bad:
            raise RuntimeError("the member role's session was revoked")
        record = {"account_id": one.account_id, "name": one.name, "email": one.email, "role_arn": one.role_arn,
                  "regions": ["us-east-1"], "reachable": True}
        return AccountPart(account=record, gaps=(), api_calls=5,
                           tables={"iam_users": TablePart(1, hashlib.sha256(data).hexdigest(), data=data)})

    monkeypatch.setattr(module, "collect_account", collect_account)
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        summary = module.collect_on_cluster(client, [job(good), job(bad)], [SPEC], tmp_path / "snap",
                                            caller={"account_id": "123456789012"}, partition="aws",
                                            regions=["us-east-1"], caller_calls=2, replace=False)
    assert sorted(attempts.read_text().split()) == [good] + [bad] * (1 + module.TASK_RETRIES)
    assert (summary.accounts, summary.rows, summary.gaps, summary.api_calls, summary.lost) == (2, 1, 1, 7, 1)
    manifest = json.loads((tmp_path / "snap" / "manifest.json").read_text())
    assert [(a["account_id"], a["reachable"]) for a in manifest["accounts"]] == [(good, True), (bad, False)]
    (gap,) = manifest["gaps"]
    assert (gap["account_id"], gap["table"], gap["error_code"], gap["message"]) == (
        bad, "*", "RuntimeError", "the account's collection task failed on every attempt (RuntimeError): "
                                  "the member role's session was revoked")


def test_an_unreachable_scheduler_fails_before_any_aws_call(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sounding.collector import distributed as module

    from tests.scenarios.moto import free_port

    monkeypatch.setattr(module, "CONNECT_TIMEOUT", 1.0)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # any AWS call would fail differently
    address = f"tcp://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(cli, ["collect", "--org", "--cluster", address, "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --cluster: {address}: cannot reach the Dask scheduler (")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "s").exists()
