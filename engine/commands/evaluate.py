"""`sounding evaluate`: rules over a snapshot, findings out."""

from __future__ import annotations

import dataclasses
import functools
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click
from sounding.engine.commands.common import (
    EXIT_ERRORS,
    EXIT_FINDINGS,
    Progress,
    colour_wanted,
    format_option,
    handles_errors,
    output_option,
    quiet_option,
    rule_dir_options,
    rule_filter_options,
    rule_id_option,
    say,
    status_option,
    timeout_option,
    verbose_option,
    waivers_option,
    wide_option,
)
from sounding.engine.findings import STATUS_ORDER
from sounding.engine.remote import SNAPSHOT_PATH, SnapshotArg, open_local
from sounding.engine.report import FORMATS
from sounding.engine.rules import SEVERITIES, severity_rank

ReportWriter = Callable[[Any, TextIO], None]


@click.command()
@click.argument("snapshot", type=SNAPSHOT_PATH)  # a directory or s3://bucket/prefix/NAME
@rule_dir_options
@rule_id_option
@rule_filter_options
@click.option("--framework", "frameworks", multiple=True, metavar="ID",
              help="Only rules mapped to a control of these frameworks (repeatable; ids in rules/frameworks.toml).")
@status_option
@click.option("--fail-on", type=click.Choice((*SEVERITIES, "none")), default="info", show_default=True,
              help="Exit 1 when a FAIL at or above this severity exists ('none': never).")
@click.option("--allow-errors", is_flag=True,
              help="ERROR findings (rules that could not be evaluated) do not change the exit status.")
@timeout_option("Seconds a rule may run before it is stopped and reported as ERROR.")
@waivers_option
@format_option(tuple(FORMATS))
@output_option
@wide_option
@quiet_option
@verbose_option
@handles_errors
def evaluate(snapshot: SnapshotArg, rule_dirs: tuple[Path, ...], no_builtin: bool, rule_ids: tuple[str, ...],
             sections: tuple[int, ...], severities: tuple[str, ...], frameworks: tuple[str, ...],
             statuses: tuple[str, ...],
             fail_on: str, allow_errors: bool, timeout: float, waivers_file: Path | None, output_format: str,
             output: Path | None, wide: bool, quiet: bool, verbose: bool) -> None:
    """Run the rules over a snapshot, offline, and report the findings.

    Exit status: 0 clean; 1 a FAIL at or above --fail-on; 3 no such FAIL, but ERROR
    findings (rules that could not be evaluated: a collection gap, a rule that failed)
    unless --allow-errors; 2 bad input; 130 interrupted. Waived findings never count.

    \b
    Example:
      sounding evaluate snapshots/example --format json --fail-on high
    """
    from sounding.engine.rule_process import prestart_worker

    prestart_worker()  # its interpreter starts while this one reads the snapshot and the rules
    from sounding.engine.evaluate import evaluate as run_evaluate
    from sounding.engine.output import write_with
    from sounding.engine.report.summary import finding_counts
    from sounding.engine.selection import select_rules
    from sounding.engine.snapshot import open_snapshot
    from sounding.engine.waivers import apply_waivers, find_waivers_file, load_waivers

    snap = open_local([snapshot], lambda paths: open_snapshot(paths[0]))  # s3://: a local copy (engine.remote)
    rules = select_rules(rule_dirs, no_builtin=no_builtin, ids=rule_ids, sections=sections,
                         severities=severities, frameworks=frameworks)
    waivers_path = find_waivers_file(waivers_file)
    waivers = load_waivers(waivers_path) if waivers_path else None
    progress = Progress(quiet=quiet, verbose=verbose)
    streamed = output_format == "json" and streams_to_file(output)
    try:
        if streamed:  # the report is written while the rules run (atomically: a complete file or none)
            evaluation = evaluate_into_json(output, snap, rules, waivers, statuses, timeout=timeout,
                                            progress=progress.callback)
        else:
            evaluation = run_evaluate(snap, rules, timeout=timeout, progress=progress.callback)
    finally:
        progress.done()
    if waivers is not None and not streamed:
        evaluation.waivers = apply_waivers(evaluation.findings, waivers, snap.collected_at)
    for warning in filter(None, (o.warning(str(waivers_path)) for o in evaluation.waivers or ())):
        say(warning)
    failing = errors = 0
    for _section, severity, status, waived, count in finding_counts(evaluation.findings):  # counted in bulk
        if not waived and status == "FAIL" and fail_on != "none" and severity_rank(severity) >= severity_rank(fail_on):
            failing += count
        elif not waived and status == "ERROR":
            errors += count
    if statuses:
        evaluation.findings = evaluation.findings.with_statuses(statuses)
    shown = tuple(sorted(set(statuses), key=STATUS_ORDER.__getitem__)) if statuses else None
    if not streamed:
        write_with(lambda out: report_writer(output_format, shown=shown, wide=wide)(evaluation, out), output)
    if failing:
        sys.exit(EXIT_FINDINGS)
    if errors and not allow_errors:
        say(f"error: {errors} finding(s) are ERROR: those checks were not evaluated (exit {EXIT_ERRORS}; "
            "--allow-errors to accept)")
        sys.exit(EXIT_ERRORS)


