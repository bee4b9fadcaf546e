"""Measurements of the scale benchmark, each run in a fresh process (``run.py --worker``).

A fresh interpreter per measurement keeps peak memory (``ru_maxrss``) and the resident
memory an index adds (``VmRSS`` after loading and querying it, minus before) separate for
every index kind and size. Every task reads and writes files under the size's work folder
and returns a JSON-able dict.
"""

from __future__ import annotations

import json
import logging
import random
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from bench.common import peak_rss_mb

log = logging.getLogger(__name__)


def rss_mb() -> dict[str, float]:
    """Current resident memory of this process in MiB: total, anonymous, file-backed (mmap)."""
    out = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                out[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss": out.get("VmRSS", 0.0), "anon": out.get("RssAnon", 0.0), "file": out.get("RssFile", 0.0)}


def du_mb(path: Path) -> float:
    """Size on disk of a file or folder (symlinks not followed), MiB."""
    path = Path(path)
    if path.is_symlink():
        return 0.0
    if path.is_file():
        return round(path.stat().st_size / 2**20, 2)
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20, 2)


def _ms(values: list[float]) -> dict[str, float]:
    arr = np.asarray(values) * 1000.0
    return {"p50": round(float(np.percentile(arr, 50)), 2), "p95": round(float(np.percentile(arr, 95)), 2),
            "mean": round(float(arr.mean()), 2)} if len(arr) else {}


