"""Failing APIs, injected between boto3 and a real moto_server by a fault proxy: nothing lost, nothing hangs.

The real `sounding collect` runs as a child process with AWS_ENDPOINT_URL pointing at the proxy.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pyarrow.parquet as pq
import pytest

from tests.hardening.helpers import SOUNDING, sounding
from tests.scenarios.fault_proxy import DENY, HANG, RESET, SLOW_DOWN, THROTTLE, Fault, FaultProxy

pytestmark = pytest.mark.e2e

ACCOUNT = "123456789012"
SCOPE = ("--services", "iam,ec2", "--regions", "us-east-1,eu-west-1", "-q")
VPC_RULE = """-- title: Regions have a VPC listing
-- severity: low
-- section: 11
-- description: Reads ec2_vpcs per collected region.
-- remediation: Nothing.
SELECT 'PASS' AS status, r.account_id, r.region, r.region AS resource_id, 'vpcs: ' || count(v.account_id) AS reason
FROM account_regions r LEFT JOIN ec2_vpcs v ON v.account_id = r.account_id AND v.region = r.region
WHERE r.collected GROUP BY ALL
"""


@pytest.fixture
def proxy(moto_server, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    """A fault proxy in front of the reset moto_server, with some IAM and EC2 data to collect."""
    iam = boto3.client("iam")
    for name in ("alice", "bob", "carol"):
        iam.create_user(UserName=name)
    iam.update_account_password_policy(MinimumPasswordLength=12)
    boto3.client("ec2", region_name="eu-west-1").create_vpc(CidrBlock="10.1.0.0/16")
    fault_proxy = FaultProxy(moto_server.url, lifetime=300)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fault_proxy.url)
    yield fault_proxy
    fault_proxy.stop()


def rows(snapshot: Path) -> dict[str, list[tuple]]:
    """Every table's rows (raw included), sorted, by table name."""
    manifest = json.loads((snapshot / "manifest.json").read_text())
    result = {}
    for name, entry in manifest["tables"].items():
        table_rows = []
        for f in entry["files"]:
            table = pq.read_table(snapshot / f["path"])
            table_rows.extend(tuple(map(repr, r.values())) for r in table.to_pylist())
        result[name] = sorted(table_rows)
    return result


def gaps(snapshot: Path) -> list[tuple[str, str, str, str, str]]:
    """(table, region, service, error_code, error_kind) of every gap."""
    manifest = json.loads((snapshot / "manifest.json").read_text())
    return [(g["table"], g["region"], g["service"], g["error_code"], g["error_kind"]) for g in manifest["gaps"]]


def test_throttling_storm_is_retried_and_nothing_is_lost(proxy: FaultProxy, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDING_MAX_ATTEMPTS", "4")  # the first call and three retries: one more than ec2's storm
    calm = sounding("collect", "--out", str(tmp_path / "calm"), *SCOPE)
    assert calm.returncode == 0, calm.stderr
    proxy.faults = [Fault(THROTTLE, service="iam", times=5), Fault(SLOW_DOWN, service="iam", times=2),
                    Fault(THROTTLE, service="ec2", times=3)]
    stormy = sounding("collect", "--out", str(tmp_path / "stormy"), *SCOPE)
    assert stormy.returncode == 0, stormy.stderr
    assert (proxy.applied(THROTTLE), proxy.applied(SLOW_DOWN)) == (8, 2)
    assert gaps(tmp_path / "stormy") == gaps(tmp_path / "calm")
    calm_rows, stormy_rows = rows(tmp_path / "calm"), rows(tmp_path / "stormy")
    volatile = {"iam_credential_report"}  # moto regenerates the report (its generation time) per request
    assert {k: v for k, v in stormy_rows.items() if k not in volatile} == \
        {k: v for k, v in calm_rows.items() if k not in volatile}
    assert len(stormy_rows["iam_credential_report"]) == len(calm_rows["iam_credential_report"])
    assert len(calm_rows["iam_users"]) == 3


def test_access_denied_per_service_and_region_are_gaps_and_rules_say_error(proxy: FaultProxy,
                                                                           tmp_path: Path) -> None:
    proxy.faults = [Fault(DENY, service="ec2", region="eu-west-1"),
                    Fault(DENY, service="iam", operation="GetAccountPasswordPolicy")]
    out = tmp_path / "snap"
    result = sounding("collect", "--out", str(out), *SCOPE)
    assert result.returncode == 0, result.stderr
    assert sorted(gaps(out)) == [("ec2_vpcs", "eu-west-1", "ec2", "AccessDenied", "access_denied"),
                                 ("iam_password_policy", "global", "iam", "AccessDenied", "access_denied")]
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "vpc_listing.sql").write_text(VPC_RULE)
    evaluated = sounding("evaluate", str(out), "--rules", str(rules), "--rule", "vpc_listing",
                         "--rule", "iam_password_policy_exists", "--format", "json", "-q")
    assert evaluated.returncode == 0, evaluated.stderr
    findings = [(f["rule_id"], f["region"], f["status"]) for f in json.loads(evaluated.stdout)["findings"]]
    assert sorted(findings) == [("iam_password_policy_exists", "global", "ERROR"),
                                ("vpc_listing", "eu-west-1", "ERROR"),
                                ("vpc_listing", "us-east-1", "PASS")]


