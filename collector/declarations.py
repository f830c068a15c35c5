"""Table declarations: what to call, where the items are, and the typed columns they become."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

Scope = Literal["global", "regional"]

# Logical column types. Each maps to one Arrow type; JSON is a string column that the
# engine exposes as DuckDB's JSON type.
STRING = "string"
INT = "int"
FLOAT = "float"
BOOL = "bool"
TIMESTAMP = "timestamp"
JSON = "json"
STRINGS = "strings"

ARROW_TYPES: dict[str, pa.DataType] = {
    STRING: pa.string(),
    INT: pa.int64(),
    FLOAT: pa.float64(),
    BOOL: pa.bool_(),
    TIMESTAMP: pa.timestamp("us", tz="UTC"),
    JSON: pa.string(),
    STRINGS: pa.list_(pa.string()),
}

DUCKDB_TYPES: dict[str, str] = {
    STRING: "VARCHAR",
    INT: "BIGINT",
    FLOAT: "DOUBLE",
    BOOL: "BOOLEAN",
    TIMESTAMP: "TIMESTAMPTZ",
    JSON: "JSON",
    STRINGS: "VARCHAR[]",
}

GLOBAL_REGION = "global"

# A parameter value the runner replaces with the id of the account being collected, for APIs
# that want the caller's own account spelled out (inspector2:BatchGetAccountStatus accountIds).
THIS_ACCOUNT = "{this_account}"


@dataclass(frozen=True)
class Column:
    """One typed column, read from an API item by a jmespath expression."""

    name: str
    type: str
    path: str | None = None
    doc: str = ""

    def __post_init__(self) -> None:
        if self.type not in ARROW_TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")

    @property
    def source(self) -> str:
        """The jmespath expression that reads this column from an item."""
        return self.path if self.path is not None else self.name


@dataclass(frozen=True)
class FanOut:
    """Call the operation once per row of a parent table, with parameters taken from that row."""

    parent: str
    params: dict[str, str]  # API parameter -> parent column name


# Columns every table has, before the declared ones, and the raw item after them.
ACCOUNT_ID = Column("account_id", STRING, doc="The AWS account the row was read from.")
REGION = Column("region", STRING, doc="The region the row was read in; 'global' for global tables.")
RAW = Column("raw", JSON, doc="The untouched API item, as JSON.")

# The columns of a policy statement as special/policy_document.py normalises it, shared by the statement tables
# (IAM, S3 bucket, SCP): what it allows or denies, then whom and under which conditions.
STATEMENT_COLUMNS = (
    Column("sid", STRING, "sid", "The statement's Sid."),
    Column("effect", STRING, "effect", "Allow or Deny."),
    Column("actions", STRINGS, "actions", "Action, always a list."),
    Column("not_actions", STRINGS, "not_actions", "NotAction, always a list."),
    Column("resources", STRINGS, "resources", "Resource, always a list."),
    Column("not_resources", STRINGS, "not_resources", "NotResource, always a list."),
)
STATEMENT_PRINCIPALS_AND_CONDITIONS = (
    Column("principals", JSON, "principals", "Principal as {kind: [ids]}; \"*\" is {\"*\": [\"*\"]}."),
    Column("not_principals", JSON, "not_principals", "NotPrincipal, same shape."),
    Column("conditions", JSON, "conditions", "Condition as written: {operator: {key: value}}."),
    Column("condition_entries", JSON, "condition_entries",
           "Condition flattened: [{operator, key, values: [..]}], sorted."),
)


@dataclass(frozen=True)
class TableSpec:
    """A collected table: one API operation, run by the generic runner in every scope."""

    name: str
    service: str
    operation: str
    scope: Scope
    items: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str
    params: dict[str, Any] = field(default_factory=dict)
    paginate: bool = True
    # Error codes that mean "there is nothing", not "we could not read it".
    empty_on: tuple[str, ...] = ()
    fan_out: FanOut | None = None
    # A special case: a named function `fetch(client, params)` that returns the items instead
    # of the generic call (it raises on failure, and the runner records the gap).
    fetch: Callable[..., list[Any]] | None = None
    # A table computed from each row of its fan_out parent without any API call, e.g. one row
    # per statement of a policy document: `derive(parent_row)` returns the items.
    derive: Callable[[dict[str, Any]], list[Any]] | None = None
    # Where moto (the test stand-in) does not implement the call; shown in docs/tables.md.
    moto_gap: str = ""
    # Read only in an account that administers the organization (its management account, or the
    # --org caller's delegated administrator account): members would answer AccessDenied.
    management_only: bool = False

    def __post_init__(self) -> None:
        names = [c.name for c in self.all_columns]
        if len(names) != len(set(names)):
            raise ValueError(f"table {self.name}: duplicate column names")
        if self.derive is not None and self.fan_out is None:
            raise ValueError(f"table {self.name}: derive needs a fan_out parent")
        missing = [k for k in self.key if k not in names]
        if missing:
            raise ValueError(f"table {self.name}: key columns {missing} are not declared")

    @property
    def all_columns(self) -> tuple[Column, ...]:
        """Every column in file order: account, region, declared columns, raw."""
        return (ACCOUNT_ID, REGION, *self.columns, RAW)

    @property
    def primary_key(self) -> tuple[str, ...]:
        """The key that identifies a row across snapshots, scope columns included."""
        return ("account_id", "region", *self.key)

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema of this table's files, derived from the declaration alone."""
        fields = [
            pa.field(c.name, ARROW_TYPES[c.type], metadata={"sounding.type": c.type})
            for c in self.all_columns
        ]
        return pa.schema(fields, metadata={"sounding.table": self.name})

    def schema_description(self) -> list[dict[str, str]]:
        """The declared schema as the manifest records it."""
        return [{"name": c.name, "type": c.type} for c in self.all_columns]
