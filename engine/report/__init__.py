"""Report formats: one module each, all rendering an Evaluation to text."""

from __future__ import annotations

from collections.abc import Callable

from sounding.engine.evaluate import Evaluation
from sounding.engine.report import asff, csv_report, html, json_report, junit, markdown, ocsf, sarif, table_report

Renderer = Callable[[Evaluation], str]

FORMATS: dict[str, Renderer] = {
    "table": table_report.render,
    "json": json_report.render,
    "csv": csv_report.render,
    "markdown": markdown.render,
    "html": html.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "ocsf": ocsf.render,
    "asff": asff.render,
}
