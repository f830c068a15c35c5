"""Organization mode: every ACTIVE account of the organization as a target, reached by sts:AssumeRole."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError
from sounding.collector.account import Caller
from sounding.collector.aws import CallCounter, RetrySettings, home_region
from sounding.collector.collect import Target
from sounding.collector.gaps import Gap, classify
from sounding.collector.pool import DaemonPool

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
SESSION_NAME = "sounding"
ALL_TABLES_GAP = "*"
ACCOUNT_ID = re.compile(r"[0-9]{12}")

Progress = Callable[[str], None]


class OrganizationError(Exception):
    """The organization's accounts cannot be listed, or the requested accounts are not in it."""


@dataclass(frozen=True)
class OrgAccount:
    """An account as organizations:ListAccounts lists it."""

    account_id: str
    name: str
    email: str
    state: str


def is_account_id(value: object) -> bool:
    """Whether a value is an AWS account id: exactly 12 digits (organizations Account.Id pattern ^\\d{12}$).

    Account ids name snapshot files; anything else from an answer (a proxy's, a forged one) is never used.
    """
    return isinstance(value, str) and ACCOUNT_ID.fullmatch(value) is not None


def role_arn(partition: str, account_id: str, role_name: str) -> str:
    """The ARN of the role to assume in an account, in the caller's partition."""
    return f"arn:{partition}:iam::{account_id}:role/{role_name}"


def list_accounts(session: boto3.Session, partition: str, counter: CallCounter,
                  retries: RetrySettings | None = None) -> list[OrgAccount]:
    """Every account of the organization (organizations:ListAccounts), from the management or delegated account."""
    client = session.client("organizations", region_name=home_region(partition),
                            config=(retries or RetrySettings()).config())
    client.meta.events.register("before-send", counter)
    try:
        items = [a for page in client.get_paginator("list_accounts").paginate() for a in page.get("Accounts", [])]
    except (BotoCoreError, ClientError) as exc:
        code, _kind, message = classify(exc)
        raise OrganizationError(f"cannot list the organization's accounts (organizations:ListAccounts {code}): "
                                f"{message}; run --org with credentials of the management account or of a "
                                "delegated administrator") from None
    odd = [a for a in items if not isinstance(a, dict) or not is_account_id(a.get("Id"))]
    if odd:
        raise OrganizationError(f"organizations:ListAccounts listed {len(odd)} account(s) without a 12-digit id; "
                                "nothing was collected")
    return sorted((OrgAccount(str(a["Id"]), str(a.get("Name") or ""), str(a.get("Email") or ""),
                              str(a.get("State") or a.get("Status") or "")) for a in items),
                  key=lambda a: a.account_id)


def choose(accounts: Sequence[OrgAccount], wanted: Sequence[str]) -> list[OrgAccount]:
    """The ACTIVE accounts, narrowed to `wanted`; naming an account that is not ACTIVE in the org is an error."""
    active = [a for a in accounts if a.state == "ACTIVE"]
    if not active:
        raise OrganizationError("organizations:ListAccounts listed no ACTIVE account: nothing to collect")
    if not wanted:
        return active
    known = {a.account_id for a in active}
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise OrganizationError(f"--accounts names {', '.join(unknown)}, not an ACTIVE account of the organization")
    return [a for a in active if a.account_id in set(wanted)]


def assumed_session(sts: Any, arn: str, external_id: str | None, region: str,
                    profile: str | None = None) -> boto3.Session:
    """A session on the role's credentials, refreshed by AssumeRole again before they expire; raises on failure."""
    params: dict[str, Any] = {"RoleArn": arn, "RoleSessionName": SESSION_NAME}
    if external_id:
        params["ExternalId"] = external_id

    def fetch() -> dict[str, str]:
        credentials = sts.assume_role(**params)["Credentials"]
        return {"access_key": credentials["AccessKeyId"], "secret_key": credentials["SecretAccessKey"],
                "token": credentials["SessionToken"], "expiry_time": credentials["Expiration"].isoformat()}

    credentials = RefreshableCredentials.create_from_metadata(metadata=fetch(), refresh_using=fetch,
                                                              method="sts-assume-role")
    core = botocore.session.Session(profile=profile)
    core._credentials = credentials  # every client of this session signs with the role, refreshed
    return boto3.Session(botocore_session=core, region_name=region)


def org_targets(session: boto3.Session, caller: Caller, counter: CallCounter, *,
                role_name: str = DEFAULT_ROLE_NAME, external_id: str | None = None,
                accounts: Sequence[str] = (), max_workers: int = 8, profile: str | None = None,
                progress: Progress | None = None, retries: RetrySettings | None = None) -> list[Target]:
    """One target per chosen account: the caller's own account with its credentials, the others by AssumeRole."""
    say = progress or (lambda _msg: None)
    chosen = choose(list_accounts(session, caller.partition, counter, retries), accounts)
    region = home_region(caller.partition)
    say(f"organization: {len(chosen)} account(s) to collect, assuming role {role_name} in members")
    sts = session.client("sts", region_name=region, config=(retries or RetrySettings()).config(max_attempts=3))
    sts.meta.events.register("before-send", counter)

    def target(account: OrgAccount) -> Target:
        if account.account_id == caller.account_id:
            return Target(account.account_id, session, name=account.name, email=account.email, org_admin=True)
        arn = role_arn(caller.partition, account.account_id, role_name)
        try:
            member = assumed_session(sts, arn, external_id, region, profile)
        except Exception as exc:  # any failure to get in is recorded as a gap for the whole account
            code, kind, message = classify(exc)
            say(f"account {account.account_id}: cannot assume {arn} ({code})")
            gap = Gap.for_all_tables(account_id=account.account_id, service="sts", operation="AssumeRole",
                                     error_code=code, error_kind=kind, message=f"{arn}: {message}")
            return Target(account.account_id, None, name=account.name, email=account.email, role_arn=arn,
                          failure=gap)
        say(f"account {account.account_id}: assumed {arn}")
        return Target(account.account_id, member, name=account.name, email=account.email, role_arn=arn)

    # Daemon workers: an interrupt while AssumeRole hangs ends the run at once (see collector.pool).
    with DaemonPool(max_workers, name="assume") as pool:
        futures = [pool.submit(target, account) for account in chosen]
        return [future.result() for future in futures]
