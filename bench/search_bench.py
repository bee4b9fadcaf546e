"""Search benchmark: planqa vs the user-assembled baseline, measured in one run.

For each side: index build time for the corpus (cold: empty embedding cache; warm: cache
filled), single-query latency p50/p95 over the gold questions, the time to embed the query
alone and "search p50 / embed-query p50", load time and peak RSS. Builds and the memory
measurement run each side alone in a fresh subprocess; latency runs both sides in one
process, interleaved in a shuffled order, so both see the same machine load. Figures are
also given as ratios planqa / baseline, since absolute times on these machines are noisy.

    python bench/search_bench.py [--index DIR] [--skip-cold] [--queries N]
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    REPORTS,
    ROOT,
    environment,
    markdown_table,
    peak_rss_mb,
    ratio,
    run_worker,
    stats as _stats,
    write_report,
)

SCRIPT = Path(__file__).resolve()
SYSTEMS = ("planqa", "baseline")
REPORT_NAME = "search_bench"
TARGET_SEARCH_OVER_EMBED = 1.5


# ---------------------------------------------------------------------- workers (subprocesses)

def _embedder(threads: int | None, model: str | None = None) -> Any:
    """The embedding model with ``threads`` engine threads, or None to let each side load its default."""
    if not threads:
        return None
    from planqa.embed import load_embedder

    return load_embedder(model, num_threads=threads)


def _searcher(system: str, index: str, k: int, threads: int | None):
    """(embedder, search(query, mode)) for one side, loaded from ``index``."""
    if system == "planqa":
        from planqa.index import Index
        from planqa.retrieve import Searcher

        loaded = Index.load(index)
        searcher = Searcher(loaded, _embedder(threads, loaded.model_name))
        return searcher.embedder, lambda query, mode: searcher.search(query, k, retriever=mode)
    from planqa.retrieve.baseline import BaselineRetriever

    baseline = BaselineRetriever.load(index, embedder=_embedder(threads))
    return baseline.embedder, lambda query, mode: baseline.search(query, k, mode=mode)


def work_latency(task: dict[str, Any]) -> dict[str, Any]:
    """Load both sides in this process, warm them up, then time embed-only and search for every
    query, both sides interleaved in a shuffled order (both see the same machine load)."""
    import random

    queries, modes, systems = task["queries"], task["modes"], task["systems"]
    sides = {system: _searcher(system, task["index"], task["k"], task.get("threads")) for system in systems}
    for embedder, search in sides.values():
        for query in queries[: task["warmup"]]:
            embedder.encode_queries([query])
            for mode in modes:
                search(query, mode)
    n = len(queries)
    # times[system][step][query] = one duration per repeat; step None = embed the query alone
    times = {system: {step: [[] for _ in range(n)] for step in [None, *modes]} for system in systems}
    shuffle = random.Random(0).shuffle
    for _ in range(task["repeat"]):
        for i, query in enumerate(queries):
            steps = [(system, step) for system in systems for step in [None, *modes]]
            shuffle(steps)
            for system, step in steps:
                embedder, search = sides[system]
                tick = time.perf_counter()
                if step is None:
                    embedder.encode_queries([query])
                elif not search(query, step):
                    logging.warning("%s/%s: no hit for %r", system, step, query)
                times[system][step][i].append(time.perf_counter() - tick)
    return {system: {"queries": n, "repeat": task["repeat"], "embed_query_ms": _stats(t[None]),
                     "search_ms": {mode: _stats(t[mode], t[None]) for mode in modes}}
            for system, t in times.items()}


def work_memory(task: dict[str, Any]) -> dict[str, Any]:
    """One side alone: load it, run the queries in every mode, report load time and peak RSS."""
    started = time.perf_counter()
    embedder, search = _searcher(task["system"], task["index"], task["k"], task.get("threads"))
    load_seconds = time.perf_counter() - started
    for query in task["queries"]:
        embedder.encode_queries([query])
        for mode in task["modes"]:
            search(query, mode)
    return {"load_seconds": round(load_seconds, 3), "peak_rss_mb": peak_rss_mb()}


def _cache_count(folder: Path) -> int:
    from planqa.embed import EmbeddingCache

    with EmbeddingCache(folder / "cache") as cache:
        return cache.count()


def work_build(task: dict[str, Any]) -> dict[str, Any]:
    """Build one side's index of ``corpus`` in ``folder`` (its cache in ``folder/cache``)."""
    folder, corpus = Path(task["folder"]), Path(task["corpus"])
    before = _cache_count(folder)
    started = time.perf_counter()
    if task["system"] == "planqa":
        from planqa.index.build import build_index

        chunks = build_index(corpus, folder, embedder=_embedder(task.get("threads")))["chunks"]
    else:
        from planqa.ingest import load_corpus
        from planqa.retrieve.baseline import BaselineRetriever

        retriever = BaselineRetriever.build(load_corpus(corpus).documents, embedder=_embedder(task.get("threads")),
                                            cache_dir=folder / "cache")
        retriever.save(folder / "baseline")
        chunks = len(retriever.chunks)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "chunks": chunks, "embedded": _cache_count(folder) - before,
            "peak_rss_mb": peak_rss_mb()}


