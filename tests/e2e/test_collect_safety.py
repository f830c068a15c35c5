"""`sounding collect` as a child process: typos and unsafe --out fail up front, SIGTERM ends hanging calls,
secrets quoted by AWS never reach the snapshot or the terminal, --out is never replaced behind our back."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import boto3
import pytest

from tests.hardening.helpers import SOUNDING, sounding
from tests.scenarios.fault_proxy import DELAY, Fault, FaultProxy

pytestmark = pytest.mark.e2e

ACCOUNT = "123456789012"
SESSION_TOKEN = ("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6m3Hq0nXw+abcdefGHIJKLmnopQRST"
                 "UVwxyz0123456789ABCDEFghijklMNOPqrstuvWXYZabcdefghij==")
MEMBER_TOKEN = "FwoGZXIvYXdzEBYaDHhR2l9b3J0aW5nVG9rZW5Gb3JNZW1iZXJBY2NvdW50c0V4YW1wbGUwMTIzNDU2Nzg5QUJDREVG"
MEMBER_KEY_ID = "ASIAMEMBERKEY0000042"
IDENTITY = (f'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
            f"<Arn>arn:aws:iam::{ACCOUNT}:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId><Account>{ACCOUNT}</Account>"
            "</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
            "</GetCallerIdentityResponse>")
HANG, SIGNATURE_ECHO = "hang", "signature_echo"


class FakeAws:
    """A local HTTP endpoint on 127.0.0.1 that knows the caller, then hangs or answers SignatureDoesNotMatch.

    SignatureDoesNotMatch quotes the canonical request AWS expected, headers included
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html), so the
    session token the client sent comes back in the error message.
    """

    def __init__(self, mode: str, *, sts_too: bool = False) -> None:
        self.mode, self.sts_too = mode, sts_too
        self.hanging = 0
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
                if action == "GetCallerIdentity" and not fake.sts_too:
                    return self._reply(200, IDENTITY)
                if fake.mode == HANG:
                    fake.hanging += 1
                    fake.release.wait(120)
                    self.close_connection = True
                    return None
                token = self.headers.get("X-Amz-Security-Token", "")
                message = ("The request signature we calculated does not match the signature you provided. "
                           "The Canonical String for this request should have been 'POST\n/\n\n"
                           f"host:{self.headers.get('Host')}\nx-amz-security-token:{token}\n\n"
                           f"host;x-amz-security-token\nUNSIGNED' (member {MEMBER_KEY_ID} {MEMBER_TOKEN})")
                return self._reply(403, f"<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>"
                                        f"<Message>{message}</Message></Error><RequestId>2</RequestId></ErrorResponse>")

            def _reply(self, status: int, text: str) -> None:
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Let hanging requests go and stop serving."""
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_aws(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAws]:
    """A FakeAws in the mode the test names, with AWS_ENDPOINT_URL and a session token pointing at it."""
    mode, sts_too = request.param
    fake = FakeAws(mode, sts_too=sts_too)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fake.url)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    yield fake
    fake.stop()


