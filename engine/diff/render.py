"""Diff report formats: json (everything), csv (one line per change), table (terminal), markdown (PR comment)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TextIO

from sounding.engine.diff import json_text
from sounding.engine.diff.lines import FIELDS, lines
from sounding.engine.diff.model import Diff, FindingChange
from sounding.engine.report.rows import write_csv
from sounding.engine.report.text import markdown_data
from sounding.engine.report.text import table as text_table

SECTION_TITLES = {"coverage": "Coverage", "resources": "Resource drift", "findings": "Finding drift"}
SECTION_COLUMNS = {
    "coverage": ("change", "subject", "account_id", "region", "path", "old", "new", "reason"),
    "resources": ("change", "subject", "account_id", "region", "id", "path", "old", "new", "reason"),
    "findings": ("change", "severity", "subject", "account_id", "region", "id", "old", "new", "reason"),
}
HEADERS = {"change": "Change", "subject": "Table/Rule", "account_id": "Account", "region": "Region",
           "id": "Key/Resource", "path": "Path", "old": "Old", "new": "New", "severity": "Severity",
           "reason": "Reason"}


def render_json(diff: Diff) -> str:
    """The whole diff as deterministic JSON (json.dumps with indent=2 and sorted keys, written faster)."""
    out = io.StringIO()
    write_json(diff, out)
    return out.getvalue()


def write_json(diff: Diff, out: TextIO) -> None:
    """render_json's text, written to `out` as it is made (at 1,000 accounts it is ~150 MiB)."""
    json_text.write(diff.to_dict(FindingText), out)
    out.write("\n")


def write_report(diff: Diff, output_format: str, out: TextIO) -> None:
    """The diff in one of FORMATS, written to `out`."""
    if output_format == "json":
        write_json(diff, out)
    else:
        out.write(FORMATS[output_format](diff))


class FindingText(json_text.Written):
    """A finding change written straight from its fields: FindingChange.to_dict's keys, in sorted order."""

    __slots__ = ("change",)

    def __init__(self, change: FindingChange) -> None:
        self.change = change

    def json_text(self, newline: str) -> str:
        """The change's object, members one level deeper than `newline`."""
        f, m, inner = self.change, json_text.member, newline + json_text.INDENT
        return (f'{{{inner}"account_id": {m(f.account_id)},{inner}"new_status": {m(f.new_status)},'
                f'{inner}"old_status": {m(f.old_status)},{inner}"reason": {m(f.reason)},'
                f'{inner}"region": {m(f.region)},{inner}"resource_id": {m(f.resource_id)},'
                f'{inner}"rule_id": {m(f.rule_id)},{inner}"severity": {m(f.severity)},'
                f'{inner}"title": {m(f.title)}{newline}}}')


def render_csv(diff: Diff) -> str:
    """One CSV line per change, with a header line."""
    out = io.StringIO()
    write_csv(FIELDS, ([line[f] for f in FIELDS] for line in lines(diff)), out, spreadsheet_safe=True)
    return out.getvalue()


def headline(diff: Diff) -> str:
    """One sentence with the counts that matter."""
    summary = diff.summary()
    parts = [f"{diff.old['collected_at']} → {diff.new['collected_at']}"]
    if "resources" in summary:
        r = summary["resources"]
        parts.append(f"resources: {r['added']} added, {r['removed']} removed, {r['changed']} changed")
    if "findings" in summary:
        f = summary["findings"]
        parts.append(f"findings: {f['new_failure']} new failure(s), {f['resolved']} resolved, "
                     f"{f['status_changed']} status change(s), {f['still_failing']} still failing")
    parts.append("coverage differs" if summary["coverage_changed"] else "same coverage")
    return " · ".join(parts)


def render_table(diff: Diff) -> str:
    """For a terminal: the headline, then a table per section (still-failing findings only counted)."""
    records = list(lines(diff, still_failing=False))
    out = [headline(diff) + "\n"]
    if not records:
        out.append("\nNo change.\n")
    for section, columns in SECTION_COLUMNS.items():
        rows = [[r[c] for c in columns] for r in records if r["section"] == section]
        if rows:
            out.append(f"\n{SECTION_TITLES[section]}:\n\n")
            out.append(text_table([HEADERS[c] for c in columns], rows))
    return "".join(out)


def render_markdown(diff: Diff) -> str:
    """For a pull-request comment: headline, then a markdown table per section."""
    records = list(lines(diff, still_failing=False))
    out = ["### Sounding diff\n\n", headline(diff) + "\n"]
    if not records:
        out.append("\nNo change.\n")
    for section, columns in SECTION_COLUMNS.items():
        rows = [r for r in records if r["section"] == section]
        if not rows:
            continue
        out.append(f"\n#### {SECTION_TITLES[section]}\n\n")
        out.append("| " + " | ".join(HEADERS[c] for c in columns) + " |\n")
        out.append("|" + "---|" * len(columns) + "\n")
        for record in rows:
            out.append("| " + " | ".join(_md(record[c]) for c in columns) + " |\n")
    return "".join(out)


def _md(text: str) -> str:
    """A markdown table cell holding data: backticks, pipes and angle brackets escaped."""
    return markdown_data(text)


FORMATS: dict[str, Callable[[Diff], str]] = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}
