"""A deterministic, model-free embedder for fault and load tests that do not measure retrieval quality.

Character bigrams hashed into 64 dimensions: instant, no model file, same vectors in every
process. Used where an index must be built or rebuilt many times (kill points, snapshot swaps,
disk errors) or where the concurrency of search/answer code is tested rather than the model.
"""

from __future__ import annotations

import hashlib

import numpy as np

from planqa.chunk import estimate_tokens
from planqa.embed.base import Embedder


class HashEmbedder(Embedder):
    """Stand-in for a model: character-bigram hashing into ``dimension`` dimensions."""

    name = "test/hash-bigrams"
    dimension = 64
    max_tokens = 512

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for a, b in zip(text, text[1:]):
                out[row, hashlib.md5((a + b).encode()).digest()[0] % self.dimension] += 1.0
        return out + 1e-3

    def count_tokens(self, text: str, is_query: bool = False) -> int:
        return estimate_tokens(text)
