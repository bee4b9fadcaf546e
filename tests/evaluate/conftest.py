"""Fixtures for the evaluation tests: a small index of one real plan, built without a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalhelpers import HashEmbedder, gold_lines, small_corpus, write_gold


@pytest.fixture(scope="session")
def small_index(tmp_path_factory) -> Path:
    """An index of the 江门 实施方案 built with the hash embedder (BM25 is real; no model loaded)."""
    from planqa.index.build import build_index

    base = tmp_path_factory.mktemp("small")
    build_index(small_corpus(base / "corpus"), base / "index", embedder=HashEmbedder())
    return base / "index"


@pytest.fixture
def tiny_gold(tmp_path) -> Path:
    """Two factual, one paraphrase, one broad and one unanswerable question on the small index."""
    lines = gold_lines()
    picked = [r for r in lines if r["type"] == "factual"][:2] + [r for r in lines if r["type"] == "paraphrase"][:1]
    picked += [r for r in lines if r["type"] == "broad"][:1] + [r for r in lines if r["type"] == "unanswerable"][:1]
    return write_gold(tmp_path / "gold.jsonl", picked)
