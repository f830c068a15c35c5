"""`sounding diff`: what drifted between two snapshots, resources and findings."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sounding.engine.commands.common import (
    EXIT_ERRORS,
    EXIT_FINDINGS,
    Progress,
    complete_table_names,
    format_option,
    handles_errors,
    output_option,
    quiet_option,
    rule_dir_options,
    rule_id_option,
    say,
    verbose_option,
)
from sounding.engine.remote import SNAPSHOT_PATH, SnapshotArg, open_local
from sounding.engine.rules import SEVERITIES

DIFF_FORMATS = ("table", "json", "csv", "markdown")


@click.command()
@click.argument("old", type=SNAPSHOT_PATH)  # a directory or s3://bucket/prefix/NAME
@click.argument("new", type=SNAPSHOT_PATH)
@click.option("--only", type=click.Choice(("findings", "resources")),
              help="Report only finding drift or only resource drift (coverage is always reported).")
@click.option("--table", "tables", multiple=True, metavar="NAME", shell_complete=complete_table_names,
              help="Only these tables (repeatable).")
@rule_dir_options
@rule_id_option
@click.option("--fail-on-new", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a new FAIL at or above this severity appears (a CI regression gate).")
@click.option("--allow-errors", is_flag=True,
              help="With --fail-on-new: findings that became ERROR (not evaluated in NEW) do not change the exit "
                   "status.")
@click.option("--include-volatile", is_flag=True,
              help="Also compare columns that change without a configuration change (report times, last use).")
@format_option(DIFF_FORMATS)
@output_option
@quiet_option
@verbose_option
@handles_errors
def diff(old: SnapshotArg, new: SnapshotArg, only: str | None, tables: tuple[str, ...], rule_dirs: tuple[Path, ...],
         no_builtin: bool, rule_ids: tuple[str, ...], fail_on_new: str | None, allow_errors: bool,
         include_volatile: bool,
         output_format: str, output: Path | None, quiet: bool, verbose: bool) -> None:
    """Report what changed from snapshot OLD to snapshot NEW.

    Resource drift: rows added, removed or changed per table, keyed by the table's
    primary key, with the changed columns and raw JSON paths. Finding drift: both
    snapshots evaluated with the same rules; new failures, resolved, status changes.
    Tables, accounts, regions and collection gaps only one snapshot covers are
    reported as coverage, not as added or removed rows.

    Exit status: 0 done; 1 a new FAIL at or above --fail-on-new; 3 no such FAIL, but a finding at or
    above it became ERROR (unless --allow-errors); 2 bad input; 130 interrupted.

    \b
    Example:
      sounding diff snapshots/monday snapshots/tuesday --format markdown --fail-on-new high
    """
    from sounding.engine.diff import diff_snapshots
    from sounding.engine.diff.model import NEW_FAILURE, STATUS_CHANGED
    from sounding.engine.diff.render import write_report
    from sounding.engine.errors import InputError
    from sounding.engine.output import write_with
    from sounding.engine.rules import severity_rank
    from sounding.engine.selection import select_rules
    from sounding.engine.snapshot import open_snapshot

    if fail_on_new and only == "resources":
        raise InputError("--fail-on-new", "needs finding drift; it cannot be combined with --only resources")
    progress = Progress(quiet=quiet, verbose=verbose)
    before, after = open_local([old, new], lambda paths: [open_snapshot(p) for p in paths])  # s3://: engine.remote
    rules = None
    if only != "resources":
        rules = select_rules(rule_dirs, no_builtin=no_builtin, ids=rule_ids)
    try:
        result = diff_snapshots(before, after, tables=tables, rules=rules, resources=only != "findings",
                                include_volatile=include_volatile, progress=progress.callback)
    finally:
        progress.done()
    write_with(lambda out: write_report(result, output_format, out), output)
    if fail_on_new and result.findings is not None:
        threshold = severity_rank(fail_on_new)
        if any(severity_rank(f.severity) >= threshold for f in result.findings.changes[NEW_FAILURE]):
            sys.exit(EXIT_FINDINGS)
        # A check that newly cannot be evaluated may hide a new failure: ERROR is never green.
        errors = [f for f in result.findings.changes[STATUS_CHANGED]
                  if f.new_status == "ERROR" and severity_rank(f.severity) >= threshold]
        if errors and not allow_errors:
            say(f"error: {len(errors)} finding(s) newly ERROR: those checks were not evaluated in NEW "
                f"(exit {EXIT_ERRORS}; --allow-errors to accept)")
            sys.exit(EXIT_ERRORS)
