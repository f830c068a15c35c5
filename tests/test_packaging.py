"""The package list in pyproject.toml covers every Python package of the source tree."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_every_package_is_listed() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(("sounding", *p.parent.relative_to(REPO).parts)) for top in ("collector", "engine")
             for p in (REPO / top).rglob("__init__.py")}
    assert listed == found | {"sounding.rules"}
