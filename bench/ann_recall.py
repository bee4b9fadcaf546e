"""Approximate (HNSW) vs exact (flat) vector search: recall@10, build time, query latency.

Vectors are derived from the real chunk embeddings of an index (real vectors plus small
Gaussian noise, renormalised; stated as such in the report), because embedding hundreds of
thousands of real chunks on a 2-core machine takes days. Queries are real query embeddings
of the gold questions. The exact flat index is the baseline measured in the same run.

    python bench/ann_recall.py [--index index/] [--sizes 10000,50000,100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planqa.config import default_index_dir  # noqa: E402
from planqa.index import Index  # noqa: E402
from planqa.index.faiss import FaissStore  # noqa: E402

REPORTS = Path(__file__).resolve().parent / "reports"


def synthetic(base: np.ndarray, size: int, noise: float, seed: int = 0) -> np.ndarray:
    """``size`` vectors: real vectors repeated, each with Gaussian noise, renormalised."""
    rng = np.random.default_rng(seed)
    picks = base[rng.integers(0, len(base), size)]
    vectors = picks + rng.normal(0, noise, picks.shape).astype(np.float32)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def timed_search(store: FaissStore, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    ids, latencies = [], []
    for query in queries:
        start = time.perf_counter()
        _, found = store.search(query[None, :], k)
        latencies.append((time.perf_counter() - start) * 1000)
        ids.append(found[0])
    return np.array(ids), latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=default_index_dir())
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()

    index = Index.load(args.index)
    base = index.vectors.vectors()
    from planqa.embed import load_embedder
    from planqa.evaluate.gold import load_gold

    questions = [q.question for q in load_gold(Path("eval/gold.jsonl"))][: args.queries]
    queries = load_embedder(index.model_name).encode_queries(questions)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        vectors = synthetic(base, size, args.noise)
        started = time.perf_counter()
        flat = FaissStore.build(vectors, "flat")
        flat_build = time.perf_counter() - started
        started = time.perf_counter()
        hnsw = FaissStore.build(vectors, "hnsw")
        hnsw_build = time.perf_counter() - started
        exact, flat_ms = timed_search(flat, queries, 10)
        approx, hnsw_ms = timed_search(hnsw, queries, 10)
        recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]))
        rows.append({
            "size": size, "recall@10": round(recall, 4),
            "flat_build_s": round(flat_build, 3), "hnsw_build_s": round(hnsw_build, 3),
            "flat_p50_ms": round(float(np.percentile(flat_ms, 50)), 3),
            "hnsw_p50_ms": round(float(np.percentile(hnsw_ms, 50)), 3),
            "hnsw_p50_vs_flat": round(float(np.percentile(hnsw_ms, 50) / np.percentile(flat_ms, 50)), 3),
            "params": hnsw.params,
        })
        print(json.dumps(rows[-1], ensure_ascii=False))
    REPORTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    (REPORTS / f"{stamp}-ann-recall.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [
        f"# HNSW vs exact search ({stamp})", "",
        f"Vectors: the index's {len(base)} real chunk embeddings ({index.model_name}) repeated with Gaussian "
        f"noise σ={args.noise} and renormalised; queries: {len(questions)} real gold-set question embeddings. "
        "Baseline: exact inner-product (flat) search in the same run.", "",
        "| vectors | recall@10 vs exact | flat build s | HNSW build s | flat p50 ms | HNSW p50 ms | HNSW/flat p50 |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [f"| {r['size']} | {r['recall@10']} | {r['flat_build_s']} | {r['hnsw_build_s']} | {r['flat_p50_ms']} | "
              f"{r['hnsw_p50_ms']} | {r['hnsw_p50_vs_flat']} |" for r in rows]
    lines += ["", f"HNSW parameters: {rows[0]['params'] if rows else {}}. planqa switches from flat to HNSW "
              "at 50 000 vectors (planqa/index/faiss.py, HNSW_FROM)."]
    (REPORTS / f"{stamp}-ann-recall.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
