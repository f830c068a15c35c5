"""The JSON report is streamed finding by finding, with the bytes of one json.dumps of the whole document."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report import json_report
from sounding.engine.report.summary import snapshot_facts, summarize

from tests.engine.report.report_fixture import build_evaluation

DETAILS = [
    {},
    {"n": 1, "f": 2.5, "big": 10**30, "nan": math.nan, "inf": -math.inf, "t": True, "none": None},
    {"nested": {"b": [1, {"z": "é\u202e\x1b"}], "a": []}, "empty": {}, "list": ["x", None, False]},
    {"quote": 'a"b\\c\n\t', "unicode": "日本語 \u2028 \ud800"},
]


class OneShot:
    """Findings that may be iterated once, no more: the writer must make one pass."""

    def __init__(self, findings: list[Finding]) -> None:
        self._findings, self.used = findings, False

    def __iter__(self):
        assert not self.used, "the JSON writer iterated the findings twice"
        self.used = True
        return iter(self._findings)


def reference(evaluation: Evaluation, findings: list[Finding]) -> str:
    """What the report was before it streamed: one json.dumps of the document."""
    listed = Evaluation(evaluation.snapshot, evaluation.rules, findings, evaluation.waivers)
    document: dict[str, Any] = {
        "snapshot": snapshot_facts(evaluation.snapshot), "summary": summarize(listed),
        "rules": {r.id: json_report.rule_metadata(r) for r in sorted(evaluation.rules, key=lambda r: r.id)},
        "findings": [f.to_dict() for f in findings],
    }
    if evaluation.waivers is not None:
        document["waivers"] = [o.to_dict() for o in evaluation.waivers]
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_streamed_bytes_equal_one_json_dumps_in_one_pass(tmp_path: Path) -> None:
    evaluation = build_evaluation(tmp_path)
    findings = list(evaluation.findings)
    for number, finding in enumerate(findings):
        finding.details = DETAILS[number % len(DETAILS)]
    for waivers in (None, evaluation.waivers):
        evaluation.waivers = waivers
        evaluation.findings = OneShot(findings)
        out = io.StringIO()
        json_report.write(evaluation, out)
        assert out.getvalue() == reference(evaluation, findings)


def test_no_findings_is_an_empty_list(tmp_path: Path) -> None:
    evaluation = build_evaluation(tmp_path)
    evaluation.findings = []
    assert json_report.render(evaluation) == reference(evaluation, [])
