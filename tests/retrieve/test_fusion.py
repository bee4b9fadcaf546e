"""Fusion functions against values worked out by hand."""

from __future__ import annotations

import pytest

from planqa.retrieve.fusion import min_max, reciprocal_rank_fusion, weighted_sum_fusion


def test_rrf_by_hand():
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 63)
    assert fused["d"] == pytest.approx(1 / 62)
    assert [item for item, _ in reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]])][:2] == ["b", "a"]


def test_rrf_weights():
    fused = dict(reciprocal_rank_fusion([["a"], ["b"]], k=0, weights=[2.0, 1.0]))
    assert fused == {"a": 2.0, "b": 1.0}
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 2.0])


def test_min_max():
    assert min_max([2.0, 4.0, 3.0]) == [0.0, 1.0, 0.5]
    assert min_max([5.0]) == [1.0] and min_max([]) == []


def test_weighted_sum_by_hand():
    bm25 = [("a", 10.0), ("b", 5.0), ("c", 0.0)]  # → a 1.0, b 0.5, c 0.0
    dense = [("b", 0.9), ("c", 0.7), ("d", 0.5)]  # → b 1.0, c 0.5, d 0.0
    fused = dict(weighted_sum_fusion([bm25, dense], [0.3, 0.7]))
    assert fused["a"] == pytest.approx(0.3)
    assert fused["b"] == pytest.approx(0.3 * 0.5 + 0.7)
    assert fused["c"] == pytest.approx(0.35)
    assert fused["d"] == pytest.approx(0.0)
