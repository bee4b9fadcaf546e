"""The Milvus vector store against Milvus Lite: same results as FAISS, filters, save/load, pruning.

Fast tests use small synthetic vectors. The slow ones index two real plans with the real default
embedder (sharing the session's two-plan index's embeddings), compare Milvus with FAISS on
every gold question, and run the index build tests of test_build.py again with Milvus as the store.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from planqa.errors import MissingDependencyError, PlanqaError
from planqa.index import Index
from planqa.index import milvus as milvus_mod
from planqa.index.faiss import FaissStore
from planqa.index.milvus import CONFIG_FILE, MilvusStore, close_clients, collection_name, connect
from planqa.index.store import MANIFEST, new_snapshot, prune_snapshots, write_json
from planqa.index.vectors import (
    VECTOR_STORE_ENV, build_vector_store, load_vector_store, resolve_vector_store, vector_params,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
GOLD = ROOT / "eval" / "gold.jsonl"
DIM, ROWS, DOCS = 16, 300, 5


@pytest.fixture(autouse=True)
def milvus_lite_default(monkeypatch):
    """Milvus Lite is the store of every build here that does not name one; servers stop afterwards."""
    monkeypatch.setenv(VECTOR_STORE_ENV, "milvus-lite")
    yield
    close_clients()


# ---------------------------------------------------------------------- synthetic vectors


def unit_rows(n: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def matrix() -> np.ndarray:
    return unit_rows(ROWS, 0)


@pytest.fixture
def doc_ids() -> list[str]:
    return [f"doc-{row * DOCS // ROWS}" for row in range(ROWS)]  # contiguous blocks, like chunks.jsonl


def snapshot_of(index_dir: Path, store) -> Path:
    """A live snapshot of ``index_dir`` holding only ``store`` (and a manifest naming it)."""
    with new_snapshot(index_dir) as folder:
        store.save(folder)
        write_json(folder / MANIFEST, {"vectors": vector_params(store)})
    return folder


def assert_same_results(expected: tuple[np.ndarray, np.ndarray], got: tuple[np.ndarray, np.ndarray]) -> None:
    """Same shape, same ids in the same order (ties may swap), same scores to float32 precision."""
    (e_scores, e_ids), (g_scores, g_ids) = expected, got
    assert e_ids.shape == g_ids.shape
    for qi in range(len(e_ids)):
        real = e_ids[qi] >= 0
        assert np.array_equal(real, g_ids[qi] >= 0), (qi, e_ids[qi], g_ids[qi])
        np.testing.assert_allclose(g_scores[qi][real], e_scores[qi][real], atol=1e-5)
        for j in np.flatnonzero(e_ids[qi] != g_ids[qi]):  # only where the scores tie
            assert abs(float(e_scores[qi, j]) - float(g_scores[qi, j])) < 1e-5, (qi, j)


def test_same_results_as_faiss_with_and_without_filters(tmp_path, matrix, doc_ids):
    store = MilvusStore.build(matrix, str(tmp_path / "index" / "milvus.db"), doc_ids=doc_ids)
    snapshot_of(tmp_path / "index", store)
    faiss = FaissStore.build(matrix, "flat")
    queries = unit_rows(7, 1)
    assert_same_results(faiss.search(queries, 10), store.search(queries, 10))
    docs = np.asarray(doc_ids)
    masks = {
        "one document": docs == "doc-2",
        "two documents": np.isin(docs, ["doc-0", "doc-4"]),
        "a few rows": np.isin(np.arange(ROWS), [3, 77, 150, 151, 299]),
        "most rows": np.arange(ROWS) % 7 != 0,
        "every row": np.ones(ROWS, bool),
    }
    for name, mask in masks.items():
        expected, got = faiss.search(queries, 10, mask), store.search(queries, 10, mask)
        assert_same_results(expected, got)
        assert mask[got[1][got[1] >= 0]].all(), name
    few = store.search(queries, 10, masks["a few rows"])
    assert few[1].shape == (7, 10) and (few[1][:, 5:] == -1).all() and np.isneginf(few[0][:, 5:]).all()
    none = store.search(queries, 4, np.zeros(ROWS, bool))
    assert (none[1] == -1).all() and none[1].shape == (7, 4)
    big = store.search(queries[:1], 10_000)  # k above the row count: every row, like FAISS
    assert big[1].shape == faiss.search(queries[:1], 10_000)[1].shape == (1, ROWS)


def test_filter_expressions(matrix, doc_ids, tmp_path):
    store = MilvusStore.build(matrix, str(tmp_path / "m.db"), doc_ids=doc_ids)
    docs = np.asarray(doc_ids)
    assert store.filter_expression(docs == "doc-1") == 'doc_id in ["doc-1"]'
    assert store.filter_expression(np.isin(docs, ["doc-3", "doc-0"])) == 'doc_id in ["doc-0", "doc-3"]'
    assert store.filter_expression(np.isin(np.arange(ROWS), [5, 9])) == "id in [5, 9]"
    assert store.filter_expression(np.arange(ROWS) != 4) == "id not in [4]"
    assert store.filter_expression(np.ones(ROWS, bool)) == ""
    store.row_docs = None  # without doc ids per row only row ids can express a mask
    assert store.filter_expression(docs == "doc-1").startswith("id in [60, 61,")


def test_save_load_round_trip(tmp_path, matrix, doc_ids):
    index_dir = tmp_path / "index"
    store = build_vector_store(matrix, index_dir, doc_ids=doc_ids)  # from $PLANQA_VECTOR_STORE
    assert isinstance(store, MilvusStore)
    folder = snapshot_of(index_dir, store)
    config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    assert config["uri"] == "milvus.db"  # inside the index folder: recorded relative to it
    assert config["collection"] == collection_name(folder) and config["rows"] == ROWS
    assert config["backend"] == "milvus" and config["metric"] == "IP" and config["index_type"] == "FLAT"
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["vectors"]["backend"] == "milvus" and manifest["vectors"]["uri"] == "milvus.db"
    queries = unit_rows(3, 2)
    before = store.search(queries, 5)
    close_clients()  # as if in another process
    loaded = load_vector_store(folder, manifest, row_docs=np.asarray(doc_ids, dtype=object))
    assert isinstance(loaded, MilvusStore) and loaded.size == ROWS and loaded.dimension == DIM
    np.testing.assert_array_equal(loaded.vectors(), matrix)
    assert_same_results(before, loaded.search(queries, 5))
    # the whole index folder can move: the .db inside it is found relative to it
    close_clients()
    moved = tmp_path / "moved"
    shutil.move(str(index_dir), moved)
    again = MilvusStore.load(moved / folder.name)
    assert_same_results(before, again.search(queries, 5))


def test_hnsw_and_faiss_fallback(tmp_path, matrix):
    store = MilvusStore.build(matrix, str(tmp_path / "index" / "m.db"), kind="hnsw")
    folder = snapshot_of(tmp_path / "index", store)
    assert store.params["index_type"] == "HNSW" and store.params["index_params"] == {"M": 32, "efConstruction": 200}
    exact = FaissStore.build(matrix, "flat").search(unit_rows(5, 3), 5)
    got = MilvusStore.load(folder).search(unit_rows(5, 3), 5)
    assert (got[1][:, 0] == exact[1][:, 0]).all()  # 300 rows: HNSW is exact at the top
    with pytest.raises(PlanqaError, match="no index type"):
        MilvusStore.build(matrix, str(tmp_path / "m.db"), kind="pq")
    assert milvus_mod.choose_kind(60_000) == "hnsw" and milvus_mod.choose_kind(1_000) == "flat"
    assert milvus_mod.choose_kind(60_000, local=True) == "flat"  # Milvus Lite: exact search by default
    faiss = build_vector_store(matrix, tmp_path / "f", uri="faiss")
    assert isinstance(faiss, FaissStore) and vector_params(faiss)["backend"] == "faiss"
    # a manifest from before the Milvus backend (no "backend") still loads FAISS
    (tmp_path / "f").mkdir()
    faiss.save(tmp_path / "f")
    assert isinstance(load_vector_store(tmp_path / "f", {"vectors": faiss.params}), FaissStore)


def test_uris(tmp_path, monkeypatch):
    monkeypatch.delenv(VECTOR_STORE_ENV)
    assert resolve_vector_store(None, tmp_path) == "faiss"
    assert resolve_vector_store("milvus-lite", tmp_path) == str(tmp_path / "milvus.db")
    monkeypatch.setenv(VECTOR_STORE_ENV, "http://milvus:19530")
    assert resolve_vector_store(None, tmp_path) == "http://milvus:19530"
    assert resolve_vector_store("faiss", tmp_path) == "faiss"  # the flag wins over the environment
    assert milvus_mod.public_uri("https://user:secret@milvus.example:19530/db") == "https://milvus.example:19530/db"
    with pytest.raises(PlanqaError, match="ending in .db"):
        MilvusStore.build(unit_rows(2, 0), str(tmp_path / "vectors.sqlite"))
    from planqa.cli import build_parser

    assert build_parser().parse_args(["index", "--vector-store", "x.db"]).vector_store == "x.db"


def test_pruning_and_failed_builds_drop_collections(tmp_path, matrix):
    index_dir = tmp_path / "index"
    folders = [snapshot_of(index_dir, MilvusStore.build(matrix, str(index_dir / "milvus.db"))) for _ in range(3)]
    client = connect(str(index_dir / "milvus.db"))
    assert not folders[0].exists()  # two snapshots are kept
    assert sorted(client.list_collections()) == sorted(collection_name(f) for f in folders[1:])
    with pytest.raises(RuntimeError, match="disk full"):
        with new_snapshot(index_dir) as folder:
            MilvusStore.build(matrix, str(index_dir / "milvus.db")).save(folder)
            assert collection_name(folder) in client.list_collections()
            raise RuntimeError("disk full")
    assert not folder.exists() and collection_name(folder) not in client.list_collections()
    assert sorted(client.list_collections()) == sorted(collection_name(f) for f in folders[1:])


def test_a_copied_index_never_drops_the_originals_collections(tmp_path, matrix):
    shared = str(tmp_path / "shared" / "milvus.db")  # outside both index folders, like a server
    original = tmp_path / "original"
    kept = [snapshot_of(original, MilvusStore.build(matrix, shared)) for _ in range(2)]
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    snapshot_of(copy, MilvusStore.build(matrix, shared))  # prunes the copy of kept[0]
    prune_snapshots(copy, keep=1)
    names = connect(shared).list_collections()
    assert all(collection_name(f) in names for f in kept)
    assert len(list(copy.glob("v-*"))) == 1


def test_a_missing_collection_says_how_to_rebuild(tmp_path, matrix):
    folder = snapshot_of(tmp_path / "index", MilvusStore.build(matrix, str(tmp_path / "index" / "milvus.db")))
    connect(str(tmp_path / "index" / "milvus.db")).drop_collection(collection_name(folder))
    with pytest.raises(PlanqaError, match="does not exist.*planqa index"):
        MilvusStore.load(folder)


def test_missing_pymilvus_or_milvus_lite_says_what_to_install(tmp_path, monkeypatch, matrix):
    monkeypatch.setitem(sys.modules, "pymilvus", None)  # import pymilvus -> ImportError
    with pytest.raises(MissingDependencyError, match="pip install pymilvus"):
        build_vector_store(matrix, tmp_path)
    with pytest.raises(MissingDependencyError, match="pymilvus"):
        connect("http://localhost:19530")
    monkeypatch.undo()
    monkeypatch.setitem(sys.modules, "milvus_lite", None)
    with pytest.raises(MissingDependencyError, match="pip install milvus-lite"):
        connect(str(tmp_path / "other.db"))


# ---------------------------------------------------------------------- the real corpus, real model


@pytest.fixture(scope="module")
def embedder():
    from planqa.embed import load_embedder

    return load_embedder(None)


@pytest.fixture(scope="module")
def corpus_indexes(tmp_path_factory, embedder, two_plan_index) -> tuple[Index, Index]:
    """Two real plans (the session's two-plan corpus) indexed twice from the same vectors:
    FAISS and Milvus Lite. The session index's embedding cache makes both builds embed nothing."""
    from corpushelpers import copy_corpus
    from planqa.index.build import build_index

    base = tmp_path_factory.mktemp("milvus-corpus")
    corpus = copy_corpus(base / "corpus")
    shutil.copytree(two_plan_index / "cache", base / "faiss" / "cache")
    build_index(corpus, base / "faiss", embedder=embedder, vector_store="faiss")
    shutil.copytree(base / "faiss" / "cache", base / "milvus" / "cache")
    report = build_index(corpus, base / "milvus", embedder=embedder, vector_store="milvus-lite")
    assert report["embedded"] == 0
    return Index.load(base / "faiss"), Index.load(base / "milvus")


@pytest.fixture(scope="module")
def gold_questions() -> list[str]:
    records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in records]


