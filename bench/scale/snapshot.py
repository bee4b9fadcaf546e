"""Assemble a loadable planqa index snapshot for one size of the generated corpus.

The snapshot has the layout ``planqa.index.store`` writes (CURRENT, manifest.json, docs/,
chunks.jsonl, vectors.faiss, bm25/), so ``Index.load`` and ``Searcher`` use it unchanged.
Large files are linked, not copied: documents and the vector and BM25 files from the work
folder; only the first ``size`` lines of chunks.jsonl are written.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from bench.scale.corpus import prefix_doc_ids

SNAPSHOT = "v-scale"


def _link(target: Path, link: Path) -> None:
    if link.is_symlink() or link.exists():
        link.unlink() if not link.is_dir() or link.is_symlink() else shutil.rmtree(link)
    link.symlink_to(target.resolve())


def assemble(index_dir: Path, corpus: Path, size: int, real_manifest: dict[str, Any], vectors_folder: Path,
             vector_params: dict[str, Any], bm25_folder: Path) -> Path:
    """Write ``index_dir`` (CURRENT + one snapshot) for the first ``size`` chunks; returns the snapshot."""
    snapshot = index_dir / SNAPSHOT
    if snapshot.exists():
        shutil.rmtree(snapshot)
    (snapshot / "docs").mkdir(parents=True)
    doc_ids = prefix_doc_ids(corpus, size)
    entries: dict[str, Any] = {}
    for doc_id in doc_ids:
        (snapshot / "docs" / f"{doc_id}.json").symlink_to((corpus / "docs" / f"{doc_id}.json").resolve())
    per_doc: dict[str, int] = {}
    with open(corpus / "chunks.jsonl", encoding="utf-8") as source, \
            open(snapshot / "chunks.jsonl", "w", encoding="utf-8") as target:
        for row, line in enumerate(source):
            if row >= size:
                break
            target.write(line)
            doc_id = line[line.index('"doc_id": "') + 11:].split('"', 1)[0]
            per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
    _link(vectors_folder / "vectors.faiss", snapshot / "vectors.faiss")
    _link(bm25_folder, snapshot / "bm25")
    for doc_id in doc_ids:
        entries[doc_id] = {"source": f"{doc_id}.txt", "chunks": per_doc.get(doc_id, 0)}
    manifest = {
        "format_version": real_manifest["format_version"],
        "planqa_version": real_manifest.get("planqa_version"),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "corpus_hash": f"scale-{size}",
        "documents": entries,
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
