"""Names are checked with a full match: a trailing newline (which `$` lets through) is not part of a name."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sounding.collector.aws import partition_of_region
from sounding.engine.cli import cli
from sounding.engine.diff.paths import _join
from sounding.engine.errors import InputError
from sounding.engine.lint import lint_paths
from sounding.engine.rules import load_rule
from sounding.engine.scaffold import scaffold_rule

from tests.builders import write_rule


@pytest.mark.parametrize("name", ["my_check\n", "my_check\r\n", "\nmy_check", "my_check\n\n"])
def test_rules_new_refuses_a_name_with_a_newline(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(cli, ["rules", "new", name, "--section", "1", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "lower_snake_case" in result.stderr
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match="lower_snake_case"):
        scaffold_rule(name, 1, tmp_path)


def test_a_rule_file_whose_name_ends_in_a_newline_is_refused_by_the_loader_and_lint(tmp_path: Path) -> None:
    path = write_rule(tmp_path, "odd_name\n", "SELECT 1")
    with pytest.raises(InputError, match="must be lower_snake_case"):
        load_rule(path)
    assert any("must be lower_snake_case" in p.message for p in lint_paths([path]))


def test_a_region_name_with_a_trailing_newline_is_not_in_a_partition() -> None:
    assert partition_of_region("cn-north-1") == "aws-cn"
    assert partition_of_region("cn-north-1\n") == "aws"


def test_a_key_with_a_trailing_newline_is_quoted_in_a_diff_path() -> None:
    assert _join("a", "b") == "a.b"
    assert _join("a", "b\n") == 'a["b\\n"]'
