"""Milvus' built-in BM25 full-text search (jieba analyzer) as planqa's lexical side, on the gold set.

```
python bench/milvus_bm25.py                         # Milvus Lite file in a temporary folder
python bench/milvus_bm25.py --uri http://host:19530 # a Milvus server (token: $PLANQA_MILVUS_TOKEN)
python bench/milvus_bm25.py --no-hybrid             # lexical retrievers only (no model loaded)
```

The chunks of a built index (``--index``, default ``index/``) go into one Milvus collection per
analyzer variant, with the text BM25 indexes in planqa (document title + section path + text)
analyzed by Milvus and scored by its BM25 function (k1 1.5, b 0.75, as in planqa). Compared,
every one scored by ``planqa.evaluate`` (hit@1, hit@5, MRR@10 … on the answerable gold questions):

* ``bm25`` / ``hybrid``: planqa as it is (jieba + bm25s, query analysis, boosts);
* ``milvus-bm25[v]`` / ``milvus-hybrid[v]``: the same ``Searcher`` with Milvus as the lexical side
  (same query analysis, filters, fusion and boosts: only the engine and analyzer change);
* ``bm25s-raw`` / ``milvus-raw[v]``: the question, question phrasing stripped
  (``normalize_query_for_keywords``), straight into each engine: no query analysis, no boosts.

Variants run one after another, each in its own collection: Milvus Lite 3 implements the jieba
analyzer with the global ``jieba`` dictionary, so a variant that adds words must come last.
Results of every run (one per engine version) are merged into ``bench/reports/milvus_bm25.json``
and rendered to ``milvus_bm25.md``.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import REPORTS, environment, markdown_table, write_report  # noqa: E402

log = logging.getLogger("bench.milvus_bm25")
NAME = "milvus_bm25"
NOTES = "<!-- findings: kept when the tables above are regenerated -->"
SHOWN = ("hit@1", "hit@5", "mrr@10", "recall@10", "ndcg@10")


def planqa_terms() -> tuple[list[str], list[str]]:
    """planqa's user dictionary (Chinese words, as planqa's tokenizer adds them) and stopwords."""
    from planqa.tokenize import BUNDLED_USERDICT, ChineseTokenizer, normalize_width

    words: dict[str, None] = {}
    for line in BUNDLED_USERDICT.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            for word in re.findall(r"[\u3400-\u9fff]+", normalize_width(line).split()[0]):
                words[word] = None
    return list(words), sorted(ChineseTokenizer().stopwords)


def variants() -> dict[str, dict[str, Any]]:
    """Analyzer settings tried, in a safe order (the one that adds words last)."""
    terms, stopwords = planqa_terms()
    return {
        "jieba": {"tokenizer": "jieba"},  # Milvus' default jieba: default dictionary, search mode
        "jieba-exact": {"tokenizer": {"type": "jieba", "mode": "exact"}},
        "jieba+planqa-dict+stop": {"tokenizer": {"type": "jieba", "mode": "search", "dict": ["_default_", *terms]},
                                   "filter": [{"type": "stop", "stop_words": stopwords}]},
    }


class MilvusText:
    """A Milvus collection of chunk texts with a BM25 function over a jieba-analyzed field."""

    def __init__(self, client: Any, name: str, analyzer: dict[str, Any]):
        self.client, self.name, self.analyzer = client, name, analyzer

    def build(self, texts: list[str], doc_ids: list[str]) -> float:
        """Create, fill, index and load the collection; returns the seconds it took."""
        from pymilvus import DataType, Function, FunctionType

        started = time.perf_counter()
        if self.client.has_collection(self.name):
            self.client.drop_collection(self.name)
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
        schema.add_field("text", DataType.VARCHAR, max_length=65_535, enable_analyzer=True,
                         analyzer_params=self.analyzer)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                     input_field_names=["text"], output_field_names=["sparse"]))
        index = self.client.prepare_index_params()
        index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                        params={"bm25_k1": 1.5, "bm25_b": 0.75})
        self.client.create_collection(self.name, schema=schema, index_params=index, consistency_level="Strong")
        rows = [{"id": i, "doc_id": d, "text": t} for i, (t, d) in enumerate(zip(texts, doc_ids))]
        for start in range(0, len(rows), 500):
            self.client.insert(self.name, rows[start:start + 500])
        self.client.flush(self.name)
        self.client.load_collection(self.name)
        return time.perf_counter() - started

    def search(self, text: str, n: int, expression: str = "") -> list[tuple[int, float]]:
        """(row, BM25 score) best first; Milvus Lite 3 reports -score as the distance, a server +score."""
        if not text.strip():
            return []
        hits = self.client.search(self.name, data=[text], anns_field="sparse", limit=n, filter=expression,
                                  search_params={"metric_type": "BM25"})[0]
        return [(int(h["id"]), abs(float(h["distance"]))) for h in hits]


def doc_filter(index: Any, allowed: np.ndarray | None) -> str:
    if allowed is None:
        return ""
    docs = sorted({c.doc_id for c, keep in zip(index.chunks, allowed) if keep})
    return f"doc_id in [{', '.join(json.dumps(d, ensure_ascii=False) for d in docs)}]"


class QueryMemo:
    """The model, each query text embedded once (every hybrid searcher shares the vectors)."""

    def __init__(self, model: Any):
        self.model, self.memo = model, {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def encode_queries(self, texts: list[str], *args: Any, **kwargs: Any) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if missing:
            self.memo.update(zip(missing, self.model.encode_queries(missing, *args, **kwargs)))
        return np.stack([self.memo[t] for t in texts])


def milvus_searcher(index: Any, embedder: Any, text: MilvusText) -> Any:
    """planqa's Searcher with Milvus full-text search as its BM25 ranking."""
    from planqa.retrieve import Searcher

    class MilvusLexicalSearcher(Searcher):
        def bm25_ranking(self, keywords: str, n: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
            return text.search(keywords, n, doc_filter(self.index, allowed))

    return MilvusLexicalSearcher(index, embedder)


class Named:
    """An eval retriever: ``search(query, k)`` → Hit-like objects, over the index's chunks."""

    def __init__(self, name: str, index: Any, search: Any):
        self.name, self.index, self._search = name, index, search

    def search(self, query: str, k: int) -> list[Any]:
        return self._search(query, k)

    def passages(self) -> list[Any]:
        from planqa.evaluate.qrels import Passage

        return [Passage(c.id, c.doc_id, c.start, c.end) for c in self.index.chunks]


def ranked_hits(index: Any, ranking: list[tuple[int, float]], k: int) -> list[Any]:
    """Hit-like objects (what the evaluation reads) for a ranking of chunk rows."""
    chunks = index.chunks
    return [SimpleNamespace(rank=rank, score=score, chunk_id=chunks[row].id, doc_id=chunks[row].doc_id,
                            start=chunks[row].start, end=chunks[row].end, text=chunks[row].text,
                            section=" > ".join(chunks[row].section_path))
            for rank, (row, score) in enumerate(ranking[:k], start=1)]


def evaluate(index_dir: Path, gold: Path, retrievers: dict[str, Any], searcher: Any) -> dict[str, Any]:
    """Score ``retrievers`` ({name: Named}) with planqa.evaluate; {name: {metric: value, latency…}}."""
    from planqa.evaluate.retrievers import EvalContext, ObjectRetriever, register
    from planqa.evaluate.runner import run_evaluation

    for name, retriever in retrievers.items():
        register(name, lambda context, r=retriever: ObjectRetriever(r.name, r))
    result = run_evaluation(index_dir, gold, list(retrievers), k=10, context=EvalContext(index_dir, searcher))
    if not result.ok:
        raise SystemExit("gold set problems: " + "; ".join(result.gold_problems[:5]))
    return {name: {**{m: round(r.overall[m], 4) for m in r.overall},
                   "latency_p50_ms": r.latency_ms.get("median"), "questions": len(result.questions)}
            for name, r in result.retrievers.items()}


def engine_label(client: Any, uri: str) -> str:
    import pymilvus

    if "://" in uri:
        try:
            return f"Milvus server {client.get_server_version()} / pymilvus {pymilvus.__version__}"
        except Exception:  # noqa: BLE001
            return f"Milvus server / pymilvus {pymilvus.__version__}"
    import importlib.metadata

    return f"milvus-lite {importlib.metadata.version('milvus-lite')} / pymilvus {pymilvus.__version__}"


def run(args: argparse.Namespace) -> dict[str, Any]:
    from pymilvus import MilvusClient

    from planqa.embed import load_embedder
    from planqa.errors import PlanqaError
    from planqa.index import Index
    from planqa.index.bm25 import normalize_query_for_keywords
    from planqa.index.build import bm25_text
    from planqa.retrieve import Searcher

    index = Index.load(args.index)
    texts = [bm25_text(c, index.documents[c.doc_id].title) for c in index.chunks]
    doc_ids = [c.doc_id for c in index.chunks]
    embedder = QueryMemo(load_embedder(index.model_name)) if args.hybrid else None
    ours = Searcher(index, embedder)
    tmp = tempfile.TemporaryDirectory(prefix="milvus-bm25-")
    uri = args.uri or str(Path(tmp.name) / "bm25.db")
    client = MilvusClient(uri=uri, token=__import__("os").environ.get("PLANQA_MILVUS_TOKEN", ""))
    label = engine_label(client, uri)
    log.info("engine: %s", label)

    baseline = {
        "bm25": Named("bm25", index, lambda q, k: ours.search(q, k, "bm25")),
        "bm25s-raw": Named("bm25s-raw", index, lambda q, k: ranked_hits(index, index.bm25.search(q, k, None), k)),
    }
    if args.hybrid:
        baseline["hybrid"] = Named("hybrid", index, lambda q, k: ours.search(q, k, "hybrid"))
        from planqa.evaluate.gold import load_gold

        for question in load_gold(args.gold):  # embed every query now: hybrid latencies exclude the model
            try:
                ours.search(question.question, 1, "dense")
            except PlanqaError:
                pass
    metrics = evaluate(args.index, args.gold, baseline, ours)
    builds: dict[str, Any] = {}
    for variant, analyzer in variants().items():
        text = MilvusText(client, f"planqa_bm25_{re.sub(r'[^0-9A-Za-z]', '_', variant)}", analyzer)
        try:
            seconds = text.build(texts, doc_ids)
        except Exception as exc:  # noqa: BLE001 - an unsupported analyzer is a result, not a crash
            log.warning("variant %s failed: %s", variant, exc)
            builds[variant] = {"analyzer": analyzer_summary(analyzer), "error": str(exc)[:500]}
            continue
        builds[variant] = {"analyzer": analyzer_summary(analyzer), "build_seconds": round(seconds, 2)}
        searcher = milvus_searcher(index, embedder, text)
        retrievers = {
            f"milvus-bm25[{variant}]": Named(f"milvus-bm25[{variant}]", index,
                                             lambda q, k, s=searcher: s.search(q, k, "bm25")),
            f"milvus-raw[{variant}]": Named(f"milvus-raw[{variant}]", index,
                                            lambda q, k, t=text: ranked_hits(
                                                index, t.search(normalize_query_for_keywords(q), k), k)),
        }
        if args.hybrid:
            retrievers[f"milvus-hybrid[{variant}]"] = Named(f"milvus-hybrid[{variant}]", index,
                                                            lambda q, k, s=searcher: s.search(q, k, "hybrid"))
        metrics.update(evaluate(args.index, args.gold, retrievers, searcher))
        client.drop_collection(text.name)
    client.close()
    return {"engine": label, "uri": "temporary Milvus Lite file" if not args.uri else args.uri.split("@")[-1],
            "environment": environment(), "chunks": len(texts), "variants": builds, "metrics": metrics}


def analyzer_summary(analyzer: dict[str, Any]) -> dict[str, Any]:
    """The analyzer settings without the long word lists (their sizes instead)."""
    def short(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: short(v) for k, v in value.items()}
        if isinstance(value, list) and len(value) > 5:
            return f"[{len(value)} entries]"
        if isinstance(value, list):
            return [short(v) for v in value]
        return value

    return short(analyzer)


def render(runs: dict[str, Any]) -> str:
    """The markdown report over every engine run stored."""
    lines = ["# Milvus BM25 full-text search vs planqa's jieba + bm25s (gold set)", "",
             "Written by `bench/milvus_bm25.py`; metrics from `planqa.evaluate` (answerable gold questions, "
             "k = 10, relevance = gold evidence mapped onto planqa's chunks). Latency p50 is per question, "
             "on a shared 2-core machine (compare within a run only); query vectors are computed before the "
             "timed runs, so hybrid latencies exclude the embedding model.", ""]
    for label, data in runs.items():
        env = data["environment"]
        lines += [f"## {label}", "",
                  f"{data['chunks']} chunks, {next(iter(data['metrics'].values()))['questions']} questions; "
                  f"{env['date']}, Python {env['python']}, git {env['git_commit']}"
                  f"{' (uncommitted changes)' if env['git_dirty'] else ''}, load {env['load_average_at_start']}.", ""]
        rows = [[name, *(m.get(metric) for metric in SHOWN), m.get("latency_p50_ms")]
                for name, m in data["metrics"].items()]
        lines += [markdown_table(["retriever", *SHOWN, "p50 ms"], rows), "", "Analyzer variants:", ""]
        for variant, info in data["variants"].items():
            detail = f"error: `{info['error']}`" if "error" in info else f"built in {info['build_seconds']} s"
            lines.append(f"- `{variant}`: `{json.dumps(info['analyzer'], ensure_ascii=False)}` — {detail}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.jsonl")
    parser.add_argument("--uri", default=None, help="Milvus server URL (default: a temporary Milvus Lite file)")
    parser.add_argument("--no-hybrid", dest="hybrid", action="store_false", help="skip the hybrid retrievers")
    parser.add_argument("--out", type=Path, default=REPORTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    result = run(args)
    path = args.out / f"{NAME}.json"
    runs = json.loads(path.read_text(encoding="utf-8"))["runs"] if path.exists() else {}
    runs[result["engine"]] = result
    md = args.out / f"{NAME}.md"
    notes = md.read_text(encoding="utf-8").partition(NOTES)[2] if md.exists() else ""
    markdown = render(runs) + "\n" + NOTES + (notes or "\n(findings: written by hand below this line)\n")
    json_path, md_path = write_report(args.out, NAME, {"runs": runs}, markdown)
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
