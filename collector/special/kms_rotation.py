"""kms:GetKeyRotationStatus only where AWS answers it: enabled, customer managed, symmetric keys."""

from __future__ import annotations

from typing import Any

# Extra fan-out parameters that decide whether to call; removed before the API is called.
KEY_MANAGER = "_key_manager"
KEY_SPEC = "_key_spec"
KEY_STATE = "_key_state"


def fetch(client: Any, params: dict[str, Any]) -> list[Any]:
    """The rotation status of a customer managed symmetric key; no item for keys rotation does not apply to."""
    if (params.get(KEY_MANAGER) != "CUSTOMER" or params.get(KEY_SPEC) != "SYMMETRIC_DEFAULT"
            or params.get(KEY_STATE) == "PendingDeletion"):
        return []
    api = {k: v for k, v in params.items() if k not in (KEY_MANAGER, KEY_SPEC, KEY_STATE)}
    response = client.get_key_rotation_status(**api)
    return [{k: v for k, v in response.items() if k != "ResponseMetadata"}]
