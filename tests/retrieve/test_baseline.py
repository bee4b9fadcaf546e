"""The user-assembled baseline: LangChain-faithful splitter, jieba/BM25, save/load, search."""

from __future__ import annotations

import json

import pytest

from planqa.records import Document
from planqa.retrieve import Hit
from planqa.retrieve.baseline import (
    SETTINGS,
    BaselineRetriever,
    RecursiveCharacterSplitter,
    baseline_splitter,
    tokenize,
)

SENTENCES = [
    "江门市大力实施创新驱动发展战略，科技创新能力显著增强",
    "全市高新技术企业数量达到两千家以上；研发经费投入占地区生产总值比重稳步提高",
    "支持企业建设研发机构，推动产学研深度融合",
    "加快建设粤港澳大湾区西翼创新高地，打造具有竞争力的产业科技创新中心",
    "完善科技金融服务体系，引导社会资本投向科技型中小企业",
    "强化知识产权保护和运用，每万人发明专利拥有量持续增长",
]


def fixture_text(repeats: int = 12) -> str:
    """About 2,400 characters of plan-like Chinese: sentences, clauses and line breaks."""
    parts = []
    for i in range(repeats):
        for j, sentence in enumerate(SENTENCES):
            parts.append(f"（{i}.{j}）{sentence}。" + ("\n" if j % 3 == 2 else ""))
    return "  " + "".join(parts) + "\n"


def make_doc(doc_id: str, text: str) -> Document:
    return Document(doc_id=doc_id, title=f"标题{doc_id}", text=text, region="江门市", period="十四五")


# ---------------------------------------------------------------------- splitter

def test_default_settings_are_the_users_baseline():
    splitter = baseline_splitter()
    assert (splitter.chunk_size, splitter.chunk_overlap) == (500, 50)
    assert splitter.separators == ["。", "；", "，"]
    assert splitter.keep_separator is True and splitter.is_separator_regex is False
    assert splitter.strip_whitespace is True


def test_chunks_fit_overlap_and_have_exact_offsets():
    text = fixture_text()
    spans = baseline_splitter().split_spans(text)
    assert len(spans) >= 4
    for start, end in spans:
        assert 0 < end - start <= 500
        assert text[start:end] == text[start:end].strip()
    # Consecutive chunks overlap by at most 50 characters and never leave a gap of text.
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert s1 < s2 and e1 < e2
        assert e1 - s2 <= 50
        assert not text[e1:s2].strip()
    assert any(e1 > s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))  # the overlap does happen
    # Every separator (kept) starts a piece: no chunk ends with 。 unless the text does there.
    assert all(text[start] in "。；，" for start, _ in spans[1:])
    assert spans[0][0] == 2 and spans[-1][1] == len(text.rstrip())


@pytest.mark.parametrize(
    ("settings", "text", "chunks", "starts"),
    [
        # Expected values produced by langchain-text-splitters 1.1.3 (RecursiveCharacterTextSplitter,
        # split_text and create_documents(add_start_index=True)) and checked against its source:
        # keep_separator=True puts the separator at the start of the next piece; pieces under
        # chunk_size are merged; a lone trailing separator becomes a chunk of its own.
        (dict(chunk_size=10, chunk_overlap=4), "一二三四五。六七八九；十一，十二十三。",
         ["一二三四五", "。六七八九", "；十一，十二十三", "。"], [0, 5, 10, 18]),
        # No "" fallback: a piece of chunk_size or more without any separator stays whole.
        (dict(chunk_size=10, chunk_overlap=0), "甲乙丙丁戊己庚辛壬癸子丑寅卯。辰巳",
         ["甲乙丙丁戊己庚辛壬癸子丑寅卯", "。辰巳"], [0, 14]),
        # Whitespace is stripped from merged chunks (offsets move with it).
        (dict(chunk_size=6, chunk_overlap=2), "  春天，夏天。 秋天；冬天。  ",
         ["春天", "，夏天", "。 秋天", "；冬天", "。"], [2, 4, 7, 11, 14]),
        # Overlap: pieces are carried into the next chunk while their total is <= chunk_overlap.
        (dict(chunk_size=10, chunk_overlap=5), "甲乙，丙丁，戊己，庚辛，壬癸，子丑。",
         ["甲乙，丙丁，戊己", "，戊己，庚辛，壬癸", "，壬癸，子丑", "。"], [0, 5, 11, 17]),
    ],
)
def test_matches_langchain(settings, text, chunks, starts):
    splitter = RecursiveCharacterSplitter(separators=["。", "；", "，"], **settings)
    spans = splitter.split_spans(text)
    assert splitter.split_text(text) == chunks
    assert [s for s, _ in spans] == starts
    assert all(text[s:e] == c for (s, e), c in zip(spans, chunks))


