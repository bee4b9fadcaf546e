"""Search over a loaded index: BM25, dense and hybrid retrievers behind one call.

Hybrid = weighted fusion of the dense, BM25 and best-sentence rankings (the last when the index
has sentence vectors, planqa/index/sentences.py), then a boost for chunks of
documents whose region/period the query names and one for chunks whose section headings
hold the query's words, then optional grouping by document with a
per-document quota (so one long plan cannot crowd out the others in precedent search).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from planqa.errors import PlanqaError
from planqa.index import Index
from planqa.records import Chunk
from planqa.retrieve.heading import HeadingMatcher
from planqa.retrieve.fusion import reciprocal_rank_fusion, weighted_sum_fusion
from planqa.retrieve.query import QueryInfo, RegionTable, analyze_query
from planqa.retrieve.validate import validate_query

log = logging.getLogger(__name__)
RETRIEVERS = ("bm25", "dense", "hybrid")
MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class SearchSettings:
    """Knobs of the default retrieval, chosen by measurement on the gold set (eval/reports/)."""

    candidates: int = 50  # per retriever, before fusion
    fusion: str = "weighted"  # "weighted" (min-max normalised weighted sum) or "rrf"
    rrf_k: int = 60
    dense_weight: float = 0.5
    bm25_weight: float = 1.0
    metadata_boost: float = 1.0  # × the best fused score, for chunks of documents the query names
    dense_on_content: bool = True  # embed the query without the words that only name the document
    heading_weight: float = 0.15  # × the best score × share of the query's words in the section headings
    sentence_share: float = 0.5  # of dense_weight given to each chunk's best sentence (when the index has them)


@dataclass
class Hit:
    """One search result; ``text == document.text[start:end]``."""

    rank: int
    score: float
    doc_id: str
    title: str
    section: str
    text: str
    start: int
    end: int
    chunk_id: str
    region: str | None = None
    period: str | None = None
    section_path: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["score"] = round(float(self.score), 6)
        return data


class Searcher:
    """Holds an index and (lazily) its embedding model; safe to share between threads."""

    def __init__(self, index: Index, embedder: Any = None, settings: SearchSettings | None = None):
        self.index = index
        self._embedder = embedder
        self._lock = threading.Lock()
        self.settings = settings or SearchSettings()
        if embedder is not None:
            index.check_embedder(embedder)

    @classmethod
    def load(cls, index_dir: Path | str, model: str | None = None, settings: SearchSettings | None = None) -> Searcher:
        index = Index.load(index_dir)
        embedder = None
        if model is not None:
            from planqa.embed import load_embedder

            embedder = load_embedder(model)
        return cls(index, embedder, settings)

    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from planqa.embed import load_embedder

                self._embedder = load_embedder(self.index.model_name)
                self.index.check_embedder(self._embedder)
            return self._embedder

    def wrap_embedder(self, wrap: Any) -> Any:
        """Replace the model by ``wrap(model)`` (e.g. a memo that lets the answerer reuse the query
        vector of the search); returns the wrapper."""
        with self._lock:
            current = self._embedder
        wrapped = wrap(current if current is not None else self.embedder)
        with self._lock:
            self._embedder = wrapped
        return wrapped

    # ------------------------------------------------------------------ rankings

    def dense_ranking(self, query: str, n: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        return self.vector_ranking(self.embedder.encode_queries([query]), n, allowed)

    def vector_ranking(self, vector: np.ndarray, n: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        """Chunk rows by the similarity of their vectors to the query ``vector`` (1, d)."""
        scores, ids = self.index.vectors.search(vector, n, allowed)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def bm25_ranking(self, keywords: str, n: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        return self.index.bm25.search(keywords, n, allowed)

    def rank(self, info: QueryInfo, retriever: str, n: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        """(row, score) best first for one retriever."""
        if retriever == "bm25":
            return self._boost(info, self.bm25_ranking(info.keywords, n, allowed))
        dense_query = info.content if self.settings.dense_on_content else info.text
        if retriever == "dense":
            return self._boost(info, self.dense_ranking(dense_query, n, allowed))
        if retriever != "hybrid":
            raise PlanqaError(f"unknown retriever {retriever!r} (choose from {', '.join(RETRIEVERS)})")
        s = self.settings
        # BM25 runs in a worker thread while the query is embedded (the model's C code releases
        # the GIL): at a million chunks BM25 costs as much as the rest of the search together.
        pending = _background().submit(self.bm25_ranking, info.keywords, n, allowed)
        try:
            vector = self.embedder.encode_queries([dense_query])
            dense = self.vector_ranking(vector, n, allowed)
        finally:
            bm25 = pending.result()
        rankings, weights = [dense, bm25], [s.dense_weight, s.bm25_weight]
        sentences = self.index.sentences if s.sentence_share > 0 else None
        if sentences is not None:  # each chunk's best sentence: see planqa/index/sentences.py
            rankings.append(sentences.chunk_ranking(vector, n, allowed))
            weights = [s.dense_weight * (1 - s.sentence_share), s.bm25_weight, s.dense_weight * s.sentence_share]
        if s.fusion == "weighted":
            fused = weighted_sum_fusion(rankings, weights)
        else:
            fused = reciprocal_rank_fusion([[r for r, _ in ranking] for ranking in rankings], k=s.rrf_k,
                                           weights=weights)
        return self._heading_boost(info, self._boost(info, [(int(r), score) for r, score in fused]))

    def _boost(self, info: QueryInfo, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Lift chunks of documents that fit the region/period the query names."""
        if not ranked or not (info.regions or info.periods) or self.settings.metadata_boost <= 0:
            return ranked
        bonus = self.settings.metadata_boost * ranked[0][1]
        index, chunks = self.index, self.index.chunks

        def fits(row: int) -> bool:
            document = index.info(chunks.doc_id_of(row))
            # the passage's own words matter only when it may name the region (see QueryInfo.matches)
            return info.matches(document) or (bool(info.mentions) and info.matches(document, chunks[row].text))

        boosted = [(row, score + (bonus if fits(row) else 0.0)) for row, score in ranked]
        return sorted(boosted, key=lambda pair: -pair[1])

    @cached_property
    def regions(self) -> RegionTable:
        """The region aliases of the index's documents, for query analysis."""
        return RegionTable(self.index.documents.infos())

    @cached_property
    def headings(self) -> HeadingMatcher:
        chunks = self.index.chunks
        return HeadingMatcher(chunks.section_paths, self.index.tokenizer.tokenize, chunks.section_codes)

    def _heading_boost(self, info: QueryInfo, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Lift passages whose section headings hold the query's words (see retrieve/heading.py)."""
        weight = self.settings.heading_weight
        if not ranked or weight <= 0:
            return ranked
        bonus = weight * ranked[0][1]
        scores = self.headings.scores(info.keywords, [row for row, _ in ranked])
        return sorted(((row, score + bonus * scores[row]) for row, score in ranked), key=lambda pair: -pair[1])

    # ------------------------------------------------------------------ search

    def search(
        self,
        query: str,
        k: int = 10,
        retriever: str = "hybrid",
        regions: list[str] | None = None,
        periods: list[str] | None = None,
        doc_ids: list[str] | None = None,
        group_by_doc: bool = False,
        per_doc: int | None = None,
    ) -> list[Hit]:
        """Top ``k`` hits for ``query``; filters restrict to matching documents.

        ``group_by_doc`` orders hits by document, best document first, with at most ``per_doc``
        hits of each (default ``DEFAULT_GROUP_QUOTA``, so that several plans show; 0: no limit)."""
        query = validate_query(query)
        if group_by_doc and per_doc is None:
            per_doc = DEFAULT_GROUP_QUOTA
        if k < 1:
            raise PlanqaError("k must be at least 1")
        if doc_ids:
            unknown = [d for d in doc_ids if d not in self.index.documents]
            if unknown:
                raise PlanqaError(f"unknown doc_id {', '.join(unknown)}; known: {', '.join(sorted(self.index.documents))}")
        info = analyze_query(query, self.regions)
        allowed = self.index.mask(regions, periods, doc_ids)
        if allowed is not None and not allowed.any():
            return []
        n = max(self.settings.candidates, k * (3 if (group_by_doc or per_doc) else 1))
        ranked = self.rank(info, retriever, n, allowed)
        if per_doc:
            ranked = apply_quota(ranked, self.index.chunks, per_doc)
        if group_by_doc:
            ranked = group_by_document(ranked, self.index.chunks)
        return [self._hit(rank, row, score) for rank, (row, score) in enumerate(ranked[:k], start=1)]

    def _hit(self, rank: int, row: int, score: float) -> Hit:
        chunk: Chunk = self.index.chunks[row]
        document = self.index.info(chunk.doc_id)
        return Hit(rank, score, chunk.doc_id, document.title, " > ".join(chunk.section_path), chunk.text,
                   chunk.start, chunk.end, chunk.id, document.region, document.period, list(chunk.section_path))


DEFAULT_GROUP_QUOTA = 3  # hits per plan in a grouped search unless asked otherwise

_EXECUTOR: ThreadPoolExecutor | None = None
_EXECUTOR_LOCK = threading.Lock()


def _background() -> ThreadPoolExecutor:
    """One small pool per process for the BM25 side of hybrid searches."""
    global _EXECUTOR
    with _EXECUTOR_LOCK:
        if _EXECUTOR is None:
            _EXECUTOR = ThreadPoolExecutor(max_workers=4, thread_name_prefix="planqa-bm25")
        return _EXECUTOR


def apply_quota(ranked: list[tuple[int, float]], chunks: list[Chunk], per_doc: int) -> list[tuple[int, float]]:
    """Keep at most ``per_doc`` hits of each document, order unchanged."""
    counts: dict[str, int] = {}
    kept = []
    for row, score in ranked:
        doc_id = chunks[row].doc_id
        if counts.get(doc_id, 0) < per_doc:
            counts[doc_id] = counts.get(doc_id, 0) + 1
            kept.append((row, score))
    return kept


def group_by_document(ranked: list[tuple[int, float]], chunks: list[Chunk]) -> list[tuple[int, float]]:
    """Documents in the order of their best hit; each document's hits together, best first."""
    order: list[str] = []
    groups: dict[str, list[tuple[int, float]]] = {}
    for row, score in ranked:
        doc_id = chunks[row].doc_id
        if doc_id not in groups:
            order.append(doc_id)
            groups[doc_id] = []
        groups[doc_id].append((row, score))
    return [pair for doc_id in order for pair in groups[doc_id]]
