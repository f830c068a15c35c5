"""`sounding query`: ad-hoc read-only SQL over a snapshot, in the same sandbox as the rules."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click
from sounding.engine.commands.common import format_option, handles_errors, output_option, say
from sounding.engine.errors import InputError


@click.command()
@click.argument("snapshot", type=click.Path(path_type=Path))
@click.argument("sql")
@click.option("--limit", type=click.IntRange(1), default=10_000, show_default=True, help="Rows to show at most.")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=60, show_default=True,
              help="Seconds the query may run.")
@format_option(("table", "json", "csv"))
@output_option
@handles_errors
def query(snapshot: Path, sql: str, limit: int, timeout: float, output_format: str, output: Path | None) -> None:
    """Run one read-only SELECT over a snapshot, with the same limits as a rule.

    \b
    Example:
      sounding query snapshots/example "SELECT account_id, account_mfa_enabled FROM iam_account_summary"
    """
    import duckdb
    from sounding.collector.tables import ALL_TABLES
    from sounding.engine.output import write_output
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
        say(f"warning: output cut at {limit} rows (--limit)")
    write_output(render(columns, rows, output_format), output)


def render(columns: list[str], rows: list[tuple[Any, ...]], output_format: str) -> str:
    """Query results as a text table, a JSON list of objects, or CSV."""
    from sounding.engine.evaluate import plain
    from sounding.engine.report.text import table

    if output_format == "json":
        records = [{c: plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False, default=str) + "\n"
    if output_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(plain(v)) for v in row] for row in rows)
        return out.getvalue()
    return table(columns, [[_text(plain(v)) for v in row] for row in rows])


def _text(value: Any) -> str:
    """A value as one cell: NULL shown as empty, lists and objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
