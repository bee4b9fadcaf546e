"""The scale benchmark's parts on tiny sizes: corpus generator, text pipeline, derived vectors,
BM25 built from tokens and its pruned search, snapshot assembly (with the files that make loading lazy).
No model is loaded except in the test marked slow (the whole ``run.py`` on two tiny sizes)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

pytest.importorskip("faiss")
pytest.importorskip("bm25s")
pytest.importorskip("jieba")

from bench.scale.generate import CorpusGenerator  # noqa: E402
from bench.scale.vectors import VectorModel, realism  # noqa: E402


class FakeEmbedder:
    """Bag-of-characters vectors: deterministic and model-free."""

    name = "fake/bag-of-chars"
    dimension = 48
    normalized = True
    max_tokens = 512

    def count_tokens(self, text: str, is_query: bool = False) -> int:
        return len(text) // 2 + 2

    def passage_text(self, text: str) -> str:
        return "passage: " + text

    def _vectors(self, texts):
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for char in text:
                out[row, ord(char) % self.dimension] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def encode_passages(self, texts, batch_size=64, show_progress=False):
        return self._vectors(list(texts))

    def encode_queries(self, texts, batch_size=64, show_progress=False):
        return self._vectors(list(texts))


@pytest.fixture(scope="module")
def real_index(tmp_path_factory, corpus_dir: Path):
    """The five real plans indexed with the fake embedder (no model)."""
    from planqa.index import Index
    from planqa.index.build import build_index

    folder = tmp_path_factory.mktemp("real-index")
    build_index(corpus_dir, folder, embedder=FakeEmbedder())
    return Index.load(folder)


@pytest.fixture(scope="module")
def generator(real_index) -> CorpusGenerator:
    return CorpusGenerator(list(real_index.documents.values()), real_index.chunks, seed=3)


@pytest.fixture(scope="module")
def corpus(real_index, tmp_path_factory) -> Path:
    """A generated corpus of ≥ 400 chunks through the real pipeline (one process, token estimate)."""
    from bench.scale.corpus import build_corpus

    out = tmp_path_factory.mktemp("corpus")
    meta = build_corpus(real_index.index_dir, out, 400, seed=3, processes=1, model="estimate",
                        source_hash="h", progress=False)
    assert meta["chunks"] >= 400 and meta["documents"] >= 2
    np.save(out / "base.npy", real_index.vectors.vectors(), allow_pickle=False)
    return out


def questions() -> list[str]:
    lines = (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:40]


# ----------------------------------------------------------------------------- generator


def test_generator_is_deterministic_and_substitutes(generator):
    first, again = generator.generate(5), generator.generate(5)
    assert first.text == again.text and first.doc_id == again.doc_id
    assert generator.generate(6).text != first.text
    for number in range(12):
        doc = generator.generate(number)
        own = doc.title.split("科技创新")[0]
        assert own and own in doc.text  # the new region is named
        for source_name in ("台山", "开平", "茂南"):  # the sources' own regions are all replaced
            assert source_name not in doc.text
        if doc.period:
            assert doc.period in doc.title and doc.period in doc.text
        assert len(doc.line_starts) == len(doc.line_rows) == doc.text.count("\n") + 1


def test_substitution_of_years_periods_and_figures(generator):
    import random

    from bench.scale.generate import Region

    source = next(s for s in generator.sources if s.years == (2021, 2025))
    region = Region("浙江省", "金华市", "义乌市")
    text = "台山市“十四五”期间，到2025年国家高新技术企业达到148家，占比1.54%，比2020年增长56.0%。1.台山高新区"
    out = generator._substitute(text, source, region, (2026, 2030), random.Random(1))
    assert out.startswith("义乌市“十五五”期间，到2030年国家高新技术企业达到")
    assert "2025年增长" in out and out.endswith("。1.义乌高新区")  # years shifted, heading number kept
    figures = [f for f in __import__("re").findall(r"\d+(?:\.\d+)?%?", out) if f not in ("2030", "2025", "1")]
    assert len(figures) == 3 and figures != ["148", "1.54%", "56.0%"]
    assert "." in figures[1] and len(figures[1].split(".")[1]) == 3 and figures[2].endswith("%")


def test_source_rows_point_at_the_real_chunks(generator, real_index):
    import random

    from planqa.chunk import Chunker
    from planqa.ingest.clean import clean
    from planqa.ingest.outline import build_sections
    from planqa.records import Document

    doc = generator.generate(1)
    cleaned = clean(doc.text)
    assert cleaned.text == doc.text  # generated text is already clean, so offsets carry over
    document = Document(doc.doc_id, doc.title, cleaned.text, tables=cleaned.tables,
                        sections=build_sections(cleaned.text, skip_spans=[(t.start, t.end) for t in cleaned.tables]))
    rows = [doc.source_row(chunk, cleaned.text, random.Random(0)) for chunk in Chunker().chunk(document)]
    assert rows and all(0 <= r < len(real_index.chunks) for r in rows)
    assert len(set(rows)) > len(rows) // 4  # chunks come from many different real chunks


# ----------------------------------------------------------------------------- text pipeline


def test_corpus_files_and_prefixes(corpus, generator):
    from bench.scale.corpus import corpus_complete, prefix_doc_ids, prefix_stats

    meta = json.loads((corpus / "corpus.json").read_text(encoding="utf-8"))
    chunk_lines = (corpus / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    token_lines = (corpus / "tokens.txt").read_text(encoding="utf-8").splitlines()
    sources = np.load(corpus / "sources.npy")
    assert len(chunk_lines) == len(token_lines) == len(sources) == meta["chunks"]
    first = json.loads(chunk_lines[0])
    document = json.loads((corpus / "docs" / f"{first['doc_id']}.json").read_text(encoding="utf-8"))
    assert document["text"][first["start"]:first["end"]] == first["text"]
    assert document["title"] == generator.generate(0).title
    stats = prefix_stats(corpus, 100)
    assert stats["chunks"] == 100 and stats["clean_s"] > 0 and stats["chunk_s"] > 0 and stats["tokenize_s"] > 0
    ids = prefix_doc_ids(corpus, 100)
    assert ids[0] == first["doc_id"] and len(ids) == stats["documents"]
    assert corpus_complete(corpus, 400, 3, "h") and not corpus_complete(corpus, 10**6, 3, "h")
    assert not corpus_complete(corpus, 400, 4, "h")


# ----------------------------------------------------------------------------- vectors


def test_derived_vectors(real_index):
    base = real_index.vectors.vectors()
    model = VectorModel(base)
    sources = np.random.default_rng(0).integers(0, len(base), 700)
    vectors = model.derive_many(sources, seed=1, batch=256)
    assert vectors.shape == (700, base.shape[1]) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    # a prefix gets the same vectors, up to the float32 rounding of a matrix product of another shape
    np.testing.assert_allclose(model.derive_many(sources[:300], seed=1, batch=256), vectors[:300], rtol=0, atol=1e-6)
    own = np.einsum("ij,ij->i", vectors, base[sources])
    assert np.median(own) > np.median(vectors @ base[0])  # closer to its source than to a random chunk
    stats = realism(vectors, base[:10])
    assert 0 < stats["pair_cos_mean"] < 1 and stats["query_top1_cos"] >= stats["query_top10_cos"]


# ----------------------------------------------------------------------------- BM25 at scale


@pytest.fixture(scope="module")
def token_lists(corpus) -> list[list[str]]:
    return [line.split() for line in (corpus / "tokens.txt").read_text(encoding="utf-8").splitlines()]


def test_bm25_from_tokens_equals_bm25s(token_lists):
    import bm25s

    from planqa.index.bm25 import BM25Index
    from planqa.tokenize import ChineseTokenizer

    ours = BM25Index.from_tokens(token_lists, ChineseTokenizer())._retriever
    theirs = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    theirs.index(token_lists, show_progress=False)
    assert set(ours.vocab_dict) == set(theirs.vocab_dict)
    for token in list(theirs.vocab_dict)[:400]:
        if token:
            np.testing.assert_array_equal(ours.get_scores_from_ids([ours.vocab_dict[token]]),
                                          theirs.get_scores_from_ids([theirs.vocab_dict[token]]))


def full_scoring(index, query: str, k: int, allowed=None) -> list[tuple[int, float]]:
    """Every row scored, terms added in the order the pruned search uses."""
    from planqa.index.bm25 import normalize_query_for_keywords

    vocab, scores = index._retriever.vocab_dict, index._retriever.scores
    weights = Counter(vocab[t] for t in index.tokenizer.tokenize(normalize_query_for_keywords(query)) if t in vocab)
    acc = np.zeros(index.num_docs, dtype=np.float32)
    for term in sorted(weights, key=lambda t: (-weights[t] * float(index.term_max[t]), t)):
        start, end = scores["indptr"][term], scores["indptr"][term + 1]
        factor = np.float32(weights[term])
        data = scores["data"][start:end]
        np.add.at(acc, scores["indices"][start:end], data if factor == 1 else data * factor)
    rows = np.flatnonzero(acc)
    if allowed is not None:
        rows = rows[allowed[rows]]
    order = np.lexsort((rows, -acc[rows]))[:k]
    return [(int(rows[i]), float(acc[rows[i]])) for i in order]


def test_pruned_bm25_search_equals_full_scoring(token_lists, monkeypatch, tmp_path):
    from planqa.index import bm25 as bm25_module
    from planqa.index.bm25 import BM25Index
    from planqa.tokenize import ChineseTokenizer

    index = BM25Index.from_tokens(token_lists * 3, ChineseTokenizer())  # repeated: many near-ties
    index.save(tmp_path)
    loaded = BM25Index.load(tmp_path, index.tokenizer)  # memory-mapped, term_max from its file
    monkeypatch.setattr(bm25_module, "PRUNE_FROM_POSTINGS", 0)  # prune whatever the size
    monkeypatch.setattr(bm25_module, "LOOKUP_COST", 1)  # and stop adding lists as early as allowed
    rng = np.random.default_rng(0)
    allowed = rng.random(index.num_docs) < 0.3
    pruned = 0
    original_lookup = bm25_module._lookup

    def counting_lookup(*args):
        nonlocal pruned
        pruned += 1
        return original_lookup(*args)

    monkeypatch.setattr(bm25_module, "_lookup", counting_lookup)
    for query in questions():
        for k in (1, 10, 50):
            assert loaded.search(query, k) == full_scoring(loaded, query, k)
        assert loaded.search(query, 10, allowed) == full_scoring(loaded, query, 10, allowed)
    assert pruned > 0  # the pruned path was taken


# ----------------------------------------------------------------------------- snapshot


def test_snapshot_loads_and_searches(corpus, real_index, tmp_path):
    from bench.scale.snapshot import assemble
    from planqa.index import Index
    from planqa.index.bm25 import BM25Index
    from planqa.index.catalog import CHUNKS_META, DOCUMENTS_META, _ARRAYS
    from planqa.index.faiss import FaissStore
    from planqa.retrieve import Searcher

    size = 250
    sources = np.load(corpus / "sources.npy")[:size]
    vectors = VectorModel(np.load(corpus / "base.npy")).derive_many(sources)
    store = FaissStore.build(vectors)
    store.save(tmp_path)
    lines = (corpus / "tokens.txt").read_text(encoding="utf-8").splitlines()[:size]
    BM25Index.from_tokens((line.split() for line in lines), real_index.tokenizer).save(tmp_path / "bm25")
    snapshot = assemble(tmp_path / "index", corpus, size, real_index.manifest, tmp_path, store.params, tmp_path / "bm25")

    # the files that let Index.load skip parsing: present, and chunks.jsonl is the corpus's first lines
    for name in (DOCUMENTS_META, CHUNKS_META, *_ARRAYS.values()):
        assert (snapshot / name).is_file() and not (snapshot / name).is_symlink(), name
    corpus_lines = (corpus / "chunks.jsonl").read_bytes().splitlines(keepends=True)[:size]
    assert (snapshot / "chunks.jsonl").read_bytes() == b"".join(corpus_lines)
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    assert sum(entry["chunks"] for entry in manifest["documents"].values()) == size
    assert all(entry["chunks"] > 0 for entry in manifest["documents"].values())

    index = Index.load(tmp_path / "index")
    assert isinstance(index.chunks.doc_codes, np.memmap)  # read from the arrays, not by parsing every line
    assert len(index.chunks) == size and index.vectors.size == size and len(index.bm25) == size
    assert index.manifest["vectors"]["type"] == "flat"
    assert list(index.documents) == sorted(manifest["documents"])
    for doc_id in manifest["documents"]:
        document = json.loads((corpus / "docs" / f"{doc_id}.json").read_text(encoding="utf-8"))
        info = index.documents.info(doc_id)
        assert (info.title, info.region, info.period) == (document["title"], document["region"], document["period"])
    first = json.loads(corpus_lines[0])
    assert index.chunks[0].text == first["text"] and index.chunks.doc_id_of(size - 1) == json.loads(corpus_lines[-1])["doc_id"]
    searcher = Searcher(index, FakeEmbedder())
    hits = searcher.search("高新技术企业 目标", k=5)
    assert len(hits) == 5
    for hit in hits:
        assert index.documents[hit.doc_id].text[hit.start:hit.end] == hit.text
    assert searcher.regions.alias_to_region  # the generated documents name regions


# ----------------------------------------------------------------------------- whole run (slow)


@pytest.mark.slow
def test_run_end_to_end(tmp_path: Path, corpus_dir: Path):
    """run.py on two tiny sizes with the real model: report, plot and every section."""
    from planqa.index.build import build_index

    small = tmp_path / "corpus"
    small.mkdir()
    text = (corpus_dir / "jiangmen-bqw-sti-implementation-plan-2023.txt").read_text(encoding="utf-8")
    (small / "jiangmen-tiny.txt").write_text(text[: text[:3000].rfind("\n") + 1], encoding="utf-8")
    build_index(small, tmp_path / "index")
    out = tmp_path / "reports"
    command = [sys.executable, str(ROOT / "bench" / "scale" / "run.py"), "--sizes", "150,300", "--index",
               str(tmp_path / "index"), "--work", str(tmp_path / "work"), "--queries", "3",
               "--warmup", "1", "--embed-chunks", "2", "--processes", "1", "--kinds", "flat,ivf-fp16",
               "--out", str(out), "--name", "scale_test", "--quiet"]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=1800)
    assert completed.returncode == 0, completed.stderr[-3000:]
    data = json.loads((out / "scale_test.json").read_text(encoding="utf-8"))
    assert [s["size"] for s in data["sizes"]] == [150, 300]
    for size in data["sizes"]:
        assert size["indexes"]["flat"]["recall@10"] == 1.0
        assert 0 <= size["indexes"]["ivf-fp16"]["recall@10"] <= 1
        search = size["search"]
        assert search["auto"]["total_ms"]["p50"] > 0 and size["bm25"]["rows"] == size["size"]
        assert search["catalog_files"] and search["chunks"] == size["size"] and search["queries"] == 3
        load = search["load_s"]
        parts = ("chunks_and_documents", "vectors", "bm25", "region_table", "heading_table")
        assert set(load) == {*parts, "whole_index", "tokenizer", "model"}
        assert load["whole_index"] == pytest.approx(sum(load[p] for p in parts), abs=0.003)
        for side in ("auto", "exact"):
            for part in ("total", "cpu", "without_embed", "embed", "dense", "bm25", "analyze", "fusion_and_rest"):
                assert search[side][f"{part}_ms"]["p50"] >= 0, (side, part)
            assert search[side]["embed_ms"]["p50"] > 0 and search[side]["analyze_ms"]["p50"] > 0
        assert 0 <= search["hybrid_top10_overlap_auto_vs_exact"] <= 1
        assert "as_is" not in search
    markdown = (out / "scale_test.md").read_text(encoding="utf-8")
    for heading in ("## Targets", "## Vector indexes", "## Whole default search", "## Loading and memory",
                    "## BM25", "## Text pipeline", "## Embedding throughput", "## Derived vectors"):
        assert heading in markdown
    assert "whole index load (documents, chunks, vectors, BM25, region table, heading table)" in markdown
    assert "as is" not in markdown.replace("planqa as is", "") and "analysis cached" not in markdown
    assert (out / "scale_test.png").stat().st_size > 1000
