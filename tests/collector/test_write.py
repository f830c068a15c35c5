"""Snapshots are written typed, private, checksummed, and only ever appear complete."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from sounding.collector.gaps import Gap
from sounding.collector.tables import TABLES_BY_NAME
from sounding.collector.write import FORMAT_VERSION, SnapshotExistsError, SnapshotWriter, sha256_file

SPECS = [TABLES_BY_NAME["iam_password_policy"], TABLES_BY_NAME["regions"]]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 1, 12, 5, tzinfo=UTC)


def write(out: Path, **kwargs: object) -> Path:
    writer = SnapshotWriter(out, SPECS)
    writer.write_account("iam_password_policy", "111111111111",
                         [{"account_id": "111111111111", "region": "global", "minimum_password_length": 8,
                           "raw": {"MinimumPasswordLength": 8}}])
    writer.write_account("iam_password_policy", "222222222222", [])
    return writer.finish(started_at=T0, finished_at=T1, caller={"arn": "arn:aws:iam::111111111111:user/a",
                                                                  "account_id": "111111111111"},
                         accounts=[{"account_id": "111111111111", "regions": ["us-east-1"]},
                                   {"account_id": "222222222222", "regions": []}],
                         gaps=[Gap("222222222222", "global", "regions", "ec2", "DescribeRegions", "AccessDenied",
                                   "access_denied", "denied")],
                         api_calls=7, **kwargs)


def test_manifest_lists_everything(tmp_path: Path) -> None:
    out = write(tmp_path / "snap")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "sounding-snapshot"
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["collection"] == {"started_at": "2026-03-01T12:00:00.000000Z",
                                      "finished_at": "2026-03-01T12:05:00.000000Z"}
    assert manifest["regions"] == ["us-east-1"]
    assert manifest["api_calls"] == 7
    assert manifest["gaps"] == [{"account_id": "222222222222", "region": "global", "table": "regions",
                                 "service": "ec2", "operation": "DescribeRegions", "error_code": "AccessDenied",
                                 "error_kind": "access_denied", "message": "denied"}]
    policy = manifest["tables"]["iam_password_policy"]
    assert policy["rows"] == 1
    assert policy["primary_key"] == ["account_id", "region"]
    assert [f["path"] for f in policy["files"]] == ["tables/iam_password_policy/111111111111.parquet",
                                                    "tables/iam_password_policy/222222222222.parquet"]
    for f in policy["files"]:
        assert sha256_file(out / f["path"]) == f["sha256"]
    # A table no account wrote still exists, typed and empty.
    assert manifest["tables"]["regions"]["files"][0]["path"] == "tables/regions/_empty.parquet"


def test_schema_comes_from_the_declaration_even_when_empty(tmp_path: Path) -> None:
    out = write(tmp_path / "snap")
    schema = pq.read_schema(out / "tables/iam_password_policy/222222222222.parquet")
    assert schema.names == [c.name for c in TABLES_BY_NAME["iam_password_policy"].all_columns]
    assert str(schema.field("minimum_password_length").type) == "int64"
    assert str(schema.field("require_symbols").type) == "bool"


def test_plain_duckdb_reads_a_table_with_one_glob(tmp_path: Path) -> None:
    out = write(tmp_path / "snap")
    rows = duckdb.sql(f"SELECT account_id, minimum_password_length, raw FROM "
                      f"read_parquet('{out}/tables/iam_password_policy/*.parquet')").fetchall()
    assert rows == [("111111111111", 8, '{"MinimumPasswordLength":8}')]


def test_files_and_directories_are_private(tmp_path: Path) -> None:
    out = write(tmp_path / "snap")
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_existing_output_is_refused_unless_replaced(tmp_path: Path) -> None:
    out = write(tmp_path / "snap")
    with pytest.raises(SnapshotExistsError, match="already exists"):
        SnapshotWriter(out, SPECS)
    writer = SnapshotWriter(out, SPECS, replace=True)
    writer.finish(started_at=T0, finished_at=T1, caller={}, accounts=[], gaps=[], api_calls=0)
    assert json.loads((out / "manifest.json").read_text())["api_calls"] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


def test_abort_leaves_nothing(tmp_path: Path) -> None:
    writer = SnapshotWriter(tmp_path / "snap", SPECS)
    writer.write_account("regions", "111111111111", [])
    assert any(p.name.startswith(".snap.partial-") for p in tmp_path.iterdir())
    writer.abort()
    assert list(tmp_path.iterdir()) == []
