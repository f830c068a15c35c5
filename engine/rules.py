"""Loads rule files: the `-- key: value` header, the id from the file name, the SQL body."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sounding.engine.errors import InputError
from sounding.engine.frameworks import parse_frameworks

SEVERITIES = ("critical", "high", "medium", "low", "info")
STATUSES = ("PASS", "FAIL", "MANUAL", "SKIP", "ERROR")
REQUIRED_KEYS = ("title", "severity", "section", "description", "remediation")
OPTIONAL_KEYS = ("references", "frameworks", "scope")
RULE_ID = re.compile(r"[a-z][a-z0-9_]{2,79}")  # always fullmatch: "id\n" is not an id
_HEADER_LINE = re.compile(r"--\s?([a-z_]+):\s*(.*)")
_CONTINUATION = re.compile(r"--\s{2,}(\S.*)")
MAX_RULE_BYTES = 256 * 1024
LIBRARY_DIR_NAME = "_lib"  # shared views and macros beside the rule sections (engine/sql_library.py), not rules
SECTIONS_FILE = "sections.toml"


def builtin_rules_dir() -> Path:
    """The built-in rule pack: rules/ of a source checkout, else the installed `sounding.rules` package."""
    source = Path(__file__).resolve().parent.parent / "rules"
    if source.is_dir():
        return source
    from importlib.resources import files

    return Path(str(files("sounding.rules")))


def is_library_file(path: Path) -> bool:
    """Whether a file lies in a `_lib` folder of shared SQL (views and macros, not rules)."""
    return Path(path).parent.name == LIBRARY_DIR_NAME


def load_sections(path: Path | None = None) -> dict[int, str]:
    """The catalog's section numbers and names, from rules/sections.toml."""
    path = path or builtin_rules_dir() / SECTIONS_FILE
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {int(number): str(name) for number, name in data["sections"].items()}


SECTIONS = load_sections()


@dataclass(frozen=True)
class Rule:
    """A rule: its id, metadata from the header, and the SELECT that evaluates it."""

    id: str
    path: Path
    title: str
    severity: str
    section: int
    description: str
    remediation: str
    sql: str
    references: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    scope: str = ""
    body_line: int = 1

    @property
    def section_name(self) -> str:
        """The catalog's name for the rule's section."""
        return SECTIONS.get(self.section, str(self.section))


def severity_rank(severity: str) -> int:
    """Rank of a severity name; higher is more severe."""
    return len(SEVERITIES) - SEVERITIES.index(severity)


def parse_header(text: str, path: Path) -> tuple[dict[str, str], int]:
    """The header's key/values and the 1-based line where the SQL body starts."""
    values: dict[str, str] = {}
    last: str | None = None
    lines = text.splitlines()
    body_line = len(lines) + 1
    for number, line in enumerate(lines, start=1):
        stripped = line.rstrip()
        if not stripped.startswith("--"):
            if stripped.strip():
                body_line = number
                break
            last = None
            continue
        continuation = _CONTINUATION.fullmatch(stripped)
        if continuation and last is not None:
            values[last] += "\n" + continuation.group(1)
            continue
        match = _HEADER_LINE.fullmatch(stripped)
        if match:
            key, value = match.group(1), match.group(2).strip()
            if key in values:
                raise InputError(path, f"line {number}: header key '{key}' appears twice")
            values[key] = value
            last = key
        else:
            last = None
    return values, body_line


def header_problems(header: dict[str, str], required: Sequence[str] = REQUIRED_KEYS,
                    ) -> tuple[list[str], list[tuple[str, str]]]:
    """The required keys a header lacks, and (key, message) for each other defect: one validator for load and lint."""
    missing = [key for key in required if not header.get(key)]
    problems = [(key, f"unknown header key '{key}' (known: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})")
                for key in sorted(set(header) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))]
    severity = header.get("severity", "")
    if severity and severity.lower() not in SEVERITIES:
        problems.append(("severity", f"severity '{severity}' is not one of {', '.join(SEVERITIES)}"))
    section = header.get("section", "")
    if section and not (section.isascii() and section.isdigit()):
        problems.append(("section", f"section '{section}' is not a number"))
    elif section and int(section) not in SECTIONS:
        problems.append(("section", f"section '{section}' is not a catalog section "
                                    f"({min(SECTIONS)}-{max(SECTIONS)}, rules/{SECTIONS_FILE})"))
    return missing, problems


def _split_list(value: str) -> tuple[str, ...]:
    """A list header value: comma or newline separated."""
    return tuple(part.strip() for part in re.split(r"[,\n]", value) if part.strip())


def load_rule(path: Path) -> Rule:
    """Read and validate one rule file; every defect is an InputError naming the file."""
    rule_id = path.stem
    if is_library_file(path):
        raise InputError(path, f"a shared SQL file of a {LIBRARY_DIR_NAME} folder, not a rule")
    if not RULE_ID.fullmatch(rule_id):
        raise InputError(path, f"rule id '{rule_id}' (the file name) must be lower_snake_case, 3-80 characters")
    with path.open("rb") as fh:  # never more than the limit (and one byte to know it is over)
        data = fh.read(MAX_RULE_BYTES + 1)
    if len(data) > MAX_RULE_BYTES:
        raise InputError(path, f"rule file is larger than {MAX_RULE_BYTES // 1024} KiB")
    if b"\x00" in data:
        raise InputError(path, "binary content: a rule file must be UTF-8 SQL text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None
    header, body_line = parse_header(text, path)
    missing, problems = header_problems(header)
    if missing:
        raise InputError(path, f"header lacks {', '.join(missing)} (write '-- {missing[0]}: ...' at the top)")
    if problems:
        raise InputError(path, problems[0][1])
    severity, section = header["severity"].lower(), int(header["section"])
    sql = "\n".join(text.splitlines()[body_line - 1:]).strip()
    if not sql:
        raise InputError(path, "no SQL after the header")
    return Rule(id=rule_id, path=path, title=header["title"], severity=severity, section=section,
                description=header["description"], remediation=header["remediation"], sql=sql,
                references=_split_list(header.get("references", "")),
                frameworks=parse_frameworks(header.get("frameworks", ""), path), scope=header.get("scope", ""),
                body_line=body_line)


def rule_files(directories: Iterable[Path]) -> list[Path]:
    """Every rule file under the directories, in a stable order (a `_lib` folder holds shared SQL, not rules)."""
    files: list[Path] = []
    for directory in directories:
        directory = Path(directory)
        if not directory.is_dir():
            raise InputError(directory, "rules directory does not exist")
        files.extend(sorted(p for p in directory.rglob("*.sql") if p.is_file() and not is_library_file(p)))
    return files


def load_rules(directories: Sequence[Path]) -> list[Rule]:
    """Load every rule; duplicate ids across directories are refused, naming both files."""
    rules: dict[str, Rule] = {}
    for path in rule_files(directories):
        rule = load_rule(path)
        if rule.id in rules:
            raise InputError(path, f"duplicate rule id '{rule.id}' (also {rules[rule.id].path})")
        rules[rule.id] = rule
    return sorted(rules.values(), key=lambda r: (r.section, r.id))
