"""A loaded index snapshot: documents, chunks, vector store, BM25 and the manifest.

Loading checks the manifest against what the caller asks for (embedding model, format
version) and refuses a mismatch with a message that says how to rebuild.
"""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from planqa.errors import IndexMismatchError
from planqa.index.catalog import ChunkStore, DocumentInfo, DocumentStore
from planqa.index.store import MANIFEST, read_json, require_snapshot

log = logging.getLogger(__name__)
FORMAT_VERSION = 1


def rebuild_hint(index_dir: Path, model: str | None = None) -> str:
    model_arg = f" --model {model}" if model else ""
    return f"rebuild it with: python -m planqa index --index {index_dir}{model_arg}"


class Index:
    """Everything search and answering need from one snapshot. Loading reads only the manifest,
    the document metadata and memory-maps the chunk rows (planqa/index/catalog.py); documents,
    chunks, vectors and BM25 are read when first used."""

    def __init__(self, index_dir: Path, snapshot: Path, manifest: dict[str, Any]):
        self.index_dir = index_dir
        self.snapshot = snapshot
        self.manifest = manifest
        self.documents = DocumentStore.open(snapshot)
        self.chunks = ChunkStore.open(snapshot)

    @classmethod
    def load(cls, index_dir: Path | str) -> Index:
        index_dir = Path(index_dir)
        snapshot = require_snapshot(index_dir)
        manifest = read_json(snapshot / MANIFEST)
        version = manifest.get("format_version")
        if version != FORMAT_VERSION:
            raise IndexMismatchError(
                f"the index in {index_dir} has format version {version}, this planqa reads {FORMAT_VERSION}; "
                + rebuild_hint(index_dir)
            )
        return cls(index_dir, snapshot, manifest)

    @property
    def model_name(self) -> str:
        return self.manifest["embedder"]["name"]

    @property
    def engine(self) -> str:
        """The engine that embedded the index ("" when the manifest predates engine records)."""
        return self.manifest["embedder"].get("engine", "")

    def check_embedder(self, embedder: Any) -> None:
        """Refuse an embedder other than the one the vectors were made with: another model, or an
        engine whose vectors are not interchangeable with the recorded one's."""
        from planqa.embed import engines_interchangeable

        expected = self.manifest["embedder"]
        if embedder.name != expected["name"] or embedder.dimension != expected["dimension"]:
            raise IndexMismatchError(
                f"the index in {self.index_dir} was built with the model {expected['name']!r} "
                f"({expected['dimension']} dimensions), not {embedder.name!r} ({embedder.dimension}); "
                + rebuild_hint(self.index_dir, embedder.name)
            )
        current = getattr(embedder, "engine", "")
        if not engines_interchangeable(expected["name"], self.engine, current):
            raise IndexMismatchError(
                f"the index in {self.index_dir} was embedded by the {self.engine!r} engine, whose vectors of "
                f"{expected['name']!r} are not interchangeable with the {current!r} engine's; "
                + rebuild_hint(self.index_dir, getattr(embedder, "spec", embedder.name))
            )

    @cached_property
    def vectors(self):
        from planqa.index.vectors import load_vector_store

        store = load_vector_store(self.snapshot, self.manifest, row_docs=self.chunks.row_docs())
        if store.size != len(self.chunks):
            raise IndexMismatchError(f"{self.snapshot}: {store.size} vectors for {len(self.chunks)} chunks; "
                                     + rebuild_hint(self.index_dir))
        return store

    @cached_property
    def sentences(self):
        """The sentence vectors (planqa/index/sentences.py), or None when the snapshot has none."""
        from planqa.index.sentences import SentenceIndex

        return SentenceIndex.load(self.snapshot, self.manifest.get("sentences"))

    @cached_property
    def tokenizer(self):
        from planqa.tokenize import ChineseTokenizer, TokenizerSettings

        return ChineseTokenizer(TokenizerSettings.from_dict(self.manifest["tokenizer"]))

    @cached_property
    def bm25(self):
        from planqa.index.bm25 import BM25Index

        return BM25Index.load(self.snapshot / "bm25", self.tokenizer)

    def mask(self, regions: list[str] | None = None, periods: list[str] | None = None,
             doc_ids: list[str] | None = None) -> np.ndarray | None:
        """Boolean mask over chunk rows for metadata filters; None when nothing is filtered."""
        if not (regions or periods or doc_ids):
            return None
        keep = [position for position, doc_id in enumerate(self.chunks.doc_ids)
                if self._fits(self.documents.info(doc_id), regions, periods, doc_ids)]
        return np.isin(np.asarray(self.chunks.doc_codes), np.array(keep, dtype=np.int32))

    @staticmethod
    def _fits(info: DocumentInfo, regions: list[str] | None, periods: list[str] | None,
              doc_ids: list[str] | None) -> bool:
        if regions and not any(r in (info.region or "") for r in regions):
            return False
        if periods and info.period not in periods:
            return False
        return not doc_ids or info.doc_id in doc_ids

    def info(self, doc_id: str) -> DocumentInfo:
        """Metadata of a document, without reading its text."""
        return self.documents.info(doc_id)

    def row_of(self, chunk_id: str) -> int | None:
        """Vector row of the chunk ``chunk_id``, or None when it is not in the index."""
        return self.chunks.row_of(chunk_id)
