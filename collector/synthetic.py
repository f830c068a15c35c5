"""Builds a snapshot from given rows through the real writer: for rule tests, examples and benchmarks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sounding.collector.contract import ALL_TABLES_GAP, FORMAT_VERSION, Gap
from sounding.collector.declarations import GLOBAL_REGION, TableSpec
from sounding.collector.gaps import ERROR_KINDS
from sounding.collector.tables import ALL_TABLES
from sounding.collector.write import SnapshotWriter

DEFAULT_ACCOUNT = "111111111111"
DEFAULT_REGIONS = ("us-east-1",)


class ScenarioError(ValueError):
    """A given row or gap does not fit the table declarations."""


def account_entries(accounts: Sequence[str | Mapping[str, Any]] | None,
                    regions: Sequence[str] = DEFAULT_REGIONS) -> list[dict[str, Any]]:
    """Manifest account entries from ids or partial entries, with defaults filled in."""
    entries = []
    for account in accounts or [DEFAULT_ACCOUNT]:
        data = {"account_id": account} if isinstance(account, str) else dict(account)
        entries.append({"account_id": str(data["account_id"]), "name": data.get("name", ""),
                        "email": data.get("email", ""), "role_arn": data.get("role_arn", ""),
                        "regions": sorted(data.get("regions", regions)),
                        "reachable": bool(data.get("reachable", True))})
    return entries


def build_snapshot(out: Path, rows: Mapping[str, Iterable[Mapping[str, Any]]], *,
                   accounts: Sequence[str | Mapping[str, Any]] | None = None,
                   regions: Sequence[str] = DEFAULT_REGIONS,
                   collected_at: datetime | None = None, gaps: Iterable[Mapping[str, Any]] = (),
                   tables: Sequence[str] | None = None, specs: Sequence[TableSpec] = ALL_TABLES,
                   fill_regions: bool = True, replace: bool = True,
                   caller: Mapping[str, str] | None = None, format_version: int = FORMAT_VERSION) -> Path:
    """Write a snapshot holding exactly the given rows; unnamed columns are typed NULLs."""
    by_name = {s.name: s for s in specs}
    unknown = sorted(set(rows) - set(by_name))
    if unknown:
        raise ScenarioError(f"no table named {unknown[0]} is declared")
    chosen = list(tables) if tables is not None else [s.name for s in specs]
    for name in chosen:
        if name not in by_name:
            raise ScenarioError(f"no table named {name} is declared")
    entries = account_entries(accounts, regions)
    ids = [e["account_id"] for e in entries]
    finished = collected_at or datetime(2026, 1, 1, tzinfo=UTC)
    per_account: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for name, given in rows.items():
        spec = by_name[name]
        for row in given:
            full = complete_row(spec, row, ids[0])
            per_account[(name, full["account_id"])].append(full)
    if fill_regions and "regions" in chosen and "regions" in by_name and not rows.get("regions"):
        for entry in entries:
            per_account[("regions", entry["account_id"])] = [
                complete_row(by_name["regions"], {"account_id": entry["account_id"], "region_name": r,
                                                  "opt_in_status": "opt-in-not-required"}, ids[0])
                for r in entry["regions"]]
    writer = SnapshotWriter(out, [by_name[n] for n in chosen], replace=replace, format_version=format_version)
    try:
        for name in chosen:
            for account_id in sorted({a for (t, a) in per_account if t == name} | set(ids)):
                writer.write_account(name, account_id, per_account.get((name, account_id), []))
        account_id = ids[0]
        return writer.finish(
            started_at=finished - timedelta(minutes=1), finished_at=finished,
            caller=dict(caller or {"arn": f"arn:aws:iam::{account_id}:role/auditor", "account_id": account_id,
                                   "partition": "aws"}),
            accounts=entries, gaps=[make_gap(g, by_name) for g in gaps], api_calls=0,
            collected_tables=chosen, options={"partition": "aws", "regions": sorted(regions)})
    except BaseException:
        writer.abort()
        raise


def complete_row(spec: TableSpec, given: Mapping[str, Any], default_account: str) -> dict[str, Any]:
    """A full row from the given columns: scope defaults, NULLs, and raw built from what was given."""
    names = {c.name for c in spec.all_columns}
    extra = sorted(set(given) - names)
    if extra:
        raise ScenarioError(f"table {spec.name} has no column {extra[0]}")
    row = {c.name: given.get(c.name) for c in spec.all_columns}
    row["account_id"] = str(given.get("account_id") or default_account)
    if spec.scope == "global":
        row["region"] = given.get("region") or GLOBAL_REGION
    elif not given.get("region"):
        raise ScenarioError(f"table {spec.name} is regional: every row needs a region")
    if given.get("raw") is None:
        row["raw"] = {k: v for k, v in given.items() if k not in ("account_id", "region")}
    return row


def make_gap(data: Mapping[str, Any], specs: Mapping[str, TableSpec]) -> Gap:
    """A gap for a table, with service and operation taken from its declaration."""
    table = str(data["table"])
    spec = specs.get(table)
    if spec is None and table != ALL_TABLES_GAP:
        raise ScenarioError(f"gap names table {table}, which is not declared")
    kind = str(data.get("error_kind", "access_denied"))
    if kind not in ERROR_KINDS:
        raise ScenarioError(f"gap error_kind {kind} is not one of {', '.join(ERROR_KINDS)}")
    return Gap(account_id=str(data.get("account_id", DEFAULT_ACCOUNT)),
               region=str(data.get("region", GLOBAL_REGION)), table=table,
               service=str(data.get("service", spec.service if spec else "*")),
               operation=str(data.get("operation", spec.operation if spec else "*")),
               error_code=str(data.get("error_code", "AccessDenied")), error_kind=kind,
               message=str(data.get("message", "injected by the scenario")))
