"""JUnit XML: one test suite per section, one test case per finding, for CI dashboards."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import groupby
from typing import TextIO

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report.common import TOOL_NAME, rules_by_id
from sounding.engine.rules import SECTIONS, Rule

SKIPPED = ("SKIP", "MANUAL")
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Text with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def kind(finding: Finding) -> str:
    """The counter a finding adds to: failures, errors, skipped, or "" (passed)."""
    if finding.waived:
        return "skipped"
    return {"FAIL": "failures", "ERROR": "errors", "SKIP": "skipped", "MANUAL": "skipped"}.get(finding.status, "")


def outcome(case: ET.Element, finding: Finding, rule: Rule | None) -> str:
    """Add the failure/error/skipped child a finding calls for; the counter it adds to."""
    remediation = f"\n\nRemediation: {rule.remediation}" if rule is not None else ""
    counter = kind(finding)
    if finding.waived:
        ET.SubElement(case, "skipped", message=f"waived: {finding.waiver_reason}").text = finding.reason
    elif counter == "failures":
        node = ET.SubElement(case, "failure", message=finding.reason, type=finding.severity)
        node.text = finding.reason + remediation
    elif counter == "errors":
        ET.SubElement(case, "error", message=finding.reason, type="not evaluated").text = finding.reason
    elif counter == "skipped":
        label = "manual check" if finding.status == "MANUAL" else "skipped"
        ET.SubElement(case, "skipped", message=f"{label}: {finding.reason}")
    return counter


def case_name(finding: Finding) -> str:
    """The test case name: resource, account and region, so no two findings of a rule share a name
    (CI viewers merge cases with the same class name and name)."""
    return f"{finding.resource_id} [{finding.account_id} {finding.region}]"


def testcase(finding: Finding, rule: Rule | None, name: str | None = None) -> tuple[ET.Element, str]:
    """A test case named after the resource, account and region, classed by rule id."""
    case = ET.Element("testcase", classname=finding.rule_id, name=name or case_name(finding), time="0")
    counter = outcome(case, finding, rule)
    out = ET.SubElement(case, "system-out")
    out.text = (f"status: {finding.status}\nseverity: {finding.severity}\naccount: {finding.account_id}\n"
                f"region: {finding.region}\nresource: {finding.resource_id}\nreason: {finding.reason}\n")
    for node in case.iter():
        node.attrib = {k: clean(v) for k, v in node.attrib.items()}
        node.text = clean(node.text) if node.text else node.text
    return case, counter


def write(evaluation: Evaluation, out: TextIO) -> None:
    """The JUnit XML document, one suite at a time: totals from a first pass, then the suites in order."""
    totals = Counter(kind(f) for f in evaluation.findings)
    tests = sum(totals.values())
    rules = rules_by_id(evaluation)
    timestamp = evaluation.snapshot.collected_at.strftime("%Y-%m-%dT%H:%M:%S")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name="{TOOL_NAME}" tests="{tests}" failures="{totals["failures"]}" '
              f'errors="{totals["errors"]}" skipped="{totals["skipped"]}" time="0"')
    if not tests:
        out.write(" />\n")
        return
    out.write(">\n")
    seen: Counter[tuple[str, str]] = Counter()
    for number, group in groupby(evaluation.findings, key=lambda f: f.section):
        suite = ET.Element("testsuite", name=f"{number}. {SECTIONS.get(number, str(number))}", id=str(number),
                           timestamp=timestamp, hostname=TOOL_NAME, time="0")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for finding in group:
            name = case_name(finding)
            seen[(finding.rule_id, name)] += 1
            if seen[(finding.rule_id, name)] > 1:
                name = f"{name} #{seen[(finding.rule_id, name)]}"
            case, counter = testcase(finding, rules.get(finding.rule_id), name)
            suite.append(case)
            counts["tests"] += 1
            if counter:
                counts[counter] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
        ET.indent(suite, space="  ", level=1)
        out.write("  " + ET.tostring(suite, encoding="unicode").rstrip() + "\n")
    out.write("</testsuites>\n")


def render(evaluation: Evaluation) -> str:
    """The JUnit XML document as one string."""
    out = io.StringIO()
    write(evaluation, out)
    return out.getvalue()
