"""Writes a report to stdout or to a file, never leaving a half-written file behind."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sounding.engine.errors import InputError


def write_output(text: str, path: Path | None) -> None:
    """Write text to `path` atomically (temporary file, then rename), or to stdout."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(path, "the directory to write into does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def output_stream(path: Path | None) -> Iterator[TextIO]:
    """A text stream to `path`, renamed into place only when the block completes; stdout when path is None."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(path, "the directory to write into does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
