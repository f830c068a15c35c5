"""securitylake_data_lakes: moto lacks Security Lake, so every region records a gap."""

from __future__ import annotations

from moto import mock_aws
from sounding.collector.tables import securitylake
from sounding.collector.values import item_to_row

from tests.collector.tables.scope_rows import ACCOUNT, gap_kinds, run_scope


@mock_aws
def test_unimplemented_service_is_a_gap() -> None:
    """ListDataLakes fails as not_implemented; no row is invented."""
    rows, gaps = run_scope(securitylake.TABLES, "eu-west-1")
    assert rows["securitylake_data_lakes"] == []
    assert gap_kinds(gaps) == [("securitylake_data_lakes", "eu-west-1", "404", "not_implemented")]


def test_data_lake_item_becomes_typed_row() -> None:
    """The columns the rule reads, from an item shaped like the API's."""
    item = {"dataLakeArn": f"arn:aws:securitylake:eu-west-1:{ACCOUNT}:data-lake/default", "region": "eu-west-1",
            "createStatus": "COMPLETED", "lifecycleConfiguration": {}}
    row = item_to_row(securitylake.DATA_LAKES, item, ACCOUNT, "us-east-1")
    assert {k: row[k] for k in ("region", "data_lake_arn", "data_lake_region", "create_status")} == {
        "region": "us-east-1", "data_lake_arn": item["dataLakeArn"], "data_lake_region": "eu-west-1",
        "create_status": "COMPLETED"}
