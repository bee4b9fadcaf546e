"""On-disk embedding cache: (model name [+ engine], sha256 of the exact text embedded) -> float32 vector.

One SQLite file (``embeddings.sqlite3`` in the given directory), WAL journal,
vectors stored as little-endian float32 BLOBs. No pickle.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from planqa.embed.base import DEFAULT_BATCH_SIZE, Embedder

log = logging.getLogger(__name__)

CACHE_FILENAME = "embeddings.sqlite3"
_SQL_CHUNK = 500  # keys per SELECT ... IN (...), well under SQLite's variable limit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model  TEXT    NOT NULL,
    key    TEXT    NOT NULL,
    dim    INTEGER NOT NULL,
    vector BLOB    NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID
"""


def text_key(text: str) -> str:
    """sha256 hex digest of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_name(embedder: Embedder) -> str:
    """Model key of an embedder's vectors: its ``cache_name`` (engine-specific), else its name."""
    return getattr(embedder, "cache_name", None) or embedder.name


def passage_key(embedder: Embedder, text: str) -> str:
    """Cache key of a passage: hash of the exact string the model sees (prefix included)."""
    return text_key(embedder.passage_text(text))


class EmbeddingCache:
    """Vectors by (model, key) in ``directory/embeddings.sqlite3``; safe to share between threads."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / CACHE_FILENAME
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get_many(self, model: str, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """Cached vectors for the keys that are present (missing keys are left out)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(wanted), _SQL_CHUNK):
                chunk = wanted[start:start + _SQL_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, dim, vector FROM embeddings WHERE model = ? AND key IN ({marks})",
                    [model, *chunk])
                for key, dim, blob in rows:
                    vector = np.frombuffer(blob, dtype="<f4")
                    if vector.size == dim:
                        found[key] = vector.astype(np.float32)
        return found

    def put_many(self, model: str, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Store (or replace) one vector per key, in one transaction."""
        vectors = np.asarray(vectors, dtype="<f4")
        if vectors.ndim != 2 or vectors.shape[0] != len(keys):
            raise ValueError(f"expected {len(keys)} vectors as a 2-d array, got shape {vectors.shape}")
        dim = int(vectors.shape[1])
        rows = [(model, key, dim, vectors[i].tobytes()) for i, key in enumerate(keys)]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO embeddings (model, key, dim, vector) VALUES (?, ?, ?, ?)", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def count(self, model: str | None = None) -> int:
        """Number of cached vectors, for one model or all."""
        with self._lock:
            if model is None:
                return self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
            return self._db.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", (model,)).fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def encode_passages_cached(embedder: Embedder, texts: Sequence[str], cache: EmbeddingCache | None,
                           show_progress: bool = False,
                           batch_size: int = DEFAULT_BATCH_SIZE,
                           progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, int]:
    """Embed passages, reusing cached vectors; returns (vectors in input order, number computed).

    Only texts whose key is missing from the cache (or stored with another
    dimension) are embedded; duplicates within ``texts`` are embedded once.
    ``progress(done, total)`` is called after each batch of passages to embed (for a UI).
    """
    texts = list(texts)
    if cache is None:
        vectors = embedder.encode_passages(texts, batch_size=batch_size, show_progress=show_progress)
        return vectors, len(texts)
    keys = [passage_key(embedder, t) for t in texts]
    model = cache_name(embedder)
    cached = {k: v for k, v in cache.get_many(model, keys).items() if v.shape == (embedder.dimension,)}
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts):
        if key not in cached and key not in missing:
            missing[key] = text
    if missing:
        new_keys = list(missing)
        step = len(new_keys) if progress is None else batch_size
        for begin in range(0, len(new_keys), step):
            part = new_keys[begin:begin + step]
            computed = embedder.encode_passages([missing[k] for k in part], batch_size=batch_size,
                                                show_progress=show_progress)
            cache.put_many(model, part, computed)
            cached.update(zip(part, computed))
            if progress is not None:
                progress(begin + len(part), len(new_keys))
    log.info("%s: %d passages, %d from cache, %d embedded", model, len(texts),
             len(texts) - sum(1 for k in keys if k in missing), len(missing))
    out = np.empty((len(texts), embedder.dimension), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = cached[key]
    return out, len(missing)
