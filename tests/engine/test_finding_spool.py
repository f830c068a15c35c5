"""Spooled findings: re-iterable in report order, filtered and updated without copies, gaps matched by a join."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sounding.collector.contract import GLOBAL_REGION
from sounding.collector.synthetic import build_snapshot
from sounding.engine.evaluate import RuleCap, evaluate, gap_reason, runaway_cap, snapshot_rows
from sounding.engine.finding_spool import FindingSpool
from sounding.engine.findings import Finding
from sounding.engine.rule_output import RuleRows
from sounding.engine.rules import load_rule
from sounding.engine.snapshot import open_snapshot

from tests.builders import write_rule

REGIONS = ("global", "us-east-1", "eu-west-1")


def finding(n: int, rng: random.Random) -> Finding:
    return Finding(rule_id=rng.choice(["a", "b"]), title="t", severity="high", section=rng.choice([1, 2]),
                   status=rng.choice(["PASS", "FAIL", "ERROR", "SKIP", "MANUAL"]),
                   account_id=rng.choice(["111111111111", "222222222222"]), region=rng.choice(REGIONS),
                   resource_id=rng.choice(["r1", "r2"]), reason=rng.choice(["x", "y"]),
                   details={"n": n, "nested": {"k": [1, 2.5, None]}} if n % 3 else {})


def test_the_stream_is_report_order_ties_kept_and_reiterable() -> None:
    rng = random.Random(7)
    given = [finding(n, rng) for n in range(25_000)]
    spool = FindingSpool()
    spool.add(given[:12_345])
    spool.add(given[12_345:])
    stream = spool.finish()
    expected = [f.to_dict() for f in sorted(given, key=Finding.sort_key)]  # Python's sort is stable
    assert [f.to_dict() for f in stream] == expected
    assert [f.to_dict() for f in stream] == expected
    assert len(stream) == 25_000


def test_a_status_view_and_an_update_that_persists() -> None:
    rng = random.Random(3)
    spool = FindingSpool()
    spool.add([finding(n, rng) for n in range(500)])
    stream = spool.finish()
    failed = stream.with_statuses({"FAIL"})
    assert {f.status for f in failed} == {"FAIL"}
    assert len(failed) == sum(1 for f in stream if f.status == "FAIL")

    def waive(f: Finding) -> None:
        if f.status == "FAIL" and f.region == GLOBAL_REGION:
            f.waived, f.waiver_reason = True, "accepted"

    stream.update(waive)
    assert [f.waived for f in stream] == [f.status == "FAIL" and f.region == GLOBAL_REGION for f in stream]
    assert all(f.waiver_reason == "accepted" for f in failed if f.region == GLOBAL_REGION)


def reference_gaps(gaps: list[dict[str, str]], findings: list[tuple[str, str]], tables: set[str]):
    """The documented semantics, gaps x findings: the first gap (in manifest gap order) affecting each
    finding's scope; the gaps affecting no finding, one per scope."""
    relevant = sorted((g for g in gaps if g["table"] in tables or g["table"] == "*"),
                      key=lambda g: (g["account_id"], g["region"], g["table"], g["operation"]))

    def affects(g, account, region):
        return (g["account_id"] == account and GLOBAL_REGION in (g["region"], region)) or \
            (g["account_id"] == account and g["region"] == region)

    first = {}
    for i, (account, region) in enumerate(findings):
        hit = next((g for g in relevant if affects(g, account, region)), None)
        if hit is not None:
            first[i] = hit
    uncovered, seen = [], set()
    for g in relevant:
        scope = (g["account_id"], g["region"])
        if scope in seen or any(affects(g, a, r) for a, r in findings):
            continue
        seen.add(scope)
        uncovered.append(g)
    return first, uncovered


def test_gap_matching_agrees_with_the_documented_semantics() -> None:
    rng = random.Random(11)
    for _ in range(30):
        accounts = [f"{n:012d}" for n in range(rng.randint(1, 6))]
        gaps = [{"account_id": rng.choice(accounts), "region": rng.choice(REGIONS),
                 "table": rng.choice(["t1", "t2", "t3", "*"]), "service": "s",
                 "operation": rng.choice(["Op1", "Op2"]), "error_code": "AccessDenied",
                 "error_kind": "access_denied", "message": str(n)} for n in range(rng.randint(0, 15))]
        scopes = sorted({(rng.choice(accounts), rng.choice(REGIONS)) for _ in range(rng.randint(0, 8))})
        tables = {"t1", "t2"}
        spool = FindingSpool(gaps)
        assert spool.gap_matches(scopes, tables) == reference_gaps(gaps, scopes, tables)


def test_sixty_thousand_gaps_are_matched_in_bulk(tmp_path: Path) -> None:
    accounts = [f"{n:012d}" for n in range(200)]
    gaps = [{"account_id": a, "table": "iam_password_policy", "region": r}
            for a in accounts for r in ("global", *(f"r-{i:03d}" for i in range(299)))]
    snap = build_snapshot(tmp_path / "snap", {}, accounts=accounts, gaps=gaps,
                          tables=["regions", "iam_password_policy"], fill_regions=False)
    rule = load_rule(write_rule(tmp_path / "rules", "per_account", (
        "SELECT 'PASS' AS status, a.account_id, 'global' AS region, a.account_id AS resource_id, 'ok' AS reason "
        "FROM sounding_accounts AS a LEFT JOIN iam_password_policy AS p ON p.account_id = a.account_id")))
    findings = list(evaluate(open_snapshot(snap), [rule]).findings)
    assert len(gaps) == 60_000
    assert len(findings) == 200
    assert {f.status for f in findings} == {"ERROR"}
    assert findings[0].reason == gap_reason({"account_id": accounts[0], "region": "global",
                                             "table": "iam_password_policy", "service": "iam",
                                             "operation": "GetAccountPasswordPolicy", "error_code": "AccessDenied",
                                             "error_kind": "access_denied"})


