"""The answer tests use the session's real two-plan index (台山十四五, 江门百千万; tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def small_index(two_plan_index) -> Path:
    return two_plan_index


@pytest.fixture(scope="session")
def answerer(small_index):
    from planqa.answer import Answerer

    return Answerer.load(small_index)
