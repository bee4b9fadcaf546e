"""FAISS vector store: exact search for small corpora, a compressed IVF index for large ones.

Kinds (``FaissStore.build(vectors, kind)``; ``kind=None`` chooses by size, see ``choose_kind``):

* ``flat``: exact inner product (``IndexFlatIP``), 4 bytes per dimension;
* ``ivf-fp16``: inverted file over k-means cells, vectors stored as float16 (2 bytes per
  dimension, inner products exact to ~1e-4), ``nprobe`` cells searched per query;
* ``ivf-sq8``: the same with 8-bit scalar quantisation of the residuals (1 byte per
  dimension): half the memory of ``ivf-fp16``, but its rounding reorders near-ties, so
  recall@10 against exact search levels off near 0.975 at a million e5 vectors whatever
  ``nprobe``. For corpora whose float16 codes would not fit in memory;
* ``hnsw``: HNSW graph over full vectors; fast queries but slow to build on two cores
  (~90 s per 100k vectors, efConstruction 200), more memory than ``flat`` and lower recall
  than ``ivf-fp16`` at 100k (0.967). Only on request.

The automatic choice and the IVF parameters come from ``bench/scale/`` (report in
``bench/reports/scale.md``): exact ``flat`` below ``IVF_FROM`` rows, ``ivf-fp16`` from there,
with ``nlist ≈ 2·√rows`` (a power of two; 2048 at a million rows: k-means over more cells
costs minutes more to train on two cores for no gain in recall per vector scanned) and
``nprobe = nlist / 32`` (at least 32): recall@10 against exact search 0.99 at 100k and 1M
chunks in ``bench/reports/scale.md`` (nprobe = nlist / 64 gave 0.92-0.98).

Every parameter that search needs is stored in the index file itself, so ``load`` needs
only the kind; ``params`` (→ the manifest's ``vectors`` entry) reads them back from the
index. Files are memory-mapped on load where FAISS can (flat and IVF codes).

A filter mask (``allowed``) that keeps few rows is answered exactly over those rows
(``EXACT_FILTER_ROWS``); a larger one goes through the index with a bitmap selector and,
for IVF, proportionally more cells probed, so a filtered search finds as many hits as an
unfiltered one.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import numpy as np

from planqa.errors import MissingDependencyError
from planqa.index.base import VectorStore

log = logging.getLogger(__name__)

FILE_NAME = "vectors.faiss"
KINDS = ("flat", "ivf-fp16", "ivf-sq8", "hnsw")
IVF_KINDS = ("ivf-fp16", "ivf-sq8")
IVF_FROM = 20_000  # rows; exact search took 14 ms a query at 10k rows and 42 ms at 100k here
IVF_MIN_LISTS = 64
IVF_MAX_LISTS = 65_536
IVF_LISTS_PER_SQRT = 2  # nlist ≈ 2·√rows
IVF_PROBE_DIVISOR = 32  # nprobe = nlist / 32
IVF_MIN_PROBE = 32
IVF_TRAIN_PER_LIST = 64  # k-means training sample: 64 rows per cell (FAISS warns below 39)
IVF_TRAIN_ITERATIONS = 10
EXACT_FILTER_ROWS = 20_000  # a filter keeping at most this many rows is searched exactly
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128
_SQ_TYPES = {"ivf-fp16": "QT_fp16", "ivf-sq8": "QT_8bit"}


def _faiss():
    try:
        import faiss
    except ImportError as exc:
        raise MissingDependencyError("faiss-cpu", "Vector search") from exc
    return faiss


def choose_kind(rows: int, override: str | None = None) -> str:
    """``flat`` below ``IVF_FROM`` rows, ``ivf-fp16`` from there on; ``override`` (one of ``KINDS``) wins."""
    if override:
        if override not in KINDS:
            raise ValueError(f"unknown vector index type {override!r} (choose {', '.join(KINDS)})")
        return override
    return "ivf-fp16" if rows >= IVF_FROM else "flat"


def ivf_lists(rows: int) -> int:
    """Number of IVF cells for ``rows`` vectors: the power of two nearest 2·√rows, within bounds."""
    target = IVF_LISTS_PER_SQRT * math.sqrt(max(rows, 1))
    lists = 2 ** round(math.log2(target))
    return int(min(IVF_MAX_LISTS, max(IVF_MIN_LISTS, lists, 1)))


def ivf_probes(lists: int) -> int:
    """Cells searched per query for an index of ``lists`` cells."""
    return int(min(lists, max(IVF_MIN_PROBE, lists // IVF_PROBE_DIVISOR)))


def _build_ivf(vectors: np.ndarray, kind: str, lists: int | None = None, probes: int | None = None) -> Any:
    faiss = _faiss()
    rows, dimension = vectors.shape
    lists = lists or ivf_lists(rows)
    lists = max(1, min(lists, rows))  # k-means needs at least one row per cell
    quantizer = faiss.IndexFlatIP(dimension)
    qtype = getattr(faiss.ScalarQuantizer, _SQ_TYPES[kind])
    # float16 is precise enough on its own; 8-bit codes are far better on residuals to the cell centre
    index = faiss.IndexIVFScalarQuantizer(quantizer, dimension, lists, qtype, faiss.METRIC_INNER_PRODUCT,
                                          kind == "ivf-sq8")
    index.cp.niter = IVF_TRAIN_ITERATIONS
    index.cp.seed = 1234
    sample = min(rows, lists * IVF_TRAIN_PER_LIST)
    train = vectors if sample >= rows else vectors[np.sort(np.random.default_rng(0).choice(rows, sample, replace=False))]
    log.info("training %s: %d cells on %d of %d vectors", kind, lists, len(train), rows)
    index.train(np.ascontiguousarray(train))
    index.add(vectors)
    index.make_direct_map()  # row → code, for exact search over a filter's rows and vectors()
    index.nprobe = probes or ivf_probes(lists)
    return index


class FaissStore(VectorStore):
    """A FAISS index over row-numbered, L2-normalised vectors."""

    def __init__(self, index: Any, kind: str, chosen_by: str | None = None):
        self.index = index
        self.kind = kind
        self.chosen_by = chosen_by  # "size" or "override" when built here; None when loaded

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str | None = None, **options: int) -> FaissStore:
        """Index ``vectors`` (rows = chunk rows); ``kind=None`` chooses by size.

        ``options`` (``nlist``, ``nprobe`` for IVF; ``efSearch`` for HNSW) override the defaults.
        """
        faiss = _faiss()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be a matrix, got shape {vectors.shape}")
        dimension = vectors.shape[1]
        chosen = choose_kind(len(vectors), kind)
        if chosen in IVF_KINDS and len(vectors) == 0:
            chosen = "flat"  # nothing to train an IVF index on
        if chosen in IVF_KINDS:
            index = _build_ivf(vectors, chosen, options.get("nlist"), options.get("nprobe"))
        elif chosen == "hnsw":
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = options.get("efSearch", HNSW_EF_SEARCH)
            if len(vectors):
                index.add(vectors)
        else:
            index = faiss.IndexFlatIP(dimension)
            if len(vectors):
                index.add(vectors)
        store = cls(index, chosen, "override" if kind else "size")
        log.info("vector index: %s", store.params)
        return store

    @classmethod
    def load(cls, folder: Path, kind: str, mmap: bool = True) -> FaissStore:
        """Read ``vectors.faiss``; with ``mmap`` the codes stay in the file (paged in as searched)."""
        faiss = _faiss()
        path = str(Path(folder) / FILE_NAME)
        if mmap:
            try:
                return cls(faiss.read_index(path, faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY), kind)
            except RuntimeError:  # an index type FAISS cannot map: read it whole
                log.debug("cannot memory-map %s; reading it", path, exc_info=True)
        return cls(faiss.read_index(path), kind)

    def save(self, folder: Path) -> None:
        _faiss().write_index(self.index, str(Path(folder) / FILE_NAME))

    def vectors(self) -> np.ndarray:
        """All stored vectors in row order (exact for flat and HNSW, float16-rounded for ivf-fp16,
        8-bit-rounded for ivf-sq8)."""
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
        """Type and search parameters, read from the index (the manifest's ``vectors`` entry)."""
        if self.kind in IVF_KINDS:
            params = {"type": self.kind, "metric": "inner_product", "nlist": int(self.index.nlist),
                      "nprobe": int(self.index.nprobe), "codec": _SQ_TYPES[self.kind][3:],
                      "by_residual": bool(self.index.by_residual)}
        elif self.kind == "hnsw":
            params = {"type": "hnsw", "metric": "inner_product", "M": HNSW_M,
                      "efConstruction": int(self.index.hnsw.efConstruction), "efSearch": int(self.index.hnsw.efSearch)}
        else:
            params = {"type": "flat", "metric": "inner_product"}
        if self.chosen_by:
            params["chosen_by"] = self.chosen_by
        return params

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        faiss = _faiss()
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = max(1, min(k, self.size)) if self.size else 1
        if self.size == 0:
            return _empty(len(queries), k)
        if allowed is None:
            return self.index.search(queries, k)
        allowed = np.asarray(allowed, dtype=bool)
        if allowed.shape != (self.size,):
            raise ValueError(f"allowed must be a boolean mask of shape ({self.size},), got {allowed.shape}")
        kept = int(allowed.sum())
        if kept == 0:
            return _empty(len(queries), k)
        if self.kind != "flat" and kept <= EXACT_FILTER_ROWS:
            return self._search_rows(queries, k, np.flatnonzero(allowed))
        bitmap = np.packbits(allowed, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(int(self.index.hnsw.efSearch), k))
        elif self.kind in IVF_KINDS:
            probes = min(int(self.index.nlist), math.ceil(self.index.nprobe * self.size / kept))
            params = faiss.SearchParametersIVF(sel=selector, nprobe=probes)
        else:
            params = faiss.SearchParameters(sel=selector)
        scores, ids = self.index.search(queries, k, params=params)
        del bitmap  # referenced by the selector until here
        return scores, ids

    def _search_rows(self, queries: np.ndarray, k: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact top ``k`` among ``rows`` (their stored vectors), padded with -1."""
        vectors = np.asarray(self.index.reconstruct_batch(rows.astype(np.int64)), dtype=np.float32)
        sims = queries @ vectors.T
        take = min(k, len(rows))
        top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        scores, ids = _empty(len(queries), k)
        scores[:, :take] = np.take_along_axis(top_sims, order, axis=1)
        ids[:, :take] = rows[np.take_along_axis(top, order, axis=1)]
        return scores, ids


def _empty(queries: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((queries, k), -np.inf, np.float32), np.full((queries, k), -1, np.int64)
