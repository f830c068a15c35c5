"""Every collected table, declared as data; one module per service."""

from __future__ import annotations

from sounding.collector.declarations import TableSpec
from sounding.collector.tables import (
    accessanalyzer,
    account,
    cloudtrail,
    cloudwatch,
    config,
    controltower,
    ec2,
    efs,
    events,
    guardduty,
    iam,
    inspector,
    kms,
    logs,
    macie,
    networkfirewall,
    organizations,
    rds,
    s3,
    securityhub,
    securitylake,
    shield,
    sns,
    sso,
)

MODULES = (ec2, iam, organizations, account, controltower, cloudtrail, config, events, securityhub, guardduty,
           accessanalyzer, sso, macie, inspector, networkfirewall, shield, securitylake,
           s3, rds, efs, kms, logs, cloudwatch, sns)

ALL_TABLES: tuple[TableSpec, ...] = tuple(spec for module in MODULES for spec in module.TABLES)

TABLES_BY_NAME: dict[str, TableSpec] = {spec.name: spec for spec in ALL_TABLES}

if len(TABLES_BY_NAME) != len(ALL_TABLES):  # pragma: no cover - caught by the meta-tests too
    raise RuntimeError("two table declarations share a name")


def select(services: list[str] | None) -> tuple[TableSpec, ...]:
    """The tables of the named services (or table names); all when none are named."""
    if not services:
        return ALL_TABLES
    wanted = set(services)
    # The regions table decides where regional tables run: always collect it.
    chosen = {s.name for s in ALL_TABLES if s.service in wanted or s.name in wanted} | {"regions"}
    # A fanned-out table needs its parent.
    pending = list(chosen)
    while pending:
        spec = TABLES_BY_NAME[pending.pop()]
        if spec.fan_out and spec.fan_out.parent not in chosen:
            chosen.add(spec.fan_out.parent)
            pending.append(spec.fan_out.parent)
        # Whether an account administers its organization is read from organizations_organization.
        if spec.management_only and "organizations_organization" not in chosen:
            chosen.add("organizations_organization")
    return tuple(s for s in ALL_TABLES if s.name in chosen)
