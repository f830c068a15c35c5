"""Findings turned into JSON text in bulk are byte for byte what json.dumps writes, whatever the strings hold."""

from __future__ import annotations

import json
import random

import pyarrow as pa
from sounding.engine.evaluate import Evaluation
from sounding.engine.finding_spool import FindingSpool
from sounding.engine.findings import Finding
from sounding.engine.report import json_report
from sounding.engine.report.json_findings import json_strings

# Every character json escapes (quote, backslash, all control characters), DEL, non-ASCII, astral.
SPECIAL = ['"', "\\", *(chr(c) for c in range(0x20)), "\x7f", "é", "\u2028", "日本", "\U0001f600", "/", "'"]


def test_every_character_class_is_escaped_as_json_does() -> None:
    texts = [f"a{c}b" for c in SPECIAL] + ["plain", ""]
    unique = pa.array(texts, pa.string())  # distinct values: quoted, the escaped ones by the C encoder
    repeated = pa.array(texts * 5, pa.string())  # repeated values: each distinct one escaped once
    expected = [json.dumps(t, ensure_ascii=False) for t in texts]
    assert json_strings(unique).to_pylist() == expected
    assert json_strings(repeated).to_pylist() == expected * 5


def test_a_spooled_report_is_the_same_bytes_as_the_same_findings_one_by_one(small_snapshot) -> None:
    from sounding.engine.snapshot import open_snapshot

    rng = random.Random(17)

    def text() -> str:
        return "".join(rng.choice(["x", "y", " ", *SPECIAL]) for _ in range(rng.randint(0, 6)))

    findings = [Finding(rule_id=f"rule_{rng.randint(0, 3)}", title=text() or "t", severity="high",
                        section=rng.randint(1, 3), status=rng.choice(["PASS", "FAIL", "ERROR", "SKIP", "MANUAL"]),
                        account_id=rng.choice(["111111111111", "222222222222"]), region="global",
                        resource_id=text(), reason=text(),
                        details={"n": n, "s": text()} if n % 7 == 0 else {},
                        waived=n % 11 == 0, waiver_reason="accepted" if n % 11 == 0 else "")
                for n in range(30_000)]
    spool = FindingSpool()
    spool.add(findings)
    stream = spool.finish()
    snapshot = open_snapshot(small_snapshot)
    spooled = json_report.render(Evaluation(snapshot, [], stream))
    one_by_one = json_report.render(Evaluation(snapshot, [], list(stream)))
    assert spooled == one_by_one
    assert json.loads(spooled)["summary"]["waived"] == sum(f.waived for f in findings)


def test_a_batch_of_one_rule_with_shared_values_is_the_same_bytes(small_snapshot) -> None:
    """Values every row of a batch shares (a rule's id, title, severity) are written once into the fixed text."""
    from sounding.engine.snapshot import open_snapshot

    title = 'Quote " backslash \\ tab \t nul \x00 unit \x1f é \U0001f600'
    findings = [Finding(rule_id="one_rule", title=title, severity="critical", section=7, status="FAIL",
                        account_id="111111111111", region="eu-west-1", resource_id=f"r{n}", reason=title)
                for n in range(3)]
    spool = FindingSpool()
    spool.add(findings)
    stream = spool.finish()
    snapshot = open_snapshot(small_snapshot)
    assert json_report.render(Evaluation(snapshot, [], stream)) == json_report.render(
        Evaluation(snapshot, [], list(stream)))
