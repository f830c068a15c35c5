"""Waiver and case files share the contract's guard: deep nesting and list-shaped tables are one clean line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sounding.engine.casefile import load_cases
from sounding.engine.errors import InputError
from sounding.engine.waivers import load_waivers

DEEP = "x = " + "[" * 50_000 + "]" * 50_000 + "\n"


@pytest.mark.parametrize("loader", [load_waivers, load_cases])
def test_deep_nesting_is_refused_in_one_line(tmp_path: Path, loader) -> None:
    path = tmp_path / "input.toml"
    path.write_text(DEEP)
    with pytest.raises(InputError) as info:
        loader(path)
    assert info.value.path == str(path)
    assert "nested too deeply" in info.value.problem


@pytest.mark.parametrize("text", ["waiver = [1, 2]\n", "waiver = [[1]]\n", 'waiver = ["a"]\n'])
def test_waivers_that_are_not_tables_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "waivers.toml"
    path.write_text(text)
    with pytest.raises(InputError, match="must be an array of tables"):
        load_waivers(path)


@pytest.mark.parametrize("text", ["defaults = []\n[[case]]\nname = 'a'\n", "case = [1]\n", "case = [[]]\n"])
def test_cases_that_are_not_tables_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "rule.test.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=r"\[defaults\] must be a table"):
        load_cases(path)


def test_a_huge_rule_file_is_refused_without_reading_it_whole(tmp_path: Path, monkeypatch) -> None:
    from sounding.engine import rules

    path = tmp_path / "huge_rule.sql"
    with path.open("wb") as fh:  # sparse: 2 GiB on paper, nothing on disk
        fh.truncate(2 << 30)
    reads: list[int] = []
    real_open = Path.open

    def counting_open(self: Path, *args: object, **kwargs: object):
        handle = real_open(self, *args, **kwargs)
        read = handle.read
        handle.read = lambda size=-1: reads.append(size) or read(size)  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(Path, "open", counting_open)
    with pytest.raises(InputError, match="rule file is larger than 256 KiB"):
        rules.load_rule(path)
    assert reads == [rules.MAX_RULE_BYTES + 1]
