"""FAISS vector store: exact inner product for small corpora, HNSW above a size threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from planqa.errors import MissingDependencyError
from planqa.index.base import VectorStore

FILE_NAME = "vectors.faiss"
HNSW_FROM = 50_000  # rows; below it exact search is fast enough and exact
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128


def _faiss():
    try:
        import faiss
    except ImportError as exc:
        raise MissingDependencyError("faiss-cpu", "Vector search") from exc
    return faiss


def choose_kind(rows: int, override: str | None = None) -> str:
    """"flat" (exact) below ``HNSW_FROM`` rows, "hnsw" from there on; ``override`` wins."""
    if override:
        if override not in ("flat", "hnsw"):
            raise ValueError(f"unknown vector index type {override!r} (choose flat or hnsw)")
        return override
    return "hnsw" if rows >= HNSW_FROM else "flat"


class FaissStore(VectorStore):
    """A FAISS index over row-numbered, L2-normalised vectors."""

    def __init__(self, index: Any, kind: str):
        self.index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str | None = None) -> FaissStore:
        faiss = _faiss()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = vectors.shape[1]
        kind = choose_kind(len(vectors), kind)
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            index.add(vectors)
        return cls(index, kind)

    @classmethod
    def load(cls, folder: Path, kind: str, mmap: bool = True) -> FaissStore:
        faiss = _faiss()
        path = str(folder / FILE_NAME)
        flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
        try:
            index = faiss.read_index(path, flags)
        except RuntimeError:  # not every index type can be memory-mapped
            index = faiss.read_index(path)
        return cls(index, kind)

    def save(self, folder: Path) -> None:
        _faiss().write_index(self.index, str(folder / FILE_NAME))

    def vectors(self) -> np.ndarray:
        """All stored vectors in row order (exact for flat and HNSW-flat indexes)."""
        if self.size == 0:
            return np.zeros((0, self.dimension), np.float32)
        return np.asarray(self.index.reconstruct_n(0, self.size), dtype=np.float32)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    @property
    def params(self) -> dict[str, Any]:
        if self.kind == "hnsw":
            return {"type": "hnsw", "M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION, "efSearch": HNSW_EF_SEARCH}
        return {"type": "flat", "metric": "inner_product"}

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        faiss = _faiss()
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = max(1, min(k, self.size)) if self.size else 1
        if self.size == 0:
            return np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
        if allowed is None:
            return self.index.search(queries, k)
        ids = np.flatnonzero(allowed).astype(np.int64)
        if len(ids) == 0:
            return np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
        selector = faiss.IDSelectorBatch(ids)
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k))
        else:
            params = faiss.SearchParameters(sel=selector)
        return self.index.search(queries, k, params=params)
