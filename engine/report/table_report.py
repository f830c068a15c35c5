"""Table: a summary by section, then the findings that need action, for people at a terminal."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TextIO

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report.summary import snapshot_facts, summarize
from sounding.engine.report.text import table
from sounding.engine.rules import STATUSES, severity_rank

SHOWN = ("FAIL", "ERROR")
FINDING_HEADERS = ("Status", "Severity", "Rule", "Account", "Region", "Resource", "Reason")
GLOBAL_REGIONS = frozenset(("global", ""))


def write(evaluation: Evaluation, out: TextIO, *, shown: Sequence[str] = SHOWN, wide: bool = False,
          colour: bool = False) -> None:
    """The human summary: snapshot facts, counts per section, then the findings whose status is in `shown`.

    SKIP findings of regions the snapshot did not collect are one line per account, not one per rule and
    region (the JSON report keeps every one). `wide` shows cells in full; `colour` paints status and severity.
    """
    width = None if wide else 80
    facts = snapshot_facts(evaluation.snapshot)
    summary = summarize(evaluation)
    out.write(f"Snapshot collected {facts['collected_at']} · {len(facts['accounts'])} account(s) · "
              f"{len(facts['regions'])} region(s) · {facts['gaps']} collection gap(s)\n\n")
    rows = [[section, *(counts[s] for s in STATUSES)] for section, counts in summary["by_section"].items()]
    rows.append(["Total", *(summary["by_status"][s] for s in STATUSES)])
    out.write(table(["Section", *STATUSES], rows, max_width=width))
    collected = frozenset(facts["regions"])
    listed, uncollected = _split(evaluation.findings, shown, collected)
    # People read the worst first: in the order of `shown`, then by severity; ties keep the report's order.
    listed.sort(key=lambda f: (shown.index(f.status), -severity_rank(f.severity)))
    lines = [_row(f) for f in listed] + _collapsed(uncollected)
    if lines:
        count = len(listed) + sum(len(v) for v in uncollected.values())
        heading = "need action" if tuple(shown) == SHOWN else f"with status {', '.join(shown)}"
        out.write(f"\n{count} finding(s) {heading}:\n\n")
        out.write(table(FINDING_HEADERS, lines, max_width=width, colour=colour))
    else:
        out.write("\nNo FAIL or ERROR findings.\n" if tuple(shown) == SHOWN
                  else f"\nNo findings with status {', '.join(shown)}.\n")
    if evaluation.waivers:
        out.write(f"\n{len(evaluation.waivers)} waiver(s):\n\n")
        out.write(table(["Waiver", "Rule", "Account", "Region", "Resource", "Owner", "Expires", "Matches"],
                        [[o.status, o.waiver.rule, o.waiver.account, o.waiver.region, o.waiver.resource,
                          o.waiver.owner, o.waiver.expires.isoformat(), o.matches] for o in evaluation.waivers],
                        max_width=width))


def render(evaluation: Evaluation, **options: object) -> str:
    """The table report as one string (for tests and callers that want text)."""
    out = io.StringIO()
    write(evaluation, out, **options)  # type: ignore[arg-type]
    return out.getvalue()


def _split(findings: Iterable[Finding], shown: Sequence[str],
           collected: frozenset[str]) -> tuple[list[Finding], dict[str, list[Finding]]]:
    """The findings to list one by one, and the SKIPs of uncollected regions by account."""
    listed: list[Finding] = []
    uncollected: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.status not in shown:
            continue
        if finding.status == "SKIP" and finding.region not in collected and finding.region not in GLOBAL_REGIONS:
            uncollected[finding.account_id].append(finding)
        else:
            listed.append(finding)
    return listed, uncollected


def _row(finding: Finding) -> list[str]:
    """One finding as a table row."""
    return [finding.status + (" (waived)" if finding.waived else ""), finding.severity, finding.rule_id,
            finding.account_id, finding.region, finding.resource_id, finding.reason]


def _collapsed(uncollected: dict[str, list[Finding]]) -> list[list[str]]:
    """One SKIP row per account for the regions that were not collected."""
    rows = []
    for account in sorted(uncollected):
        findings = uncollected[account]
        regions = sorted({f.region for f in findings})
        rules = len({f.rule_id for f in findings})
        rows.append(["SKIP", "-", f"({rules} rule(s))", account, f"({len(regions)} region(s))", "-",
                     f"{len(findings)} finding(s) in regions not collected in this snapshot: {', '.join(regions)}"])
    return rows
