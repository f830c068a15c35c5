"""Table: a summary by section, then every FAIL and ERROR finding, for people at a terminal."""

from __future__ import annotations

from sounding.engine.evaluate import Evaluation
from sounding.engine.report.summary import snapshot_facts, summarize
from sounding.engine.report.text import table
from sounding.engine.rules import STATUSES, severity_rank

SHOWN = ("FAIL", "ERROR")


def render(evaluation: Evaluation) -> str:
    """The human summary: snapshot facts, counts per section, then the findings that need action."""
    facts = snapshot_facts(evaluation.snapshot)
    summary = summarize(evaluation)
    out = [f"Snapshot collected {facts['collected_at']} · {len(facts['accounts'])} account(s) · "
           f"{len(facts['regions'])} region(s) · {facts['gaps']} collection gap(s)\n\n"]
    rows = [[section, *(counts[s] for s in STATUSES)] for section, counts in summary["by_section"].items()]
    rows.append(["Total", *(summary["by_status"][s] for s in STATUSES)])
    out.append(table(["Section", *STATUSES], rows))
    # People read the worst first: FAIL before ERROR, then by severity; ties keep the report's order.
    shown = sorted((f for f in evaluation.findings if f.status in SHOWN),
                   key=lambda f: (SHOWN.index(f.status), -severity_rank(f.severity)))
    if shown:
        out.append(f"\n{len(shown)} finding(s) need action:\n\n")
        out.append(table(["Status", "Severity", "Rule", "Account", "Region", "Resource", "Reason"],
                         [[f.status + (" (waived)" if f.waived else ""), f.severity, f.rule_id,
                           f.account_id, f.region, f.resource_id, f.reason] for f in shown]))
    else:
        out.append("\nNo FAIL or ERROR findings.\n")
    if evaluation.waivers:
        out.append(f"\n{len(evaluation.waivers)} waiver(s):\n\n")
        out.append(table(["Waiver", "Rule", "Account", "Region", "Resource", "Owner", "Expires", "Matches"],
                         [[o.status, o.waiver.rule, o.waiver.account, o.waiver.region, o.waiver.resource,
                           o.waiver.owner, o.waiver.expires.isoformat(), o.matches] for o in evaluation.waivers]))
    return "".join(out)
