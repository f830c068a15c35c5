"""OCSF: every event validates as a Compliance Finding of OCSF 1.5.0 with no attribute outside the schema."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from ocsf.v1_5_0.events import ComplianceFinding as SchemaComplianceFinding
from ocsf.v1_5_0.objects import Cloud
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding as ProwlerComplianceFinding
from pydantic import BaseModel, ValidationError
from sounding.engine.evaluate import Evaluation
from sounding.engine.report import ocsf

from tests.engine.report.streams import streamed


def unknown_attributes(model: Any, path: str = "") -> list[str]:
    """Attributes a validated model accepted only as extras (not in the OCSF schema); `unmapped` is free-form."""
    found: list[str] = []
    if isinstance(model, BaseModel):
        found += [f"{path}.{k}" for k in (model.model_extra or {})]
        for name in type(model).model_fields:
            if name != "unmapped":
                found += unknown_attributes(getattr(model, name), f"{path}.{name}")
    elif isinstance(model, list):
        for i, item in enumerate(model):
            found += unknown_attributes(item, f"{path}[{i}]")
    return found


@pytest.fixture(scope="module")
def events(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The report parsed back from JSON."""
    return json.loads(ocsf.render(evaluation))


def test_every_event_validates_against_the_ocsf_1_5_schema(events: list[dict[str, Any]]) -> None:
    """pydantic-ocsf's models, built from the OCSF 1.5.0 schema it ships, accept every event with no extras."""
    assert len(events) == 13
    for event in events:
        model = SchemaComplianceFinding.model_validate(event)
        assert unknown_attributes(model) == [".cloud"]  # the cloud profile's attribute, checked next
        cloud = Cloud.model_validate(event["cloud"])
        assert unknown_attributes(cloud) == []


def test_every_event_validates_with_prowlers_models(events: list[dict[str, Any]]) -> None:
    """py-ocsf-models (Prowler's OCSF models) accepts every event as a ComplianceFinding."""
    for event in events:
        model = ProwlerComplianceFinding.model_validate(event)
        assert model.class_uid == 2003
        assert model.type_uid == 200301


def test_schema_validation_can_fail(events: list[dict[str, Any]]) -> None:
    """The validator rejects an out-of-range enum, so the check above means something."""
    with pytest.raises(ValidationError):
        SchemaComplianceFinding.model_validate({**events[0], "severity_id": 42})


def test_failed_critical_root_finding_maps_every_field(events: list[dict[str, Any]]) -> None:
    """The member account's root FAIL carries severity, compliance, resource, cloud, time and metadata."""
    event = next(e for e in events if e["status_code"] == "FAIL" and e["metadata"]["event_code"] == "report_root_mfa")
    assert (event["category_uid"], event["class_uid"], event["activity_id"], event["type_uid"]) == (2, 2003, 1, 200301)
    assert (event["severity_id"], event["severity"], event["status_id"], event["status"]) == (5, "Critical", 1, "New")
    assert event["compliance"] == {"control": "report_root_mfa",
                                   "requirements": ["CIS AWS Foundations Benchmark v3.0.0/1.5",
                                                    "AWS Foundational Security Best Practices v1.0.0/IAM.9"],
                                   "standards": ["AWS Foundational Security Best Practices v1.0.0",
                                                 "CIS AWS Foundations Benchmark v3.0.0"],
                                   "status": "Fail", "status_code": "FAIL",
                                   "status_id": 3}
    assert event["resources"] == [{"cloud_partition": "aws", "type": "AwsAccount", "region": "us-east-1",
                                   "uid": "arn:aws:iam::222222222222:root"}]
    assert event["cloud"] == {"provider": "AWS", "region": "us-east-1",
                              "account": {"uid": "222222222222", "name": "Member", "type": "AWS Account",
                                          "type_id": 10}}
    assert event["unmapped"]["region"] == "global"
    assert event["finding_info"]["analytic"] == {
        "uid": "report_root_mfa", "name": "Root user has MFA enabled", "type_id": 1, "type": "Rule",
        "category": "1. Root user",
        "desc": "A root password without MFA is one phishing e-mail away from a full account takeover.",
        "version": "0.0.0-test"}
    assert event["time"] == event["finding_info"]["created_time"] == 1772366400000  # 2026-03-01T12:00:00Z
    assert event["finding_info"]["uid"].startswith("sounding/report_root_mfa/")
    assert event["metadata"] == {"event_code": "report_root_mfa", "profiles": ["cloud"], "version": "1.5.0",
                                 "product": {"name": "Sounding", "vendor_name": "Sounding", "version": "0.0.0-test"}}
    assert event["remediation"]["desc"].startswith("Sign in as root")


