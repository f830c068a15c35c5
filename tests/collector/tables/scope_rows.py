"""Runs table declarations through the real runner in one scope and returns typed rows (no raw)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import boto3
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from sounding.collector.aws import AccountClients, CallCounter, client_config
from sounding.collector.collect import chains, run_chain
from sounding.collector.declarations import TableSpec
from sounding.collector.gaps import Gap
from sounding.collector.run import run_table
from sounding.collector.tables import TABLES_BY_NAME
from sounding.collector.values import coerce

ACCOUNT = "123456789012"


def run_scope(tables: Sequence[TableSpec], region: str, call_region: str | None = None,
              session: boto3.Session | None = None) -> tuple[dict[str, list[dict[str, Any]]], list[Gap]]:
    """Every table in one scope, parents before children, as the collector runs them; typed rows."""
    clients = AccountClients(session or boto3.Session(), CallCounter(), client_config(max_attempts=1))
    typed: dict[str, list[dict[str, Any]]] = {}
    gaps: list[Gap] = []
    for chain in chains(tables):
        rows, chain_gaps = run_chain(chain, clients, ACCOUNT, region, call_region or region)
        gaps.extend(chain_gaps)
        for spec in chain:
            typed[spec.name] = [{c.name: coerce(c, r.get(c.name)) for c in spec.all_columns if c.name != "raw"}
                                for r in rows.get(spec.name, [])]
    return typed, gaps


def failing_session(event: str, code: str, message: str) -> boto3.Session:
    """A session whose calls matching `before-call.<service>.<Operation>` fail with the given AWS error."""
    def fail(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": message}}, event.rsplit(".", 1)[-1])

    session = boto3.Session()
    session.events.register(event, fail)
    return session


def gap_kinds(gaps: Sequence[Gap]) -> list[tuple[str, str, str, str]]:
    """(table, region, error code, error kind) of each gap, for exact comparison."""
    return sorted((g.table, g.region, g.error_code, g.error_kind) for g in gaps)


def stubbed_rows(table: str, response: dict[str, Any], account: str = ACCOUNT,
                 parents: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """One table's rows, typed (raw left out), from a single stubbed response to its operation; no gap allowed."""
    spec = TABLES_BY_NAME[table]
    clients = AccountClients(boto3.Session(region_name="us-east-1"), CallCounter())
    client = clients.get(spec.service, "us-east-1")
    method = {api: name for name, api in client.meta.method_to_api_mapping.items()}[spec.operation]
    with Stubber(client) as stub:
        stub.add_response(method, response)
        result = run_table(spec, clients, account, "us-east-1", "us-east-1", parents)
    assert result.gaps == []
    return [{column.name: coerce(column, row[column.name]) for column in spec.columns} for row in result.rows]