@pytest.mark.slow
def test_corpus_same_results_as_faiss_on_every_gold_question(corpus_indexes, embedder, gold_questions):
    faiss_index, milvus_index = corpus_indexes
    assert milvus_index.manifest["vectors"]["backend"] == "milvus"
    assert faiss_index.manifest["vectors"]["backend"] == "faiss"
    assert isinstance(milvus_index.vectors, MilvusStore) and milvus_index.vectors.size == len(milvus_index.chunks)
    assert [c.id for c in faiss_index.chunks] == [c.id for c in milvus_index.chunks]
    np.testing.assert_array_equal(milvus_index.vectors.vectors(), faiss_index.vectors.vectors())
    queries = embedder.encode_queries(gold_questions)
    assert_same_results(faiss_index.vectors.search(queries, 10), milvus_index.vectors.search(queries, 10))
    filters = [{"doc_ids": [d]} for d in faiss_index.documents]
    filters += [{"regions": ["台山"]}, {"periods": ["十四五"]}, {"regions": ["江门", "开平"]}]
    for spec in filters:
        mask = faiss_index.mask(**spec)
        assert np.array_equal(mask, milvus_index.mask(**spec))
        got = milvus_index.vectors.search(queries, 10, mask)
        assert_same_results(faiss_index.vectors.search(queries, 10, mask), got)
        assert mask[got[1][got[1] >= 0]].all(), spec
    rows = np.random.default_rng(7).random(len(faiss_index.chunks)) < 0.2  # not a per-document mask
    assert_same_results(faiss_index.vectors.search(queries, 10, rows), milvus_index.vectors.search(queries, 10, rows))


