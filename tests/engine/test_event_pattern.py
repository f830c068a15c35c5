"""EventBridge pattern matching: the user guide's examples, the probe question, and the SQL function."""

import json

import duckdb
import pytest
from sounding.engine import event_pattern

from tests.engine.event_pattern_examples import CASES


def test_the_guide_examples_are_all_here() -> None:
    assert len(CASES) == 96
    assert len({(page, name) for page, name, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize(("page", "name", "pattern", "event", "expected"), CASES,
                         ids=[f"{page}: {name}" for page, name, *_ in CASES])
def test_guide_example(page: str, name: str, pattern: object, event: object, expected: bool) -> None:
    assert event_pattern.matches(pattern, event) is expected
    assert event_pattern.matches(json.dumps(pattern), json.dumps(event)) is expected


def test_numbers_keep_their_json_text() -> None:
    assert event_pattern.matches('{"n": [3.0e2]}', '{"n": 300.0}') is False
    assert event_pattern.matches('{"n": [3.0e2]}', '{"n": 3.0e2}') is True
    assert event_pattern.matches('{"n": [{"numeric": ["=", 300]}]}', '{"n": 3.0e2}') is True


@pytest.mark.parametrize("pattern", [
    '[]', '{}', '{"source": "aws.iam"}', '{"source": []}', '{"source": [{"prefix": 1}]}',
    '{"n": [{"numeric": [">"]}]}', '{"n": [{"numeric": ["~", 1]}]}', '{"ip": [{"cidr": "10.0.0.0/99"}]}',
    '{"x": [{"exists": "yes"}]}', '{"$or": []}', '{"$or": {"a": ["b"]}}', '{"x": [{"unknown-op": 1}]}',
    '{"x": [{"anything-but": {"contains": "a"}}]}', 'not json',
])
def test_an_invalid_pattern_admits_nothing(pattern: str) -> None:
    assert event_pattern.admits(pattern, '{"source": "aws.iam"}') is False


IAM_PROBE = json.dumps({"source": "aws.iam", "detail-type": "AWS API Call via CloudTrail",
                        "detail": {"eventSource": "iam.amazonaws.com"}})


@pytest.mark.parametrize(("pattern", "expected"), [
    ({"source": ["aws.iam"]}, True),
    ({"source": ["aws.iam"], "detail": {"eventName": ["CreateAccessKey"]}}, True),  # unknown field: open
    ({"detail": {"eventSource": ["iam.amazonaws.com"]}}, True),
    ({"detail": {"eventSource": ["s3.amazonaws.com"]}}, False),
    ({"source": ["aws.s3"]}, False),
    ({"source": [{"anything-but": {"prefix": "aws."}}]}, False),
    ({"$or": [{"source": ["aws.s3"]}, {"detail-type": ["AWS API Call via CloudTrail"]}]}, True),
    ({"$or": [{"source": ["aws.s3"]}, {"detail-type": ["AWS Console Sign In via CloudTrail"]}]}, False),
    ({"detail": {"$or": [{"eventSource": ["iam.amazonaws.com"]}, {"eventName": ["X"]}]}}, True),
    ({"source": [{"exists": False}]}, False),
    ({"detail": {"errorCode": [{"exists": False}]}}, True),
    ({"detail-type": [{"wildcard": "AWS * via CloudTrail"}]}, True),
    ({"source": [{"equals-ignore-case": "AWS.IAM"}]}, True),
])
def test_admits_judges_only_the_probe_fields(pattern: dict, expected: bool) -> None:
    assert event_pattern.admits(json.dumps(pattern), IAM_PROBE) is expected


def test_the_sql_function_and_the_per_field_macro() -> None:
    con = duckdb.connect()
    event_pattern.register(con)
    rows = con.execute(
        "SELECT event_pattern_admits(p, ?), event_pattern_accepts(p, 'source', 'aws.iam') "
        "FROM (VALUES ('{\"source\": [\"aws.iam\"]}'), ('{\"source\": [\"aws.s3\"]}'), (NULL)) AS t(p)",
        [IAM_PROBE]).fetchall()
    assert rows == [(True, True), (False, False), (None, None)]
