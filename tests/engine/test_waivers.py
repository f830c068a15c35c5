"""Waivers: parsing with file:line errors, matching, expiry at collection time, stale waivers, through the CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sounding.collector.synthetic import build_snapshot
from sounding.engine.cli import cli
from sounding.engine.errors import InputError
from sounding.engine.findings import Finding
from sounding.engine.waivers import Waiver, apply_waivers, find_waivers_file, load_waivers

from tests.builders import write_rule

COLLECTED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GOOD = "111111111111"
BAD = "222222222222"
RULE_SQL = ("SELECT s.account_id, 'global' AS region, 'arn:aws:iam::' || s.account_id || ':root' AS resource_id, "
            "CASE WHEN s.account_mfa_enabled = 1 THEN 'PASS' ELSE 'FAIL' END AS status, 'mfa' AS reason "
            "FROM iam_account_summary AS s")


def finding(status: str = "FAIL", account: str = BAD, rule: str = "root_mfa") -> Finding:
    """A finding as a rule would give it."""
    return Finding(rule_id=rule, title="t", severity="high", section=1, status=status, account_id=account,
                   region="global", resource_id=f"arn:aws:iam::{account}:root", reason="r")


def waiver(**kwargs: object) -> Waiver:
    """A waiver for root_mfa valid until 2026-06-30 unless told otherwise."""
    values = {"rule": "root_mfa", "reason": "accepted", "owner": "sec@example.com", "expires": date(2026, 6, 30),
              **kwargs}
    return Waiver(**values)  # type: ignore[arg-type]


def write(tmp_path: Path, text: str) -> Path:
    """A waivers file with this text."""
    path = tmp_path / "waivers.toml"
    path.write_text(text)
    return path


def test_load_reads_every_field_and_the_entry_line(tmp_path: Path) -> None:
    """Each [[waiver]] becomes a Waiver remembering the line it starts on; scope defaults to '*'."""
    path = write(tmp_path, '# accepted risks\n\n[[waiver]]\nrule = "root_mfa"\naccount = "2222*"\n'
                           'reason = "break-glass account"\nowner = "sec@example.com"\nexpires = 2026-06-30\n\n'
                           '[[waiver]]\nrule = "x_*"\nreason = "r"\nowner = "o"\nexpires = 2027-01-01\n')
    assert load_waivers(path) == [
        Waiver(rule="root_mfa", reason="break-glass account", owner="sec@example.com", expires=date(2026, 6, 30),
               account="2222*", region="*", resource="*", line=3),
        Waiver(rule="x_*", reason="r", owner="o", expires=date(2027, 1, 1), line=10),
    ]


@pytest.mark.parametrize(("text", "where", "problem"), [
    ('[[waiver]]\nrule = "a"\nreason = \n', ":3", "invalid TOML"),
    ('[[waiver]]\nrule = "a"\nreason = "r"\nowner = "o"\n', ":1", "waiver lacks expires"),
    ('\n[[waiver]]\nrule = "a"\nreason = "r"\nowner = "o"\nexpires = "2026-01-01"\n', ":6",
     "expires must be a TOML date"),
    ('[[waiver]]\nrule = "a"\nreason = "r"\nowner = "o"\nexpires = 2026-01-01T00:00:00Z\n', ":5",
     "expires must be a TOML date"),
    ('[[waiver]]\nrule = "a"\nreason = "r"\nowner = "o"\nexpires = 2026-01-01\n[[waiver]]\nrule = "b"\n'
     'reasn = "typo"\nowner = "o"\nexpires = 2026-01-01\n', ":8", "unknown waiver key 'reasn'"),
    ('[[waiver]]\nrule = "a"\nreason = "  "\nowner = "o"\nexpires = 2026-01-01\n', ":3",
     "reason must be a non-empty string"),
    ('rules = 1\n', ":1", "unknown top-level key 'rules'"),
])
def test_invalid_files_are_refused_with_file_and_line(tmp_path: Path, text: str, where: str, problem: str) -> None:
    """Syntax and meaning errors both point at the line to fix."""
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_waivers(path)
    assert caught.value.path == f"{path}{where}"
    assert problem in caught.value.problem


def test_matching_waiver_marks_the_finding_and_keeps_its_status() -> None:
    """A waived FAIL stays FAIL, flagged with the reason, owner and end date."""
    findings = [finding(), finding(account=GOOD, status="PASS")]
    outcomes = apply_waivers(findings, [waiver()], COLLECTED_AT)
    assert [(o.status, o.matches) for o in outcomes] == [("active", 1)]
    assert (findings[0].status, findings[0].waived) == ("FAIL", True)
    assert findings[0].waiver_reason == "accepted (owner sec@example.com, until 2026-06-30)"
    assert findings[1].waived is False


def test_globs_and_exact_scope() -> None:
    """Patterns match rule, account, region and resource; a differing account does not match."""
    findings = [finding(rule="root_mfa"), finding(rule="root_keys"), finding(rule="root_keys", account="333333333333")]
    outcomes = apply_waivers(findings, [waiver(rule="root_*", account=BAD, region="glob*")], COLLECTED_AT)
    assert outcomes[0].matches == 2
    assert [f.waived for f in findings] == [True, True, False]


def test_expiry_is_judged_at_collection_time_not_the_wall_clock() -> None:
    """Valid through its date at collection; the day after, expired and not applied."""
    on_the_day = [finding()]
    assert apply_waivers(on_the_day, [waiver(expires=date(2026, 3, 1))], COLLECTED_AT)[0].status == "active"
    assert on_the_day[0].waived
    day_after = [finding()]
    outcome = apply_waivers(day_after, [waiver(expires=date(2026, 2, 28))], COLLECTED_AT)[0]
    assert (outcome.status, outcome.matches, day_after[0].waived) == ("expired", 1, False)
    # A snapshot collected long ago is judged at its own time: the waiver (expired on today's clock) applies.
    old = [finding()]
    outcome = apply_waivers(old, [waiver(expires=date(2020, 1, 1))], datetime(2019, 6, 1, tzinfo=UTC))[0]
    assert (outcome.status, old[0].waived) == ("active", True)


def test_a_waiver_matching_nothing_is_stale_even_when_the_finding_now_passes() -> None:
    """A PASS is not waived: a waiver whose finding was fixed is stale."""
    findings = [finding(status="PASS")]
    assert apply_waivers(findings, [waiver()], COLLECTED_AT)[0].status == "stale"
    assert not findings[0].waived


def test_default_file_is_used_only_when_present(tmp_path: Path) -> None:
    """--waivers wins; otherwise sounding-waivers.toml in the working directory, else none."""
    assert find_waivers_file(None, tmp_path) is None
    (tmp_path / "sounding-waivers.toml").write_text("")
    assert find_waivers_file(None, tmp_path) == tmp_path / "sounding-waivers.toml"
    with pytest.raises(InputError):
        find_waivers_file(tmp_path / "nope.toml", tmp_path)


# --- end to end through the CLI -------------------------------------------------------------------------

@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A snapshot with one account failing the test rule, and a rules directory holding that rule."""
    snap = build_snapshot(tmp_path / "snap", {"iam_account_summary": [
        {"account_id": GOOD, "account_mfa_enabled": 1}, {"account_id": BAD, "account_mfa_enabled": 0}]},
        accounts=[GOOD, BAD], collected_at=COLLECTED_AT, tables=["regions", "iam_account_summary"])
    write_rule(tmp_path / "rules", "root_mfa", RULE_SQL)
    return snap, tmp_path / "rules"


