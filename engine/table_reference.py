"""The table reference rule authors write against, rendered from the declarations (terminal and docs/tables.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sounding.collector.declarations import DUCKDB_TYPES, TableSpec
from sounding.collector.tables import ALL_TABLES
from sounding.engine.connection import describe_library
from sounding.engine.errors import InputError
from sounding.engine.report.text import markdown_cell, table
from sounding.engine.sql_library import LibraryObject, SqlLibrary, load_library

DOC_PATH = "docs/tables.md"


@dataclass(frozen=True)
class MetaTable:
    """A table the engine provides about the snapshot itself (not collected from an API)."""

    name: str
    doc: str
    columns: tuple[tuple[str, str, str], ...]  # name, DuckDB type, doc
    source: str = ""  # the library file of a shared view; empty for a table the engine fills

    @property
    def kind(self) -> str:
        """meta (filled by the engine) or view (shared SQL)."""
        return "view" if self.source else "meta"

    @property
    def origin(self) -> str:
        """Where its rows come from."""
        return self.source or "the engine"


# Kept in step with engine/connection.py by tests/engine/test_table_reference.py.
ENGINE_META_TABLES: tuple[MetaTable, ...] = (
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
)


def _library_tables(library: SqlLibrary, types: dict[str, list[tuple[str, str]]]) -> tuple[MetaTable, ...]:
    """The shared views of rules/_lib, with the types DuckDB gives their columns and the docs their headers give."""
    tables = []
    for view in library.views:
        docs = dict(view.columns)
        tables.append(MetaTable(view.name, view.doc,
                                tuple((name, kind, docs.get(name, "")) for name, kind in types[view.name]),
                                source=f"rules/_lib/{view.name}.sql"))
    return tuple(tables)


LIBRARY = load_library()
LIBRARY_TYPES = describe_library(LIBRARY)  # column names and types of the shared views and table macros
META_TABLES: tuple[MetaTable, ...] = ENGINE_META_TABLES + _library_tables(LIBRARY, LIBRARY_TYPES)
MACROS: tuple[LibraryObject, ...] = LIBRARY.macros


def macro_kind(macro: LibraryObject) -> str:
    """macro (called in an expression) or table macro (called in FROM)."""
    return "table macro" if macro.returns_table else "macro"


def macro_columns(macro: LibraryObject) -> list[list[str]]:
    """A table macro's columns: name, the DuckDB type its query gives, the doc its header gives."""
    docs = dict(macro.columns)
    return [[name, kind, docs.get(name, "")] for name, kind in LIBRARY_TYPES.get(macro.name, [])]


def find_table(name: str, specs: Sequence[TableSpec] = ALL_TABLES) -> TableSpec | MetaTable | LibraryObject:
    """A declared table, a meta table or view, or a shared macro, by name."""
    for item in (*specs, *META_TABLES, *MACROS):
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
    rows.extend([m.name, m.kind, m.origin, m.doc] for m in META_TABLES)
    rows.extend([m.signature, macro_kind(m), f"rules/_lib/{m.name}.sql", m.doc] for m in MACROS)
    return table(["Table", "Scope", "Source", "Rows"], rows)


def render_table(name: str, specs: Sequence[TableSpec] = ALL_TABLES) -> str:
    """One table in full: its columns with types and docs, its primary key, moto notes."""
    item = find_table(name, specs)
    if isinstance(item, LibraryObject):
        head = [f"{item.signature} (shared {macro_kind(item)}, rules/_lib/{item.name}.sql)", item.doc]
        text = "\n".join(head) + "\n\n" + table(["Parameter", "Doc"], [list(p) for p in item.params], max_width=100)
        if item.returns_table:
            text += "\n\n" + table(["Column", "Type", "Doc"], macro_columns(item), max_width=100)
        return text
    if isinstance(item, MetaTable):
        what = f"shared view, {item.source}" if item.source else "meta table, provided by the engine"
        head = [f"{item.name} ({what})", item.doc]
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
    out.extend(f"| [`{m.name}`](#{m.name}) | {m.kind} | {markdown_cell(m.origin)} | {markdown_cell(m.doc)} |\n"
               for m in META_TABLES)
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
    out.append("\n# Meta tables and shared views\n\nProvided by the engine for every snapshot; the views are "
               "defined in `rules/_lib/`.\n")
    for meta in META_TABLES:
        out.append(f"\n## {meta.name}\n\n{meta.doc}\n\n| column | type | doc |\n|---|---|---|\n")
        out.extend(f"| `{n}` | {t} | {markdown_cell(d)} |\n" for n, t, d in meta.columns)
    out.append("\n# Shared macros\n\nDefined in `rules/_lib/`; every rule may call them (a table macro in "
               "FROM, as a table).\n")
    for macro in MACROS:
        out.append(f"\n## {macro.name}\n\n`{macro.signature}` ({macro_kind(macro)}): {markdown_cell(macro.doc)}\n\n"
                   "| parameter | doc |\n|---|---|\n")
        out.extend(f"| `{n}` | {markdown_cell(d)} |\n" for n, d in macro.params)
        if macro.returns_table:
            out.append("\n| column | type | doc |\n|---|---|---|\n")
            out.extend(f"| `{n}` | {t} | {markdown_cell(d)} |\n" for n, t, d in macro_columns(macro))
    return "".join(out)


