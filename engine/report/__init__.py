"""Report formats: one module each, writing an Evaluation to a text stream as its findings stream by."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from sounding.engine.evaluate import Evaluation
from sounding.engine.report import asff, csv_report, html, json_report, junit, markdown, ocsf, sarif, table_report

Renderer = Callable[[Evaluation], str]
Writer = Callable[[Evaluation, TextIO], None]

_MODULES = {"table": table_report, "json": json_report, "csv": csv_report, "markdown": markdown, "html": html,
            "sarif": sarif, "junit": junit, "ocsf": ocsf, "asff": asff}

FORMATS: dict[str, Renderer] = {name: module.render for name, module in _MODULES.items()}


def _via_render(render: Renderer) -> Writer:
    """A writer for a format that only renders to a string (yet)."""
    def write(evaluation: Evaluation, out: TextIO) -> None:
        out.write(render(evaluation))
    return write


WRITERS: dict[str, Writer] = {name: getattr(module, "write", None) or _via_render(module.render)
                              for name, module in _MODULES.items()}


def write_report(evaluation: Evaluation, output_format: str, out: TextIO) -> None:
    """Write one format of the report to out."""
    WRITERS[output_format](evaluation, out)
