"""The same data stored as format 1 and as format 2 gives byte-identical reports in every format."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from sounding.collector.convert import convert
from sounding.engine.evaluate import evaluate
from sounding.engine.report import FORMATS
from sounding.engine.rules import builtin_rules_dir, load_rules
from sounding.engine.snapshot import open_snapshot

EXAMPLE = Path(__file__).resolve().parents[2] / "snapshots" / "example"
# Aggregates whose text depends on the order rows arrive in: a rule must give them an ORDER BY.
ORDER_SENSITIVE_TEXT = {"string_agg", "group_concat", "listagg"}


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The shipped example in both layouts."""
    root = tmp_path_factory.mktemp("layouts")
    return {version: convert(EXAMPLE, root / f"v{version}", format_version=version) for version in (1, 2)}


def test_conversion_keeps_rows_accounts_gaps_and_times(layouts: dict[int, Path]) -> None:
    v1, v2 = (json.loads((layouts[v] / "manifest.json").read_text()) for v in (1, 2))
    assert (v1["format_version"], v2["format_version"]) == (1, 2)
    for key in ("collection", "caller", "accounts", "regions", "gaps", "api_calls", "options", "tool_version"):
        assert v1[key] == v2[key], key
    assert {n: t["rows"] for n, t in v1["tables"].items()} == {n: t["rows"] for n, t in v2["tables"].items()}
    for name, entry in v2["tables"].items():
        assert entry["account_rows"] == {f["account_id"]: f["rows"] for f in v1["tables"][name]["files"]
                                         if f["account_id"] != "_empty"}


def test_both_layouts_give_identical_reports(layouts: dict[int, Path]) -> None:
    rules = load_rules([builtin_rules_dir()])
    reports = {}
    for version, path in layouts.items():
        evaluation = evaluate(open_snapshot(path), rules)
        reports[version] = {name: render(evaluation) for name, render in FORMATS.items()}
    for name in FORMATS:
        v1, v2 = reports[1][name], reports[2][name]
        if name == "json":  # the one fact that differs: which layout the snapshot uses
            v1 = v1.replace('"format_version": 1,', '"format_version": 2,', 1)
        assert v1 == v2, name


def test_built_in_rules_order_every_text_aggregate() -> None:
    con = duckdb.connect()
    unordered = []
    for rule in load_rules([builtin_rules_dir()]):
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [rule.sql.strip().rstrip(";")]).fetchone()[0])
        unordered += [(rule.id, name) for name in _unordered_aggregates(tree)]
    assert unordered == []


def _unordered_aggregates(node: object) -> list[str]:
    """Order-sensitive text aggregates in a parse tree that have no ORDER BY."""
    found = []
    if isinstance(node, dict):
        name = str(node.get("function_name", "")).lower()
        if name in ORDER_SENSITIVE_TEXT and not (node.get("order_bys") or {}).get("orders"):
            found.append(name)
        for value in node.values():
            found += _unordered_aggregates(value)
    elif isinstance(node, list):
        for value in node:
            found += _unordered_aggregates(value)
    return found
