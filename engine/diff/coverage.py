"""What each snapshot covers, so rows outside the common ground are reported as coverage, not drift."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sounding.collector.declarations import GLOBAL_REGION
from sounding.engine.diff.model import Coverage
from sounding.engine.snapshot import Snapshot

ALL_TABLES_GAP = "*"
# What identifies a gap across snapshots (the message may carry request ids or times).
GAP_IDENTITY = ("table", "account_id", "region", "service", "operation", "error_code")


@dataclass(frozen=True)
class CommonGround:
    """Scopes both snapshots collected, and per table the scopes whose gaps differ."""

    scopes: frozenset[tuple[str, str]]
    excluded: dict[str, frozenset[tuple[str, str]]]

    def excluded_for(self, table: str) -> list[tuple[str, str]]:
        """(account, region) scopes of `table` not compared because a gap differs ('global' = every region)."""
        return sorted(self.excluded.get(table, frozenset()) | self.excluded.get(ALL_TABLES_GAP, frozenset()))


def scopes(snapshot: Snapshot) -> set[tuple[str, str]]:
    """(account, region) pairs collected: each reachable account's regions and its global scope."""
    covered = set()
    for account in snapshot.accounts:
        if not account.get("reachable", True):
            continue
        covered.add((account["account_id"], GLOBAL_REGION))
        covered.update((account["account_id"], region) for region in account.get("regions", []))
    return covered


def gap_identity(gap: dict[str, str]) -> tuple[str, ...]:
    """The fields that say which data a gap withheld and why."""
    return tuple(str(gap.get(k, "")) for k in GAP_IDENTITY)


def compare_coverage(old: Snapshot, new: Snapshot, tables: Iterable[str] | None = None,
                     ) -> tuple[Coverage, CommonGround]:
    """Coverage differences, and the common ground on which rows are compared."""
    old_accounts = {a["account_id"]: a for a in old.accounts}
    new_accounts = {a["account_id"]: a for a in new.accounts}
    coverage = Coverage(
        tables_only_in_old=sorted(set(old.tables) - set(new.tables)),
        tables_only_in_new=sorted(set(new.tables) - set(old.tables)),
        accounts_only_in_old=sorted(set(old_accounts) - set(new_accounts)),
        accounts_only_in_new=sorted(set(new_accounts) - set(old_accounts)))
    for account_id in sorted(set(old_accounts) & set(new_accounts)):
        before, after = old_accounts[account_id], new_accounts[account_id]
        old_regions, new_regions = set(before.get("regions", [])), set(after.get("regions", []))
        if old_regions != new_regions:
            coverage.regions.append({"account_id": account_id, "only_in_old": sorted(old_regions - new_regions),
                                     "only_in_new": sorted(new_regions - old_regions)})
        if bool(before.get("reachable", True)) != bool(after.get("reachable", True)):
            coverage.reachability.append({"account_id": account_id, "old": bool(before.get("reachable", True)),
                                          "new": bool(after.get("reachable", True))})
    wanted = set(tables) if tables is not None else None
    old_gaps = {gap_identity(g): g for g in old.gaps if _wanted(g, wanted)}
    new_gaps = {gap_identity(g): g for g in new.gaps if _wanted(g, wanted)}
    coverage.gaps_only_in_old = [_plain_gap(old_gaps[k]) for k in sorted(set(old_gaps) - set(new_gaps))]
    coverage.gaps_only_in_new = [_plain_gap(new_gaps[k]) for k in sorted(set(new_gaps) - set(old_gaps))]
    excluded: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for gap in (*coverage.gaps_only_in_old, *coverage.gaps_only_in_new):
        excluded[gap["table"]].add((gap["account_id"], gap["region"]))
    ground = CommonGround(frozenset(scopes(old) & scopes(new)),
                          {t: frozenset(s) for t, s in excluded.items()})
    return coverage, ground


def _wanted(gap: dict[str, str], tables: set[str] | None) -> bool:
    """A gap of a table the diff looks at (gaps of every table always count)."""
    return tables is None or gap["table"] in tables or gap["table"] == ALL_TABLES_GAP


def _plain_gap(gap: dict[str, str]) -> dict[str, str]:
    """A gap as the diff reports it."""
    return {k: str(gap.get(k, "")) for k in (*GAP_IDENTITY, "error_kind", "message")}
