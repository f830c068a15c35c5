"""Per-framework control summaries as Markdown: one line per framework, its failing controls named."""

from __future__ import annotations

from sounding.engine.evaluate import Evaluation
from sounding.engine.frameworks import CONTROL_ORDER, control_summaries, registry, rule_status_counts, status_totals

NAMED_CONTROLS = 20  # failing controls named per framework before "…and N more"


def markdown(evaluation: Evaluation) -> str:
    """A table of each framework's controls by status (worst status of their rules' findings); '' when unmapped."""
    summaries = control_summaries(evaluation.rules, rule_status_counts(evaluation.findings))
    if not summaries:
        return ""
    known = registry()
    lines = ["", "Framework controls, each counted under the worst status of its rules' findings:", "",
             "| Framework | Controls | " + " | ".join(CONTROL_ORDER) + " | Failing controls |",
             "|---|---:|" + "---:|" * len(CONTROL_ORDER) + "---|"]
    for framework, controls in summaries.items():
        totals = status_totals(controls)
        failing = [c.control for c in controls if c.status == "FAIL"]
        named = ", ".join(failing[:NAMED_CONTROLS]) + (f" …and {len(failing) - NAMED_CONTROLS} more"
                                                      if len(failing) > NAMED_CONTROLS else "")
        title = known[framework].title if framework in known else framework
        lines.append(f"| {title} | {len(controls)} | " + " | ".join(str(totals[s]) for s in CONTROL_ORDER)
                     + f" | {named or '—'} |")
    return "\n".join(lines) + "\n"
