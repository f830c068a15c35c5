"""Writes a report to stdout or to a file, never leaving a half-written file behind."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

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
