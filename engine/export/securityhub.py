"""Imports a plan's findings into Security Hub: each account with its own credentials, in batches of 100."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
import botocore.session
from botocore.exceptions import BotoCoreError, ClientError
from sounding.collector.aws import client_config
from sounding.collector.gaps import classify
from sounding.engine.export.securityhub_plan import GENERATOR_PREFIX, ExportRefused, Plan, check_owned
from sounding.engine.report.asff import BATCH_LIMIT, NOTE_LIMIT, product_arn
from sounding.engine.report.common import cut

ATTEMPTS = 4  # a batch's FailedFindings are sent again up to this many times in all
BACKOFF_SECONDS = 1.0
# FailedFindings error codes worth another attempt; anything else (InvalidInput, AccessDenied...) is final.
RETRYABLE = {"InternalFailure", "InternalError", "ServiceUnavailable", "ThrottlingException", "Throttling",
             "LimitExceededException", "TooManyRequestsException"}
# Members of a finding Security Hub manages for its customers: never sent back (BatchImportFindings ignores
# them on update, and BatchUpdateFindings is the call that sets them).
CUSTOMER_MEMBERS = ("Note", "UserDefinedFields", "VerificationState", "Workflow", "WorkflowState")

NOTE_AUTHOR = "sounding"  # Note.UpdatedBy of every note Sounding writes: how it knows a suppression is its own
REOPEN_NOTE = "Waiver no longer applies: the finding is open again (Sounding)."

Progress = Callable[[str], None]


@dataclass
class Outcome:
    """What happened at one destination."""

    account_id: str
    region: str
    imported: int = 0
    archived: int = 0
    suppressed: int = 0
    reopened: int = 0
    failures: list[str] = field(default_factory=list)


def import_batches(client: Any, findings: list[dict[str, Any]], *, sleep: Callable[[float], None] = time.sleep,
                   ) -> tuple[int, list[str]]:
    """BatchImportFindings in batches of 100; failed findings with a retryable code are sent again."""
    imported = 0
    failures: list[str] = []
    for start in range(0, len(findings), BATCH_LIMIT):
        pending = findings[start: start + BATCH_LIMIT]
        for attempt in range(1, ATTEMPTS + 1):
            response = client.batch_import_findings(Findings=pending)
            failed = {f["Id"]: f for f in response.get("FailedFindings", [])}
            imported += len(pending) - len(failed)
            retry = [f for f in pending if f["Id"] in failed and failed[f["Id"]].get("ErrorCode") in RETRYABLE]
            final = [failed[f["Id"]] for f in pending if f["Id"] in failed and f not in retry]
            failures += [f"{f['Id']}: {f.get('ErrorCode', '')} {f.get('ErrorMessage', '')}".strip() for f in final]
            if not retry:
                break
            if attempt == ATTEMPTS:
                failures += [f"{f['Id']}: {failed[f['Id']].get('ErrorCode')} after {ATTEMPTS} attempts" for f in retry]
                break
            sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
            pending = retry
    return imported, failures


def held_findings(client: Any, product: str) -> list[dict[str, Any]]:
    """Sounding's ACTIVE findings in this hub (GetFindings by product ARN, GeneratorId prefix, record state)."""
    filters = {"ProductArn": [{"Value": product, "Comparison": "EQUALS"}],
               "GeneratorId": [{"Value": GENERATOR_PREFIX, "Comparison": "PREFIX"}],
               "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]}
    held = []
    for page in client.get_paginator("get_findings").paginate(Filters=filters):
        for finding in page.get("Findings", []):
            # The filters again, here: a hub (or a test double) that ignores them must not make us touch others'.
            if (finding.get("ProductArn") == product and str(finding.get("GeneratorId", "")).startswith(
                    GENERATOR_PREFIX) and finding.get("RecordState", "ACTIVE") == "ACTIVE"):
                held.append(finding)
    return sorted(held, key=lambda f: f["Id"])


def stale_findings(held: list[dict[str, Any]], known: set[str], collected_at: str) -> list[dict[str, Any]]:
    """Held findings the snapshot no longer has at all, unless the hub's copy is newer than the snapshot."""
    return [f for f in held if f["Id"] not in known and not _newer(f.get("UpdatedAt", ""), collected_at)]


def to_suppress(held: list[dict[str, Any]], findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Waived findings not already SUPPRESSED in the hub with the same note (each export would repeat it)."""
    done = {f["Id"]: f.get("Note", {}).get("Text") for f in held if f.get("Workflow", {}).get("Status") == "SUPPRESSED"}
    return [b for b in findings if b["Workflow"]["Status"] == "SUPPRESSED"
            and done.get(b["Id"]) != b.get("Note", {}).get("Text")]


def ended_waivers(held: list[dict[str, Any]], findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Held findings Sounding suppressed for a waiver that no longer applies to the still-active finding."""
    active = {b["Id"] for b in findings if b["RecordState"] == "ACTIVE" and b["Workflow"]["Status"] != "SUPPRESSED"}
    return [f for f in held if f["Id"] in active and f.get("Workflow", {}).get("Status") == "SUPPRESSED"
            and f.get("Note", {}).get("UpdatedBy") == NOTE_AUTHOR]


def _newer(one: str, other: str) -> bool:
    """Whether ISO time `one` is later than `other` (a newer snapshot was exported already)."""
    try:
        return datetime.fromisoformat(one.replace("Z", "+00:00")) > datetime.fromisoformat(other.replace("Z", "+00:00"))
    except ValueError:
        return False


def archived(finding: dict[str, Any], updated_at: str) -> dict[str, Any]:
    """A finding Security Hub holds, sent back archived: its provider members only, UpdatedAt the snapshot's."""
    members = set(_import_members())
    return {**{k: v for k, v in finding.items() if k in members and k not in CUSTOMER_MEMBERS},
            "RecordState": "ARCHIVED", "UpdatedAt": updated_at}


@functools.cache
def _import_members() -> tuple[str, ...]:
    """The members BatchImportFindings accepts in a finding, from botocore's model."""
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape.members["Findings"].member
    return tuple(shape.members)


def update_workflow(client: Any, items: list[tuple[str, str, str]], status: str) -> tuple[int, list[str]]:
    """BatchUpdateFindings for (id, product ARN, note) items: Workflow `status` and the note, 100 a call."""
    done, failures = 0, []
    by_note: dict[str, list[dict[str, str]]] = {}
    for finding_id, product, note in items:
        by_note.setdefault(note, []).append({"Id": finding_id, "ProductArn": product})
    for note, identifiers in by_note.items():
        for start in range(0, len(identifiers), BATCH_LIMIT):
            chunk = identifiers[start: start + BATCH_LIMIT]
            try:
                response = client.batch_update_findings(
                    FindingIdentifiers=chunk, Workflow={"Status": status},
                    Note={"Text": cut(note, NOTE_LIMIT), "UpdatedBy": NOTE_AUTHOR})
            except (BotoCoreError, ClientError) as exc:
                code, _kind, message = classify(exc)
                failures.append(f"BatchUpdateFindings {code}: {message}")
                continue
            unprocessed = response.get("UnprocessedFindings", [])
            done += len(chunk) - len(unprocessed)
            failures += [f"{u['FindingIdentifier']['Id']}: {u.get('ErrorCode', '')} {u.get('ErrorMessage', '')}".strip()
                         for u in unprocessed]
    return done, failures


def suppress(client: Any, findings: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Waived findings SUPPRESSED with the waiver's reason (BatchImportFindings cannot change Workflow or Note)."""
    return update_workflow(client, [(b["Id"], b["ProductArn"], b.get("Note", {}).get("Text", "Waived"))
                                    for b in findings], "SUPPRESSED")


def reopen(client: Any, findings: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Findings whose waiver ended (expired, or removed) back to Workflow NEW, saying why."""
    return update_workflow(client, [(f["Id"], f["ProductArn"], REOPEN_NOTE) for f in findings], "NEW")


def caller_account(session: boto3.Session, region: str) -> str:
    """The account the session's credentials belong to (sts:GetCallerIdentity)."""
    sts = session.client("sts", region_name=region, config=client_config(max_attempts=3))
    return str(sts.get_caller_identity()["Account"])


def export_destination(session: boto3.Session, plan: Plan, account_id: str, region: str,
                       progress: Progress) -> Outcome:
    """Import one account-region's findings, archive what the snapshot no longer has, suppress the waived and
    reopen what Sounding suppressed for a waiver that has ended."""
    outcome = Outcome(account_id, region)
    findings = plan.findings(account_id, region)
    try:
        caller = caller_account(session, region)
        check_owned(findings, caller, plan.partition, region)
        client = session.client("securityhub", region_name=region, config=client_config())
        # What the hub holds before this import: Workflow and Note as its users (and earlier exports) left them.
        held = held_findings(client, product_arn(plan.partition, region, caller))
        outcome.imported, failures = import_batches(client, findings)
        outcome.failures += failures
        stale = [archived(f, plan.collected_at_iso)
                 for f in stale_findings(held, plan.known_ids(account_id, region), plan.collected_at_iso)]
        outcome.archived, failures = import_batches(client, stale)
        outcome.failures += failures
        waived = to_suppress(held, findings)
        if waived:
            outcome.suppressed, failures = suppress(client, waived)
            outcome.failures += failures
        ended = ended_waivers(held, findings)
        if ended:
            outcome.reopened, failures = reopen(client, ended)
            outcome.failures += failures
    except ExportRefused as exc:
        outcome.failures.append(f"refused before calling: {exc}")
    except (BotoCoreError, ClientError) as exc:
        code, _kind, message = classify(exc)
        outcome.failures.append(f"{code}: {message}")
    progress(f"{account_id} {region}: imported {outcome.imported}, archived {outcome.archived} no longer in the "
             f"snapshot, suppressed {outcome.suppressed}, reopened {outcome.reopened}"
             + (f", {len(outcome.failures)} failed" if outcome.failures else ""))
    return outcome


def export(plan: Plan, sessions: dict[str, boto3.Session | str], *, max_workers: int = 4,
           progress: Progress | None = None) -> list[Outcome]:
    """Every destination of the plan: accounts in parallel, each account's regions one after another (a boto3
    session is not safe to share between threads); an account without a session fails all its regions."""
    say = progress or (lambda _msg: None)
    by_account: dict[str, list[str]] = {}
    for account_id, region in plan.destinations:
        by_account.setdefault(account_id, []).append(region)

    def run(account_id: str) -> list[Outcome]:
        session = sessions.get(account_id)
        if not isinstance(session, boto3.Session):
            reason = str(session or "no credentials for this account")
            for region in by_account[account_id]:
                say(f"{account_id} {region}: not exported: {reason}")
            return [Outcome(account_id, region, failures=[reason]) for region in by_account[account_id]]
        return [export_destination(session, plan, account_id, region, say) for region in by_account[account_id]]

    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="export") as pool:
        return [outcome for outcomes in pool.map(run, list(by_account)) for outcome in outcomes]
