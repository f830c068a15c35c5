"""Writing reports: a complete file or none, devices and FIFOs written in place, OS errors as one line, exit 2.

These run the real CLI in a subprocess, because the failures are the operating system's: a read-only mount and
a full tmpfs (in a private mount namespace, as root ignores directory permissions), RLIMIT_FSIZE (`ulimit -f`),
a FIFO, a character device node made in the test's own directory (never one in /dev).
"""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sounding.engine.errors import InputError
from sounding.engine.output import write_output, write_with

CLI = [sys.executable, "-m", "sounding.engine.cli"]
EVALUATE = ["evaluate", "--format", "json", "--fail-on", "none", "--allow-errors", "-q"]


def sounding(*args: str, preexec: object = None, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    """Run the CLI as a separate process."""
    return subprocess.run([*(prefix or []), *CLI, *args], capture_output=True, text=True, timeout=120,
                          preexec_fn=preexec)  # type: ignore[arg-type]


def assert_one_line(result: subprocess.CompletedProcess, expected: str) -> None:
    """Exit 2, exactly the expected line on stderr, nothing on stdout."""
    assert (result.returncode, result.stderr, result.stdout) == (2, expected + "\n", "")


def leftovers(directory: Path) -> list[str]:
    """Files in a directory (temporary files start with a dot)."""
    return sorted(p.name for p in directory.iterdir())


def namespace_mount(directory: Path, options: str, fstype: str | None = None) -> list[str]:
    """A command prefix running the CLI in a private mount namespace with `directory` mounted as asked."""
    mount = (f"mount -t {fstype} -o {options} {fstype} {directory}" if fstype else
             f"mount --bind {directory} {directory} && mount -o remount,bind,{options} {directory}")
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", mount], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a private mount here: {probe.stderr.decode().strip()}")
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", f'{mount} && exec "$@"', "sh"]


