"""Normalises IAM policy documents of every legal shape into one list of statements."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, unquote_plus

Statement = dict[str, Any]


class PolicyDocumentError(ValueError):
    """The document is not a JSON policy document."""


def parse_document(document: str | bytes | dict[str, Any] | None) -> dict[str, Any]:
    """A policy document as a dict, from a dict, JSON text, or URL-encoded JSON (as IAM returns it)."""
    if document is None:
        return {}
    if isinstance(document, dict):
        return document
    if isinstance(document, bytes):
        document = document.decode("utf-8", "replace")
    if not isinstance(document, str):
        raise PolicyDocumentError(f"a policy document must be a JSON object, not {type(document).__name__}")
    text = document.strip()
    encoded = not text.startswith("{") and "%" in text
    if encoded:
        text = unquote(text).strip()
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        try:  # form encoding writes spaces as '+'
            parsed = json.loads(unquote_plus(document.strip())) if encoded else None
        except json.JSONDecodeError:
            parsed = None
        if parsed is None:
            raise PolicyDocumentError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(parsed, dict):
        raise PolicyDocumentError("a policy document must be a JSON object")
    return parsed


def _strings(value: Any) -> list[str]:
    """A string-or-list policy element as a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v if isinstance(v, str) else json.dumps(v, sort_keys=True) for v in value]
    return [json.dumps(value, sort_keys=True)]


def _principals(value: Any) -> dict[str, list[str]] | None:
    """A Principal element as {kind: [ids]}; "*" becomes {"*": ["*"]}."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"*": [value]} if value == "*" else {"AWS": [value]}
    if isinstance(value, dict):
        return {str(kind): _strings(ids) for kind, ids in sorted(value.items())}
    return {"*": _strings(value)}


def statements(document: str | bytes | dict[str, Any] | None) -> list[Statement]:
    """One normalised dict per statement: lists for actions and resources, dicts for the rest."""
    parsed = parse_document(document)
    raw = parsed.get("Statement", [])
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise PolicyDocumentError("Statement must be an object or a list of objects")
    result = []
    for index, statement in enumerate(raw):
        if not isinstance(statement, dict):
            raise PolicyDocumentError(f"statement {index} is not an object")
        condition = statement.get("Condition")
        result.append({
            "statement_index": index,
            "sid": statement.get("Sid") if isinstance(statement.get("Sid"), str) else None,
            "effect": str(statement.get("Effect", "")),
            "actions": _strings(statement.get("Action")),
            "not_actions": _strings(statement.get("NotAction")),
            "resources": _strings(statement.get("Resource")),
            "not_resources": _strings(statement.get("NotResource")),
            "principals": _principals(statement.get("Principal")),
            "not_principals": _principals(statement.get("NotPrincipal")),
            "conditions": condition if isinstance(condition, dict) else None,
        })
    return result


def condition_entries(conditions: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A Condition element flattened to [{operator, key, values}], sorted, so rules need no JSON walking."""
    entries = []
    for operator, block in sorted((conditions or {}).items()):
        if not isinstance(block, dict):
            entries.append({"operator": str(operator), "key": None, "values": _strings(block)})
            continue
        for key, values in sorted(block.items()):
            entries.append({"operator": str(operator), "key": str(key), "values": _strings(values)})
    return entries
