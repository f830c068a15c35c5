"""The shared SQL library (rules/_lib/*.sql): views and macros every rule may use, with what each reads.

One file per object, named after it: a header of `-- doc:` (what it is), `-- column NAME:` (views and
table macros) and `-- param NAME:` (macros) lines, then one `CREATE VIEW name AS SELECT ...`, `CREATE
MACRO name(...) AS expression` or `CREATE MACRO name(...) AS TABLE SELECT ...` (a table macro, called in
FROM). What an object reads is found in its SQL, so a rule reading a view (or calling a macro) depends
on the gaps of the collected tables behind it without anyone keeping a list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sounding.engine.errors import InputError
from sounding.engine.rules import builtin_rules_dir
from sounding.engine.sql_policy import RuleRefused, is_forbidden_function, names_in, parse_tree

LIBRARY_DIR_NAME = "_lib"
_DEFINITION = re.compile(r"CREATE\s+(VIEW|MACRO)\s+([a-z_][a-z0-9_]*)\s*(?:\(([^)]*)\))?\s+AS\s+(TABLE\s+)?(.*)",
                         re.IGNORECASE | re.DOTALL)
_HEADER = re.compile(r"--\s?(doc|column|param)(?:\s+([a-z_][a-z0-9_]*))?:\s*(.*)")
_CONTINUATION = re.compile(r"--\s{2,}(\S.*)")


@dataclass(frozen=True)
class LibraryObject:
    """One shared view or macro: its CREATE statement, its documentation and the names its SQL reads."""

    name: str
    kind: str  # "view" or "macro"
    path: Path
    statement: str
    doc: str
    columns: tuple[tuple[str, str], ...]  # view columns: name, doc
    params: tuple[tuple[str, str], ...]  # macro parameters: name, doc
    reads: frozenset[str]  # tables and functions named in its SQL
    returns_table: bool = False  # a table macro: called in FROM, its rows have the documented columns

    @property
    def signature(self) -> str:
        """How a rule names it: the view's name, or the macro with its parameters."""
        return self.name if self.kind == "view" else f"{self.name}({', '.join(p for p, _ in self.params)})"


@dataclass(frozen=True)
class SqlLibrary:
    """Every shared object, in an order in which each is created after what it reads."""

    objects: tuple[LibraryObject, ...]

    @property
    def views(self) -> tuple[LibraryObject, ...]:
        """The shared views, in creation order."""
        return tuple(o for o in self.objects if o.kind == "view")

    @property
    def macros(self) -> tuple[LibraryObject, ...]:
        """The shared macros (scalar and table), in creation order."""
        return tuple(o for o in self.objects if o.kind == "macro")

    @property
    def row_sources(self) -> tuple[LibraryObject, ...]:
        """The views and table macros: the objects whose rows have columns, in creation order."""
        return tuple(o for o in self.objects if o.kind == "view" or o.returns_table)

    def find(self, name: str) -> LibraryObject | None:
        """An object by name, or None."""
        return next((o for o in self.objects if o.name == name), None)

    def dependencies(self, names: Iterable[str]) -> frozenset[str]:
        """The names given plus every name the library objects among them read, transitively."""
        by_name = {o.name: o for o in self.objects}
        seen: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in by_name:
                todo.extend(by_name[name].reads)
        return frozenset(seen)


def library_dir() -> Path:
    """The built-in library's folder, beside the built-in rule sections."""
    return builtin_rules_dir() / LIBRARY_DIR_NAME


@lru_cache(maxsize=4)
def load_library(directory: Path | None = None) -> SqlLibrary:
    """Read and order every object of a library folder; a defect is an InputError naming the file."""
    folder = directory or library_dir()
    objects = [_load_object(path) for path in sorted(folder.glob("*.sql"))]
    return SqlLibrary(_in_creation_order(objects))


def _load_object(path: Path) -> LibraryObject:
    """One library file: header, a single CREATE VIEW or CREATE MACRO, and what its SQL reads."""
    text = path.read_text(encoding="utf-8")
    header: list[tuple[str, str, str]] = []
    body: list[str] = []
    for line in text.splitlines():
        stripped = line.rstrip()
        if body or not stripped.startswith("--"):
            body.append(line)
            continue
        continuation = _CONTINUATION.fullmatch(stripped)
        match = _HEADER.fullmatch(stripped)
        if match:
            header.append((match.group(1), match.group(2) or "", match.group(3).strip()))
        elif continuation and header:
            kind, name, value = header[-1]
            header[-1] = (kind, name, f"{value} {continuation.group(1)}")
    statement = "\n".join(body).strip().rstrip(";").strip()
    definition = _DEFINITION.fullmatch(statement)
    if definition is None:
        raise InputError(path, "a library file holds one CREATE VIEW name AS ... or CREATE MACRO name(...) AS ...")
    kind, name, params, table, select = definition.groups()
    if name.lower() != path.stem:
        raise InputError(path, f"defines {name}, but the file is named {path.stem}")
    doc = " ".join(value for key, _, value in header if key == "doc")
    if not doc:
        raise InputError(path, "header lacks doc (write '-- doc: ...' at the top)")
    query = select if kind.upper() == "VIEW" or table else f"SELECT ({select})"
    try:
        tables, functions = names_in(parse_tree(query))
    except RuleRefused as exc:
        raise InputError(path, str(exc)) from None
    forbidden = sorted(f for f in functions if is_forbidden_function(f))
    if forbidden:
        raise InputError(path, f"function {forbidden[0]}() is not allowed")
    declared_params = tuple(p.strip().lower() for p in (params or "").split(",") if p.strip())
    documented = {n: v for key, n, v in header if key == "param"}
    if kind.upper() == "MACRO" and set(documented) != set(declared_params):
        raise InputError(path, f"document each parameter with '-- param NAME: ...' ({', '.join(declared_params)})")
    if kind.upper() == "MACRO" and not table and any(key == "column" for key, _, _ in header):
        raise InputError(path, "a scalar macro returns one value: '-- column' lines belong to views and table macros")
    return LibraryObject(
        name=path.stem, kind=kind.lower(), path=path, statement=statement, doc=doc,
        columns=tuple((n, v) for key, n, v in header if key == "column"),
        params=tuple((p, documented.get(p, "")) for p in declared_params),
        reads=tables | functions, returns_table=bool(table))


def _in_creation_order(objects: list[LibraryObject]) -> tuple[LibraryObject, ...]:
    """Objects ordered so that each comes after the library objects it reads; a cycle is refused."""
    by_name = {o.name: o for o in objects}
    ordered: list[LibraryObject] = []
    state: dict[str, str] = {}

    def visit(obj: LibraryObject) -> None:
        if state.get(obj.name) == "done":
            return
        if state.get(obj.name) == "visiting":
            raise InputError(obj.path, f"{obj.name} reads itself through other library objects")
        state[obj.name] = "visiting"
        for name in sorted(obj.reads & by_name.keys() - {obj.name}):
            visit(by_name[name])
        state[obj.name] = "done"
        ordered.append(obj)

    for obj in sorted(objects, key=lambda o: o.name):
        visit(obj)
    return tuple(ordered)
