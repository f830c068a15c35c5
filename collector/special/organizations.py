"""Organizations reads one call cannot express: the OU tree (any depth), SCP contents, delegations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sounding.collector.special.policy_document import statements

# Organizations allows five levels of OUs below the root; the walk stops well past that so that
# a cycle in a faulty answer cannot loop forever.
MAX_DEPTH = 10


def _pages(client: Any, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every item under `key` of a paginated Organizations call."""
    for page in client.get_paginator(operation).paginate(**params):
        yield from page.get(key, [])


def _tree(client: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(parent id, OU) for every OU under every root, breadth first."""
    level = [root["Id"] for root in _pages(client, "list_roots", "Roots")]
    for _depth in range(MAX_DEPTH):
        children = []
        for parent_id in level:
            for unit in _pages(client, "list_organizational_units_for_parent", "OrganizationalUnits",
                               ParentId=parent_id):
                children.append(unit["Id"])
                yield parent_id, unit
        if not children:
            return
        level = children


def organizational_units(client: Any, _params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every OU of the organization with its parent id (ListRoots, ListOrganizationalUnitsForParent)."""
    return [{**unit, "ParentId": parent_id} for parent_id, unit in _tree(client)]


def accounts(client: Any, _params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every account of the organization with its parent id (ListAccountsForParent on the root and each OU)."""
    roots = [root["Id"] for root in _pages(client, "list_roots", "Roots")]
    parents = roots + [unit["Id"] for _parent, unit in _tree(client)]
    return [{**account, "ParentId": parent_id}
            for parent_id in parents
            for account in _pages(client, "list_accounts_for_parent", "Accounts", ParentId=parent_id)]


def policies(client: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every policy of the filtered type with its content parsed (ListPolicies, then DescribePolicy each)."""
    result = []
    for summary in _pages(client, "list_policies", "Policies", **params):
        policy = client.describe_policy(PolicyId=summary["Id"])["Policy"]
        content = policy.get("Content")
        try:
            parsed = json.loads(content) if isinstance(content, str) else content
        except json.JSONDecodeError:
            parsed = content  # kept as text: the statements table records a gap for it
        result.append({**policy.get("PolicySummary", summary), "Content": parsed})
    return result


def delegated_administrators(client: Any, _params: dict[str, Any]) -> list[dict[str, Any]]:
    """One item per delegated administrator account and service (ListDelegatedAdministrators, ...ServicesForAccount)."""
    result = []
    for admin in _pages(client, "list_delegated_administrators", "DelegatedAdministrators"):
        for service in _pages(client, "list_delegated_services_for_account", "DelegatedServices",
                              AccountId=admin["Id"]):
            result.append({**admin, "ServicePrincipal": service["ServicePrincipal"],
                           "DelegationEnabledDate": service.get("DelegationEnabledDate")})
    return result


def policy_statements(policy_row: dict[str, Any]) -> list[dict[str, Any]]:
    """The normalised statements of one collected policy row's content."""
    return statements(policy_row.get("content"))
