"""--out never replaces or deletes what Sounding did not create; --force replaces only a snapshot."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sounding.collector import publish as publish_module
from sounding.collector.contract import FORMAT_NAME
from sounding.collector.publish import FORMAT_MARKER, PublishError, check_out, is_snapshot, publish


def snapshot(path: Path, marker: str = FORMAT_MARKER, note: str = "old") -> Path:
    """A directory with a manifest carrying `marker`, and one file to tell it apart."""
    path.mkdir()
    (path / "manifest.json").write_text(json.dumps({"format": marker}))
    (path / "note").write_text(note)
    return path


def test_the_marker_is_the_writers_format_name() -> None:
    assert FORMAT_MARKER == FORMAT_NAME


@pytest.fixture(params=["renameat2", "rename"])
def system(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both protocols: Linux renameat2, and plain rename(2) where renameat2 is missing."""
    if request.param == "rename":
        monkeypatch.setattr(publish_module, "_renameat2", lambda *_: False)
    elif publish_module._libc_renameat2() is None:
        pytest.skip("no renameat2 here")
    return request.param


def test_publish_to_a_free_name(tmp_path: Path, system: str) -> None:
    new = snapshot(tmp_path / "tmp", note="new")
    assert publish(new, tmp_path / "out", replace=False) == tmp_path / "out"
    assert (tmp_path / "out" / "note").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("replace", [False, True], ids=["without_force", "with_force"])
def test_a_directory_created_by_someone_else_during_the_run_survives(tmp_path: Path, system: str,
                                                                    replace: bool) -> None:
    new = snapshot(tmp_path / "tmp", note="new")
    theirs = tmp_path / "out"
    theirs.mkdir()
    (theirs / "precious").write_text("keep me")
    with pytest.raises(PublishError) as caught:
        publish(new, theirs, replace=replace)
    assert (theirs / "precious").read_text() == "keep me"
    assert sorted(p.name for p in theirs.iterdir()) == ["precious"]
    [kept] = [p for p in tmp_path.iterdir() if p.name.startswith("out.sounding-")]
    assert (kept / "note").read_text() == "new"
    assert str(kept) in str(caught.value)


def test_an_empty_directory_created_during_the_run_survives_with_renameat2(tmp_path: Path) -> None:
    if publish_module._libc_renameat2() is None:
        pytest.skip("no renameat2 here")
    new = snapshot(tmp_path / "tmp", note="new")
    (tmp_path / "out").mkdir()
    with pytest.raises(PublishError, match="created by someone else"):
        publish(new, tmp_path / "out", replace=False)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_second_collect_to_the_same_out_keeps_the_first(tmp_path: Path, system: str) -> None:
    first = snapshot(tmp_path / "out", note="first")
    with pytest.raises(PublishError, match="created by someone else during the collection"):
        publish(snapshot(tmp_path / "tmp", note="second"), first, replace=False)
    assert (first / "note").read_text() == "first"


def test_force_replaces_a_snapshot(tmp_path: Path, system: str) -> None:
    old = snapshot(tmp_path / "out", note="old")
    publish(snapshot(tmp_path / "tmp", note="new"), old, replace=True)
    assert (old / "note").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("marker", ["something-else", ""], ids=["other_format", "empty_format"])
def test_force_never_replaces_what_is_not_a_snapshot(tmp_path: Path, system: str, marker: str) -> None:
    other = snapshot(tmp_path / "out", marker=marker, note="theirs")
    with pytest.raises(PublishError, match="not a Sounding snapshot"):
        publish(snapshot(tmp_path / "tmp", note="new"), other, replace=True)
    assert (other / "note").read_text() == "theirs"


def test_force_never_follows_a_symlink(tmp_path: Path, system: str) -> None:
    target = snapshot(tmp_path / "real", note="real")
    (tmp_path / "out").symlink_to(target)
    with pytest.raises(PublishError):
        publish(snapshot(tmp_path / "tmp", note="new"), tmp_path / "out", replace=True)
    assert (tmp_path / "out").is_symlink() and (target / "note").read_text() == "real"


def test_a_swap_that_brings_out_a_non_snapshot_is_undone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if publish_module._libc_renameat2() is None:
        pytest.skip("no renameat2 here")
    out = snapshot(tmp_path / "out", note="old")
    checks = iter([True, False])  # a snapshot when checked, something else once swapped out
    monkeypatch.setattr(publish_module, "is_snapshot", lambda _path: next(checks))
    with pytest.raises(PublishError, match="replaced by something that is not a Sounding snapshot"):
        publish(snapshot(tmp_path / "tmp", note="new"), out, replace=True)
    assert (out / "note").read_text() == "old"


@pytest.mark.parametrize(("name", "make", "replace", "problem"), [
    ("out", lambda p: p.mkdir(), False, "already exists"),
    ("out", lambda p: p.write_text("x"), False, "already exists"),
    ("out", lambda p: p.mkdir(), True, "is not a Sounding snapshot"),
    ("out", lambda p: snapshot(p, marker="other"), True, "is not a Sounding snapshot"),
    ("out", lambda p: p.symlink_to(p.parent), True, "is a symbolic link"),
    (".", None, True, "is the current directory"),
    ("..", None, True, "is the current directory or one of its parents"),
    ("/", None, True, "is the current directory or one of its parents"),
], ids=["dir", "file", "dir_with_force", "other_format_with_force", "symlink", "dot", "parent", "root"])
def test_check_out_refuses_up_front(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, make,
                                    replace: bool, problem: str) -> None:
    monkeypatch.chdir(tmp_path)
    if make is not None:
        make(tmp_path / name)
    with pytest.raises(PublishError, match=problem):
        check_out(Path(name), replace)


def test_check_out_accepts_a_new_name_or_a_snapshot_with_force(tmp_path: Path) -> None:
    assert check_out(tmp_path / "a" / ".." / "new", False) == tmp_path / "new"
    snapshot(tmp_path / "snap")
    assert check_out(tmp_path / "snap", True) == tmp_path / "snap"


def test_is_snapshot_needs_a_regular_manifest_with_the_marker(tmp_path: Path) -> None:
    assert is_snapshot(snapshot(tmp_path / "good"))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "manifest.json").write_text("[1]")
    linked = tmp_path / "linked"
    linked.mkdir()
    os.symlink(tmp_path / "good" / "manifest.json", linked / "manifest.json")
    assert not is_snapshot(bad) and not is_snapshot(linked) and not is_snapshot(tmp_path / "missing")


def test_a_signal_during_publish_waits_until_the_snapshot_is_in_place(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    seen: list[bool] = []
    previous = signal.signal(signal.SIGTERM, lambda *_: seen.append((tmp_path / "out").exists()))
    real = publish_module._publish

    def interrupted_publish(tmp: Path, out: Path, *, replace: bool) -> Path:
        os.kill(os.getpid(), signal.SIGTERM)
        assert seen == []  # held while the step runs
        return real(tmp, out, replace=replace)

    monkeypatch.setattr(publish_module, "_publish", interrupted_publish)
    try:
        publish(snapshot(tmp_path / "tmp"), tmp_path / "out", replace=False)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert seen == [True]
