"""`evaluate -o FILE --format json` writes the report while the rules run: the same bytes as written afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sounding.engine.cli import cli
from sounding.engine.commands.evaluate import streams_to_file

EXAMPLE = Path(__file__).resolve().parents[3] / "snapshots" / "example"
WAIVERS = """\
[[waiver]]
rule = "iam_*"
reason = "accepted"
owner = "sec@example.com"
expires = 2030-01-01

[[waiver]]
rule = "*"
region = "eu-*"
reason = "expired long ago"
owner = "sec@example.com"
expires = 2020-01-01
"""


@pytest.mark.parametrize("extra", [[], ["--status", "FAIL", "--status", "ERROR"], ["--waivers", "WAIVERS"],
                                   ["--waivers", "WAIVERS", "--status", "FAIL"], ["--section", "4"]])
def test_a_report_streamed_to_a_file_is_the_report_written_to_stdout(extra: list[str], tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.toml"
    waivers.write_text(WAIVERS)
    args = ["evaluate", str(EXAMPLE), "--format", "json", "-q", "--fail-on", "high",
            *[str(waivers) if a == "WAIVERS" else a for a in extra]]
    to_stdout = CliRunner().invoke(cli, args)
    report = tmp_path / "report.json"
    to_file = CliRunner().invoke(cli, [*args, "-o", str(report)])
    assert (to_file.exit_code, to_file.stderr) == (to_stdout.exit_code, to_stdout.stderr)
    assert to_stdout.exit_code in (0, 1, 3)
    assert report.read_text(encoding="utf-8") == to_stdout.stdout
    assert sorted(os.listdir(tmp_path)) == sorted(["report.json", "waivers.toml"])


def test_only_regular_files_are_streamed_to(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "old.json").write_text("{}")
    assert [streams_to_file(p) for p in (None, Path("-"), fifo, tmp_path / "new.json", tmp_path / "old.json")] == [
        False, False, False, True, True]
