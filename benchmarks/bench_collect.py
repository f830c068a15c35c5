"""Wall time and API calls of `sounding collect --org` (sequential and parallel) beside Prowler, on moto.

A moto_server holds an organization of N member accounts with a few resources each; a counting
proxy in front of it counts the HTTP requests of every tool (AWS_ENDPOINT_URL points at the proxy).
Prowler (installed in its own venv, `pip install prowler`) runs the equivalent checks once per
account, assuming the member role as an organization scan with Prowler does.

Example:
  python -m benchmarks.bench_collect --members 5 --prowler /tmp/prowler-venv/bin/prowler
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3

from benchmarks.common import ROOT, machine
from benchmarks.counting_proxy import CountingProxy
from tests.e2e.org_seed import MEMBER_ROLE, member_session
from tests.scenarios.moto import MotoServer

REGIONS = ("us-east-1", "eu-west-1")
# Prowler check ids equivalent to the Sounding rules compared (root MFA and keys, password policy,
# CloudTrail multi-region, Config in all regions, GuardDuty, Security Hub, access key rotation, user MFA).
PROWLER_CHECKS = ("iam_root_mfa_enabled", "iam_no_root_access_key", "iam_password_policy_minimum_length_14",
                  "iam_password_policy_reuse_24", "iam_password_policy_symbol", "iam_password_policy_uppercase",
                  "iam_password_policy_lowercase", "iam_password_policy_number",
                  "cloudtrail_multi_region_enabled", "config_recorder_all_regions_enabled",
                  "guardduty_is_enabled", "securityhub_enabled", "iam_rotate_access_key_90_days",
                  "iam_user_mfa_enabled_console_access")
# The Sounding services those checks read, for a like-for-like `--services` run.
EQUIVALENT_SERVICES = "iam,cloudtrail,config,guardduty,securityhub,ec2"


def seed(members: int) -> list[str]:
    """An organization of `members` member accounts, each with a user, key, trail, recorder and detector."""
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    accounts = [org.describe_organization()["Organization"]["MasterAccountId"]]
    for i in range(members):
        status = org.create_account(AccountName=f"member-{i}", Email=f"aws+{i}@example.com")
        accounts.append(status["CreateAccountStatus"]["AccountId"])
    for n, account_id in enumerate(accounts):
        session = member_session(account_id) if n else boto3.Session(region_name="us-east-1")
        iam = session.client("iam")
        if n % 2 == 0:
            iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True,
                                               PasswordReusePrevention=24)
        iam.create_user(UserName="ci")
        iam.create_access_key(UserName="ci")
        iam.create_login_profile(UserName="ci", Password="Synthetic-Passw0rd!")
        bucket = f"trail-{account_id}"
        session.client("s3").create_bucket(Bucket=bucket)
        session.client("cloudtrail").create_trail(Name="main", S3BucketName=bucket, IsMultiRegionTrail=n % 3 != 1)
        for region in REGIONS:
            config = session.client("config", region_name=region)
            config.put_configuration_recorder(ConfigurationRecorder={
                "name": "default", "roleARN": f"arn:aws:iam::{account_id}:role/config",
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == "us-east-1"}})
            config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
            config.start_configuration_recorder(ConfigurationRecorderName="default")
            if n % 4 != 3:
                session.client("guardduty", region_name=region).create_detector(Enable=True)
            if n % 2 == 0:
                session.client("securityhub", region_name=region).enable_security_hub()
    return accounts


def timed(command: Sequence[str], env: dict[str, str], proxy: CountingProxy) -> dict[str, Any]:
    """Run a command; its wall time, exit code and the requests the proxy counted meanwhile."""
    proxy.take()
    started = time.perf_counter()
    done = subprocess.run(list(command), env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    counts = proxy.take()
    by_service: dict[str, int] = {}
    for (service, _region), n in counts.items():
        by_service[service] = by_service.get(service, 0) + n
    return {"wall_s": round(wall, 2), "exit": done.returncode, "requests": sum(counts.values()),
            "by_service": dict(sorted(by_service.items())), "stderr_tail": done.stderr.strip().splitlines()[-3:]}


def sounding_run(out: Path, env: dict[str, str], proxy: CountingProxy, *extra: str) -> dict[str, Any]:
    """`sounding collect --org` with extra options; adds the manifest's api_calls and gap count."""
    command = [sys.executable, "-I", "-m", "sounding.engine.cli", "collect", "--org", "--out", str(out), "--force",
               "-q", "--regions", ",".join(REGIONS), *extra]
    result = timed(command, env, proxy)
    manifest = json.loads((out / "manifest.json").read_text()) if (out / "manifest.json").exists() else {}
    result["manifest_api_calls"] = manifest.get("api_calls")
    result["gaps"] = len(manifest.get("gaps", []))
    return result


