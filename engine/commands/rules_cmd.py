"""`sounding rules`: list, show, scaffold, test and lint rule files."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import click
from sounding.engine.commands.common import EXIT_FINDINGS, format_option, handles_errors, say
from sounding.engine.errors import InputError
from sounding.engine.rules import SEVERITIES, Rule


def rule_dir_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--rules DIR (repeatable) and --no-builtin, as every command that reads rules has them."""
    command = click.option("--no-builtin", is_flag=True,
                           help="Leave out the built-in pack; use only the --rules directories.")(command)
    return click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path), metavar="DIR",
                        help="Also use the rules in DIR (repeatable).")(command)


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
@click.option("--rule", "rule_ids", multiple=True, help="Only these rule ids (repeatable, globs allowed).")
@click.option("--section", "sections", multiple=True, type=int, help="Only rules of these sections.")
@click.option("--severity", "severities", multiple=True, type=click.Choice(SEVERITIES),
              help="Only rules of these severities.")
@format_option(("table", "json", "csv"))
@handles_errors
def list_rules(rule_dirs: tuple[Path, ...], no_builtin: bool, rule_ids: tuple[str, ...], sections: tuple[int, ...],
               severities: tuple[str, ...], output_format: str) -> None:
    """List rules: id, severity, section and title.

    \b
    Example:
      sounding rules list --section 1 --format csv
    """
    from sounding.engine.report.text import table
    from sounding.engine.selection import select_rules

    chosen = select_rules(rule_dirs, no_builtin=no_builtin, ids=rule_ids, sections=sections, severities=severities)
    rows = [{"id": r.id, "severity": r.severity, "section": r.section, "section_name": r.section_name,
             "title": r.title} for r in chosen]
    if output_format == "json":
        mapped = [{**row, "frameworks": list(r.frameworks)} for row, r in zip(rows, chosen, strict=True)]
        click.echo(json.dumps(mapped, indent=2, ensure_ascii=False))
    elif output_format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["id", "severity", "section", "section_name", "title"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
    else:
        click.echo(table(["Rule", "Severity", "Section", "Title"],
                         [[r["id"], r["severity"], r["section"], r["title"]] for r in rows]), nl=False)


@rules.command("show")
@click.argument("rule_id")
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
        click.echo(f"{name + ':':<13}{value.replace(chr(10), chr(10) + ' ' * 13)}".rstrip())
    click.echo("\n" + rule.sql)


@rules.command("new")
@click.argument("rule_id")
@click.option("--section", type=int, required=True, help="Catalog section number (1-14).")
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
@click.option("--rule", "rule_ids", multiple=True, help="Only these rule ids (repeatable, globs allowed).")
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
        chosen = [r for r in chosen if any(fnmatchcase(r.id, pattern) for pattern in rule_ids)]
        if not chosen:
            raise InputError("--rule", f"no rule matches {', '.join(rule_ids)}")
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
