"""Vectors the answerer needs besides the index: the question's (embedded once, shared with the
search) and the candidate sentences' (embedded on first use, then cached).

Sentence vectors go to the index's embedding cache (``<index>/cache/embeddings.sqlite3``, keyed
by model and exact text, like the chunk vectors), so a sentence is embedded once per machine;
an unwritable cache only costs speed.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Sequence

import numpy as np

log = logging.getLogger(__name__)


class QueryMemo:
    """An embedder wrapper that remembers recent single-query vectors.

    The answerer computes sentence similarities with the vector the search already made (of
    whatever text the searcher chose to embed, see ``last``), so a question is embedded once per
    ``ask``. Everything else is passed through.
    """

    def __init__(self, inner: Any, size: int = 64):
        self.inner = inner
        self._size = size
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()

    def last(self) -> np.ndarray | None:
        """The vector of the last single query embedded in this thread, then forgotten."""
        vector = getattr(self._local, "last", None)
        self._local.last = None
        return vector

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def encode_queries(self, texts: Sequence[str], *args: Any, **kwargs: Any) -> np.ndarray:
        texts = list(texts)
        if len(texts) != 1:
            return self.inner.encode_queries(texts, *args, **kwargs)
        with self._lock:
            vector = self._memo.get(texts[0])
            if vector is not None:
                self._memo.move_to_end(texts[0])
        if vector is None:
            vector = self.inner.encode_queries(texts, *args, **kwargs)
            with self._lock:
                self._memo[texts[0]] = vector
                while len(self._memo) > self._size:
                    self._memo.popitem(last=False)
        self._local.last = vector[0]
        return vector.copy()


    def clear(self) -> None:
        """Forget the remembered vectors (for timing)."""
        with self._lock:
            self._memo.clear()


def memoize_queries(searcher: Any) -> QueryMemo:
    """Make ``searcher`` embed through a ``QueryMemo`` (idempotent); returns the wrapper."""
    embedder = searcher.embedder
    if isinstance(embedder, QueryMemo):
        return embedder
    return searcher.wrap_embedder(QueryMemo)


class SentenceVectors:
    """Passage vectors of candidate texts: memory first, then the on-disk cache, then the model."""

    def __init__(self, embedder: Any, cache_dir: Path | None = None):
        self.embedder = embedder
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._cache = None
        if cache_dir is not None:
            try:
                from planqa.embed import EmbeddingCache

                self._cache = EmbeddingCache(cache_dir)
            except (OSError, sqlite3.Error) as exc:
                log.warning("sentence vectors will not be cached (%s): %s", cache_dir, exc)

    def get(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) unit vectors; missing ones are embedded in one batch."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._memory]
        if missing:
            vectors = self._embed(missing)
            with self._lock:
                self._memory.update(zip(missing, vectors))
        with self._lock:
            if not texts:
                return np.zeros((0, self.embedder.dimension), np.float32)
            return np.stack([self._memory[t] for t in texts])

    def _embed(self, texts: list[str]) -> np.ndarray:
        from planqa.embed import encode_passages_cached

        if self._cache is not None:
            try:
                vectors, computed = encode_passages_cached(self.embedder, texts, self._cache)
                log.debug("sentence vectors: %d needed, %d embedded", len(texts), computed)
                return vectors
            except sqlite3.Error as exc:
                log.warning("embedding cache unusable, not caching sentence vectors: %s", exc)
                self._cache = None
        return self.embedder.encode_passages(texts)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
