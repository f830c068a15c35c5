"""Static checks of rule files: header, id, one SELECT, tables and columns, output types, status literals."""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from sounding.collector.declarations import TableSpec
from sounding.collector.synthetic import build_snapshot
from sounding.collector.tables import ALL_TABLES
from sounding.engine.errors import InputError, first_line
from sounding.engine.findings import REQUIRED_COLUMNS
from sounding.engine.frameworks import parse_frameworks
from sounding.engine.rules import (
    REQUIRED_KEYS,
    RULE_ID,
    STATUSES,
    header_problems,
    is_library_file,
    parse_header,
    rule_files,
)
from sounding.engine.sandbox import Sandbox
from sounding.engine.snapshot import open_snapshot
from sounding.engine.sql_policy import RuleRefused, is_forbidden_function, parse_tree

# Header keys a finished rule states, beyond what the loader insists on.
COMPLETE_KEYS = (*REQUIRED_KEYS, "scope", "references")
BIND_TIMEOUT = 10.0  # seconds to plan a rule's query against the empty snapshot
_SECTION_DIR = re.compile(r"^(\d+)-")
_LINE_IN_ERROR = re.compile(r"LINE (\d+):")
# Functions through which a CASE-like expression passes one of its arguments on as the value.
_PASS_THROUGH = {"coalesce", "ifnull", "greatest", "least", "nullif"}


@dataclass(frozen=True, order=True)
class Problem:
    """One defect of a rule file, at a line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class Binder:
    """An empty snapshot of every declared table behind the real sandbox, to bind rule queries against."""

    def __init__(self, declared: Sequence[TableSpec] = ALL_TABLES) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="sounding-lint-")
        path = build_snapshot(Path(self._tmp.name) / "empty", rows={}, specs=declared)
        self.declared = {s.name: s for s in declared}
        self.sandbox = Sandbox(open_snapshot(path), declared)

    def describe(self, sql: str) -> list[tuple[str, str]]:
        """Output column names and DuckDB types of a query, without reading a row (bounded in time)."""
        timer = threading.Timer(BIND_TIMEOUT, self.sandbox.con.interrupt)
        timer.start()
        try:
            cursor = self.sandbox.con.execute(f"SELECT * FROM (\n{sql}\n) AS rule_output LIMIT 0")
        finally:
            timer.cancel()
        return [(d[0], str(d[1])) for d in cursor.description]

    def close(self) -> None:
        """Release the connection and the temporary snapshot."""
        self.sandbox.close()
        self._tmp.cleanup()


def lint_paths(paths: Iterable[Path], *, also_known: Iterable[Path] = (),
               binder: Binder | None = None) -> list[Problem]:
    """Every problem in the rule files under the paths; ids are checked for uniqueness with also_known too."""
    files = _files(paths)
    known = _files(also_known)
    problems: list[Problem] = []
    problems.extend(_duplicate_ids(files, known))
    own = binder is None
    binder = binder or Binder()
    try:
        for path in files:
            problems.extend(lint_file(path, binder))
    finally:
        if own:
            binder.close()
    return sorted(set(problems))


def _files(paths: Iterable[Path]) -> list[Path]:
    """Rule files named directly, or found under directories."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(rule_files([path]))
        elif is_library_file(path):
            raise InputError(path, "a shared SQL file of a _lib folder, not a rule")
        elif path.is_file() and path.suffix == ".sql":
            found.append(path)
        else:
            raise InputError(path, "not a rule file (.sql) or a directory of rules")
    return found


def _duplicate_ids(files: Sequence[Path], known: Sequence[Path]) -> Iterator[Problem]:
    """A rule id that two files share, anywhere among the rule directories."""
    by_id: dict[str, dict[Path, Path]] = {}
    for path in [*files, *known]:
        by_id.setdefault(path.stem, {}).setdefault(path.resolve(), path)
    for path in files:
        others = [p for resolved, p in by_id[path.stem].items() if resolved != path.resolve()]
        if others:
            yield Problem(str(path), 1, f"duplicate rule id '{path.stem}' (also {others[0]})")


