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


def test_every_file_of_the_rule_pack_is_package_data() -> None:
    """Rules, case files, the shared SQL of rules/_lib and sections.toml all ship in the wheel."""
    from fnmatch import fnmatch

    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools["package-data"]["sounding.rules"]
    files = [p.relative_to(REPO / "rules").as_posix() for p in (REPO / "rules").rglob("*")
             if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts]
    assert {"_lib/account_arn.sql", "sections.toml"} <= set(files)
    assert [f for f in files if not any(fnmatch(f, pattern) for pattern in patterns)] == []
