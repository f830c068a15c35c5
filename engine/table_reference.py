"""The table reference rule authors write against, rendered from the declarations (terminal and docs/tables.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sounding.collector.declarations import DUCKDB_TYPES, TableSpec
from sounding.collector.tables import ALL_TABLES
from sounding.engine.errors import InputError
from sounding.engine.report.text import markdown_cell, table

DOC_PATH = "docs/tables.md"


@dataclass(frozen=True)
class MetaTable:
    """A table the engine provides about the snapshot itself (not collected from an API)."""

    name: str
    doc: str
    columns: tuple[tuple[str, str, str], ...]  # name, DuckDB type, doc


# Kept in step with engine/sandbox.py by tests/engine/test_table_reference.py.
META_TABLES: tuple[MetaTable, ...] = (
    MetaTable("sounding_snapshot", "One row about the collection; collected_at is 'now' for every rule.", (
        ("collected_at", "TIMESTAMP WITH TIME ZONE", "When the collection finished: use it instead of now()."),
        ("started_at", "TIMESTAMP WITH TIME ZONE", "When the collection started."),
        ("format_version", "INTEGER", "Snapshot format version."),
        ("tool_version", "VARCHAR", "Sounding version that collected the snapshot."),
        ("caller_arn", "VARCHAR", "The identity that collected."),
        ("caller_account_id", "VARCHAR", "The account of that identity."),
        ("partition", "VARCHAR", "AWS partition (aws, aws-us-gov, aws-cn): build ARNs with it."),
    )),
    MetaTable("sounding_accounts", "One row per account the snapshot covers.", (
        ("account_id", "VARCHAR", "Account id."),
        ("name", "VARCHAR", "Account name, when known."),
        ("email", "VARCHAR", "Account e-mail, when known."),
        ("reachable", "BOOLEAN", "Whether the collector could read the account; per-account rules start here."),
        ("regions", "VARCHAR[]", "Regions collected in the account."),
    )),
    MetaTable("sounding_scopes", "One row per account and collected region.", (
        ("account_id", "VARCHAR", "Account id."),
        ("region", "VARCHAR", "A region collected in that account."),
    )),
    MetaTable("sounding_gaps", "One row per failed call: data that could not be collected.", (
        ("account_id", "VARCHAR", "Account of the failed call."),
        ("region", "VARCHAR", "Region of the failed call; 'global' for global tables."),
        ("table_name", "VARCHAR", "The table left without data."),
        ("service", "VARCHAR", "AWS service."),
        ("operation", "VARCHAR", "API operation."),
        ("error_code", "VARCHAR", "AWS error code, e.g. AccessDenied."),
        ("error_kind", "VARCHAR", "Kind of failure (access_denied, not_implemented, ...)."),
        ("message", "VARCHAR", "The error message."),
    )),
    MetaTable("account_regions", "The regions table joined with the collected scopes; per-region rules start here.", (
        ("account_id", "VARCHAR", "Account id."),
        ("region", "VARCHAR", "Region name."),
        ("opt_in_status", "VARCHAR", "opt-in-not-required, opted-in or not-opted-in."),
        ("enabled", "BOOLEAN", "The region is enabled for the account."),
        ("collected", "BOOLEAN", "The region was collected in this snapshot."),
    )),
    MetaTable("events_alert_rules", "EventBridge rules on the default bus that have an event pattern, with "
              "whether each has a target; test a pattern with event_pattern_admits(event_pattern, probe): true "
              "when some event with the probe's fields (JSON, e.g. {\"source\": \"aws.iam\"}) can match it under "
              "the full EventBridge grammar, fields the probe lacks being unconstrained (NULL for NULL input, false "
              "for an invalid pattern); event_pattern_accepts(event_pattern, field, value) is the one-field form.", (
        ("account_id", "VARCHAR", "Account id."),
        ("region", "VARCHAR", "Region of the rule."),
        ("name", "VARCHAR", "Rule name."),
        ("state", "VARCHAR", "ENABLED, DISABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS."),
        ("event_pattern", "VARCHAR", "The rule's event pattern, as JSON text."),
        ("has_target", "BOOLEAN", "The rule has at least one target."),
    )),
)


def find_table(name: str, specs: Sequence[TableSpec] = ALL_TABLES) -> TableSpec | MetaTable:
    """A declared or meta table by name."""
    for item in (*specs, *META_TABLES):
        if item.name == name:
            return item
    raise InputError(name, "no such table (see `sounding tables`)")


def call_of(spec: TableSpec) -> str:
    """Where a table's rows come from, as service:Operation, noting fan-out and derived tables."""
    if spec.derive is not None and spec.fan_out is not None:
        return f"derived from {spec.fan_out.parent}"
    call = f"{spec.service}:{spec.operation}"
    return f"{call} per {spec.fan_out.parent} row" if spec.fan_out else call