@pytest.mark.parametrize("fake_aws", [(HANG, False), (HANG, True)], indirect=True, ids=["tables_hang", "sts_hangs"])
def test_sigterm_while_api_calls_hang_ends_collect_within_seconds(fake_aws: FakeAws, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    child = subprocess.Popen([*SOUNDING, "collect", "--out", str(out), "--services", "iam,ec2",
                              "--regions", "us-east-1"], env=dict(os.environ), cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while fake_aws.hanging < 1 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)  # every worker is now inside a call that will not answer for minutes
    assert child.poll() is None, child.communicate()
    started = time.monotonic()
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    assert time.monotonic() - started < 5, "collect waited for hanging calls"
    assert child.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "interrupted: nothing was written"
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fake_aws", [(SIGNATURE_ECHO, False)], indirect=True)
def test_signature_does_not_match_answers_are_scrubbed_in_gaps(fake_aws: FakeAws, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    result = sounding("collect", "--out", str(out), "--services", "iam", "--regions", "us-east-1")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    messages = [g["message"] for g in manifest["gaps"] if g["error_code"] == "SignatureDoesNotMatch"]
    assert messages and all("x-amz-security-token:REDACTED" in m for m in messages)
    for path in [p for p in out.rglob("*") if p.is_file()]:
        data = path.read_bytes()
        for secret in (SESSION_TOKEN, MEMBER_TOKEN, MEMBER_KEY_ID):
            assert secret.encode() not in data, (path, secret[:12])
    for secret in (SESSION_TOKEN, MEMBER_TOKEN, MEMBER_KEY_ID):
        assert secret not in result.stderr


@pytest.mark.parametrize("fake_aws", [(SIGNATURE_ECHO, True)], indirect=True)
def test_a_failed_caller_identity_is_one_scrubbed_line(fake_aws: FakeAws, tmp_path: Path) -> None:
    result = sounding("collect", "--out", str(tmp_path / "snap"), "--regions", "us-east-1")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error: credentials: cannot identify the caller (sts:GetCallerIdentity "
                           "SignatureDoesNotMatch)")
    for secret in (SESSION_TOKEN, MEMBER_TOKEN, MEMBER_KEY_ID):
        assert secret not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_region_is_exit_2_naming_the_valid_values(tmp_path: Path) -> None:
    result = sounding("collect", "--out", str(tmp_path / "snap"), "--regions", "eu-west-1,xx-nowhere-1")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error: --regions: xx-nowhere-1: not a region of any partition; valid values: ")
    assert "eu-west-1" in line and "us-east-1" in line
    assert list(tmp_path.iterdir()) == []


def test_a_region_of_another_partition_is_exit_2(moto_server, tmp_path: Path) -> None:
    result = sounding("collect", "--out", str(tmp_path / "snap"), "--regions", "cn-north-1")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error: --regions: cn-north-1: not a region of the aws partition; valid values: ")


@pytest.mark.parametrize(("setup", "force", "problem"), [
    ("dot", True, "is the current directory or one of its parents; name a new directory"),
    ("dir", False, "already exists (choose another --out, or pass --force to replace a snapshot)"),
    ("dir", True, "is not a Sounding snapshot; --force replaces only a snapshot"),
], ids=["out_is_dot", "existing_without_force", "non_snapshot_with_force"])
def test_an_unusable_out_fails_up_front(tmp_path: Path, setup: str, force: bool, problem: str) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "precious").write_text("keep me")
    out = "." if setup == "dot" else "theirs"
    started = time.monotonic()
    # No endpoint answers: the refusal must come before any call.
    result = subprocess.run([*SOUNDING, "collect", "--out", out, *(["--force"] if force else [])],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60,
                            env=dict(os.environ, AWS_ENDPOINT_URL="http://127.0.0.1:9"))
    assert time.monotonic() - started < 20
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line == f"error: {out}: {problem}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs"]
    assert (theirs / "precious").read_text() == "keep me"


