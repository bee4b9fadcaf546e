"""Retrieval metrics (through ranx) on a tiny hand-made run, against values worked out by hand."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from planqa.evaluate.metrics import (
    METRICS,
    evidence_coverage,
    grouped_means,
    latency_summary,
    mean_scores,
    ranx_scores,
)
from planqa.evaluate.qrels import build_run


def hits(*ids: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(chunk_id=i, doc_id="d", start=0, end=1) for i in ids]


# q10 ranks a relevant passage 2nd and 3rd; q2 first; q3 only at rank 7 (ids deliberately unsorted).
QRELS = {"q10": {"a": 1, "c": 1}, "q2": {"x": 1}, "q3": {"z": 1}}
RUN = build_run({"q10": hits("b", "a", "c", "d"), "q2": hits("x", "y"),
                 "q3": hits("p1", "p2", "p3", "p4", "p5", "p6", "z")})
LOG2_3 = math.log2(3)


def test_per_question_values_by_hand():
    scores = ranx_scores(QRELS, RUN)
    # q10: first relevant at rank 2; both relevant within 5; DCG = 1/log2(3) + 1/log2(4), IDCG = 1 + 1/log2(3)
    assert scores["q10"]["hit@1"] == 0 and scores["q10"]["hit@5"] == 1
    assert scores["q10"]["recall@5"] == 1 and scores["q10"]["mrr@10"] == pytest.approx(0.5)
    assert scores["q10"]["ndcg@10"] == pytest.approx((1 / LOG2_3 + 0.5) / (1 + 1 / LOG2_3))
    assert scores["q2"] == pytest.approx({"hit@1": 1, "hit@5": 1, "recall@5": 1, "recall@10": 1, "mrr@10": 1, "ndcg@10": 1})
    # q3: rank 7 -> outside 5, inside 10; MRR 1/7; nDCG = 1/log2(8) = 1/3
    assert scores["q3"]["hit@5"] == 0 and scores["q3"]["recall@5"] == 0 and scores["q3"]["recall@10"] == 1
    assert scores["q3"]["mrr@10"] == pytest.approx(1 / 7) and scores["q3"]["ndcg@10"] == pytest.approx(1 / 3)


def test_means_by_hand():
    rows = ranx_scores(QRELS, RUN)
    means = mean_scores(rows.values(), [m for m in METRICS if m != "coverage@5"])
    assert means["n"] == 3
    assert means["hit@1"] == pytest.approx(1 / 3)
    assert means["hit@5"] == pytest.approx(2 / 3)
    assert means["recall@5"] == pytest.approx(2 / 3)
    assert means["recall@10"] == pytest.approx(1.0)
    assert means["mrr@10"] == pytest.approx((0.5 + 1 + 1 / 7) / 3)
    assert means["ndcg@10"] == pytest.approx(((1 / LOG2_3 + 0.5) / (1 + 1 / LOG2_3) + 1 + 1 / 3) / 3)


def test_run_keeps_retrieved_order_even_when_raw_scores_tie():
    run = build_run({"q": hits("b", "a", "b", "c")})
    assert list(run["q"]) == ["b", "a", "c"]  # a repeated id keeps its first position
    assert run["q"]["b"] > run["q"]["a"] > run["q"]["c"]
    assert ranx_scores({"q": {"a": 1}}, run)["q"]["mrr@10"] == pytest.approx(0.5)


def test_empty_run_scores_zero():
    assert ranx_scores({"q": {"a": 1}}, {"q": {}})["q"] == pytest.approx(dict.fromkeys(METRICS[:-1], 0.0))
    assert ranx_scores({}, {}) == {}


def test_evidence_coverage():
    top = [SimpleNamespace(doc_id="d", start=0, end=100), SimpleNamespace(doc_id="e", start=0, end=50)]
    evidence = [("d", 10, 20), ("e", 40, 60), ("e", 45, 70), ("f", 0, 5)]
    # ("d",10,20) whole; ("e",40,60) 10 of 20 = half -> counts; ("e",45,70) 5 of 25 -> no; f absent
    assert evidence_coverage(top, evidence) == pytest.approx(2 / 4)
    assert evidence_coverage(top, evidence, k=1) == pytest.approx(1 / 4)
    assert evidence_coverage(top, []) is None


def test_grouped_means_and_none_values():
    per_q = {"a": {"hit@5": 1.0, "coverage@5": None}, "b": {"hit@5": 0.0, "coverage@5": 0.5}, "c": {"hit@5": 1.0, "coverage@5": 1.0}}
    groups = grouped_means(per_q, {"a": ["x"], "b": ["x", "y"], "c": ["y"]}, ["hit@5", "coverage@5"])
    assert groups["x"] == {"hit@5": 0.5, "coverage@5": 0.5, "n": 2}
    assert groups["y"] == {"hit@5": 0.5, "coverage@5": 0.75, "n": 2}


def test_latency_summary():
    summary = latency_summary([float(v) for v in range(1, 21)])  # 1..20 ms
    assert summary["median"] == 10.5 and summary["p95"] == pytest.approx(19.05) and summary["n"] == 20
    assert latency_summary([])["n"] == 0
