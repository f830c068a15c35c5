"""The one generic runner: executes a table declaration in one account and region."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jmespath
from botocore import xform_name
from sounding.collector.aws import AccountClients
from sounding.collector.declarations import THIS_ACCOUNT, TableSpec
from sounding.collector.gaps import OTHER, Gap, classify
from sounding.collector.values import ValueProblem, typed_item_row

# The gap recorded for a table in one scope when some of its values could not be typed (stored as NULL).
INVALID_VALUE = "InvalidValue"


@dataclass
class TableResult:
    """The rows one table yielded in one scope, and the gaps met on the way."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


def extract_items(expression: str, response: Any) -> list[Any]:
    """The items a response holds at the declaration's path: a list, one object, or none."""
    found = jmespath.search(expression, response) if expression else response
    if found is None:
        return []
    if isinstance(found, list):
        return found
    return [found]


def call_pages(client: Any, operation: str, params: dict[str, Any], paginate: bool) -> list[Any]:
    """Every response page of one operation call, following pagination where the service offers it."""
    method = xform_name(operation)
    if paginate and client.can_paginate(method):
        pages = list(client.get_paginator(method).paginate(**params))
    else:
        pages = [getattr(client, method)(**params)]
    # Request ids and HTTP headers are not data: a whole-response item (GetDetector) must not carry them.
    return [{k: v for k, v in page.items() if k != "ResponseMetadata"} if isinstance(page, dict) else page
            for page in pages]


def call_items(clients: AccountClients, client: Any, spec: TableSpec, call_region: str,
               params: dict[str, Any]) -> list[Any]:
    """The items of one call; tables that read the same call share one set of requests."""
    key = (spec.service, call_region, spec.operation, repr(sorted(params.items())), spec.paginate)
    pages = clients.once(key, lambda: call_pages(client, spec.operation, params, spec.paginate))
    return [item for page in pages for item in extract_items(spec.items, page)]


def run_table(spec: TableSpec, clients: AccountClients, account_id: str, region: str,
              call_region: str, parent_rows: Sequence[dict[str, Any]] = ()) -> TableResult:
    """Collect one table in one scope; every failure becomes a gap, never an empty list."""
    result = TableResult()
    problems: Counter[ValueProblem] = Counter()
    try:
        client = clients.get(spec.service, call_region)
    except Exception as exc:  # a region name botocore refuses (InvalidRegionError), an unknown service
        code, kind, message = classify(exc)
        result.gaps.append(Gap.for_table(spec, account_id=account_id, region=region, error_code=code,
                                         error_kind=kind, message=message))
        return result
    calls: list[tuple[dict[str, Any], dict[str, Any] | None]]
    if spec.fan_out is None:
        calls = [(bind_account(spec.params, account_id), None)]
    else:
        calls = []
        for parent in parent_rows:
            params = bind_account(spec.params, account_id)
            params.update({api: parent[col] for api, col in spec.fan_out.params.items()})
            calls.append((params, parent))
    for params, parent in calls:
        try:
            if spec.derive is not None:
                items = spec.derive(parent or {})
            elif spec.fetch is not None:
                items = spec.fetch(client, params)
            else:
                items = call_items(clients, client, spec, call_region, params)
        except Exception as exc:  # every failure is recorded; see collector.gaps.classify
            code, kind, message = classify(exc)
            if code in spec.empty_on:
                continue
            if parent is not None:
                message = f"{_describe(parent, spec)}: {message}"
            result.gaps.append(Gap.for_table(spec, account_id=account_id, region=region, error_code=code,
                                             error_kind=kind, message=message))
            continue
        context = parent_context(parent)
        for item in items:
            row, found = typed_item_row(spec, item, account_id, region, context)
            result.rows.append(row)
            problems.update(found)
    if problems:
        result.gaps.append(Gap.for_table(spec, account_id=account_id, region=region, error_code=INVALID_VALUE,
                                         error_kind=OTHER, message=describe_problems(problems)))
    return result


def describe_problems(problems: Counter[ValueProblem]) -> str:
    """One deterministic line: which columns held values that could not be typed, why, how often."""
    total = sum(problems.values())
    parts = [f"{p.column} ({p.reason}) x{n}" for p, n in sorted(problems.items(), key=lambda kv: kv[0].column)]
    return (f"{total} value(s) could not be typed and were stored as NULL: " + "; ".join(parts))


def bind_account(params: dict[str, Any], account_id: str) -> dict[str, Any]:
    """The declared parameters with THIS_ACCOUNT (alone or in a list) replaced by the account id."""
    def bind(value: Any) -> Any:
        if isinstance(value, list):
            return [bind(v) for v in value]
        return account_id if value == THIS_ACCOUNT else value
    return {name: bind(value) for name, value in params.items()}


def parent_context(parent: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a fanned-out table's column paths see as `_parent`: the parent's typed columns."""
    if parent is None:
        return None
    return {k: v for k, v in parent.items() if k != "raw"}


def _describe(parent: dict[str, Any], spec: TableSpec) -> str:
    """Names the parent row a failed fan-out call was made for."""
    assert spec.fan_out is not None
    return ", ".join(f"{api}={parent[col]}" for api, col in spec.fan_out.params.items())
