"""The table reference: rendered from the declarations, meta tables in step with the sandbox, docs current."""

from __future__ import annotations

from pathlib import Path

import pytest
from sounding.collector.declarations import STRING, Column, TableSpec
from sounding.collector.tables import ALL_TABLES
from sounding.engine.errors import InputError
from sounding.engine.lint import Binder
from sounding.engine.table_reference import DOC_PATH, META_TABLES, render_index, render_markdown, render_table

REPO = Path(__file__).resolve().parents[2]
SPEC = TableSpec(name="demo_things", service="demo", operation="ListThings", scope="regional", items="Things",
                 columns=(Column("thing_id", STRING, "ThingId", "The thing's id."),), key=("thing_id",),
                 doc="Things of each region (demo:ListThings).", moto_gap="moto does not implement demo.")


def test_docs_tables_md_is_current() -> None:
    """docs/tables.md is exactly what the declarations render; regenerate with `sounding tables --markdown`."""
    path = REPO / DOC_PATH
    assert path.is_file(), "docs/tables.md is missing: run `sounding tables --markdown > docs/tables.md`"
    assert path.read_text(encoding="utf-8") == render_markdown(), \
        "docs/tables.md is stale: run `sounding tables --markdown > docs/tables.md`"


def test_meta_tables_match_the_sandbox() -> None:
    """Every documented meta table has exactly the columns and types the sandbox gives it."""
    binder = Binder()
    try:
        for meta in META_TABLES:
            assert binder.describe(f"SELECT * FROM {meta.name}") == [(n, t) for n, t, _ in meta.columns], meta.name
    finally:
        binder.close()


def test_every_declared_table_is_in_the_reference() -> None:
    """The index and the Markdown name every declared table and every meta table."""
    index, markdown = render_index(), render_markdown()
    for name in [s.name for s in ALL_TABLES] + [m.name for m in META_TABLES]:
        assert f"\n{name} " in index
        assert f"\n## {name}\n" in markdown


def test_one_table_in_full() -> None:
    """Columns with DuckDB types and docs, the primary key with scope columns, and the moto note."""
    assert render_table("demo_things", [SPEC]) == (
        "demo_things (regional, demo:ListThings)\n"
        "Things of each region (demo:ListThings).\n"
        "Primary key: account_id, region, thing_id\n"
        "moto: moto does not implement demo.\n\n"
        "Column      Type     Doc\n"
        "----------  -------  -----------------------------------------------------------\n"
        "account_id  VARCHAR  The AWS account the row was read from.\n"
        "region      VARCHAR  The region the row was read in; 'global' for global tables.\n"
        "thing_id    VARCHAR  The thing's id.\n"
        "raw         JSON     The untouched API item, as JSON.\n")


def test_markdown_section_of_a_table() -> None:
    """The Markdown entry of a table: doc, scope, source, key, moto note, then its columns."""
    assert "\n## demo_things\n\nThings of each region (demo:ListThings).\n\n- scope: regional\n" \
           "- source: demo:ListThings\n- primary key: `account_id`, `region`, `thing_id`\n" \
           "- moto: moto does not implement demo.\n\n| column | type | doc |\n|---|---|---|\n" \
           "| `account_id` | VARCHAR | The AWS account the row was read from. |\n" in render_markdown([SPEC])


def test_a_table_macro_in_full() -> None:
    """Its signature and kind, its parameters, then its columns with the types DuckDB gives them."""
    text = render_table("security_group_exposure")
    assert text.startswith("security_group_exposure(sources, ports) (shared table macro, "
                           "rules/_lib/security_group_exposure.sql)\n")
    assert "\nParameter  Doc\n" in text
    assert [line.split()[:2] for line in text.split("Column", 1)[1].splitlines()[2:]] == [
        ["account_id", "VARCHAR"], ["region", "VARCHAR"], ["group_id", "VARCHAR"], ["resource_id", "VARCHAR"],
        ["open_rules", "VARCHAR"]]
    row = next(line for line in render_index([SPEC]).splitlines() if line.startswith("security_group_exposure("))
    assert row.split()[:5] == ["security_group_exposure(sources,", "ports)", "table", "macro",
                               "rules/_lib/security_group_exposure.sql"]
    assert "`security_group_exposure(sources, ports)` (table macro): " in render_markdown([SPEC])


def test_unknown_table_is_an_input_error() -> None:
    """A name that is neither declared nor a meta table."""
    with pytest.raises(InputError, match="no such table"):
        render_table("no_such_table")


def test_tables_command() -> None:
    """`sounding tables` prints the index, one table, or the Markdown; an unknown name exits 2."""
    from click.testing import CliRunner
    from sounding.engine.cli import cli

    runner = CliRunner()
    assert runner.invoke(cli, ["tables"]).stdout == render_index()
    assert runner.invoke(cli, ["tables", "sounding_gaps"]).stdout == render_table("sounding_gaps")
    assert runner.invoke(cli, ["tables", "--markdown"]).stdout == render_markdown()
    unknown = runner.invoke(cli, ["tables", "nope"])
    assert (unknown.exit_code, unknown.stderr) == (2, "error: nope: no such table (see `sounding tables`)\n")