def test_langchain_fallbacks_and_options():
    # "" as the last separator splits characters; keep_separator="end" keeps it at the end.
    split = RecursiveCharacterSplitter(chunk_size=4, chunk_overlap=0, separators=["。", ""]).split_text
    assert split("甲乙丙丁戊己。庚") == ["甲乙丙丁", "戊己", "。庚"]
    end = RecursiveCharacterSplitter(chunk_size=4, chunk_overlap=0, separators=["。"], keep_separator="end")
    assert end.split_text("甲乙。丙丁。戊") == ["甲乙。", "丙丁。戊"]  # 3 + 1 <= 4: merged
    with pytest.raises(ValueError):
        RecursiveCharacterSplitter(keep_separator=False)
    with pytest.raises(ValueError):
        RecursiveCharacterSplitter(chunk_size=10, chunk_overlap=11)


def test_same_chunks_as_langchain_when_installed():
    lc = pytest.importorskip("langchain_text_splitters")
    text = fixture_text(20)
    theirs = lc.RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50, separators=SETTINGS["separators"],
                                               add_start_index=True).create_documents([text])
    spans = baseline_splitter().split_spans(text)
    assert [d.page_content for d in theirs] == [text[s:e] for s, e in spans]
    assert [d.metadata["start_index"] for d in theirs] == [s for s, _ in spans]


# ---------------------------------------------------------------------- tokens

def test_tokenize_is_plain_jieba_without_punctuation():
    import jieba

    text = "到2025年，国家高新技术企业达到200家！  | 148 | 的"
    tokens = tokenize(text)
    assert tokens == [t for t in jieba.lcut(text) if t.strip() and t not in "，！|"]
    assert "的" in tokens and "2025" in tokens  # no stopwords
    assert tokenize("，。！？ 、") == []


# ---------------------------------------------------------------------- retriever

class FakeEmbedder:
    """Bag-of-characters vectors: deterministic and model-free."""

    name = "fake/bag-of-chars"
    dimension = 64
    normalized = True
    max_tokens = 512

    def count_tokens(self, text: str, is_query: bool = False) -> int:
        return len(text) + 2

    def passage_text(self, text: str) -> str:
        return "passage: " + text

    def _vectors(self, texts):
        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for char in text:
                out[row, ord(char) % self.dimension] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def encode_passages(self, texts, batch_size=64, show_progress=False):
        return self._vectors(list(texts))

    def encode_queries(self, texts, batch_size=64, show_progress=False):
        return self._vectors(list(texts))


@pytest.fixture
def documents():
    other = "春季农业生产。秋季粮食收购，仓储物流；冬季防寒。"
    return [make_doc("a", fixture_text(4)), make_doc("b", other)]