def test_an_existing_report_is_replaced_whole_and_keeps_its_mode(small_snapshot: Path, tmp_path: Path) -> None:
    """A complete new file, same permissions, no temporary file left beside it."""
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    out.write_text("old")
    out.chmod(0o640)
    result = sounding(*EVALUATE, str(small_snapshot), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("{") and out.read_text().endswith("}\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert leftovers(out.parent) == ["report.json"]


def test_a_symlinked_output_writes_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    """-o through a symlink replaces the file it points to; the link stays a link."""
    target = tmp_path / "target.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_output("new\n", link)
    assert link.is_symlink() and target.read_text() == "new\n"


def test_dash_is_stdout(small_snapshot: Path, tmp_path: Path) -> None:
    """-o - writes to stdout and creates no file named '-'."""
    result = subprocess.run([*CLI, *EVALUATE, str(small_snapshot), "-o", "-"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("{")
    assert leftovers(tmp_path) == [small_snapshot.name]


def test_a_fifo_is_written_in_place(small_snapshot: Path, tmp_path: Path) -> None:
    """-o FIFO streams into the FIFO; it is still a FIFO afterwards, nothing else appears."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    result = sounding(*EVALUATE, str(small_snapshot), "-o", str(fifo))
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert received and received[0].startswith("{") and received[0].endswith("}\n")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert leftovers(tmp_path) == sorted(["pipe", small_snapshot.name])


def test_a_full_device_is_one_line_and_stays_a_device(small_snapshot: Path, tmp_path: Path) -> None:
    """A character device (a copy of /dev/full's node, made here) is written in place: ENOSPC is one line."""
    device = tmp_path / "full"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        pytest.skip("cannot make a device node here")
    result = sounding(*EVALUATE, str(small_snapshot), "-o", str(device))
    assert_one_line(result, f"error: {device}: cannot write: No space left on device")
    assert stat.S_ISCHR(device.lstat().st_mode)


def test_stdout_on_a_full_device_is_one_line(small_snapshot: Path, tmp_path: Path) -> None:
    """Without -o, stdout itself can be full."""
    device = tmp_path / "full"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        pytest.skip("cannot make a device node here")
    with open(device, "w") as full:
        result = subprocess.run([*CLI, *EVALUATE, str(small_snapshot)], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=120)
    assert (result.returncode, result.stderr) == (2, "error: stdout: cannot write: No space left on device\n")


def test_file_size_limit_is_one_line_and_leaves_nothing(small_snapshot: Path, tmp_path: Path) -> None:
    """`ulimit -f`: the write fails with EFBIG (Python ignores SIGXFSZ); no partial report, no temp file."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    result = sounding(*EVALUATE, str(small_snapshot), "-o", str(out_dir / "report.json"), preexec=limit)
    assert_one_line(result, f"error: {out_dir / 'report.json'}: cannot write: File too large")
    assert leftovers(out_dir) == []


def test_read_only_directory_is_one_line_and_leaves_the_old_report(small_snapshot: Path, tmp_path: Path) -> None:
    """A read-only mount (root ignores permission bits): exit 2, the previous report untouched."""
    out_dir = tmp_path / "ro"
    out_dir.mkdir()
    (out_dir / "report.json").write_text("previous")
    prefix = namespace_mount(out_dir, "ro")
    result = sounding(*EVALUATE, str(small_snapshot), "-o", str(out_dir / "report.json"), prefix=prefix)
    assert_one_line(result, f"error: {out_dir / 'report.json'}: cannot write: Read-only file system")
    assert leftovers(out_dir) == ["report.json"] and (out_dir / "report.json").read_text() == "previous"


def test_full_disk_is_one_line_and_leaves_nothing(small_snapshot: Path, tmp_path: Path) -> None:
    """A 16 KiB tmpfs fills up mid-report: exit 2, the temporary file removed, nothing looks complete."""
    out_dir = tmp_path / "small"
    out_dir.mkdir()
    prefix = namespace_mount(out_dir, "size=16k", fstype="tmpfs")
    target = out_dir / "report.json"
    result = sounding(*EVALUATE, str(small_snapshot), "--format", "html", "-o", str(target), prefix=prefix)
    assert_one_line(result, f"error: {target}: cannot write: No space left on device")
    assert leftovers(out_dir) == []  # the tmpfs lived only in the child's namespace: the mount point is empty


@pytest.fixture
def world_readable_tmp() -> Iterator[Path]:
    """A directory another user can read (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="sounding-test-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def test_unreadable_snapshot_file_is_one_line(small_snapshot: Path, world_readable_tmp: Path) -> None:
    """A table file the user may not read: exit 2 naming it, no report written."""
    snap = world_readable_tmp / "snap"
    shutil.copytree(small_snapshot, snap)
    for path in [snap, *snap.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    manifest = snap / "manifest.json"
    manifest.chmod(0o600)
    out_dir = world_readable_tmp / "out"
    out_dir.mkdir(mode=0o777)
    out_dir.chmod(0o777)
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is needed to run as another user")
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    result = sounding(*EVALUATE, str(snap), "-o", str(out_dir / "r.json"), prefix=prefix)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: {manifest}:") and "Permission denied" in result.stderr
    assert leftovers(out_dir) == []


def test_an_interrupted_write_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    """Ctrl-C or SIGTERM halfway through a report: the old report stays, nothing half-written appears."""
    target = tmp_path / "report.txt"
    target.write_text("previous")

    def half(stream: object) -> None:
        stream.write("partial")  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_with(half, target)
    assert leftovers(tmp_path) == ["report.txt"] and target.read_text() == "previous"


@pytest.mark.parametrize(("name", "problem"), [
    ("adir", "is a directory"), ("missing/report.txt", "the directory to write into does not exist")])
def test_a_path_that_cannot_be_a_report_is_an_input_error(tmp_path: Path, name: str, problem: str) -> None:
    (tmp_path / "adir").mkdir()
    with pytest.raises(InputError) as raised:
        write_output("x", tmp_path / name)
    assert str(raised.value) == f"{tmp_path / name}: {problem}"


def test_a_reader_that_goes_away_stops_the_command_quietly_with_141(tmp_path: Path) -> None:
    """`sounding query ... | head`: the closed pipe is no error line and no traceback, just the SIGPIPE status."""
    read_end, write_end = os.pipe()
    process = subprocess.Popen([*CLI, "query", str(Path(__file__).resolve().parents[2] / "snapshots" / "example"),
                                "SELECT range FROM range(300000)", "--format", "csv", "--limit", "300000"],
                               stdout=write_end, stderr=subprocess.PIPE, text=True)
    os.close(write_end)
    assert os.read(read_end, 6) == b"range\n"  # the header line: the command is writing
    os.close(read_end)  # the reader goes away with most of the output unread
    _, stderr = process.communicate(timeout=120)
    assert (process.returncode, stderr) == (141, "")
