"""JUnit XML: one suite per section, one case per finding, counters that match the cases."""

from __future__ import annotations

import dataclasses
import io
import xml.etree.ElementTree as ET

from sounding.engine.evaluate import Evaluation
from sounding.engine.report import junit

from tests.engine.report.streams import streamed


def test_structure_and_counts(evaluation: Evaluation) -> None:
    """Suites per section; failure/error/skipped children match every counter, in each suite and in total."""
    root = ET.fromstring(junit.render(evaluation))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["1. Root user", "4. CloudTrail", "8. Identity Center and IAM users",
                                               "10. Regions", "13. Third-party access"]
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        for tag, counter in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            assert int(suite.get(counter)) == sum(1 for c in cases if c.find(tag) is not None)
        assert suite.get("timestamp") == "2026-03-01T12:00:00"
    for counter in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(counter)) == sum(int(s.get(counter)) for s in suites)
    assert [root.get(c) for c in ("tests", "failures", "errors", "skipped")] == ["13", "4", "1", "3"]


def test_cases_name_rule_and_resource(evaluation: Evaluation) -> None:
    """classname is the rule id, name the resource, account and region; a waived FAIL is skipped with the
    waiver as message."""
    root = ET.fromstring(junit.render(evaluation))
    cases = root.iter("testcase")
    by_resource = {c.get("name"): c for c in cases if c.get("classname") == "report_user_mfa"}
    bob = by_resource["arn:aws:iam::111111111111:user/bob [111111111111 global]"]
    assert bob.find("failure").get("message") == "User bob signs in with a password and no MFA."
    assert bob.find("failure").get("type") == "medium"
    carol = by_resource["arn:aws:iam::222222222222:user/carol [222222222222 global]"]
    assert carol.find("failure") is None
    assert carol.find("skipped").get("message").startswith("waived: Break-glass user")


def test_control_characters_do_not_break_the_xml(evaluation: Evaluation) -> None:
    """A reason with characters XML cannot hold still gives a well-formed document."""
    finding = evaluation.findings[0]
    odd = type(finding)(**{**finding.__dict__, "status": "FAIL", "reason": "bad\x00byte\x1b"})
    case, counter = junit.testcase(odd, None)
    assert counter == "failures"
    assert ET.fromstring(ET.tostring(case)).find("failure").get("message") == "bad\ufffdbyte\ufffd"


def test_case_names_are_unique_per_rule(evaluation: Evaluation) -> None:
    """Findings of one rule for the same resource in two regions or accounts, or even twice, never share a
    (classname, name) pair: CI viewers (GitLab, Jenkins) merge cases that do."""
    finding = evaluation.findings[0]
    twins = [type(finding)(**{**finding.__dict__, "resource_id": "shared", "account_id": account, "region": region})
             for account, region in (("111111111111", "eu-west-1"), ("111111111111", "us-east-1"),
                                     ("222222222222", "eu-west-1"), ("222222222222", "eu-west-1"))]
    root = ET.fromstring(junit.render(dataclasses.replace(evaluation, findings=twins)))
    names = [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]
    assert [n for _, n in names] == ["shared [111111111111 eu-west-1]", "shared [111111111111 us-east-1]",
                                     "shared [222222222222 eu-west-1]", "shared [222222222222 eu-west-1] #2"]
    assert root.get("tests") == "4"


def test_writes_incrementally_from_an_iterable(evaluation: Evaluation) -> None:
    """write() only iterates the findings (a re-iterable stream, not a list) and gives the same text."""
    expected = junit.render(evaluation)
    out = io.StringIO()
    junit.write(streamed(evaluation), out)
    assert out.getvalue() == expected
