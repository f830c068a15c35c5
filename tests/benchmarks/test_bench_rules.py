"""The rules benchmark: every built-in rule once, in catalog order, its rows counted; the report names each."""

from __future__ import annotations

import json
from pathlib import Path

from sounding.engine.rules import builtin_rules_dir, load_rules

from benchmarks.bench_rules import main, rule_times

EXAMPLE = Path(__file__).resolve().parents[2] / "snapshots" / "example"


def test_rule_times_runs_every_rule_in_catalog_order() -> None:
    result = rule_times(str(EXAMPLE))
    expected = [r.id for r in sorted(load_rules([builtin_rules_dir()]), key=lambda r: (r.section, r.id))]
    assert [r["rule"] for r in result["per_rule"]] == expected
    assert result["rules"] == len(expected)
    assert result["rows"] == sum(r["rows"] for r in result["per_rule"])
    rows = {r["rule"]: r["rows"] for r in result["per_rule"]}
    assert rows["alerts_iam_events"] == 3  # one finding per reachable account of the example (3 accounts)


def test_only_selects_rules_by_id() -> None:
    result = rule_times(str(EXAMPLE), only="alerts_")
    assert [r["rule"] for r in result["per_rule"]] == [
        "alerts_cloudtrail_insights", "alerts_config_compliance", "alerts_guardduty_findings",
        "alerts_iam_events", "alerts_securityhub_findings"]


def test_main_writes_floor_rules_and_ratio(tmp_path: Path, capsys) -> None:
    out = tmp_path / "rules.json"
    assert main([str(EXAMPLE), "--only", "vpc_default", "--top", "1", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    (entry,) = report["snapshots"]
    assert entry["size"]["accounts"] == 3
    assert [r["rule"] for r in entry["rules"]["result"]["per_rule"]] == ["vpc_default_absent"]
    assert entry["ratio"] == round(entry["rules"]["result"]["total_s"] / entry["floor"]["result"]["floor_s"], 2)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].split() == ["accounts", "floor_s", "connect_s", "rules", "rules_s", "rules_cpu_s", "ratio",
                                  "median_rule_s", "rows"]
    assert printed[2].split()[-1] == "vpc_default_absent"
