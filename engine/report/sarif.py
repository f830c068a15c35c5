"""SARIF 2.1.0: one run whose rules are Sounding's rules and whose results are the findings that need a look."""

from __future__ import annotations

import json
from typing import Any

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report.common import TOOL_NAME, finding_hash, rules_by_id, tool_version
from sounding.engine.rules import STATUSES, Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
EMITTED = ("FAIL", "ERROR", "MANUAL")  # PASS and SKIP are counted in run.properties, not emitted
# GitHub code scanning reads security-severity: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, < 4 low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
FAIL_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
KIND = {"FAIL": "fail", "ERROR": "open", "MANUAL": "review"}
FINGERPRINT = "soundingFindingKey/v1"


def level(finding: Finding) -> str:
    """error/warning/note: a FAIL by severity, an ERROR (not evaluated) as warning, a MANUAL check as note."""
    if finding.status == "FAIL":
        return FAIL_LEVEL[finding.severity]
    return "warning" if finding.status == "ERROR" else "note"


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A reportingDescriptor for one rule."""
    help_markdown = rule.remediation
    if rule.references:
        help_markdown += "\n\n" + "\n".join(f"- <{url}>" for url in rule.references)
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.title,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.remediation, "markdown": help_markdown},
        "defaultConfiguration": {"level": FAIL_LEVEL[rule.severity]},
        "properties": {"tags": ["security", *rule.frameworks], "security-severity": SECURITY_SEVERITY[rule.severity],
                       "severity": rule.severity, "section": rule.section, "sectionName": rule.section_name},
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


def result(finding: Finding, rule_index: int) -> dict[str, Any]:
    """A SARIF result for one finding, located by account, region and resource."""
    data: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "kind": KIND[finding.status],
        "level": level(finding),
        "message": {"text": finding.reason},
        "locations": [{"logicalLocations": [
            {"name": finding.account_id, "kind": "account"},
            {"name": finding.region, "fullyQualifiedName": f"{finding.account_id}/{finding.region}",
             "kind": "region"},
            {"name": finding.resource_id,
             "fullyQualifiedName": f"{finding.account_id}/{finding.region}/{finding.resource_id}",
             "kind": "resource"}]}],
        "partialFingerprints": {FINGERPRINT: finding_hash(finding)},
        "properties": {"status": finding.status, "severity": finding.severity, "accountId": finding.account_id,
                       "region": finding.region, "resourceId": finding.resource_id},
    }
    if finding.details:
        data["properties"]["details"] = finding.details
    if finding.waived:
        data["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.waiver_reason}]
    return data


def document(evaluation: Evaluation) -> dict[str, Any]:
    """The SARIF log: one run, every rule, the FAIL, ERROR and MANUAL findings as results."""
    rules = sorted(rules_by_id(evaluation).values(), key=lambda r: (r.section, r.id))
    index = {r.id: i for i, r in enumerate(rules)}
    counts = {s: sum(1 for f in evaluation.findings if f.status == s) for s in STATUSES}
    results = [result(f, index[f.rule_id]) for f in evaluation.findings if f.status in EMITTED]
    driver: dict[str, Any] = {"name": TOOL_NAME, "rules": [rule_descriptor(r) for r in rules]}
    if tool_version(evaluation):
        driver["version"] = driver["semanticVersion"] = tool_version(evaluation)
    run = {"tool": {"driver": driver}, "results": results, "columnKind": "unicodeCodePoints",
           "properties": {"collectedAt": evaluation.snapshot.manifest["collection"]["finished_at"],
                          "findingsByStatus": counts}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(evaluation: Evaluation) -> str:
    """The SARIF log as JSON, keys sorted, newline at the end."""
    return json.dumps(document(evaluation), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
