"""Loads rule files: the `-- key: value` header, the id from the file name, the SQL body."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sounding.engine.errors import InputError

SEVERITIES = ("critical", "high", "medium", "low", "info")
STATUSES = ("PASS", "FAIL", "MANUAL", "SKIP", "ERROR")
SECTIONS = {
    1: "Root user", 2: "Organizations", 3: "Control Tower", 4: "CloudTrail", 5: "AWS Config",
    6: "Security Hub", 7: "GuardDuty", 8: "Identity Center and IAM users", 9: "Security alerts",
    10: "Regions", 11: "Default VPC", 12: "Access Analyzer and wildcard policies",
    13: "Third-party access", 14: "Further services",
}
REQUIRED_KEYS = ("title", "severity", "section", "description", "remediation")
OPTIONAL_KEYS = ("references", "frameworks", "scope")
LIST_KEYS = ("references", "frameworks")
RULE_ID = re.compile(r"^[a-z][a-z0-9_]{2,79}$")
_HEADER_LINE = re.compile(r"^--\s?([a-z_]+):\s*(.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(\S.*)$")
MAX_RULE_BYTES = 256 * 1024


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
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def section_name(self) -> str:
        """The catalog's name for the rule's section."""
        return SECTIONS.get(self.section, str(self.section))

    @property
    def severity_rank(self) -> int:
        """Higher is more severe."""
        return len(SEVERITIES) - SEVERITIES.index(self.severity)


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
        continuation = _CONTINUATION.match(stripped)
        if continuation and last is not None:
            values[last] += "\n" + continuation.group(1)
            continue
        match = _HEADER_LINE.match(stripped)
        if match:
            key, value = match.group(1), match.group(2).strip()
            if key in values:
                raise InputError(path, f"line {number}: header key '{key}' appears twice")
            values[key] = value
            last = key
        else:
            last = None
    return values, body_line


def _split_list(value: str) -> tuple[str, ...]:
    """A list header value: comma or newline separated."""
    return tuple(part.strip() for part in re.split(r"[,\n]", value) if part.strip())


def load_rule(path: Path) -> Rule:
    """Read and validate one rule file; every defect is an InputError naming the file."""
    rule_id = path.stem
    if not RULE_ID.match(rule_id):
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
    missing = [k for k in REQUIRED_KEYS if not header.get(k)]
    if missing:
        raise InputError(path, f"header lacks {', '.join(missing)} (write '-- {missing[0]}: ...' at the top)")
    unknown = sorted(set(header) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise InputError(path, f"unknown header key '{unknown[0]}' (known: "
                               f"{', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})")
    severity = header["severity"].lower()
    if severity not in SEVERITIES:
        raise InputError(path, f"severity '{header['severity']}' is not one of {', '.join(SEVERITIES)}")
    try:
        section = int(header["section"])
    except ValueError:
        raise InputError(path, f"section '{header['section']}' is not a number") from None
    if section < 1:
        raise InputError(path, f"section {section} must be a positive number")
    sql = "\n".join(text.splitlines()[body_line - 1:]).strip()
    if not sql:
        raise InputError(path, "no SQL after the header")
    return Rule(id=rule_id, path=path, title=header["title"], severity=severity, section=section,
                description=header["description"], remediation=header["remediation"], sql=sql,
                references=_split_list(header.get("references", "")),
                frameworks=_split_list(header.get("frameworks", "")), scope=header.get("scope", ""),
                body_line=body_line)


def builtin_rules_dir() -> Path:
    """The built-in rule pack: rules/ of a source checkout, else the installed `sounding.rules` package."""
    source = Path(__file__).resolve().parent.parent / "rules"
    if source.is_dir():
        return source
    from importlib.resources import files

    return Path(str(files("sounding.rules")))


def rule_files(directories: Iterable[Path]) -> list[Path]:
    """Every rule file under the directories, in a stable order."""
    files: list[Path] = []
    for directory in directories:
        directory = Path(directory)
        if not directory.is_dir():
            raise InputError(directory, "rules directory does not exist")
        files.extend(sorted(p for p in directory.rglob("*.sql") if p.is_file()))
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
