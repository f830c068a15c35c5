"""CloudWatch Logs filter patterns evaluated as AWS documents them (Filter pattern syntax for metric filters)."""

from __future__ import annotations

import duckdb
import pytest
from sounding.engine import filter_pattern
from sounding.engine.filter_pattern import FilterPatternError, matches, parse

UNAUTHORIZED_V5 = ('{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
                   '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }')
ROOT = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'


@pytest.mark.parametrize(("pattern", "event", "expected"), [
    # Wildcards: prefix, suffix, both ends; matching is case-sensitive.
    (UNAUTHORIZED_V5, {"errorCode": "Client.UnauthorizedOperation", "sourceIPAddress": "1.2.3.4",
                       "eventName": "RunInstances"}, True),
    (UNAUTHORIZED_V5, {"errorCode": "AccessDeniedException", "sourceIPAddress": "1.2.3.4",
                       "eventName": "GetObject"}, True),
    (UNAUTHORIZED_V5, {"errorCode": "accessdenied", "sourceIPAddress": "1.2.3.4", "eventName": "x"}, False),
    (UNAUTHORIZED_V5, {"errorCode": "AccessDenied", "sourceIPAddress": "delivery.logs.amazonaws.com",
                       "eventName": "PutObject"}, False),
    (UNAUTHORIZED_V5, {"errorCode": "AccessDenied", "sourceIPAddress": "1.2.3.4", "eventName": "HeadBucket"},
     False),
    # NOT EXISTS and != on nested selectors.
    (ROOT, {"userIdentity": {"type": "Root"}, "eventType": "AwsApiCall"}, True),
    (ROOT, {"userIdentity": {"type": "Root", "invokedBy": "s3.amazonaws.com"}, "eventType": "AwsApiCall"}, False),
    (ROOT, {"userIdentity": {"type": "IAMUser"}, "eventType": "AwsApiCall"}, False),
    # && binds tighter than ||; unquoted values; numbers; booleans; IS NULL; array index.
    ('{ $.a = 1 || $.b = x && $.c = y }', {"a": 1}, True),
    ('{ $.a = 1 || $.b = x && $.c = y }', {"b": "x"}, False),
    ('{ ($.a = 1 || $.b = x) && $.c = y }', {"a": 1}, False),
    ('{ $.latency >= 1000 }', {"latency": 1500}, True),
    ('{ $.latency < 1000 }', {"latency": "fast"}, False),
    ('{ $.ok IS TRUE }', {"ok": True}, True),
    ('{ $.ok IS FALSE }', {"ok": True}, False),
    ('{ $.v IS NULL }', {"v": None}, True),
    ('{ $.items[1].id = "b" }', {"items": [{"id": "a"}, {"id": "b"}]}, True),
    ('{ $.eventName = %^Delete.*Policy$% }', {"eventName": "DeleteRolePolicy"}, True),
    ('{ $.eventName = %^Delete.*Policy$% }', {"eventName": "PutRolePolicy"}, False),
    # The empty pattern matches everything; term patterns match the event's text.
    ("", {"anything": 1}, True),
    ('"ConsoleLogin"', {"eventName": "ConsoleLogin"}, True),
    ("ConsoleLogin -Success", {"eventName": "ConsoleLogin", "r": "Success"}, False),
    ("?StopLogging ?DeleteTrail", {"eventName": "DeleteTrail"}, True),
    ("consolelogin", {"eventName": "ConsoleLogin"}, False),
    ("%Delete[A-Za-z]*Trail%", {"eventName": "DeleteTrail"}, True),
])
def test_matches(pattern: str, event: dict, expected: bool) -> None:
    """Each pattern form decides one event."""
    assert matches(pattern, event) is expected


@pytest.mark.parametrize("pattern", ["{ $.a = }", "{ $.a = 1", "{ $.a ~ 1 }", "{ ($.a = 1 }", "[ip, user]"])
def test_unevaluable_patterns_are_none_never_a_match(pattern: str) -> None:
    """A pattern that cannot be evaluated on JSON events gives None, so a rule cannot count it as cover."""
    assert matches(pattern, {"a": 1}) is None


def test_parse_rejects_a_pattern_without_braces() -> None:
    """parse() is for the JSON form only."""
    with pytest.raises(FilterPatternError):
        parse("$.a = 1")


def test_registered_sql_function() -> None:
    """Rules call filter_pattern_matches(pattern, event_json); NULL in is NULL out."""
    con = duckdb.connect()
    filter_pattern.register(con)
    assert con.execute("SELECT filter_pattern_matches('{ $.a = \"x*\" }', '{\"a\": \"xyz\"}'), "
                       "filter_pattern_matches(NULL, '{}'), filter_pattern_matches('[a]', '{}')").fetchone() == (
        True, None, None)
