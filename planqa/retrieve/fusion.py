"""Rank fusion: small pure functions over ranked lists of ids.

Both take one ranking per retriever (best first). Ids missing from a ranking simply get no
contribution from it.
"""

from __future__ import annotations

from typing import Hashable, Sequence

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Hashable]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[Hashable, float]]:
    """RRF (Cormack et al. 2009): score(d) = Σ_r w_r / (k + rank_r(d)), ranks from 1.

    Returns (id, score) pairs, best first; ties keep first-seen order.
    """
    weights = weights or [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[Hashable, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def min_max(scores: Sequence[float]) -> list[float]:
    """Scale scores to [0, 1]; all-equal scores become 1.0 (a lone hit is a full-strength hit)."""
    if not scores:
        return []
    low, high = min(scores), max(scores)
    if high - low < 1e-12:
        return [1.0] * len(scores)
    return [(s - low) / (high - low) for s in scores]


def weighted_sum_fusion(
    scored: Sequence[Sequence[tuple[Hashable, float]]], weights: Sequence[float]
) -> list[tuple[Hashable, float]]:
    """Normalised weighted sum: each retriever's scores min-max scaled over its own hits,
    then Σ_r w_r · score_r(d). Returns (id, score) pairs, best first.
    """
    if len(weights) != len(scored):
        raise ValueError("one weight per retriever")
    totals: dict[Hashable, float] = {}
    for hits, weight in zip(scored, weights):
        normalised = min_max([score for _, score in hits])
        for (item, _), value in zip(hits, normalised):
            totals[item] = totals.get(item, 0.0) + weight * value
    return sorted(totals.items(), key=lambda pair: -pair[1])
