"""End to end through the real CLI against a real moto_server: collect, verify, query by glob, evaluate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import duckdb
import pytest

pytestmark = pytest.mark.e2e

SOUNDING = [sys.executable, "-I", "-m", "sounding.engine.cli"]


def sounding(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process with this test's environment."""
    return subprocess.run([*SOUNDING, *args], capture_output=True, text=True, env=dict(os.environ), timeout=300)


def test_collect_verify_query_evaluate(moto_server, tmp_path: Path) -> None:
    iam = boto3.client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=10, PasswordReusePrevention=24)
    iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")
    out = tmp_path / "snap"

    collected = sounding("collect", "--out", str(out), "--regions", "us-east-1,eu-west-1")
    assert collected.returncode == 0, collected.stderr
    assert collected.stdout == ""
    assert f"wrote {out}: 1 account(s)" in collected.stderr

    verified = sounding("verify", str(out))
    assert verified.returncode == 0, verified.stderr

    policy = duckdb.sql(f"SELECT account_id, region, minimum_password_length, password_reuse_prevention "
                        f"FROM read_parquet('{out}/tables/iam_password_policy.parquet')").fetchall()
    assert policy == [("123456789012", "global", 10, 24)]
    devices = duckdb.sql(f"SELECT serial_number, user_arn FROM "
                         f"read_parquet('{out}/tables/iam_virtual_mfa_devices.parquet')").fetchall()
    assert devices == [("arn:aws:iam::123456789012:mfa/spare", None)]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["caller"]["account_id"] == "123456789012"
    assert manifest["regions"] == ["eu-west-1", "us-east-1"]

    first = sounding("evaluate", str(out), "--format", "json", "--rule", "iam_password_policy_*", "-q")
    second = sounding("evaluate", str(out), "--format", "json", "--rule", "iam_password_policy_*", "-q")
    assert first.returncode == 1
    assert first.stdout == second.stdout
    findings = [(f["rule_id"], f["status"], f["reason"]) for f in json.loads(first.stdout)["findings"]]
    assert findings == [
        ("iam_password_policy_exists", "PASS", "An account password policy exists (minimum length 10)."),
        ("iam_password_policy_strong", "FAIL", "Weak password policy: minimum length is 10 (needs >= 14)."),
    ]


def test_no_credentials_is_one_clear_line(moto_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = sounding("collect", "--out", str(tmp_path / "snap"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: credentials: cannot identify the caller (sts:GetCallerIdentity ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "snap").exists()