def run(setup: tuple[Path, Path], waivers: Path | None, *extra: str) -> object:
    """`sounding evaluate` on the setup, JSON out."""
    snap, rules = setup
    args = ["evaluate", str(snap), "--no-builtin", "--rules", str(rules), "--format", "json", "--quiet", *extra]
    if waivers:
        args += ["--waivers", str(waivers)]
    return CliRunner().invoke(cli, args)


WAIVER = ('[[waiver]]\nrule = "root_mfa"\naccount = "{account}"\nreason = "break-glass"\nowner = "sec"\n'
          'expires = {expires}\n')


def test_cli_matched_waiver_clears_the_gate(setup: tuple[Path, Path], tmp_path: Path) -> None:
    """Without the waiver exit 1; with it exit 0, the finding waived and the waiver reported active."""
    assert run(setup, None).exit_code == 1
    result = run(setup, write(tmp_path, WAIVER.format(account=BAD, expires="2026-12-31")))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    failing = [f for f in report["findings"] if f["status"] == "FAIL"]
    assert [(f["account_id"], f["waived"], f["waiver_reason"]) for f in failing] == [
        (BAD, True, "break-glass (owner sec, until 2026-12-31)")]
    assert report["waivers"] == [{"rule": "root_mfa", "account": BAD, "region": "*", "resource": "*",
                                  "reason": "break-glass", "owner": "sec", "expires": "2026-12-31", "line": 1,
                                  "status": "active", "matches": 1}]
    assert report["summary"]["waived"] == 1
    assert result.stderr == ""


