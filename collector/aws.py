"""boto3 sessions and clients for one account: retries, call counting, partition facts."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import boto3
import botocore.loaders
from botocore.config import Config
from sounding.collector.values import parse_timestamp

USER_AGENT = "sounding"


@dataclass
class CallCounter:
    """Counts HTTP requests sent, retries included, across every client of a run."""

    sent: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, **_: Any) -> None:
        with self._lock:
            self.sent += 1


class SettingsError(Exception):
    """A retry or timeout setting (environment or profile) that is not a valid value."""


# Retries follow botocore's conventions (https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html):
# max_attempts counts every attempt, the first call included, as AWS_MAX_ATTEMPTS and a profile's
# `max_attempts` do; the mode is legacy, standard or adaptive. SOUNDING_* variables override both.
RETRY_MODES = ("legacy", "standard", "adaptive")
DEFAULT_RETRY_MODE = "adaptive"
DEFAULT_MAX_ATTEMPTS = 11  # the first call and ten retries
DEFAULT_READ_TIMEOUT = 60.0
MAX_ATTEMPTS_ENV = "SOUNDING_MAX_ATTEMPTS"
RETRY_MODE_ENV = "SOUNDING_RETRY_MODE"
READ_TIMEOUT_ENV = "SOUNDING_READ_TIMEOUT"


@dataclass(frozen=True)
class RetrySettings:
    """How every client of a run retries and how long it waits for an answer."""

    mode: str = DEFAULT_RETRY_MODE
    max_attempts: int = DEFAULT_MAX_ATTEMPTS  # total attempts, the first call included
    read_timeout: float = DEFAULT_READ_TIMEOUT

    def config(self, max_attempts: int | None = None) -> Config:
        """The botocore Config: these retries (at most `max_attempts` if given), bounded timeouts, our user agent."""
        attempts = min(self.max_attempts, max_attempts) if max_attempts else self.max_attempts
        return Config(
            retries={"mode": self.mode, "total_max_attempts": attempts},
            connect_timeout=10,
            read_timeout=self.read_timeout,
            user_agent_extra=USER_AGENT,
            max_pool_connections=32,
        )


def retry_settings(profile: Mapping[str, Any] | None = None,
                   environ: Mapping[str, str] | None = None) -> RetrySettings:
    """The run's retry settings: SOUNDING_* variables, else AWS_MAX_ATTEMPTS/AWS_RETRY_MODE, else the profile's."""
    env = os.environ if environ is None else environ
    profile = profile or {}
    mode_source, mode = _first((RETRY_MODE_ENV, env.get(RETRY_MODE_ENV)), ("AWS_RETRY_MODE", env.get("AWS_RETRY_MODE")),
                               ("profile retry_mode", profile.get("retry_mode")))
    attempts_source, attempts = _first((MAX_ATTEMPTS_ENV, env.get(MAX_ATTEMPTS_ENV)),
                                       ("AWS_MAX_ATTEMPTS", env.get("AWS_MAX_ATTEMPTS")),
                                       ("profile max_attempts", profile.get("max_attempts")))
    timeout = env.get(READ_TIMEOUT_ENV)
    settings = RetrySettings()
    if mode is not None:
        if mode not in RETRY_MODES:
            raise SettingsError(f"{mode_source}: {mode!r} is not a retry mode ({', '.join(RETRY_MODES)})")
        settings = replace(settings, mode=mode)
    if attempts is not None:
        if not attempts.isdigit() or not 1 <= int(attempts) <= 100:
            raise SettingsError(f"{attempts_source}: {attempts!r} is not a number of attempts from 1 to 100")
        settings = replace(settings, max_attempts=int(attempts))
    if timeout is not None and timeout.strip():
        try:
            seconds = float(timeout)
        except ValueError:
            seconds = -1.0
        if not 0 < seconds <= 3600:
            raise SettingsError(f"{READ_TIMEOUT_ENV}: {timeout!r} is not a number of seconds above 0, at most 3600")
        settings = replace(settings, read_timeout=seconds)
    return settings


def _first(*candidates: tuple[str, Any]) -> tuple[str, str | None]:
    """The first candidate that is set, as (where it came from, its text)."""
    for source, value in candidates:
        if value is not None and str(value).strip():
            return source, str(value).strip()
    return "", None


def session_retry_settings(session: boto3.Session) -> RetrySettings:
    """The retry settings for clients of this session: its profile's, overridden by the environment."""
    return retry_settings(session._session.get_scoped_config())