def streams_to_file(output: Path | None) -> bool:
    """Whether the report goes to a regular file (or a new one): only then is it written while the rules run,
    because only a file is replaced atomically when the evaluation fails half-way."""
    if output is None or str(output) == "-":
        return False
    return not output.exists() or output.is_file()


def evaluate_into_json(output: Path, snap: Any, rules: list[Any], waivers: list[Any] | None,
                       statuses: tuple[str, ...], *, timeout: float, progress: Callable[[str], None]) -> Any:
    """Evaluate with the JSON report written as each rule's findings are spooled (waivers marked first);
    the same bytes as writing it afterwards."""
    from sounding.engine.errors import InputError
    from sounding.engine.evaluate import evaluate as run_evaluate
    from sounding.engine.output import open_output
    from sounding.engine.report.json_report import FindingsWriter
    from sounding.engine.waivers import WaiverMatcher

    def run(out: TextIO) -> Any:
        writer = FindingsWriter(out, statuses or None)
        matcher = WaiverMatcher(waivers, snap.collected_at) if waivers is not None else None
        hooks = [matcher.apply_batch, writer.add] if matcher is not None else [writer.add]
        try:
            evaluation = run_evaluate(snap, rules, timeout=timeout, progress=progress, hooks=hooks,
                                      keep_findings=False)  # written here; only the counts are needed after
        except OSError as exc:
            if exc.filename:  # a file of the evaluation's own (its spool), not the report: named as it is
                raise InputError(exc.filename, exc.strerror or str(exc)) from None
            raise  # writing the report: named by open_output
        if matcher is not None:
            evaluation.waivers = matcher.outcomes()
        shown = evaluation.findings.with_statuses(statuses) if statuses else evaluation.findings
        writer.finish(dataclasses.replace(evaluation, findings=shown))
        return evaluation

    with open_output(output) as out:
        return run(out)


def report_writer(output_format: str, *, shown: tuple[str, ...] | None, wide: bool) -> ReportWriter:
    """The format's `write(evaluation, out)`; the table also takes the statuses to list, --wide and colour."""
    render = FORMATS[output_format]
    module = importlib.import_module(render.__module__)
    write = getattr(module, "write", None)
    if write is None:
        return lambda evaluation, out: out.write(render(evaluation))
    if output_format != "table":
        return write

    def table(evaluation: Any, out: TextIO) -> None:
        options: dict[str, Any] = {"wide": wide, "colour": colour_wanted(out)}
        if shown:
            options["shown"] = shown
        write(evaluation, out, **options)

    return functools.update_wrapper(table, write)
