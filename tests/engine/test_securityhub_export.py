"""`export securityhub`: the plan, the account rule AWS enforces, batches and retries, and imports into moto."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws
from sounding.collector.synthetic import build_snapshot
from sounding.engine.cli import cli
from sounding.engine.evaluate import Evaluation, evaluate
from sounding.engine.export import securityhub
from sounding.engine.export.securityhub_plan import ExportRefused, build_plan, check_owned, describe
from sounding.engine.report.common import finding_uid
from sounding.engine.rules import load_rules
from sounding.engine.snapshot import open_snapshot

from tests.engine.report.report_fixture import RULES_DIR

OWN = "123456789012"  # moto's default account: the caller
MEMBER = "222222222222"
FIRST = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ALL_USERS = ("alice", "bob")


def build_export_snapshot(root: Path, *, collected_at: datetime = FIRST, users: tuple[str, ...] = ALL_USERS,
                          hub_gap: bool = False) -> Path:
    """Two accounts; Security Hub on in both regions of OWN and only us-east-1 of MEMBER; one trail gap."""
    credential_report = [{"account_id": OWN, "user": u, "arn": f"arn:aws:iam::{OWN}:user/{u}",
                          "password_enabled": True, "mfa_active": u == "alice"} for u in users]
    credential_report.append({"account_id": MEMBER, "user": "carol", "arn": f"arn:aws:iam::{MEMBER}:user/carol",
                              "password_enabled": True, "mfa_active": False})
    hubs = [{"account_id": a, "region": r, "hub_arn": f"arn:aws:securityhub:{r}:{a}:hub/default"}
            for a, r in ((OWN, "us-east-1"), (OWN, "us-west-2"), (MEMBER, "us-east-1"))]
    gaps = [{"account_id": MEMBER, "region": "us-west-2", "table": "cloudtrail_trails"}]
    if hub_gap:
        gaps.append({"account_id": MEMBER, "region": "us-east-1", "table": "securityhub_hub"})
    rows = {"iam_account_summary": [{"account_id": OWN, "account_mfa_enabled": 1},
                                    {"account_id": MEMBER, "account_mfa_enabled": 0}],
            "iam_credential_report": credential_report,
            "cloudtrail_trails": [{"account_id": OWN, "region": "us-east-1",
                                   "trail_arn": f"arn:aws:cloudtrail:us-east-1:{OWN}:trail/main"}],
            "securityhub_hub": hubs}
    return build_snapshot(root, rows, accounts=[{"account_id": OWN, "name": "Own"},
                                                {"account_id": MEMBER, "name": "Member"}],
                          regions=("us-east-1", "us-west-2"), collected_at=collected_at, gaps=gaps,
                          tables=["regions", "iam_account_summary", "iam_credential_report", "cloudtrail_trails",
                                  "securityhub_hub"])


def export_evaluation(root: Path, waived: tuple[str, ...] = ("carol",), **kwargs: Any) -> Evaluation:
    """The snapshot above evaluated with the report tests' rules; the `waived` users' findings are waived."""
    evaluation = evaluate(open_snapshot(build_export_snapshot(root, **kwargs)), load_rules([RULES_DIR]))
    def waive(finding: Any) -> None:
        if any(finding.resource_id.endswith(f"user/{user}") for user in waived):
            finding.waived, finding.waiver_reason = True, "Break-glass user (SEC-42)."

    evaluation.findings.update(waive)  # findings are a stream: changes are kept through update()
    return evaluation


@pytest.fixture
def evaluation(tmp_path: Path) -> Evaluation:
    """The first snapshot, evaluated."""
    return export_evaluation(tmp_path / "first")


def test_plan_groups_by_account_and_region_and_never_exports_skip(evaluation: Evaluation) -> None:
    """Global findings go to the home region; SKIP never, nor regions without Security Hub."""
    plan = build_plan(evaluation)
    try:
        assert describe(plan) == [
            f"{OWN} us-east-1: 5 finding(s) to import (1 active, 4 resolved, 0 suppressed)",
            f"{OWN} us-west-2: 1 finding(s) to import (1 active, 0 resolved, 0 suppressed)",
            f"{MEMBER} us-east-1: 4 finding(s) to import (2 active, 1 resolved, 1 suppressed)",
            "not exported: 2 finding(s): SKIP (never exported)",
            "not exported: 1 finding(s): Security Hub not enabled in the account and region"]
        bodies = plan.findings(MEMBER, "us-east-1")
        assert {b["Region"] for b in bodies} == {"us-east-1"}
        assert all(b["AwsAccountId"] == MEMBER for b in bodies)
        assert all(b["ProductFields"]["sounding/Status"] != "SKIP" for b in bodies)
    finally:
        plan.close()


def test_pass_resolves_and_waivers_suppress(evaluation: Evaluation) -> None:
    """A PASS is imported PASSED and ARCHIVED (resolving an earlier FAIL); a waived FAIL SUPPRESSED with a note."""
    plan = build_plan(evaluation)
    try:
        by_resource = {b["Resources"][0]["Id"]: b for b in plan.findings(MEMBER, "us-east-1")}
        passed = plan.findings(OWN, "us-east-1")[0]
        waived = by_resource[f"arn:aws:iam::{MEMBER}:user/carol"]
    finally:
        plan.close()
    assert (passed["GeneratorId"], passed["Compliance"]["Status"], passed["RecordState"],
            passed["Workflow"]) == ("sounding/report_root_mfa", "PASSED", "ARCHIVED", {"Status": "RESOLVED"})
    assert (waived["Compliance"]["Status"], waived["RecordState"], waived["Workflow"]) == (
        "FAILED", "ACTIVE", {"Status": "SUPPRESSED"})
    assert waived["Note"]["Text"] == "Waived: Break-glass user (SEC-42)."


def test_only_the_accounts_asked_for(evaluation: Evaluation) -> None:
    """Without --org only the caller's account is planned; the rest is counted, not exported."""
    plan = build_plan(evaluation, {OWN})
    try:
        assert list(plan.destinations) == [(OWN, "us-east-1"), (OWN, "us-west-2")]
        assert plan.left_out["account not exported (not the caller's; use --org)"] == 5
    finally:
        plan.close()


