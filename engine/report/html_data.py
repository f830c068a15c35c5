"""The HTML report's findings, embedded as deflated columns: written in one pass, read by typed arrays in the page."""

from __future__ import annotations

import base64
import json
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from sounding.engine.findings import Finding
from sounding.engine.frameworks import registry
from sounding.engine.rules import SECTIONS, Rule

# Status codes in the page: the display order, needs-action first.
STATUS_CODES = ("FAIL", "ERROR", "MANUAL", "PASS", "SKIP")
# Numeric columns: name → array typecode, stored little-endian so the page can view them as typed arrays.
NUMERIC = {"rule": "H", "status": "B", "account": "I", "region": "H"}
# Text columns: one line per finding, with backslash, newline and carriage return escaped.
TEXT = ("resource", "reason", "details", "waiver")
COLUMNS = (*NUMERIC, *TEXT)
_FLUSH_ROWS = 4096
_LEVEL = 6


def escape_line(text: str) -> str:
    """Text that fits on one line and reads back exactly: \\ → \\\\, newline → \\n, CR → \\r."""
    if "\\" not in text and "\n" not in text and "\r" not in text:
        return text
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def unescape_line(text: str) -> str:
    """The inverse of escape_line."""
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append({"n": "\n", "r": "\r"}.get(nxt, nxt))
        else:
            out.append(char)
    return "".join(out)


@dataclass
class Column:
    """One column, deflated as its values arrive: only compressed bytes stay in memory."""

    typecode: str = ""
    compressor: Any = field(default_factory=lambda: zlib.compressobj(_LEVEL, zlib.DEFLATED, 15, 9))
    pending: list[Any] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)

    def add(self, value: Any) -> None:
        """Append one value; flush to the compressor every few thousand."""
        self.pending.append(value)
        if len(self.pending) >= _FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Compress what is pending."""
        if not self.pending:
            return
        if self.typecode:
            values = array(self.typecode, self.pending)
            if values.itemsize > 1 and array("H", [1]).tobytes()[0] != 1:
                values.byteswap()
            data = values.tobytes()
        else:
            data = "".join(escape_line(v) + "\n" for v in self.pending).encode("utf-8")
        self.chunks.append(self.compressor.compress(data))
        self.pending = []

    def finish(self) -> bytes:
        """Every value, deflated (zlib format, which the browser's DecompressionStream('deflate') reads)."""
        self.flush()
        self.chunks.append(self.compressor.flush())
        return b"".join(self.chunks)


@dataclass
class Dictionary:
    """Values of a low-cardinality column, numbered in order of first appearance."""

    codes: dict[Any, int] = field(default_factory=dict)

    def code(self, value: Any) -> int:
        """The number of a value, adding it when new."""
        found = self.codes.get(value)
        if found is None:
            found = self.codes[value] = len(self.codes)
        return found

    @property
    def values(self) -> list[Any]:
        """The values in code order."""
        return list(self.codes)


def rule_entry(rule_id: str, finding: Finding, rules: dict[str, Rule]) -> dict[str, Any]:
    """What the page shows about a rule: title, severity, section, why, how to fix, frameworks, references."""
    rule = rules.get(rule_id)
    entry: dict[str, Any] = {"id": rule_id, "title": finding.title, "severity": finding.severity,
                             "section": finding.section,
                             "section_name": SECTIONS.get(finding.section, str(finding.section))}
    if rule is not None:
        entry.update(description=rule.description, remediation=rule.remediation,
                     frameworks=list(rule.frameworks), references=list(rule.references))
    return entry


def encode(findings: Iterable[Finding], rules: Iterable[Rule],
           account_names: dict[str, str]) -> tuple[dict[str, bytes], dict[str, Any]]:
    """One pass over the findings: the deflated columns and the dictionaries they index into."""
    by_id = {r.id: r for r in rules}
    columns = {name: Column(NUMERIC.get(name, "")) for name in COLUMNS}
    rule_codes, accounts, regions = Dictionary(), Dictionary(), Dictionary()
    rule_entries: list[dict[str, Any]] = []
    count = 0
    for finding in findings:
        code = rule_codes.code(finding.rule_id)
        if code == len(rule_entries):
            rule_entries.append(rule_entry(finding.rule_id, finding, by_id))
        columns["rule"].add(code)
        columns["status"].add(STATUS_CODES.index(finding.status))
        columns["account"].add(accounts.code(finding.account_id))
        columns["region"].add(regions.code(finding.region))
        columns["resource"].add(finding.resource_id)
        columns["reason"].add(finding.reason)
        columns["details"].add(json.dumps(finding.details, sort_keys=True, ensure_ascii=False)
                               if finding.details else "")
        columns["waiver"].add("+" + finding.waiver_reason if finding.waived else "")
        count += 1
    meta = {
        "count": count, "statuses": list(STATUS_CODES), "rules": rule_entries,
        "accounts": [[a, account_names.get(a, "")] for a in accounts.values], "regions": regions.values,
        "frameworks": {f.id: f.title for f in registry().values()},
        "sections": {str(k): v for k, v in SECTIONS.items()},
    }
    return {name: column.finish() for name, column in columns.items()}, meta


def write_blob(out: TextIO, name: str, data: bytes) -> None:
    """One column as an inert base64 script element the page decodes."""
    out.write(f'<script type="application/octet-stream" id="col-{name}">')
    step = 57 * 1024  # a multiple of 3: base64 pieces join without padding in between
    for start in range(0, len(data), step):
        out.write(base64.b64encode(data[start:start + step]).decode("ascii"))
    out.write("</script>\n")


def json_script(element_id: str, value: Any) -> str:
    """A JSON value in an inert script element, with `<` escaped so no text can close the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/json" id="{element_id}">{text}</script>\n'


def decode(columns: dict[str, bytes]) -> dict[str, list[Any]]:
    """The columns read back (for tests and tools): numbers as ints, text as strings."""
    out: dict[str, list[Any]] = {}
    for name, data in columns.items():
        raw = zlib.decompress(data)
        if name in NUMERIC:
            values = array(NUMERIC[name])
            values.frombytes(raw)
            if values.itemsize > 1 and array("H", [1]).tobytes()[0] != 1:
                values.byteswap()
            out[name] = list(values)
        else:
            out[name] = [unescape_line(line) for line in raw.decode("utf-8").split("\n")[:-1]]
    return out
