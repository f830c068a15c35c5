"""Shared fixtures: fake credentials, a real moto_server on 127.0.0.1, snapshot builders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scenarios.moto import MotoServer

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever reaches real AWS: fake keys, a fixed region, no shared config."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # moto answers unimplemented operations with HTTP 500 pages, which AWS-grade retrying would
    # repeat ten times; tests that exercise retries set their own value.
    monkeypatch.setenv("SOUNDING_MAX_ATTEMPTS", "3")


@pytest.fixture(scope="session")
def moto_server_session() -> Iterator[MotoServer]:
    """One moto_server for the whole test session."""
    server = MotoServer()
    yield server
    server.stop()


@pytest.fixture
def moto_server(moto_server_session: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """A freshly reset moto_server, with AWS_ENDPOINT_URL pointing at it."""
    moto_server_session.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server_session.url)
    return moto_server_session