def test_timeouts_and_resets_are_recorded_in_bounded_time(proxy: FaultProxy, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDING_READ_TIMEOUT", "1")
    monkeypatch.setenv("SOUNDING_MAX_ATTEMPTS", "3")
    proxy.faults = [Fault(HANG, service="iam", operation="ListOpenIDConnectProviders", seconds=3),
                    Fault(RESET, service="iam", operation="ListSAMLProviders"),
                    Fault(RESET, service="iam", operation="ListVirtualMFADevices", times=2)]
    out = tmp_path / "snap"
    started = time.monotonic()
    result = sounding("collect", "--out", str(out), *SCOPE)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 60
    assert sorted(gaps(out)) == [
        ("iam_oidc_provider_list", "global", "iam", "ReadTimeoutError", "network"),
        ("iam_oidc_providers", "global", "iam", "ParentNotCollected", "other"),
        ("iam_saml_providers", "global", "iam", "ConnectionClosedError", "network")]
    # SOUNDING_MAX_ATTEMPTS counts attempts as AWS_MAX_ATTEMPTS does: the first call included, then a gap.
    assert proxy.applied(HANG) == 3
    assert proxy.applied(RESET) == 3 + 2  # three for SAML (a gap); two for MFA devices, whose third call succeeds


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_collect_leaves_nothing_and_a_rerun_succeeds(proxy: FaultProxy, tmp_path: Path,
                                                                 signal_number: int) -> None:
    proxy.faults = [Fault("delay", seconds=0.5)]
    out = tmp_path / "snap"
    child = subprocess.Popen([*SOUNDING, "collect", "--out", str(out), *SCOPE], env=dict(os.environ),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while proxy.requests() < 6 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert child.poll() is None, "the collection ended before it could be interrupted"
    started = time.monotonic()
    child.send_signal(signal_number)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert time.monotonic() - started < 20, "stopping waited for queued calls, not only those in flight"
    assert stderr.strip().splitlines()[-1] == "interrupted: nothing was written"
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []  # no snapshot, no .partial directory
    proxy.faults = []
    rerun = sounding("collect", "--out", str(out), *SCOPE)
    assert rerun.returncode == 0, rerun.stderr
    assert (out / "manifest.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]


def test_assume_role_denied_for_one_member_is_a_gap_and_its_rules_say_error(proxy: FaultProxy,
                                                                            tmp_path: Path) -> None:
    organizations = boto3.client("organizations", region_name="us-east-1")
    organizations.create_organization(FeatureSet="ALL")
    denied, allowed = (organizations.create_account(AccountName=name, Email=f"{name}@example.com")
                       ["CreateAccountStatus"]["AccountId"] for name in ("locked", "open"))
    proxy.faults = [Fault(DENY, service="sts", operation="AssumeRole", body_contains=denied)]
    out = tmp_path / "snap"
    result = sounding("collect", "--org", "--out", str(out), "--services", "iam", "--regions", "us-east-1", "-q")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    reachable = {a["account_id"]: a["reachable"] for a in manifest["accounts"]}
    assert reachable == {ACCOUNT: True, denied: False, allowed: True}
    assert [(g["account_id"], g["table"], g["service"], g["operation"], g["error_code"], g["error_kind"])
            for g in manifest["gaps"] if g["account_id"] == denied or g["service"] == "sts"] == [
        (denied, "*", "sts", "AssumeRole", "AccessDenied", "access_denied")]
    evaluated = sounding("evaluate", str(out), "--rule", "iam_password_policy_exists", "--format", "json", "-q")
    assert evaluated.returncode == 1, evaluated.stderr
    findings = {f["account_id"]: (f["status"], f["reason"]) for f in json.loads(evaluated.stdout)["findings"]}
    assert findings == {
        ACCOUNT: ("PASS", "An account password policy exists (minimum length 12)."),
        allowed: ("FAIL", findings[allowed][1]),
        denied: ("ERROR", "Not evaluated: every table could not be collected globally "
                          "(sts:AssumeRole failed with AccessDenied, access_denied)."),
    }
