"""Credentials used during collection never reach the snapshot, and the snapshot is private to its owner."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import boto3
import pyarrow.parquet as pq
import pytest

from tests.hardening.helpers import sounding
from tests.scenarios.fault_proxy import FaultProxy

pytestmark = pytest.mark.e2e

SECRET_KEY = "SoundingSecretKeyThatMustNeverBeWritten0042"
SESSION_TOKEN = "SoundingSessionTokenThatMustNeverBeWritten/abcdefghijklmnopqrstuvwxyz0123456789+="


@pytest.fixture
def organization(moto_server, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FaultProxy, list[str]]]:
    """An organization of the caller's account and two members, behind a proxy that keeps AssumeRole answers."""
    organizations = boto3.client("organizations", region_name="us-east-1")
    organizations.create_organization(FeatureSet="ALL")
    members = [organizations.create_account(AccountName=name, Email=f"{name}@example.com")
               ["CreateAccountStatus"]["AccountId"] for name in ("prod", "dev")]
    boto3.client("iam").create_user(UserName="alice")
    proxy = FaultProxy(moto_server.url, lifetime=300, record=("AssumeRole",))
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    yield proxy, members
    proxy.stop()


def column_text(path: Path) -> str:
    """Every value of every column of a Parquet file, decoded, as one text."""
    return "\n".join(repr(row) for row in pq.read_table(path).to_pylist())


def test_no_credential_reaches_any_byte_of_the_snapshot(organization: tuple[FaultProxy, list[str]],
                                                        tmp_path: Path) -> None:
    proxy, members = organization
    out = tmp_path / "snap"
    result = sounding("collect", "--org", "--out", str(out), "--services", "iam,organizations",
                      "--regions", "us-east-1", "-q")
    assert result.returncode == 0, result.stderr
    assumed = [s.response.decode() for s in proxy.seen if s.operation == "AssumeRole"]
    assert len(assumed) >= len(members)
    secrets = {SECRET_KEY, SESSION_TOKEN}
    for answer in assumed:
        [key] = re.findall(r"<SecretAccessKey>([^<]+)</SecretAccessKey>", answer)
        [token] = re.findall(r"<SessionToken>([^<]+)</SessionToken>", answer)
        secrets |= {key, token}
    files = sorted(p for p in out.rglob("*") if p.is_file())
    parquet = [p for p in files if p.suffix == ".parquet"]
    assert parquet and (out / "manifest.json") in files
    manifest = json.loads((out / "manifest.json").read_text())
    assert {a["account_id"] for a in manifest["accounts"]} >= set(members)
    for path in files:
        raw = path.read_bytes()
        decoded = column_text(path) if path.suffix == ".parquet" else raw.decode("utf-8")
        for secret in secrets:
            # Raw bytes catch plain pages; decoded values catch what zstd compression would hide.
            assert secret.encode() not in raw, (path, secret[:12])
            assert secret not in decoded, (path, secret[:12])
    assert "alice" in column_text(out / "tables" / "iam_users.parquet")


def test_snapshot_is_private_to_its_owner(moto_server, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    result = sounding("collect", "--out", str(out), "--services", "iam", "--regions", "us-east-1", "-q")
    assert result.returncode == 0, result.stderr
    modes = {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for p in [out, *out.rglob("*")]}
    assert modes["."] == 0o700
    assert {m for p, m in modes.items() if (out / p).is_dir()} == {0o700}
    assert {m for p, m in modes.items() if (out / p).is_file()} == {0o600}
    assert len([p for p in modes if p.endswith(".parquet")]) > 10
