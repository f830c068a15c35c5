"""Report formats: one module each, all rendering an Evaluation to text."""

from __future__ import annotations

from collections.abc import Callable

from engine.evaluate import Evaluation
from engine.report import csv_report, json_report, table_report

Renderer = Callable[[Evaluation], str]

FORMATS: dict[str, Renderer] = {
    "table": table_report.render,
    "json": json_report.render,
    "csv": csv_report.render,
}
