"""`sounding trend`: how rule results moved across a series of snapshots."""

from __future__ import annotations

from pathlib import Path

import click
from sounding.engine.commands.common import (
    Progress,
    format_option,
    handles_errors,
    output_option,
    quiet_option,
    rule_dir_options,
    rule_id_option,
    verbose_option,
)
from sounding.engine.remote import SNAPSHOT_PATH, SnapshotArg, open_local


@click.command()
@click.argument("snapshots", nargs=-1, required=True, type=SNAPSHOT_PATH)
@click.option("--by", "by", type=click.Choice(("rule", "account", "region")), default="rule", show_default=True,
              help="Count per rule, or per rule and account, or per rule and region.")
@rule_dir_options
@rule_id_option
@format_option(("table", "json", "csv", "html"))
@output_option
@quiet_option
@verbose_option
@handles_errors
def trend(snapshots: tuple[SnapshotArg, ...], by: str, rule_dirs: tuple[Path, ...], no_builtin: bool,
          rule_ids: tuple[str, ...], output_format: str, output: Path | None, quiet: bool, verbose: bool) -> None:
    """Count PASS, FAIL and other findings per rule across snapshots, oldest first.

    Give several snapshot directories, or one directory holding snapshots. Every
    snapshot is evaluated with the same rules and ordered by collection time.

    \b
    Example:
      sounding trend snapshots/ --by account --format csv
    """
    from sounding.engine.output import write_output
    from sounding.engine.report import trend_html
    from sounding.engine.selection import select_rules
    from sounding.engine.trend import FORMATS, compute_trend, open_in_order, snapshot_paths

    opened = open_local(snapshots, lambda paths: open_in_order(snapshot_paths(paths)), expand=True)  # s3://
    rules = select_rules(rule_dirs, no_builtin=no_builtin, ids=rule_ids)
    progress = Progress(quiet=quiet, verbose=verbose)
    try:
        result = compute_trend(opened, rules, by=by, progress=progress.callback)
    finally:
        progress.done()
    write_output({**FORMATS, "html": trend_html.render}[output_format](result), output)
