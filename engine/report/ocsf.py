"""OCSF: one Compliance Finding (class 2003) per finding, as Amazon Security Lake and Prowler write them."""

from __future__ import annotations

import json
from typing import Any

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report.common import (
    GLOBAL_REGION,
    TOOL_NAME,
    collected_ms,
    finding_uid,
    partition,
    resource_type,
    rules_by_id,
    standards,
    tool_version,
)
from sounding.engine.rules import Rule

OCSF_VERSION = "1.5.0"
CATEGORY_UID = 2  # Findings
CLASS_UID = 2003  # Compliance Finding
ACTIVITY_CREATE = 1
SEVERITY_IDS = {"info": (1, "Informational"), "low": (2, "Low"), "medium": (3, "Medium"),
                "high": (4, "High"), "critical": (5, "Critical")}
# Sounding status → compliance.status_id / status (OCSF compliance status enum).
COMPLIANCE_STATUS = {"PASS": (1, "Pass"), "FAIL": (3, "Fail"), "ERROR": (2, "Warning"),
                     "MANUAL": (2, "Warning"), "SKIP": (99, "Other")}
AWS_ACCOUNT_TYPE_ID = 10


def finding_status(finding: Finding) -> tuple[int, str]:
    """The OCSF finding status: Suppressed when waived, New otherwise."""
    return (3, "Suppressed") if finding.waived else (1, "New")


def event(evaluation: Evaluation, finding: Finding, rule: Rule | None, names: dict[str, str]) -> dict[str, Any]:
    """One finding as an OCSF Compliance Finding event."""
    time_ms = collected_ms(evaluation)
    severity_id, severity = SEVERITY_IDS[finding.severity]
    status_id, status = finding_status(finding)
    compliance_id, compliance_status = COMPLIANCE_STATUS[finding.status]
    compliance: dict[str, Any] = {"control": finding.rule_id, "status": compliance_status,
                                  "status_code": finding.status, "status_id": compliance_id}
    if rule is not None and rule.frameworks:
        compliance["standards"] = standards(rule)
        compliance["requirements"] = list(rule.frameworks)
    info: dict[str, Any] = {"uid": finding_uid(finding), "title": finding.title, "created_time": time_ms,
                            "types": ["Software and Configuration Checks", f"Section {finding.section}"]}
    if rule is not None:
        info["desc"] = rule.description
        if rule.references:
            info["src_url"] = rule.references[0]
    region = None if finding.region == GLOBAL_REGION else finding.region
    resource: dict[str, Any] = {"uid": finding.resource_id, "type": resource_type(finding.resource_id),
                                "cloud_partition": partition(evaluation)}
    if region:
        resource["region"] = region
    account: dict[str, Any] = {"uid": finding.account_id, "type": "AWS Account", "type_id": AWS_ACCOUNT_TYPE_ID}
    if names.get(finding.account_id):
        account["name"] = names[finding.account_id]
    cloud: dict[str, Any] = {"provider": "AWS", "account": account}
    if region:
        cloud["region"] = region
    data: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE, "activity_name": "Create",
        "category_name": "Findings", "category_uid": CATEGORY_UID,
        "class_name": "Compliance Finding", "class_uid": CLASS_UID,
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE, "type_name": "Compliance Finding: Create",
        "severity_id": severity_id, "severity": severity, "status_id": status_id, "status": status,
        "status_code": finding.status, "status_detail": finding.reason, "message": finding.reason,
        "time": time_ms, "compliance": compliance, "finding_info": info, "resources": [resource],
        "cloud": cloud,
        "metadata": {"event_code": finding.rule_id, "product": {"name": TOOL_NAME, "vendor_name": TOOL_NAME,
                                                                "version": tool_version(evaluation)},
                     "profiles": ["cloud"], "version": OCSF_VERSION},
    }
    if rule is not None:
        data["remediation"] = {"desc": rule.remediation, **({"references": list(rule.references)}
                                                            if rule.references else {})}
    unmapped: dict[str, Any] = {"section": finding.section, "region": finding.region}
    if finding.details:
        unmapped["details"] = finding.details
    if finding.waived:
        unmapped["waiver_reason"] = finding.waiver_reason
    data["unmapped"] = unmapped
    return data


def events(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Every finding as an OCSF event, in the evaluation's order."""
    rules = rules_by_id(evaluation)
    names = {a["account_id"]: a.get("name", "") for a in evaluation.snapshot.accounts}
    return [event(evaluation, f, rules.get(f.rule_id), names) for f in evaluation.findings]


def render(evaluation: Evaluation) -> str:
    """A JSON array of OCSF Compliance Findings, keys sorted, newline at the end."""
    return json.dumps(events(evaluation), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
