"""Sentence vectors: a second dense signal, the best-matching sentence inside each chunk.

A chunk vector averages a whole passage (up to 256 tokens); a question usually matches one
sentence or one table row of it. The answerer embeds every sentence and indicator row anyway
(its answer candidates, ``planqa.answer.candidates``), so the index keeps those vectors too and
search scores a chunk also by its best sentence. Measured on the gold set (eval/reports/,
2026-11-24): hybrid hit@5 0.977 → 0.983, hit@1 0.864 → 0.881, MRR@10 0.919 → 0.928, with no
extra embedding at build time (the vectors come from the same embedding cache).

Files in a snapshot: ``sentences/vectors.faiss`` (a FAISS store, kind chosen by size like the
chunk vectors) and ``sentences/rows.npy`` (int32, the chunk row of each sentence). A snapshot
without them (built with ``--no-answer-vectors``, or above ``AUTO_MAX_CHUNKS`` chunks unless asked
for) searches with the chunk vectors alone.
"""

from __future__ import annotations

import bisect
import logging
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from planqa.records import Chunk, Document

log = logging.getLogger(__name__)
FOLDER = "sentences"
# Above this many chunks the default build leaves sentence vectors out: they are ~3.7 per chunk
# (1,067 for the 291 chunks of the five plans), so a million-chunk index would hold ~3.7 million
# more vectors (~2.8 GB as fp16) and embedding them takes weeks on a CPU.
AUTO_MAX_CHUNKS = 100_000
ROWS_FILE = "rows.npy"


def sentence_units(documents: Sequence[Document], chunks: Sequence[Chunk]) -> tuple[list[str], np.ndarray]:
    """The texts the answerer embeds for every candidate sentence/row, and the chunk row each
    lies in (a chunk never cuts a sentence; candidates outside every chunk are left out)."""
    from planqa.answer.candidates import document_candidates

    spans: dict[str, tuple[list[int], list[tuple[int, int]]]] = {}
    for row, chunk in enumerate(chunks):
        starts, ends = spans.setdefault(chunk.doc_id, ([], []))
        starts.append(chunk.start)
        ends.append((chunk.end, row))
    texts: list[str] = []
    rows: list[int] = []
    for document in documents:
        starts, ends = spans.get(document.doc_id, ([], []))
        order = sorted(range(len(starts)), key=starts.__getitem__)
        sorted_starts = [starts[i] for i in order]
        for candidate in document_candidates(document):
            position = bisect.bisect_right(sorted_starts, candidate.start) - 1
            if position < 0:
                continue
            end, row = ends[order[position]]
            if candidate.start < end:
                texts.append(candidate.display())
                rows.append(row)
    return texts, np.asarray(rows, dtype=np.int32)


class SentenceIndex:
    """Sentence vectors with the chunk row of each; ranks chunks by their best sentence."""

    def __init__(self, store: Any, rows: np.ndarray):
        self.store = store
        self.rows = np.asarray(rows)

    @classmethod
    def build(cls, vectors: np.ndarray, rows: np.ndarray) -> SentenceIndex:
        from planqa.index.faiss import FaissStore

        return cls(FaissStore.build(np.ascontiguousarray(vectors, dtype=np.float32)), rows)

    def save(self, snapshot: Path) -> dict[str, Any]:
        folder = snapshot / FOLDER
        folder.mkdir(exist_ok=True)
        self.store.save(folder)
        np.save(folder / ROWS_FILE, np.asarray(self.rows, dtype=np.int32), allow_pickle=False)
        return {"count": int(len(self.rows)), **self.store.params}

    @classmethod
    def load(cls, snapshot: Path, params: dict[str, Any] | None) -> SentenceIndex | None:
        """The snapshot's sentence index, or None when it has none."""
        folder = snapshot / FOLDER
        if not params or not (folder / ROWS_FILE).exists():
            return None
        from planqa.index.faiss import FaissStore

        rows = np.load(folder / ROWS_FILE, mmap_mode="r", allow_pickle=False)
        return cls(FaissStore.load(folder, params["type"]), rows)

    def chunk_ranking(self, query_vector: np.ndarray, n: int, allowed: np.ndarray | None = None,
                      per_chunk: int = 4) -> list[tuple[int, float]]:
        """Top ``n`` chunk rows by their best sentence's similarity to ``query_vector`` (1, d);
        ``allowed`` is a mask over chunk rows."""
        if self.store.size == 0:
            return []
        sentence_mask = None if allowed is None else np.asarray(allowed)[self.rows]
        k = min(self.store.size, n * per_chunk)
        scores, ids = self.store.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), k, sentence_mask)
        best: dict[int, float] = {}
        for sentence, score in zip(ids[0].tolist(), scores[0].tolist()):
            if sentence < 0:
                continue
            row = int(self.rows[sentence])
            if row not in best:  # results come best first
                best[row] = float(score)
        return sorted(best.items(), key=lambda pair: -pair[1])[:n]
