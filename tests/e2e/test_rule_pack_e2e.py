"""The whole rule pack end to end: seed the example organization into moto_server, collect --org, evaluate.

The expected findings are the full list of the shipped example snapshot, which the same scenario
produced: a change in any table, rule or in the collector shows up here as an exact difference.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scenarios.example_org import REGIONS, seed

pytestmark = pytest.mark.e2e

GOLDEN = Path(__file__).resolve().parents[1] / "snapshots" / "golden" / "example.json"


def key(finding: dict) -> tuple[str, str, str, str, str]:
    """What is compared: rule, account, region, resource, status (access key ids are random in moto, and so are
    the ids of default VPCs, security groups and network ACLs, made lazily in thread order)."""
    resource = re.sub(r"AKIA[0-9A-Z]{16}", "AKIA<id>", finding["resource_id"])
    resource = re.sub(r"\b(sg|acl|vpc|i|fs)-[0-9a-f]{8,17}\b", r"\1-<id>", resource)
    return (finding["rule_id"], finding["account_id"], finding["region"], resource, finding["status"])


def test_collect_and_evaluate_the_example_organization(moto_server, tmp_path: Path) -> None:
    org = seed()
    out = tmp_path / "snap"
    env = dict(os.environ)
    collected = subprocess.run([sys.executable, "-I", "-m", "sounding.engine.cli", "collect", "--org", "--regions",
                                ",".join(REGIONS), "--out", str(out), "-q"], capture_output=True, text=True,
                               env=env, timeout=600)
    assert collected.returncode == 0, collected.stderr
    evaluated = subprocess.run([sys.executable, "-I", "-m", "sounding.engine.cli", "evaluate", str(out), "--format",
                                "json", "-q", "--fail-on", "none", "--allow-errors"], capture_output=True, text=True,
                                env=env,
                               timeout=600)
    assert evaluated.returncode == 0, evaluated.stderr
    actual = sorted(key(f) for f in json.loads(evaluated.stdout)["findings"])
    expected = sorted(key(f) for f in json.loads(GOLDEN.read_text())["findings"])
    assert {a for _, a, *_ in actual} == set(org.accounts)
    missing = sorted(set(expected) - set(actual))
    unexpected = sorted(set(actual) - set(expected))
    assert (missing, unexpected) == ([], [])
    assert actual == expected