def test_a_gap_in_securityhub_hub_is_not_read_as_disabled(tmp_path: Path) -> None:
    """Where DescribeHub failed, whether Security Hub is on is unknown: counted apart, not exported."""
    plan = build_plan(export_evaluation(tmp_path / "snap", hub_gap=True))
    try:
        assert (MEMBER, "us-east-1") not in plan.destinations
        assert plan.left_out["unknown whether Security Hub is enabled (gap in securityhub_hub)"] == 4
    finally:
        plan.close()


def test_batchimportfindings_account_rule_is_checked_before_calling(evaluation: Evaluation) -> None:
    """BatchImportFindings API reference: with the default product ARN, AwsAccountId must be the caller's."""
    plan = build_plan(evaluation)
    try:
        member = plan.findings(MEMBER, "us-east-1")
    finally:
        plan.close()
    check_owned(member, MEMBER, "aws", "us-east-1")
    with pytest.raises(ExportRefused, match=f"of account {MEMBER} .* cannot be imported by account {OWN}"):
        check_owned(member, OWN, "aws", "us-east-1")
    with pytest.raises(ExportRefused, match="in us-west-2"):
        check_owned(member, MEMBER, "aws", "us-west-2")  # the product ARN names us-east-1


class FakeHub:
    """Records BatchImportFindings and BatchUpdateFindings calls; fails chosen ids a number of times."""

    def __init__(self, fail: dict[str, tuple[str, int]] | None = None) -> None:
        self.fail = dict(fail or {})
        self.imports: list[list[str]] = []
        self.updates: list[dict[str, Any]] = []

    def batch_import_findings(self, Findings: list[dict[str, Any]]) -> dict[str, Any]:
        self.imports.append([f["Id"] for f in Findings])
        failed = []
        for finding in Findings:
            code, times = self.fail.get(finding["Id"], ("", 0))
            if times:
                self.fail[finding["Id"]] = (code, times - 1)
                failed.append({"Id": finding["Id"], "ErrorCode": code, "ErrorMessage": "no"})
        return {"FailedCount": len(failed), "SuccessCount": len(Findings) - len(failed), "FailedFindings": failed}

    def batch_update_findings(self, **params: Any) -> dict[str, Any]:
        self.updates.append(params)
        return {"ProcessedFindings": params["FindingIdentifiers"], "UnprocessedFindings": []}