def prowler_run(prowler: str, accounts: Sequence[str], env: dict[str, str], proxy: CountingProxy,
                out: Path) -> dict[str, Any]:
    """Prowler once per account (members through the organization role), the equivalent checks only."""
    runs = []
    proxy.take()
    started = time.perf_counter()
    for n, account_id in enumerate(accounts):
        command = [prowler, "aws", "--checks", *PROWLER_CHECKS, "--region", *REGIONS, "--no-banner",
                   "--output-formats", "json-ocsf", "--output-directory", str(out / account_id),
                   "--ignore-exit-code-3"]
        if n:
            command += ["--role", f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE}"]
        runs.append(timed(command, env, proxy))
    wall = time.perf_counter() - started
    results = sorted(out.rglob("*.ocsf.json"))
    findings = sum(len(json.loads(p.read_text() or "[]")) for p in results)
    return {"wall_s": round(wall, 2), "requests": sum(r["requests"] for r in runs),
            "exits": [r["exit"] for r in runs], "findings": findings, "first_run": runs[0] if runs else None,
            "failed_runs": [r for r in runs if r["exit"] != 0][:2]}


def main(argv: Sequence[str] | None = None) -> int:
    """Seed moto, then run each tool against the same server through the counting proxy."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=5, help="member accounts besides the management account")
    parser.add_argument("--prowler", help="path of the prowler executable (its own venv); omit to skip it")
    parser.add_argument("--no-sequential", action="store_true", help="skip the --max-workers 1 run (slow on moto)")
    parser.add_argument("--json", type=Path, help="also write every measurement to this JSON file")
    args = parser.parse_args(argv)
    server = MotoServer()
    saved = dict(os.environ)
    try:
        os.environ.update(AWS_ENDPOINT_URL=server.url, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                          AWS_DEFAULT_REGION="us-east-1")
        os.environ.pop("AWS_PROFILE", None)
        server.reset()
        started = time.perf_counter()
        accounts = seed(args.members)
        seeded = time.perf_counter() - started
        proxy = CountingProxy(server.url)
        env = dict(os.environ, AWS_ENDPOINT_URL=proxy.url)
        report: dict[str, Any] = {"machine": machine(), "accounts": len(accounts), "regions": list(REGIONS),
                                  "seed_s": round(seeded, 1)}
        with tempfile.TemporaryDirectory(prefix="sounding-bench-collect-") as tmp:
            work = Path(tmp)
            if not args.no_sequential:
                report["sounding_sequential"] = sounding_run(work / "seq", env, proxy, "--max-workers", "1")
            report["sounding_parallel"] = sounding_run(work / "par", env, proxy)
            report["sounding_equivalent_services"] = sounding_run(work / "eq", env, proxy,
                                                                  "--services", EQUIVALENT_SERVICES)
            if args.prowler:
                report["prowler"] = prowler_run(args.prowler, accounts, env, proxy, work / "prowler")
        proxy.stop()
        for name in ("sounding_sequential", "sounding_parallel", "sounding_equivalent_services", "prowler"):
            if name in report:
                r = report[name]
                print(f"{name:30} wall {r['wall_s']:>8} s  requests {r['requests']:>6}  "
                      f"manifest api_calls {r.get('manifest_api_calls', '-')}  exit {r.get('exit', r.get('exits'))}")
        if args.json:
            args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
        return 0
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
