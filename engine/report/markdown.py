"""Markdown: a summary table, then the findings that need action by severity; sized for a pull-request comment."""

from __future__ import annotations

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report import framework_tables
from sounding.engine.report.summary import snapshot_facts, summarize
from sounding.engine.rules import SEVERITIES, STATUSES

COMMENT_LIMIT = 65_536  # characters GitHub accepts in one comment
SHOWN = ("FAIL", "ERROR")
_TRUNCATED = "\n_…and {hidden} more finding(s) not shown: the report was cut to fit a {limit}-character comment. " \
             "Run `sounding evaluate` with `--format html` or `--format json` for all of them._\n"


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, pipes and angle brackets escaped."""
    flat = " ".join(str(text).split())
    return flat.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str) -> str:
    """Inline code that survives backticks inside the text."""
    flat = " ".join(text.split())
    fence = "``" if "`" in flat else "`"
    return f"{fence} {flat} {fence}" if fence == "``" else f"`{flat}`"


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


def render(evaluation: Evaluation, limit: int = COMMENT_LIMIT) -> str:
    """The Markdown report, cut with a note when it would not fit in `limit` characters."""
    out = header(evaluation) + framework_tables.markdown(evaluation)
    shown = [f for f in evaluation.findings if f.status in SHOWN]
    if not shown:
        return out + "\nNo FAIL or ERROR findings.\n"
    out += f"\n### {len(shown)} finding(s) need action\n"
    blocks: list[tuple[str, list[str]]] = []
    for severity in SEVERITIES:
        rows = [finding_line(f) for f in shown if f.severity == severity]
        if rows:
            heading = (f"\n#### {severity.capitalize()} ({len(rows)})\n\n"
                       "| Status | Rule | Account | Region | Resource | Reason |\n|---|---|---|---|---|---|\n")
            blocks.append((heading, rows))
    written = 0
    reserve = len(_TRUNCATED.format(hidden=len(shown), limit=limit)) + 1
    for heading, rows in blocks:
        if len(out) + len(heading) + reserve > limit:
            break
        out += heading
        for row in rows:
            if len(out) + len(row) + reserve > limit:
                break
            out += row
            written += 1
        else:
            continue
        break
    if written < len(shown):
        out += _TRUNCATED.format(hidden=len(shown) - written, limit=limit)
    return out