def lint_file(path: Path, binder: Binder) -> list[Problem]:
    """The problems of one rule file: header first, then its SQL."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [Problem(str(path), 1, "not UTF-8 text")]
    problems = []

    def report(line: int, message: str) -> None:
        problems.append(Problem(str(path), line, message))

    if not RULE_ID.fullmatch(path.stem):
        report(1, f"rule id '{path.stem}' (the file name) must be lower_snake_case, 3-80 characters")
    try:
        header, body_line = parse_header(text, path)
    except InputError as exc:
        match = re.search(r"line (\d+)", exc.problem)
        report(int(match.group(1)) if match else 1, exc.problem)
        return problems
    _check_header(path, text, header, report)
    sql = "\n".join(text.splitlines()[body_line - 1:]).rstrip()
    if not sql.strip():
        report(body_line, "no SQL after the header")
        return problems
    _check_sql(sql, body_line, binder, report)
    return problems


def _check_header(path: Path, text: str, header: dict[str, str], report: Any) -> None:
    """Every key present, known and valid; the section matches the directory."""
    lines = text.splitlines()

    def line_of(key: str) -> int:
        return next((n for n, line in enumerate(lines, 1) if re.match(rf"--\s?{re.escape(key)}:", line)), 1)

    missing, problems = header_problems(header, COMPLETE_KEYS)
    for key in missing:
        report(1, f"header lacks {key} (write '-- {key}: ...' at the top)")
    for key, message in problems:
        report(line_of(key), message)
    try:
        parse_frameworks(header.get("frameworks", ""), path)
    except InputError as exc:
        report(line_of("frameworks"), exc.problem)
    section = header.get("section", "")
    if section and not any(key == "section" for key, _ in problems):
        folder = _SECTION_DIR.match(path.parent.name)
        if folder and int(folder.group(1)) != int(section):
            report(line_of("section"), f"section {section} does not match the directory {path.parent.name}")


def _check_sql(sql: str, body_line: int, binder: Binder, report: Any) -> None:
    """One SELECT; allowed functions; valid status literals; binds; required VARCHAR outputs."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        match = _LINE_IN_ERROR.search(str(exc))
        report(body_line + int(match.group(1)) - 1 if match else body_line, f"SQL does not parse: {first_line(exc)}")
        return
    if len(statements) != 1:
        report(body_line, f"a rule must be exactly one SELECT statement; found {len(statements)} statements")
        return
    if statements[0].type != duckdb.StatementType.SELECT:
        report(body_line, f"only SELECT is allowed; found {statements[0].type.name}")
        return
    query = sql.rstrip().rstrip(";")
    tree = _parse_tree(query)
    if tree is None:
        report(body_line, "SQL does not parse")
        return
    lines = _LineMap(query, body_line)
    for node in _nodes(tree):
        name = str(node.get("function_name", "")).lower()
        if name and is_forbidden_function(name):
            report(lines.at(node), f"function {name}() is not allowed in a rule")
    for node, text in _status_literals(tree, binder.declared):
        if text not in STATUSES:
            report(lines.at(node), f"status '{text}' is not one of {', '.join(STATUSES)}")
    try:
        columns = binder.describe(query)
    except duckdb.Error as exc:
        match = _LINE_IN_ERROR.search(str(exc))
        line = body_line + int(match.group(1)) - 2 if match else body_line
        report(line, first_line(exc))
        return
    types = {name.lower(): kind for name, kind in columns}
    for name in REQUIRED_COLUMNS:
        if name not in types:
            report(body_line, f"output lacks column {name} (a rule returns {', '.join(REQUIRED_COLUMNS)})")
        elif types[name] != "VARCHAR":
            report(body_line, f"output column {name} is {types[name]}; it must be VARCHAR (cast it: ::VARCHAR)")


def _parse_tree(query: str) -> dict[str, Any] | None:
    """DuckDB's parse tree of a query, or None when it does not parse."""
    try:
        return parse_tree(query)
    except RuleRefused:
        return None


