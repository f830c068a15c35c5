"""`sounding rules`: list, show, scaffold, test and lint rule files."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import Path

import click
from sounding.engine.commands.common import (
    EXIT_FINDINGS,
    SectionType,
    colour_wanted,
    complete_rule_ids,
    format_option,
    handles_errors,
    output_option,
    printable,
    rule_dir_options,
    rule_filter_options,
    rule_id_option,
    say,
    wide_option,
)
from sounding.engine.errors import InputError
from sounding.engine.report.rows import ROW_FORMATS, write_rows
from sounding.engine.rules import Rule


@click.group()
def rules() -> None:
    """List, show, scaffold, test and lint rules.

    \b
    Example:
      sounding rules new my_check --section 14 --dir my-rules
      sounding rules test my-rules
    """


@rules.command("list")
@rule_dir_options
@rule_id_option
@rule_filter_options
@format_option(ROW_FORMATS)
@output_option
@wide_option
@handles_errors
def list_rules(rule_dirs: tuple[Path, ...], no_builtin: bool, rule_ids: tuple[str, ...], sections: tuple[int, ...],
               severities: tuple[str, ...], output_format: str, output: Path | None, wide: bool) -> None:
    """List rules: id, severity, section and title.

    \b
    Example:
      sounding rules list --section 1 --format csv
    """
    from sounding.engine.output import write_with
    from sounding.engine.selection import select_rules

    chosen = select_rules(rule_dirs, no_builtin=no_builtin, ids=rule_ids, sections=sections, severities=severities)
    columns = ["id", "severity", "section", "section_name", "title"]
    rows = [[r.id, r.severity, r.section, r.section_name, r.title] for r in chosen]
    if output_format == "json":
        columns = [*columns, "frameworks"]
        rows = [[*row, list(r.frameworks)] for row, r in zip(rows, chosen, strict=True)]
    if output_format == "table":
        columns, rows = ["Rule", "Severity", "Section", "Title"], [[r[0], r[1], r[2], r[4]] for r in rows]
    write_with(lambda out: write_rows(columns, rows, output_format, out, wide=wide, colour=colour_wanted(out)),
               output)


@rules.command("show")
@click.argument("rule_id", shell_complete=complete_rule_ids)
@rule_dir_options
@handles_errors
def show_rule(rule_id: str, rule_dirs: tuple[Path, ...], no_builtin: bool) -> None:
    """Show one rule: its metadata and its SQL.

    \b
    Example:
      sounding rules show root_mfa_enabled
    """
    rule = _find_rule(rule_id, rule_dirs, no_builtin)
    fields = [("id", rule.id), ("file", str(rule.path)), ("title", rule.title), ("severity", rule.severity),
              ("section", f"{rule.section}. {rule.section_name}"), ("scope", rule.scope),
              ("description", rule.description), ("remediation", rule.remediation),
              ("references", ", ".join(rule.references)), ("frameworks", ", ".join(rule.frameworks))]
    for name, value in fields:
        lines = [printable(line) for line in value.split("\n")]
        click.echo(f"{name + ':':<13}{(chr(10) + ' ' * 13).join(lines)}".rstrip())
    click.echo("\n" + "\n".join(printable(line) for line in rule.sql.split("\n")))


@rules.command("new")
@click.argument("rule_id")
@click.option("--section", type=SectionType(), required=True, help="Catalog section number (1-14).")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("rules"),
              show_default=True, help="Rules directory to create the rule in.")
@handles_errors
def new_rule(rule_id: str, section: int, directory: Path) -> None:
    """Create a working rule file and a passing case file to edit.

    \b
    Example:
      sounding rules new s3_account_public_access_block --section 14 --dir my-rules
    """
    from sounding.engine.rules import builtin_rules_dir
    from sounding.engine.scaffold import scaffold_rule

    rule_path, case_file = scaffold_rule(rule_id, section, directory, existing=[builtin_rules_dir()])
    click.echo(str(rule_path))
    click.echo(str(case_file))


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@rule_dir_options
@rule_id_option
@handles_errors
def test_rules(paths: tuple[Path, ...], rule_dirs: tuple[Path, ...], no_builtin: bool,
               rule_ids: tuple[str, ...]) -> None:
    """Run rule case files: rule files or directories [default: the built-in pack and --rules].

    Exit status: 0 every case passed, 1 a case failed, 2 an invalid rule or case file.

    \b
    Example:
      sounding rules test my-rules/14-further-services/my_check.sql
    """
    from sounding.engine.casefile import case_path, run_case_file

    chosen = _rules_at(paths, rule_dirs, no_builtin)
    if rule_ids:
        unmatched = [p for p in rule_ids if not any(fnmatchcase(r.id, p) for r in chosen)]
        if unmatched:
            raise InputError("--rule", f"no rule matches {', '.join(unmatched)}")
        chosen = [r for r in chosen if any(fnmatchcase(r.id, pattern) for pattern in rule_ids)]
    passed = failed = 0
    for rule in chosen:
        path = case_path(rule.path)
        if not path.is_file():
            failed += 1
            click.echo(f"FAIL {rule.id}: no case file {path}")
            continue
        for result in run_case_file(rule, path):
            if result.passed:
                passed += 1
                click.echo(f"PASS {rule.id}: {result.case}")
            else:
                failed += 1
                click.echo(f"FAIL {rule.id}: {result.case}")
                click.echo(_indent(result.diff))
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        sys.exit(EXIT_FINDINGS)


@rules.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@rule_dir_options
@handles_errors
def lint_rules(paths: tuple[Path, ...], rule_dirs: tuple[Path, ...], no_builtin: bool) -> None:
    """Check rule files without running them: header, id, one SELECT, tables, columns, output, statuses.

    Exit status: 0 clean, 1 problems found (each printed as path:line: problem).

    \b
    Example:
      sounding rules lint my-rules
    """
    from sounding.engine.lint import lint_paths
    from sounding.engine.selection import rule_directories

    directories = rule_directories(rule_dirs, no_builtin=no_builtin)
    problems = lint_paths(paths or directories, also_known=directories)
    for problem in problems:
        click.echo(str(problem))
    count = len(_lint_files(paths or directories))
    say(f"{count} rule file(s) checked, {len(problems)} problem(s)")
    if problems:
        sys.exit(EXIT_FINDINGS)


def _lint_files(paths: Sequence[Path]) -> list[Path]:
    """The rule files a lint run covers (for the summary line)."""
    from sounding.engine.rules import rule_files

    return [p for p in paths if p.is_file()] + rule_files([p for p in paths if p.is_dir()])


def _find_rule(rule_id: str, rule_dirs: Sequence[Path], no_builtin: bool) -> Rule:
    """The rule with this id among the rule directories."""
    from sounding.engine.rules import load_rule, rule_files
    from sounding.engine.selection import rule_directories

    for path in rule_files(rule_directories(rule_dirs, no_builtin=no_builtin)):
        if path.stem == rule_id:
            return load_rule(path)
    raise InputError(rule_id, "no rule with this id (see `sounding rules list`)")


def _rules_at(paths: Sequence[Path], rule_dirs: Sequence[Path], no_builtin: bool) -> list[Rule]:
    """Rules from the paths given (rule files, case files or directories), else from the rule directories."""
    from sounding.engine.casefile import CASE_SUFFIX
    from sounding.engine.rules import load_rule, load_rules
    from sounding.engine.selection import rule_directories

    if not paths:
        return load_rules(rule_directories(rule_dirs, no_builtin=no_builtin))
    chosen: list[Rule] = []
    for path in paths:
        if path.is_dir():
            chosen.extend(load_rules([path]))
        elif path.is_file() and path.name.endswith(CASE_SUFFIX):
            rule_path = path.with_name(path.name.removesuffix(CASE_SUFFIX) + ".sql")
            if not rule_path.is_file():
                raise InputError(path, f"no rule file {rule_path.name} beside this case file")
            chosen.append(load_rule(rule_path))
        elif path.is_file() and path.suffix == ".sql":
            chosen.append(load_rule(path))
        else:
            raise InputError(path, "not a rule file, a case file or a directory")
    return chosen


def _indent(text: str) -> str:
    """A block of text indented under its PASS/FAIL line."""
    return "\n".join("    " + line for line in text.splitlines())
