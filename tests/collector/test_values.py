"""Items become typed rows exactly as declared."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sounding.collector.declarations import BOOL, FLOAT, INT, JSON, STRING, STRINGS, TIMESTAMP, Column, TableSpec
from sounding.collector.values import ValueProblem, coerce, item_to_row, to_arrow_columns, to_json, typed_item_row

SPEC = TableSpec(
    name="things", service="svc", operation="ListThings", scope="regional", items="Things",
    columns=(Column("thing_name", STRING, "Name"), Column("size", INT, "Meta.Size"),
             Column("tags", STRINGS, "Tags"), Column("created", TIMESTAMP, "Created"),
             Column("parent_arn", STRING, "_parent.arn")),
    key=("thing_name",), doc="test")


def test_item_to_row_reads_paths_parent_and_keeps_raw() -> None:
    item = {"Name": "a", "Meta": {"Size": 3}, "Tags": ["x"], "Created": datetime(2026, 1, 2, tzinfo=UTC)}
    row = item_to_row(SPEC, item, "111111111111", "eu-west-1", {"arn": "arn:p"})
    assert row == {"account_id": "111111111111", "region": "eu-west-1", "thing_name": "a", "size": 3,
                   "tags": ["x"], "created": datetime(2026, 1, 2, tzinfo=UTC), "parent_arn": "arn:p",
                   "raw": item}
    assert "_parent" not in item


@pytest.mark.parametrize(("kind", "value", "expected"), [
    (BOOL, "true", True), (BOOL, "false", False), (BOOL, "N/A", None), (BOOL, "not_supported", None),
    (INT, "14", 14), (INT, "N/A", None), (STRING, 5, "5"), (STRINGS, "one", ["one"]),
    (TIMESTAMP, "2026-01-02T03:04:05+00:00", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    (TIMESTAMP, "2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    (TIMESTAMP, "no_information", None), (TIMESTAMP, "", None),
    (TIMESTAMP, datetime(2026, 1, 2), datetime(2026, 1, 2, tzinfo=UTC)),
    (JSON, {"b": 1, "a": [1, 2]}, '{"a":[1,2],"b":1}'),
])
def test_coerce(kind: str, value: object, expected: object) -> None:
    assert coerce(Column("c", kind), value) == expected


def test_coerce_refuses_nonsense_booleans() -> None:
    with pytest.raises(ValueError, match="not a boolean"):
        coerce(Column("c", BOOL), "maybe")


def test_arrow_columns_name_the_table_and_column_on_bad_values() -> None:
    with pytest.raises(ValueError, match="table things, column size"):
        to_arrow_columns(SPEC, [{"account_id": "1", "region": "r", "size": "big"}])


def test_to_json_is_deterministic_with_datetimes() -> None:
    value = {"z": datetime(2026, 1, 1, tzinfo=UTC), "a": b"x"}
    assert to_json(value) == '{"a":"x","z":"2026-01-01T00:00:00Z"}'


@pytest.mark.parametrize(("kind", "value", "expected"), [
    (TIMESTAMP, "2026-01-02T03:04:05.123Z", datetime(2026, 1, 2, 3, 4, 5, 123000, tzinfo=UTC)),
    (TIMESTAMP, "2026-01-02T03:04:05+0100", datetime(2026, 1, 2, 2, 4, 5, tzinfo=UTC)),
    (TIMESTAMP, "2026-01-02T03:04:05", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    # Epoch seconds: the JSON protocols' timestamp form (https://smithy.io/2.0/spec/protocol-traits.html#timestampformat-trait).
    (TIMESTAMP, 1767323045, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    (TIMESTAMP, "1767323045.5", datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
    # RFC 822 / HTTP-date: the rest protocols' header form (smithy timestampFormat http-date).
    (TIMESTAMP, "Fri, 02 Jan 2026 03:04:05 GMT", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    (INT, 12.0, 12), (INT, " 7 ", 7), (BOOL, 1, True), (BOOL, 0, False),
    (STRINGS, ("a", None, 3), ["a", None, "3"]), (STRING, b"bytes", "bytes"),
], ids=["iso_millis", "iso_offset_without_colon", "iso_naive_is_utc", "epoch_int", "epoch_text", "http_date",
        "integral_float", "int_text_spaces", "bool_one", "bool_zero", "strings_tuple", "string_bytes"])
def test_coerce_reads_every_form_aws_protocols_use(kind: str, value: object, expected: object) -> None:
    assert coerce(Column("c", kind), value) == expected


@pytest.mark.parametrize(("kind", "value"), [
    (TIMESTAMP, "yesterday"), (TIMESTAMP, "March"), (TIMESTAMP, "2026-13-45T00:00:00Z"), (TIMESTAMP, 1e300),
    (TIMESTAMP, "1e400"), (TIMESTAMP, {"at": 1}), (TIMESTAMP, True),
    (INT, "twelve"), (INT, "12.5"), (INT, 12.5), (INT, float("nan")), (INT, float("inf")), (INT, 2**64),
    (INT, True), (INT, ["1"]), (FLOAT, "fast"), (FLOAT, {"a": 1}), (FLOAT, 10**400),
    (BOOL, "maybe"), (BOOL, 2), (BOOL, {"on": True}), (STRINGS, {"a": 1}), (STRINGS, 5),
    (STRING, "lone \ud800 surrogate"),
])
def test_coerce_refuses_what_the_declared_type_cannot_hold(kind: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"^not a valid {kind}"):
        coerce(Column("c", kind), value)


def test_typed_item_row_turns_untypable_values_into_null_and_problems() -> None:
    item = {"Name": "a", "Meta": {"Size": "big"}, "Tags": {"k": "v"}, "Created": "yesterday"}
    row, problems = typed_item_row(SPEC, item, "111111111111", "eu-west-1")
    assert (row["thing_name"], row["size"], row["tags"], row["created"]) == ("a", None, None, None)
    assert row["raw"] == item
    assert problems == [ValueProblem("size", "not a valid int: text that is not an integer"),
                        ValueProblem("tags", "not a valid strings: a dict"),
                        ValueProblem("created", "not a valid timestamp: text in no known date form")]
    names = [c.name for c in SPEC.all_columns]
    typed = dict(zip(names, (a.to_pylist()[0] for a in to_arrow_columns(SPEC, [row])), strict=True))
    assert (typed["thing_name"], typed["size"], typed["tags"], typed["created"]) == ("a", None, None, None)


def test_typed_item_row_survives_a_path_that_fails_on_the_items_shape() -> None:
    spec = TableSpec(name="t", service="s", operation="O", scope="global", items="",
                     columns=(Column("n", INT, "length(Name)"), Column("name", STRING, "Name")), key=(), doc="t")
    row, problems = typed_item_row(spec, {"Name": 5}, "111111111111", "global")
    assert (row["n"], row["name"], problems) == (None, 5, [ValueProblem("n", "could not be read from the item")])


def test_the_value_itself_is_never_quoted_in_a_problem() -> None:
    _, problems = typed_item_row(SPEC, {"Meta": {"Size": "AKIAIOSFODNN7EXAMPLE"}}, "1", "r")
    assert "AKIA" not in repr(problems)
