"""Opening a snapshot refuses anything its manifest does not vouch for, naming the file."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sounding.collector.contract import sha256_file
from sounding.engine.errors import InputError
from sounding.engine.snapshot import open_snapshot

POLICY = "tables/iam_password_policy.parquet"


def edit_manifest(snap: Path, change: Callable[[dict], None]) -> None:
    manifest = json.loads((snap / "manifest.json").read_text())
    change(manifest)
    (snap / "manifest.json").write_text(json.dumps(manifest))


def flip_byte(path: Path, offset: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_good_snapshot_opens(small_snapshot: Path) -> None:
    snap = open_snapshot(small_snapshot)
    assert sorted(snap.tables) == ["iam_account_summary", "iam_password_policy", "regions"]
    assert snap.collected_at.isoformat() == "2026-03-01T12:00:00+00:00"


def damaged(name: str, snap: Path) -> tuple[Path, str]:
    """Apply one kind of damage; return the file the error must name and part of its message."""
    manifest = snap / "manifest.json"
    policy = snap / POLICY
    if name == "flipped_byte":
        flip_byte(policy)
        return policy, "checksum mismatch"
    if name == "truncated_parquet":
        policy.write_bytes(policy.read_bytes()[:50])
        return policy, "checksum mismatch"
    if name == "missing_file":
        policy.unlink()
        return policy, "missing file listed in the manifest"
    if name == "missing_manifest":
        manifest.unlink()
        return manifest, "missing: this is not a complete Sounding snapshot"
    if name == "empty_manifest":
        manifest.write_text("")
        return manifest, "empty manifest"
    if name == "malformed_manifest":
        manifest.write_text('{"format": ')
        return manifest, "malformed JSON at line 1"
    if name == "binary_manifest":
        manifest.write_bytes(b"\xff\xfe\x00")
        return manifest, "not UTF-8"
    if name == "newer_version":
        edit_manifest(snap, lambda m: m.update(format_version=99))
        return manifest, "snapshot format version 99 is newer than this Sounding reads (2)"
    if name == "other_format":
        edit_manifest(snap, lambda m: m.update(format="something-else"))
        return manifest, "not a Sounding snapshot manifest"
    if name == "missing_key":
        edit_manifest(snap, lambda m: m.pop("gaps"))
        return manifest, "malformed manifest: the top level lacks gaps"
    if name == "bad_time":
        edit_manifest(snap, lambda m: m["collection"].update(finished_at="yesterday"))
        return manifest, "collection.finished_at has an invalid value 'yesterday'"
    if name == "path_escape":
        edit_manifest(snap, lambda m: m["tables"]["regions"]["files"][0].update(path="../../etc/passwd"))
        return manifest, "tables.regions.files[0].path has an invalid value '../../etc/passwd'"
    if name == "schema_disagrees":
        table = pa.table({"account_id": ["111111111111"], "region": ["global"], "other": [1]})
        pq.write_table(table, policy)
        digest = sha256_file(policy)
        edit_manifest(snap, lambda m: m["tables"]["iam_password_policy"]["files"][0].update(sha256=digest))
        return policy, "schema does not match the declaration of table iam_password_policy"
    if name == "not_parquet":
        policy.write_text("hello")
        digest = sha256_file(policy)
        edit_manifest(snap, lambda m: m["tables"]["iam_password_policy"]["files"][0].update(sha256=digest))
        return policy, "not a readable Parquet file"
    if name == "not_a_directory":
        shutil.rmtree(snap)
        snap.write_text("x")
        return snap, "not a snapshot directory"
    raise AssertionError(name)


KINDS = ["flipped_byte", "truncated_parquet", "missing_file", "missing_manifest", "empty_manifest",
         "malformed_manifest", "binary_manifest", "newer_version", "other_format", "missing_key", "bad_time",
         "path_escape", "schema_disagrees", "not_parquet", "not_a_directory"]


@pytest.mark.parametrize("kind", KINDS)
def test_damage_is_refused_naming_the_file(kind: str, small_snapshot: Path) -> None:
    path, message = damaged(kind, small_snapshot)
    with pytest.raises(InputError) as info:
        open_snapshot(small_snapshot)
    assert info.value.path == str(path)
    assert message in info.value.problem
    assert "\n" not in str(info.value)
