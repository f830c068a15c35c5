"""`sounding query`: ad-hoc read-only SQL over a snapshot, in the same sandbox as the rules."""

from __future__ import annotations

from pathlib import Path

import click
from sounding.engine.commands.common import (
    colour_wanted,
    format_option,
    handles_errors,
    output_option,
    quiet_option,
    say,
    timeout_option,
    wide_option,
)
from sounding.engine.errors import InputError
from sounding.engine.report.rows import ROW_FORMATS, write_rows


@click.command()
@click.argument("snapshot", type=click.Path(path_type=Path))
@click.argument("sql")
@click.option("--limit", type=click.IntRange(1), default=10_000, show_default=True, help="Rows to show at most.")
@timeout_option("Seconds the query may run before it is stopped (exit 2).")
@format_option(ROW_FORMATS)
@output_option
@wide_option
@quiet_option
@handles_errors
def query(snapshot: Path, sql: str, limit: int, timeout: float, output_format: str, output: Path | None,
          wide: bool, quiet: bool) -> None:
    """Run one read-only SELECT over a snapshot, with the same limits as a rule.

    \b
    Example:
      sounding query snapshots/example "SELECT account_id, account_mfa_enabled FROM iam_account_summary"
    """
    import duckdb
    from sounding.collector.tables import ALL_TABLES
    from sounding.engine.evaluate import plain
    from sounding.engine.output import write_with
    from sounding.engine.sandbox import RuleRefused, Sandbox, check_sql
    from sounding.engine.snapshot import open_snapshot

    try:
        checked = check_sql(sql)
    except RuleRefused as exc:
        raise InputError("query", str(exc)) from None
    sandbox = Sandbox(open_snapshot(snapshot), ALL_TABLES)
    try:
        columns, rows = sandbox.run(checked.query, timeout=timeout, max_rows=limit)
    except duckdb.InterruptException:
        raise InputError("query", f"stopped: ran longer than {timeout:g} s") from None
    except duckdb.Error as exc:
        raise InputError("query", str(exc).strip().splitlines()[0]) from None
    finally:
        sandbox.close()
    if len(rows) > limit:
        rows = rows[:limit]
        if not quiet:
            say(f"warning: output cut at {limit} rows (--limit)")
    values = [[plain(v) for v in row] for row in rows]
    write_with(lambda out: write_rows(columns, values, output_format, out, wide=wide,
                                      colour=colour_wanted(out)), output)