def test_cli_expired_waiver_no_longer_applies(setup: tuple[Path, Path], tmp_path: Path) -> None:
    """Expired before the collection: exit 1, reported expired in JSON, warned on stderr."""
    path = write(tmp_path, WAIVER.format(account=BAD, expires="2026-02-28"))
    result = run(setup, path)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(w["status"], w["matches"]) for w in report["waivers"]] == [("expired", 1)]
    assert not any(f.get("waived") for f in report["findings"])
    assert result.stderr == (f"warning: {path}:1: waiver for root_mfa expired on 2026-02-28 and no longer "
                             f"applies (1 finding(s) affected)\n")


def test_cli_stale_waiver_is_reported(setup: tuple[Path, Path], tmp_path: Path) -> None:
    """A waiver for the passing account matches nothing: stale, in JSON, the table and on stderr."""
    path = write(tmp_path, WAIVER.format(account=GOOD, expires="2026-12-31"))
    result = run(setup, path)
    assert result.exit_code == 1
    assert [(w["status"], w["matches"]) for w in json.loads(result.stdout)["waivers"]] == [("stale", 0)]
    assert result.stderr == f"warning: {path}:1: waiver for root_mfa matches no finding (stale); remove it\n"
    snap, rules = setup
    table = CliRunner().invoke(cli, ["evaluate", str(snap), "--no-builtin", "--rules", str(rules), "--quiet",
                                     "--waivers", str(path)])
    assert "1 waiver(s):" in table.stdout
    assert f"stale   root_mfa  {GOOD}  *       *         sec    2026-12-31  0" in table.stdout


def test_cli_invalid_waivers_file_exits_2_with_file_and_line(setup: tuple[Path, Path], tmp_path: Path) -> None:
    """One line on stderr naming file:line; nothing on stdout."""
    path = write(tmp_path, '[[waiver]]\nrule = "root_mfa"\nreason = "r"\nowner = "o"\nexpires = "soon"\n')
    result = run(setup, path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"error: {path}:5: waiver expires must be a TOML date such as 2026-12-31 "
                             f"(no time, no quotes)\n")


def test_cli_reads_the_default_file_in_the_working_directory(setup: tuple[Path, Path], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """sounding-waivers.toml beside the user applies without --waivers."""
    (tmp_path / "sounding-waivers.toml").write_text(WAIVER.format(account=BAD, expires="2026-12-31"))
    monkeypatch.chdir(tmp_path)
    result = run(setup, None)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["waivers"][0]["status"] == "active"


def test_cli_missing_waivers_file_exits_2(setup: tuple[Path, Path], tmp_path: Path) -> None:
    """--waivers naming no file is an input error, not silently no waivers."""
    result = run(setup, tmp_path / "missing.toml")
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'missing.toml'}: waivers file does not exist\n"


