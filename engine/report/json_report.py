"""JSON: the snapshot's facts, a summary, rule metadata, and every finding."""

from __future__ import annotations

import json
from typing import Any

from sounding.engine.evaluate import Evaluation
from sounding.engine.report.summary import snapshot_facts, summarize
from sounding.engine.rules import Rule


def rule_metadata(rule: Rule) -> dict[str, Any]:
    """The header facts of a rule, as reports carry them."""
    return {"title": rule.title, "severity": rule.severity, "section": rule.section,
            "section_name": rule.section_name, "description": rule.description,
            "remediation": rule.remediation, "references": list(rule.references),
            "frameworks": list(rule.frameworks)}


def document(evaluation: Evaluation) -> dict[str, Any]:
    """The report as one JSON-ready object."""
    return {
        "snapshot": snapshot_facts(evaluation.snapshot),
        "summary": summarize(evaluation),
        "rules": {r.id: rule_metadata(r) for r in sorted(evaluation.rules, key=lambda r: r.id)},
        "findings": [f.to_dict() for f in evaluation.findings],
        **({"waivers": [o.to_dict() for o in evaluation.waivers]} if evaluation.waivers is not None else {}),
    }


def render(evaluation: Evaluation) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, newline at the end."""
    return json.dumps(document(evaluation), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
