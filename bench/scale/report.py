"""The scale benchmark's report: JSON with every figure, Markdown tables, and a plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import markdown_table, ratio

TARGETS = {"search_p50_ms": 50.0, "search_p95_ms": 150.0, "recall@10": 0.95, "vector_memory_mb": 1024.0,
           "vector_load_s": 10.0}


def _get(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def targets_table(size: dict[str, Any]) -> tuple[str, list[str]]:
    """The issue's targets against the figures of one size; returns (table, missed targets)."""
    auto = size["indexes"][size["auto_kind"]]
    search = size["search"]["auto"]["total_ms"]
    as_is = size["search"]["as_is"]["total_ms"]
    memory = max(auto.get("memory_mb") or 0, auto.get("file_mb") or 0)
    p50, p95 = TARGETS["search_p50_ms"], TARGETS["search_p95_ms"]
    loads = size["search"]
    whole_load = round(loads["load_chunks_docs_s"] + loads["load_vectors_s"] + loads["load_bm25_s"], 2)
    checks = [
        ("default search p50, as is", f"≤ {p50:g} ms", as_is["p50"], as_is["p50"] <= p50, "ms"),
        ("default search p95, as is", f"≤ {p95:g} ms", as_is["p95"], as_is["p95"] <= p95, "ms"),
        ("default search p50, query analysis cached", f"≤ {p50:g} ms", search["p50"], search["p50"] <= p50, "ms"),
        ("default search p95, query analysis cached", f"≤ {p95:g} ms", search["p95"], search["p95"] <= p95, "ms"),
        ("dense recall@10 vs exact", f"≥ {TARGETS['recall@10']}", auto["recall@10"], auto["recall@10"] >= TARGETS["recall@10"], ""),
        ("vector index memory", "≤ 1024 MiB", memory, memory <= TARGETS["vector_memory_mb"], "MiB"),
        ("vector index load", f"≤ {TARGETS['vector_load_s']:g} s", size["search"]["load_vectors_s"],
         size["search"]["load_vectors_s"] <= TARGETS["vector_load_s"], "s"),
        ("whole index load (chunks, documents, vectors, BM25)", f"≤ {TARGETS['vector_load_s']:g} s", whole_load,
         whole_load <= TARGETS["vector_load_s"], "s"),
    ]
    rows = [[name, target, f"{value:g} {unit}".strip(), "yes" if ok else "**no**"] for name, target, value, ok, unit in checks]
    missed = [name for name, _, _, ok, _ in checks if not ok]
    side = size["search"]["auto"]
    if "without_embed_ms" in side:  # what planqa's index side costs, and what the model costs
        rows[4:4] = [["of which (analysis cached): search without the query embedding, p50 / p95", "–",
                      f"{side['without_embed_ms']['p50']:g} / {side['without_embed_ms']['p95']:g} ms", "–"],
                     ["of which (analysis cached): query embedding, p50 / p95", "–",
                      f"{side['embed_ms']['p50']:g} / {side['embed_ms']['p95']:g} ms", "–"]]
    return markdown_table(["target", "wanted", f"measured at {size['size']:,} chunks", "met"], rows), missed


