"""The IAM credential report: generate, wait while it is in progress, parse the CSV."""

from __future__ import annotations

import base64
import csv
import io
import time
from typing import Any

from botocore.exceptions import ClientError

GENERATED_AT = "report_generated_at"


def _delays(attempts: int, first: float, cap: float) -> list[float]:
    """Back-off between polls: short at first (reports are usually ready within a second), then capped."""
    return [min(cap, first * 2**n) for n in range(attempts)]


def fetch(client: Any, _params: dict[str, Any], *, attempts: int = 20, first_delay: float = 0.2,
          max_delay: float = 5.0) -> list[dict[str, Any]]:
    """Every row of a fresh credential report, each with the report's generation time."""
    delays = _delays(attempts, first_delay, max_delay)
    for delay in delays:
        if client.generate_credential_report().get("State") == "COMPLETE":
            break
        time.sleep(delay)
    for attempt, delay in enumerate(delays):
        try:
            response = client.get_credential_report()
            break
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in {"ReportInProgress", "ReportNotPresent"}:
                raise
            if attempt == attempts - 1:
                raise
            time.sleep(delay)
    return parse(response["Content"], response.get("GeneratedTime"))


def parse(content: bytes | str, generated_at: Any) -> list[dict[str, Any]]:
    """Rows of a credential report CSV as dicts of the report's own column names."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    if text and not text.lstrip().startswith("user"):
        # Some SDK paths hand over the base64 text rather than the decoded blob.
        text = base64.b64decode(text).decode("utf-8")
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        row: dict[str, Any] = {k.strip(): (v or "").strip() for k, v in record.items() if k}
        row[GENERATED_AT] = generated_at
        rows.append(row)
    return rows
