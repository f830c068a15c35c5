"""The terminal: data cannot drive it, colour and redrawn progress only on a TTY, typos exit 2, --wide, and
the SKIPs of uncollected regions collapsed (while JSON keeps them). TTY behaviour is tested on a real pty."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sounding.collector.synthetic import build_snapshot
from sounding.engine.cli import cli

from tests.builders import write_rule

ACCOUNTS = ["111111111111", "222222222222"]
# ESC (clear screen), BEL, a C1 control (CSI), a right-to-left override and an isolate: all from "AWS".
HOSTILE = "evil\x1b[2J\x07\x9b\u202edoc.exe\u2066x\u2069"
HOSTILE_SHOWN = "evil\\x1b[2J\\x07\\x9b\\u202edoc.exe\\u2066x\\u2069"
REGION_SQL = ("SELECT s.account_id, r.region, 'arn:aws:::' || s.account_id AS resource_id, "
              "CASE WHEN r.region = 'eu-west-1' THEN 'FAIL' ELSE 'SKIP' END AS status, "
              "CASE WHEN r.region = 'eu-west-1' THEN 'A reason long enough to be cut at eighty characters in a "
              "terminal table, unless --wide is given.' ELSE 'Region not collected in this snapshot.' END AS reason "
              "FROM iam_account_summary AS s, (SELECT unnest(['eu-west-1', 'us-east-1', 'ap-south-1', "
              "'sa-east-1']) AS region) AS r")


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    """Two accounts; only eu-west-1 collected; a user name carrying terminal control characters."""
    return build_snapshot(tmp_path / "snap", {
        "iam_account_summary": [{"account_id": a, "account_mfa_enabled": 0} for a in ACCOUNTS],
        "iam_users": [{"account_id": ACCOUNTS[0], "user_name": HOSTILE, "arn": f"arn:aws:iam::1:user/{HOSTILE}"}]},
        accounts=ACCOUNTS, regions=["eu-west-1"], collected_at=datetime(2026, 3, 1, tzinfo=UTC),
        tables=["regions", "iam_account_summary", "iam_users"])


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A per-region rule (FAIL in eu-west-1, SKIP elsewhere) and a rule that reports the hostile user name."""
    write_rule(tmp_path / "rules", "per_region", REGION_SQL, severity="high")
    write_rule(tmp_path / "rules", "hostile_names",
               "SELECT account_id, 'global' AS region, arn AS resource_id, 'FAIL' AS status, "
               "'User ' || user_name || ' | `x` <b>' AS reason FROM iam_users", severity="critical")
    return tmp_path / "rules"


def evaluate(snapshot: Path, rules: Path, *args: str) -> object:
    """`sounding evaluate` with only the test rules."""
    return CliRunner().invoke(cli, ["evaluate", str(snapshot), "--no-builtin", "--rules", str(rules), "-q",
                                    "--fail-on", "none", *args])


def test_control_characters_in_data_are_escaped_in_tables(snapshot: Path, rules: Path) -> None:
    """evaluate and query tables show the characters as escapes; no raw ESC, BEL, C1 or bidi control."""
    table = evaluate(snapshot, rules, "--wide").stdout
    queried = CliRunner().invoke(cli, ["query", str(snapshot), "SELECT user_name FROM iam_users"]).stdout
    named = CliRunner().invoke(cli, ["query", str(snapshot), "SELECT user_name AS name FROM iam_users "
                                     "UNION ALL SELECT max(user_name) FROM iam_users"]).stdout
    header = CliRunner().invoke(cli, ["query", str(snapshot), f"SELECT 1 AS \"{HOSTILE}\""]).stdout
    for text in (table, queried, named, header):
        assert HOSTILE_SHOWN in text
        assert not any(c in text for c in "\x1b\x07\x9b\u202e\u2066\u2069")


def test_rule_titles_are_escaped_in_rules_list_and_show(tmp_path: Path) -> None:
    """A rule title is data too: `rules list` and `rules show` escape its control characters."""
    path = write_rule(tmp_path / "r", "odd_title", "SELECT 1")
    path.write_text(path.read_text().replace("Test rule odd_title", "Title \x1b]0;pwned\x07 \u202eright"))
    listed = CliRunner().invoke(cli, ["rules", "list", "--no-builtin", "--rules", str(tmp_path / "r")])
    shown = CliRunner().invoke(cli, ["rules", "show", "odd_title", "--no-builtin", "--rules", str(tmp_path / "r")])
    for result in (listed, shown):
        assert result.exit_code == 0, result.output
        assert "Title \\x1b]0;pwned\\x07 \\u202eright" in result.stdout
        assert not any(c in result.stdout for c in "\x1b\x07\u202e")


def test_markdown_cells_escape_backticks_pipes_and_angle_brackets(snapshot: Path, rules: Path) -> None:
    """A reason with `|`, backticks and HTML stays one cell of text."""
    text = evaluate(snapshot, rules, "--format", "markdown").stdout
    row = next(line for line in text.splitlines() if "hostile_names" in line)
    shown = HOSTILE_SHOWN.replace("\\", "\\\\")  # Markdown renders \\x1b as \x1b
    assert row.endswith(f"| User {shown} \\| \\`x\\` &lt;b&gt; |")
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # six cells, whatever the data held