def test_batches_of_100_and_retries_of_failed_findings() -> None:
    """BatchImportFindings takes 100 findings a call; a retryable FailedFindings entry is sent again, once more."""
    findings = [{"Id": f"f{i:03d}"} for i in range(250)]
    hub = FakeHub({"f007": ("InternalFailure", 2), "f150": ("InvalidInput", 9)})
    pauses: list[float] = []
    imported, failures = securityhub.import_batches(hub, findings, sleep=pauses.append)
    assert [len(call) for call in hub.imports] == [100, 1, 1, 100, 50]
    assert hub.imports[1] == hub.imports[2] == ["f007"]
    assert pauses == [1.0, 2.0]
    assert (imported, failures) == (249, ["f150: InvalidInput no"])


def test_retries_stop_after_the_last_attempt() -> None:
    """A finding that keeps failing with a retryable code is reported after ATTEMPTS calls."""
    hub = FakeHub({"f": ("ThrottlingException", 99)})
    imported, failures = securityhub.import_batches(hub, [{"Id": "f"}], sleep=lambda _s: None)
    assert len(hub.imports) == securityhub.ATTEMPTS
    assert (imported, failures) == (0, [f"f: ThrottlingException after {securityhub.ATTEMPTS} attempts"])


def test_waived_findings_are_suppressed_with_batchupdatefindings() -> None:
    """BatchImportFindings cannot change Workflow once a finding exists: BatchUpdateFindings does, with the note."""
    hub = FakeHub()
    findings = [{"Id": f"w{i}", "ProductArn": "arn:p", "Note": {"Text": "Waived: reason"}} for i in range(3)]
    assert securityhub.suppress(hub, findings) == (3, [])
    assert hub.updates == [{"FindingIdentifiers": [{"Id": f"w{i}", "ProductArn": "arn:p"} for i in range(3)],
                            "Workflow": {"Status": "SUPPRESSED"},
                            "Note": {"Text": "Waived: reason", "UpdatedBy": "sounding"}}]


def hub_findings(session: boto3.Session, region: str) -> dict[str, dict[str, Any]]:
    """The findings a Security Hub holds, by id."""
    client = session.client("securityhub", region_name=region)
    return {f["Id"]: f for page in client.get_paginator("get_findings").paginate() for f in page["Findings"]}


def member_session() -> boto3.Session:
    """MEMBER's credentials, by sts:AssumeRole as --org gets them."""
    credentials = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole", RoleSessionName="test")["Credentials"]
    return boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"], region_name="us-east-1")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    """moto in process, with fake credentials; BatchUpdateFindings (which moto lacks) recorded instead."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    updates: list[tuple[str, list[str]]] = []

    def update_workflow(_client: Any, items: list[tuple[str, str, str]], status: str) -> tuple[int, list[str]]:
        updates.append((status, [finding_id for finding_id, _product, _note in items]))
        return len(items), []

    monkeypatch.setattr(securityhub, "update_workflow", update_workflow)
    with mock_aws():
        yield updates


def test_each_account_imports_its_own_findings_in_moto(aws: list[Any], evaluation: Evaluation) -> None:
    """Every destination's findings land in that account's hub, in that region; nothing else does."""
    plan = build_plan(evaluation)
    try:
        sessions: dict[str, boto3.Session | str] = {OWN: boto3.Session(region_name="us-east-1"),
                                                    MEMBER: member_session()}
        outcomes = securityhub.export(plan, sessions, max_workers=1)
        expected = {key: {b["Id"] for b in plan.findings(*key)} for key in plan.destinations}
    finally:
        plan.close()
    assert [(o.account_id, o.region, o.imported, o.archived, o.suppressed, o.failures) for o in outcomes] == [
        (OWN, "us-east-1", 5, 0, 0, []), (OWN, "us-west-2", 1, 0, 0, []), (MEMBER, "us-east-1", 4, 0, 1, [])]
    assert set(hub_findings(sessions[OWN], "us-east-1")) == expected[(OWN, "us-east-1")]  # type: ignore[arg-type]
    assert set(hub_findings(sessions[OWN], "us-west-2")) == expected[(OWN, "us-west-2")]  # type: ignore[arg-type]
    member = hub_findings(sessions[MEMBER], "us-east-1")  # type: ignore[arg-type]
    assert set(member) == expected[(MEMBER, "us-east-1")]
    assert {f["AwsAccountId"] for f in member.values()} == {MEMBER}
    carol = next(i for i, f in member.items() if f["Resources"][0]["Id"] == f"arn:aws:iam::{MEMBER}:user/carol")
    assert member[carol]["Workflow"]["Status"] == "SUPPRESSED"  # set at import: the finding is new
    assert aws == [("SUPPRESSED", [carol])]  # and by BatchUpdateFindings, for when it is not


