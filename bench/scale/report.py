"""The scale benchmark's report: JSON with every figure, Markdown tables, and a plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import markdown_table, ratio

TARGETS = {"search_p50_ms": 50.0, "search_p95_ms": 150.0, "recall@10": 0.95, "vector_memory_mb": 1024.0,
           "vector_load_s": 10.0, "whole_load_s": 10.0}
WHOLE_LOAD = "documents, chunks, vectors, BM25, region table, heading table"


def _get(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def targets_table(size: dict[str, Any]) -> tuple[str, list[str]]:
    """The issue's targets against the figures of one size; returns (table, missed targets)."""
    auto = size["indexes"][size["auto_kind"]]
    side = size["search"]["auto"]
    search = side["total_ms"]
    load = size["search"]["load_s"]
    memory = max(auto.get("memory_mb") or 0, auto.get("file_mb") or 0)
    p50, p95 = TARGETS["search_p50_ms"], TARGETS["search_p95_ms"]
    checks = [
        (f"default search p50 (planqa as is, {size['auto_kind']})", f"≤ {p50:g} ms", search["p50"],
         search["p50"] <= p50, "ms"),
        (f"default search p95 (planqa as is, {size['auto_kind']})", f"≤ {p95:g} ms", search["p95"],
         search["p95"] <= p95, "ms"),
        ("dense recall@10 vs exact", f"≥ {TARGETS['recall@10']}", auto["recall@10"],
         auto["recall@10"] >= TARGETS["recall@10"], ""),
        ("vector index memory", f"≤ {TARGETS['vector_memory_mb']:g} MiB", memory,
         memory <= TARGETS["vector_memory_mb"], "MiB"),
        ("vector index load", f"≤ {TARGETS['vector_load_s']:g} s", load["vectors"],
         load["vectors"] <= TARGETS["vector_load_s"], "s"),
        (f"whole index load ({WHOLE_LOAD})", f"≤ {TARGETS['whole_load_s']:g} s", load["whole_index"],
         load["whole_index"] <= TARGETS["whole_load_s"], "s"),
    ]
    rows = [[name, target, f"{value:g} {unit}".strip(), "yes" if ok else "**no**"] for name, target, value, ok, unit in checks]
    missed = [name for name, _, _, ok, _ in checks if not ok]
    rows[2:2] = [["of which: search without the query embedding, p50 / p95", "–",
                  f"{side['without_embed_ms']['p50']:g} / {side['without_embed_ms']['p95']:g} ms", "–"],
                 ["of which: query embedding, p50 / p95", "–",
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
        for side in ("auto", "exact"):
            s = size["search"][side]
            label = size["auto_kind"] + " (automatic)" if side == "auto" else "flat (exact)"
            rows.append([f"{size['size']:,}", label, s["total_ms"]["p50"], s["total_ms"]["p95"],
                         ratio(s["total_ms"]["p50"], size["search"]["exact"]["total_ms"]["p50"]),
                         s["cpu_ms"].get("p50"), s["without_embed_ms"].get("p50"), s["without_embed_ms"].get("p95"),
                         s["embed_ms"]["p50"], s["dense_ms"]["p50"], s["dense_ms"]["p95"], s["bm25_ms"]["p50"],
                         s["bm25_ms"]["p95"], s["analyze_ms"]["p50"], s["fusion_and_rest_ms"]["p50"],
                         size["search"]["hybrid_top10_overlap_auto_vs_exact"] if side == "auto" else 1.0])
    return rows


def load_rows(sizes: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for size in sizes:
        search, load = size["search"], size["search"]["load_s"]
        rows.append([f"{size['size']:,}", search["documents"], search["regions"],
                     f"{load['chunks_and_documents']:g}" + ("" if search.get("catalog_files") else " *"),
                     load["vectors"], load["bm25"], load["region_table"], load["heading_table"],
                     f"**{load['whole_index']:g}**", load["tokenizer"], load["model"], search.get("first_search_s"),
                     f"{search['memory_index_mb']:g} ({search['memory_index_anon_mb']:g} / "
                     f"{search['memory_index_file_mb']:g})", search["memory_tokenizer_mb"],
                     search["memory_after_searches_mb"], search["peak_rss_mb"]])
    return rows


def markdown(results: dict[str, Any]) -> str:
    env, sizes = results["environment"], results.get("sizes", [])
    if any("load_s" not in s.get("search", {}) for s in sizes):
        raise ValueError("these results were written by an earlier bench/scale (analysis as is / cached); "
                         "render them with that version")
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
              "`Searcher.search(q, k=10)` as planqa runs it: query analysis (region table built once per searcher), "
              "query embedding, dense and BM25 candidates (50 each), weighted fusion, metadata and heading boosts, "
              "hits. Every question, with the automatically chosen vector index and, interleaved query by query in "
              "random order, exact search. Parts are p50s of their own, timed by wrapping the query embedder, the "
              "vector store, BM25 and `analyze_query`; *fusion+rest* is the total minus the parts, clipped at 0 (BM25 "
              "may run concurrently with the query embedding, then the parts overlap and the rest is understated); "
              "*without embed* is the total minus the query embedding, i.e. planqa's own cost. *CPU* is the process "
              "CPU time of a search (all threads; less sensitive than wall time to other jobs on the machine); "
              "*overlap* is the share of the exact-search top 10 that the automatic index's top 10 holds. Embedding "
              "threads: " + str(sizes[0]["search"].get("embed_threads") or "library default (all cores)") + ".", "",
              markdown_table(["chunks", "vector index", "p50 ms", "p95 ms", "p50 / exact", "CPU p50 ms",
                              "without embed p50", "without embed p95", "embed p50", "dense p50", "dense p95",
                              "BM25 p50", "BM25 p95", "analysis p50", "fusion+rest p50", "overlap@10"],
                             search_rows(sizes)), ""]
    lines += ["## Loading and memory of the whole index", "",
              "A fresh process loads the model first, then each step is timed on its own, in the order a first "
              "search needs it: `Index.load` (manifest, `documents.json`, memory-mapped chunk rows; a document or "
              "chunk text is read only when a hit shows it), the vector index and BM25 (memory-mapped), the "
              "searcher's region table (`Searcher.regions`) and heading table (`Searcher.headings`). *Whole index* "
              f"is the sum of these ({WHOLE_LOAD}). The jieba dictionary (loaded on the first tokenisation, the "
              "same at every size) and the model are not in it; the vector index's and BM25's times include importing "
              "FAISS and bm25s on first use (about 0.4 s together at any size). *First search*: the first warm-up search after "
              "loading. *Index memory*: resident memory that loading the index and building the two tables added "
              "(anonymous / file-backed pages of memory-mapped files), jieba's dictionary apart, at small sizes mostly "
              "those libraries; *after searches*: "
              "all that the process added after loading the model, once every question was searched.", "",
              markdown_table(["chunks", "documents", "regions", "Index.load s", "vectors s", "BM25 s",
                              "region table s", "heading table s", "whole index s", "jieba s", "model s",
                              "first search s", "index memory MiB (anon / file)", "jieba MiB",
                              "after searches MiB", "peak RSS MiB"], load_rows(sizes)), ""]
    if any(not s["search"].get("catalog_files") for s in sizes):
        lines += ["\\* no `documents.json`/chunk row arrays in the snapshot: every document and chunk line parsed.",
                  ""]
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
                              "chunk rows + documents.json", "documents"],
                             [[f"{s['size']:,}", s["text"]["documents"], round(s["text"]["chars"] * 3 / 1e6, 1),
                               round(s["text"]["clean_s"], 1), round(s["text"]["structure_s"], 1),
                               round(s["text"]["chunk_s"], 1), round(s["text"]["tokenize_s"], 1),
                               round(s["size"] / max(1e-9, s["text"]["clean_s"] + s["text"]["structure_s"]
                                                     + s["text"]["chunk_s"] + s["text"]["tokenize_s"]), 1),
                               s["disk_mb"]["snapshot_total"], s["disk_mb"]["vectors_auto"], s["disk_mb"]["bm25"],
                               s["disk_mb"]["chunks_jsonl"], s["disk_mb"].get("catalog"), s["disk_mb"]["documents"]]
                              for s in sizes]), ""]
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
                      label=f"default search {stat}" + ("" if side == "auto" else ", exact flat vectors"))
    left.plot(n, [s["search"]["auto"]["without_embed_ms"]["p50"] for s in sizes], "-.", marker="v",
              label="default search p50 without the query embedding")
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
               label="whole index loaded (" + WHOLE_LOAD + ")")
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