def work_prepare(task: dict[str, Any]) -> dict[str, Any]:
    """Build (or load) the baseline stored in the index folder, outside the timed runs."""
    from planqa.retrieve.baseline import BaselineRetriever

    started = time.perf_counter()
    retriever = BaselineRetriever.load(task["index"])
    return {"seconds": round(time.perf_counter() - started, 2), "chunks": len(retriever.chunks)}


WORKERS = {"latency": work_latency, "memory": work_memory, "build": work_build, "prepare": work_prepare}


# ---------------------------------------------------------------------- orchestration

def copy_cache(index_dir: Path, folder: Path) -> None:
    """Copy the index's embedding cache into ``folder/cache`` (SQLite backup: WAL-safe)."""
    source = index_dir / "cache" / "embeddings.sqlite3"
    (folder / "cache").mkdir(parents=True, exist_ok=True)
    if source.exists():
        with sqlite3.connect(source) as src, sqlite3.connect(folder / "cache" / "embeddings.sqlite3") as dst:
            src.backup(dst)


def measure_builds(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for system in SYSTEMS:
        folder = scratch / f"build-{system}"
        folder.mkdir()
        results[system] = {}
        if args.skip_cold:
            copy_cache(args.index, folder)
        else:
            logging.info("%s: cold build (empty embedding cache)", system)
            results[system]["cold"] = run_worker(SCRIPT, {"task": "build", "system": system, "folder": str(folder),
                                                          "corpus": str(args.corpus), "threads": args.threads}, scratch)
        logging.info("%s: warm build", system)
        results[system]["warm"] = run_worker(SCRIPT, {"task": "build", "system": system, "folder": str(folder),
                                                      "corpus": str(args.corpus), "threads": args.threads}, scratch)
        shutil.rmtree(folder, ignore_errors=True)
    return results


def measure_latency(args: argparse.Namespace, scratch: Path, queries: list[str]) -> dict[str, Any]:
    logging.info("baseline: preparing its index in %s/baseline", args.index)
    prepared = run_worker(SCRIPT, {"task": "prepare", "index": str(args.index)}, scratch)
    results: dict[str, Any] = {"baseline_prepare": prepared}
    common = {"index": str(args.index), "k": args.k, "modes": args.modes, "threads": args.threads}
    for system in SYSTEMS:
        logging.info("%s: load time and peak memory (%d queries)", system, min(len(queries), args.memory_queries))
        results[system] = run_worker(SCRIPT, {"task": "memory", "system": system,
                                              "queries": queries[: args.memory_queries], **common}, scratch)
    logging.info("latency over %d queries × %d, both sides interleaved", len(queries), args.repeat)
    paired = run_worker(SCRIPT, {"task": "latency", "systems": list(SYSTEMS), "queries": queries,
                                 "warmup": args.warmup, "repeat": args.repeat, **common}, scratch)
    for system in SYSTEMS:
        results[system].update(paired[system])
    return results


def load_queries(gold: Path, limit: int | None) -> list[str]:
    with open(gold, encoding="utf-8") as handle:
        questions = [json.loads(line)["question"] for line in handle if line.strip()]
    return questions[:limit] if limit else questions


def summarise(builds: dict[str, Any], latency: dict[str, Any], modes: list[str]) -> dict[str, Any]:
    """planqa / baseline ratios of every figure."""
    p, b = latency["planqa"], latency["baseline"]
    out: dict[str, Any] = {"peak_rss_search": ratio(p["peak_rss_mb"], b["peak_rss_mb"]),
                           "embed_query_p50": ratio(p["embed_query_ms"]["p50"], b["embed_query_ms"]["p50"]),
                           "embed_query_best_p50": ratio(p["embed_query_ms"]["best_p50"],
                                                         b["embed_query_ms"]["best_p50"])}
    for mode in modes:
        for q in ("p50", "p95", "best_p50", "best_p95"):
            out[f"search_{mode}_{q}"] = ratio(p["search_ms"][mode][q], b["search_ms"][mode][q])
    for kind in ("cold", "warm"):
        if kind in builds["planqa"] and kind in builds["baseline"]:
            out[f"build_{kind}_seconds"] = ratio(builds["planqa"][kind]["seconds"], builds["baseline"][kind]["seconds"])
            out[f"build_{kind}_peak_rss"] = ratio(builds["planqa"][kind]["peak_rss_mb"],
                                                  builds["baseline"][kind]["peak_rss_mb"])
    return out


def to_markdown(data: dict[str, Any]) -> str:
    lat, builds, modes = data["latency"], data["builds"], data["settings"]["modes"]
    env, s = data["environment"], data["settings"]
    parts = [f"# Search benchmark ({env['date']})", "",
             f"Index `{s['index']}`, {s['queries']} gold questions, k={s['k']}, warm-up {s['warmup']}, "
             f"embedding threads {s['threads'] or 'default'}; "
             f"{env['cpus']} CPUs, load average at start {env['load_average_at_start']}, "
             f"commit {env['git_commit']}{' (dirty)' if env['git_dirty'] else ''}.", "",
             f"## Query latency (ms; one query at a time, every question run {s['repeat']}×)", "",
             "Both sides in one process, steps shuffled per question. *all runs*: percentiles over every "
             "run; *best*: over each question's fastest run (less sensitive to other jobs on the machine). "
             f"Peak RSS and load time: each side alone in its own process ({s['memory_queries']} questions).", ""]
    rows = []
    for system in SYSTEMS:
        r = lat[system]
        embed = r["embed_query_ms"]
        for mode in modes:
            m = r["search_ms"][mode]
            rows.append([system, mode, m["p50"], m["p95"], embed["p50"], m["search_over_embed_p50"],
                         m["best_p50"], m["best_p95"], embed["best_p50"], m["best_search_over_embed_p50"],
                         r["peak_rss_mb"], r["load_seconds"]])
    hybrid = lat["planqa"]["search_ms"].get("hybrid", {})
    parts += [markdown_table(["side", "mode", "search p50", "search p95", "embed-query p50", "search/embed p50",
                              "best search p50", "best search p95", "best embed p50", "best search/embed p50",
                              "peak RSS MiB", "load s"], rows), "",
              f"Target for planqa hybrid: search p50 / embed-query p50 ≤ {TARGET_SEARCH_OVER_EMBED} "
              f"(measured {hybrid.get('search_over_embed_p50')} over all runs, "
              f"{hybrid.get('best_search_over_embed_p50')} over best runs).", "",
              "## Index build of the corpus (s; subprocess each, embedding model load included)", ""]
    rows = [[system, kind, r["seconds"], r["chunks"], r["embedded"], r["peak_rss_mb"]]
            for system in SYSTEMS for kind, r in builds[system].items()]
    parts += [markdown_table(["side", "cache", "seconds", "chunks", "embedded", "peak RSS MiB"], rows), "",
              "## Ratios planqa / baseline (same run; < 1 means planqa is faster or smaller)", "",
              markdown_table(["figure", "ratio"], [[k, v] for k, v in data["ratios"].items()]), ""]
    return "\n".join(parts)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from planqa.config import default_index_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: $PLANQA_INDEX, else index/)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="corpus folder for the build timings")
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.jsonl", help="questions (field 'question')")
    parser.add_argument("--queries", type=int, default=None, help="use only the first N questions")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5, help="queries run before timing")
    parser.add_argument("--repeat", type=int, default=3, help="runs of every question (default 3)")
    parser.add_argument("--memory-queries", type=int, default=20,
                        help="questions each side runs alone for load time and peak memory (default 20)")
    parser.add_argument("--threads", type=int, default=None,
                        help="embedding engine threads for both sides (default: the library default)")
    parser.add_argument("--name", default=REPORT_NAME, help="report file name, without extension")
    parser.add_argument("--modes", default="hybrid", help="comma-separated: hybrid,bm25,dense (default hybrid)")
    parser.add_argument("--skip-cold", action="store_true", help="skip the cold builds (several minutes each)")
    parser.add_argument("--skip-build", action="store_true", help="skip the build timings altogether")
    parser.add_argument("--out", type=Path, default=REPORTS, help="report folder (default bench/reports/)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is None:
        args.index = (args.index or default_index_dir()).resolve()
        args.corpus, args.gold, args.out = args.corpus.resolve(), args.gold.resolve(), args.out.resolve()
        args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    if args.worker is not None:
        logging.getLogger().setLevel(logging.WARNING)
        task = json.loads(args.worker)
        result = WORKERS[task["task"]](task)
        Path(args.worker_out).write_text(json.dumps(result), encoding="utf-8")
        return 0
    if not (args.index / "CURRENT").is_file():
        logging.error("no index in %s (build it with: python -m planqa index --index %s)", args.index, args.index)
        return 2
    queries = load_queries(args.gold, args.queries)
    env = environment()
    with tempfile.TemporaryDirectory(prefix="planqa-bench-") as tmp:
        scratch = Path(tmp)
        latency = measure_latency(args, scratch, queries)
        builds = {s: {} for s in SYSTEMS} if args.skip_build else measure_builds(args, scratch)
    data = {"environment": env,
            "settings": {"index": str(args.index), "corpus": str(args.corpus), "queries": len(queries), "k": args.k,
                         "warmup": args.warmup, "repeat": args.repeat, "threads": args.threads, "modes": args.modes,
                         "memory_queries": min(args.memory_queries, len(queries)),
                         "skip_cold": args.skip_cold},
            "latency": latency, "builds": builds, "ratios": summarise(builds, latency, args.modes)}
    markdown = to_markdown(data)
    json_path, md_path = write_report(args.out, args.name, data, markdown)
    print(markdown)
    print(f"written: {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
