"""Markdown: a summary table, then the findings that need action by severity; sized for a pull-request comment."""

from __future__ import annotations

import io
from typing import TextIO

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report import framework_tables
from sounding.engine.report.summary import snapshot_facts, summarize
from sounding.engine.report.text import markdown_code, markdown_data
from sounding.engine.rules import SEVERITIES, STATUSES

COMMENT_LIMIT = 65_536  # characters GitHub accepts in one comment
SHOWN = ("FAIL", "ERROR")
_TRUNCATED = "\n_…and {hidden} more finding(s) not shown: the report was cut to fit a {limit}-character comment. " \
             "Run `sounding evaluate` with `--format html` or `--format json` for all of them._\n"


def cell(text: object) -> str:
    """Text that stays data in a Markdown table cell (see report.text.markdown_data)."""
    return markdown_data(text)


def code(text: object) -> str:
    """Inline code that survives backticks and pipes inside the text (see report.text.markdown_code)."""
    return markdown_code(text)


def header(evaluation: Evaluation) -> str:
    """Title, snapshot facts and the summary table by section and status."""
    facts = snapshot_facts(evaluation.snapshot)
    summary = summarize(evaluation)
    by_status = summary["by_status"]
    lines = ["## Sounding report", "",
             f"Snapshot collected **{facts['collected_at']}** · {len(facts['accounts'])} account(s) · "
             f"{len(facts['regions'])} region(s) · {facts['gaps']} collection gap(s) · {summary['rules']} rule(s)",
             "",
             " · ".join(f"**{by_status[s]}** {s}" for s in STATUSES) +
             (f" · {summary['waived']} waived" if summary["waived"] else ""),
             "",
             "| Section | " + " | ".join(STATUSES) + " |",
             "|---|" + "---:|" * len(STATUSES)]
    for section, counts in summary["by_section"].items():
        lines.append(f"| {cell(section)} | " + " | ".join(str(counts[s]) for s in STATUSES) + " |")
    lines.append("| **Total** | " + " | ".join(f"**{by_status[s]}**" for s in STATUSES) + " |")
    return "\n".join(lines) + "\n"


def finding_line(finding: Finding) -> str:
    """One finding as a table row."""
    status = finding.status + (" (waived)" if finding.waived else "")
    reason = finding.reason + (f" — waived: {finding.waiver_reason}" if finding.waived else "")
    return (f"| {status} | {cell(finding.title)} ({code(finding.rule_id)}) | {code(finding.account_id)} | "
            f"{cell(finding.region)} | {code(finding.resource_id)} | {cell(reason)} |\n")


def write(evaluation: Evaluation, out: TextIO, limit: int = COMMENT_LIMIT) -> None:
    """The Markdown report, cut with a note when it would not fit in `limit` characters."""
    head = header(evaluation) + framework_tables.markdown(evaluation)
    out.write(head)
    written_chars = len(head)
    # Rows are kept only while they could still fit: a million findings never become a million lines here.
    by_severity: dict[str, list[str]] = {s: [] for s in SEVERITIES}
    counts = dict.fromkeys(SEVERITIES, 0)
    kept = dict.fromkeys(SEVERITIES, 0)
    total = 0
    for finding in evaluation.findings:
        if finding.status in SHOWN and finding.severity in counts:
            total += 1
            counts[finding.severity] += 1
            if kept[finding.severity] < limit:
                line = finding_line(finding)
                by_severity[finding.severity].append(line)
                kept[finding.severity] += len(line)
    if not total:
        out.write("\nNo FAIL or ERROR findings.\n")
        return
    intro = f"\n### {total} finding(s) need action\n"
    out.write(intro)
    written_chars += len(intro)
    reserve = len(_TRUNCATED.format(hidden=total, limit=limit)) + 1
    written = 0
    full = False
    for severity, rows in by_severity.items():
        if not counts[severity] or full:
            continue
        heading = (f"\n#### {severity.capitalize()} ({counts[severity]})\n\n"
                   "| Status | Rule | Account | Region | Resource | Reason |\n|---|---|---|---|---|---|\n")
        if written_chars + len(heading) + reserve > limit:
            break
        out.write(heading)
        written_chars += len(heading)
        for row in rows:
            if written_chars + len(row) + reserve > limit:
                full = True
                break
            out.write(row)
            written_chars += len(row)
            written += 1
    if written < total:
        out.write(_TRUNCATED.format(hidden=total - written, limit=limit))


def render(evaluation: Evaluation, limit: int = COMMENT_LIMIT) -> str:
    """The Markdown report as one string."""
    out = io.StringIO()
    write(evaluation, out, limit)
    return out.getvalue()
