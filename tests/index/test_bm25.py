"""Tests for planqa.index.bm25.BM25Index over a handful of short Chinese passages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("jieba")
pytest.importorskip("bm25s")

from planqa.errors import IndexMismatchError  # noqa: E402
from planqa.index.bm25 import BM25Index, normalize_query_for_keywords  # noqa: E402
from planqa.tokenize import ChineseTokenizer, TokenizerSettings  # noqa: E402

PASSAGES = [
    "到2025年，全市国家高新技术企业存量力争达到225家，科技型中小企业评价入库达到170家。",
    "实施科技特派员培育计划，遴选1000名科技特派员到企业和县镇村开展产学研合作。",
    "翠山湖高新区于2020年成功创建省级高新技术产业开发区。",
    "全社会研发经费投入强度稳步提高，增长率达12%。",
    "科技企业孵化器、众创空间、“星创天地”等总数量达到12家。",
    "强化实施关键核心技术“揭榜挂帅”制，围绕硅能源、新能源电池等重点产业开展协同攻关。",
    "江门双碳实验室加快构建“1+10+3”政产学研用融通发展新模式。",
    "茂南区总面积586平方公里，常住人口103万人。",
]
QUERIES = ["高新技术企业数量目标", "科技特派员", "2025年目标", "揭榜挂帅的重点产业有哪些？", "科技企业"]


@pytest.fixture(scope="module")
def tokenizer() -> ChineseTokenizer:
    return ChineseTokenizer()


@pytest.fixture(scope="module")
def index(tokenizer) -> BM25Index:
    return BM25Index.build(PASSAGES, tokenizer)


@pytest.mark.parametrize(
    ("query", "best"),
    [("高新技术企业数量目标", 0), ("科技特派员", 1), ("揭榜挂帅的重点产业有哪些？", 5), ("常住人口是多少", 7)],
)
def test_right_passage_ranks_first(index, query, best):
    results = index.search(query, 3)
    assert results[0][0] == best
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_params_recorded(index):
    assert index.params == {"k1": 1.5, "b": 0.75, "method": "lucene"}
    assert len(index) == len(PASSAGES)
    manifest = index.manifest()
    assert manifest["params"] == index.params
    assert manifest["tokenizer"] == TokenizerSettings().to_dict()


def test_allowed_mask_restricts_results(index):
    everything = index.search("科技企业", 8)
    assert len(everything) >= 3
    allowed = np.ones(len(PASSAGES), dtype=bool)
    allowed[everything[0][0]] = False
    filtered = index.search("科技企业", 2, allowed=allowed)
    # k results still come back, all from allowed rows, in the unfiltered order
    assert len(filtered) == 2
    assert all(allowed[row] for row, _ in filtered)
    assert [row for row, _ in filtered] == [row for row, _ in everything[1:3]]
    assert index.search("科技特派员", 5, allowed=np.zeros(len(PASSAGES), dtype=bool)) == []


def test_allowed_mask_is_validated(index):
    with pytest.raises(ValueError):
        index.search("科技", 3, allowed=np.ones(3, dtype=bool))
    with pytest.raises(ValueError):
        index.search("科技", 3, allowed=np.arange(len(PASSAGES)))


def test_empty_and_stopword_queries(index):
    assert index.search("", 5) == []
    assert index.search("的了吗？", 5) == []
    assert index.search("是什么？", 5) == []
    assert index.search("量子引力弦论", 5) == []  # no known token
    assert index.search("科技特派员", 0) == []


def test_k_larger_than_corpus(index):
    results = index.search("达到", 100)
    assert 0 < len(results) <= len(PASSAGES)


def test_save_load_round_trip(index, tokenizer, tmp_path: Path):
    index.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25", tokenizer)
    for query in QUERIES:
        assert loaded.search(query, 5) == index.search(query, 5)
    assert loaded.params == index.params and len(loaded) == len(index)
    # plain files only: arrays load without pickle, the rest is JSON
    for path in (tmp_path / "bm25").rglob("*"):
        if path.suffix == ".npy":
            np.load(path, allow_pickle=False)
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))


def test_load_with_other_tokenizer_settings_fails(index, tmp_path: Path):
    index.save(tmp_path)
    with pytest.raises(IndexMismatchError):
        BM25Index.load(tmp_path, ChineseTokenizer(TokenizerSettings(search_mode=False)))
    with pytest.raises(FileNotFoundError):
        BM25Index.load(tmp_path / "missing", ChineseTokenizer())


def test_empty_corpus(tokenizer, tmp_path: Path):
    empty = BM25Index.build(["", "。。。", "的了"], tokenizer)
    assert empty.search("科技", 3) == []
    empty.save(tmp_path)
    assert BM25Index.load(tmp_path, tokenizer).search("科技", 3) == []
    assert BM25Index.build([], tokenizer).search("科技", 3) == []


def test_rows_stay_aligned_with_empty_texts(tokenizer):
    idx = BM25Index.build(["", "科技特派员", "。", "高新技术企业"], tokenizer)
    assert idx.search("高新技术企业", 1)[0][0] == 3
    assert idx.search("科技特派员", 1)[0][0] == 1


def test_normalize_query_for_keywords():
    assert normalize_query_for_keywords("高新技术企业数量目标是多少？") == "高新技术企业数量目标"
    assert normalize_query_for_keywords("科技特派员有哪些职责") == "科技特派员 职责"
    assert normalize_query_for_keywords("如何推动科技成果转化？") == "推动科技成果转化"
    assert normalize_query_for_keywords("开平市有国家创新型县吗？") == "开平市有国家创新型县"
    assert normalize_query_for_keywords("是什么？") == ""