def test_build_search_save_load(tmp_path, documents):
    embedder = FakeEmbedder()
    retriever = BaselineRetriever.build(documents, embedder=embedder, cache_dir=tmp_path / "cache")
    texts = {d.doc_id: d.text for d in documents}
    for mode in ("hybrid", "bm25", "dense"):
        hits = retriever.search("粮食收购仓储", k=3, mode=mode)
        assert hits and all(isinstance(h, Hit) for h in hits)
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert all(texts[h.doc_id][h.start:h.end] == h.text for h in hits)
        assert hits[0].doc_id == "b", mode
    hit = retriever.search("粮食收购", k=1)[0]
    assert (hit.title, hit.region, hit.period, hit.section) == ("标题b", "江门市", "十四五", "")

    retriever.save(tmp_path / "saved")
    names = {p.name for p in (tmp_path / "saved").iterdir()}
    assert {"baseline.json", "chunks.jsonl", "vectors.faiss", "bm25s"} <= names
    assert not list((tmp_path / "saved").rglob("*.pkl"))
    again = BaselineRetriever.load(tmp_path / "saved", embedder=embedder)
    assert again.chunks == retriever.chunks and again.corpus_hash == retriever.corpus_hash
    for mode in ("hybrid", "bm25", "dense"):
        assert ([h.to_dict() for h in again.search("科技金融服务", 5, mode)]
                == [h.to_dict() for h in retriever.search("科技金融服务", 5, mode)])
    chunks = [json.loads(line) for line in (tmp_path / "saved" / "chunks.jsonl").read_text("utf-8").splitlines()]
    assert all(texts[c["doc_id"]][c["start"]:c["end"]] == c["text"] for c in chunks)


def test_search_rejects_bad_input(tmp_path, documents):
    from planqa.errors import PlanqaError

    retriever = BaselineRetriever.build(documents, embedder=FakeEmbedder())
    for query, k, mode in [("  ", 5, "hybrid"), ("科技", 0, "hybrid"), ("科技", 5, "rerank")]:
        with pytest.raises(PlanqaError):
            retriever.search(query, k, mode)
    assert retriever.search("？？？", 2, "bm25")  # no token: bm25s scores all zero, still answers


def test_for_index_builds_once_and_rebuilds_on_corpus_change(tmp_path, monkeypatch):
    from planqa.index.build import build_index
    from planqa.index.store import live_snapshot

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text("江门市科技创新规划\n" + fixture_text(3), encoding="utf-8")
    embedder = FakeEmbedder()
    build_index(corpus, tmp_path / "index", embedder=embedder)
    first = BaselineRetriever.load(tmp_path / "index", embedder=embedder)  # builds <index>/baseline/
    assert (tmp_path / "index" / "baseline" / "baseline.json").is_file()
    assert first.search("科技金融", 3)[0].doc_id == "plan"

    built = []
    original = BaselineRetriever.build.__func__
    monkeypatch.setattr(BaselineRetriever, "build",
                        classmethod(lambda cls, *a, **kw: built.append(1) or original(cls, *a, **kw)))
    again = BaselineRetriever.load(tmp_path / "index", embedder=embedder)
    assert not built and again.chunks == first.chunks  # loaded, not rebuilt

    (corpus / "plan.txt").write_text("江门市科技创新规划\n" + fixture_text(2), encoding="utf-8")
    build_index(corpus, tmp_path / "index", embedder=embedder)
    changed = BaselineRetriever.load(tmp_path / "index", embedder=embedder)
    assert built and len(changed.chunks) < len(first.chunks)
    manifest = json.loads((live_snapshot(tmp_path / "index") / "manifest.json").read_text("utf-8"))
    assert changed.corpus_hash == manifest["corpus_hash"]


@pytest.mark.slow
def test_with_the_real_model(tmp_path):
    from planqa.embed import load_embedder

    docs = [make_doc("a", "。".join(SENTENCES[:3]) + "。"), make_doc("b", "。".join(SENTENCES[3:]) + "。")]
    embedder = load_embedder()
    retriever = BaselineRetriever.build(docs, embedder=embedder, cache_dir=tmp_path / "cache")
    hits = retriever.search("知识产权保护", k=2, mode="dense")
    assert hits[0].doc_id == "b"
    retriever.save(tmp_path / "saved")
    again = BaselineRetriever.load(tmp_path / "saved", embedder=embedder)
    query = "高新技术企业"
    assert [h.chunk_id for h in again.search(query, 2)] == [h.chunk_id for h in retriever.search(query, 2)]
