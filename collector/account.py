"""The caller's own account as a collection target, from the normal boto3 credential chain."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from sounding.collector.aws import CallCounter, client_config, partition_from_arn
from sounding.collector.collect import Target
from sounding.collector.gaps import classify


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
    """A boto3 session from a named profile or the default credential chain."""
    try:
        return boto3.Session(profile_name=profile) if profile else boto3.Session()
    except BotoCoreError as exc:
        raise CredentialsError(f"profile {profile!r}: {exc}") from None


def whoami(session: boto3.Session, counter: CallCounter, region: str | None = None) -> Caller:
    """sts:GetCallerIdentity, the one call that must succeed before anything else."""
    try:
        sts = session.client("sts", region_name=region or session.region_name or "us-east-1",
                             config=client_config(max_attempts=3))
        sts.meta.events.register("before-send", counter)
        identity = sts.get_caller_identity()
    except (BotoCoreError, ClientError) as exc:
        code, _kind, message = classify(exc)
        raise CredentialsError(f"cannot identify the caller (sts:GetCallerIdentity {code}): {message}") from None
    arn = identity["Arn"]
    return Caller(arn=arn, account_id=identity["Account"], partition=partition_from_arn(arn))


def own_account(session: boto3.Session, caller: Caller) -> Target:
    """The caller's account as the only target."""
    return Target(account_id=caller.account_id, session=session)
