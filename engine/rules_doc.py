"""Renders docs/rules.md from the rule headers, so the rule reference never drifts from the rules."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sounding.engine.report.text import markdown_cell
from sounding.engine.rules import SECTIONS, Rule, builtin_rules_dir

CIS_CONTROLS_FILE = "cis_controls.toml"
# Framework id -> the heading its table gets in docs/rules.md.
CIS_VERSIONS = {"cis-5.0": "CIS v5.0.0", "cis-3.0": "CIS v3.0.0"}

HEADER = """# Built-in rules

Generated from the rule headers by `python -m sounding.engine.rules_doc > docs/rules.md`; a test fails
when this file is stale. Each rule is one SQL file under `rules/<section>/<rule_id>.sql`.
Statuses: PASS, FAIL, MANUAL (a person must confirm), SKIP (not applicable), ERROR (data
missing or rule failed; never a pass).
"""




def load_cis_controls(path: Path | None = None) -> dict[str, list[dict[str, str]]]:
    """The CIS controls per framework id (cis-5.0, cis-3.0): id, title, assessment (automated or manual)."""
    with open(path or builtin_rules_dir() / CIS_CONTROLS_FILE, "rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    return {framework: list(data[framework]["controls"]) for framework in CIS_VERSIONS}


def rules_by_control(rules: Sequence[Rule], framework: str) -> dict[str, list[str]]:
    """Rule ids per control id of one framework, read from the rules' `frameworks` headers."""
    mapped: dict[str, list[str]] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        for entry in rule.frameworks:
            name, _, control = entry.partition(":")
            if name.strip() == framework and control.strip():
                mapped.setdefault(control.strip(), []).append(rule.id)
    return mapped


def cis_tables(rules: Sequence[Rule], controls: dict[str, list[dict[str, str]]]) -> str:
    """One table per CIS version: every control, its assessment status and the rules that implement it."""
    out = []
    for framework, heading in CIS_VERSIONS.items():
        mapped = rules_by_control(rules, framework)
        out.append(f"\n## {heading} control → rule id(s)\n\nFramework id `{framework}` (`--framework {framework}`). "
                   "Automated controls all have a rule; manual ones are listed with the rules that help a person "
                   "decide, if any.\n\n| control | assessment | title | rule id(s) |\n|---|---|---|---|\n")
        for control in controls[framework]:
            ids = mapped.get(control["id"], [])
            cell = ", ".join(f"[`{rule_id}`](#{rule_id})" for rule_id in ids) if ids else "—"
            out.append(f"| {control['id']} | {control['assessment']} | {markdown_cell(control['title'])} | {cell} |\n")
    return "".join(out)


def render(rules: Sequence[Rule], controls: dict[str, list[dict[str, str]]] | None = None) -> str:
    """The Markdown reference: a summary table, the CIS control tables, then every rule in full by section."""
    out = [HEADER]
    ordered = sorted(rules, key=lambda r: (r.section, r.id))
    out.append(f"\n{len(ordered)} rules.\n\n| rule id | severity | section | title | frameworks |\n"
               "|---|---|---|---|---|\n")
    for rule in ordered:
        out.append(f"| [`{rule.id}`](#{rule.id}) | {rule.severity} | {rule.section} | {markdown_cell(rule.title)} | "
                   f"{markdown_cell(', '.join(rule.frameworks))} |\n")
    out.append(cis_tables(rules, controls if controls is not None else load_cis_controls()))
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
