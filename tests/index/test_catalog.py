"""The on-demand document and chunk stores of a snapshot (planqa/index/catalog.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from planqa.index import Index
from planqa.index.catalog import (
    CHUNKS_META, DOCUMENTS_META, ChunkStore, DocumentStore, chunk_id_number, write_chunk_store,
)
from planqa.index.store import write_documents
from planqa.records import Chunk, Document
from planqa.retrieve.heading import HeadingMatcher

TEXT_A = "开平市科技创新“十四五”规划\n一、发展目标\n到2025年，国家高新技术企业达到225家。\n二、主要任务\n建设中微子实验站。"
TEXT_B = "台山市科技创新“十三五”规划\n一、发展目标\n到2020年，高新技术企业达到50家。"


def _documents() -> list[Document]:
    return [Document("kaiping", "开平市科技创新“十四五”规划", TEXT_A, "a.txt", region="开平市", period="十四五",
                     years=(2021, 2025)),
            Document("taishan", "台山市科技创新“十三五”规划", TEXT_B, "b.txt", region="台山市", period="十三五")]


def _chunks(documents: list[Document]) -> list[Chunk]:
    chunks = []
    for document in documents:
        for line_start, line in _lines(document.text):
            path = ("一、发展目标",) if "目标" in line or "到20" in line else ("二、主要任务",)
            chunks.append(Chunk.create(document.doc_id, path, line_start, line_start + len(line), line))
    return chunks


def _lines(text: str):
    position = 0
    for line in text.split("\n"):
        yield position, line
        position += len(line) + 1


def _snapshot(folder: Path, with_catalog: bool = True) -> tuple[list[Document], list[Chunk]]:
    folder.mkdir(parents=True, exist_ok=True)
    documents = _documents()
    chunks = _chunks(documents)
    write_documents(folder, documents)
    write_chunk_store(folder, iter(chunks))  # a generator is enough
    if not with_catalog:  # a snapshot written before the catalog files existed
        (folder / DOCUMENTS_META).unlink()
        (folder / CHUNKS_META).unlink()
        for path in folder.glob("chunks.*.npy"):
            path.unlink()
    manifest = {"format_version": 1, "embedder": {"name": "m", "dimension": 4}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return documents, chunks


@pytest.mark.parametrize("with_catalog", [True, False])
def test_chunk_store_round_trip(tmp_path: Path, with_catalog: bool):
    _, chunks = _snapshot(tmp_path, with_catalog)
    store = ChunkStore.open(tmp_path)
    assert len(store) == len(chunks)
    assert list(store) == chunks and store[-1] == chunks[-1] and store[1:3] == chunks[1:3]
    assert [store.doc_id_of(r) for r in range(len(store))] == [c.doc_id for c in chunks]
    assert [store.section_path_of(r) for r in range(len(store))] == [c.section_path for c in chunks]
    assert list(store.row_docs()) == [c.doc_id for c in chunks]
    for row, chunk in enumerate(chunks):
        assert store.row_of(chunk.id) == row
    assert store.row_of("0123456789abcdef") is None and store.row_of("not-hex") is None
    with pytest.raises(IndexError):
        store[len(chunks)]


def test_chunk_arrays_are_memory_mapped(tmp_path: Path):
    _snapshot(tmp_path)
    store = ChunkStore.open(tmp_path)
    assert isinstance(store.doc_codes, np.memmap) and isinstance(store.section_codes, np.memmap)


def test_empty_chunk_store(tmp_path: Path):
    write_chunk_store(tmp_path, [])
    store = ChunkStore.open(tmp_path)
    assert len(store) == 0 and list(store) == [] and len(store.row_docs()) == 0


@pytest.mark.parametrize("with_catalog", [True, False])
def test_document_store_reads_on_demand(tmp_path: Path, with_catalog: bool):
    documents, _ = _snapshot(tmp_path, with_catalog)
    store = DocumentStore.open(tmp_path, cache_size=1)
    assert list(store) == ["kaiping", "taishan"] and len(store) == 2 and "kaiping" in store
    assert store.info("kaiping").region == "开平市" and store.info("kaiping").years == (2021, 2025)
    assert store["taishan"] == documents[1] and store["kaiping"] == documents[0]
    assert dict(store.items()) == {d.doc_id: d for d in documents}
    assert store.get("nope") is None
    with pytest.raises(KeyError):
        store["nope"]


def test_document_cache_is_bounded(tmp_path: Path):
    _snapshot(tmp_path)
    store = DocumentStore.open(tmp_path, cache_size=1)
    assert len(store._cache) == 0  # more documents than the cache holds: read on demand
    for doc_id in ["kaiping", "taishan", "kaiping"]:
        store[doc_id]
    assert len(store._cache) == 1


def test_small_corpus_survives_pruning(tmp_path: Path):
    """Up to cache_size documents are read at open, so an index keeps working after its snapshot
    folder is deleted (a service serving an old snapshot while builds prune it)."""
    import shutil

    documents, chunks = _snapshot(tmp_path / "v-1")
    store, chunk_store = DocumentStore.open(tmp_path / "v-1"), ChunkStore.open(tmp_path / "v-1")
    shutil.rmtree(tmp_path / "v-1")
    assert store["taishan"] == documents[1] and list(chunk_store) == chunks


def test_index_load_filters_and_rows(tmp_path: Path):
    (tmp_path / "CURRENT").write_text("v-1", encoding="utf-8")
    snapshot = tmp_path / "v-1"
    snapshot.mkdir()
    _, chunks = _snapshot(snapshot)
    index = Index.load(tmp_path)
    assert index.mask() is None
    assert list(index.mask(regions=["开平"])) == [c.doc_id == "kaiping" for c in chunks]
    assert list(index.mask(periods=["十三五"])) == [c.doc_id == "taishan" for c in chunks]
    assert not index.mask(regions=["开平"], doc_ids=["taishan"]).any()
    assert index.row_of(chunks[4].id) == 4 and index.info("taishan").title.startswith("台山")


def test_chunk_id_number():
    assert chunk_id_number("00000000000000ff") == 255 and chunk_id_number("xyz") == 0


def test_heading_matcher_from_codes_equals_per_row_paths():
    paths = [("一、发展目标",), ("二、主要任务", "（一）建设实验站"), ("一、发展目标",)]
    tokenize = lambda text: text.replace("、", " ").replace("（", " ").replace("）", " ").split()  # noqa: E731
    per_row = HeadingMatcher(paths, tokenize)
    coded = HeadingMatcher([paths[0], paths[1]], tokenize, row_codes=[0, 1, 0])
    for query in ["发展目标", "建设实验站 主要任务", "其他"]:
        assert per_row.scores(query, [0, 1, 2]) == coded.scores(query, [0, 1, 2])
