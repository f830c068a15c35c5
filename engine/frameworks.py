"""Frameworks: the registry in rules/frameworks.toml, the `-- frameworks:` header, and per-control summaries."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

from sounding.engine.errors import InputError


class MappedRule(Protocol):
    """What this module reads of a rule (engine.rules.Rule, which imports this module to check its header)."""

    id: str
    frameworks: tuple[str, ...]


RuleT = TypeVar("RuleT", bound=MappedRule)


class JudgedFinding(Protocol):
    """What this module reads of a finding (engine.findings.Finding)."""

    rule_id: str
    status: str

REGISTRY_FILE = "frameworks.toml"
# A control id: CIS "1.4", FSBP "IAM.6", NIST "IA-2(1)"; no spaces or commas.
_CONTROL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._()/-]*$")
# A control's status is the worst of its findings' statuses, in this order; no finding at all is SKIP.
CONTROL_ORDER = ("FAIL", "ERROR", "MANUAL", "PASS", "SKIP")


@dataclass(frozen=True)
class Framework:
    """One framework version rules map to: id, name, version and where AWS documents it."""

    id: str
    name: str
    version: str
    url: str

    @property
    def title(self) -> str:
        """Name and version, as reports print it."""
        return f"{self.name} v{self.version}"


@dataclass(frozen=True)
class ControlSummary:
    """One control of a framework: the rules that implement it and its findings per status."""

    framework: str
    control: str
    rules: tuple[str, ...]
    counts: dict[str, int]

    @property
    def status(self) -> str:
        """The worst status among the control's findings (SKIP when it has none)."""
        return next((s for s in CONTROL_ORDER if self.counts.get(s)), "SKIP")


def registry_path() -> Path:
    """rules/frameworks.toml of a source checkout, else the one in the installed `sounding.rules` package."""
    source = Path(__file__).resolve().parent.parent / "rules" / REGISTRY_FILE
    if source.is_file():
        return source
    from importlib.resources import files

    return Path(str(files("sounding.rules") / REGISTRY_FILE))


@cache
def registry() -> dict[str, Framework]:
    """Every known framework by id, in the registry's order."""
    path = registry_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(path, f"cannot read the framework registry: {exc}") from None
    frameworks = {}
    for framework_id, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(table.get(k), str) for k in ("name", "version", "url")):
            raise InputError(path, f"[{framework_id}] needs name, version and url strings")
        frameworks[framework_id] = Framework(framework_id, table["name"], table["version"], table["url"])
    return frameworks


def valid_ids() -> str:
    """The known framework ids, comma-separated, for error messages."""
    return ", ".join(registry())


def parse_frameworks(value: str, path: str | Path) -> tuple[str, ...]:
    """A `-- frameworks:` header value as `framework-id:control` entries; a bad entry names the valid ids."""
    known = registry()
    entries: list[str] = []
    for part in re.split(r"[,\n]", value):
        if not part.strip():
            continue
        framework, colon, control = (piece.strip() for piece in part.partition(":"))
        if not colon or not framework or not _CONTROL.match(control):
            raise InputError(path, f"frameworks entry '{part.strip()}' is not framework-id:control "
                                   f"(e.g. cis-5.0:1.4; framework ids: {valid_ids()})")
        if framework not in known:
            raise InputError(path, f"unknown framework '{framework}' in '{part.strip()}' (valid: {valid_ids()})")
        entry = f"{framework}:{control}"
        if entry in entries:
            raise InputError(path, f"frameworks entry '{entry}' appears twice")
        entries.append(entry)
    return tuple(entries)


def split_entry(entry: str) -> tuple[str, str]:
    """A `framework-id:control` entry as its framework id and control."""
    framework, _, control = entry.partition(":")
    return framework, control


def check_ids(ids: Sequence[str]) -> None:
    """Refuse an unknown framework id given on the command line, naming the valid ones."""
    for framework_id in ids:
        if framework_id not in registry():
            raise InputError("--framework", f"unknown framework '{framework_id}' (valid: {valid_ids()})")


def select(rules: Sequence[RuleT], ids: Sequence[str]) -> list[RuleT]:
    """The rules mapped to a control of any of the frameworks; none at all is an error, as a typo would be."""
    check_ids(ids)
    chosen = [r for r in rules if in_frameworks(r, ids)]
    if rules and not chosen:
        raise InputError("--framework", f"no rule maps to a control of {', '.join(ids)}")
    return chosen


def in_frameworks(rule: MappedRule, ids: Sequence[str]) -> bool:
    """Whether the rule maps to a control of any of the frameworks."""
    return any(split_entry(entry)[0] in ids for entry in rule.frameworks)


def control_key(control: str) -> tuple[tuple[int, object], ...]:
    """Natural order for control ids: 1.2 before 1.10, IAM.2 before IAM.10, AC-2 before AC-2(1)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", control) if part)


def rule_status_counts(findings: Iterable[JudgedFinding]) -> dict[str, dict[str, int]]:
    """Findings per rule and status, from one pass over the findings."""
    per_rule: dict[str, dict[str, int]] = {}
    for finding in findings:
        counts = per_rule.setdefault(finding.rule_id, {})
        counts[finding.status] = counts.get(finding.status, 0) + 1
    return per_rule


def control_summaries(rules: Iterable[MappedRule],
                      per_rule: dict[str, dict[str, int]]) -> dict[str, list[ControlSummary]]:
    """Per framework (registry order, only those the rules map to): each control's rules and status counts."""
    controls: dict[tuple[str, str], list[str]] = {}
    for rule in rules:
        for entry in rule.frameworks:
            controls.setdefault(split_entry(entry), []).append(rule.id)
    order = list(registry())
    out: dict[str, list[ControlSummary]] = {}
    for (framework, control), rule_ids in sorted(controls.items(), key=lambda item: (
            order.index(item[0][0]) if item[0][0] in order else len(order), item[0][0], control_key(item[0][1]))):
        counts = {s: sum(per_rule.get(r, {}).get(s, 0) for r in rule_ids) for s in CONTROL_ORDER}
        out.setdefault(framework, []).append(ControlSummary(framework, control, tuple(sorted(rule_ids)), counts))
    return out


def status_totals(controls: Sequence[ControlSummary]) -> dict[str, int]:
    """How many of the controls have each status."""
    return {s: sum(1 for c in controls if c.status == s) for s in CONTROL_ORDER}
