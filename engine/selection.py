"""Chooses which rules run: rule directories, the built-in pack, and filters."""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import Path

from sounding.engine.errors import InputError
from sounding.engine.frameworks import select as select_frameworks
from sounding.engine.rules import Rule, builtin_rules_dir, load_rules


def rule_directories(extra: Sequence[Path], *, no_builtin: bool = False) -> list[Path]:
    """The built-in pack (unless excluded) followed by the user's directories."""
    directories = [] if no_builtin else [builtin_rules_dir()]
    directories.extend(Path(d) for d in extra)
    if not directories:
        raise InputError("--rules", "no rule directory: --no-builtin needs at least one --rules DIR")
    return directories


def select_rules(extra: Sequence[Path], *, no_builtin: bool = False, ids: Sequence[str] = (),
                 sections: Sequence[int] = (), severities: Sequence[str] = (),
                 frameworks: Sequence[str] = ()) -> list[Rule]:
    """Load the rules and keep those matching every filter given."""
    rules = load_rules(rule_directories(extra, no_builtin=no_builtin))
    if ids:
        # Every pattern must match: a typo beside a correct id would otherwise quietly check less.
        unmatched = [p for p in ids if not any(fnmatchcase(r.id, p) for r in rules)]
        if unmatched:
            raise InputError("--rule", f"no rule matches {', '.join(unmatched)}")
        rules = [r for r in rules if any(fnmatchcase(r.id, pattern) for pattern in ids)]
    if sections:
        rules = [r for r in rules if r.section in set(sections)]
    if severities:
        rules = [r for r in rules if r.severity in set(severities)]
    if frameworks:
        rules = select_frameworks(rules, frameworks)
    return rules