@pytest.mark.parametrize(("pattern", "expires", "warned"), [
    ("*", date(2099, 12, 31), True),       # every rule, effectively forever
    ("**", date(2027, 3, 2), True),        # every rule, one year and a day after the collection
    ("*", date(2027, 3, 1), False),        # every rule, but due within a year: reviewed in time
    ("root_*", date(2099, 12, 31), False),  # long-lived but for some rules only
])
def test_waiver_of_every_rule_that_never_expires_is_warned(pattern: str, expires: date, warned: bool) -> None:
    """A catch-all waiver lasting more than a year past the collection is named on every run."""
    [outcome] = apply_waivers([finding()], [waiver(rule=pattern, expires=expires, line=3)], COLLECTED_AT)
    assert outcome.status == "active"
    message = outcome.warning("w.toml")
    if warned:
        assert message == (f"warning: w.toml:3: waiver for {pattern} waives every rule until {expires.isoformat()} "
                           "(more than 365 days after the collection): narrow its rule or bring its expiry closer")
    else:
        assert message is None


def test_cli_warns_about_a_catch_all_waiver_on_every_run(setup: tuple[Path, Path], tmp_path: Path) -> None:
    """Through evaluate, even with --quiet: the warning is on stderr and the gate is still cleared."""
    path = write(tmp_path, '[[waiver]]\nrule = "*"\nreason = "later"\nowner = "sec"\nexpires = 9999-12-31\n')
    for _ in range(2):
        result = run(setup, path)
        assert result.exit_code == 0, result.output
        assert result.stderr == (f"warning: {path}:1: waiver for * waives every rule until 9999-12-31 (more than "
                                 "365 days after the collection): narrow its rule or bring its expiry closer\n")


def test_a_spooled_stream_is_waived_in_bulk_exactly_as_one_finding_at_a_time() -> None:
    """Globs of every kind, overlapping waivers, an expired one, statuses that cannot be waived: the same marks,
    reasons and match counts whether findings are a list (one by one) or a spooled stream (in batches)."""
    import random

    from sounding.engine.finding_spool import FindingSpool

    rng = random.Random(23)
    accounts = ["111111111111", "111122223333", "222222222222", "999999999999"]
    regions = ["global", "us-east-1", "eu-west-1", "eu-central-1"]

    def finding(n: int) -> Finding:
        return Finding(rule_id=rng.choice(["iam_a", "iam_b", "sg_open", "s3_public"]), title="t", severity="high",
                       section=1, status=rng.choice(["PASS", "FAIL", "ERROR", "SKIP", "MANUAL"]),
                       account_id=rng.choice(accounts), region=rng.choice(regions),
                       resource_id=rng.choice(["arn:aws:s3:::b1", "arn:aws:s3:::b2", "sg-01", "sg-1x", f"r{n}"]),
                       reason="x")

    def waiver(line: int, expires: date, **patterns: str) -> Waiver:
        return Waiver(rule=patterns.pop("rule"), reason=f"because {line}", owner="o@example.com", expires=expires,
                      line=line, **patterns)

    waivers = [waiver(1, date(2030, 1, 1), rule="iam_*", account="1111*"),
               waiver(2, date(2030, 1, 1), rule="*", region="eu-*", resource="sg-0?"),
               waiver(3, date(2020, 1, 1), rule="s3_*"),  # expired: counts matches, waives nothing
               waiver(4, date(2030, 1, 1), rule="[is]*", resource="[!a]*"),
               waiver(5, date(2030, 1, 1), rule="nothing_matches")]
    given = [finding(n) for n in range(25_000)]
    collected = datetime(2026, 12, 1, tzinfo=UTC)
    one_by_one = [Finding(**vars(f)) for f in given]
    expected = apply_waivers(one_by_one, waivers, collected)
    spool = FindingSpool()
    spool.add(given)
    stream = spool.finish(ordered=True)
    outcomes = apply_waivers(stream, waivers, collected)
    assert [(o.status, o.matches) for o in outcomes] == [(o.status, o.matches) for o in expected]
    assert [f.to_dict() for f in stream] == [f.to_dict() for f in one_by_one]
    assert sum(f.waived for f in one_by_one) > 1_000
