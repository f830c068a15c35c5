"""`sounding tables`: the table reference rule authors write against."""

from __future__ import annotations

import click
from sounding.engine.commands.common import complete_table_names, handles_errors


@click.command()
@click.argument("name", required=False, shell_complete=complete_table_names)
@click.option("--markdown", is_flag=True, help="Print the whole reference as Markdown (docs/tables.md).")
@handles_errors
def tables(name: str | None, markdown: bool) -> None:
    """List the tables a rule can read, or show one table's columns.

    \b
    Example:
      sounding tables
      sounding tables iam_account_summary
    """
    from sounding.engine.table_reference import render_index, render_markdown, render_table

    if markdown:
        click.echo(render_markdown(), nl=False)
    elif name:
        click.echo(render_table(name), nl=False)
    else:
        click.echo(render_index(), nl=False)
