"""What `export securityhub` would import where: findings as ASFF, grouped by account and region, spooled to disk."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from sounding.engine.evaluate import Evaluation
from sounding.engine.report.asff import asff_finding, product_arn
from sounding.engine.report.common import (
    GLOBAL_REGION,
    collected_iso,
    finding_uid,
    home_region,
    partition,
    rules_by_id,
)

HUB_TABLE = "securityhub_hub"
GENERATOR_PREFIX = "sounding/"  # every Sounding ASFF finding's GeneratorId starts so
NOT_EXPORTED = "SKIP"  # a SKIP says nothing about the resource: Security Hub never sees it


class ExportRefused(Exception):
    """A finding would be imported by an account that does not own it: AWS refuses it, and so do we, first."""


@dataclass
class Destination:
    """One account's Security Hub in one region, and how many findings of each kind go there."""

    account_id: str
    region: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """Findings to import here."""
        return sum(self.counts[k] for k in ("active", "resolved", "suppressed"))


@dataclass
class Plan:
    """Every destination with its findings on disk, and what was left out and why."""

    destinations: dict[tuple[str, str], Destination]
    left_out: Counter[str]
    collected_at_iso: str  # the snapshot's time as ASFF writes it: UpdatedAt of everything imported
    partition: str
    _db: sqlite3.Connection
    _dir: tempfile.TemporaryDirectory[str]

    _lock: threading.Lock = field(default_factory=threading.Lock)

    def findings(self, account_id: str, region: str) -> list[dict[str, Any]]:
        """The ASFF findings of one destination, in the evaluation's order (safe from any thread)."""
        with self._lock:
            rows = self._db.execute("SELECT body FROM spool WHERE account_id = ? AND region = ? ORDER BY seq",
                                    (account_id, region)).fetchall()
        return [json.loads(body) for (body,) in rows]

    def known_ids(self, account_id: str, region: str) -> set[str]:
        """Ids of every finding the snapshot has here, SKIP included: what must not be archived as gone."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM known WHERE account_id = ? AND region = ?",
                                    (account_id, region)).fetchall()
        return {finding_id for (finding_id,) in rows}

    def close(self) -> None:
        """Drop the spool."""
        self._db.close()
        self._dir.cleanup()


def hub_regions(evaluation: Evaluation) -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    """Regions where each account has Security Hub enabled (a securityhub_hub row), and (account, region) unknown."""
    snapshot = evaluation.snapshot
    enabled: dict[str, set[str]] = {}
    if HUB_TABLE in snapshot.tables:
        paths = [str(f.path) for f in snapshot.files(HUB_TABLE)]
        if paths:
            con = duckdb.connect()
            try:
                rows = con.execute("SELECT DISTINCT account_id, region FROM read_parquet(?)", [paths]).fetchall()
            finally:
                con.close()
            for account_id, region in rows:
                enabled.setdefault(account_id, set()).add(region)
    unknown = {(g["account_id"], g["region"]) for g in snapshot.gaps if g.get("table") in (HUB_TABLE, "*")}
    if HUB_TABLE not in snapshot.tables:
        unknown |= {(a["account_id"], "*") for a in snapshot.accounts}
    return enabled, unknown


def kind(body: dict[str, Any]) -> str:
    """active (FAIL, ERROR, MANUAL), resolved (PASS: archived) or suppressed (waived), as the plan counts them."""
    if body["Workflow"]["Status"] == "SUPPRESSED":
        return "suppressed"
    return "resolved" if body["RecordState"] == "ARCHIVED" else "active"


def build_plan(evaluation: Evaluation, accounts: set[str] | None = None) -> Plan:
    """Group the findings by the account and region that import them; count what cannot go anywhere."""
    enabled, unknown = hub_regions(evaluation)
    tmp = tempfile.TemporaryDirectory(prefix="sounding-export-")
    db = sqlite3.connect(str(Path(tmp.name) / "spool.sqlite"), check_same_thread=False)
    db.execute("CREATE TABLE spool (account_id TEXT, region TEXT, seq INTEGER, body TEXT)")
    db.execute("CREATE TABLE known (account_id TEXT, region TEXT, id TEXT)")
    rules = rules_by_id(evaluation)
    destinations: dict[tuple[str, str], Destination] = {}
    left_out: Counter[str] = Counter()
    home = home_region(evaluation)
    for seq, finding in enumerate(evaluation.findings):
        if finding.status == NOT_EXPORTED:
            # Not imported, but not gone either (a region not collected is SKIP): the hub's copy is left alone.
            region = home if finding.region == GLOBAL_REGION else finding.region
            db.execute("INSERT INTO known VALUES (?, ?, ?)", (finding.account_id, region, finding_uid(finding)))
            left_out["SKIP (never exported)"] += 1
            continue
        if accounts is not None and finding.account_id not in accounts:
            left_out["account not exported (not the caller's; use --org)"] += 1
            continue
        body = asff_finding(evaluation, finding, rules.get(finding.rule_id))
        region = body["Region"]
        if (finding.account_id, region) in unknown or (finding.account_id, "*") in unknown:
            left_out["unknown whether Security Hub is enabled (gap in securityhub_hub)"] += 1
            continue
        if region not in enabled.get(finding.account_id, set()):
            left_out["Security Hub not enabled in the account and region"] += 1
            continue
        key = (finding.account_id, region)
        destination = destinations.setdefault(key, Destination(*key))
        destination.counts[kind(body)] += 1
        db.execute("INSERT INTO spool VALUES (?, ?, ?, ?)", (finding.account_id, region, seq, json.dumps(body)))
        db.execute("INSERT INTO known VALUES (?, ?, ?)", (finding.account_id, region, body["Id"]))
    db.execute("CREATE INDEX spool_destination ON spool (account_id, region, seq)")
    db.execute("CREATE INDEX known_destination ON known (account_id, region)")
    db.commit()
    return Plan(dict(sorted(destinations.items())), left_out, collected_iso(evaluation), partition(evaluation),
                db, tmp)


def check_owned(findings: list[dict[str, Any]], caller_account: str, partition: str, region: str) -> None:
    """BatchImportFindings with the default product ARN: AwsAccountId and the ARN must be the caller's own."""
    expected = product_arn(partition, region, caller_account)
    for body in findings:
        if body["AwsAccountId"] != caller_account or body["ProductArn"] != expected:
            raise ExportRefused(f"finding {body['Id']} of account {body['AwsAccountId']} ({body['ProductArn']}) "
                                f"cannot be imported by account {caller_account} in {region}: Security Hub "
                                f"takes default-product findings only from their own account ({expected})")


def describe(plan: Plan) -> list[str]:
    """The plan as lines: one per destination, then what was left out."""
    lines = [f"{d.account_id} {d.region}: {d.total} finding(s) to import ({d.counts['active']} active, "
             f"{d.counts['resolved']} resolved, {d.counts['suppressed']} suppressed)"
             for d in plan.destinations.values()]
    lines += [f"not exported: {count} finding(s): {reason}" for reason, count in sorted(plan.left_out.items())]
    return lines
