"""SARIF 2.1.0 for GitHub code scanning: one run whose rules are Sounding's rules and whose results need a look."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from typing import Any, TextIO

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report.common import TOOL_NAME, finding_hash, rules_by_id, tool_version
from sounding.engine.report.json_stream import PLACEHOLDER, write_streamed
from sounding.engine.rules import SEVERITIES, STATUSES, Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
EMITTED = ("FAIL", "ERROR", "MANUAL")  # PASS and SKIP are counted in run.properties, not emitted
# GitHub code scanning reads security-severity: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, < 4 low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
FAIL_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
KIND = {"FAIL": "fail", "ERROR": "open", "MANUAL": "review"}
FINGERPRINT = "soundingFindingKey/v1"
# GitHub code scanning matches alerts across uploads by this key; given here, upload-sarif does not compute it
# from file contents (the pseudo paths below are not files, and one line would serve many resources).
GITHUB_FINGERPRINT = "primaryLocationLineHash"
# GitHub's documented limits ("SARIF results exceed one or more limits"): a run with more results, or a
# rule with more tags, is rejected; GitHub shows only 10 tags per rule.
RESULT_LIMIT = 25_000
RULE_LIMIT = 25_000
TAG_LIMIT = 10
LOCATION_ROOT = "aws"


def level(finding: Finding) -> str:
    """A FAIL's level by severity; "none" for ERROR (kind open) and MANUAL (kind review), as SARIF 2.1.0
    §3.27.10 requires of every kind other than fail."""
    return FAIL_LEVEL[finding.severity] if finding.status == "FAIL" else "none"


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A reportingDescriptor with every member GitHub requires (id, shortDescription, fullDescription, help)."""
    remediation = rule.remediation or rule.title
    help_markdown = remediation
    if rule.references:
        help_markdown += "\n\n" + "\n".join(f"- <{url}>" for url in rule.references)
    tags = ["security", *dict.fromkeys(rule.frameworks)][:TAG_LIMIT]
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.title,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description or rule.title},
        "help": {"text": remediation, "markdown": help_markdown},
        "defaultConfiguration": {"level": FAIL_LEVEL[rule.severity]},
        "properties": {"tags": tags, "security-severity": SECURITY_SEVERITY[rule.severity],
                       "precision": "very-high", "severity": rule.severity, "section": rule.section,
                       "sectionName": rule.section_name},
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


def artifact_uri(finding: Finding) -> str:
    """The repository-relative pseudo path GitHub files the alert under: aws/ACCOUNT/REGION/RULE."""
    return f"{LOCATION_ROOT}/{finding.account_id}/{finding.region}/{finding.rule_id}"


def result(finding: Finding, rule_index: int) -> dict[str, Any]:
    """A SARIF result for one finding: a physical location GitHub can display, and the logical ones."""
    fingerprint = finding_hash(finding)
    data: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "kind": KIND[finding.status],
        "level": level(finding),
        "message": {"text": finding.reason or finding.title},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": artifact_uri(finding)}, "region": {"startLine": 1}},
            "logicalLocations": [
                {"name": finding.account_id, "kind": "account"},
                {"name": finding.region, "fullyQualifiedName": f"{finding.account_id}/{finding.region}",
                 "kind": "region"},
                {"name": finding.resource_id,
                 "fullyQualifiedName": f"{finding.account_id}/{finding.region}/{finding.resource_id}",
                 "kind": "resource"}]}],
        "partialFingerprints": {FINGERPRINT: fingerprint, GITHUB_FINGERPRINT: f"{fingerprint[:32]}:1"},
        "properties": {"status": finding.status, "severity": finding.severity, "accountId": finding.account_id,
                       "region": finding.region, "resourceId": finding.resource_id},
    }
    if finding.details:
        data["properties"]["details"] = finding.details
    if finding.waived:
        data["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.waiver_reason}]
    return data


def result_quota(emitted_by_severity: Counter[str], limit: int) -> dict[str, int]:
    """How many results of each severity fit under `limit`, most severe first (GitHub rejects a run over it)."""
    quota: dict[str, int] = {}
    left = limit
    for severity in SEVERITIES:
        quota[severity] = min(emitted_by_severity.get(severity, 0), left)
        left -= quota[severity]
    return quota


def results(evaluation: Evaluation, index: dict[str, int], quota: dict[str, int]) -> Iterator[dict[str, Any]]:
    """The results in the evaluation's order, each severity up to its quota."""
    left = dict(quota)
    for finding in evaluation.findings:
        if finding.status in EMITTED and left[finding.severity] > 0:
            left[finding.severity] -= 1
            yield result(finding, index[finding.rule_id])


def write(evaluation: Evaluation, out: TextIO, *, result_limit: int = RESULT_LIMIT) -> None:
    """Write the SARIF log: keys sorted, results streamed; at most `result_limit` results, most severe kept."""
    rules = sorted(rules_by_id(evaluation).values(), key=lambda r: (r.section, r.id))[:RULE_LIMIT]
    index = {r.id: i for i, r in enumerate(rules)}
    statuses: Counter[str] = Counter()
    emitted: Counter[str] = Counter()
    for finding in evaluation.findings:
        statuses[finding.status] += 1
        if finding.status in EMITTED:
            emitted[finding.severity] += 1
    quota = result_quota(emitted, result_limit)
    driver: dict[str, Any] = {"name": TOOL_NAME, "rules": [rule_descriptor(r) for r in rules]}
    if tool_version(evaluation):
        driver["version"] = driver["semanticVersion"] = tool_version(evaluation)
    properties: dict[str, Any] = {"collectedAt": evaluation.snapshot.manifest["collection"]["finished_at"],
                                  "findingsByStatus": {s: statuses.get(s, 0) for s in STATUSES}}
    omitted = sum(emitted.values()) - sum(quota.values())
    if omitted:
        properties["resultsOmitted"] = omitted
    run = {"tool": {"driver": driver}, "results": PLACEHOLDER, "columnKind": "unicodeCodePoints",
           "properties": properties}
    write_streamed(out, {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]},
                   results(evaluation, index, quota))


def render(evaluation: Evaluation) -> str:
    """The SARIF log as text (write() into a string)."""
    buffer = io.StringIO()
    write(evaluation, buffer)
    return buffer.getvalue()
