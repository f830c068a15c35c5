"""The snapshot contract: one schema decides what a manifest is, for both format versions."""

from __future__ import annotations

import copy
import json
import tomllib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sounding.collector.contract import (
    ALL_TABLES_GAP,
    GLOBAL_REGION,
    ContractError,
    Gap,
    Manifest,
    check,
    iso,
    parse_nested,
    parse_time,
    read_manifest,
    schema,
)
from sounding.collector.declarations import ARROW_TYPES
from sounding.collector.synthetic import build_snapshot
from sounding.collector.tables import TABLES_BY_NAME


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, Any]]:
    """A real manifest of each format version, written by the writer."""
    found = {}
    for version in (1, 2):
        out = tmp_path_factory.mktemp(f"v{version}") / "snap"
        build_snapshot(out, {"iam_password_policy": [{"account_id": "111111111111"}]},
                       tables=["regions", "iam_password_policy"], format_version=version,
                       gaps=[{"account_id": "111111111111", "table": "regions"}])
        found[version] = json.loads((out / "manifest.json").read_text())
    return found


def damage(manifest: dict[str, Any], change: str) -> dict[str, Any]:
    """A copy of manifest with one hostile change (a Python statement on `m`)."""
    m = copy.deepcopy(manifest)
    exec(change, {}, {"m": m})
    return m


# Each: a change, and the part of the message that names where the manifest breaks the contract.
HOSTILE = [
    ('m["gaps"] = [{}]', "gaps[0] lacks account_id"),
    ('m["accounts"] = "x"', "accounts must be array, not string"),
    ('m["accounts"] = [{"account_id": 7}]', "accounts[0].account_id must be string, not integer"),
    ('m["accounts"][0]["regions"] = [["us-east-1"]]', "accounts[0].regions[0] must be string, not array"),
    ('m["accounts"][0]["reachable"] = "yes"', "accounts[0].reachable must be boolean"),
    ('m["tables"] = {}', "tables is empty"),
    ('m["tables"] = []', "tables must be object, not array"),
    ('m["tables"]["sounding_gaps"] = m["tables"]["regions"]', "the name 'sounding_gaps' is not allowed"),
    ('m["tables"]["account_regions"] = m["tables"]["regions"]', "the name 'account_regions' is not allowed"),
    ('m["tables"]["events_alert_rules"] = m["tables"]["regions"]', "'events_alert_rules' is not allowed"),
    ('m["tables"]["regions"]["files"] = []', "tables.regions.files is empty"),
    ('m["tables"]["regions"]["files"][0]["rows"] = "1"', "tables.regions.files[0].rows must be integer"),
    ('m["tables"]["regions"]["files"][0]["rows"] = True', "tables.regions.files[0].rows must be integer"),
    ('m["tables"]["regions"]["files"][0]["sha256"] = "abc"', "files[0].sha256 has an invalid value"),
    ('m["tables"]["regions"]["files"][0]["path"] = "tables/../../x.parquet"', "files[0].path has an invalid"),
    ('m["tables"]["regions"]["files"][0]["path"] = "/etc/x.parquet"', "files[0].path has an invalid value"),
    ('m["tables"]["regions"]["schema"][0]["type"] = "blob"', "schema[0].type must be one of"),
    ('m["tables"]["regions"]["rows"] = -1', "tables.regions.rows must be at least 0"),
    ('m["collection"]["finished_at"] = "2026-03-01T12:00:00"', "collection.finished_at has an invalid value"),
    ('m["collection"]["started_at"] = 5', "collection.started_at must be string"),
    ('m["caller"] = "me"', "caller must be object"),
    ('m["api_calls"] = 1.5', "api_calls must be integer"),
    ('m["options"] = {"x": [[[]]]}', "options.x[0] must be string or number"),
    ('m["format_version"] = "2"', "format_version must be integer"),
    ('del m["gaps"]', "the top level lacks gaps"),
]


@pytest.mark.parametrize(("version", "change", "message"), [(v, c, msg) for v in (1, 2) for c, msg in HOSTILE])
def test_hostile_manifests_are_refused_naming_the_place(manifests, version: int, change: str, message: str) -> None:
    bad = damage(manifests[version], change)
    with pytest.raises(ContractError) as info:
        check(bad)
    assert message in str(info.value)
    # The shipped schema says the same, read by the reference implementation.
    assert not jsonschema.Draft202012Validator(schema()).is_valid(bad)


def test_version_specific_members(manifests) -> None:
    v1_file_without_account = damage(manifests[1], 'del m["tables"]["regions"]["files"][0]["account_id"]')
    with pytest.raises(ContractError, match=r"tables.regions.files\[0\] lacks account_id"):
        check(v1_file_without_account)
    v2_without_rows = damage(manifests[2], 'del m["tables"]["regions"]["account_rows"]')
    with pytest.raises(ContractError, match=r"tables\.regions lacks account_rows"):
        check(v2_without_rows)
    v2_two_files = damage(manifests[2], 'm["tables"]["regions"]["files"] *= 2')
    with pytest.raises(ContractError, match=r"tables\.regions\.files has more than 1 items"):
        check(v2_two_files)


def test_written_manifests_are_valid_and_round_trip(manifests) -> None:
    validator = jsonschema.Draft202012Validator(schema())
    for manifest in manifests.values():
        check(manifest)
        validator.validate(manifest)
        assert json.loads(Manifest.from_dict(manifest).to_json()) == manifest


def test_the_schema_is_valid_json_schema_and_names_every_column_type() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$defs"]["column"]["properties"]["type"]["enum"] == list(ARROW_TYPES)


def test_the_newest_version_is_named_before_the_schema_speaks(manifests) -> None:
    with pytest.raises(ContractError, match="format version 3 is newer than this Sounding reads"):
        check(damage(manifests[2], 'm["format_version"] = 3'))


def test_deep_nesting_is_a_clean_error() -> None:
    deep = "[" * 50_000 + "]" * 50_000
    with pytest.raises(ContractError, match="nested too deeply"):
        read_manifest(deep)
    with pytest.raises(ContractError, match="nested too deeply"):
        parse_nested(tomllib.loads, "a = " + "[" * 50_000 + "]" * 50_000)


def test_times_carry_a_zone_and_are_written_in_utc() -> None:
    assert iso(datetime(2026, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))) == "2026-03-01T12:00:00.000000Z"
    assert parse_time("2026-03-01T14:00:00+02:00") == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="has no time zone"):
        parse_time("2026-03-01T12:00:00")
    with pytest.raises(ValueError, match="must carry a time zone"):
        iso(datetime(2026, 3, 1))


def test_gap_named_constructors() -> None:
    spec = TABLES_BY_NAME["regions"]
    gap = Gap.for_table(spec, account_id="1", region="us-east-1", error_code="AccessDenied",
                        error_kind="access_denied", message="no")
    assert gap.to_dict() == {"account_id": "1", "region": "us-east-1", "table": "regions", "service": spec.service,
                             "operation": spec.operation, "error_code": "AccessDenied",
                             "error_kind": "access_denied", "message": "no"}
    every = Gap.for_all_tables(account_id="1", service="sts", operation="AssumeRole", error_code="AccessDenied",
                               error_kind="access_denied", message="no")
    assert (every.table, every.region) == (ALL_TABLES_GAP, GLOBAL_REGION)
    assert Gap.from_dict(every.to_dict()) == every


def test_schema_file_ships_as_package_data() -> None:
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert "manifest.schema.json" in pyproject["tool"]["setuptools"]["package-data"]["sounding.collector"]
