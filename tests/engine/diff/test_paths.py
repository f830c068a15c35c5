"""JSON path differences: objects by key, lists by identity or index, ignored paths."""

from __future__ import annotations

from sounding.engine.diff.paths import json_changes, list_identity


def dicts(changes: list) -> list[dict]:
    return [c.to_dict() for c in changes]


def test_nested_value_change_is_one_path() -> None:
    old = {"PasswordPolicy": {"MinimumPasswordLength": 8, "RequireSymbols": True}}
    new = {"PasswordPolicy": {"MinimumPasswordLength": 14, "RequireSymbols": True}}
    assert dicts(json_changes(old, new)) == [{"path": "PasswordPolicy.MinimumPasswordLength", "old": 8, "new": 14}]


def test_added_and_removed_keys_leave_out_the_absent_side() -> None:
    assert dicts(json_changes('{"a": 1}', '{"b": null}')) == [
        {"path": "a", "old": 1}, {"path": "b", "new": None}]


def test_lists_of_objects_are_matched_by_an_obvious_identity() -> None:
    old = {"Tags": [{"Key": "Owner", "Value": "ann"}, {"Key": "Env", "Value": "dev"}]}
    new = {"Tags": [{"Key": "Env", "Value": "prod"}, {"Key": "Team", "Value": "sec"}]}
    assert dicts(json_changes(old, new)) == [
        {"path": "Tags[Key=Env].Value", "old": "dev", "new": "prod"},
        {"path": "Tags[Key=Owner]", "old": {"Key": "Owner", "Value": "ann"}},
        {"path": "Tags[Key=Team]", "new": {"Key": "Team", "Value": "sec"}},
    ]


def test_identity_by_suffix_when_no_common_name_fits() -> None:
    old = [{"PolicyArn": "arn:a", "Level": 1}, {"PolicyArn": "arn:b", "Level": 1}]
    new = [{"PolicyArn": "arn:b", "Level": 2}]
    assert list_identity(old, new) == "PolicyArn"
    assert dicts(json_changes(old, new)) == [
        {"path": "[PolicyArn=arn:a]", "old": {"PolicyArn": "arn:a", "Level": 1}},
        {"path": "[PolicyArn=arn:b].Level", "old": 1, "new": 2},
    ]


def test_lists_without_a_unique_identity_are_compared_by_index() -> None:
    old = {"Statement": [{"Effect": "Allow"}, {"Effect": "Deny"}]}
    new = {"Statement": [{"Effect": "Allow"}, {"Effect": "Allow"}, {"Effect": "Deny"}]}
    assert dicts(json_changes(old, new)) == [
        {"path": "Statement[1].Effect", "old": "Deny", "new": "Allow"},
        {"path": "Statement[2]", "new": {"Effect": "Deny"}},
    ]


def test_lists_of_scalars_are_one_value_and_type_changes_count() -> None:
    assert dicts(json_changes({"Regions": ["a", "b"]}, {"Regions": ["a", "c"]})) == [
        {"path": "Regions", "old": ["a", "b"], "new": ["a", "c"]}]
    assert dicts(json_changes({"Port": 1}, {"Port": True})) == [{"path": "Port", "old": 1, "new": True}]


def test_odd_keys_are_quoted_and_ignored_paths_are_skipped() -> None:
    old = {"a b": 1, "Info": {"lastTime": "t1", "status": "OK"}, "when": 1}
    new = {"a b": 2, "Info": {"lastTime": "t2", "status": "OK"}, "when": 2}
    assert dicts(json_changes(old, new, ignore=["Info.lastTime", "when"])) == [
        {"path": '["a b"]', "old": 1, "new": 2}]


def test_equal_documents_have_no_changes() -> None:
    assert json_changes('{"a": [1, {"b": 2}]}', {"a": [1, {"b": 2}]}) == []


def test_lists_of_scalars_compare_as_their_json_text() -> None:
    # A list of scalars is one value, equal when it encodes alike: 1 is not 1.0 nor true, -0.0 is
    # not 0.0, NaN equals NaN, and the order of an object's keys does not matter.
    for old, new in (([1], [1.0]), ([1], [True]), ([-0.0], [0.0]), ([0], [False]), (["1"], [1])):
        assert dicts(json_changes({"V": old}, {"V": new})) == [{"path": "V", "old": old, "new": new}]
    for same in ([float("nan")], [None], [1, "a", 2.5], []):
        assert json_changes({"V": same}, {"V": list(same)}) == []
    assert json_changes('[{"a": 1, "b": [true]}]', '[{"b": [true], "a": 1}]') == []
    assert dicts(json_changes('[{"a": 1, "b": [true]}]', '[{"b": [1], "a": 1}]')) == [
        {"path": "[0].b", "old": [True], "new": [1]}]


def test_an_object_holding_nan_that_encodes_alike_has_no_change() -> None:
    # NaN != NaN, yet two objects that encode to the same text are the same object.
    same = '"x": {"a": NaN}, "l": [{"Id": 1, "v": NaN}]'
    old, new = f'{{{same}, "b": 1}}', f'{{{same}, "b": 2}}'
    assert dicts(json_changes(old, new)) == [{"path": "b", "old": 1, "new": 2}]
    assert json_changes('{"x": [NaN]}', '{"x": [NaN]}') == []
