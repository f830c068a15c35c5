"""EventBridge tables against moto: every bus, the rules on each, the targets of each rule, two regions."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws
from sounding.collector.aws import AccountClients, CallCounter
from sounding.collector.collect import chains, run_chain
from sounding.collector.gaps import Gap
from sounding.collector.special import events_buses
from sounding.collector.tables import events
from sounding.collector.values import coerce

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"
GUARDDUTY = json.dumps({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]})
ALL_AWS = json.dumps({"source": [{"prefix": "aws."}]})


def collect(region: str) -> tuple[dict[str, list[dict[str, Any]]], list[Gap]]:
    """Run every EventBridge table through the real runner in one region; typed rows without raw."""
    clients = AccountClients(boto3.Session(), CallCounter())
    typed: dict[str, list[dict[str, Any]]] = {}
    gaps: list[Gap] = []
    for chain in chains(events.TABLES):
        rows, chain_gaps = run_chain(chain, clients, ACCOUNT, region, region)
        gaps.extend(chain_gaps)
        for spec in chain:
            typed[spec.name] = [{c.name: coerce(c, r.get(c.name)) for c in spec.all_columns if c.name != "raw"}
                                for r in rows.get(spec.name, [])]
    return typed, gaps


@pytest.fixture
def rules() -> Any:
    """us-east-1: a GuardDuty rule with a target, a disabled schedule, a rule on a custom bus; eu-west-1: one rule."""
    with mock_aws():
        east = boto3.client("events", region_name="us-east-1")
        east.put_rule(Name="guardduty", EventPattern=GUARDDUTY, State="ENABLED")
        east.put_targets(Rule="guardduty", Targets=[{"Id": "sns", "Arn": TOPIC}])
        east.put_rule(Name="nightly", ScheduleExpression="cron(0 3 * * ? *)", State="DISABLED")
        east.create_event_bus(Name="central")
        east.put_rule(Name="everything", EventPattern=ALL_AWS, EventBusName="central")
        east.put_targets(Rule="everything", EventBusName="central",
                         Targets=[{"Id": "a", "Arn": TOPIC}, {"Id": "b", "Arn": f"{TOPIC}-2"}])
        west = boto3.client("events", region_name="eu-west-1")
        west.put_rule(Name="guardduty", EventPattern=GUARDDUTY, State="DISABLED")
        yield


def test_buses_rules_and_targets_in_us_east_1(rules: Any) -> None:
    """Rules of every bus are read, with the bus name; targets name their rule and bus."""
    rows, gaps = collect("us-east-1")
    assert gaps == []
    assert rows["events_buses"] == [
        {"account_id": ACCOUNT, "region": "us-east-1", "name": "default",
         "arn": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"},
        {"account_id": ACCOUNT, "region": "us-east-1", "name": "central",
         "arn": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/central"}]
    rule = {"account_id": ACCOUNT, "region": "us-east-1", "schedule_expression": None, "managed_by": None}
    assert rows["events_rules"] == [
        {**rule, "name": "guardduty", "arn": f"arn:aws:events:us-east-1:{ACCOUNT}:rule/guardduty",
         "event_bus_name": "default", "state": "ENABLED", "event_pattern": GUARDDUTY},
        {**rule, "name": "nightly", "arn": f"arn:aws:events:us-east-1:{ACCOUNT}:rule/nightly",
         "event_bus_name": "default", "state": "DISABLED", "event_pattern": None,
         "schedule_expression": "cron(0 3 * * ? *)"},
        {**rule, "name": "everything", "arn": f"arn:aws:events:us-east-1:{ACCOUNT}:rule/central/everything",
         "event_bus_name": "central", "state": "ENABLED", "event_pattern": ALL_AWS}]
    target = {"account_id": ACCOUNT, "region": "us-east-1"}
    assert rows["events_targets"] == [
        {**target, "event_bus_name": "default", "rule_name": "guardduty", "target_id": "sns", "target_arn": TOPIC},
        {**target, "event_bus_name": "central", "rule_name": "everything", "target_id": "a", "target_arn": TOPIC},
        {**target, "event_bus_name": "central", "rule_name": "everything", "target_id": "b",
         "target_arn": f"{TOPIC}-2"}]


def test_the_second_region_has_its_own_rules(rules: Any) -> None:
    """eu-west-1 sees only its own disabled rule and no targets."""
    rows, gaps = collect("eu-west-1")
    assert gaps == []
    assert [(r["region"], r["name"], r["event_bus_name"], r["state"]) for r in rows["events_rules"]] == [
        ("eu-west-1", "guardduty", "default", "DISABLED")]
    assert rows["events_targets"] == []


def test_event_buses_follow_next_token() -> None:
    """ListEventBuses has no botocore paginator: every page is read."""
    pages = {None: {"EventBuses": [{"Name": "default"}], "NextToken": "t1"},
             "t1": {"EventBuses": [{"Name": "central"}], "NextToken": ""}}

    class Client:
        def __init__(self) -> None:
            self.calls: list[dict[str, Any]] = []

        def list_event_buses(self, **params: Any) -> dict[str, Any]:
            self.calls.append(params)
            return pages[params.get("NextToken")]

    client = Client()
    assert events_buses.fetch(client, {}) == [{"Name": "default"}, {"Name": "central"}]
    assert client.calls == [{}, {"NextToken": "t1"}]
