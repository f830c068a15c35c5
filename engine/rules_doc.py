"""Renders docs/rules.md from the rule headers, so the rule reference never drifts from the rules."""

from __future__ import annotations

from collections.abc import Sequence

from sounding.engine.report.text import markdown_cell
from sounding.engine.rules import SECTIONS, Rule

HEADER = """# Built-in rules

Generated from the rule headers by `python -m sounding.engine.rules_doc > docs/rules.md`; a test fails
when this file is stale. Each rule is one SQL file under `rules/<section>/<rule_id>.sql`.
Statuses: PASS, FAIL, MANUAL (a person must confirm), SKIP (not applicable), ERROR (data
missing or rule failed; never a pass).
"""




def render(rules: Sequence[Rule]) -> str:
    """The Markdown reference: a summary table per section, then every rule in full."""
    out = [HEADER]
    ordered = sorted(rules, key=lambda r: (r.section, r.id))
    out.append(f"\n{len(ordered)} rules.\n\n| rule id | severity | section | title | frameworks |\n"
               "|---|---|---|---|---|\n")
    for rule in ordered:
        out.append(f"| [`{rule.id}`](#{rule.id}) | {rule.severity} | {rule.section} | {markdown_cell(rule.title)} | "
                   f"{markdown_cell(', '.join(rule.frameworks))} |\n")
    section = None
    for rule in ordered:
        if rule.section != section:
            section = rule.section
            out.append(f"\n## {section}. {SECTIONS.get(section, '')}\n")
        out.append(f"\n### {rule.id}\n\n**{markdown_cell(rule.title)}** — severity **{rule.severity}**"
                   f"{', scope ' + rule.scope if rule.scope else ''}"
                   f"{'; ' + ', '.join(rule.frameworks) if rule.frameworks else ''}.\n\n")
        out.append(f"{rule.description.strip()}\n\n**Remediation.** {rule.remediation.strip()}\n")
        if rule.references:
            out.append("\nReferences: " + ", ".join(f"<{ref}>" for ref in rule.references) + "\n")
    return "".join(out)


def main() -> None:
    """Print the reference for the built-in pack."""
    from sounding.engine.rules import builtin_rules_dir, load_rules

    print(render(load_rules([builtin_rules_dir()])), end="")


if __name__ == "__main__":
    main()
