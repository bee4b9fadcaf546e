"""Shared fixtures: the real corpus, loaded once per test session, and a real two-plan index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpushelpers import copy_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def two_plan_index(tmp_path_factory) -> Path:
    """Index (default model, real embeddings) of 台山十四五 and 江门百千万, built once per session;
    the repository's embedding cache, if there is one, is copied in for speed. Read-only: a test
    that changes an index copies this one first."""
    from planqa.index.build import build_index

    base = tmp_path_factory.mktemp("two_plans")
    corpus = copy_corpus(base / "corpus")
    index_dir = base / "index"
    cache = ROOT / "index" / "cache"
    if cache.is_dir():
        shutil.copytree(cache, index_dir / "cache")
    build_index(corpus, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def corpus_docs():
    """The five real documents, cleaned and structured, by doc_id."""
    from planqa.ingest import load_corpus

    loaded = load_corpus(CORPUS)
    assert not loaded.errors, loaded.errors
    return {d.doc_id: d for d in loaded.documents}


@pytest.fixture(scope="session")
def corpus_chunks(corpus_docs):
    """Chunks of the real corpus with the default (model-free) token estimate."""
    from planqa.chunk import Chunker

    chunker = Chunker()
    return {doc_id: chunker.chunk(doc) for doc_id, doc in corpus_docs.items()}