def test_a_newer_snapshot_archives_what_it_no_longer_has(aws: list[Any], tmp_path: Path) -> None:
    """bob is deleted before the second snapshot: his FAIL is archived, everything else updated in place."""
    session = boto3.Session(region_name="us-east-1")
    first = build_plan(export_evaluation(tmp_path / "first"), {OWN})
    try:
        securityhub.export(first, {OWN: session})
        bob = next(b["Id"] for b in first.findings(OWN, "us-east-1") if b["Resources"][0]["Id"].endswith("/bob"))
    finally:
        first.close()
    second = build_plan(export_evaluation(tmp_path / "second", collected_at=LATER, users=("alice",)), {OWN})
    try:
        outcomes = securityhub.export(second, {OWN: session})
    finally:
        second.close()
    assert [(o.region, o.imported, o.archived, o.failures) for o in outcomes] == [
        ("us-east-1", 4, 1, []), ("us-west-2", 1, 0, [])]
    held = hub_findings(session, "us-east-1")
    assert (held[bob]["RecordState"], held[bob]["UpdatedAt"]) == ("ARCHIVED", "2026-03-02T12:00:00.000Z")
    assert held[bob]["Compliance"]["Status"] == "FAILED"
    assert sorted(f["RecordState"] for f in held.values()) == ["ARCHIVED"] * 5  # the four PASS, and bob
    # The same snapshot exported again: nothing more to archive.
    again = build_plan(export_evaluation(tmp_path / "third", collected_at=LATER, users=("alice",)), {OWN})
    try:
        assert [o.archived for o in securityhub.export(again, {OWN: session})] == [0, 0]
    finally:
        again.close()


def test_credentials_of_another_account_are_refused_before_calling(aws: list[Any],
                                                                   evaluation: Evaluation) -> None:
    """MEMBER's findings with OWN's credentials: refused by our check, nothing sent to Security Hub."""
    plan = build_plan(evaluation, {MEMBER})
    try:
        session = boto3.Session(region_name="us-east-1")
        outcomes = securityhub.export(plan, {MEMBER: session})
    finally:
        plan.close()
    assert len(outcomes) == 1 and outcomes[0].imported == 0
    assert outcomes[0].failures[0].startswith("refused before calling: finding sounding/")
    assert hub_findings(session, "us-east-1") == {}


def test_an_account_without_credentials_fails_its_regions(evaluation: Evaluation) -> None:
    """An account whose role could not be assumed: each of its destinations fails with the reason."""
    plan = build_plan(evaluation, {MEMBER})
    try:
        outcomes = securityhub.export(plan, {MEMBER: "AccessDenied: not authorized to assume the role"})
    finally:
        plan.close()
    assert [(o.account_id, o.region, o.failures) for o in outcomes] == [
        (MEMBER, "us-east-1", ["AccessDenied: not authorized to assume the role"])]


def test_dry_run_prints_the_plan_and_calls_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`export securityhub --dry-run`: the plan on stdout, exit 0, with no credentials at all."""
    snapshot = build_export_snapshot(tmp_path / "snap")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: a call would fail
    result = CliRunner().invoke(cli, ["export", "securityhub", str(snapshot), "--dry-run", "--no-builtin",
                                      "--rules", str(RULES_DIR), "--quiet", "--accounts", OWN])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{OWN} us-east-1: 5 finding(s) to import (1 active, 4 resolved, 0 suppressed)",
        f"{OWN} us-west-2: 1 finding(s) to import (1 active, 0 resolved, 0 suppressed)",
        "not exported: 2 finding(s): SKIP (never exported)",
        "not exported: 5 finding(s): account not exported (not the caller's; use --org)"]


def test_plan_bodies_are_valid_batch_imports(evaluation: Evaluation) -> None:
    """What the export sends passes botocore's BatchImportFindings input validation."""
    from tests.engine.report.test_report_asff import import_errors

    plan = build_plan(evaluation)
    try:
        bodies = [b for key in plan.destinations for b in plan.findings(*key)]
    finally:
        plan.close()
    assert len(bodies) == 10
    assert import_errors(bodies) == ""
    assert json.loads(json.dumps(bodies)) == bodies


