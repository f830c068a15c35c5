"""Volatile columns name declared columns, so a renamed column cannot silently become drift."""

from __future__ import annotations

from sounding.collector.tables import TABLES_BY_NAME
from sounding.engine.diff.volatile import VOLATILE_COLUMNS, VOLATILE_RAW_PATHS, volatile_raw_paths


def test_every_volatile_column_is_declared() -> None:
    for table, columns in VOLATILE_COLUMNS.items():
        assert table in TABLES_BY_NAME, table
        declared = {c.name for c in TABLES_BY_NAME[table].columns}
        assert set(columns) <= declared, (table, sorted(set(columns) - declared))
    assert set(VOLATILE_RAW_PATHS) <= set(TABLES_BY_NAME)


def test_raw_paths_follow_the_column_declarations() -> None:
    assert volatile_raw_paths("config_delivery_channel_status") == (
        "configHistoryDeliveryInfo.lastSuccessfulTime", "configSnapshotDeliveryInfo.lastSuccessfulTime")
    assert "report_generated_at" in volatile_raw_paths("iam_credential_report")
    assert volatile_raw_paths("iam_password_policy") == ()
