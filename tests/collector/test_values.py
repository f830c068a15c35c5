"""Items become typed rows exactly as declared."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sounding.collector.declarations import BOOL, INT, JSON, STRING, STRINGS, TIMESTAMP, Column, TableSpec
from sounding.collector.values import coerce, item_to_row, to_arrow_columns, to_json

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
