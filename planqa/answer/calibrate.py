"""Calibrate the abstention thresholds on the gold set and measure the answerer.

    python -m planqa.answer.calibrate [--index DIR] [--gold eval/gold.jsonl] [--latency 30] [--json]

1. Answers every gold question with abstention off and records each one's confidence, plus a
   few questions from outside the plans' domain (``OFF_TOPIC``: weather, recipes …), which
   count as unanswerable for the choice of thresholds only;
2. picks ``abstain_typed`` / ``abstain_open`` (figure/date questions, the others) as midpoints
   between observed confidences, maximising abstention recall subject to precision ≥ 0.9
   (positive class: the question is unanswerable), fewest wrong abstentions on ties;
3. answers again with those thresholds and reports key-string accuracy (factual questions:
   every answer key in the answer), citation support, abstention precision/recall, retrieval
   misses (answerable questions whose evidence document is not among the top hits), and the
   median latency of ``ask`` vs ``search`` over the first ``--latency`` questions.

Citation support: a sentence of the answer is supported when one of its [n] citations is
verbatim (``quote == text[start:end]``) and contains the sentence (markers and end punctuation
stripped); a sentence read from an indicator row counts when its indicator name and figures
appear in the row — the same rule as ``planqa.evaluate.answers.sentence_supported``, used here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from planqa.config import default_index_dir
from planqa.evaluate.answers import answer_sentences
from planqa.evaluate.answers import sentence_supported as supported

OFF_TOPIC = ("今天天气怎么样？", "如何做红烧肉？", "Python 怎么安装？", "世界杯冠军是哪个国家？", "怎么办理护照？")
def choose_thresholds(records: list[dict[str, Any]], min_precision: float = 0.9) -> dict[str, Any]:
    """Thresholds for typed and open questions: the most unanswerable questions caught while
    precision stays at the floor, fewest wrong abstentions on ties, and then the middle of the
    range of equally good thresholds (so a question that moves a little keeps its side)."""
    def cuts(typed: bool) -> list[float]:
        values = sorted({r["confidence"] for r in records if r["typed"] == typed and not r["foreign"]})
        return [0.0] + [(a + b) / 2 for a, b in zip(values, values[1:])] + ([values[-1] + 1e-6] if values else [])

    def outcome(t_typed: float, t_open: float) -> tuple:
        tp = fp = 0
        for r in records:
            if r["foreign"] or r["confidence"] < (t_typed if r["typed"] else t_open):
                tp, fp = tp + (not r["answerable"]), fp + r["answerable"]
        precision = tp / (tp + fp) if tp + fp else 1.0
        return (precision >= min_precision, tp, -fp), precision, tp

    table = {(a, b): outcome(a, b) for a in cuts(True) for b in cuts(False)}
    best = max(key for key, _, _ in table.values())
    tied = [pair for pair, (key, _, _) in table.items() if key == best]
    middle = (statistics.median_low(sorted({a for a, _ in tied})), statistics.median_low(sorted({b for _, b in tied})))
    pair = middle if middle in tied else tied[0]
    _, precision, tp = table[pair]
    unanswerable = sum(1 for r in records if not r["answerable"])
    return {"abstain_typed": round(pair[0], 4), "abstain_open": round(pair[1], 4),
            "precision": precision, "recall": tp / unanswerable if unanswerable else None}


def _records(answerer: Any, questions: list[tuple[str, str, bool]]) -> list[dict[str, Any]]:
    """One record per (id, question, answerable): the answer, its confidence and type."""
    from planqa.answer.question import analyze_question
    from planqa.retrieve.query import analyze_query

    out = []
    for qid, question, answerable in questions:
        result = answerer.ask(question)
        info = analyze_question(question, analyze_query(question, answerer.searcher.regions))
        out.append({"id": qid, "answerable": answerable, "typed": info.typed, "result": result,
                    "confidence": result["confidence"], "foreign": answerer.foreign_place(question) is not None})
    return out


def evaluate(index_dir: Path, gold: Path, latency_n: int = 30, k: int = 8) -> dict[str, Any]:
    """Calibrate, then measure; returns the report (see module docstring)."""
    from planqa.answer import Answerer
    from planqa.evaluate.gold import load_gold

    questions = load_gold(gold)
    answerer = Answerer.load(index_dir)
    base = answerer.settings
    asked = [(q.id, q.question, q.answerable) for q in questions]
    probes = [(f"off-topic-{i}", text, False) for i, text in enumerate(OFF_TOPIC, start=1)]
    answerer.settings = replace(base, abstain_typed=float("-inf"), abstain_open=float("-inf"))
    first = _records(answerer, asked + probes)
    chosen = choose_thresholds(first)
    chosen["confidences"] = {r["id"]: r["confidence"] for r in first}
    answerer.settings = replace(base, abstain_typed=chosen["abstain_typed"], abstain_open=chosen["abstain_open"])
    records = _records(answerer, asked)

    texts = {d: doc.text for d, doc in answerer.documents.items()}
    by_id = {r["id"]: r for r in records}
    factual = [q for q in questions if q.type == "factual" and q.answer_keys]
    key_misses = [q.id for q in factual if by_id[q.id]["result"]["abstained"]
                  or not all(key in by_id[q.id]["result"]["answer"] for key in q.answer_keys)]
    sentences = unsupported = 0
    for r in records:
        if not r["result"]["abstained"]:
            for s in answer_sentences(r["result"]["answer"]):
                sentences += 1
                unsupported += not supported(s, r["result"]["citations"], texts)
    tp = sum(1 for r in records if not r["answerable"] and r["result"]["abstained"])
    fp = [r["id"] for r in records if r["answerable"] and r["result"]["abstained"]]
    fn = [r["id"] for r in records if not r["answerable"] and not r["result"]["abstained"]]
    retrieval_misses = []
    for q in questions:
        if q.answerable:
            hits = answerer.searcher.search(q.question, k=k)
            if not {e.doc_id for e in q.evidence} & {h.doc_id for h in hits}:
                retrieval_misses.append(q.id)
    return {
        "questions": len(questions), "index": str(index_dir), "thresholds": chosen,
        "key_accuracy": 1 - len(key_misses) / len(factual), "key_misses": key_misses,
        "citation_support": (sentences - unsupported) / sentences if sentences else None, "sentences": sentences,
        "abstention": {"precision": tp / (tp + len(fp)) if tp + len(fp) else None,
                       "recall": tp / (tp + len(fn)) if tp + len(fn) else None, "false": fp, "missed": fn},
        "retrieval_misses_top8": retrieval_misses,
        "latency": measure_latency(answerer, [q.question for q in questions[:latency_n]], k),
    }


def measure_latency(answerer: Any, questions: list[str], k: int = 8) -> dict[str, float]:
    """Median milliseconds of ``search`` and of ``ask`` (question vectors not reused)."""
    memo = answerer.searcher.embedder
    search_ms, ask_ms = [], []
    for question in questions:
        memo.clear()
        started = time.perf_counter()
        answerer.searcher.search(question, k=k)
        search_ms.append((time.perf_counter() - started) * 1000)
        memo.clear()
        started = time.perf_counter()
        answerer.ask(question)
        ask_ms.append((time.perf_counter() - started) * 1000)
    search, ask = statistics.median(search_ms), statistics.median(ask_ms)
    return {"search_ms": round(search, 1), "ask_ms": round(ask, 1), "ratio": round(ask / search, 2), "n": len(questions)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planqa.answer.calibrate", description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: $PLANQA_INDEX, else index/)")
    parser.add_argument("--gold", type=Path, default=Path("eval/gold.jsonl"))
    parser.add_argument("--latency", type=int, default=30, help="questions timed (default 30)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = evaluate(args.index or default_index_dir(), args.gold, args.latency)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
