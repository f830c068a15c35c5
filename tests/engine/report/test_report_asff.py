"""ASFF: every finding is a valid BatchImportFindings input by botocore's own Security Hub model."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator
from sounding.engine.evaluate import Evaluation
from sounding.engine.report import asff

from tests.engine.report.streams import streamed


@pytest.fixture(scope="module")
def findings(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The report's findings, parsed back from JSON."""
    return json.loads(asff.render(evaluation))["Findings"]


def import_errors(findings: list[dict[str, Any]]) -> str:
    """botocore's validation report for a BatchImportFindings call, offline ('' when valid)."""
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    report = ParamValidator().validate({"Findings": findings}, shape)
    return report.generate_report() if report.has_errors() else ""


def test_every_finding_is_a_valid_batch_import(findings: list[dict[str, Any]]) -> None:
    """Each finding alone and the whole batch pass botocore's input validation."""
    assert len(findings) == 13
    for finding in findings:
        assert import_errors([finding]) == ""
    assert import_errors(findings) == ""


def test_validation_can_fail(findings: list[dict[str, Any]]) -> None:
    """A finding without a required member is refused, so the check above means something."""
    broken = {k: v for k, v in findings[0].items() if k != "ProductArn"}
    assert "ProductArn" in import_errors([broken])


def test_failed_root_finding(findings: list[dict[str, Any]]) -> None:
    """The member's root FAIL: product ARN in the home region, severity, compliance, resource, times."""
    finding = next(f for f in findings if f["GeneratorId"] == "sounding/report_root_mfa"
                   and f["Compliance"]["Status"] == "FAILED")
    assert finding["SchemaVersion"] == "2018-10-08"
    assert finding["ProductArn"] == "arn:aws:securityhub:us-east-1:222222222222:product/222222222222/default"
    assert finding["AwsAccountId"] == "222222222222"
    assert finding["CreatedAt"] == finding["UpdatedAt"] == "2026-03-01T12:00:00.000Z"
    assert finding["Severity"] == {"Label": "CRITICAL", "Original": "critical"}
    assert finding["Types"] == [
        "Software and Configuration Checks/Industry and Regulatory Standards/"
        "AWS Foundational Security Best Practices v1.0.0",
        "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark v3.0.0"]
    assert finding["Compliance"] == {"Status": "FAILED", "RelatedRequirements": [
        "CIS AWS Foundations Benchmark v3.0.0/1.5", "AWS Foundational Security Best Practices v1.0.0/IAM.9"]}
    assert finding["Resources"] == [{"Type": "AwsAccount", "Id": "AWS::::Account:222222222222",
                                     "Partition": "aws"}]
    assert finding["Remediation"]["Recommendation"]["Url"].startswith("https://docs.aws.amazon.com/")
    assert (finding["RecordState"], finding["Workflow"]) == ("ACTIVE", {"Status": "NEW"})


def test_statuses_regions_and_waivers(findings: list[dict[str, Any]]) -> None:
    """Status mapping, regional product ARNs, and a waived FAIL suppressed with a note."""
    statuses = sorted({(f["ProductFields"]["sounding/Status"], f["Compliance"]["Status"]) for f in findings})
    assert statuses == [("ERROR", "NOT_AVAILABLE"), ("FAIL", "FAILED"), ("MANUAL", "WARNING"), ("PASS", "PASSED"),
                        ("SKIP", "NOT_AVAILABLE")]
    error = next(f for f in findings if f["ProductFields"]["sounding/Status"] == "ERROR")
    assert error["ProductArn"].startswith("arn:aws:securityhub:us-west-2:222222222222:")
    assert error["Resources"][0]["Region"] == "us-west-2"
    waived = [f for f in findings if f["Workflow"]["Status"] == "SUPPRESSED"]
    assert [f["Resources"][0]["Id"] for f in waived] == ["arn:aws:iam::222222222222:user/carol"]
    assert waived[0]["Note"]["Text"].startswith("Waived: Break-glass user")
    assert len({f["Id"] for f in findings}) == len(findings)


def test_batches_hold_at_most_100_findings() -> None:
    """BatchImportFindings takes at most 100 findings per call."""
    sizes = [len(b) for b in asff.batches([{"Id": str(i)} for i in range(250)])]
    assert sizes == [100, 100, 50]


