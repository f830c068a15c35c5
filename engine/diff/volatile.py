"""Columns that change on every collection without anyone changing the configuration."""

from __future__ import annotations

import re

from sounding.collector.tables import TABLES_BY_NAME

# Activity and bookkeeping, not configuration: the credential report's generation time and the
# "last used" traces AWS updates whenever a credential is used. Rules may read them; diff ignores
# them unless asked (--include-volatile).
VOLATILE_COLUMNS: dict[str, tuple[str, ...]] = {
    "iam_credential_report": (
        "report_generated_at", "password_last_used",
        "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
        "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
    ),
    "cloudtrail_trail_status": (
        "latest_delivery_time", "latest_cloud_watch_logs_delivery_time", "latest_digest_delivery_time",
    ),
    "config_recorder_status": ("last_status_change_time",),
    "config_delivery_channel_status": ("history_last_successful_time", "snapshot_last_successful_time"),
}

# Volatile parts of `raw` that no typed column reads.
VOLATILE_RAW_PATHS: dict[str, tuple[str, ...]] = {
    "cloudtrail_trail_status": (
        "LatestDeliveryAttemptTime", "LatestDeliveryAttemptSucceeded", "LatestNotificationTime",
        "LatestNotificationAttemptTime", "LatestNotificationAttemptSucceeded",
    ),
}

_PLAIN_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def volatile_columns(table: str) -> tuple[str, ...]:
    """The volatile columns of a table (those the declaration still has)."""
    spec = TABLES_BY_NAME.get(table)
    declared = {c.name for c in spec.all_columns} if spec else set()
    return tuple(c for c in VOLATILE_COLUMNS.get(table, ()) if c in declared)


def volatile_raw_paths(table: str) -> tuple[str, ...]:
    """Dotted paths into `raw` that are volatile: those the volatile columns read, and the listed ones."""
    spec = TABLES_BY_NAME.get(table)
    if spec is None:
        return ()
    wanted = set(volatile_columns(table))
    paths = {c.source for c in spec.columns if c.name in wanted and _PLAIN_PATH.fullmatch(c.source)}
    return tuple(sorted(paths | set(VOLATILE_RAW_PATHS.get(table, ()))))
