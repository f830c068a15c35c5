"""Puts a finished snapshot at --out without ever replacing or deleting what Sounding did not create.

The decision is taken twice: up front (`check_out`, before any API call, so that `--out .` or an
existing directory fails in a second) and atomically at the end (`publish`). On Linux the end is
one `renameat2` call: `RENAME_NOREPLACE` when nothing may be replaced, so a directory created by
someone else during the run survives, and `RENAME_EXCHANGE` under `--force`, which swaps the new
snapshot in and the old one out in one step; what was swapped out is checked to be a Sounding
snapshot before it is deleted, and swapped back if it is not. Where `renameat2` is missing (other
systems, old C libraries, file systems that refuse the flags) `rename(2)` is used after the same
checks: it cannot replace a non-empty directory, so at worst an empty directory created in the
instant between check and rename is replaced.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import os
import shutil
import signal
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sounding.collector.contract import FORMAT_NAME as FORMAT_MARKER  # what makes a directory a Sounding snapshot
from sounding.collector.contract import MANIFEST as MANIFEST_NAME
from sounding.collector.contract import name_stamp

MAX_MANIFEST_BYTES = 1 << 30

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


class PublishError(Exception):
    """--out cannot take the snapshot: it exists, is not a snapshot, or appeared during the run."""


def check_out(out: Path, replace: bool) -> Path:
    """The absolute --out, or PublishError now if the end of the run could not put a snapshot there."""
    path = Path(os.path.abspath(out))
    if path == Path(path.anchor) or path == Path(os.getcwd()) or Path(os.getcwd()).is_relative_to(path):
        raise PublishError(f"{out}: is the current directory or one of its parents; name a new directory")
    if os.path.lexists(path.parent) and not path.parent.is_dir():
        raise PublishError(f"{out}: its parent is not a directory")
    if not os.path.lexists(path):
        return path
    if path.is_symlink():
        raise PublishError(f"{out}: is a symbolic link; name a new directory")
    if not replace:
        raise PublishError(f"{out}: already exists (choose another --out, or pass --force to replace a snapshot)")
    if not is_snapshot(path):
        raise PublishError(f"{out}: is not a Sounding snapshot; --force replaces only a snapshot")
    return path


def is_snapshot(path: Path) -> bool:
    """Whether a directory is a Sounding snapshot: a real directory with a manifest carrying the format marker."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return False
        manifest = path / MANIFEST_NAME
        info = os.lstat(manifest)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST_BYTES:
            return False
        with manifest.open("rb") as fh:
            data = json.loads(fh.read())
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT_MARKER


def publish(tmp: Path, out: Path, *, replace: bool) -> Path:
    """Rename the finished snapshot `tmp` to `out`; replace only a Sounding snapshot, and only with `replace`."""
    with _signals_deferred():  # Ctrl-C or SIGTERM between the swap and its check must not split the step
        return _publish(tmp, out, replace=replace)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then act on the first one as its handler would.

    Masking the signal would not do: in a process with worker threads the kernel hands it to one
    of them and Python still runs the handler in the main thread at once. Handlers can only be
    changed in the main thread; elsewhere the block runs unguarded.
    """
    received: list[int] = []
    try:
        previous = {number: signal.signal(number, lambda n, _frame: received.append(n))
                    for number in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if received:
            handler = previous[received[0]]
            if callable(handler):
                handler(received[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(received[0])


def _publish(tmp: Path, out: Path, *, replace: bool) -> Path:
    """publish, with signals held."""
    if not os.path.lexists(out):
        try:
            _rename_noreplace(tmp, out)
            return out
        except FileExistsError:
            pass  # created by someone else since the check: decide below
    if not replace or os.path.islink(out) or not is_snapshot(out):
        kept = _keep_aside(tmp, out)
        why = ("is not a Sounding snapshot, so --force does not replace it" if replace
               else "was created by someone else during the collection")
        raise PublishError(f"{out}: {why}; the new snapshot was kept at {kept}")
    _replace_snapshot(tmp, out)
    return out


def _replace_snapshot(tmp: Path, out: Path) -> None:
    """Swap the new snapshot in; delete what came out only if it is a Sounding snapshot."""
    if _renameat2(tmp, out, _RENAME_EXCHANGE):
        if is_snapshot(tmp):
            shutil.rmtree(tmp)
            return
        _renameat2(tmp, out, _RENAME_EXCHANGE)  # swapped in during the check: put it back
        kept = _keep_aside(tmp, out)
        raise PublishError(f"{out}: was replaced by something that is not a Sounding snapshot during the "
                           f"collection; the new snapshot was kept at {kept}")
    doomed = out.with_name(f".{out.name}.replaced-{os.getpid()}")
    os.rename(out, doomed)
    try:
        _rename_noreplace(tmp, out)
    except OSError:
        os.rename(doomed, out)
        raise
    shutil.rmtree(doomed, ignore_errors=True)


def _keep_aside(tmp: Path, out: Path) -> Path:
    """Rename the finished snapshot next to `out` under a name nobody uses, so no collected data is lost."""
    stamp = name_stamp(datetime.now(UTC))
    for n in range(1000):
        candidate = out.with_name(f"{out.name}.sounding-{stamp}" + (f"-{n}" if n else ""))
        try:
            _rename_noreplace(tmp, candidate)
            return candidate
        except FileExistsError:
            continue
    raise PublishError(f"{out}: no free name to keep the new snapshot; it stays at {tmp}")


def _rename_noreplace(src: Path, dst: Path) -> None:
    """rename(2) that raises FileExistsError instead of replacing anything at `dst`."""
    if _renameat2(src, dst, _RENAME_NOREPLACE):
        return
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, "exists", str(dst))
    try:
        os.rename(src, dst)  # cannot replace a non-empty directory
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
            raise FileExistsError(errno.EEXIST, "exists", str(dst)) from None
        raise


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """renameat2(2) with `flags`: True when done, False when the system cannot; FileExistsError when `dst` exists."""
    function = _libc_renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code == errno.EEXIST:
        raise FileExistsError(code, os.strerror(code), str(dst))
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False  # a kernel or file system without the flag
    raise OSError(code, os.strerror(code), str(dst))


_LIBC: list[object] = []


def _libc_renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    """glibc's renameat2 (2.28+), or None on other systems."""
    if not _LIBC:
        function = None
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
                function = libc.renameat2
                function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                     ctypes.c_uint]
                function.restype = ctypes.c_int
            except (OSError, AttributeError):
                function = None
        _LIBC.append(function)
    return _LIBC[0]  # type: ignore[return-value]
