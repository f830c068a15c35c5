"""Waivers: accepted risks, written down with an owner and an expiry date, applied to findings."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sounding.collector.contract import ContractError, parse_nested
from sounding.engine.errors import InputError
from sounding.engine.findings import Finding

DEFAULT_WAIVERS_FILE = "sounding-waivers.toml"
# Findings a waiver can cover: those that would otherwise ask for action.
WAIVABLE = ("FAIL", "ERROR", "MANUAL")
_WAIVABLE = pa.array(WAIVABLE, pa.string())
MATCH_KEYS = ("rule", "account", "region", "resource")
REQUIRED_KEYS = ("rule", "reason", "owner", "expires")
KNOWN_KEYS = frozenset((*MATCH_KEYS, "reason", "owner", "expires"))
_ENTRY = re.compile(r"^\s*\[\[\s*waiver\s*\]\]")
# A waiver of every rule that lasts longer than this after the collection is, in practice, one that never
# expires: it is warned about on every run.
LONG_LIVED = timedelta(days=365)


@dataclass(frozen=True)
class Waiver:
    """One accepted finding pattern: rule id and scope (exact or glob), why, who, until when."""

    rule: str
    reason: str
    owner: str
    expires: date
    account: str = "*"
    region: str = "*"
    resource: str = "*"
    line: int = 0

    def matches(self, finding: Finding) -> bool:
        """Whether the finding's rule, account, region and resource all match the patterns."""
        return (fnmatchcase(finding.rule_id, self.rule) and fnmatchcase(finding.account_id, self.account)
                and fnmatchcase(finding.region, self.region) and fnmatchcase(finding.resource_id, self.resource))

    @property
    def every_rule(self) -> bool:
        """Whether the rule pattern matches every rule id (`*`, `**`, ...)."""
        return set(self.rule) == {"*"}

    def expired_at(self, moment: datetime) -> bool:
        """Expired when the snapshot was collected after the expiry date (the date itself still counts)."""
        return moment.date() > self.expires


