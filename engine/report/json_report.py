"""JSON: the snapshot's facts, a summary, rule metadata, and every finding, written as it streams."""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Collection, Iterable
from json.encoder import py_encode_basestring as _py_encode
from typing import Any, BinaryIO, TextIO

import pyarrow as pa
import pyarrow.compute as pc
from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report.json_findings import SEPARATOR, finding_texts
from sounding.engine.report.summary import Tally, snapshot_facts
from sounding.engine.rules import Rule

try:  # the C implementation json.dumps uses for strings when ensure_ascii=False
    from _json import encode_basestring
except ImportError:  # pragma: no cover - a Python without the C accelerator
    encode_basestring = _py_encode


WRITE_FINDINGS = 1000
HEAD = '{\n  "findings": '


def rule_metadata(rule: Rule) -> dict[str, Any]:
    """The header facts of a rule, as reports carry them."""
    return {"title": rule.title, "severity": rule.severity, "section": rule.section,
            "section_name": rule.section_name, "description": rule.description,
            "remediation": rule.remediation, "references": list(rule.references),
            "frameworks": list(rule.frameworks)}


def _dumps(value: Any, depth: int) -> str:
    """A value as json.dumps(indent=2, sort_keys=True) writes it nested `depth` levels deep."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * depth)


def _scalar(value: Any) -> str | None:
    """A JSON scalar as json.dumps writes it (C string escaping), or None for a non-empty container."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float) or value in ({}, []):
        return json.dumps(value)
    return None


def _finding_text(finding: Finding) -> str:
    """One finding at depth 2, byte for byte as json.dumps(indent=2, sort_keys=True, ensure_ascii=False)
    nests Finding.to_dict(); its keys written in sorted order by hand, strings by the C encoder."""
    section = finding.section
    text = (f'{{\n      "account_id": {encode_basestring(finding.account_id)},\n'
            + (f'      "details": {_member(finding.details)},\n' if finding.details else "")
            + f'      "reason": {encode_basestring(finding.reason)},\n'
            f'      "region": {encode_basestring(finding.region)},\n'
            f'      "resource_id": {encode_basestring(finding.resource_id)},\n'
            f'      "rule_id": {encode_basestring(finding.rule_id)},\n'
            f'      "section": {section if type(section) is int else _member(section)},\n'
            f'      "severity": {encode_basestring(finding.severity)},\n'
            f'      "status": {encode_basestring(finding.status)},\n'
            f'      "title": {encode_basestring(finding.title)}')
    if finding.waived:
        text += f',\n      "waived": true,\n      "waiver_reason": {_member(finding.waiver_reason)}'
    return text + "\n    }"


def _member(value: Any) -> str:
    """A member's value at depth 3, as json.dumps nests it."""
    text = _scalar(value)
    return text if text is not None else _dumps(value, 3)


def write(evaluation: Evaluation, out: TextIO) -> None:
    """Deterministic JSON: sorted keys, two-space indent, a final newline; the same bytes as one json.dumps.

    Spooled findings are turned into text in bulk (json_findings) and counted from the spool; findings
    given as objects are written one at a time and counted in the same pass.
    """
    batches = getattr(evaluation.findings, "batches", None)
    if callable(batches):  # a spooled stream: texts made in bulk, counts from the spool
        writer = FindingsWriter(out)
        for batch in batches():
            writer.add(batch)
        writer.finish(evaluation)
        return
    out.write(HEAD)
    tally, first = _write_one_by_one(evaluation.findings, out)
    out.write("[]" if first else "\n  ]")
    _write_rest(evaluation, tally, out)


class FindingsWriter:
    """The JSON report written while findings are spooled: batches as they come, the rest at the end.

    `add` takes spooled batches in report order (it can be an evaluation hook); `statuses` keeps only
    findings with those statuses, as a filtered stream would.
    """

    def __init__(self, out: TextIO, statuses: Collection[str] | None = None) -> None:
        self.out, self.first = out, True
        self.keep = pa.array(sorted(statuses), pa.string()) if statuses else None
        # The texts are UTF-8 already: a UTF-8 text stream's own binary buffer takes them as they are.
        encoding = getattr(out, "encoding", None)
        utf8 = encoding is not None and codecs.lookup(encoding).name == "utf-8"
        self.binary: BinaryIO | None = getattr(out, "buffer", None) if utf8 else None
        out.write(HEAD)

    def add(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """Write a batch's findings (those kept); returns the batch unchanged."""
        shown = batch if self.keep is None else batch.filter(pc.is_in(batch.column("status"), value_set=self.keep))
        if shown.num_rows:
            for data in finding_texts([shown], _finding_text):
                if self.first:
                    data, self.first = b"[\n    " + bytes(data[len(SEPARATOR):]), False
                if self.binary is not None:
                    self.out.flush()
                    self.binary.write(data)
                else:
                    self.out.write(bytes(data).decode("utf-8"))
        return batch

    def finish(self, evaluation: Evaluation) -> None:
        """Close the findings and write rules, snapshot, summary (of evaluation.findings) and waivers."""
        self.out.write("[]" if self.first else "\n  ]")
        _write_rest(evaluation, Tally.of(evaluation.findings), self.out)


def _write_rest(evaluation: Evaluation, tally: Tally, out: TextIO) -> None:
    """The members after the findings, in key order, and the end of the document."""
    rest: dict[str, Any] = {
        "rules": {r.id: rule_metadata(r) for r in sorted(evaluation.rules, key=lambda r: r.id)},
        "snapshot": snapshot_facts(evaluation.snapshot),
        "summary": tally.summary(len(evaluation.rules)),
    }
    if evaluation.waivers is not None:
        rest["waivers"] = [o.to_dict() for o in evaluation.waivers]
    for key in sorted(rest):
        out.write(f",\n  {json.dumps(key)}: {_dumps(rest[key], 1)}")
    out.write("\n}\n")


def _write_one_by_one(findings: Iterable[Finding], out: TextIO) -> tuple[Tally, bool]:
    """Write findings given as objects, counting them; returns the tally and whether there were none."""
    tally = Tally()
    texts: list[str] = []  # written WRITE_FINDINGS at a time: one write call per finding costs as much as its text
    first = True
    for finding in findings:
        tally.add(finding)
        texts.append(_finding_text(finding))
        if len(texts) == WRITE_FINDINGS:
            out.write(("[\n    " if first else ",\n    ") + ",\n    ".join(texts))
            texts.clear()
            first = False
    if texts:
        out.write(("[\n    " if first else ",\n    ") + ",\n    ".join(texts))
        first = False
    return tally, first


def render(evaluation: Evaluation) -> str:
    """The report as one string (tests and small outputs)."""
    buffer = io.StringIO()
    write(evaluation, buffer)
    return buffer.getvalue()