def test_a_skip_never_archives_what_the_hub_holds(aws: list[Any], evaluation: Evaluation) -> None:
    """A SKIP (e.g. a region not collected) says nothing new: an earlier ACTIVE copy of that finding stays ACTIVE."""
    session = boto3.Session(region_name="us-east-1")
    skipped = next(f for f in evaluation.findings if f.status == "SKIP" and f.account_id == OWN)
    plan = build_plan(evaluation, {OWN})
    try:
        earlier = {**plan.findings(OWN, "us-east-1")[0], "Id": finding_uid(skipped), "RecordState": "ACTIVE",
                   "UpdatedAt": "2026-02-01T00:00:00.000Z"}
        session.client("securityhub").batch_import_findings(Findings=[earlier])
        outcomes = securityhub.export(plan, {OWN: session})
    finally:
        plan.close()
    assert [o.archived for o in outcomes] == [0, 0]
    assert hub_findings(session, "us-east-1")[earlier["Id"]]["RecordState"] == "ACTIVE"


def test_command_imports_the_callers_own_account(aws: list[Any], tmp_path: Path) -> None:
    """Without --org: the caller's account only, the rest counted on stderr; nothing on stdout; exit 0."""
    snapshot = build_export_snapshot(tmp_path / "snap")
    result = CliRunner().invoke(cli, ["export", "securityhub", str(snapshot), "--no-builtin", "--rules",
                                      str(RULES_DIR), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "not exported: 2 finding(s): SKIP (never exported)",
        "not exported: 5 finding(s): account not exported (not the caller's; use --org)",
        "security hub: 6 imported, 0 archived, 0 suppressed, 0 reopened in 2 account-region(s), 0 failure(s)"]
    assert len(hub_findings(boto3.Session(region_name="us-east-1"), "us-east-1")) == 5


def test_an_ended_waiver_reopens_what_sounding_suppressed(aws: list[Any], tmp_path: Path) -> None:
    """bob waived, then not (the waiver expired): his still-failing finding goes back to Workflow NEW."""
    session = boto3.Session(region_name="us-east-1")
    first = build_plan(export_evaluation(tmp_path / "first", waived=("bob",)), {OWN})
    try:
        securityhub.export(first, {OWN: session})
        bob = next(b["Id"] for b in first.findings(OWN, "us-east-1") if b["Resources"][0]["Id"].endswith("/bob"))
    finally:
        first.close()
    assert aws == [("SUPPRESSED", [bob])]
    again = build_plan(export_evaluation(tmp_path / "again", waived=("bob",)), {OWN})
    try:
        securityhub.export(again, {OWN: session})  # already suppressed with that note: no call
    finally:
        again.close()
    assert aws == [("SUPPRESSED", [bob])]
    second = build_plan(export_evaluation(tmp_path / "second", waived=(), collected_at=LATER), {OWN})
    try:
        outcomes = securityhub.export(second, {OWN: session})
    finally:
        second.close()
    assert [(o.region, o.reopened, o.suppressed) for o in outcomes] == [("us-east-1", 1, 0), ("us-west-2", 0, 0)]
    assert aws == [("SUPPRESSED", [bob]), ("NEW", [bob])]


def test_reopen_says_why() -> None:
    """The reopened finding's note says the waiver no longer applies, written by Sounding."""
    hub = FakeHub()
    assert securityhub.reopen(hub, [{"Id": "x", "ProductArn": "arn:p"}]) == (1, [])
    assert hub.updates == [{"FindingIdentifiers": [{"Id": "x", "ProductArn": "arn:p"}], "Workflow": {"Status": "NEW"},
                            "Note": {"Text": securityhub.REOPEN_NOTE, "UpdatedBy": "sounding"}}]
