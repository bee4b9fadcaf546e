"""Shared fixtures: the real corpus, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


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
