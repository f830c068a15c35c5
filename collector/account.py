"""The caller's own account as a collection target, from the normal boto3 credential chain."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import boto3
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound
from sounding.collector.aws import CallCounter, RetrySettings, partition_from_arn
from sounding.collector.collect import Target
from sounding.collector.gaps import classify
from sounding.collector.scrub import scrub


class CredentialsError(Exception):
    """No usable credentials: nothing can be collected."""


@dataclass(frozen=True)
class Caller:
    """Who is collecting: the principal ARN, its account, its partition."""

    arn: str
    account_id: str
    partition: str

    def to_dict(self) -> dict[str, str]:
        """The caller as the manifest records it."""
        return {"arn": self.arn, "account_id": self.account_id, "partition": self.partition}


def make_session(profile: str | None = None) -> boto3.Session:
    """A boto3 session from a named profile or the default credential chain; a missing profile is named."""
    name = profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
    try:
        session = boto3.Session(profile_name=profile) if profile else boto3.Session()
        session._session.get_scoped_config()  # resolves the profile now (AWS_PROFILE too), not at the first call
    except ProfileNotFound:
        source = "--profile" if profile else "AWS_PROFILE" if os.environ.get("AWS_PROFILE") else "AWS_DEFAULT_PROFILE"
        raise CredentialsError(f"profile {name!r} (from {source}) is not defined in the AWS config or "
                               "credentials file") from None
    except BotoCoreError as exc:
        raise CredentialsError(f"profile {name!r}: {scrub(str(exc))}") from None
    return session


def whoami(session: boto3.Session, counter: CallCounter, region: str | None = None,
           retries: RetrySettings | None = None) -> Caller:
    """sts:GetCallerIdentity, the one call that must succeed before anything else (at most 3 attempts)."""
    try:
        sts = session.client("sts", region_name=region or session.region_name or "us-east-1",
                             config=(retries or RetrySettings()).config(max_attempts=3))
        sts.meta.events.register("before-send", counter)
        identity = sts.get_caller_identity()
        arn, account = str(identity["Arn"]), str(identity["Account"])
    except (BotoCoreError, ClientError, KeyError, TypeError) as exc:
        code, _kind, message = classify(exc)
        raise CredentialsError(f"cannot identify the caller (sts:GetCallerIdentity {code}): {message}") from None
    if not re.fullmatch(r"[0-9]{12}", account):
        raise CredentialsError("cannot identify the caller: sts:GetCallerIdentity answered an account id that is "
                               "not 12 digits")
    return Caller(arn=arn, account_id=account, partition=partition_from_arn(arn))


def own_account(session: boto3.Session, caller: Caller) -> Target:
    """The caller's account as the only target."""
    return Target(account_id=caller.account_id, session=session)
