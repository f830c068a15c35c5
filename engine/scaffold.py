"""`sounding rules new`: a complete, working rule file and a passing case file to edit from."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from sounding.engine.casefile import CASE_SUFFIX
from sounding.engine.errors import InputError
from sounding.engine.rules import RULE_ID, SECTIONS, rule_files

EXAMPLE_ACCOUNT = "111111111111"

RULE_TEMPLATE = """\
-- title: {title} (edit: state what passes)
-- severity: medium
-- section: {section}
-- scope: account
-- description: Edit: why this matters, in a sentence or two. Continuation lines start with "--"
--   and two spaces. As generated, the rule asks a person to look at every reachable account.
-- remediation: Edit: what to do so that the rule passes: a CLI command or console path, and an
--   SCP or policy snippet where one applies.
-- references: https://docs.aws.amazon.com/
-- frameworks:
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    'MANUAL' AS status,
    'Example finding of {rule_id}: replace this query with the check.' AS reason
FROM sounding_accounts AS a
WHERE a.reachable
"""

CASE_TEMPLATE = """\
# Cases for {rule_id}: given rows per table, expected findings (`sounding rules test`).
[defaults]
accounts = ["{account}"]
collected_at = 2026-01-01T00:00:00Z

[[case]]
name = "every reachable account gets a MANUAL finding"
[[case.expect]]
status = "MANUAL"
account_id = "{account}"
region = "global"
resource_id = "arn:aws:iam::{account}:root"
reason_contains = "Example finding of {rule_id}"

[[case]]
name = "an unreachable account gets no finding"
accounts = [{{ account_id = "{account}", reachable = false }}]
"""


def section_dir_name(section: int) -> str:
    """The directory of a section: its two-digit number and its catalog name, e.g. 01-root-user."""
    slug = re.sub(r"[^a-z0-9]+", "-", SECTIONS[section].lower()).strip("-")
    return f"{section:02d}-{slug}"


def scaffold_rule(rule_id: str, section: int, directory: Path, *, existing: Sequence[Path] = ()) -> tuple[Path, Path]:
    """Write <directory>/<NN-section>/<rule_id>.sql and its case file; refuse an id already in use."""
    if not RULE_ID.fullmatch(rule_id):
        raise InputError(rule_id, "a rule id is lower_snake_case, 3-80 characters, starting with a letter")
    if section not in SECTIONS:
        raise InputError("--section", f"section {section} is not a catalog section (1-{max(SECTIONS)})")
    searched = [d for d in (*existing, directory) if Path(d).is_dir()]
    clash = next((p for p in rule_files(searched) if p.stem == rule_id), None)
    if clash is not None:
        raise InputError(clash, f"rule id '{rule_id}' already exists")
    prefix = f"{section:02d}-"
    folder = next((d for d in sorted(directory.glob(prefix + "*")) if d.is_dir()), None) \
        if directory.is_dir() else None
    folder = folder or directory / section_dir_name(section)
    folder.mkdir(parents=True, exist_ok=True)
    rule_path = folder / f"{rule_id}.sql"
    case_file = folder / f"{rule_id}{CASE_SUFFIX}"
    if case_file.exists():
        raise InputError(case_file, "a case file for this id already exists")
    title = rule_id.replace("_", " ").capitalize()
    rule_path.write_text(RULE_TEMPLATE.format(title=title, section=section, rule_id=rule_id), encoding="utf-8")
    case_file.write_text(CASE_TEMPLATE.format(rule_id=rule_id, account=EXAMPLE_ACCOUNT), encoding="utf-8")
    return rule_path, case_file