def index_rows(sizes: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for size in sizes:
        exact = size["indexes"]["flat"]
        for kind, entry in size["indexes"].items():
            label = kind + (" (auto)" if kind == size["auto_kind"] else "")
            if "skipped" in entry:
                rows.append([f"{size['size']:,}", label, "skipped: " + entry["skipped"]] + [None] * 10)
                continue
            params = {k: v for k, v in entry["params"].items() if k not in ("type", "metric", "chosen_by")}
            rows.append([
                f"{size['size']:,}", label, ", ".join(f"{k}={v}" for k, v in params.items()) or "–",
                entry["build_s"], entry["build_peak_rss_mb"], entry["file_mb"], entry["memory_mb"], entry["load_s"],
                entry["search_ms"]["p50"], entry["search_ms"]["p95"],
                ratio(entry["search_ms"]["p50"], exact["search_ms"]["p50"]), entry.get("recall@10"), entry.get("recall@50"),
            ])
    return rows


def search_rows(sizes: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for size in sizes:
        as_is = size["search"]["as_is"]
        rows.append([f"{size['size']:,}", f"{size['auto_kind']}, analysis as is ({as_is['queries']} q.)",
                     as_is["total_ms"]["p50"], as_is["total_ms"]["p95"], None, None, None, None, None, None, None,
                     None, None, as_is["analyze_ms"]["p50"], None, None])
        for side in ("auto", "exact"):
            s = size["search"][side]
            label = (size["auto_kind"] if side == "auto" else "flat (exact)") + ", analysis cached"
            rows.append([f"{size['size']:,}", label, s["total_ms"]["p50"], s["total_ms"]["p95"],
                         ratio(s["total_ms"]["p50"], size["search"]["exact"]["total_ms"]["p50"]),
                         s.get("cpu_ms", {}).get("p50"), s.get("without_embed_ms", {}).get("p50"),
                         s.get("without_embed_ms", {}).get("p95"), s["embed_ms"]["p50"], s["dense_ms"]["p50"], s["dense_ms"]["p95"], s["bm25_ms"]["p50"],
                         s["bm25_ms"]["p95"], s["analyze_ms"]["p50"], s["fusion_and_rest_ms"]["p50"],
                         size["search"]["hybrid_top10_overlap_auto_vs_exact"] if side == "auto" else 1.0])
    return rows


def markdown(results: dict[str, Any]) -> str:
    env, sizes = results["environment"], results.get("sizes", [])
    corpus, model = results.get("corpus", {}), results.get("model", {})
    size_list = ", ".join(f"{s['size']:,}" for s in sizes)
    lines = [
        f"# planqa at scale: {size_list} chunks ({env['date'][:10]})", "",
        f"Machine: {env['cpus']} cores ({env['machine']}), Python {env['python']}, load average at start "
        f"{env['load_average_at_start']} (at end {results.get('load_average_at_end', '–')}), git {env['git_commit']}{' (dirty)' if env['git_dirty'] else ''}. "
        f"Run time: {results.get('wall_s', '–')} s"
        + (f" (the generated corpus was reused from an earlier run that took {corpus.get('wall_s')} s)"
           if corpus.get("reused") else f" (corpus generation included: {corpus.get('wall_s')} s)") + "."
        + (f" The corpus was generated on {corpus.get('created')} with the cleaning/chunking/tokenizer code of that "
           "time, which has changed since (or was not recorded): its text-pipeline timings are of that code."
           if corpus.get("pipeline_changed_since") else ""),
        "",
        "**How.** Text side: documents generated from the five real plans (`bench/scale/generate.py`: sections' "
        "paragraphs recombined, region names, years and figures substituted) go through planqa's cleaning, outline, "
        "chunking (model tokenizer) and BM25 tokenisation; BM25 indexes are built from those tokens. Vector side: "
        "**vectors derived from the real chunk embeddings** (each generated chunk starts from the embedding of the real "
        "chunk it was made from, plus a Gaussian with the real embeddings' covariance, renormalised: "
        "`bench/scale/vectors.py`), because embedding a million chunks on two cores takes days. Queries: "
        f"{model.get('queries', '?')} gold questions embedded by the real model ({model.get('model', '?')}). "
        "Baseline: exact inner-product search (`flat`) measured in the same run and, for the whole search, query by "
        "query interleaved with the automatic choice. Every measurement runs in a fresh process; memory is resident "
        "memory (file-backed pages of memory-mapped files included) added by loading the index and running every "
        "query; latencies are single queries, p50/p95 over all questions.",
        "",
    ]
    if sizes:
        table, missed = targets_table(sizes[-1])
        lines += ["## Targets", "", table, ""]
        if missed:
            lines += [f"Missed: {'; '.join(missed)} (see bench/README.md, *scale/run.py*, for what would meet them).", ""]
    lines += ["## Automatic choice", "",
              markdown_table(["chunks", "chosen", "parameters (manifest `vectors`)"],
                             [[f"{s['size']:,}", s["auto_kind"], json.dumps(s["indexes"][s["auto_kind"]]["params"],
                                                                          ensure_ascii=False)] for s in sizes]), ""]
    lines += ["## Vector indexes", "",
              "Dense search alone (k = 50, the searcher's candidate count), recall against exact search in the same run.",
              "",
              markdown_table(["chunks", "index", "parameters", "build s", "build peak RSS MiB", "file MiB",
                              "memory MiB", "load s", "p50 ms", "p95 ms", "p50 / exact", "recall@10", "recall@50"],
                             index_rows(sizes)), ""]
    sweep_rows = [[f"{size['size']:,}", kind, f"{'nprobe' if 'nprobe' in row else 'efSearch'} = "
                   f"{row.get('nprobe', row.get('efSearch'))}" + (" (as built)" if row["as_built"] else ""),
                   row["recall@10"], row["recall@50"], row["search_ms"]["p50"], row["search_ms"]["p95"]]
                  for size in sizes for kind, entry in size["indexes"].items() for row in entry.get("sweep", [])]
    if sweep_rows:
        lines += ["### Search settings", "", "The approximate indexes at half and double their search setting "
                  "(same index, same queries; recall against exact search).", "",
                  markdown_table(["chunks", "index", "setting", "recall@10", "recall@50", "p50 ms", "p95 ms"],
                                 sweep_rows), ""]
    lines += ["## Whole default search", "",
              "`Searcher.search(q, k=10)`: query analysis, query embedding, dense and BM25 candidates (50 each), "
              "weighted fusion, metadata boost, hits. *As is*: planqa unchanged, on the first questions only, because "
              "its query analysis rebuilds the region table from every document on every query. *Analysis cached*: "
              "the same analysis with that per-index work done once (`bench/scale/analysis.py`, results identical: "
              + ", ".join(f"{s['size']:,}: {s['search']['cached_analysis_same_results']}" for s in sizes)
              + " questions checked), every question, automatic and exact vector index interleaved query by query. "
              "Components are p50s of their own; *CPU* is the process CPU time of a search (all threads; less "
              "sensitive than wall time to other jobs on the machine); *overlap* is the share of the exact-search "
              "top 10 that the automatic index's top 10 holds. Embedding threads: "
              + str(sizes[0]["search"].get("embed_threads") or "library default (all cores)") + ".", "",
              markdown_table(["chunks", "vector index", "p50 ms", "p95 ms", "p50 / exact", "CPU p50 ms",
                              "without embed p50", "without embed p95", "embed p50",
                              "dense p50",
                              "dense p95", "BM25 p50", "BM25 p95", "analysis p50", "fusion+rest p50", "overlap@10"],
                             search_rows(sizes)), ""]
    lines += ["## Loading and memory of the whole index", "",
              markdown_table(["chunks", "documents", "chunks+documents load s", "vectors load s", "BM25 load s",
                              "model load s", "memory after load MiB", "peak RSS of search process MiB"],
                             [[f"{s['size']:,}", s["search"]["documents"], s["search"]["load_chunks_docs_s"],
                               s["search"]["load_vectors_s"], s["search"]["load_bm25_s"], s["search"]["load_model_s"],
                               s["search"]["memory_index_mb"], s["search"]["peak_rss_mb"]] for s in sizes]), ""]
    lines += ["## BM25", "",
              "Tokenisation (planqa's jieba tokenizer, one process; the corpus stage ran it in "
              f"{corpus.get('processes', '?')}) and index build (`BM25Index.from_tokens`) are timed separately.", "",
              markdown_table(["chunks", "tokenise s (1 proc)", "index build s", "build memory MiB", "build peak RSS MiB",
                              "disk MiB", "vocabulary", "postings"],
                             [[f"{s['size']:,}", s["bm25"]["tokenize_s_1proc"], s["bm25"]["build_s"], s["bm25"]["memory_mb"],
                               s["bm25"]["peak_rss_mb"], s["bm25"]["disk_mb"], s["bm25"]["vocabulary"],
                               s["bm25"]["postings"]] for s in sizes]), ""]
    lines += ["## Text pipeline and disk", "",
              "Seconds summed over the documents of each size, as one process would spend them: wall time of each "
              "stage inside a worker, so inflated while other jobs load the machine (the corpus stage ran "
              f"{corpus.get('processes', '?')} processes, {corpus.get('wall_s', '?')} s wall time for "
              f"{corpus.get('chunks', '?'):,} chunks, load average at its end {corpus.get('load_average_at_end', '–')}).",
              "",
              markdown_table(["chunks", "documents", "MB text", "clean s", "outline+tables s", "chunk s", "tokenise s",
                              "chunks/s (1 proc)", "snapshot on disk MiB", "of which vectors", "BM25", "chunks.jsonl",
                              "documents"],
                             [[f"{s['size']:,}", s["text"]["documents"], round(s["text"]["chars"] * 3 / 1e6, 1),
                               round(s["text"]["clean_s"], 1), round(s["text"]["structure_s"], 1),
                               round(s["text"]["chunk_s"], 1), round(s["text"]["tokenize_s"], 1),
                               round(s["size"] / max(1e-9, s["text"]["clean_s"] + s["text"]["structure_s"]
                                                     + s["text"]["chunk_s"] + s["text"]["tokenize_s"]), 1),
                               s["disk_mb"]["snapshot_total"], s["disk_mb"]["vectors_auto"], s["disk_mb"]["bm25"],
                               s["disk_mb"]["chunks_jsonl"], s["disk_mb"]["documents"]] for s in sizes]), ""]
    if model:
        per_s = model["chunks_per_s"]
        lines += ["## Embedding throughput", "",
                  f"{model['model']}: {per_s:g} chunks/s ({model['passages']} real chunks, "
                  f"{model['passage_chars_mean']} characters on average, {model['passage_s']} s); query embedding p50 "
                  f"{model['query_embed_ms'].get('p50')} ms. At this rate embedding 1,000,000 chunks takes "
                  f"{1e6 / per_s / 86400:.1f} days on this machine.", ""]
    if sizes:
        real = sizes[-1]["vectors"].get("realism_real", {})
        derived = {s["size"]: s["vectors"]["realism"] for s in sizes}
        lines += ["## Derived vectors against real ones", "",
                  markdown_table(["vectors", "pairwise cosine mean", "sd", "query→top 1 cosine", "query→top 10 cosine"],
                                 [["real (291)", real.get("pair_cos_mean"), real.get("pair_cos_sd"),
                                   real.get("query_top1_cos"), real.get("query_top10_cos")]]
                                 + [[f"derived {n:,}", r.get("pair_cos_mean"), r.get("pair_cos_sd"),
                                     r.get("query_top1_cos"), r.get("query_top10_cos")] for n, r in derived.items()]),
                  ""]
    lines += ["![latency and memory against corpus size](" + results.get("plot_name", "scale.png") + ")", ""]
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> bool:
    """Latency and memory against size (log-log); False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    sizes = results.get("sizes", [])
    n = [s["size"] for s in sizes]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 6.2))
    for side, style in (("auto", "-"), ("exact", "--")):
        for stat, marker in (("p50", "o"), ("p95", "^")):
            left.plot(n, [s["search"][side]["total_ms"][stat] for s in sizes], style, marker=marker,
                      label=f"whole search {stat}, {'automatic index' if side == 'auto' else 'exact flat'}")
    left.plot(n, [s["search"]["as_is"]["total_ms"]["p50"] for s in sizes], "-", marker="x",
              label="whole search p50, query analysis as is")
    left.plot(n, [s["search"]["auto"]["without_embed_ms"]["p50"] for s in sizes], "-.", marker="v",
              label="whole search p50 without the query embedding")
    left.plot(n, [s["search"]["auto"]["bm25_ms"]["p50"] for s in sizes], ":", marker="s", label="BM25 p50")
    left.plot(n, [s["search"]["auto"]["dense_ms"]["p50"] for s in sizes], ":", marker="d", label="dense p50 (automatic)")
    left.axhline(50, color="grey", lw=0.8)  # the targets
    left.axhline(150, color="grey", lw=0.8, ls="--")
    left.set(xscale="log", yscale="log", xlabel="chunks", ylabel="ms per query", title="Query latency (targets 50 / 150 ms)")
    left.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
    kinds = sorted({k for s in sizes for k, e in s["indexes"].items() if "memory_mb" in e})
    for kind in kinds:
        points = [(s["size"], max(s["indexes"][kind]["memory_mb"], s["indexes"][kind]["file_mb"]))
                  for s in sizes if "memory_mb" in s["indexes"].get(kind, {})]
        right.plot(*zip(*points), marker="o", label=f"vector index {kind}")
    right.plot(n, [s["bm25"]["disk_mb"] for s in sizes], marker="s", ls=":", label="BM25 files (memory-mapped)")
    right.plot(n, [s["search"]["memory_index_mb"] for s in sizes], marker="^", ls="--",
               label="whole index loaded (chunks, documents, vectors, BM25)")
    right.axhline(1024, color="grey", lw=0.8)
    right.set(xscale="log", yscale="log", xlabel="chunks", ylabel="MiB", title="Memory (vector index target 1 GiB)")
    right.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write(results: dict[str, Any], out_dir: Path, name: str) -> list[Path]:
    """Write ``<name>.json``, ``<name>.md`` and ``<name>.png`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results["plot_name"] = f"{name}.png"
    paths = [out_dir / f"{name}.json", out_dir / f"{name}.md"]
    if results.get("sizes") and plot(results, out_dir / f"{name}.png"):
        paths.append(out_dir / f"{name}.png")
    paths[0].write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(results), encoding="utf-8")
    return paths


def main() -> int:
    """Render the Markdown and the plot again from a report's JSON: ``python -m bench.scale.report FILE``."""
    import sys

    path = Path(sys.argv[1])
    results = json.loads(path.read_text(encoding="utf-8"))
    for written in write(results, path.parent, path.stem):
        print(written)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
