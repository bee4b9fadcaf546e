"""Retrieval metrics: ranx computes the standard ones; evidence coverage@5 is ours.

=============  ===============  ==============================================================
name           ranx metric      per question
=============  ===============  ==============================================================
hit@1          hit_rate@1       1 if the first passage is relevant, else 0
hit@5          hit_rate@5       1 if any of the first 5 passages is relevant, else 0
recall@5       recall@5         relevant passages in the first 5 / all relevant passages
recall@10      recall@10        the same for the first 10
mrr@10         mrr@10           1 / rank of the first relevant passage within 10, else 0
ndcg@10        ndcg@10          DCG of the first 10 / DCG of the ideal ranking (binary gains)
coverage@5     (ours)           evidence quotes held (≥ half) by a passage of the first 5 /
                                all evidence quotes of the question
=============  ===============  ==============================================================

Every value is averaged over questions (macro average).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from planqa.evaluate.qrels import Span, covers, passage_span, to_ranx

RANX_METRICS = {
    "hit@1": "hit_rate@1",
    "hit@5": "hit_rate@5",
    "recall@5": "recall@5",
    "recall@10": "recall@10",
    "mrr@10": "mrr@10",
    "ndcg@10": "ndcg@10",
}
COVERAGE = "coverage@5"
METRICS = (*RANX_METRICS, COVERAGE)


def ranx_scores(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per-question scores {question id: {metric: value}} of the ranx metrics above."""
    if not qrels:
        return {}
    from ranx import evaluate

    ranx_qrels, ranx_run = to_ranx(qrels, run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba type-safety chatter from inside ranx
        evaluate(ranx_qrels, ranx_run, list(RANX_METRICS.values()), return_mean=False, save_results_in_run=True)
    return {qid: {name: float(ranx_run.scores[metric][qid]) for name, metric in RANX_METRICS.items()}
            for qid in qrels}


def evidence_coverage(hits: Sequence[Any], evidence: Sequence[Span], k: int = 5) -> float | None:
    """Share of the evidence spans held (at least half) by one of the first ``k`` passages.

    ``hits`` are Hit-like (doc_id, start, end); None when there is no evidence to cover.
    """
    if not evidence:
        return None
    top = [passage_span(hit) for hit in hits[:k]]
    return sum(1 for span in evidence if any(covers(p, span) for p in top)) / len(evidence)


def mean_scores(rows: Iterable[Mapping[str, float | None]], metrics: Sequence[str] = METRICS) -> dict[str, float]:
    """Macro average of each metric over the rows (None values skipped); adds ``n`` (rows)."""
    rows = list(rows)
    out: dict[str, float] = {}
    for metric in metrics:
        values = [row[metric] for row in rows if row.get(metric) is not None]
        out[metric] = sum(values) / len(values) if values else 0.0
    out["n"] = len(rows)
    return out


def grouped_means(per_question: Mapping[str, Mapping[str, float | None]], groups: Mapping[str, Iterable[str]],
                  metrics: Sequence[str] = METRICS) -> dict[str, dict[str, float]]:
    """Averages per group; ``groups`` maps a question id to the group(s) it counts for."""
    members: dict[str, list[Mapping[str, float | None]]] = defaultdict(list)
    for qid, row in per_question.items():
        for group in groups.get(qid, ()):
            members[group].append(row)
    return {group: mean_scores(rows, metrics) for group, rows in members.items()}


def latency_summary(milliseconds: Sequence[float]) -> dict[str, float]:
    """Median, 95th percentile, mean and max of per-query latencies (ms)."""
    if not milliseconds:
        return {"median": 0.0, "p95": 0.0, "mean": 0.0, "max": 0.0, "n": 0}
    import numpy as np

    values = np.asarray(milliseconds, dtype=float)
    return {"median": round(float(np.percentile(values, 50)), 2), "p95": round(float(np.percentile(values, 95)), 2),
            "mean": round(sum(milliseconds) / len(milliseconds), 2), "max": round(max(milliseconds), 2),
            "n": len(milliseconds)}