def questions(gold: Path, limit: int | None) -> list[str]:
    rows = [json.loads(line)["question"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


# ---------------------------------------------------------------------------------- model


def task_model(task: dict[str, Any]) -> dict[str, Any]:
    """Embed the gold questions (dense query text, as the searcher does) and measure passage
    embedding throughput of the default model on real chunk texts."""
    from planqa.embed import load_embedder
    from planqa.index import Index
    from planqa.retrieve.query import RegionTable, analyze_query

    index = Index.load(task["index"])
    started = time.perf_counter()
    embedder = load_embedder(index.model_name, num_threads=task.get("threads"))
    embedder.encode_queries(["预热"])
    load_s = time.perf_counter() - started
    regions = RegionTable(index.documents.infos())
    texts = [analyze_query(q, regions).content for q in questions(Path(task["gold"]), task.get("queries"))]
    vectors, times = [], []
    for text in texts:
        started = time.perf_counter()
        vectors.append(embedder.encode_queries([text])[0])
        times.append(time.perf_counter() - started)
    np.save(task["out"], np.asarray(vectors, dtype=np.float32), allow_pickle=False)
    passages = [chunk.indexed_text for chunk in index.chunks[: task["embed_chunks"]]]
    started = time.perf_counter()
    embedder.encode_passages(passages)
    passage_s = time.perf_counter() - started
    chars = sum(len(p) for p in passages)
    return {"model": index.model_name, "model_load_s": round(load_s, 2), "queries": len(texts),
            "query_embed_ms": _ms(times), "passages": len(passages), "passage_chars_mean": round(chars / len(passages)),
            "passage_s": round(passage_s, 2), "chunks_per_s": round(len(passages) / passage_s, 3),
            "peak_rss_mb": peak_rss_mb()}


# ---------------------------------------------------------------------------------- vectors


def task_vectors(task: dict[str, Any]) -> dict[str, Any]:
    """Derive the size's vectors from the real ones (bench/scale/vectors.py) and save them."""
    from bench.scale.vectors import VectorModel, realism

    corpus = Path(task["corpus"])
    base = np.load(corpus / "base.npy")
    sources = np.load(corpus / "sources.npy")[: task["size"]]
    started = time.perf_counter()
    vectors = VectorModel(base).derive_many(sources, seed=task["seed"])
    derive_s = time.perf_counter() - started
    np.save(task["out"], vectors, allow_pickle=False)
    queries = np.load(task["queries"])
    return {"derive_s": round(derive_s, 1), "realism": realism(vectors, queries),
            "realism_real": realism(base, queries), "distinct_sources": int(len(np.unique(sources)))}


def task_vector_build(task: dict[str, Any]) -> dict[str, Any]:
    """Build one FAISS index kind over the size's vectors and save it."""
    from planqa.index.faiss import FILE_NAME, FaissStore

    before = rss_mb()
    vectors = np.load(task["vectors"])
    with_input = rss_mb()
    started = time.perf_counter()
    store = FaissStore.build(vectors, None if task.get("auto") else task["kind"])
    assert store.kind == task["kind"], (store.kind, task["kind"])
    build_s = time.perf_counter() - started
    folder = Path(task["out"])
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    store.save(folder)
    return {"kind": task["kind"], "build_s": round(build_s, 2), "save_s": round(time.perf_counter() - started, 2),
            "params": store.params, "file_mb": du_mb(folder / FILE_NAME),
            "input_mb": round(with_input["rss"] - before["rss"], 1), "peak_rss_mb": peak_rss_mb()}


def task_vector_query(task: dict[str, Any]) -> dict[str, Any]:
    """Load one index kind (memory-mapped) and time single-query dense searches; save the ids."""
    import faiss

    from planqa.index.faiss import FaissStore

    queries = np.load(task["queries"])
    before = rss_mb()
    started = time.perf_counter()
    store = FaissStore.load(Path(task["folder"]), task["kind"], mmap=True)
    load_s = time.perf_counter() - started
    loaded = rss_mb()
    for query in queries[: task["warmup"]]:
        store.search(query[None, :], task["k"])
    ids, times = [], []
    for query in queries:
        started = time.perf_counter()
        _, found = store.search(query[None, :], task["k"])
        times.append(time.perf_counter() - started)
        ids.append(found[0])
    after = rss_mb()
    np.save(Path(task["folder"]) / "ids.npy", np.asarray(ids, dtype=np.int64), allow_pickle=False)
    sweep = _sweep(store, queries, task["k"], task.get("exact_ids"))
    return {"kind": task["kind"], "load_s": round(load_s, 3), "search_ms": _ms(times), "sweep": sweep,
            "threads": faiss.omp_get_max_threads(),
            "memory_loaded_mb": round(loaded["rss"] - before["rss"], 1),
            "memory_mb": round(after["rss"] - before["rss"], 1),
            "memory_file_backed_mb": round(after["file"] - before["file"], 1),
            "peak_rss_mb": peak_rss_mb()}


def _sweep(store: Any, queries: np.ndarray, k: int, exact_path: str | None) -> list[dict[str, Any]]:
    """Recall and latency of an approximate index at other search settings (IVF nprobe, HNSW
    efSearch: half, as built, double); the setting as built is restored afterwards."""
    if exact_path is None or store.kind not in ("ivf-fp16", "ivf-sq8", "hnsw"):
        return []
    exact = np.load(exact_path)
    holder, name = (store.index.hnsw, "efSearch") if store.kind == "hnsw" else (store.index, "nprobe")
    built = int(getattr(holder, name))
    limit = int(store.index.nlist) if name == "nprobe" else 4096
    out = []
    for value in sorted({max(1, built // 2), built, min(limit, built * 2)}):
        setattr(holder, name, value)
        ids, times = [], []
        for query in queries:
            started = time.perf_counter()
            ids.append(store.search(query[None, :], k)[1][0])
            times.append(time.perf_counter() - started)
        found = np.asarray(ids)
        recall = {f"recall@{n}": round(float(np.mean([len(set(a[:n]) & set(e[:n])) / n for a, e in zip(found, exact)])), 4)
                  for n in (10, k)}
        out.append({name: value, "as_built": value == built, **recall, "search_ms": _ms(times)})
    setattr(holder, name, built)
    return out


# ---------------------------------------------------------------------------------- BM25


def task_bm25(task: dict[str, Any]) -> dict[str, Any]:
    """Build the BM25 index of the size's chunks from their tokens (tokenised by the corpus stage)."""
    from planqa.index.bm25 import BM25Index
    from planqa.index import Index
    from planqa.tokenize import ChineseTokenizer, TokenizerSettings

    tokenizer = ChineseTokenizer(TokenizerSettings.from_dict(Index.load(task["index"]).manifest["tokenizer"]))
    size = task["size"]
    before = rss_mb()

    def token_lists():
        with open(task["tokens"], encoding="utf-8") as handle:
            for row, line in enumerate(handle):
                if row >= size:
                    return
                yield line.split()

    started = time.perf_counter()
    bm25 = BM25Index.from_tokens(token_lists(), tokenizer)
    build_s = time.perf_counter() - started
    built = rss_mb()
    out = Path(task["out"])
    started = time.perf_counter()
    bm25.save(out)
    save_s = time.perf_counter() - started
    scores = bm25._retriever.scores
    return {"build_s": round(build_s, 2), "save_s": round(save_s, 2), "rows": len(bm25),
            "vocabulary": len(bm25._retriever.vocab_dict), "postings": int(len(scores["data"])),
            "memory_mb": round(built["rss"] - before["rss"], 1), "peak_rss_mb": peak_rss_mb(), "disk_mb": du_mb(out)}


# ---------------------------------------------------------------------------------- search


class _Timed:
    """Wraps an object; records the seconds of each call of one method in ``times``."""

    def __init__(self, inner: Any, method: str):
        self._inner, self._method, self.times = inner, method, []

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if name != self._method:
            return value

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return value(*args, **kwargs)
            finally:
                self.times.append(time.perf_counter() - started)
        return timed


class _TimedFunction:
    """A function that records the seconds of each call."""

    def __init__(self, fn: Callable[..., Any]):
        self.fn, self.times = fn, []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.times.append(time.perf_counter() - started)


def _timed(step: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = step()
    return value, time.perf_counter() - started


def task_search(task: dict[str, Any]) -> dict[str, Any]:
    """The whole default search (analysis, embed, dense, BM25, fusion, boosts) on the size's snapshot.

    0. The model is loaded first (``load_s.model``), so that the memory the index adds can be
       told apart from it.
    1. *Load*, each step timed on its own as a first search would trigger it: ``Index.load``
       (manifest, documents.json, the memory-mapped chunk rows), the vector index, BM25, the
       jieba dictionary (does not depend on the index, kept out of the sum), the searcher's
       region table and heading table. ``whole_index`` is the sum of the index's steps;
       ``memory_index_mb`` what they added to resident memory (jieba's apart:
       ``memory_tokenizer_mb``).
    2. ``warmup`` questions, not timed (first page-ins of the indexes).
    3. Every question through ``Searcher.search(q, k=10)`` unchanged, with the automatically
       chosen vector index and, interleaved query by query in random order, the exact one.
       Parts are timed by wrapping the query embedder, both vector stores, BM25 and
       ``analyze_query``; the rest (fusion, boosts, hits) is the total minus the parts, clipped at
       0: the searcher may run BM25 concurrently with the embedding, then the parts overlap.
    """
    import planqa.retrieve.searcher as searcher_module
    from planqa.embed import load_embedder
    from planqa.index import Index
    from planqa.index.catalog import CHUNKS_META, DOCUMENTS_META
    from planqa.index.faiss import FaissStore
    from planqa.index.store import MANIFEST, read_json, require_snapshot
    from planqa.retrieve import Searcher

    model = read_json(require_snapshot(Path(task["index_dir"])) / MANIFEST)["embedder"]["name"]
    started = time.perf_counter()
    embedder = load_embedder(model, num_threads=task.get("threads"))
    embedder.encode_queries(["预热"])  # the model may load on first use
    model_s = time.perf_counter() - started
    before = rss_mb()
    index, index_s = _timed(lambda: Index.load(task["index_dir"]))
    auto, vectors_s = _timed(lambda: index.vectors)
    bm25, bm25_s = _timed(lambda: index.bm25)
    files = rss_mb()
    _, tokenizer_s = _timed(lambda: index.tokenizer.tokenize("预热"))  # jieba's dictionary, ~100 MiB
    tokenizer = rss_mb()
    searcher = Searcher(index, embedder)
    _, regions_s = _timed(lambda: searcher.regions)
    _, headings_s = _timed(lambda: searcher.headings)
    loaded = rss_mb()
    # the index's memory: what loading its files and building the searcher's tables added, not jieba's
    index_memory = {key: round(files[key] - before[key] + loaded[key] - tokenizer[key], 1) for key in before}
    load = {"chunks_and_documents": index_s, "vectors": vectors_s, "bm25": bm25_s,
            "region_table": regions_s, "heading_table": headings_s}
    load["whole_index"] = sum(load.values())
    load |= {"tokenizer": tokenizer_s, "model": model_s}

    exact = FaissStore.load(Path(task["exact_folder"]), "flat", mmap=True)
    sides = {"auto": _Timed(auto, "search"), "exact": _Timed(exact, "search")}
    timed_bm25 = _Timed(bm25, "search")
    index.__dict__["bm25"] = timed_bm25
    timed_embed = searcher.wrap_embedder(lambda inner: _Timed(inner, "encode_queries"))
    qs = questions(Path(task["gold"]), task.get("queries"))
    first_search_s = None
    for q in qs[: task["warmup"]]:  # pages in the indexes
        for store in sides.values():
            index.__dict__["vectors"] = store
            _, seconds = _timed(lambda: searcher.search(q, k=10))
            first_search_s = seconds if first_search_s is None else first_search_s

    rng = random.Random(0)
    totals: dict[str, list[float]] = {side: [] for side in sides}
    cpu_times: dict[str, list[float]] = {side: [] for side in sides}
    parts: dict[str, dict[str, list[float]]] = {side: {"embed": [], "dense": [], "bm25": [], "analyze": []}
                                               for side in sides}
    top: dict[str, list[list[str]]] = {side: [] for side in sides}
    original_analyze = searcher_module.analyze_query
    analysis = _TimedFunction(original_analyze)
    searcher_module.analyze_query = analysis
    try:
        for q in qs:
            order = list(sides)
            rng.shuffle(order)
            for side in order:
                store = sides[side]
                index.__dict__["vectors"] = store
                marks = [len(store.times), len(timed_bm25.times), len(timed_embed.times), len(analysis.times)]
                started, cpu = time.perf_counter(), time.process_time()
                hits = searcher.search(q, k=10)
                totals[side].append(time.perf_counter() - started)
                cpu_times[side].append(time.process_time() - cpu)
                parts[side]["dense"].append(sum(store.times[marks[0]:]))
                parts[side]["bm25"].append(sum(timed_bm25.times[marks[1]:]))
                parts[side]["embed"].append(sum(timed_embed.times[marks[2]:]))
                parts[side]["analyze"].append(sum(analysis.times[marks[3]:]))
                top[side].append([h.chunk_id for h in hits])
    finally:
        searcher_module.analyze_query = original_analyze
    after = rss_mb()
    snapshot = index.snapshot
    overlap = [len(set(a) & set(e)) / max(1, len(e)) for a, e in zip(top["auto"], top["exact"])]
    out: dict[str, Any] = {
        "queries": len(qs), "documents": len(index.documents), "chunks": len(index.chunks),
        "regions": len({info.region for info in index.documents.infos() if info.region}),
        "region_aliases": len(searcher.regions.alias_to_region),
        "section_paths": len(index.chunks.section_paths),
        "catalog_files": (snapshot / DOCUMENTS_META).exists() and (snapshot / CHUNKS_META).exists(),
        "load_s": {k: round(v, 3) for k, v in load.items()},
        "first_search_s": round(first_search_s, 3) if first_search_s is not None else None,
        "memory_index_mb": index_memory["rss"], "memory_index_anon_mb": index_memory["anon"],
        "memory_index_file_mb": index_memory["file"],
        "memory_tokenizer_mb": round(tokenizer["rss"] - files["rss"], 1),
        "memory_after_searches_mb": round(after["rss"] - before["rss"], 1),
        "rss_after_load_mb": loaded, "rss_after_mb": after, "peak_rss_mb": peak_rss_mb(),
        "hybrid_top10_overlap_auto_vs_exact": round(float(np.mean(overlap)), 4) if overlap else None,
        "vector_params": auto.params, "embed_threads": task.get("threads"),
    }
    for side in sides:
        sums = [sum(p[i] for p in parts[side].values()) for i in range(len(totals[side]))]
        rest = [max(0.0, t - s) for t, s in zip(totals[side], sums)]
        without_embed = [t - e for t, e in zip(totals[side], parts[side]["embed"])]
        out[side] = {"total_ms": _ms(totals[side]), "cpu_ms": _ms(cpu_times[side]),
                     "without_embed_ms": _ms(without_embed),
                     **{f"{k}_ms": _ms(v) for k, v in parts[side].items()},
                     "fusion_and_rest_ms": _ms(rest)}
    return out


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "model": task_model, "vectors": task_vectors, "vector_build": task_vector_build,
    "vector_query": task_vector_query, "bm25": task_bm25, "search": task_search,
}
