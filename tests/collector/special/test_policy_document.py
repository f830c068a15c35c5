"""The policy document normaliser: every legal shape in, one statement list out."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sounding.collector.special.policy_document import (
    PolicyDocumentError,
    condition_entries,
    parse_document,
    statements,
)


def only(document: Any) -> dict[str, Any]:
    """The single statement of a document."""
    [statement] = statements(document)
    return statement


def test_statement_object_with_string_action_and_resource() -> None:
    doc = {"Version": "2012-10-17", "Statement": {"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject",
                                                  "Resource": "arn:aws:s3:::b/*"}}
    assert statements(doc) == [{
        "statement_index": 0, "sid": "One", "effect": "Allow", "actions": ["s3:GetObject"], "not_actions": [],
        "resources": ["arn:aws:s3:::b/*"], "not_resources": [], "principals": None, "not_principals": None,
        "conditions": None}]


def test_statement_list_with_lists_keeps_order_and_indexes() -> None:
    doc = {"Statement": [
        {"Effect": "Allow", "Action": ["ec2:Describe*", "s3:List*"], "Resource": ["*"]},
        {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "NotResource": "arn:aws:iam::1:role/x"},
    ]}
    assert [(s["statement_index"], s["effect"], s["actions"], s["not_actions"], s["resources"], s["not_resources"])
            for s in statements(doc)] == [
        (0, "Allow", ["ec2:Describe*", "s3:List*"], [], ["*"], []),
        (1, "Deny", [], ["iam:*", "sts:*"], [], ["arn:aws:iam::1:role/x"]),
    ]


@pytest.mark.parametrize(("principal", "expected"), [
    ("*", {"*": ["*"]}),
    ({"AWS": "*"}, {"AWS": ["*"]}),
    ({"AWS": "arn:aws:iam::111111111111:root"}, {"AWS": ["arn:aws:iam::111111111111:root"]}),
    ({"AWS": ["arn:aws:iam::1:root", "222222222222"]}, {"AWS": ["arn:aws:iam::1:root", "222222222222"]}),
    ({"Federated": "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"},
     {"Federated": ["arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"]}),
    ({"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"], "AWS": "arn:aws:iam::1:root"},
     {"AWS": ["arn:aws:iam::1:root"], "Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}),
    ({"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}, {"CanonicalUser": ["79a59df900b949e55d96a1e698fbaced"]}),
])
def test_principal_shapes(principal: Any, expected: dict[str, list[str]]) -> None:
    statement = only({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})
    assert statement["principals"] == expected
    assert list(statement["principals"]) == sorted(expected)


def test_not_principal() -> None:
    statement = only({"Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                                    "Action": "*", "Resource": "*"}})
    assert (statement["principals"], statement["not_principals"]) == (None, {"AWS": ["arn:aws:iam::1:root"]})


def test_condition_is_kept_and_flattened() -> None:
    condition = {"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:org/*", "repo:other/x:*"]},
                 "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                 "Bool": {"aws:MultiFactorAuthPresent": True}}
    statement = only({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                                     "Condition": condition}]})
    assert statement["conditions"] == condition
    assert condition_entries(statement["conditions"]) == [
        {"operator": "Bool", "key": "aws:MultiFactorAuthPresent", "values": ["true"]},
        {"operator": "StringEquals", "key": "token.actions.githubusercontent.com:aud", "values": ["sts.amazonaws.com"]},
        {"operator": "StringLike", "key": "token.actions.githubusercontent.com:sub",
         "values": ["repo:org/*", "repo:other/x:*"]},
    ]
    assert condition_entries(None) == []


@pytest.mark.parametrize("text", [
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}',
    quote('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}'),
    re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote('{"Statement":{"Effect":"Allow","Action":"s3:*",'
                                                              '"Resource":"*"}}')),
    "  " + quote('\n{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}'),
    b'{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}',
    quote_plus('{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}'),
])
def test_json_text_url_encoded_text_and_bytes(text: Any) -> None:
    statement = only(text)
    assert (statement["effect"], statement["actions"], statement["resources"]) == ("Allow", ["s3:*"], ["*"])


def test_percent_sign_inside_plain_json_is_not_decoded() -> None:
    statement = only('{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/100%25"}}')
    assert statement["resources"] == ["arn:aws:s3:::b/100%25"]


def test_missing_document_and_missing_statement_have_no_statements() -> None:
    assert statements(None) == []
    assert statements({"Version": "2012-10-17"}) == []
    assert statements({"Statement": []}) == []


def test_sid_must_be_a_string_and_effect_is_text() -> None:
    statement = only({"Statement": {"Sid": 7, "Effect": "Allow", "Action": "*"}})
    assert (statement["sid"], statement["effect"]) == (None, "Allow")


@pytest.mark.parametrize(("document", "message"), [
    ("not json", "not JSON"),
    ("[1, 2]", "must be a JSON object"),
    (["a"], "must be a JSON object, not list"),
    ({"Statement": "Allow everything"}, "Statement must be an object or a list"),
    ({"Statement": ["x"]}, "statement 0 is not an object"),
])
def test_malformed_documents_raise(document: Any, message: str) -> None:
    with pytest.raises(PolicyDocumentError, match=message):
        statements(document)


def test_parse_document_passes_dicts_through() -> None:
    doc = {"Statement": []}
    assert parse_document(doc) is doc


# --- Properties: any legal document normalises, whatever its shape. ---------------------------------
_names = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters='"\\'),
                 min_size=1, max_size=20)
_string_or_list = st.one_of(_names, st.lists(_names, min_size=1, max_size=4))
_principal = st.one_of(
    st.just("*"),
    st.dictionaries(st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser"]), _string_or_list,
                    min_size=1, max_size=3))
_condition = st.dictionaries(st.sampled_from(["StringEquals", "StringLike", "ArnLike", "Bool", "Null"]),
                             st.dictionaries(_names, _string_or_list, min_size=1, max_size=2), min_size=1, max_size=3)


@st.composite
def legal_statement(draw: st.DrawFn) -> dict[str, Any]:
    """A statement with Action or NotAction, Resource or NotResource, maybe a principal and a condition."""
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    statement[draw(st.sampled_from(["Action", "NotAction"]))] = draw(_string_or_list)
    if draw(st.booleans()):
        statement[draw(st.sampled_from(["Resource", "NotResource"]))] = draw(_string_or_list)
    if draw(st.booleans()):
        statement[draw(st.sampled_from(["Principal", "NotPrincipal"]))] = draw(_principal)
    if draw(st.booleans()):
        statement["Condition"] = draw(_condition)
    if draw(st.booleans()):
        statement["Sid"] = draw(st.from_regex(r"[A-Za-z0-9]{1,10}", fullmatch=True))
    return statement


legal_document = st.builds(
    lambda stmts, as_object: {"Version": "2012-10-17", "Statement": stmts[0] if as_object else stmts},
    st.lists(legal_statement(), min_size=1, max_size=5), st.booleans())


def _as_list(value: Any) -> list[str]:
    """What a string-or-list element must normalise to."""
    return [] if value is None else [value] if isinstance(value, str) else list(value)


@settings(max_examples=150, deadline=None)
@given(legal_document)
def test_any_legal_document_normalises(document: dict[str, Any]) -> None:
    raw = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    result = statements(document)
    assert len(result) == len(raw)
    for index, (statement, original) in enumerate(zip(result, raw, strict=True)):
        assert statement["statement_index"] == index
        for key, field in (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"),
                           ("not_resources", "NotResource")):
            assert isinstance(statement[key], list)
            assert statement[key] == _as_list(original.get(field))
        for key, field in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            value = statement[key]
            assert value is None if field not in original else all(isinstance(v, list) for v in value.values())
        assert statement["conditions"] == original.get("Condition")
        flat = condition_entries(statement["conditions"])
        assert len(flat) == sum(len(block) for block in (original.get("Condition") or {}).values())


@settings(max_examples=100, deadline=None)
@given(legal_document)
def test_url_encoding_and_json_text_round_trip(document: dict[str, Any]) -> None:
    text = json.dumps(document)
    assert statements(text) == statements(document)
    assert statements(quote(text)) == statements(document)
    assert statements(quote(text, safe="")) == statements(document)