class _LineMap:
    """Maps a parse-tree node's query_location (a byte offset in the query) to a line of the rule file."""

    def __init__(self, query: str, body_line: int) -> None:
        self.data = query.encode("utf-8")
        self.body_line = body_line

    def at(self, node: dict[str, Any]) -> int:
        offset = node.get("query_location")
        if not isinstance(offset, int) or offset < 0 or offset > len(self.data):
            return self.body_line
        return self.body_line + self.data[:offset].count(b"\n")


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict node of a parse tree, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _status_tables(node: Any, declared: dict[str, TableSpec]) -> set[str]:
    """Names and aliases of declared tables with their own status column, read directly under a node."""
    names = set()
    for item in _nodes_in_scope(node):
        if item.get("type") == "BASE_TABLE" and "table_name" in item:
            spec = declared.get(str(item["table_name"]).lower())
            if spec and any(c.name == "status" for c in spec.all_columns):
                names.add(spec.name)
                if item.get("alias"):
                    names.add(str(item["alias"]).lower())
    return names


def _nodes_in_scope(node: Any) -> Iterator[dict[str, Any]]:
    """The dict nodes under a node, without entering nested SELECTs (their own scope)."""
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        if isinstance(child, dict):
            if child.get("type") == "SELECT_NODE":
                continue
            yield child
        yield from _nodes_in_scope(child)


def _status_literals(tree: dict[str, Any], declared: dict[str, TableSpec]) -> Iterator[tuple[dict[str, Any], str]]:
    """String literals returned as a column named status, or compared with a rule's status column."""
    everywhere = {t for n in _nodes(tree) if n.get("type") == "SELECT_NODE"
                  for t in _status_tables({"from": n.get("from_table")}, declared)}
    for node in _nodes(tree):
        if str(node.get("alias", "")).lower() == "status" and "class" in node:
            yield from _returned_strings(node)
    for select in (n for n in _nodes(tree) if n.get("type") == "SELECT_NODE"):
        local = _status_tables({"from": select.get("from_table")}, declared)
        for node in _nodes_in_scope(select):
            if not str(node.get("type", "")).startswith("COMPARE_"):
                continue
            sides = [node.get("left"), node.get("right"), *node.get("children", [])]
            if any(_is_status_ref(side, local, everywhere) for side in sides):
                for side in sides:
                    text = _string(side) if isinstance(side, dict) else None
                    if text is not None:
                        yield side, text


def _returned_strings(expr: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """The string constants an expression can evaluate to (through CASE, COALESCE, IF, casts)."""
    if not isinstance(expr, dict):
        return
    text = _string(expr)
    if text is not None:
        yield expr, text
    elif expr.get("class") == "CASE":
        for check in expr.get("case_checks", []):
            yield from _returned_strings(check.get("then_expr"))
        yield from _returned_strings(expr.get("else_expr"))
    elif expr.get("class") == "CAST":
        yield from _returned_strings(expr.get("child"))
    elif expr.get("class") == "FUNCTION":
        name = str(expr.get("function_name", "")).lower()
        args = [a.get("expression") if isinstance(a, dict) and "expression" in a else a
                for a in expr.get("arguments", expr.get("children", []))]
        if name in ("if", "iff"):
            args = args[1:]
        if name in _PASS_THROUGH or name in ("if", "iff"):
            for arg in args:
                yield from _returned_strings(arg)
    elif expr.get("class") == "OPERATOR" and expr.get("type") == "OPERATOR_COALESCE":
        for arg in expr.get("children", []):
            yield from _returned_strings(arg)


def _is_status_ref(node: Any, local: set[str], everywhere: set[str]) -> bool:
    """A column reference to a rule's status, not to a collected table's own status column."""
    if not isinstance(node, dict) or node.get("class") != "COLUMN_REF":
        return False
    parts = [str(p).lower() for p in node.get("column_names", [])]
    if not parts or parts[-1] != "status":
        return False
    return not local if len(parts) == 1 else parts[-2] not in everywhere


def _string(node: dict[str, Any]) -> str | None:
    """The text of a string constant node, else None."""
    if node.get("class") == "CONSTANT":
        literal = node.get("literal") or node.get("value") or {}
        if isinstance(literal, dict) and literal.get("kind") == "STRING":
            return str(literal.get("text"))
    return None


