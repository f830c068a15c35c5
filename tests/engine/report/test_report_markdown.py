"""Markdown: summary table first, action items by severity, and a length that fits a GitHub comment."""

from __future__ import annotations

import copy

from sounding.engine.evaluate import Evaluation
from sounding.engine.report import markdown


def test_summary_then_findings_by_severity(evaluation: Evaluation) -> None:
    """The totals row counts every status; FAIL/ERROR findings follow, critical first, waivers marked."""
    text = markdown.render(evaluation)
    assert "| **Total** | **5** | **5** | **1** | **1** | **1** |" in text
    assert "| 4. CloudTrail | 1 | 2 | 0 | 0 | 1 |" in text
    headings = [line for line in text.splitlines() if line.startswith("#### ")]
    assert headings == ["#### Critical (1)", "#### High (3)", "#### Medium (2)"]
    assert "&lt;AccountMFAEnabled = 0&gt;" in text
    assert "| FAIL (waived) |" in text and "waived: Break-glass user" in text
    assert "PASS |" not in text.split("need action")[1]


def test_cut_to_the_comment_limit(evaluation: Evaluation) -> None:
    """Thousands of findings are cut below 65,536 characters with a note saying how many are missing."""
    big = copy.copy(evaluation)
    big.findings = []
    for i in range(3000):
        for finding in evaluation.findings:
            clone = copy.copy(finding)
            clone.resource_id = f"{finding.resource_id}-{i}"
            big.findings.append(clone)
    text = markdown.render(big)
    assert len(text) <= markdown.COMMENT_LIMIT
    shown = sum(1 for line in text.splitlines() if line.startswith(("| FAIL", "| ERROR")))
    assert f"…and {6 * 3000 - shown} more finding(s) not shown" in text


def test_no_action_needed(evaluation: Evaluation) -> None:
    """Without FAIL or ERROR findings the report says so."""
    calm = copy.copy(evaluation)
    calm.findings = [f for f in evaluation.findings if f.status == "PASS"]
    assert markdown.render(calm).endswith("\nNo FAIL or ERROR findings.\n")
