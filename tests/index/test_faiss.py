"""FaissStore mechanics on small synthetic vectors: every kind builds, saves, loads (memory-mapped
or not) and searches; filters are honoured; the kind is chosen by size or overridden; the
parameters reach the manifest. Retrieval quality is measured in bench/scale/, not here."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("faiss")

from planqa.index import faiss as faiss_store  # noqa: E402
from planqa.index.faiss import FILE_NAME, KINDS, FaissStore, choose_kind, ivf_lists, ivf_probes  # noqa: E402

ROWS, DIM = 1200, 32
SMALL = {"nlist": 16, "nprobe": 16}  # IVF options: all cells probed, so results are exact up to codec


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    """Clustered unit vectors (20 centres), like real embeddings rather than uniform noise."""
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((20, DIM))
    x = centres[rng.integers(0, 20, ROWS)] + 0.3 * rng.standard_normal((ROWS, DIM))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def build(kind: str, vectors: np.ndarray) -> FaissStore:
    return FaissStore.build(vectors, kind, **(SMALL if kind.startswith("ivf") else {}))


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_finds_each_vector_itself(kind, vectors):
    store = build(kind, vectors)
    assert store.kind == kind and store.size == ROWS and store.dimension == DIM
    scores, ids = store.search(vectors[:50], 5)
    assert ids.shape == (50, 5) and scores.shape == (50, 5)
    assert (ids[:, 0] == np.arange(50)).mean() >= 0.96  # sq8 may swap a near-duplicate
    assert np.all(np.diff(scores, axis=1) <= 1e-6)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mmap", [True, False])
def test_save_load_round_trip(kind, mmap, vectors, tmp_path):
    store = build(kind, vectors)
    store.save(tmp_path)
    assert (tmp_path / FILE_NAME).is_file()
    loaded = FaissStore.load(tmp_path, kind, mmap=mmap)
    expected = {k: v for k, v in store.params.items() if k != "chosen_by"}
    assert loaded.params == expected  # every search parameter lives in the file
    assert loaded.size == ROWS
    queries = vectors[100:110]
    np.testing.assert_array_equal(loaded.search(queries, 10)[1], store.search(queries, 10)[1])


@pytest.mark.parametrize("kind", KINDS)
def test_vectors_are_returned_in_row_order(kind, vectors):
    stored = build(kind, vectors).vectors()
    assert stored.shape == vectors.shape
    if kind == "ivf-sq8":  # 8-bit codes: close in direction (rows outside the trained range are clipped)
        cosine = np.einsum("ij,ij->i", stored, vectors)
        assert np.median(cosine) >= 0.999 and cosine.min() >= 0.95
    else:
        assert np.abs(stored - vectors).max() <= {"flat": 1e-7, "hnsw": 1e-7, "ivf-fp16": 1e-3}[kind]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("exact_below", [10**9, 0])  # the exact subset path, then the selector path
def test_filter_mask_is_honoured(kind, exact_below, vectors, monkeypatch):
    monkeypatch.setattr(faiss_store, "EXACT_FILTER_ROWS", exact_below)
    store = build(kind, vectors)
    allowed = np.zeros(ROWS, dtype=bool)
    allowed[::7] = True
    scores, ids = store.search(vectors[:20], 10, allowed)
    assert (ids >= 0).all() and allowed[ids].all()
    exact = vectors[allowed] @ vectors[:20].T
    best = np.flatnonzero(allowed)[exact.argmax(axis=0)]
    assert (ids[:, 0] == best).mean() >= 0.9


@pytest.mark.parametrize("kind", KINDS)
def test_filter_edge_cases(kind, vectors):
    store = build(kind, vectors)
    none = np.zeros(ROWS, dtype=bool)
    scores, ids = store.search(vectors[:2], 5, none)
    assert (ids == -1).all() and np.isneginf(scores).all()
    few = np.zeros(ROWS, dtype=bool)
    few[[3, 9]] = True
    _, ids = store.search(vectors[:1], 5, few)
    assert set(ids[0][:2]) == {3, 9} and (ids[0][2:] == -1).all()
    with pytest.raises(ValueError):
        store.search(vectors[:1], 5, np.ones(ROWS - 1, dtype=bool))


def test_empty_store():
    store = FaissStore.build(np.zeros((0, DIM), np.float32))
    assert store.kind == "flat" and store.size == 0
    scores, ids = store.search(np.ones((1, DIM), np.float32), 3)
    assert (ids == -1).all()
    assert FaissStore.build(np.zeros((0, DIM), np.float32), "ivf-fp16").kind == "flat"


def test_kind_is_chosen_by_size():
    assert choose_kind(0) == "flat"
    assert choose_kind(faiss_store.IVF_FROM - 1) == "flat"
    assert choose_kind(faiss_store.IVF_FROM) == "ivf-fp16"
    assert choose_kind(1_000_000) == "ivf-fp16"


def test_override_wins_and_is_validated():
    for kind in KINDS:
        assert choose_kind(10, kind) == kind
        assert choose_kind(10**7, kind) == kind
    with pytest.raises(ValueError, match="unknown vector index type"):
        choose_kind(10, "annoy")


def test_ivf_parameters_by_size():
    assert ivf_lists(1_000_000) == 2048 and ivf_probes(2048) == 64
    assert ivf_lists(100_000) == 512 and ivf_probes(512) == 32
    assert ivf_lists(10) == faiss_store.IVF_MIN_LISTS
    assert ivf_probes(8) == 8  # never more probes than cells


def test_auto_choice_builds_ivf_above_threshold(vectors, monkeypatch):
    monkeypatch.setattr(faiss_store, "IVF_FROM", 1000)
    store = FaissStore.build(vectors)
    params = store.params
    assert store.kind == "ivf-fp16" and params["chosen_by"] == "size"
    assert params["nlist"] == min(ROWS, ivf_lists(ROWS)) and params["nprobe"] == ivf_probes(params["nlist"])
    monkeypatch.setattr(faiss_store, "IVF_FROM", 10**6)
    assert FaissStore.build(vectors).kind == "flat"
    assert FaissStore.build(vectors, "hnsw").params["chosen_by"] == "override"


def test_params_reach_the_manifest(vectors):
    from planqa.index.vectors import vector_params

    store = build("ivf-sq8", vectors)
    entry = vector_params(store)
    assert entry["backend"] == "faiss" and entry["type"] == "ivf-sq8"
    assert entry["nlist"] == 16 and entry["nprobe"] == 16 and entry["codec"] == "8bit" and entry["by_residual"]
    json.dumps(entry)  # plain JSON types only
    assert vector_params(build("flat", vectors))["type"] == "flat"
    hnsw = vector_params(build("hnsw", vectors))
    assert hnsw["type"] == "hnsw" and hnsw["efSearch"] == faiss_store.HNSW_EF_SEARCH
