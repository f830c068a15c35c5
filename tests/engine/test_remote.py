"""s3:// snapshots for verify, evaluate, diff, trend and collect --out, against a real moto_server."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from sounding.collector.s3store import S3Url, s3_client, upload_snapshot
from sounding.collector.synthetic import build_snapshot
from sounding.engine.cli import cli
from sounding.engine.remote import SNAPSHOT_PATH

from tests.builders import write_rule

BUCKET = "sounding-remote"
A = "111111111111"
RULE = """SELECT account_id, 'global' AS region, user_name AS resource_id,
  CASE WHEN user_name = 'admin' THEN 'FAIL' ELSE 'PASS' END AS status, 'user ' || user_name AS reason
FROM iam_users"""


def run(*args: object) -> object:
    """The CLI in-process; the result (exit code, stdout, stderr)."""
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def remote(moto_server, tmp_path: Path) -> dict[str, Path]:
    """Two local snapshots (Monday: deployer; Tuesday: deployer and admin), uploaded under s3://BUCKET/daily/."""
    client = s3_client()
    client.create_bucket(Bucket=BUCKET)
    local = {}
    for day, users in ((1, ["deployer"]), (2, ["deployer", "admin"])):
        rows = [{"account_id": A, "user_name": u, "arn": f"arn:aws:iam::{A}:user/{u}"} for u in users]
        name = f"day{day}"
        local[name] = build_snapshot(tmp_path / "local" / name, {"iam_users": rows}, accounts=[A],
                                     tables=["iam_users"], collected_at=datetime(2026, 3, day, tzinfo=UTC))
        upload_snapshot(client, local[name], S3Url(BUCKET, f"daily/{name}"), replace=False)
    write_rule(tmp_path / "rules", "no_admin_user", RULE)
    return local


def test_s3_text_stays_text_and_paths_stay_paths() -> None:
    assert SNAPSHOT_PATH.convert("s3://b/p/n", None, None) == "s3://b/p/n"
    assert SNAPSHOT_PATH.convert("snapshots/x", None, None) == Path("snapshots/x")


def test_verify_an_s3_snapshot(remote: dict[str, Path]) -> None:
    result = run("verify", f"s3://{BUCKET}/daily/day1")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"s3://{BUCKET}/daily/day1: OK (1 tables, 1 files, 0 gap(s))\n"


def test_evaluate_an_s3_snapshot_gives_the_local_report(remote: dict[str, Path], tmp_path: Path) -> None:
    rules = ["--rules", tmp_path / "rules", "--no-builtin", "--format", "json", "-q"]
    from_s3 = run("evaluate", f"s3://{BUCKET}/daily/day2", *rules)
    local = run("evaluate", remote["day2"], *rules)
    assert from_s3.exit_code == local.exit_code == 1
    assert from_s3.stdout == local.stdout
    assert [(f["resource_id"], f["status"]) for f in json.loads(from_s3.stdout)["findings"]] == [
        ("admin", "FAIL"), ("deployer", "PASS")]


def test_diff_between_s3_and_local(remote: dict[str, Path], tmp_path: Path) -> None:
    result = run("diff", f"s3://{BUCKET}/daily/day1", remote["day2"], "--rules", tmp_path / "rules",
                 "--no-builtin", "--format", "json", "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == run("diff", remote["day1"], remote["day2"], "--rules", tmp_path / "rules",
                                "--no-builtin", "--format", "json", "-q").stdout


def test_trend_over_an_s3_prefix_of_snapshots(remote: dict[str, Path], tmp_path: Path) -> None:
    result = run("trend", f"s3://{BUCKET}/daily", "--rules", tmp_path / "rules", "--no-builtin", "--format", "csv",
                 "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == run("trend", tmp_path / "local", "--rules", tmp_path / "rules", "--no-builtin",
                                "--format", "csv", "-q").stdout
    assert "day1" in result.stdout and "day2" in result.stdout


def test_a_changed_s3_object_fails_verification_naming_the_s3_location(remote: dict[str, Path]) -> None:
    key = "daily/day1/tables/iam_users.parquet"
    boto3.client("s3").put_object(Bucket=BUCKET, Key=key,
                                  Body=(remote["day2"] / "tables" / "iam_users.parquet").read_bytes())
    for command in ("verify", "evaluate"):
        result = run(command, f"s3://{BUCKET}/daily/day1")
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: s3://{BUCKET}/daily/day1/tables/iam_users.parquet: "), result.stderr
        assert "sounding-s3-cache" not in result.stderr
        assert result.stderr.count("\n") == 1


def test_an_s3_prefix_without_a_manifest_is_not_a_snapshot(remote: dict[str, Path]) -> None:
    result = run("evaluate", f"s3://{BUCKET}/daily/nothing-here")
    assert result.exit_code == 2
    assert result.stderr == (f"error: s3://{BUCKET}/daily/nothing-here: not a Sounding snapshot "
                             "(no manifest.json under the prefix)\n")


def test_collect_into_s3_without_a_cluster(moto_server) -> None:
    s3_client().create_bucket(Bucket=BUCKET)
    boto3.client("iam").create_user(UserName="deployer")
    url = f"s3://{BUCKET}/audits/today"
    result = run("collect", "--out", url, "--services", "iam", "--regions", "us-east-1", "-q")
    assert result.exit_code == 0, result.stderr
    assert f"wrote {url}: 1 account(s)" in result.stderr
    manifest = json.loads(boto3.client("s3").get_object(Bucket=BUCKET, Key="audits/today/manifest.json")["Body"]
                          .read())
    assert manifest["tables"]["iam_users"]["account_rows"] == {"123456789012": 1}
    assert run("verify", url).exit_code == 0
    again = run("collect", "--out", url, "--services", "iam", "--regions", "us-east-1", "-q")
    assert again.exit_code == 2
    assert again.stderr == (f"error: {url}: already exists (choose another --out, or pass --force to replace a "
                            "snapshot)\n")
    assert run("collect", "--out", url, "--services", "iam", "--regions", "us-east-1", "-q", "--force").exit_code == 0


def test_verify_reports_an_s3_object_the_manifest_does_not_list(remote: dict[str, Path]) -> None:
    boto3.client("s3").put_object(Bucket=BUCKET, Key="daily/day1/tables/extra.parquet", Body=b"PAR1")
    result = run("verify", f"s3://{BUCKET}/daily/day1")
    assert result.exit_code == 2
    assert result.stderr == (f"error: s3://{BUCKET}/daily/day1/tables/extra.parquet: not listed in the manifest "
                             "(1 such file(s)): the snapshot was changed after collection\n")
    assert run("evaluate", f"s3://{BUCKET}/daily/day1", "-q", "--fail-on", "none", "--allow-errors").exit_code == 0
