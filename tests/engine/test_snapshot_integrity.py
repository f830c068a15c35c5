"""Every listed file is a regular file inside the snapshot, and rules read exactly the bytes that were verified."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from sounding.collector.contract import sha256_file
from sounding.collector.synthetic import build_snapshot
from sounding.engine.errors import InputError
from sounding.engine.evaluate import evaluate
from sounding.engine.rules import load_rule
from sounding.engine.snapshot import open_snapshot

from tests.builders import write_rule

POLICY = "iam_password_policy"
COUNT_RULE = ("SELECT 'PASS' AS status, account_id, 'global' AS region, 'r' AS resource_id, "
              "CAST(minimum_password_length AS VARCHAR) AS reason FROM iam_password_policy")


def make(out: Path, length: int, version: int = 2) -> Path:
    """A one-table snapshot whose password policy has the given minimum length."""
    return build_snapshot(out, {POLICY: [{"account_id": "111111111111", "minimum_password_length": length}]},
                          tables=[POLICY], format_version=version)


def resign(snap: Path, rel: str) -> None:
    """Re-sign a file's checksum in the manifest, as an attacker who can edit the snapshot would."""
    manifest = json.loads((snap / "manifest.json").read_text())
    for entry in manifest["tables"].values():
        for f in entry["files"]:
            if f["path"] == rel:
                f["sha256"] = sha256_file(snap / rel)
    (snap / "manifest.json").write_text(json.dumps(manifest))


def test_a_listed_file_that_is_a_symlink_out_of_the_snapshot_is_refused(tmp_path: Path) -> None:
    snap, outside = make(tmp_path / "snap", 14), make(tmp_path / "outside", 6)
    rel = f"tables/{POLICY}.parquet"
    (snap / rel).unlink()
    (snap / rel).symlink_to(outside / rel)
    resign(snap, rel)
    with pytest.raises(InputError, match="symbolic link") as info:
        open_snapshot(snap)
    assert info.value.path == str(snap / rel)


def test_a_directory_component_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    snap, outside = make(tmp_path / "snap", 14, version=1), make(tmp_path / "outside", 6, version=1)
    shutil.rmtree(snap / "tables" / POLICY)
    (snap / "tables" / POLICY).symlink_to(outside / "tables" / POLICY, target_is_directory=True)
    with pytest.raises(InputError, match="symbolic link"):
        open_snapshot(snap)


def test_a_manifest_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    snap, outside = make(tmp_path / "snap", 14), make(tmp_path / "outside", 6)
    (snap / "manifest.json").unlink()
    (snap / "manifest.json").symlink_to(outside / "manifest.json")
    with pytest.raises(InputError, match="symbolic link"):
        open_snapshot(snap)


def test_a_listed_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    snap = make(tmp_path / "snap", 14)
    rel = f"tables/{POLICY}.parquet"
    (snap / rel).unlink()
    os.mkfifo(snap / rel)
    with pytest.raises(InputError, match="not a regular file"):
        open_snapshot(snap)


def test_a_snapshot_swapped_after_verification_is_not_evaluated(tmp_path: Path) -> None:
    snap, other = make(tmp_path / "snap", 14), make(tmp_path / "other", 6)
    verified = open_snapshot(snap)
    rule = load_rule(write_rule(tmp_path / "rules", "length", COUNT_RULE))
    os.rename(snap, tmp_path / "snap.old")
    os.rename(other, snap)  # what `collect --force` does to the same --out, or an attacker
    with pytest.raises(InputError, match="checksum mismatch: the file changed since it was verified"):
        evaluate(verified, [rule])


def test_rules_read_the_pinned_verified_files(tmp_path: Path) -> None:
    snap = make(tmp_path / "snap", 14)
    verified = open_snapshot(snap)
    rule = load_rule(write_rule(tmp_path / "rules", "length", COUNT_RULE))
    assert [(f.account_id, f.reason) for f in evaluate(verified, [rule]).findings] == [("111111111111", "14")]
    assert all(p.startswith("/proc/self/fd/") for p in verified.pinned(POLICY))