def test_uncollected_regions_collapse_to_one_line_per_account(snapshot: Path, rules: Path) -> None:
    """--status SKIP: one row per account naming the regions, not one per rule and region; JSON keeps all."""
    table = evaluate(snapshot, rules, "--status", "SKIP", "--rule", "per_region", "--wide").stdout
    rows = [line for line in table.splitlines() if line.startswith("SKIP")]
    assert [" ".join(r.split()) for r in rows] == [
        f"SKIP - (1 rule(s)) {a} (3 region(s)) - 3 finding(s) in regions not collected in this snapshot: "
        "ap-south-1, sa-east-1, us-east-1" for a in ACCOUNTS]
    assert "6 finding(s) with status SKIP:" in table
    document = json.loads(evaluate(snapshot, rules, "--status", "SKIP", "--format", "json").stdout)
    assert len(document["findings"]) == 6


def test_reasons_are_cut_at_80_characters_unless_wide(snapshot: Path, rules: Path) -> None:
    """The default table cuts a long reason with an ellipsis; --wide shows it whole."""
    reason = ("A reason long enough to be cut at eighty characters in a terminal table, unless --wide is given.")
    assert reason[:79] + "…" in evaluate(snapshot, rules).stdout
    assert reason in evaluate(snapshot, rules, "--wide").stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--section", "99"], "error: Invalid value for '--section': '99' is not a section; the sections are "
                          "1 (Root user), 2 (Organizations)"),
    (["--severity", "hgh"], "error: Invalid value for '--severity': 'hgh' is not one of 'critical', 'high', "
                            "'medium', 'low', 'info'."),
    (["--status", "FAILED"], "error: Invalid value for '--status': 'FAILED' is not one of 'PASS', 'FAIL', "
                             "'MANUAL', 'SKIP', 'ERROR'."),
])
def test_typos_exit_2_naming_the_valid_values(snapshot: Path, args: list[str], message: str) -> None:
    """A filter that matches nothing because of a typo is an error, not a green run; one line on stderr."""
    result = CliRunner().invoke(cli, ["evaluate", str(snapshot), *args])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert result.stderr.endswith(" evaluate --help`)\n")


def test_rules_list_rejects_an_unknown_section() -> None:
    result = CliRunner().invoke(cli, ["rules", "list", "--section", "99"])
    assert result.exit_code == 2 and "'99' is not a section" in result.stderr


def run_on_pty(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with stdout and stderr on a pseudo-terminal; everything the terminal received."""
    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "sounding.engine.cli", *args], stdout=child, stderr=child,
                               stdin=subprocess.DEVNULL, env=env)
    os.close(child)
    received = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        received += chunk
    process.wait(timeout=120)
    os.close(main)
    return received.decode("utf-8", "replace")


def test_on_a_terminal_status_is_coloured_and_progress_redraws(snapshot: Path, rules: Path) -> None:
    """A TTY gets colour and one progress line redrawn in place (carriage return, erase to end of line)."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm"}
    text = run_on_pty(["evaluate", str(snapshot), "--no-builtin", "--rules", str(rules), "--fail-on", "none"], env)
    assert "\x1b[31mFAIL\x1b[0m" in text and "\x1b[91mcritical\x1b[0m" in text
    assert "\r[1/2] hostile_names\x1b[K" in text and "\r[2/2] per_region\x1b[K" in text
    assert "[1/2] hostile_names\r\n" not in text  # never a plain progress line on a terminal


def test_no_color_and_pipes_get_plain_text(snapshot: Path, rules: Path) -> None:
    """NO_COLOR on a TTY: no colour (progress still redraws); piped: neither colour nor progress."""
    env = dict(os.environ) | {"NO_COLOR": "1", "TERM": "xterm"}
    text = run_on_pty(["evaluate", str(snapshot), "--no-builtin", "--rules", str(rules), "--fail-on", "none"], env)
    assert "\x1b[3" not in text and "\x1b[9" not in text and "\x1b[K" in text
    piped = subprocess.run([sys.executable, "-m", "sounding.engine.cli", "evaluate", str(snapshot), "--no-builtin",
                            "--rules", str(rules), "--fail-on", "none"], capture_output=True, text=True,
                           env={k: v for k, v in os.environ.items() if k != "NO_COLOR"}, timeout=120)
    assert "\x1b" not in piped.stdout + piped.stderr and piped.stderr == ""
    verbose = subprocess.run([sys.executable, "-m", "sounding.engine.cli", "evaluate", str(snapshot), "--no-builtin",
                              "--rules", str(rules), "--fail-on", "none", "--verbose", "--format", "json"],
                             capture_output=True, text=True, timeout=120)
    assert verbose.stderr == "[1/2] hostile_names\n[2/2] per_region\n"


@pytest.mark.parametrize(("words", "expected"), [
    ("sounding evaluate snap --rule root_m", ["root_mfa_enabled"]),
    ("sounding rules show iam_password_policy_e", ["iam_password_policy_exists"]),
    ("sounding tables iam_account_s", ["iam_account_summary"]),
    ("sounding diff a b --table iam_account_s", ["iam_account_summary"]),
    ("sounding rules list --section 1", ["1", "10", "11", "12", "13", "14", "15", "16", "17"]),
])
def test_shell_completion_offers_rule_ids_sections_and_tables(words: str, expected: list[str]) -> None:
    """click's bash completion protocol, as the documented `eval "$(_SOUNDING_COMPLETE=bash_source sounding)"`
    uses it: one `type,value` line per candidate."""
    env = dict(os.environ) | {"_SOUNDING_COMPLETE": "bash_complete", "COMP_WORDS": words,
                              "COMP_CWORD": str(len(words.split()) - 1)}
    result = subprocess.run([sys.executable, "-c", "from sounding.engine.cli import main; main()"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.stdout.split() == [f"plain,{value}" for value in expected], result.stderr