def test_long_text_is_cut_to_asff_limits(evaluation: Evaluation) -> None:
    """Descriptions longer than 1,024 characters are cut with an ellipsis."""
    finding = evaluation.findings[0]
    long = type(finding)(**{**finding.__dict__, "reason": "x" * 5000})
    data = asff.asff_finding(evaluation, long, None)
    assert len(data["Description"]) == 1024 and data["Description"].endswith("…")


@pytest.mark.parametrize(("resource_id", "expected"), [
    ("arn:aws:::222222222222", {"Type": "AwsAccount", "Id": "AWS::::Account:222222222222"}),
    ("arn:aws:iam::222222222222:root", {"Type": "AwsAccount", "Id": "AWS::::Account:222222222222"}),
    ("arn:aws-us-gov:iam::222222222222:root", {"Type": "AwsAccount", "Id": "AWS::::Account:222222222222"}),
    ("222222222222", {"Type": "AwsAccount", "Id": "AWS::::Account:222222222222"}),
    ("arn:aws:iam::222222222222:user/root", {"Type": "AwsIamUser", "Id": "arn:aws:iam::222222222222:user/root"}),
    ("arn:aws:s3:::222222222222", {"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::222222222222"}),
])
def test_account_level_resources_use_security_hubs_account_id(evaluation: Evaluation, resource_id: str,
                                                               expected: dict[str, str]) -> None:
    """Security Hub CSPM controls reference (account-level controls): resource AWS::::Account:ID, type AwsAccount."""
    finding = dataclasses.replace(evaluation.findings[0], resource_id=resource_id)
    data = asff.asff_finding(evaluation, finding, None)
    assert {k: data["Resources"][0][k] for k in ("Type", "Id")} == expected
    assert import_errors([data]) == ""


def test_framework_mapping_fills_related_requirements(evaluation: Evaluation) -> None:
    """`framework-id:control` entries become versioned RelatedRequirements and standards Types."""
    finding = next(f for f in evaluation.findings if f.rule_id == "report_root_mfa")
    rule = next(r for r in evaluation.rules if r.id == "report_root_mfa")
    mapped = dataclasses.replace(rule, frameworks=("cis-5.0:1.4", "fsbp:IAM.6"))
    data = asff.asff_finding(evaluation, finding, mapped)
    assert data["Compliance"]["RelatedRequirements"] == ["CIS AWS Foundations Benchmark v5.0.0/1.4",
                                                         "AWS Foundational Security Best Practices v1.0.0/IAM.6"]
    assert data["Types"] == [
        "Software and Configuration Checks/Industry and Regulatory Standards/"
        "AWS Foundational Security Best Practices v1.0.0",
        "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark v5.0.0"]
    assert import_errors([data]) == ""


def test_write_only_iterates_the_findings(evaluation: Evaluation) -> None:
    """write() works on findings that can only be iterated, and gives the same bytes as on the list."""
    assert asff.render(streamed(evaluation)) == asff.render(evaluation)


def test_pass_is_archived_and_resolved_even_when_waived(evaluation: Evaluation, findings: list[dict[str, Any]]) -> None:
    """A PASS resolves an earlier failure of the same Id: RecordState ARCHIVED, Workflow RESOLVED; others ACTIVE."""
    states = sorted({(f["ProductFields"]["sounding/Status"], f["RecordState"], f["Workflow"]["Status"])
                     for f in findings})
    assert states == [("ERROR", "ACTIVE", "NEW"), ("FAIL", "ACTIVE", "NEW"), ("FAIL", "ACTIVE", "SUPPRESSED"),
                      ("MANUAL", "ACTIVE", "NEW"), ("PASS", "ARCHIVED", "RESOLVED"), ("SKIP", "ACTIVE", "RESOLVED")]
    passed = next(f for f in evaluation.findings if f.status == "PASS")
    waived = dataclasses.replace(passed, waived=True, waiver_reason="accepted")
    data = asff.asff_finding(evaluation, waived, None)
    assert (data["RecordState"], data["Workflow"]) == ("ARCHIVED", {"Status": "RESOLVED"})
