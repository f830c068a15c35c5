"""Snapshots are written typed, private, checksummed, and only ever appear complete."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sounding.collector.contract import FORMAT_VERSION, sha256_file
from sounding.collector.gaps import Gap
from sounding.collector.tables import TABLES_BY_NAME
from sounding.collector.write import SnapshotExistsError, SnapshotWriter, compact

SPECS = [TABLES_BY_NAME["iam_password_policy"], TABLES_BY_NAME["regions"]]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 1, 12, 5, tzinfo=UTC)


def write(out: Path, format_version: int = FORMAT_VERSION, **kwargs: object) -> Path:
    writer = SnapshotWriter(out, SPECS, format_version=format_version)
    writer.write_account("iam_password_policy", "111111111111",
                         [{"account_id": "111111111111", "region": "global", "minimum_password_length": 8,
                           "raw": {"MinimumPasswordLength": 8}}])
    writer.write_account("iam_password_policy", "222222222222", [])
    return writer.finish(started_at=T0, finished_at=T1, caller={"arn": "arn:aws:iam::111111111111:user/a",
                                                                  "account_id": "111111111111"},
                         accounts=[{"account_id": "111111111111", "regions": ["us-east-1"]},
                                   {"account_id": "222222222222", "regions": []}],
                         gaps=[Gap.for_table(TABLES_BY_NAME["regions"], account_id="222222222222", region="global",
                                             error_code="AccessDenied", error_kind="access_denied",
                                             message="denied")],
                         api_calls=7, **kwargs)


def test_manifest_lists_everything(tmp_path: Path) -> None:
    out = write(tmp_path / "snap", format_version=1)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "sounding-snapshot"
    assert manifest["format_version"] == 1
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
    out = write(tmp_path / "snap", format_version=1)
    schema = pq.read_schema(out / "tables/iam_password_policy/222222222222.parquet")
    assert schema.names == [c.name for c in TABLES_BY_NAME["iam_password_policy"].all_columns]
    assert str(schema.field("minimum_password_length").type) == "int64"
    assert str(schema.field("require_symbols").type) == "bool"


def test_plain_duckdb_reads_a_table_as_one_file(tmp_path: Path) -> None:
    out = write(tmp_path / "snap")
    rows = duckdb.sql(f"SELECT account_id, minimum_password_length, raw FROM "
                      f"read_parquet('{out}/tables/iam_password_policy.parquet')").fetchall()
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


def test_format_2_is_one_file_per_table_with_rows_per_account(tmp_path: Path) -> None:
    out = write(tmp_path / "snap")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format_version"] == 2
    policy = manifest["tables"]["iam_password_policy"]
    assert policy["files"] == [{"path": "tables/iam_password_policy.parquet", "rows": 1,
                                "bytes": (out / "tables/iam_password_policy.parquet").stat().st_size,
                                "sha256": sha256_file(out / "tables/iam_password_policy.parquet")}]
    assert policy["account_rows"] == {"111111111111": 1, "222222222222": 0}
    assert manifest["tables"]["regions"]["account_rows"] == {}
    assert manifest["tables"]["regions"]["files"][0]["rows"] == 0
    # The staging parts are gone: only the compacted tables and the manifest remain.
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "manifest.json", "tables", "tables/iam_password_policy.parquet", "tables/regions.parquet"]


def test_compaction_sorts_by_account_then_region_and_bounds_row_groups(tmp_path: Path) -> None:
    spec = TABLES_BY_NAME["regions"]
    writer = SnapshotWriter(tmp_path / "snap", [spec])
    for account in ("333333333333", "111111111111"):
        writer.write_account("regions", account, [
            {"account_id": account, "region": region, "region_name": f"{region}-{n}"}
            for n, region in enumerate(["us-west-2", "eu-west-1", "us-west-2", "ap-south-1"])])
    out = writer.finish(started_at=T0, finished_at=T1, caller={"account_id": "111111111111"}, accounts=[],
                        gaps=[], api_calls=0)
    rows = pq.read_table(out / "tables/regions.parquet").select(["account_id", "region", "region_name"]).to_pylist()
    assert [(r["account_id"], r["region"], r["region_name"]) for r in rows] == [
        ("111111111111", "ap-south-1", "ap-south-1-3"), ("111111111111", "eu-west-1", "eu-west-1-1"),
        ("111111111111", "us-west-2", "us-west-2-0"), ("111111111111", "us-west-2", "us-west-2-2"),
        ("333333333333", "ap-south-1", "ap-south-1-3"), ("333333333333", "eu-west-1", "eu-west-1-1"),
        ("333333333333", "us-west-2", "us-west-2-0"), ("333333333333", "us-west-2", "us-west-2-2")]


def test_compact_writes_row_groups_of_the_given_size(tmp_path: Path) -> None:
    spec = TABLES_BY_NAME["regions"]
    parts = []
    for number in range(5):
        part = tmp_path / f"{number}.parquet"
        pq.write_table(pa.Table.from_pylist([{"account_id": f"{number:012d}", "region": "us-east-1"}] * 3,
                                            schema=spec.arrow_schema()), part)
        parts.append(part)
    assert compact(parts, tmp_path / "out.parquet", spec.arrow_schema(), row_group_rows=6) == 15
    meta = pq.ParquetFile(tmp_path / "out.parquet").metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [6, 6, 3]


def test_format_1_can_still_be_written_for_compatibility_tests(tmp_path: Path) -> None:
    out = write(tmp_path / "snap", format_version=1)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format_version"] == 1
    assert "account_rows" not in manifest["tables"]["iam_password_policy"]


def test_an_unknown_format_version_is_not_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot write snapshot format version 3"):
        SnapshotWriter(tmp_path / "snap", SPECS, format_version=3)


def test_a_table_can_be_streamed_directly_in_account_order(tmp_path: Path) -> None:
    spec = TABLES_BY_NAME["regions"]
    writer = SnapshotWriter(tmp_path / "snap", [spec])
    stream = writer.table_stream("regions")
    row = {"account_id": "111111111111", "region": "us-east-1", "region_name": "us-east-1"}
    stream.append("111111111111", pa.Table.from_pylist([row], schema=spec.arrow_schema()))
    with pytest.raises(ValueError, match="comes after 111111111111: write accounts in order"):
        stream.append("011111111111", pa.Table.from_pylist([], schema=spec.arrow_schema()))
    with pytest.raises(ValueError, match="a direct stream needs format 2 and no other writes"):
        writer.table_stream("regions")
    out = writer.finish(started_at=T0, finished_at=T1, caller={"account_id": "111111111111"}, accounts=[],
                        gaps=[], api_calls=0)
    entry = json.loads((out / "manifest.json").read_text())["tables"]["regions"]
    assert (entry["rows"], entry["account_rows"]) == (1, {"111111111111": 1})
