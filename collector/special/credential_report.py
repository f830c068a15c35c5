"""The IAM credential report: generate, wait while it is in progress, parse the CSV."""

from __future__ import annotations

import base64
import csv
import io
import time
from typing import Any

from botocore.exceptions import ClientError

GENERATED_AT = "report_generated_at"


def fetch(client: Any, _params: dict[str, Any], *, attempts: int = 30, delay: float = 1.0) -> list[dict[str, Any]]:
    """Every row of a fresh credential report, each with the report's generation time."""
    for _ in range(attempts):
        state = client.generate_credential_report().get("State")
        if state == "COMPLETE":
            break
        time.sleep(delay)
    for attempt in range(attempts):
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