@pytest.fixture
def slow_proxy(moto_server, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    """moto_server behind a proxy that delays every IAM answer, so that a run lasts a few seconds."""
    boto3.client("iam").create_user(UserName="alice")
    proxy = FaultProxy(moto_server.url, [Fault(DELAY, service="iam", seconds=0.3)], lifetime=300)
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    yield proxy
    proxy.stop()


@pytest.mark.parametrize("force", [False, True], ids=["without_force", "with_force"])
def test_an_out_created_by_someone_else_during_the_run_survives(slow_proxy: FaultProxy, tmp_path: Path,
                                                                force: bool) -> None:
    out = tmp_path / "snap"
    child = subprocess.Popen([*SOUNDING, "collect", "--out", str(out), "--services", "iam", "--regions",
                              "us-east-1", "-q", *(["--force"] if force else [])], env=dict(os.environ),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while slow_proxy.requests() < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    out.mkdir()
    (out / "precious").write_text("keep me")
    _, stderr = child.communicate(timeout=300)
    assert child.returncode == 2, stderr
    [line] = stderr.splitlines()
    assert re.fullmatch(rf"error: {re.escape(str(out))}: .* the new snapshot was kept at "
                        rf"{re.escape(str(out))}\.sounding-\d{{8}}T\d{{6}}Z", line), line
    assert sorted(p.name for p in out.iterdir()) == ["precious"]
    [kept] = [p for p in tmp_path.iterdir() if p.name.startswith("snap.sounding-")]
    assert sounding("verify", str(kept)).returncode == 0


def test_force_replaces_a_snapshot_and_two_runs_never_lose_one(moto_server, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    scope = ("--services", "iam", "--regions", "us-east-1", "-q")
    assert sounding("collect", "--out", str(out), *scope).returncode == 0
    first = json.loads((out / "manifest.json").read_text())["collection"]["started_at"]
    again = sounding("collect", "--out", str(out), *scope)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert json.loads((out / "manifest.json").read_text())["collection"]["started_at"] == first
    forced = sounding("collect", "--out", str(out), "--force", *scope)
    assert forced.returncode == 0, forced.stderr
    assert json.loads((out / "manifest.json").read_text())["collection"]["started_at"] != first
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]


@pytest.mark.parametrize(("out", "problem"), [
    ("file/snap", "its parent is not a directory"),
    ("/proc/sounding-snap", "cannot write the snapshot: "),
], ids=["parent_is_a_file", "unwritable_place"])
def test_an_out_that_cannot_be_written_is_one_line(moto_server, tmp_path: Path, out: str, problem: str) -> None:
    (tmp_path / "file").write_text("x")
    result = subprocess.run([*SOUNDING, "collect", "--out", out, "--services", "iam", "--regions", "us-east-1"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120, env=dict(os.environ))
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {out}: {problem}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_sigterm_while_assume_role_hangs_ends_collect_org_within_seconds(moto_server, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.scenarios.fault_proxy import HANG as PROXY_HANG

    organizations = boto3.client("organizations", region_name="us-east-1")
    organizations.create_organization(FeatureSet="ALL")
    for name in ("prod", "dev"):
        organizations.create_account(AccountName=name, Email=f"{name}@example.com")
    proxy = FaultProxy(moto_server.url, [Fault(PROXY_HANG, service="sts", operation="AssumeRole", seconds=120)],
                       lifetime=300)
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    try:
        child = subprocess.Popen([*SOUNDING, "collect", "--org", "--out", str(tmp_path / "snap"), "--services",
                                  "iam", "--regions", "us-east-1"], env=dict(os.environ),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while proxy.applied(PROXY_HANG) < 1 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        time.sleep(0.3)
        assert child.poll() is None, child.communicate()
        started = time.monotonic()
        child.send_signal(signal.SIGTERM)
        _, stderr = child.communicate(timeout=60)
        assert time.monotonic() - started < 5, "collect --org waited for a hanging AssumeRole"
        assert child.returncode == 130, stderr
        assert "Traceback" not in stderr
        assert list(tmp_path.iterdir()) == []
    finally:
        proxy.stop()


@pytest.mark.parametrize(("environ", "profile_attempts", "attempts"), [
    ({"AWS_MAX_ATTEMPTS": "2"}, None, 2),
    ({}, "4", 4),
    ({"AWS_MAX_ATTEMPTS": "2"}, "4", 2),
    ({"AWS_MAX_ATTEMPTS": "2", "SOUNDING_MAX_ATTEMPTS": "1"}, "4", 1),
], ids=["aws_max_attempts", "profile", "environment_over_profile", "sounding_over_everything"])
def test_attempts_follow_botocore_conventions_end_to_end(moto_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         environ: dict[str, str], profile_attempts: str | None,
                                                         attempts: int) -> None:
    from tests.scenarios.fault_proxy import RESET

    proxy = FaultProxy(moto_server.url, [Fault(RESET, service="iam", operation="ListSAMLProviders")], lifetime=300)
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    monkeypatch.delenv("SOUNDING_MAX_ATTEMPTS")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    args = []
    if profile_attempts:
        config = tmp_path / "config"
        config.write_text(f"[profile audit]\nregion = us-east-1\nmax_attempts = {profile_attempts}\n"
                          "aws_access_key_id = testing\naws_secret_access_key = testing\n")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
        args = ["--profile", "audit"]
    try:
        result = sounding("collect", "--out", str(tmp_path / "snap"), "--services", "iam", "--regions", "us-east-1",
                          "-q", *args)
    finally:
        proxy.stop()
    assert result.returncode == 0, result.stderr
    assert proxy.applied(RESET) == attempts


def test_a_file_size_limit_during_collect_is_one_line_and_leaves_nothing(moto_server, tmp_path: Path) -> None:
    """`ulimit -f` (RLIMIT_FSIZE; a full disk fails the same write path): one line, exit 2, no partial snapshot."""
    import resource

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (8 * 1024, 8 * 1024))  # 8 KiB: the first Parquet parts exceed it

    result = subprocess.run([*SOUNDING, "collect", "--out", str(tmp_path / "snap"), "--services", "iam",
                             "--regions", "us-east-1", "-q"], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120, env=dict(os.environ), preexec_fn=limited)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {tmp_path / 'snap'}: cannot write the snapshot: "), line
    assert "File too large" in line
    assert list(tmp_path.iterdir()) == []
