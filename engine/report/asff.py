"""ASFF: findings in the AWS Security Finding Format, ready for Security Hub BatchImportFindings."""

from __future__ import annotations

import json
from typing import Any

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report.common import (
    GLOBAL_REGION,
    TOOL_NAME,
    collected_iso,
    cut,
    finding_uid,
    home_region,
    partition,
    resource_type,
    rules_by_id,
    standards,
    tool_version,
)
from sounding.engine.rules import Rule

SCHEMA_VERSION = "2018-10-08"
BATCH_LIMIT = 100  # findings per BatchImportFindings call
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 1024
RECOMMENDATION_LIMIT = 512
NOTE_LIMIT = 512
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


def description(finding: Finding, rule: Rule | None) -> str:
    """The finding's reason, then why the rule matters, within ASFF's length limit."""
    text = finding.reason if rule is None else f"{finding.reason}\n\n{rule.description}"
    return cut(text, DESCRIPTION_LIMIT)


def asff_finding(evaluation: Evaluation, finding: Finding, rule: Rule | None) -> dict[str, Any]:
    """One finding as an ASFF object."""
    part = partition(evaluation)
    region = home_region(evaluation) if finding.region == GLOBAL_REGION else finding.region
    when = collected_iso(evaluation)
    resource: dict[str, Any] = {"Type": resource_type(finding.resource_id), "Id": finding.resource_id,
                                "Partition": part}
    if finding.region != GLOBAL_REGION:
        resource["Region"] = finding.region
    compliance: dict[str, Any] = {"Status": COMPLIANCE_STATUS[finding.status]}
    if rule is not None and rule.frameworks:
        compliance["RelatedRequirements"] = list(rule.frameworks)[:32]
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
        "Resources": [resource],
        "Compliance": compliance,
        "RecordState": "ACTIVE",
        "Workflow": {"Status": "SUPPRESSED" if finding.waived else WORKFLOW_STATUS[finding.status]},
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


def document(evaluation: Evaluation) -> dict[str, Any]:
    """Every finding under "Findings", in the evaluation's order."""
    rules = rules_by_id(evaluation)
    return {"Findings": [asff_finding(evaluation, f, rules.get(f.rule_id)) for f in evaluation.findings]}


def batches(findings: list[dict[str, Any]], size: int = BATCH_LIMIT) -> list[list[dict[str, Any]]]:
    """The findings split into BatchImportFindings calls of at most `size`."""
    return [findings[i: i + size] for i in range(0, len(findings), size)]


def render(evaluation: Evaluation) -> str:
    """{"Findings": [...]} as JSON, keys sorted, newline at the end."""
    return json.dumps(document(evaluation), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