def client_config(max_attempts: int | None = None) -> Config:
    """The Config of the environment's retry settings (no profile), at most `max_attempts` attempts."""
    return retry_settings().config(max_attempts)


def lenient_timestamp(value: Any) -> Any:
    """A response timestamp as a UTC datetime, or, in no known form, the text as received.

    botocore's own parser raises on a timestamp it cannot read, which loses the whole call, and
    reads some odd text as a date relative to today. The forms AWS protocols use (ISO 8601, epoch
    seconds, RFC 822) are parsed here; anything else reaches collector.values as text, which stores
    NULL and records an InvalidValue gap for that table and scope only.
    """
    try:
        return parse_timestamp(value)
    except ValueError:
        return value


def use_lenient_timestamps(session: boto3.Session) -> None:
    """Make every client of the session parse response timestamps with lenient_timestamp."""
    factory = session._session.get_component("response_parser_factory")
    factory.set_parser_defaults(timestamp_parser=lenient_timestamp)


class AccountClients:
    """Thread-safe cache of boto3 clients for one account, one per (service, region)."""

    def __init__(self, session: boto3.Session, counter: CallCounter, config: Config | None = None) -> None:
        self.session = session
        use_lenient_timestamps(session)
        self.counter = counter
        self.config = config or client_config()
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._results: dict[Any, Any] = {}
        self._key_locks: dict[Any, threading.Lock] = {}

    def get(self, service: str, region: str) -> Any:
        """The client for a service in a region, created once."""
        key = (service, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(service, region_name=region, config=self.config)
                client.meta.events.register("before-send", self.counter)
                self._clients[key] = client
            return client

    def once(self, key: Any, call: Callable[[], Any]) -> Any:
        """Run `call` once per key for this account and share its result (or re-raise its error)."""
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            if key not in self._results:
                try:
                    self._results[key] = (True, call())
                except Exception as exc:  # remembered so that sibling tables record the same gap
                    self._results[key] = (False, exc)
            ok, value = self._results[key]
        if not ok:
            raise value
        return value


@cache
def _partitions() -> list[dict[str, Any]]:
    """botocore's partition data (names, region patterns, default regions)."""
    return botocore.loaders.create_loader().load_data("endpoints")["partitions"]


def partition_of_region(region: str) -> str:
    """The partition ('aws', 'aws-cn', 'aws-us-gov'...) a region name belongs to."""
    for part in _partitions():
        if region in part.get("regions", {}) or re.match(part["regionRegex"], region):
            return part["partition"]
    return "aws"


def home_region(partition: str) -> str:
    """The region that answers global services (IAM, Organizations) in a partition."""
    return {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1",
            "aws-iso": "us-iso-east-1", "aws-iso-b": "us-isob-east-1"}.get(partition, "us-east-1")


def partition_from_arn(arn: str) -> str:
    """The partition named in an ARN."""
    parts = arn.split(":")
    return parts[1] if len(parts) > 1 and parts[1] else "aws"


def partition_regions(partition: str) -> list[str]:
    """The regions botocore's endpoint data lists for a partition, sorted."""
    return sorted(next((p.get("regions", {}) for p in _partitions() if p["partition"] == partition), {}))


def unknown_regions(names: Sequence[str], partition: str | None = None) -> list[str]:
    """The names that are not regions of `partition` (of any partition when None) in botocore's endpoint data."""
    known = ({r for p in _partitions() for r in p.get("regions", {})} if partition is None
             else set(partition_regions(partition)))
    return [n for n in names if n not in known]
