"""Index build, load, update and failure handling, on a tiny real corpus with the real model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planqa.errors import IndexMismatchError, PlanqaError
from planqa.index import Index
from planqa.index.build import build_index
from planqa.index.store import CURRENT, live_snapshot
from planqa.retrieve import Searcher

pytestmark = pytest.mark.slow

PLAN_A = """开平市科技创新“十四五”规划
一、发展目标
到2025年，国家高新技术企业存量力争达到225家，科技型中小企业评价入库170家。
二、主要任务
（一）推进重大科技基础设施建设
加快推进江门中微子实验站建设，为重大原始创新和关键技术突破提供重大科技基础设施支撑。
（二）完善科技金融支持体系
深化科技金融融合发展，构建灵活高效的多元化科技创新投融资体系。
"""
PLAN_B = """台山市科技创新“十三五”规划
一、发展目标
到2020年，国家高新技术企业数量达到50家，每万人口发明专利拥有量达到2.5件。
二、主要任务
（一）加快建设科技企业孵化器
大力发展科技型企业孵化器，打造众创空间与孵化平台。
"""
PLAN_C = """江门市科技赋能“百千万工程”实施方案
一、工作目标
到2025年，推动800名科技特派员投身服务“百千万工程”。
"""


@pytest.fixture(scope="module")
def embedder():
    from planqa.embed import load_embedder

    return load_embedder(None)


def make_corpus(folder: Path, *plans: tuple[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in plans:
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def results(index_dir: Path, embedder, query: str, k: int = 5) -> list[tuple[str, str]]:
    searcher = Searcher(Index.load(index_dir), embedder)
    return [(h.doc_id, h.text) for h in searcher.search(query, k=k)]


def test_round_trip_and_search(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", ("kaiping.txt", PLAN_A), ("taishan.txt", PLAN_B))
    report = build_index(corpus, tmp_path / "index", embedder=embedder)
    assert report["documents"] == 2 and report["embedded"] == report["chunks"] > 0
    index = Index.load(tmp_path / "index")
    assert set(index.documents) == {"kaiping", "taishan"}
    manifest = index.manifest
    assert manifest["embedder"]["name"] == embedder.name and manifest["embedder"]["dimension"] == 384
    assert manifest["chunker"]["max_tokens"] > 0 and "search_mode" in manifest["tokenizer"]
    for chunk in index.chunks:
        assert index.documents[chunk.doc_id].text[chunk.start:chunk.end] == chunk.text
    hits = Searcher(index, embedder).search("中微子实验站", k=3)
    assert hits[0].doc_id == "kaiping" and "中微子" in hits[0].text
    assert index.vectors.size == len(index.chunks)


def test_rebuilding_an_unchanged_corpus_embeds_nothing(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", ("kaiping.txt", PLAN_A), ("taishan.txt", PLAN_B))
    build_index(corpus, tmp_path / "index", embedder=embedder)
    again = build_index(corpus, tmp_path / "index", embedder=embedder)
    assert again["embedded"] == 0 and again["reused_documents"] == 2
    full = build_index(corpus, tmp_path / "index", embedder=embedder, incremental=False)
    assert full["embedded"] == 0 and full["reused_documents"] == 0  # read again, vectors from the cache


def test_incremental_add_update_remove_equals_full_rebuild(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", ("kaiping.txt", PLAN_A), ("taishan.txt", PLAN_B))
    build_index(corpus, tmp_path / "inc", embedder=embedder)
    (corpus / "jiangmen.txt").write_text(PLAN_C, encoding="utf-8")  # add
    (corpus / "taishan.txt").write_text(PLAN_B.replace("50家", "60家"), encoding="utf-8")  # update
    report = build_index(corpus, tmp_path / "inc", embedder=embedder)
    assert report["reused_documents"] == 1
    (corpus / "kaiping.txt").unlink()  # remove
    build_index(corpus, tmp_path / "inc", embedder=embedder)
    full_corpus = make_corpus(tmp_path / "full", ("jiangmen.txt", PLAN_C), ("taishan.txt", PLAN_B.replace("50家", "60家")))
    build_index(full_corpus, tmp_path / "full_index", embedder=embedder, incremental=False)
    for query in ("高新技术企业数量目标", "科技特派员", "孵化器", "中微子"):
        assert results(tmp_path / "inc", embedder, query) == results(tmp_path / "full_index", embedder, query)
    assert set(Index.load(tmp_path / "inc").documents) == {"jiangmen", "taishan"}


def test_failure_mid_build_leaves_the_previous_index_live(tmp_path, embedder, monkeypatch):
    corpus = make_corpus(tmp_path / "corpus", ("kaiping.txt", PLAN_A))
    build_index(corpus, tmp_path / "index", embedder=embedder)
    before = live_snapshot(tmp_path / "index")
    (corpus / "taishan.txt").write_text(PLAN_B, encoding="utf-8")

    from planqa.index import bm25

    def explode(self, directory):
        raise OSError("disk full")

    monkeypatch.setattr(bm25.BM25Index, "save", explode)
    with pytest.raises(OSError):
        build_index(corpus, tmp_path / "index", embedder=embedder)
    monkeypatch.undo()
    assert live_snapshot(tmp_path / "index") == before
    assert set(Index.load(tmp_path / "index").documents) == {"kaiping"}
    assert [p for p in (tmp_path / "index").glob("v-*")] == [before]  # the half-written snapshot is gone
    assert results(tmp_path / "index", embedder, "中微子")[0][0] == "kaiping"


def test_nothing_readable_keeps_the_previous_index(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", ("kaiping.txt", PLAN_A))
    build_index(corpus, tmp_path / "index", embedder=embedder)
    before = live_snapshot(tmp_path / "index")
    (corpus / "kaiping.txt").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(PlanqaError, match="kaiping.txt"):
        build_index(corpus, tmp_path / "index", embedder=embedder)
    assert live_snapshot(tmp_path / "index") == before


def test_manifest_mismatch_is_refused_with_a_rebuild_hint(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", ("kaiping.txt", PLAN_A))
    build_index(corpus, tmp_path / "index", embedder=embedder)
    index = Index.load(tmp_path / "index")

    class OtherModel:
        name, dimension = "st:bge-small-zh", 512

    with pytest.raises(IndexMismatchError, match="python -m planqa index"):
        index.check_embedder(OtherModel())
    manifest_path = live_snapshot(tmp_path / "index") / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format_version"] = 99
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="rebuild"):
        Index.load(tmp_path / "index")


def test_missing_or_broken_index_says_how_to_build(tmp_path):
    with pytest.raises(PlanqaError, match="python -m planqa index"):
        Index.load(tmp_path / "nothing")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / CURRENT).write_text("v-missing", encoding="utf-8")
    with pytest.raises(PlanqaError, match="rebuild"):
        Index.load(tmp_path / "broken")


def test_filters_and_grouping(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", ("kaiping.txt", PLAN_A), ("taishan.txt", PLAN_B), ("jiangmen.txt", PLAN_C))
    build_index(corpus, tmp_path / "index", embedder=embedder)
    searcher = Searcher(Index.load(tmp_path / "index"), embedder)
    only = searcher.search("高新技术企业", k=10, doc_ids=["taishan"])
    assert only and {h.doc_id for h in only} == {"taishan"}
    by_region = searcher.search("高新技术企业", k=10, regions=["开平"])
    assert {h.doc_id for h in by_region} == {"kaiping"}
    assert {h.doc_id for h in searcher.search("目标", k=10, periods=["十三五"])} == {"taishan"}
    quota = searcher.search("目标 建设", k=10, per_doc=1)
    assert len({h.doc_id for h in quota}) == len(quota)
    grouped = searcher.search("目标 建设", k=10, group_by_doc=True)
    order = [h.doc_id for h in grouped]
    assert order == sorted(order, key=order.index)  # each document's hits together
    assert searcher.search("高新技术企业", k=5, regions=["不存在的市"]) == []
    with pytest.raises(PlanqaError):
        searcher.search("   ")
    with pytest.raises(PlanqaError, match="unknown doc_id"):
        searcher.search("目标", doc_ids=["nope"])


def test_sentence_vectors_are_indexed_and_optional(tmp_path, embedder, monkeypatch):
    """Every sentence and table row gets a vector (taken from the embedding cache on a rebuild);
    an index built without them (asked, or by default above a size) searches with the chunk
    vectors alone."""
    corpus = make_corpus(tmp_path / "corpus", ("kaiping.txt", PLAN_A), ("taishan.txt", PLAN_B))
    build_index(corpus, tmp_path / "with", embedder=embedder)
    index = Index.load(tmp_path / "with")
    assert index.manifest["sentences"]["count"] == index.sentences.store.size >= len(index.chunks)
    assert set(index.sentences.rows.tolist()) == set(range(len(index.chunks)))
    hits = Searcher(index, embedder).search("江门中微子实验站建设", k=3)
    assert hits[0].doc_id == "kaiping" and "中微子" in hits[0].text

    build_index(corpus, tmp_path / "without", embedder=embedder, sentence_vectors=False)
    plain = Index.load(tmp_path / "without")
    assert "sentences" not in plain.manifest and plain.sentences is None
    hits = Searcher(plain, embedder).search("江门中微子实验站建设", k=3)
    assert hits[0].doc_id == "kaiping" and "中微子" in hits[0].text

    from planqa.index import sentences

    monkeypatch.setattr(sentences, "AUTO_MAX_CHUNKS", 1)
    build_index(corpus, tmp_path / "large", embedder=embedder)
    assert "sentences" not in Index.load(tmp_path / "large").manifest
    build_index(corpus, tmp_path / "asked", embedder=embedder, sentence_vectors=True)
    assert Index.load(tmp_path / "asked").sentences is not None


def test_the_index_records_its_corpus_and_updates_add_there(tmp_path, embedder, monkeypatch):
    """An index built from one folder is updated from that folder, and a file added to it lands
    there, not in the default corpus/ (the app's upload did this with PLANQA_INDEX set)."""
    from planqa import cli
    from planqa.index.store import corpus_for_index, recorded_corpus

    corpus = make_corpus(tmp_path / "elsewhere", ("kaiping.txt", PLAN_A))
    index_dir = tmp_path / "index"
    assert recorded_corpus(index_dir) is None
    assert corpus_for_index(index_dir, None, tmp_path / "default") == tmp_path / "default"
    build_index(corpus, index_dir, embedder=embedder)
    assert recorded_corpus(index_dir) == corpus.resolve()
    assert corpus_for_index(index_dir, None, "corpus") == corpus.resolve()
    assert corpus_for_index(index_dir, tmp_path / "other", "corpus") == tmp_path / "other"

    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)  # a stray write into ./corpus would show here
    added = tmp_path / "taishan.txt"
    added.write_text(PLAN_B, encoding="utf-8")
    monkeypatch.setattr("planqa.embed.load_embedder", lambda *a, **k: embedder)
    assert cli.main(["index", "--index", str(index_dir), "--add", str(added), "-q"]) == 0
    assert (corpus / "taishan.txt").exists() and not (work / "corpus").exists()
    assert set(Index.load(index_dir).documents) == {"kaiping", "taishan"}

    shutil.rmtree(corpus)  # the recorded folder is gone: back to the default
    assert recorded_corpus(index_dir) is None
