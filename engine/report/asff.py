"""ASFF: findings in the AWS Security Finding Format, ready for Security Hub BatchImportFindings."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, TextIO

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report.common import (
    GLOBAL_REGION,
    TOOL_NAME,
    account_level,
    collected_iso,
    cut,
    finding_uid,
    home_region,
    partition,
    requirements,
    resource_type,
    rules_by_id,
    standards,
    tool_version,
)
from sounding.engine.report.json_stream import PLACEHOLDER, write_streamed
from sounding.engine.rules import Rule

SCHEMA_VERSION = "2018-10-08"
BATCH_LIMIT = 100  # findings per BatchImportFindings call
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 1024
RECOMMENDATION_LIMIT = 512
NOTE_LIMIT = 512
REQUIREMENTS_LIMIT = 32  # Compliance.RelatedRequirements holds at most 32 entries
SEVERITY_LABELS = {"info": "INFORMATIONAL", "low": "LOW", "medium": "MEDIUM", "high": "HIGH",
                   "critical": "CRITICAL"}
COMPLIANCE_STATUS = {"PASS": "PASSED", "FAIL": "FAILED", "MANUAL": "WARNING", "ERROR": "NOT_AVAILABLE",
                     "SKIP": "NOT_AVAILABLE"}
WORKFLOW_STATUS = {"PASS": "RESOLVED", "FAIL": "NEW", "MANUAL": "NEW", "ERROR": "NEW", "SKIP": "RESOLVED"}
BEST_PRACTICES_TYPE = "Software and Configuration Checks/AWS Security Best Practices"
STANDARDS_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards"


def product_arn(part: str, region: str, account_id: str) -> str:
    """The default product ARN an account imports its own findings under."""
    return f"arn:{part}:securityhub:{region}:{account_id}:product/{account_id}/default"


def finding_types(rule: Rule | None) -> list[str]:
    """ASFF types: one per framework the rule maps to, else the best-practices type."""
    names = standards(rule)
    return [f"{STANDARDS_TYPE}/{name}" for name in names] or [BEST_PRACTICES_TYPE]


def asff_resource(finding: Finding, part: str) -> dict[str, Any]:
    """The finding's resource; a whole account is Security Hub's own `AWS::::Account:ID` of type AwsAccount."""
    account = account_level(finding.resource_id)
    if account is not None:
        resource: dict[str, Any] = {"Type": "AwsAccount", "Id": f"AWS::::Account:{account}", "Partition": part}
    else:
        resource = {"Type": resource_type(finding.resource_id), "Id": finding.resource_id, "Partition": part}
    if finding.region != GLOBAL_REGION:
        resource["Region"] = finding.region
    return resource


def description(finding: Finding, rule: Rule | None) -> str:
    """The finding's reason, then why the rule matters, within ASFF's length limit."""
    text = finding.reason if rule is None else f"{finding.reason}\n\n{rule.description}"
    return cut(text, DESCRIPTION_LIMIT)


def asff_finding(evaluation: Evaluation, finding: Finding, rule: Rule | None) -> dict[str, Any]:
    """One finding as an ASFF object."""
    part = partition(evaluation)
    region = home_region(evaluation) if finding.region == GLOBAL_REGION else finding.region
    when = collected_iso(evaluation)
    compliance: dict[str, Any] = {"Status": COMPLIANCE_STATUS[finding.status]}
    related = [r.label for r in requirements(rule)][:REQUIREMENTS_LIMIT]
    if related:
        compliance["RelatedRequirements"] = related
    data: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_uid(finding),
        "ProductArn": product_arn(part, region, finding.account_id),
        "ProductName": TOOL_NAME,
        "CompanyName": TOOL_NAME,
        "Region": region,
        "GeneratorId": f"sounding/{finding.rule_id}",
        "AwsAccountId": finding.account_id,
        "Types": finding_types(rule),
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": {"Label": SEVERITY_LABELS[finding.severity], "Original": finding.severity},
        "Title": cut(finding.title, TITLE_LIMIT),
        "Description": description(finding, rule),
        "ProductFields": {"sounding/RuleId": finding.rule_id, "sounding/Status": finding.status,
                          "sounding/Section": str(finding.section), "sounding/Version": tool_version(evaluation)},
        "Resources": [asff_resource(finding, part)],
        "Compliance": compliance,
        # A PASS resolves the same finding of an earlier snapshot (same Id): archived, as nothing is left to do.
        "RecordState": "ARCHIVED" if finding.status == "PASS" else "ACTIVE",
        "Workflow": {"Status": "SUPPRESSED" if finding.waived and finding.status != "PASS"
                     else WORKFLOW_STATUS[finding.status]},
    }
    if rule is not None:
        recommendation: dict[str, str] = {"Text": cut(rule.remediation, RECOMMENDATION_LIMIT)}
        if rule.references:
            recommendation["Url"] = rule.references[0]
            data["SourceUrl"] = rule.references[0]
        data["Remediation"] = {"Recommendation": recommendation}
    if finding.waived:
        data["Note"] = {"Text": cut(f"Waived: {finding.waiver_reason}", NOTE_LIMIT), "UpdatedBy": "sounding",
                        "UpdatedAt": when}
    return data


def asff_findings(evaluation: Evaluation) -> Iterator[dict[str, Any]]:
    """Every finding as ASFF, in the evaluation's order."""
    rules = rules_by_id(evaluation)
    for finding in evaluation.findings:
        yield asff_finding(evaluation, finding, rules.get(finding.rule_id))


def batches(findings: list[dict[str, Any]], size: int = BATCH_LIMIT) -> list[list[dict[str, Any]]]:
    """The findings split into BatchImportFindings calls of at most `size`."""
    return [findings[i: i + size] for i in range(0, len(findings), size)]


def write(evaluation: Evaluation, out: TextIO) -> None:
    """{"Findings": [...]} as JSON, keys sorted, findings streamed one at a time."""
    write_streamed(out, {"Findings": PLACEHOLDER}, asff_findings(evaluation))


def render(evaluation: Evaluation) -> str:
    """The ASFF document as text (write() into a string)."""
    buffer = io.StringIO()
    write(evaluation, buffer)
    return buffer.getvalue()
