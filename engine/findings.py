"""Findings: what a rule says about one resource, and the deterministic order they are reported in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sounding.engine.rules import STATUSES, Rule, severity_rank

REQUIRED_COLUMNS = ("status", "resource_id", "account_id", "region", "reason")
STATUS_ORDER = {s: i for i, s in enumerate(("FAIL", "ERROR", "MANUAL", "PASS", "SKIP"))}
assert set(STATUS_ORDER) == set(STATUSES)


@dataclass
class Finding:
    """One row of a rule's output, with the rule's metadata added by the engine."""

    rule_id: str
    title: str
    severity: str
    section: int
    status: str
    account_id: str
    region: str
    resource_id: str
    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    waived: bool = False
    waiver_reason: str = ""

    @classmethod
    def for_rule(cls, rule: Rule, *, status: str, account_id: str, region: str, resource_id: str,
                 reason: str, details: dict[str, Any] | None = None) -> Finding:
        """A finding of `rule` with its metadata filled in."""
        return cls(rule_id=rule.id, title=rule.title, severity=rule.severity, section=rule.section,
                   status=status, account_id=account_id, region=region, resource_id=resource_id,
                   reason=reason, details=details or {})

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What identifies a finding across snapshots: rule, account, region, resource."""
        return (self.rule_id, self.account_id, self.region, self.resource_id)

    def sort_key(self) -> tuple[Any, ...]:
        """Section, rule, account, region, resource, then status and reason: a total order."""
        return (self.section, self.rule_id, self.account_id, self.region, self.resource_id,
                STATUS_ORDER.get(self.status, 9), self.reason)

    def to_dict(self) -> dict[str, Any]:
        """The finding as reports write it."""
        data: dict[str, Any] = {
            "rule_id": self.rule_id, "title": self.title, "severity": self.severity,
            "section": self.section, "status": self.status, "account_id": self.account_id,
            "region": self.region, "resource_id": self.resource_id, "reason": self.reason,
        }
        if self.details:
            data["details"] = self.details
        if self.waived:
            data["waived"] = True
            data["waiver_reason"] = self.waiver_reason
        return data

    def at_or_above(self, severity: str) -> bool:
        """Whether this finding's severity is at least `severity`."""
        return severity_rank(self.severity) >= severity_rank(severity)
