"""boto3 sessions and clients for one account: retries, call counting, partition facts."""

from __future__ import annotations

import ipaddress
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import botocore.loaders
from botocore.config import Config

USER_AGENT = "sounding"


@dataclass
class CallCounter:
    """Counts HTTP requests sent, retries included, across every client of a run."""

    sent: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, **_: Any) -> None:
        with self._lock:
            self.sent += 1


MAX_ATTEMPTS_ENV = "SOUNDING_MAX_ATTEMPTS"
DEFAULT_MAX_ATTEMPTS = 10


def max_attempts_setting() -> int:
    """botocore's retries max_attempts for every client: SOUNDING_MAX_ATTEMPTS, else 10."""
    value = os.environ.get(MAX_ATTEMPTS_ENV, "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MAX_ATTEMPTS


READ_TIMEOUT_ENV = "SOUNDING_READ_TIMEOUT"
DEFAULT_READ_TIMEOUT = 60.0


def read_timeout_setting() -> float:
    """Seconds to wait for an answer before the call is retried: SOUNDING_READ_TIMEOUT, else 60."""
    try:
        value = float(os.environ.get(READ_TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_READ_TIMEOUT
    return value if 0 < value <= 3600 else DEFAULT_READ_TIMEOUT


def client_config(max_attempts: int | None = None) -> Config:
    """Adaptive retries, bounded timeouts, a recognisable user agent."""
    max_attempts = max_attempts or max_attempts_setting()
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        connect_timeout=10,
        read_timeout=read_timeout_setting(),
        user_agent_extra=USER_AGENT,
        max_pool_connections=32,
    )


def strip_account_prefix_from_ip_host(request: Any, **_: Any) -> None:
    """s3control puts `{AccountId}.` before the endpoint host; before an IP address (a custom endpoint such as
    127.0.0.1) that name cannot resolve, and the account travels in x-amz-account-id anyway: drop the prefix."""
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    label, _, rest = host.partition(".")
    if not (label.isdigit() and len(label) == 12) or not (_is_ip(rest) or rest == "localhost"):
        return
    request.url = urlunsplit(parts._replace(netloc=parts.netloc.replace(host, rest, 1)))


def _is_ip(host: str) -> bool:
    """Whether a host is an IP address literal."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class AccountClients:
    """Thread-safe cache of boto3 clients for one account, one per (service, region)."""

    def __init__(self, session: boto3.Session, counter: CallCounter, config: Config | None = None) -> None:
        self.session = session
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
                if service == "s3control":
                    client.meta.events.register("before-sign", strip_account_prefix_from_ip_host)
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
