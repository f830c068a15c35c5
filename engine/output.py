"""Writes a report to stdout, a device or FIFO, or a file, never leaving a half-written file behind."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from sounding.engine.errors import InputError

STDOUT = "-"


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """A text stream for the report: stdout for None or `-`; a device, FIFO or socket written in place (never
    replaced); otherwise a temporary file beside `path`, renamed over it only once everything was written.

    An operating-system error (read-only directory, full disk, file size limit) becomes an InputError naming
    the path; an interruption leaves the old file, or none, in place.
    """
    if path is None or str(path) == STDOUT:
        with _reported("stdout"):
            yield sys.stdout
            sys.stdout.flush()
        return
    existing = _stat(path)  # what the path leads to, through any symlink (/dev/stderr -> /proc/self/fd/2 -> ...)
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise InputError(path, "is a directory")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with _reported(path), open(path, "w", encoding="utf-8", newline="") as stream:
            yield stream
        return
    target = Path(os.path.realpath(path))  # a regular file (or none yet): replace the file, keep any symlink
    if not target.parent.is_dir():
        raise InputError(path, "the directory to write into does not exist")
    with _reported(path):
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        try:
            os.fchmod(fd, stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask())
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def write_output(text: str, path: Path | None) -> None:
    """Write a finished text to `path` (see open_output)."""
    with open_output(path) as stream:
        stream.write(text)


def write_with(writer: Callable[[TextIO], None], path: Path | None) -> None:
    """Let `writer` write straight into the output stream (reports written incrementally)."""
    with open_output(path) as stream:
        writer(stream)


@contextlib.contextmanager
def _reported(where: str | Path) -> Iterator[None]:
    """Operating-system errors while writing as one InputError line naming the output."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away: not bad input (the command layer stops quietly, exit 141)
    except OSError as exc:
        raise InputError(where, f"cannot write: {exc.strerror or exc}") from None


def _stat(path: Path) -> os.stat_result | None:
    """The path's status, or None when nothing is there."""
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