def test_statuses_waivers_and_regions(events: list[dict[str, Any]]) -> None:
    """ERROR and MANUAL are compliance Warning, SKIP Other, a waiver Suppressed; regional events name the region."""
    by_status = {e["status_code"]: e for e in events}
    assert by_status["ERROR"]["compliance"]["status_id"] == 2
    assert by_status["MANUAL"]["compliance"]["status_id"] == 2
    assert by_status["SKIP"]["compliance"]["status_id"] == 99
    assert by_status["PASS"]["compliance"]["status_id"] == 1
    assert by_status["ERROR"]["cloud"]["region"] == by_status["ERROR"]["resources"][0]["region"] == "us-west-2"
    assert by_status["ERROR"]["unmapped"]["details"] == {"status_without_gap": "FAIL"}
    waived = [e for e in events if e["status"] == "Suppressed"]
    assert [e["resources"][0]["uid"] for e in waived] == ["arn:aws:iam::222222222222:user/carol"]
    assert waived[0]["status_id"] == 3
    assert waived[0]["unmapped"]["waiver_reason"].startswith("Break-glass user")
    assert len({e["finding_info"]["uid"] for e in events}) == len(events)


def test_every_event_names_an_account_a_region_and_a_rule(events: list[dict[str, Any]]) -> None:
    """What Security Lake partitions by and consumers group by is on every event, global ones in the home region."""
    for event in events:
        region = event["resources"][0]["region"]
        assert event["cloud"]["region"] == region
        assert region == (event["unmapped"]["region"] if event["unmapped"]["region"] != "global" else "us-east-1")
        assert event["cloud"]["account"]["uid"] in {"111111111111", "222222222222"}
        assert event["finding_info"]["analytic"]["uid"] == event["metadata"]["event_code"]
        assert event["resources"][0]["uid"] and event["resources"][0]["type"]


def test_framework_mapping_fills_compliance_standards_and_requirements(evaluation: Evaluation) -> None:
    """`framework-id:control` header entries become versioned standards and per-control requirements."""
    finding = next(f for f in evaluation.findings if f.rule_id == "report_root_mfa")
    rule = next(r for r in evaluation.rules if r.id == "report_root_mfa")
    mapped = dataclasses.replace(rule, frameworks=("cis-5.0:1.4", "cis-3.0:1.4", "fsbp:IAM.6",
                                                   "nist-800-53-r5:IA-2(1)"))
    event = ocsf.event(evaluation, finding, mapped, {})
    assert event["compliance"]["standards"] == [
        "AWS Foundational Security Best Practices v1.0.0", "CIS AWS Foundations Benchmark v3.0.0",
        "CIS AWS Foundations Benchmark v5.0.0", "NIST SP 800-53 Revision 5 v5.0.0"]
    assert event["compliance"]["requirements"] == [
        "CIS AWS Foundations Benchmark v5.0.0/1.4", "CIS AWS Foundations Benchmark v3.0.0/1.4",
        "AWS Foundational Security Best Practices v1.0.0/IAM.6", "NIST SP 800-53 Revision 5 v5.0.0/IA-2(1)"]
    model = SchemaComplianceFinding.model_validate(event)
    assert unknown_attributes(model) == [".cloud"]
    ProwlerComplianceFinding.model_validate(event)


def test_write_only_iterates_the_findings(evaluation: Evaluation) -> None:
    """write() works on findings that can only be iterated, and gives the same bytes as on the list."""
    stream = streamed(evaluation)
    assert ocsf.render(stream) == ocsf.render(evaluation)