def test_the_runaway_cap_is_sized_from_the_snapshot_and_says_so(tmp_path: Path) -> None:
    snap = open_snapshot(build_snapshot(tmp_path / "snap", {}, tables=["regions"]))
    assert snapshot_rows(snap) == 1 + 2  # one region row; one account with one region (+1 for global)
    assert runaway_cap(snap) == 100_000
    assert RuleCap(100_000, 3).message() == ("more than 100000 rows, the cap for runaway rules (2x the "
                                             "snapshot's 3 rows and scopes)")
    rule = load_rule(write_rule(tmp_path / "rules", "flood", (
        "SELECT 'PASS' AS status, '111111111111' AS account_id, 'global' AS region, range::VARCHAR AS resource_id,"
        " 'ok' AS reason FROM range(100001)")))
    [only] = list(evaluate(snap, [rule]).findings)
    assert (only.status, only.reason) == ("ERROR", "invalid output: more than 100000 rows, the cap for runaway "
                                                   "rules (2x the snapshot's 3 rows and scopes) (flood.sql)")


def test_waivers_applied_to_the_stream_reach_the_report(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner
    from sounding.engine.cli import cli

    snap = build_snapshot(tmp_path / "snap", {}, accounts=["111111111111", "222222222222"],
                          tables=["regions", "iam_password_policy"])
    waivers = tmp_path / "waivers.toml"
    waivers.write_text('[[waiver]]\nrule = "iam_password_policy_exists"\naccount = "222222222222"\n'
                       'reason = "accepted"\nowner = "sec@example.com"\nexpires = 2030-01-01\n')
    result = CliRunner().invoke(cli, ["evaluate", str(snap), "--rule", "iam_password_policy_exists", "-q",
                                      "--format", "json", "--waivers", str(waivers), "--fail-on", "none"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(f["account_id"], f["status"], f.get("waived", False)) for f in report["findings"]] == [
        ("111111111111", "FAIL", False), ("222222222222", "FAIL", True)]
    assert report["summary"]["waived"] == 1
    assert [(w["status"], w["matches"]) for w in report["waivers"]] == [("active", 1)]


def test_a_rules_columns_are_spooled_in_finding_sort_key_order_ties_kept(tmp_path: Path) -> None:
    """add_rule sorts in Arrow (UTF-8 bytes) exactly as Python sorts Finding.sort_key (code points), stably."""
    from sounding.engine.rule_output import RuleRows

    rng = random.Random(5)
    texts = ["a", "B", "é", "Z", "ß", "\u00a0x", "日本", "\U0001f600", "a\x00", ""]
    rule = load_rule(write_rule(tmp_path / "rules", "under_test", "SELECT 1"))
    rows = RuleRows(status=[], account_id=[], region=[], resource_id=[], reason=[], details=[])
    for n in range(3_000):
        rows.append(status=rng.choice(["PASS", "FAIL", "ERROR", "SKIP", "MANUAL"]),
                    account_id=rng.choice(["111111111111", "222222222222"]), region=rng.choice(REGIONS),
                    resource_id=rng.choice(texts), reason=rng.choice(texts),
                    details={"n": n, "text": rng.choice(texts)} if n % 4 else None)
    spool = FindingSpool()
    spool.add_rule(rule, rows.to_arrow())
    expected = sorted(rows.findings(rule), key=Finding.sort_key)  # stable: ties in the given order
    assert [f.to_dict() for f in spool.finish(ordered=True)] == [f.to_dict() for f in expected]


def test_counts_kept_while_spooling_agree_with_a_recount() -> None:
    """Counts are kept as batches are written (sorting, waivers and status views included), never re-read."""
    from collections import Counter

    rng = random.Random(31)
    spool = FindingSpool()
    spool.add([finding(n, rng) for n in range(12_000)])
    stream = spool.finish()  # sorted into a new store: counted again as written

    def recount(findings) -> list[tuple]:
        counted = Counter((f.section, f.severity, f.status, f.waived) for f in findings)
        return sorted((*key, count) for key, count in counted.items())

    assert stream.counts() == recount(stream)

    def waive(f: Finding) -> None:
        if f.status == "FAIL" and f.account_id == "111111111111":
            f.waived = True

    stream.update(waive)
    assert stream.counts() == recount(stream)
    assert any(key[3] for key in stream.counts())
    failed = stream.with_statuses({"FAIL", "ERROR"})
    assert failed.counts() == recount(failed) and {key[2] for key in failed.counts()} == {"FAIL", "ERROR"}


def test_a_spool_that_keeps_nothing_still_counts_and_refuses_to_be_read(tmp_path: Path) -> None:
    """keep=False (the JSON report streamed while the rules ran): hooks see every batch, counts stay, no store."""
    rng = random.Random(37)
    seen: list[int] = []
    spool = FindingSpool(hooks=[lambda batch: seen.append(batch.num_rows) or batch], keep=False)
    rule = RuleRows()
    for n in range(500):
        rule.append(status=rng.choice(["PASS", "FAIL"]), account_id="111111111111", region="global",
                    resource_id=f"r{n}", reason="x")
    spool.add_rule(load_rule(write_rule(tmp_path / "rules", "kept_not", "SELECT 1")), rule.to_arrow())
    stream = spool.finish(ordered=True)
    assert sum(seen) == 500 and len(stream) == 500
    assert sum(key[-1] for key in stream.with_statuses({"FAIL"}).counts()) == rule.status.count("FAIL")
    assert list(spool.directory.iterdir()) == []
    with pytest.raises(RuntimeError, match="not kept"):
        list(stream)
