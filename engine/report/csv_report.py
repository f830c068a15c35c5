"""CSV: one line per finding, the fields of the check catalog; text quoted so ids stay text."""

from __future__ import annotations

import io
from typing import TextIO

from sounding.engine.evaluate import Evaluation
from sounding.engine.report.rows import write_csv

FIELDS = ("rule_id", "title", "severity", "section", "status", "account_id", "region", "resource_id",
          "reason", "waived", "waiver_reason")


def write(evaluation: Evaluation, out: TextIO) -> None:
    """Every finding as a CSV row after a header line. Every text field is quoted (the section number is
    not), so readers that infer types keep account ids such as 012345678901 as text."""
    rows = ((f.rule_id, f.title, f.severity, f.section, f.status, f.account_id, f.region, f.resource_id,
             f.reason, f.waived, f.waiver_reason) for f in evaluation.findings)
    write_csv(FIELDS, rows, out, spreadsheet_safe=True)


def render(evaluation: Evaluation) -> str:
    """The CSV report as one string."""
    out = io.StringIO()
    write(evaluation, out)
    return out.getvalue()
