"""Sentence vectors: which chunk each sentence belongs to, ranking chunks by their best sentence,
and the files a snapshot keeps (planqa/index/sentences.py). No model: the vectors are made up,
since only the bookkeeping is tested here (retrieval quality is measured on the gold set)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from planqa.index.sentences import SentenceIndex, sentence_units
from planqa.records import Chunk, Document

TEXT = ("开平市科技创新“十四五”规划\n一、发展目标\n到2025年，高新技术企业达到225家。研发投入强度达到2.5%。\n"
        "二、主要任务\n建设中微子实验站。完善科技金融体系。")


def _document_and_chunks() -> tuple[Document, list[Chunk]]:
    document = Document("kaiping", "开平市科技创新“十四五”规划", TEXT)
    goals = TEXT.index("到2025年")
    tasks = TEXT.index("建设中微子")
    chunks = [  # in row order; the second document part comes first on purpose
        Chunk.create("kaiping", ("二、主要任务",), tasks, len(TEXT), TEXT[tasks:]),
        Chunk.create("kaiping", ("一、发展目标",), goals, TEXT.index("\n二、"), TEXT[goals:TEXT.index("\n二、")]),
    ]
    return document, chunks


def test_every_sentence_maps_to_the_chunk_holding_it():
    document, chunks = _document_and_chunks()
    texts, rows = sentence_units([document], chunks)
    by_row = {}
    for text, row in zip(texts, rows.tolist()):
        by_row.setdefault(row, []).append(text)
    assert any("225家" in t for t in by_row[1]) and any("2.5%" in t for t in by_row[1])
    assert any("中微子" in t for t in by_row[0]) and any("科技金融" in t for t in by_row[0])
    assert not any(t.startswith("开平市科技创新") for t in texts)  # the title lies in no chunk: left out


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_chunks_ranked_by_their_best_sentence_and_filtered(tmp_path: Path):
    vectors = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0.9, 0.1, 0), _unit(0, 0, 1)])
    rows = np.array([0, 1, 1, 2], dtype=np.int32)
    index = SentenceIndex.build(vectors, rows)
    query = _unit(0.95, 0.05, 0)[None, :]
    ranking = index.chunk_ranking(query, n=3)
    assert [row for row, _ in ranking] == [0, 1, 2]  # row 1 by its sentence [0.9, 0.1, 0]
    assert ranking[1][1] == np.float32(vectors[2] @ query[0])  # the best sentence, not the mean
    allowed = np.array([False, True, True])
    assert [row for row, _ in index.chunk_ranking(query, n=3, allowed=allowed)] == [1, 2]

    params = index.save(tmp_path)
    assert params["count"] == 4 and params["type"] == "flat"
    loaded = SentenceIndex.load(tmp_path, params)
    assert loaded.chunk_ranking(query, n=3) == ranking
    assert SentenceIndex.load(tmp_path, None) is None  # an index built without sentence vectors
    assert SentenceIndex.load(tmp_path / "elsewhere", params) is None


def test_empty_sentence_index():
    index = SentenceIndex.build(np.zeros((0, 3), dtype=np.float32), np.zeros(0, dtype=np.int32))
    assert index.chunk_ranking(_unit(1, 0, 0)[None, :], n=5) == []
