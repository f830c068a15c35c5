"""`sounding evaluate`: rules over a snapshot, findings out."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sounding.engine.commands.common import EXIT_FINDINGS, format_option, handles_errors, output_option, say
from sounding.engine.output import output_stream
from sounding.engine.remote import SNAPSHOT_PATH, SnapshotArg, open_local
from sounding.engine.report import FORMATS, write_report
from sounding.engine.rules import SEVERITIES, STATUSES


@click.command()
@click.argument("snapshot", type=SNAPSHOT_PATH)  # a directory or s3://bucket/prefix/NAME
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Also run the rules in DIR (repeatable).")
@click.option("--no-builtin", is_flag=True, help="Run only the --rules directories, not the built-in pack.")
@click.option("--rule", "rule_ids", multiple=True, help="Only these rule ids (repeatable, globs allowed).")
@click.option("--section", "sections", multiple=True, type=int, help="Only rules of these sections.")
@click.option("--severity", "severities", multiple=True, type=click.Choice(SEVERITIES),
              help="Only rules of these severities.")
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES),
              help="Only report findings with these statuses.")
@click.option("--fail-on", type=click.Choice((*SEVERITIES, "none")), default="info", show_default=True,
              help="Exit 1 when a FAIL at or above this severity exists ('none': never).")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=60, show_default=True,
              help="Seconds a rule may run before it is stopped and reported as ERROR.")
@click.option("--waivers", "waivers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Waivers TOML file [default: ./sounding-waivers.toml when present].")
@format_option(tuple(FORMATS))
@output_option
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@handles_errors
def evaluate(snapshot: SnapshotArg, rule_dirs: tuple[Path, ...], no_builtin: bool, rule_ids: tuple[str, ...],
             sections: tuple[int, ...], severities: tuple[str, ...], statuses: tuple[str, ...],
             fail_on: str, timeout: float, waivers_file: Path | None, output_format: str, output: Path | None,
             quiet: bool) -> None:
    """Run the rules over a snapshot, offline, and report the findings.

    Exit status: 0 clean, 1 a FAIL at or above --fail-on, 2 bad input.

    \b
    Example:
      sounding evaluate snapshots/example --format json --fail-on high
    """
    from sounding.engine.evaluate import evaluate as run_evaluate
    from sounding.engine.selection import select_rules
    from sounding.engine.snapshot import open_snapshot
    from sounding.engine.waivers import apply_waivers, find_waivers_file, load_waivers

    snap = open_local([snapshot], lambda paths: open_snapshot(paths[0]))  # s3://: a local copy (engine.remote)
    rules = select_rules(rule_dirs, no_builtin=no_builtin, ids=rule_ids, sections=sections,
                         severities=severities)
    waivers_path = find_waivers_file(waivers_file)
    waivers = load_waivers(waivers_path) if waivers_path else None
    evaluation = run_evaluate(snap, rules, timeout=timeout, progress=None if quiet else say)
    if waivers is not None:
        evaluation.waivers = apply_waivers(evaluation.findings, waivers, snap.collected_at)
        for warning in filter(None, (o.warning(str(waivers_path)) for o in evaluation.waivers)):
            say(warning)
    failed = fail_on != "none" and any(f.status == "FAIL" and not f.waived and f.at_or_above(fail_on)
                                       for f in evaluation.findings)
    if statuses:
        evaluation.findings = evaluation.findings.with_statuses(statuses)
    with output_stream(output) as out:
        write_report(evaluation, output_format, out)
    if failed:
        sys.exit(EXIT_FINDINGS)
