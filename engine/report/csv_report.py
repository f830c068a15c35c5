"""CSV: one line per finding, the fields of the check catalog."""

from __future__ import annotations

import csv
import io

from sounding.engine.evaluate import Evaluation

FIELDS = ("rule_id", "title", "severity", "section", "status", "account_id", "region", "resource_id",
          "reason", "waived", "waiver_reason")


def render(evaluation: Evaluation) -> str:
    """Every finding as a CSV row with a header line."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for finding in evaluation.findings:
        row = finding.to_dict()
        row["waived"] = "true" if finding.waived else "false"
        row["waiver_reason"] = finding.waiver_reason
        writer.writerow(row)
    return out.getvalue()
