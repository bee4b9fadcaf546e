"""Shared fixtures: the real corpus, loaded once per test session, and a real two-plan index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TWO_PLANS = ("taishan-14fyp", "jiangmen-bqw-2023")


def copy_corpus(target: Path, doc_ids: tuple[str, ...] = TWO_PLANS) -> Path:
    """A corpus folder holding some of the real plans and their manifest entries."""
    target.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if d["doc_id"] in doc_ids]
    for entry in manifest["documents"]:
        shutil.copy(CORPUS / entry["file"], target / entry["file"])
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


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
