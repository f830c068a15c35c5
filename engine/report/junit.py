"""JUnit XML: one test suite per section, one test case per finding, for CI dashboards."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report.common import TOOL_NAME, rules_by_id
from sounding.engine.rules import SECTIONS, Rule

SKIPPED = ("SKIP", "MANUAL")
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Text with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def outcome(case: ET.Element, finding: Finding, rule: Rule | None) -> str:
    """Add the failure/error/skipped child a finding calls for; the counter it adds to."""
    remediation = f"\n\nRemediation: {rule.remediation}" if rule is not None else ""
    if finding.waived:
        ET.SubElement(case, "skipped", message=f"waived: {finding.waiver_reason}").text = finding.reason
        return "skipped"
    if finding.status == "FAIL":
        node = ET.SubElement(case, "failure", message=finding.reason, type=finding.severity)
        node.text = finding.reason + remediation
        return "failures"
    if finding.status == "ERROR":
        ET.SubElement(case, "error", message=finding.reason, type="not evaluated").text = finding.reason
        return "errors"
    if finding.status in SKIPPED:
        label = "manual check" if finding.status == "MANUAL" else "skipped"
        ET.SubElement(case, "skipped", message=f"{label}: {finding.reason}")
        return "skipped"
    return ""


def testcase(finding: Finding, rule: Rule | None) -> tuple[ET.Element, str]:
    """A test case named after the resource, classed by rule id, with account and region in its output."""
    case = ET.Element("testcase", classname=finding.rule_id, name=finding.resource_id, time="0")
    counter = outcome(case, finding, rule)
    out = ET.SubElement(case, "system-out")
    out.text = (f"status: {finding.status}\nseverity: {finding.severity}\naccount: {finding.account_id}\n"
                f"region: {finding.region}\nresource: {finding.resource_id}\nreason: {finding.reason}\n")
    for node in case.iter():
        node.attrib = {k: clean(v) for k, v in node.attrib.items()}
        node.text = clean(node.text) if node.text else node.text
    return case, counter


def document(evaluation: Evaluation) -> ET.Element:
    """The <testsuites> element."""
    rules = rules_by_id(evaluation)
    timestamp = evaluation.snapshot.collected_at.strftime("%Y-%m-%dT%H:%M:%S")
    root = ET.Element("testsuites", name=TOOL_NAME)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for number, group in groupby(sorted(evaluation.findings, key=lambda f: f.section), key=lambda f: f.section):
        findings = list(group)
        suite = ET.SubElement(root, "testsuite", name=f"{number}. {SECTIONS.get(number, str(number))}",
                              id=str(number), timestamp=timestamp, hostname=TOOL_NAME, time="0")
        counts = {"tests": len(findings), "failures": 0, "errors": 0, "skipped": 0}
        for finding in findings:
            case, counter = testcase(finding, rules.get(finding.rule_id))
            suite.append(case)
            if counter:
                counts[counter] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    return root


def render(evaluation: Evaluation) -> str:
    """The JUnit XML document, indented, with an XML declaration."""
    root = document(evaluation)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
