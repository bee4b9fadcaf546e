"""Which vector store a snapshot uses: FAISS files in the snapshot (default) or a Milvus collection.

A build chooses from the ``--vector-store`` URI, else ``$PLANQA_VECTOR_STORE``, else FAISS;
the manifest's ``vectors`` entry records the backend (and for Milvus the URI and collection),
and loading follows the manifest, whatever the environment says now.

URIs: ``faiss``; ``milvus-lite`` (= ``<index>/milvus.db``); a Milvus Lite file ``path/to/x.db``;
a Milvus server ``http(s)://host:19530`` (token from ``$PLANQA_MILVUS_TOKEN``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from planqa.index.base import VectorStore

log = logging.getLogger(__name__)

VECTOR_STORE_ENV = "PLANQA_VECTOR_STORE"
FAISS = "faiss"
MILVUS_LITE = "milvus-lite"
MILVUS_LITE_FILE = "milvus.db"


def resolve_vector_store(uri: str | None, index_dir: Path) -> str:
    """The vector store a build uses: ``uri``, else ``$PLANQA_VECTOR_STORE``, else ``faiss``."""
    uri = (uri or os.environ.get(VECTOR_STORE_ENV) or FAISS).strip()
    if uri == MILVUS_LITE:
        return str(Path(index_dir) / MILVUS_LITE_FILE)
    return uri


def build_vector_store(matrix: np.ndarray, index_dir: Path, kind: str | None = None, uri: str | None = None,
                       doc_ids: list[str] | None = None) -> VectorStore:
    """A store over ``matrix`` (rows = chunks) for a new snapshot of ``index_dir``; ``save`` writes it."""
    uri = resolve_vector_store(uri, index_dir)
    if uri.lower() == FAISS:
        from planqa.index.faiss import FaissStore

        return FaissStore.build(matrix, kind)
    from planqa.index.milvus import MilvusStore

    return MilvusStore.build(matrix, uri, kind, doc_ids)


def vector_params(store: VectorStore) -> dict[str, Any]:
    """The manifest's ``vectors`` entry: backend first, then the store's own parameters."""
    params = dict(store.params)
    return {"backend": params.pop("backend", FAISS), **params}


def backend_of(manifest: dict[str, Any]) -> str:
    return manifest["vectors"].get("backend", FAISS)  # manifests before the Milvus backend: FAISS


def load_vector_store(snapshot: Path, manifest: dict[str, Any], row_docs: np.ndarray | None = None,
                      mmap: bool = True) -> VectorStore:
    """The store the manifest names; ``row_docs`` (doc_id per row) speeds up Milvus filters."""
    backend = backend_of(manifest)
    if backend == FAISS:
        from planqa.index.faiss import FaissStore

        return FaissStore.load(snapshot, manifest["vectors"]["type"], mmap=mmap)
    if backend == "milvus":
        from planqa.index.milvus import MilvusStore

        return MilvusStore.load(snapshot, row_docs)
    from planqa.errors import IndexMismatchError

    raise IndexMismatchError(f"{snapshot}: unknown vector store backend {backend!r}; "
                             "rebuild with: python -m planqa index --full")


def drop_external_vectors(folder: Path) -> None:
    """Before a snapshot folder is deleted: drop what it keeps outside itself (a Milvus collection)."""
    from planqa.index.milvus import CONFIG_FILE, drop_snapshot_collection

    if (folder / CONFIG_FILE).exists():
        drop_snapshot_collection(folder)
