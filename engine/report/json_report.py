"""JSON: the snapshot's facts, a summary, rule metadata, and every finding, written as it streams."""

from __future__ import annotations

import io
import json
from json.encoder import py_encode_basestring as _py_encode
from typing import Any, TextIO

from sounding.engine.evaluate import Evaluation
from sounding.engine.report.summary import Tally, snapshot_facts
from sounding.engine.rules import Rule

try:  # the C implementation json.dumps uses for strings when ensure_ascii=False
    from _json import encode_basestring
except ImportError:  # pragma: no cover - a Python without the C accelerator
    encode_basestring = _py_encode


def rule_metadata(rule: Rule) -> dict[str, Any]:
    """The header facts of a rule, as reports carry them."""
    return {"title": rule.title, "severity": rule.severity, "section": rule.section,
            "section_name": rule.section_name, "description": rule.description,
            "remediation": rule.remediation, "references": list(rule.references),
            "frameworks": list(rule.frameworks)}


def _dumps(value: Any, depth: int) -> str:
    """A value as json.dumps(indent=2, sort_keys=True) writes it nested `depth` levels deep."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * depth)


def _scalar(value: Any) -> str | None:
    """A JSON scalar as json.dumps writes it (C string escaping), or None for a non-empty container."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float) or value in ({}, []):
        return json.dumps(value)
    return None


def _finding_text(data: dict[str, Any]) -> str:
    """One finding at depth 2, byte for byte as json.dumps(indent=2, sort_keys=True, ensure_ascii=False)
    nests it, without the pure-Python pretty-printer for its flat members."""
    lines = []
    for key in sorted(data):
        value = data[key]
        text = _scalar(value)
        lines.append(f"      {encode_basestring(key)}: {text if text is not None else _dumps(value, 3)}")
    return "{\n" + ",\n".join(lines) + "\n    }"


def write(evaluation: Evaluation, out: TextIO) -> None:
    """Deterministic JSON: sorted keys, two-space indent, a final newline; the same bytes as one json.dumps.

    Findings are written one at a time, counted for the summary in the same pass.
    """
    tally = Tally()
    out.write('{\n  "findings": ')
    first = True
    for finding in evaluation.findings:
        tally.add(finding)
        out.write("[\n    " if first else ",\n    ")
        out.write(_finding_text(finding.to_dict()))
        first = False
    out.write("[]" if first else "\n  ]")
    rest: dict[str, Any] = {
        "rules": {r.id: rule_metadata(r) for r in sorted(evaluation.rules, key=lambda r: r.id)},
        "snapshot": snapshot_facts(evaluation.snapshot),
        "summary": tally.summary(len(evaluation.rules)),
    }
    if evaluation.waivers is not None:
        rest["waivers"] = [o.to_dict() for o in evaluation.waivers]
    for key in sorted(rest):
        out.write(f",\n  {json.dumps(key)}: {_dumps(rest[key], 1)}")
    out.write("\n}\n")


def render(evaluation: Evaluation) -> str:
    """The report as one string (tests and small outputs)."""
    buffer = io.StringIO()
    write(evaluation, buffer)
    return buffer.getvalue()
