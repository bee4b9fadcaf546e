"""Assemble a loadable planqa index snapshot for one size of the generated corpus.

The snapshot has the layout ``planqa.index.store`` writes (CURRENT, manifest.json, docs/,
documents.json, chunks.jsonl with its row arrays, vectors.faiss, bm25/), so ``Index.load``
and ``Searcher`` use it unchanged and load it as fast as a snapshot ``planqa index`` built.
Large files are linked, not copied: documents and the vector and BM25 files from the work
folder. Written: ``documents.json`` (metadata of the prefix's documents, read one document at
a time), the first ``size`` lines of chunks.jsonl and their row arrays
(``planqa.index.catalog.write_chunk_store``, fed one chunk at a time).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.scale.corpus import prefix_doc_ids

SNAPSHOT = "v-scale"
_HEAVY = ("text", "sections", "tables", "indicators", "cleaning_report")  # not needed for the metadata


def _link(target: Path, link: Path) -> None:
    if link.is_symlink() or link.exists():
        link.unlink() if not link.is_dir() or link.is_symlink() else shutil.rmtree(link)
    link.symlink_to(target.resolve())


class ChunkLines:
    """The first ``size`` chunks of a corpus's chunks.jsonl, parsed one at a time when iterated
    (a million chunks are ~1 GB of text; they are never all in memory). Sized, so the writer can
    allocate its row arrays up front; counts each document's chunks in ``per_doc``."""

    def __init__(self, path: Path, size: int):
        self.path, self.size = path, size
        self.per_doc: dict[str, int] = {}

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[Any]:
        from planqa.records import Chunk

        rows, self.per_doc = 0, {}
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                if rows >= self.size:
                    break
                chunk = Chunk.from_dict(json.loads(line))
                self.per_doc[chunk.doc_id] = self.per_doc.get(chunk.doc_id, 0) + 1
                rows += 1
                yield chunk
        if rows != self.size:
            raise ValueError(f"{self.path} has {rows} chunks, fewer than {self.size}")


def _document_metadata(corpus: Path, doc_ids: list[str]) -> Iterator[Any]:
    """Each document as a ``Document`` without its text, outline or tables, one at a time."""
    from planqa.records import Document

    for doc_id in doc_ids:
        with open(corpus / "docs" / f"{doc_id}.json", encoding="utf-8") as handle:
            data = json.load(handle)
        for key in _HEAVY:
            data.pop(key, None)
        yield Document.from_dict({**data, "text": ""})


def assemble(index_dir: Path, corpus: Path, size: int, real_manifest: dict[str, Any], vectors_folder: Path,
             vector_params: dict[str, Any], bm25_folder: Path) -> Path:
    """Write ``index_dir`` (CURRENT + one snapshot) for the first ``size`` chunks; returns the snapshot."""
    from planqa.index.catalog import write_chunk_store, write_document_catalog

    snapshot = index_dir / SNAPSHOT
    if snapshot.exists():
        shutil.rmtree(snapshot)
    (snapshot / "docs").mkdir(parents=True)
    doc_ids = prefix_doc_ids(corpus, size)
    for doc_id in doc_ids:
        (snapshot / "docs" / f"{doc_id}.json").symlink_to((corpus / "docs" / f"{doc_id}.json").resolve())
    write_document_catalog(snapshot, _document_metadata(corpus, doc_ids))
    chunks = ChunkLines(corpus / "chunks.jsonl", size)
    write_chunk_store(snapshot, chunks)
    _link(vectors_folder / "vectors.faiss", snapshot / "vectors.faiss")
    _link(bm25_folder, snapshot / "bm25")
    manifest = {
        "format_version": real_manifest["format_version"],
        "planqa_version": real_manifest.get("planqa_version"),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "corpus_hash": f"scale-{size}",
        "documents": {d: {"source": f"{d}.txt", "chunks": chunks.per_doc.get(d, 0)} for d in doc_ids},
        "embedder": real_manifest["embedder"],
        "chunker": real_manifest["chunker"],
        "tokenizer": real_manifest["tokenizer"],
        "bm25": real_manifest["bm25"],
        "vectors": {"backend": "faiss", **{k: v for k, v in vector_params.items() if k != "backend"}},
        "counts": {"documents": len(doc_ids), "chunks": size},
        "skipped": [],
        "scale_benchmark": {"vectors": "derived from real chunk embeddings (bench/scale/vectors.py)"},
    }
    (snapshot / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp = index_dir / "CURRENT.tmp"
    tmp.write_text(SNAPSHOT, encoding="utf-8")
    os.replace(tmp, index_dir / "CURRENT")
    return snapshot