def render_index(specs: Sequence[TableSpec] = ALL_TABLES) -> str:
    """Every table on one line: name, scope, where its rows come from, what a row is."""
    rows = [[s.name, s.scope, call_of(s), s.doc] for s in sorted(specs, key=lambda s: s.name)]
    rows.extend([m.name, "meta", "the engine", m.doc] for m in META_TABLES)
    return table(["Table", "Scope", "Source", "Rows"], rows)


def render_table(name: str, specs: Sequence[TableSpec] = ALL_TABLES) -> str:
    """One table in full: its columns with types and docs, its primary key, moto notes."""
    item = find_table(name, specs)
    if isinstance(item, MetaTable):
        head = [f"{item.name} (meta table, provided by the engine)", item.doc]
        columns = [list(c) for c in item.columns]
    else:
        head = [f"{item.name} ({item.scope}, {call_of(item)})", item.doc,
                f"Primary key: {', '.join(item.primary_key)}"]
        if item.moto_gap:
            head.append(f"moto: {item.moto_gap}")
        columns = [[c.name, DUCKDB_TYPES[c.type], c.doc] for c in item.all_columns]
    return "\n".join(head) + "\n\n" + table(["Column", "Type", "Doc"], columns, max_width=100)


def render_markdown(specs: Sequence[TableSpec] = ALL_TABLES) -> str:
    """docs/tables.md: the index, then every table's columns (generated; do not edit by hand)."""
    ordered = sorted(specs, key=lambda s: s.name)
    out = ["# Table reference\n",
           "\nGenerated from the declarations by `sounding tables --markdown > docs/tables.md`; do not edit by "
           "hand. Every table starts with `account_id` and `region` and ends with `raw` (the untouched API "
           "item as JSON). Types are the DuckDB types a rule sees.\n",
           "\n| table | scope | source | rows |\n|---|---|---|---|\n"]
    out.extend(f"| [`{s.name}`](#{s.name}) | {s.scope} | {markdown_cell(call_of(s))} | {markdown_cell(s.doc)} |\n"
               for s in ordered)
    out.extend(f"| [`{m.name}`](#{m.name}) | meta | the engine | {markdown_cell(m.doc)} |\n" for m in META_TABLES)
    for spec in ordered:
        out.append(f"\n## {spec.name}\n\n{spec.doc}\n\n")
        out.append(f"- scope: {spec.scope}\n- source: {call_of(spec)}\n")
        out.append(f"- primary key: {', '.join(f'`{k}`' for k in spec.primary_key)}\n")
        if spec.empty_on:
            out.append(f"- no rows (not a gap) on: {', '.join(spec.empty_on)}\n")
        if spec.moto_gap:
            out.append(f"- moto: {spec.moto_gap}\n")
        out.append("\n| column | type | doc |\n|---|---|---|\n")
        out.extend(f"| `{c.name}` | {DUCKDB_TYPES[c.type]} | {markdown_cell(c.doc)} |\n" for c in spec.all_columns)
    out.append("\n# Meta tables\n\nProvided by the engine for every snapshot.\n")
    for meta in META_TABLES:
        out.append(f"\n## {meta.name}\n\n{meta.doc}\n\n| column | type | doc |\n|---|---|---|\n")
        out.extend(f"| `{n}` | {t} | {markdown_cell(d)} |\n" for n, t, d in meta.columns)
    return "".join(out)