class QueryMemo:
    """The model, but each query text is embedded once (the two searchers share the vectors)."""

    def __init__(self, model):
        self.model, self.memo = model, {}

    def __getattr__(self, name):
        return getattr(self.model, name)

    def encode_queries(self, texts, *args, **kwargs):
        missing = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if missing:
            self.memo.update(zip(missing, self.model.encode_queries(missing, *args, **kwargs)))
        return np.stack([self.memo[t] for t in texts])


@pytest.mark.slow
def test_corpus_same_search_hits_as_faiss(corpus_indexes, embedder, gold_questions):
    from planqa.retrieve import Searcher

    faiss_index, milvus_index = corpus_indexes
    memo = QueryMemo(embedder)
    with_faiss, with_milvus = Searcher(faiss_index, memo), Searcher(milvus_index, memo)
    for question in gold_questions[::6]:
        for retriever in ("dense", "hybrid"):
            for filters in ({}, {"regions": ["台山"]}, {"doc_ids": ["jiangmen-bqw-2023"]}):
                expected = with_faiss.search(question, 10, retriever, **filters)
                got = with_milvus.search(question, 10, retriever, **filters)
                assert _same_up_to_ties(expected, got), (question, retriever, filters)


def _same_up_to_ties(expected, got, tolerance: float = 1e-4) -> bool:
    """The same hits in the same order, except that hits whose scores the two engines compute
    within ``tolerance`` of each other (float sums in another order) may trade places."""
    if len(expected) != len(got):
        return False
    for e, g in zip(expected, got):
        if abs(e.score - g.score) > tolerance:
            return False
        if (e.doc_id, e.start, e.end) != (g.doc_id, g.start, g.end):
            tied = [h for h in expected if abs(h.score - g.score) <= tolerance]
            if not any((h.doc_id, h.start, h.end) == (g.doc_id, g.start, g.end) for h in tied) and g.score > expected[-1].score + tolerance:
                return False
    return True


# The index build tests of test_build.py, run again with Milvus Lite as the vector store
# (the autouse fixture above sets $PLANQA_VECTOR_STORE for every build_index call).
from test_build import (
    test_failure_mid_build_leaves_the_previous_index_live as test_milvus_failure_mid_build_leaves_the_previous_index_live,
    test_filters_and_grouping as test_milvus_filters_and_grouping,
    test_incremental_add_update_remove_equals_full_rebuild as test_milvus_incremental_add_update_remove_equals_full_rebuild,
    test_rebuilding_an_unchanged_corpus_embeds_nothing as test_milvus_rebuilding_an_unchanged_corpus_embeds_nothing,
    test_round_trip_and_search as test_milvus_round_trip_and_search,
)

for _test in (test_milvus_failure_mid_build_leaves_the_previous_index_live, test_milvus_filters_and_grouping,
              test_milvus_incremental_add_update_remove_equals_full_rebuild,
              test_milvus_rebuilding_an_unchanged_corpus_embeds_nothing, test_milvus_round_trip_and_search):
    pytest.mark.slow(_test)
