"""Fuzzing the rule loader: whatever a rule file holds, load_rule returns a Rule or raises InputError naming it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sounding.engine.errors import InputError
from sounding.engine.rules import Rule, load_rule

KEYS = ["title", "severity", "section", "description", "remediation", "references", "frameworks", "scope",
        "owner", "Title", ""]
VALUES = st.one_of(st.sampled_from(["critical", "high", "low", "info", "1", "14", "0", "-3", "1e3", "x", "",
                                    "٣", "\u00b2", " 7 "]), st.text(max_size=30))
HEADER_LINE = st.builds(lambda key, sep, value: f"--{sep}{key}:{value}", st.sampled_from(KEYS),
                        st.sampled_from(["", " ", "  ", "\t"]), VALUES)
LINE = st.one_of(HEADER_LINE, st.sampled_from(["--", "--   continued", "", "   ", "SELECT 1", "-- -- x: y"]),
                 st.text(max_size=40))
NEWLINES = st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\x1c", "\u2028", "\x85"])
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load(content: bytes, name: str = "fuzzed_rule") -> Rule | InputError:
    """load_rule on a file with the given bytes; an InputError is returned, anything else propagates."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.sql"
        path.write_bytes(content)
        try:
            return load_rule(path)
        except InputError as exc:
            assert exc.path == str(path)
            assert exc.problem and "\n" not in exc.problem
            return exc


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes(content: bytes) -> None:
    assert isinstance(_load(content), Rule | InputError)


@FUZZ
@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    assert isinstance(_load(text.encode("utf-8", "surrogatepass")), Rule | InputError)


@FUZZ
@given(st.lists(LINE, max_size=14), NEWLINES, st.booleans())
def test_header_shaped_text(lines: list[str], newline: str, with_body: bool) -> None:
    text = newline.join(lines + (["SELECT 'PASS' AS status"] if with_body else []))
    result = _load(text.encode("utf-8", "surrogatepass"))
    if isinstance(result, Rule):
        assert result.severity in ("critical", "high", "medium", "low", "info")
        assert result.section >= 1
        assert result.sql.strip()
        assert all([result.title, result.description, result.remediation])


@FUZZ
@given(st.text(min_size=1, max_size=90))
def test_any_file_name(name: str) -> None:
    if "/" in name or "\x00" in name or name in (".", "..") or len(name.encode()) > 200:
        return
    content = b"-- title: t\n-- severity: low\n-- section: 1\n-- description: d\n-- remediation: r\nSELECT 1\n"
    try:
        result = _load(content, name)
    except OSError:  # the file system refused the name itself; nothing to load
        return
    assert isinstance(result, Rule | InputError)
