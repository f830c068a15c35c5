"""Retries follow botocore's conventions, --regions names real regions, odd timestamps do not lose a call."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from sounding.collector.account import CredentialsError, make_session
from sounding.collector.aws import (
    AccountClients,
    CallCounter,
    RetrySettings,
    SettingsError,
    partition_regions,
    retry_settings,
    session_retry_settings,
    unknown_regions,
)
from sounding.collector.run import INVALID_VALUE, run_table
from sounding.collector.tables import TABLES_BY_NAME

ACCOUNT = "123456789012"


# https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html: AWS_MAX_ATTEMPTS and the
# profile's max_attempts count every attempt (the first call included); AWS_RETRY_MODE / retry_mode
# choose legacy, standard or adaptive. Ours override them; the default stays adaptive, 11 attempts.
@pytest.mark.parametrize(("environ", "profile", "expected"), [
    ({}, {}, RetrySettings("adaptive", 11, 60.0)),
    ({"AWS_MAX_ATTEMPTS": "4", "AWS_RETRY_MODE": "standard"}, {}, RetrySettings("standard", 4, 60.0)),
    ({}, {"max_attempts": "2", "retry_mode": "legacy"}, RetrySettings("legacy", 2, 60.0)),
    ({"AWS_MAX_ATTEMPTS": "4"}, {"max_attempts": "2", "retry_mode": "legacy"}, RetrySettings("legacy", 4, 60.0)),
    ({"SOUNDING_MAX_ATTEMPTS": "7", "AWS_MAX_ATTEMPTS": "4", "SOUNDING_RETRY_MODE": "adaptive",
      "AWS_RETRY_MODE": "legacy", "SOUNDING_READ_TIMEOUT": "2.5"}, {"max_attempts": "2"},
     RetrySettings("adaptive", 7, 2.5)),
], ids=["defaults", "aws_environment", "profile", "environment_over_profile", "sounding_over_everything"])
def test_retry_settings_follow_botocore_conventions(environ: dict[str, str], profile: dict[str, str],
                                                    expected: RetrySettings) -> None:
    assert retry_settings(profile, environ) == expected


@pytest.mark.parametrize(("environ", "profile", "named"), [
    ({"AWS_MAX_ATTEMPTS": "many"}, {}, "AWS_MAX_ATTEMPTS"),
    ({"SOUNDING_MAX_ATTEMPTS": "0"}, {}, "SOUNDING_MAX_ATTEMPTS"),
    ({"AWS_RETRY_MODE": "eager"}, {}, "AWS_RETRY_MODE"),
    ({}, {"retry_mode": "eager"}, "profile retry_mode"),
    ({"SOUNDING_READ_TIMEOUT": "soon"}, {}, "SOUNDING_READ_TIMEOUT"),
], ids=["aws_attempts", "zero_attempts", "aws_mode", "profile_mode", "timeout"])
def test_a_bad_setting_is_an_error_naming_where_it_came_from(environ: dict[str, str], profile: dict[str, str],
                                                             named: str) -> None:
    with pytest.raises(SettingsError, match=f"^{named}: "):
        retry_settings(profile, environ)


def test_the_config_counts_total_attempts() -> None:
    config = RetrySettings("standard", 4, 9.0).config()
    assert config.retries == {"mode": "standard", "total_max_attempts": 4}
    assert config.read_timeout == 9.0
    assert RetrySettings("standard", 4).config(max_attempts=3).retries["total_max_attempts"] == 3
    assert RetrySettings("standard", 2).config(max_attempts=3).retries["total_max_attempts"] == 2


def test_a_profiles_settings_reach_the_clients(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.write_text("[profile audit]\nregion = eu-west-1\nmax_attempts = 3\nretry_mode = standard\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    for name in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "SOUNDING_MAX_ATTEMPTS", "SOUNDING_RETRY_MODE"):
        monkeypatch.delenv(name, raising=False)
    session = make_session("audit")
    assert session_retry_settings(session) == RetrySettings("standard", 3, 60.0)
    monkeypatch.setenv("SOUNDING_MAX_ATTEMPTS", "5")
    assert session_retry_settings(session) == RetrySettings("standard", 5, 60.0)


@pytest.mark.parametrize(("profile", "environ", "message"), [
    ("nowhere", {}, "profile 'nowhere' (from --profile) is not defined"),
    (None, {"AWS_PROFILE": "ghost"}, "profile 'ghost' (from AWS_PROFILE) is not defined"),
], ids=["option", "environment"])
def test_a_missing_profile_says_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str | None,
                                         environ: dict[str, str], message: str) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(CredentialsError, match=re.escape(message)):
        make_session(profile)


def test_regions_are_checked_against_botocores_partition_data() -> None:
    assert "eu-west-1" in partition_regions("aws") and "cn-north-1" in partition_regions("aws-cn")
    assert unknown_regions(["eu-west-1", "xx-nowhere-1", "cn-north-1"], "aws") == ["xx-nowhere-1", "cn-north-1"]
    assert unknown_regions(["eu-west-1", "xx-nowhere-1", "cn-north-1"]) == ["xx-nowhere-1"]
    assert partition_regions("no-such-partition") == []


class _Body:
    """A raw HTTP body as botocore's AWSResponse reads it."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload

    def stream(self, **_: Any) -> Any:
        yield self.payload


ACCESS_KEYS_ANSWER = (
    b'<ListAccessKeysResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListAccessKeysResult>'
    b"<AccessKeyMetadata><member><UserName>alice</UserName><AccessKeyId>AKIAOLDKEY0000000001</AccessKeyId>"
    b"<Status>Active</Status><CreateDate>last tuesday</CreateDate></member>"
    b"<member><UserName>alice</UserName><AccessKeyId>AKIAOLDKEY0000000002</AccessKeyId>"
    b"<Status>Inactive</Status><CreateDate>2026-01-02T03:04:05Z</CreateDate></member></AccessKeyMetadata>"
    b"<IsTruncated>false</IsTruncated></ListAccessKeysResult>"
    b"<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListAccessKeysResponse>"
)


def test_a_timestamp_in_an_unexpected_form_is_null_and_a_gap_not_a_lost_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    session = boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name="us-east-1")
    session.events.register("before-send.iam.ListAccessKeys",
                            lambda request, **_: AWSResponse(request.url, 200, {}, _Body(ACCESS_KEYS_ANSWER)))
    result = run_table(TABLES_BY_NAME["iam_access_keys"], AccountClients(session, CallCounter()), ACCOUNT,
                       "global", "us-east-1", [{"user_name": "alice"}])
    assert [(r["access_key_id"][-1], r["status"], str(r["create_date"])) for r in result.rows] == [
        ("1", "Active", "None"), ("2", "Inactive", "2026-01-02 03:04:05+00:00")]
    assert [(g.table, g.region, g.error_code, g.error_kind, g.message) for g in result.gaps] == [
        ("iam_access_keys", "global", INVALID_VALUE, "other", "1 value(s) could not be typed and were stored "
         "as NULL: create_date (not a valid timestamp: text in no known date form) x1")]
