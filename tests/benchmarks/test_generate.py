"""The benchmark generator: deterministic for a seed, verified by the engine, rows the collector would make."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from sounding.collector.tables import ALL_TABLES
from sounding.collector.values import item_to_row
from sounding.engine.snapshot import open_snapshot

from benchmarks.generate import account_rows, generate, item_row, ordered, perturb
from benchmarks.items import top_items
from benchmarks.org_model import REGIONS, AccountModel, account_id


def _manifest(path: Path) -> dict:
    return json.loads((path / "manifest.json").read_text())


def test_same_seed_writes_identical_snapshots_that_the_engine_verifies(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", accounts=2, seed=7)
    second = generate(tmp_path / "b", accounts=2, seed=7)
    other = generate(tmp_path / "c", accounts=2, seed=8)
    snapshot = open_snapshot(first)  # manifest, checksums and schemas
    assert _manifest(first) == _manifest(second)
    assert _manifest(first)["tables"] != _manifest(other)["tables"]
    assert sorted(snapshot.tables) == sorted(s.name for s in ALL_TABLES)
    assert [a["account_id"] for a in snapshot.accounts] == [account_id(0), account_id(1)]
    assert snapshot.accounts[0]["regions"] == sorted(REGIONS)
    assert len(REGIONS) == 17


def test_each_account_has_the_modeled_iam_population(tmp_path: Path) -> None:
    snapshot = open_snapshot(generate(tmp_path / "s", accounts=1, seed=3))

    def rows(table: str) -> list[dict]:
        return [r for f in snapshot.files(table) for r in pq.read_table(f.path).to_pylist()]

    assert len(rows("iam_users")) == 20
    assert len(rows("iam_roles")) == 150
    customer = [r for r in rows("iam_policies") if not r["aws_managed"]]
    assert len(customer) == 100
    statements = [r for r in rows("iam_policy_statements") if r["policy_kind"] == "managed" and not r["aws_managed"]]
    per_policy = {}
    for r in statements:
        per_policy[r["policy_id"]] = per_policy.get(r["policy_id"], 0) + 1
    assert len(per_policy) == 100 and min(per_policy.values()) >= 3 and max(per_policy.values()) <= 10
    assert {r["region"] for r in rows("ec2_vpcs")} <= set(REGIONS)
    assert rows("iam_credential_report")[0]["user"] == "<root_account>"


def test_fast_rows_equal_the_collectors_item_to_row() -> None:
    model = AccountModel(5, 0, 3)
    checked = 0
    for spec in ALL_TABLES:
        if spec.fan_out is None:
            for item in top_items(spec, model, "us-east-1"):
                assert item_row(spec, item, "111111111111", "r") == item_to_row(spec, item, "111111111111", "r")
                checked += 1
    assert checked > 500
    assert set(account_rows(AccountModel(5, 1, 3), ordered(ALL_TABLES))) == {s.name for s in ALL_TABLES}


def test_perturb_changes_about_the_share_and_stays_verifiable(tmp_path: Path) -> None:
    source = generate(tmp_path / "old", accounts=1, seed=2)
    copy, touched = perturb(source, tmp_path / "new", 0.05, seed=2)
    rows = _manifest(source)["tables"]
    total = sum(t["rows"] for t in rows.values())
    assert 0.03 * total < touched < 0.07 * total
    open_snapshot(copy)
    assert _manifest(copy)["collection"]["finished_at"] == "2026-03-02T12:00:00.000000Z"


def test_accounts_past_the_templates_repeat_one_under_their_own_id(tmp_path: Path) -> None:
    snapshot = open_snapshot(generate(tmp_path / "s", accounts=4, seed=3, templates=2))
    assert snapshot.format_version == 2
    users = pq.read_table(snapshot.files("iam_users")[0].path).to_pylist()
    by_account: dict[str, list[dict]] = {}
    for row in users:
        by_account.setdefault(row["account_id"], []).append(row)
    assert list(by_account) == [account_id(i) for i in range(4)]  # one file, sorted by account
    for copy in (2, 3):  # accounts 2 and 3 repeat account 1, relabelled
        assert len(by_account[account_id(copy)]) == len(by_account[account_id(1)])
        for original, repeated in zip(by_account[account_id(1)], by_account[account_id(copy)], strict=True):
            assert repeated["arn"] == original["arn"].replace(account_id(1), account_id(copy))
            assert account_id(1) not in repeated["raw"]
