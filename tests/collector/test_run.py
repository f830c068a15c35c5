"""The generic runner: items, pagination, shared calls, fan-out, and gaps for every failure."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from sounding.collector.aws import AccountClients, CallCounter
from sounding.collector.declarations import STRING, Column, FanOut, TableSpec
from sounding.collector.gaps import Gap
from sounding.collector.run import extract_items, run_table
from sounding.collector.tables import TABLES_BY_NAME

ACCOUNT = "123456789012"


def clients(session: boto3.Session | None = None) -> tuple[AccountClients, CallCounter]:
    counter = CallCounter()
    return AccountClients(session or boto3.Session(region_name="us-east-1"), counter), counter


def deny(code: str = "AccessDenied", status: int = 403) -> Any:
    def handler(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": "injected"},
                           "ResponseMetadata": {"HTTPStatusCode": status}}, "Injected")
    return handler


def test_extract_items_accepts_list_object_and_nothing() -> None:
    assert extract_items("A", {"A": [1, 2]}) == [1, 2]
    assert extract_items("A", {"A": {"x": 1}}) == [{"x": 1}]
    assert extract_items("A", {}) == []
    assert extract_items("", {"x": 1}) == [{"x": 1}]


@mock_aws
def test_no_such_entity_is_data_not_a_gap() -> None:
    acc, _ = clients()
    result = run_table(TABLES_BY_NAME["iam_password_policy"], acc, ACCOUNT, "global", "us-east-1")
    assert (result.rows, result.gaps) == ([], [])


@mock_aws
def test_password_policy_row() -> None:
    boto3.client("iam").update_account_password_policy(MinimumPasswordLength=12, PasswordReusePrevention=5)
    acc, counter = clients()
    result = run_table(TABLES_BY_NAME["iam_password_policy"], acc, ACCOUNT, "global", "us-east-1")
    assert result.gaps == []
    [row] = result.rows
    assert (row["account_id"], row["region"], row["minimum_password_length"], row["password_reuse_prevention"]) \
        == (ACCOUNT, "global", 12, 5)
    assert row["raw"]["MinimumPasswordLength"] == 12
    assert counter.sent == 1


@mock_aws
def test_access_denied_becomes_a_gap_never_an_empty_list() -> None:
    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-call.iam.GetAccountPasswordPolicy", deny())
    acc, _ = clients(session)
    result = run_table(TABLES_BY_NAME["iam_password_policy"], acc, ACCOUNT, "global", "us-east-1")
    assert result.rows == []
    assert result.gaps == [Gap(ACCOUNT, "global", "iam_password_policy", "iam", "GetAccountPasswordPolicy",
                               "AccessDenied", "access_denied", "injected")]


@mock_aws
def test_pagination_follows_every_page_and_identical_calls_are_shared() -> None:
    iam = boto3.client("iam")
    for n in range(7):
        iam.create_virtual_mfa_device(VirtualMFADeviceName=f"d{n}")
    spec = TABLES_BY_NAME["iam_virtual_mfa_devices"]
    acc, counter = clients()
    first = run_table(spec, acc, ACCOUNT, "global", "us-east-1")
    second = run_table(spec, acc, ACCOUNT, "global", "us-east-1")
    assert sorted(r["serial_number"] for r in first.rows) == [f"arn:aws:iam::{ACCOUNT}:mfa/d{n}" for n in range(7)]
    assert first.rows == second.rows
    assert counter.sent == 1


@mock_aws
def test_fan_out_calls_once_per_parent_and_names_the_parent_in_gaps() -> None:
    iam = boto3.client("iam")
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
    iam.create_access_key(UserName="alice")
    users = TableSpec(name="t_users", service="iam", operation="ListUsers", scope="global", items="Users",
                      columns=(Column("user_name", STRING, "UserName"),), key=("user_name",), doc="t")
    keys = TableSpec(name="t_keys", service="iam", operation="ListAccessKeys", scope="global",
                     items="AccessKeyMetadata", fan_out=FanOut("t_users", {"UserName": "user_name"}),
                     columns=(Column("owner", STRING, "_parent.user_name"), Column("status", STRING, "Status")),
                     key=("owner",), doc="t")
    session = boto3.Session(region_name="us-east-1")
    acc, _ = clients(session)
    parents = run_table(users, acc, ACCOUNT, "global", "us-east-1").rows
    result = run_table(keys, acc, ACCOUNT, "global", "us-east-1", parents)
    assert [(r["owner"], r["status"]) for r in result.rows] == [("alice", "Active")]
    denied = boto3.Session(region_name="us-east-1")
    denied.events.register("before-call.iam.ListAccessKeys", deny())
    acc2, _ = clients(denied)
    failed = run_table(keys, acc2, ACCOUNT, "global", "us-east-1", parents)
    assert [g.message for g in failed.gaps] == ["UserName=alice: injected", "UserName=bob: injected"]


def test_derived_table_needs_a_parent() -> None:
    with pytest.raises(ValueError, match="derive needs a fan_out parent"):
        TableSpec(name="x", service="iam", operation="-", scope="global", items="", columns=(), key=(),
                  doc="t", derive=lambda row: [])


def test_untypable_values_are_null_and_one_gap_per_table_and_scope() -> None:
    from sounding.collector.declarations import INT, TIMESTAMP
    from sounding.collector.run import INVALID_VALUE

    items = [{"Name": "a", "Size": "big", "At": "yesterday"}, {"Name": "b", "Size": 3, "At": "soon"},
             {"Name": "c", "Size": 4, "At": "2026-01-01T00:00:00Z"}]
    spec = TableSpec(name="things", service="iam", operation="ListThings", scope="regional", items="",
                     columns=(Column("name", STRING, "Name"), Column("size", INT, "Size"),
                              Column("at", TIMESTAMP, "At")),
                     key=("name",), doc="t", fetch=lambda _client, _params: items)
    acc, _ = clients()
    result = run_table(spec, acc, ACCOUNT, "eu-west-1", "eu-west-1")
    assert [(r["name"], r["size"], r["at"]) for r in result.rows] == [
        ("a", None, None), ("b", 3, None), ("c", 4, "2026-01-01T00:00:00Z")]
    assert result.gaps == [Gap(ACCOUNT, "eu-west-1", "things", "iam", "ListThings", INVALID_VALUE, "other",
                               "3 value(s) could not be typed and were stored as NULL: "
                               "at (not a valid timestamp: text in no known date form) x2; "
                               "size (not a valid int: text that is not an integer) x1")]


def test_a_parent_with_untypable_values_still_feeds_its_children() -> None:
    from sounding.collector.collect import run_chain
    from sounding.collector.declarations import INT

    parent = TableSpec(name="p", service="iam", operation="ListP", scope="global", items="",
                       columns=(Column("name", STRING, "Name"), Column("size", INT, "Size")), key=("name",),
                       doc="t", fetch=lambda _client, _params: [{"Name": "a", "Size": "big"}])
    child = TableSpec(name="c", service="iam", operation="GetC", scope="global", items="",
                      columns=(Column("parent", STRING, "P"),), key=("parent",), doc="t",
                      fan_out=FanOut("p", {"P": "name"}), fetch=lambda _client, params: [params])
    acc, _ = clients()
    rows, gaps = run_chain([parent, child], acc, ACCOUNT, "global", "us-east-1")
    assert [r["parent"] for r in rows["c"]] == ["a"]
    assert [(g.table, g.error_code) for g in gaps] == [("p", "InvalidValue")]
