"""events declarations."""

from collector.declarations import TableSpec

TABLES: tuple[TableSpec, ...] = ()
