"""Every new format against its golden file, byte for byte; output is the same on every run."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sounding.engine.commands.evaluate import evaluate as evaluate_command
from sounding.engine.evaluate import Evaluation
from sounding.engine.report import FORMATS

from tests.engine.report.report_fixture import GOLDEN_DIR, build_evaluation

GOLDEN_FORMATS = {"markdown": "md", "html": "html", "sarif": "sarif", "junit": "xml", "ocsf": "ocsf.json",
                  "asff": "asff.json"}
UPDATE = os.environ.get("SOUNDING_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("name", sorted(GOLDEN_FORMATS))
def test_matches_golden(evaluation: Evaluation, name: str) -> None:
    """The fixed snapshot renders exactly as the golden file (SOUNDING_UPDATE_GOLDEN=1 rewrites it)."""
    golden = GOLDEN_DIR / f"report.{GOLDEN_FORMATS[name]}"
    text = FORMATS[name](evaluation)
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(GOLDEN_FORMATS))
def test_deterministic_across_snapshot_copies(evaluation: Evaluation, tmp_path: Path, name: str) -> None:
    """The same rows written again to another directory and rendered twice give identical bytes."""
    again = build_evaluation(tmp_path)
    assert FORMATS[name](again) == FORMATS[name](again) == FORMATS[name](evaluation)


def test_every_format_is_documented_and_offered_by_evaluate() -> None:
    """docs/reports.md lists exactly FORMATS, and `evaluate --format` offers exactly FORMATS."""
    doc = (Path(__file__).resolve().parents[3] / "docs" / "reports.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z]+)` \|", doc, flags=re.MULTILINE)
    assert documented == list(FORMATS)
    option = next(p for p in evaluate_command.params if p.name == "output_format")
    assert tuple(option.type.choices) == tuple(FORMATS)
