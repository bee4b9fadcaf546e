"""Scale benchmark: planqa's costs at 10k-1M chunks, with exact search measured beside it.

    python bench/scale/run.py --sizes 10000,100000,1000000

Text side (real planqa code on generated text): documents generated from the five real plans
(bench/scale/generate.py) go through cleaning, outline, chunking and BM25 tokenisation in
``--processes`` processes; the BM25 index of each size is built from those tokens. Vector
side: vectors derived from the real chunk embeddings (bench/scale/vectors.py), because
embedding a million chunks on two cores takes days; queries are the gold questions embedded
by the real model. Every measurement runs in a fresh process (bench/scale/workers.py).
Output: bench/reports/<name>.json, <name>.md and <name>.png. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import REPORTS, ROOT, environment, run_worker  # noqa: E402

SCRIPT = Path(__file__).resolve()
DEFAULT_KINDS = "flat,ivf-fp16,ivf-sq8,hnsw"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="chunk counts, comma-separated")
    parser.add_argument("--index", type=Path, default=None, help="the real index (default $PLANQA_INDEX, else index/)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/planqa-scale"),
                        help="work folder for the generated corpus and the indexes (several GB at 1M)")
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.jsonl")
    parser.add_argument("--queries", type=int, default=None, help="first N gold questions (default all)")
    parser.add_argument("--kinds", default=DEFAULT_KINDS, help="vector index kinds; flat (exact) is always measured")
    parser.add_argument("--hnsw-max", type=int, default=100_000, help="largest size HNSW is built for (slow)")
    parser.add_argument("--processes", type=int, default=2, help="processes for the text pipeline")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embed-chunks", type=int, default=64, help="real chunks embedded for throughput")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None,
                        help="embedding engine threads (default: the library's, i.e. all cores)")
    parser.add_argument("--regenerate", action="store_true", help="generate the corpus even if the work folder has it")
    parser.add_argument("--out", type=Path, default=REPORTS)
    parser.add_argument("--name", default="scale")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def worker_main(task_json: str, out: str) -> int:
    from bench.scale.workers import TASKS

    task = json.loads(task_json)
    result = TASKS[task["task"]](task)
    Path(out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


class Run:
    """One benchmark run: orchestrates the workers and collects their results."""

    def __init__(self, args: argparse.Namespace):
        from planqa.config import default_index_dir
        from planqa.index.store import MANIFEST, require_snapshot

        self.args = args
        self.index_dir = (args.index or default_index_dir()).resolve()
        self.real_manifest = json.loads((require_snapshot(self.index_dir) / MANIFEST).read_text(encoding="utf-8"))
        self.sizes = sorted(int(s) for s in args.sizes.split(","))
        self.kinds = [k for k in dict.fromkeys(["flat", *args.kinds.split(",")]) if k]
        self.work = args.work.resolve()
        self.corpus = self.work / f"corpus-s{args.seed}"
        self.started = time.perf_counter()
        self.results: dict[str, Any] = {"environment": environment(), "settings": {
            k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if not k.startswith("worker")}}

    def say(self, message: str) -> None:
        if not self.args.quiet:
            print(f"[{time.perf_counter() - self.started:7.1f}s] {message}", flush=True)

    def worker(self, task: dict[str, Any]) -> dict[str, Any]:
        self.say(f"{task['task']} {task.get('size', '')} {task.get('kind', '')}".rstrip())
        result = run_worker(SCRIPT, task, self.work)
        return result

    # ------------------------------------------------------------------ stages

    def corpus_stage(self) -> None:
        from bench.scale.corpus import build_corpus, corpus_complete

        self.work.mkdir(parents=True, exist_ok=True)
        need, source = max(self.sizes), self.real_manifest["corpus_hash"]
        meta = None if self.args.regenerate else corpus_complete(self.corpus, need, self.args.seed, source)
        if meta:
            self.say(f"reusing the generated corpus in {self.corpus} ({meta['chunks']} chunks, {meta['created']})")
            meta["reused"] = True
            from bench.scale.corpus import current_pipeline

            meta["pipeline_changed_since"] = meta.get("pipeline_fingerprint") != current_pipeline()
            if meta["pipeline_changed_since"]:
                self.say("note: planqa's cleaning/chunking/tokenizer code changed since (or is not recorded); "
                         "--regenerate measures the current code")
        else:
            self.say(f"generating {need} chunks with {self.args.processes} processes")
            meta = build_corpus(self.index_dir, self.corpus, need, self.args.seed, self.args.processes,
                                source_hash=source, progress=not self.args.quiet)
            meta["reused"] = False
        if not (self.corpus / "base.npy").exists():
            self._save_base()
        self.results["corpus"] = meta

    def _save_base(self) -> None:
        import numpy as np

        from planqa.index import Index

        index = Index.load(self.index_dir)
        np.save(self.corpus / "base.npy", index.vectors.vectors(), allow_pickle=False)

    def model_stage(self) -> None:
        self.queries = self.work / "queries.npy"
        self.results["model"] = self.worker({
            "task": "model", "index": str(self.index_dir), "gold": str(self.args.gold), "queries": self.args.queries,
            "embed_chunks": self.args.embed_chunks, "out": str(self.queries), "threads": self.args.threads})

    def size_stage(self, size: int) -> dict[str, Any]:
        import numpy as np

        from bench.scale.corpus import prefix_stats
        from bench.scale.snapshot import assemble
        from planqa.index.faiss import choose_kind

        folder = self.work / f"size-{size}"
        folder.mkdir(parents=True, exist_ok=True)
        out: dict[str, Any] = {"size": size, "text": prefix_stats(self.corpus, size)}
        vectors = folder / "vectors.npy"
        out["vectors"] = self.worker({"task": "vectors", "size": size, "corpus": str(self.corpus), "seed": self.args.seed,
                                      "out": str(vectors), "queries": str(self.queries)})
        auto = choose_kind(size)
        kinds = list(dict.fromkeys([*self.kinds, auto]))
        out["auto_kind"] = auto
        out["indexes"] = {}
        exact_ids = None
        for kind in kinds:
            if kind == "hnsw" and size > self.args.hnsw_max:
                out["indexes"][kind] = {"skipped": f"size above --hnsw-max {self.args.hnsw_max}"
                                        + self._hnsw_estimate(size)}
                continue
            kind_folder = folder / kind
            built = self.worker({"task": "vector_build", "size": size, "kind": kind, "vectors": str(vectors),
                                 "out": str(kind_folder), "auto": kind == auto})
            queried = self.worker({"task": "vector_query", "size": size, "kind": kind, "folder": str(kind_folder),
                                   "queries": str(self.queries), "k": 50, "warmup": self.args.warmup,
                                   "exact_ids": str(folder / "flat" / "ids.npy") if exact_ids is not None else None})
            ids = np.load(kind_folder / "ids.npy")
            if kind == "flat":
                exact_ids = ids
            entry = {**built, **{k: v for k, v in queried.items() if k != "peak_rss_mb"},
                     "build_peak_rss_mb": built["peak_rss_mb"], "query_peak_rss_mb": queried["peak_rss_mb"]}
            if exact_ids is not None:
                entry["recall@10"] = recall(ids, exact_ids, 10)
                entry["recall@50"] = recall(ids, exact_ids, 50)
            out["indexes"][kind] = entry
        vectors.unlink()  # GBs at 1M; derived again next run
        bm25_folder = folder / "bm25"
        out["bm25"] = self.worker({"task": "bm25", "size": size, "index": str(self.index_dir),
                                   "tokens": str(self.corpus / "tokens.txt"), "out": str(bm25_folder)})
        out["bm25"]["tokenize_s_1proc"] = round(out["text"]["tokenize_s"], 1)
        index_dir = folder / "index"
        started = time.perf_counter()
        assemble(index_dir, self.corpus, size, self.real_manifest, folder / auto,
                 out["indexes"][auto]["params"], bm25_folder)
        out["assemble_s"] = round(time.perf_counter() - started, 1)
        out["search"] = self.worker({"task": "search", "size": size, "index_dir": str(index_dir),
                                     "exact_folder": str(folder / "flat"), "gold": str(self.args.gold),
                                     "queries": self.args.queries, "warmup": self.args.warmup,
                                     "threads": self.args.threads})
        from bench.scale.workers import du_mb

        snapshot = index_dir / "v-scale"
        out["disk_mb"] = {"vectors_auto": out["indexes"][auto]["file_mb"], "vectors_exact": out["indexes"]["flat"]["file_mb"],
                          "bm25": out["bm25"]["disk_mb"], "chunks_jsonl": du_mb(snapshot / "chunks.jsonl"),
                          "catalog": round(sum(du_mb(p) for p in [snapshot / "documents.json",
                                                                  *snapshot.glob("chunks.*.npy"),
                                                                  snapshot / "chunks.meta.json"] if p.exists()), 2),
                          "documents": round(sum((self.corpus / "docs" / p.name).stat().st_size
                                                 for p in (snapshot / "docs").iterdir()) / 2**20, 1)}
        out["disk_mb"]["snapshot_total"] = round(sum(v for k, v in out["disk_mb"].items() if k != "vectors_exact"), 1)
        return out

    def _hnsw_estimate(self, size: int) -> str:
        """Build time and memory of HNSW at ``size``, scaled linearly from the largest size built
        (a lower bound for the time: insertion cost grows with the graph)."""
        built = [s for s in self.results.get("sizes", []) if "build_s" in s["indexes"].get("hnsw", {})]
        if not built:
            return ""
        last = built[-1]
        scale = size / last["size"]
        entry = last["indexes"]["hnsw"]
        return (f"; scaled from {last['size']:,}: build ≥ {entry['build_s'] * scale:,.0f} s, "
                f"memory ≈ {entry['file_mb'] * scale:,.0f} MiB")

    def run(self) -> dict[str, Any]:
        self.corpus_stage()
        self.model_stage()
        self.results["sizes"] = []
        for size in self.sizes:
            self.results["sizes"].append(self.size_stage(size))
            self._write()  # partial results survive a later failure
        self.results["wall_s"] = round(time.perf_counter() - self.started, 1)
        self.results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        return self._write()

    def _write(self) -> dict[str, Any]:
        from bench.scale.report import write

        paths = write(self.results, self.args.out, self.args.name)
        self.results["files"] = [str(p) for p in paths]
        return self.results


def recall(found, exact, k: int) -> float:
    """Mean share of the exact top ``k`` that the approximate top ``k`` holds."""
    import numpy as np

    hits = [len(set(a[:k][a[:k] >= 0]) & set(e[:k][e[:k] >= 0])) / max(1, int((e[:k] >= 0).sum()))
            for a, e in zip(found, exact)]
    return round(float(np.mean(hits)), 4)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker_main(args.worker, args.worker_out)
    results = Run(args).run()
    print("\n".join(results["files"]))
    print(f"total {results['wall_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
