"""Rule test cases as data: given rows per table, expected findings; run through the real engine."""

from __future__ import annotations

import difflib
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sounding.collector.contract import ContractError, parse_nested
from sounding.collector.synthetic import DEFAULT_REGIONS, ScenarioError, build_snapshot
from sounding.collector.tables import TABLES_BY_NAME
from sounding.engine.errors import InputError
from sounding.engine.evaluate import evaluate, tables_read
from sounding.engine.findings import Finding
from sounding.engine.rules import STATUSES, Rule
from sounding.engine.snapshot import open_snapshot
from sounding.engine.sql_policy import RuleRefused, check_sql

CASE_SUFFIX = ".test.toml"
COMPARED = ("status", "account_id", "region", "resource_id")
OPTIONAL_COMPARED = ("reason", "reason_contains")
_CASE_KEYS = {"name", "rows", "expect", "gaps", "accounts", "regions", "collected_at", "tables"}


@dataclass
class Case:
    """One scenario for one rule: the snapshot it builds and the findings it expects."""

    name: str
    rows: dict[str, list[dict[str, Any]]]
    expect: list[dict[str, str]]
    gaps: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[Any] | None = None
    regions: list[str] = field(default_factory=lambda: list(DEFAULT_REGIONS))
    collected_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    tables: list[str] | None = None


@dataclass
class CaseResult:
    """Whether a case passed, and if not, a diff of expected and actual findings."""

    rule_id: str
    case: str
    passed: bool
    diff: str = ""


def case_path(rule_path: Path) -> Path:
    """The case file that sits beside a rule file."""
    return rule_path.with_name(rule_path.stem + CASE_SUFFIX)


def load_cases(path: Path) -> list[Case]:
    """Parse a case file; defects are InputErrors naming the file (and the case)."""
    try:
        data = parse_nested(tomllib.loads, path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"invalid TOML: {exc}") from None
    except ContractError as exc:
        raise InputError(path, str(exc)) from None
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    defaults = data.get("defaults", {})
    raw_cases = data.get("case")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise InputError(path, "no [[case]] entries")
    if not isinstance(defaults, dict) or not all(isinstance(c, dict) for c in raw_cases):
        raise InputError(path, "[defaults] must be a table and each [[case]] an array of tables entry")
    cases = []
    for number, raw in enumerate(raw_cases, start=1):
        merged = {**defaults, **raw}
        label = f"case {number} ({merged.get('name', 'unnamed')})"
        unknown = sorted(set(merged) - _CASE_KEYS)
        if unknown:
            raise InputError(path, f"{label}: unknown key '{unknown[0]}'")
        if not merged.get("name"):
            raise InputError(path, f"case {number}: needs a name")
        expect = merged.get("expect", [])
        for item in expect:
            bad = sorted(set(item) - set(COMPARED) - set(OPTIONAL_COMPARED))
            if bad:
                raise InputError(path, f"{label}: expected finding has unknown key '{bad[0]}'")
            if item.get("status") not in STATUSES:
                raise InputError(path, f"{label}: expected status {item.get('status')!r} is not one of "
                                       f"{', '.join(STATUSES)}")
        collected = merged.get("collected_at", datetime(2026, 1, 1, tzinfo=UTC))
        if not isinstance(collected, datetime) or collected.tzinfo is None:
            raise InputError(path, f"{label}: collected_at must be a TOML date-time with a zone (…Z)")
        cases.append(Case(name=merged["name"], rows=merged.get("rows", {}), expect=expect,
                          gaps=merged.get("gaps", []), accounts=merged.get("accounts"),
                          regions=merged.get("regions", list(DEFAULT_REGIONS)), collected_at=collected,
                          tables=merged.get("tables")))
    return cases


def run_case(rule: Rule, case: Case, path: Path, workdir: Path) -> CaseResult:
    """Build the case's snapshot, evaluate the rule, compare with the expected findings."""
    out = workdir / "snapshot"
    try:
        build_snapshot(out, case.rows, accounts=case.accounts, regions=case.regions,
                       collected_at=case.collected_at, gaps=case.gaps,
                       tables=case.tables if case.tables is not None else _tables_read(rule, case))
    except ScenarioError as exc:
        raise InputError(path, f"case '{case.name}': {exc}") from None
    findings = evaluate(open_snapshot(out), [rule]).findings
    expected_lines = sorted(_line(e, e) for e in case.expect)
    actual_lines = sorted(_line(f.to_dict(), _pick(case.expect, f)) for f in findings)
    if expected_lines == actual_lines:
        return CaseResult(rule.id, case.name, True)
    diff = "\n".join(difflib.unified_diff(expected_lines, actual_lines, "expected", "actual", lineterm=""))
    return CaseResult(rule.id, case.name, False, diff)


def _tables_read(rule: Rule, case: Case) -> list[str]:
    """Only the declared tables the rule reads (and the regions table): smaller, faster snapshots."""
    try:
        checked = check_sql(rule.sql)
        read = tables_read(checked.tables | checked.functions)
    except RuleRefused:
        read = frozenset()
    wanted = set(read) | set(case.rows) | {"regions"} | {g["table"] for g in case.gaps}
    return sorted(name for name in TABLES_BY_NAME if name in wanted)


def _pick(expect: list[dict[str, str]], finding: Finding) -> dict[str, str]:
    """The expectation matching a finding's key, so the same optional fields are compared."""
    for item in expect:
        if all(item.get(k) == getattr(finding, k) for k in COMPARED):
            return item
    # Same resource, other status: compare the same reason fields, so the diff shows only what differs.
    for item in expect:
        if all(item.get(k) == getattr(finding, k) for k in COMPARED if k != "status"):
            return item
    return {}


def _line(values: dict[str, Any], template: dict[str, str]) -> str:
    """One comparable line: the compared fields, plus reason checks the expectation asks for."""
    parts = [f"{k}={values.get(k, '')}" for k in COMPARED]
    if "reason" in template:
        parts.append(f"reason={values.get('reason', '')}")
    if "reason_contains" in template:
        needle = template["reason_contains"]
        reason = values.get("reason", values.get("reason_contains", ""))
        parts.append(f"reason~{needle if needle in reason else reason}")
    return " ".join(parts)


def run_case_file(rule: Rule, path: Path | None = None) -> list[CaseResult]:
    """Every case of a rule's case file, each in its own temporary snapshot."""
    path = path or case_path(rule.path)
    if not path.is_file():
        raise InputError(path, f"no case file for rule {rule.id}")
    results = []
    for case in load_cases(path):
        with tempfile.TemporaryDirectory(prefix="sounding-case-") as tmp:
            results.append(run_case(rule, case, path, Path(tmp)))
    return results
