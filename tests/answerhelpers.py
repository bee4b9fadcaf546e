"""Shared checks of answers for the answer tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planqa.evaluate.answers import citation_support


def inline_answerer(base: Path, files: dict[str, str]) -> Any:
    """An Answerer over an index (real embedder) of ``files`` (name -> text) built in ``base``."""
    from planqa.answer import Answerer
    from planqa.index.build import build_index

    corpus = base / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build_index(corpus, base / "index")
    return Answerer.load(base / "index")


def fully_supported(answerer: Any, result: dict[str, Any]) -> bool:
    """Every sentence of ``result``'s answer is a quote its citations support."""
    texts = {d: doc.text for d, doc in answerer.documents.items()}
    supported, total = citation_support(result, texts)
    return supported == total
