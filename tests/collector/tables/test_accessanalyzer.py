"""Access Analyzer tables: moto lacks the service, so each region records a gap and the findings are skipped."""

from __future__ import annotations

from moto import mock_aws
from sounding.collector.tables import accessanalyzer
from sounding.collector.values import item_to_row

from tests.collector.tables.scope_rows import ACCOUNT, gap_kinds, run_scope


@mock_aws
def test_unimplemented_service_is_a_gap_and_findings_are_not_read() -> None:
    """ListAnalyzers fails as not_implemented; the fanned-out findings record ParentNotCollected."""
    rows, gaps = run_scope(accessanalyzer.TABLES, "eu-west-1")
    assert rows == {"accessanalyzer_analyzers": [], "accessanalyzer_findings": []}
    assert gap_kinds(gaps) == [("accessanalyzer_analyzers", "eu-west-1", "404", "not_implemented"),
                               ("accessanalyzer_findings", "eu-west-1", "ParentNotCollected", "other")]


def test_findings_ask_for_active_findings_of_each_analyzer() -> None:
    """ListFindingsV2 is called per analyzer ARN with the ACTIVE status filter."""
    assert accessanalyzer.FINDINGS.fan_out is not None
    assert accessanalyzer.FINDINGS.fan_out.params == {"analyzerArn": "arn"}
    assert accessanalyzer.FINDINGS.params == {"filter": {"status": {"eq": ["ACTIVE"]}}}


def test_analyzer_item_becomes_typed_row() -> None:
    """The columns other rules read, from an item shaped like the API's."""
    item = {"arn": f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/org", "name": "org",
            "type": "ORGANIZATION", "status": "FAILED", "statusReason": {"code": "SERVICE_LINKED_ROLE_CREATION_FAILED"}}
    row = item_to_row(accessanalyzer.ANALYZERS, item, ACCOUNT, "us-east-1")
    assert {k: row[k] for k in ("arn", "name", "type", "status", "status_reason")} == {
        "arn": item["arn"], "name": "org", "type": "ORGANIZATION", "status": "FAILED",
        "status_reason": "SERVICE_LINKED_ROLE_CREATION_FAILED"}
