"""Fixtures of the report tests: the fixed evaluation every format renders."""

from __future__ import annotations

import pytest
from sounding.engine.evaluate import Evaluation

from tests.engine.report.report_fixture import build_evaluation


@pytest.fixture(scope="session")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    """The report tests' evaluation, built once."""
    return build_evaluation(tmp_path_factory.mktemp("report"))