@dataclass(frozen=True)
class WaiverOutcome:
    """What became of one waiver in one evaluation: active, expired or stale, and how many findings it matched."""

    waiver: Waiver
    status: str
    matches: int
    # An active waiver of every rule whose expiry is more than LONG_LIVED after the collection.
    unbounded: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The outcome as the JSON report writes it."""
        w = self.waiver
        return {"rule": w.rule, "account": w.account, "region": w.region, "resource": w.resource,
                "reason": w.reason, "owner": w.owner, "expires": w.expires.isoformat(), "line": w.line,
                "status": self.status, "matches": self.matches}

    def warning(self, source: str) -> str | None:
        """A one-line warning for people when the waiver needs attention, else None."""
        where = f"{source}:{self.waiver.line}"
        if self.status == "expired":
            return (f"warning: {where}: waiver for {self.waiver.rule} expired on {self.waiver.expires.isoformat()} "
                    f"and no longer applies ({self.matches} finding(s) affected)")
        if self.status == "stale":
            return f"warning: {where}: waiver for {self.waiver.rule} matches no finding (stale); remove it"
        if self.unbounded:
            return (f"warning: {where}: waiver for {self.waiver.rule} waives every rule until "
                    f"{self.waiver.expires.isoformat()} (more than {LONG_LIVED.days} days after the collection): "
                    "narrow its rule or bring its expiry closer")
        return None


def find_waivers_file(given: Path | None, cwd: Path | None = None) -> Path | None:
    """The --waivers file, or sounding-waivers.toml in the working directory when present."""
    if given is not None:
        if not given.is_file():
            raise InputError(given, "waivers file does not exist")
        return given
    default = (cwd or Path.cwd()) / DEFAULT_WAIVERS_FILE
    return default if default.is_file() else None


def load_waivers(path: Path) -> list[Waiver]:
    """Parse and validate a waivers file; every defect names the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    try:
        data = parse_nested(tomllib.loads, text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(_at(path, _toml_line(exc)), f"invalid TOML: {exc}") from None
    except ContractError as exc:
        raise InputError(path, str(exc)) from None
    unknown_top = sorted(set(data) - {"waiver"})
    if unknown_top:
        raise InputError(_at(path, _key_line(text, unknown_top[0], 1, len(text.splitlines()) + 1)),
                         f"unknown top-level key '{unknown_top[0]}' (write [[waiver]] entries)")
    entries = data.get("waiver", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(path, "'waiver' must be an array of tables: write [[waiver]]")
    starts = _entry_lines(text)
    waivers = []
    for index, entry in enumerate(entries):
        start = starts[index] if index < len(starts) else 1
        end = starts[index + 1] if index + 1 < len(starts) else len(text.splitlines()) + 1
        waivers.append(_waiver(path, text, entry, start, end))
    return waivers


def _waiver(path: Path, text: str, entry: dict[str, Any], start: int, end: int) -> Waiver:
    """One validated waiver entry; `start`..`end` are the lines its table spans."""
    def fail(key: str | None, problem: str) -> InputError:
        line = _key_line(text, key, start, end) if key else start
        return InputError(_at(path, line), problem)

    unknown = sorted(set(entry) - KNOWN_KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown waiver key '{unknown[0]}' (known: {', '.join(sorted(KNOWN_KEYS))})")
    missing = [k for k in REQUIRED_KEYS if k not in entry]
    if missing:
        raise fail(None, f"waiver lacks {', '.join(missing)} (every waiver needs {', '.join(REQUIRED_KEYS)})")
    for key in (*MATCH_KEYS, "reason", "owner"):
        if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
            raise fail(key, f"waiver {key} must be a non-empty string")
    expires = entry["expires"]
    if isinstance(expires, datetime) or not isinstance(expires, date):
        raise fail("expires", "waiver expires must be a TOML date such as 2026-12-31 (no time, no quotes)")
    return Waiver(rule=entry["rule"], reason=entry["reason"].strip(), owner=entry["owner"].strip(),
                  expires=expires, account=entry.get("account", "*"), region=entry.get("region", "*"),
                  resource=entry.get("resource", "*"), line=start)


class WaiverMatcher:
    """Applies waivers one finding at a time, so findings can be a stream; outcomes() says what became of each."""

    def __init__(self, waivers: Sequence[Waiver], collected_at: datetime) -> None:
        self.waivers = list(waivers)
        self.collected_at = collected_at
        self.expired = [w.expired_at(collected_at) for w in self.waivers]
        self.matched = [0] * len(self.waivers)

    def __call__(self, finding: Finding) -> None:
        """Mark one finding waived by the first unexpired waiver that covers it; count every match."""
        if finding.status not in WAIVABLE:
            return
        for number, waiver in enumerate(self.waivers):
            if not waiver.matches(finding):
                continue
            self.matched[number] += 1
            if not self.expired[number] and not finding.waived:
                finding.waived = True
                finding.waiver_reason = waiver_text(waiver)

    def apply_batch(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """What __call__ does to each finding, for a spooled batch at once: the same marks, the same counts."""
        eligible = pc.is_in(batch.column("status"), value_set=_WAIVABLE)
        if not pc.any(eligible).as_py():
            return batch
        waived, reasons = batch.column("waived"), batch.column("waiver_reason")
        changed = False
        for number, waiver in enumerate(self.waivers):
            mask = eligible
            for column, pattern in (("rule_id", waiver.rule), ("account_id", waiver.account),
                                    ("region", waiver.region), ("resource_id", waiver.resource)):
                if not pc.any(mask).as_py():
                    break
                if set(pattern) != {"*"}:
                    mask = pc.and_(mask, _glob_matches(batch.column(column), pattern))
            count = pc.sum(mask).as_py() or 0
            self.matched[number] += count
            if not count or self.expired[number]:
                continue
            newly = pc.and_(mask, pc.invert(waived))
            if pc.any(newly).as_py():
                waived = pc.or_(waived, newly)
                reasons = pc.if_else(newly, waiver_text(waiver), reasons)
                changed = True
        if not changed:
            return batch
        columns = dict(zip(batch.schema.names, batch.columns, strict=True))
        columns.update(waived=waived, waiver_reason=reasons)
        return pa.RecordBatch.from_arrays(list(columns.values()), schema=batch.schema)

    def outcomes(self) -> list[WaiverOutcome]:
        """Each waiver: expired, active (it matched) or stale (it matched nothing), with its match count; an
        unexpired waiver of every rule that runs more than LONG_LIVED past the collection is unbounded."""
        horizon = (self.collected_at + LONG_LIVED).date()
        return [WaiverOutcome(w, "expired" if expired else "active" if n else "stale", n,
                              not expired and w.every_rule and w.expires > horizon)
                for w, expired, n in zip(self.waivers, self.expired, self.matched, strict=True)]


def apply_waivers(findings: Iterable[Finding], waivers: Sequence[Waiver],
                  collected_at: datetime) -> list[WaiverOutcome]:
    """Mark findings covered by an unexpired waiver as waived; say what became of each waiver.

    A FindingStream is marked in Arrow batches (update_batches); a list is changed in place.
    """
    matcher = WaiverMatcher(waivers, collected_at)
    update_batches = getattr(findings, "update_batches", None)
    if callable(update_batches):
        update_batches(matcher.apply_batch)
    else:
        for finding in findings:
            matcher(finding)
    return matcher.outcomes()


def waiver_text(waiver: Waiver) -> str:
    """The waiver reason a waived finding carries: why, who, until when."""
    return f"{waiver.reason} (owner {waiver.owner}, until {waiver.expires.isoformat()})"


def _glob_matches(column: pa.Array, pattern: str) -> pa.Array:
    """Which values of a column match a glob, by fnmatchcase on each distinct value once."""
    encoded = pc.dictionary_encode(column)
    hits = pa.array([fnmatchcase(value, pattern) for value in encoded.dictionary.to_pylist()], pa.bool_())
    return hits.take(encoded.indices)


def _at(path: Path, line: int) -> str:
    """`path:line`, the place an error points at."""
    return f"{path}:{line}"


def _toml_line(exc: tomllib.TOMLDecodeError) -> int:
    """The line a TOML error reports ('... (at line N, column M)'), 1 when it names none."""
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else 1


def _entry_lines(text: str) -> list[int]:
    """The 1-based line of each [[waiver]] header, in order."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if _ENTRY.match(line)]


def _key_line(text: str, key: str, start: int, end: int) -> int:
    """The line where `key = ...` is written between lines start and end; start when not found."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    lines = text.splitlines()
    for number in range(max(start, 1), min(end, len(lines) + 1)):
        if pattern.match(lines[number - 1]):
            return number
    return max(start, 1)
