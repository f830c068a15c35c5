"""A findings container that can only be iterated, as the spooled stream of snapshot v2 is."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding


class IterableOnly:
    """Re-iterable findings without len(), indexing or slicing: a renderer that needs more fails."""

    def __init__(self, findings: list[Finding]) -> None:
        self._findings = list(findings)
        self.iterations = 0

    def __iter__(self) -> Iterator[Finding]:
        self.iterations += 1
        return iter(self._findings)


def streamed(evaluation: Evaluation) -> Evaluation:
    """A copy of the evaluation whose findings can only be iterated."""
    return dataclasses.replace(evaluation, findings=IterableOnly(evaluation.findings))  # type: ignore[arg-type]
