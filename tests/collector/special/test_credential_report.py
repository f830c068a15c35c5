"""The credential report: generate, wait while in progress, parse the CSV into typed rows."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import boto3
import pyarrow as pa
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from sounding.collector.aws import AccountClients, CallCounter
from sounding.collector.run import run_table
from sounding.collector.special import credential_report
from sounding.collector.tables import TABLES_BY_NAME
from sounding.collector.values import item_to_row, to_arrow_columns

SPEC = TABLES_BY_NAME["iam_credential_report"]
GENERATED = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
          "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
          "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
          "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
          "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
          "cert_2_active,cert_2_last_rotated")
ROOT = ("<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,"
        "2026-02-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,true,"
        "2021-05-05T05:05:05+00:00,2026-02-20T08:00:00+00:00,us-east-1,s3,false,N/A,false,N/A")
ALICE = ("alice,arn:aws:iam::111111111111:user/alice,2024-06-01T12:00:00+00:00,true,no_information,"
         "2024-06-01T12:00:00+00:00,N/A,false,true,2024-06-01T12:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,"
         "N/A,N/A,false,N/A,false,N/A")
CSV = "\n".join((HEADER, ROOT, ALICE)) + "\n"


def typed(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as the snapshot stores them: declared types, NULL for AWS's no-value markers."""
    rows = [item_to_row(SPEC, item, "111111111111", "global") for item in items]
    table = pa.Table.from_arrays(to_arrow_columns(SPEC, rows), schema=SPEC.arrow_schema())
    return [{k: v for k, v in row.items() if k != "raw"} for row in table.to_pylist()]


def at(text: str) -> datetime:
    """A UTC datetime from ISO text."""
    return datetime.fromisoformat(text).astimezone(UTC)


def test_hand_built_report_becomes_typed_rows_with_nulls() -> None:
    root, alice = typed(credential_report.parse(CSV.encode(), GENERATED))
    assert root == {
        "account_id": "111111111111", "region": "global", "user": "<root_account>",
        "arn": "arn:aws:iam::111111111111:root", "user_creation_time": at("2020-01-01T00:00:00+00:00"),
        "password_enabled": None, "password_last_used": at("2026-02-01T10:00:00+00:00"),
        "password_last_changed": None, "password_next_rotation": None, "mfa_active": True,
        "access_key_1_active": False, "access_key_1_last_rotated": None, "access_key_1_last_used_date": None,
        "access_key_1_last_used_region": "N/A", "access_key_1_last_used_service": "N/A",
        "access_key_2_active": True, "access_key_2_last_rotated": at("2021-05-05T05:05:05+00:00"),
        "access_key_2_last_used_date": at("2026-02-20T08:00:00+00:00"), "access_key_2_last_used_region": "us-east-1",
        "access_key_2_last_used_service": "s3", "cert_1_active": False, "cert_2_active": False,
        "report_generated_at": GENERATED,
    }
    assert (alice["user"], alice["password_enabled"], alice["password_last_used"], alice["password_last_changed"],
            alice["mfa_active"], alice["access_key_1_active"], alice["access_key_1_last_used_date"]) == (
        "alice", True, None, at("2024-06-01T12:00:00+00:00"), False, True, None)


def test_base64_text_and_str_content_parse_the_same() -> None:
    expected = credential_report.parse(CSV.encode(), GENERATED)
    assert credential_report.parse(base64.b64encode(CSV.encode()).decode(), GENERATED) == expected
    assert credential_report.parse(CSV, GENERATED) == expected
    assert [r["user"] for r in expected] == ["<root_account>", "alice"]
    assert all(r[credential_report.GENERATED_AT] == GENERATED for r in expected)


def test_header_only_report_has_no_rows() -> None:
    assert credential_report.parse(HEADER + "\n", GENERATED) == []


class FakeIAM:
    """An IAM client whose report is in progress for a while, as AWS's is after GenerateCredentialReport."""

    def __init__(self, states: list[str], failures: list[str]) -> None:
        self.states = states
        self.failures = failures
        self.generate_calls = 0
        self.get_calls = 0

    def generate_credential_report(self) -> dict[str, str]:
        self.generate_calls += 1
        return {"State": self.states.pop(0) if self.states else "COMPLETE"}

    def get_credential_report(self) -> dict[str, Any]:
        self.get_calls += 1
        if self.failures:
            code = self.failures.pop(0)
            raise ClientError({"Error": {"Code": code, "Message": "wait"}}, "GetCredentialReport")
        return {"Content": CSV.encode(), "GeneratedTime": GENERATED, "ReportFormat": "text/csv"}


def test_fetch_polls_while_the_report_is_in_progress() -> None:
    client = FakeIAM(["STARTED", "INPROGRESS", "COMPLETE"], ["ReportInProgress", "ReportNotPresent"])
    rows = credential_report.fetch(client, {}, attempts=5, first_delay=0)
    assert (client.generate_calls, client.get_calls) == (3, 3)
    assert [r["user"] for r in rows] == ["<root_account>", "alice"]


def test_fetch_gives_up_after_its_attempts_and_raises() -> None:
    client = FakeIAM([], ["ReportInProgress"] * 10)
    with pytest.raises(ClientError, match="ReportInProgress"):
        credential_report.fetch(client, {}, attempts=3, first_delay=0)
    assert client.get_calls == 3


def test_fetch_raises_other_errors_at_once() -> None:
    client = FakeIAM([], ["AccessDenied"])
    with pytest.raises(ClientError, match="AccessDenied"):
        credential_report.fetch(client, {}, attempts=3, first_delay=0)
    assert client.get_calls == 1


@mock_aws
def test_report_from_moto_through_the_runner() -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Very-long-passw0rd!")
    iam.create_access_key(UserName="alice")
    iam.create_user(UserName="bob")
    clients = AccountClients(boto3.Session(region_name="us-east-1"), CallCounter())
    result = run_table(SPEC, clients, "123456789012", "global", "us-east-1")
    assert result.gaps == []
    rows = typed([r["raw"] for r in result.rows])
    # moto has no <root_account> row (AWS always has one) and reports last-used fields as N/A.
    assert [(r["user"], r["arn"], r["password_enabled"], r["mfa_active"], r["access_key_1_active"],
             r["access_key_2_active"], r["access_key_1_last_used_date"]) for r in rows] == [
        ("alice", "arn:aws:iam::123456789012:user/alice", True, False, True, False, None),
        ("bob", "arn:aws:iam::123456789012:user/bob", False, False, False, False, None),
    ]
    assert all(isinstance(r["report_generated_at"], datetime) and isinstance(r["user_creation_time"], datetime)
               for r in rows)
