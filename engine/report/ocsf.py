"""OCSF: one Compliance Finding (class 2003) per finding, as Amazon Security Lake and Prowler write them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, TextIO

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report.common import (
    GLOBAL_REGION,
    TOOL_NAME,
    collected_ms,
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
ANALYTIC_RULE = (1, "Rule")  # analytic.type_id / type: the finding comes from a rule


def finding_status(finding: Finding) -> tuple[int, str]:
    """The OCSF finding status: Suppressed when waived, New otherwise."""
    return (3, "Suppressed") if finding.waived else (1, "New")


def analytic(finding: Finding, rule: Rule | None, evaluation: Evaluation) -> dict[str, Any]:
    """The rule that produced the finding, as OCSF's analytic object."""
    data: dict[str, Any] = {"uid": finding.rule_id, "name": finding.title, "type_id": ANALYTIC_RULE[0],
                            "type": ANALYTIC_RULE[1]}
    if rule is not None:
        data["category"] = f"{rule.section}. {rule.section_name}"
        if rule.description:
            data["desc"] = rule.description
    if tool_version(evaluation):
        data["version"] = tool_version(evaluation)
    return data


def event(evaluation: Evaluation, finding: Finding, rule: Rule | None, names: dict[str, str],
          home: str | None = None) -> dict[str, Any]:
    """One finding as an OCSF Compliance Finding event; global findings are placed in the home region."""
    time_ms = collected_ms(evaluation)
    severity_id, severity = SEVERITY_IDS[finding.severity]
    status_id, status = finding_status(finding)
    compliance_id, compliance_status = COMPLIANCE_STATUS[finding.status]
    compliance: dict[str, Any] = {"control": finding.rule_id, "status": compliance_status,
                                  "status_code": finding.status, "status_id": compliance_id}
    if requirements(rule):
        compliance["standards"] = standards(rule)
        compliance["requirements"] = [r.label for r in requirements(rule)]
    info: dict[str, Any] = {"uid": finding_uid(finding), "title": finding.title, "created_time": time_ms,
                            "types": ["Software and Configuration Checks", f"Section {finding.section}"],
                            "analytic": analytic(finding, rule, evaluation)}
    if rule is not None:
        info["desc"] = rule.description
        if rule.references:
            info["src_url"] = rule.references[0]
    region = (home or home_region(evaluation)) if finding.region == GLOBAL_REGION else finding.region
    resource: dict[str, Any] = {"uid": finding.resource_id, "type": resource_type(finding.resource_id),
                                "cloud_partition": partition(evaluation), "region": region}
    account: dict[str, Any] = {"uid": finding.account_id, "type": "AWS Account", "type_id": AWS_ACCOUNT_TYPE_ID}
    if names.get(finding.account_id):
        account["name"] = names[finding.account_id]
    cloud: dict[str, Any] = {"provider": "AWS", "account": account, "region": region}
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


def events(evaluation: Evaluation) -> Iterator[dict[str, Any]]:
    """Every finding as an OCSF event, in the evaluation's order."""
    rules = rules_by_id(evaluation)
    names = {a["account_id"]: a.get("name", "") for a in evaluation.snapshot.accounts}
    home = home_region(evaluation)
    for finding in evaluation.findings:
        yield event(evaluation, finding, rules.get(finding.rule_id), names, home)


def write(evaluation: Evaluation, out: TextIO) -> None:
    """A JSON array of OCSF Compliance Findings, keys sorted, events streamed one at a time."""
    write_streamed(out, PLACEHOLDER, events(evaluation))


def render(evaluation: Evaluation) -> str:
    """The OCSF array as text (write() into a string)."""
    buffer = io.StringIO()
    write(evaluation, buffer)
    return buffer.getvalue()
