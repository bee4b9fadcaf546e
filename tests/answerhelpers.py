"""Shared checks of answers for the answer tests."""

from __future__ import annotations

from typing import Any

from planqa.evaluate.answers import citation_support


def fully_supported(answerer: Any, result: dict[str, Any]) -> bool:
    """Every sentence of ``result``'s answer is a quote its citations support."""
    texts = {d: doc.text for d, doc in answerer.documents.items()}
    supported, total = citation_support(result, texts)
    return supported == total
