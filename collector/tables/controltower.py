"""controltower declarations."""

from collector.declarations import TableSpec

TABLES: tuple[TableSpec, ...] = ()
