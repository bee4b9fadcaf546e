"""Chunk-level relevance from evidence spans: the overlap rule, two chunkings, placeholders."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from planqa.evaluate.gold import Evidence, GoldQuestion, load_gold
from planqa.evaluate.qrels import (
    UNREACHABLE,
    Passage,
    build_qrels,
    covers,
    evidence_spans,
    first_relevant_rank,
    relevant,
    relevant_ids,
)

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold.jsonl"


def test_at_least_half_of_the_span():
    span = ("d", 10, 20)  # 10 characters
    assert covers(("d", 0, 100), span)  # the whole quote
    assert covers(("d", 0, 15), span)  # exactly half
    assert not covers(("d", 0, 14), span)  # 4 of 10
    assert covers(("d", 12, 18), span)  # a short passage inside the quote holding 6 of 10
    assert not covers(("d", 20, 40), span)  # adjacent, no overlap
    assert not covers(("e", 0, 100), span)  # another document
    odd = ("d", 10, 21)  # 11 characters: 5 is less than half, 6 is more
    assert not covers(("d", 0, 15), odd) and covers(("d", 0, 16), odd)
    assert not covers(("d", 0, 100), ("d", 5, 5))  # an empty span is never covered


def test_relevant_to_any_evidence_span():
    evidence = [("d", 10, 20), ("e", 0, 10)]
    assert relevant(("e", 5, 30), evidence)
    assert not relevant(("e", 6, 30), evidence) and not relevant(("f", 0, 99), evidence)


TEXT = "一、目标。到2025年建成实验室10家。到2027年建成实验室20家。二、任务。加强人才引进。"


def question(*quotes: str) -> GoldQuestion:
    return GoldQuestion("q1", "问题", "factual", [Evidence("d", q) for q in quotes])


def test_qrels_for_two_chunkings_of_the_same_evidence():
    documents = {"d": TEXT}
    q = question("到2027年建成实验室20家。二、任务")  # straddles the sentence boundary, mostly in sentence 3
    spans = evidence_spans(q, documents)
    start = TEXT.index("到2027年")
    assert spans == [("d", start, start + len("到2027年建成实验室20家。二、任务"))]
    # chunking A: one passage per sentence
    bounds, pos = [], 0
    for i, ch in enumerate(TEXT):
        if ch == "。":
            bounds.append((pos, i + 1))
            pos = i + 1
    fine = [Passage(f"a{i}", "d", s, e) for i, (s, e) in enumerate(bounds)]
    # chunking B: two halves cut inside the quote, so that neither half holds all of it
    cut = start + 6
    coarse = [Passage("b0", "d", 0, cut), Passage("b1", "d", cut, len(TEXT))]
    assert build_qrels({"q1": spans}, fine) == {"q1": {"a2": 1}}  # 15 of 19 chars in sentence 3
    assert build_qrels({"q1": spans}, coarse) == {"q1": {"b1": 1}}  # 13 of 19 after the cut
    # a passage the size of the whole document is relevant under any chunking
    assert build_qrels({"q1": spans}, [Passage("all", "d", 0, len(TEXT))]) == {"q1": {"all": 1}}


def test_a_quote_split_in_equal_halves_makes_both_passages_relevant():
    spans = [("d", 10, 20)]
    passages = [Passage("p", "d", 0, 15), Passage("q", "d", 15, 30), Passage("r", "d", 30, 40)]
    assert relevant_ids(passages, spans) == ["p", "q"]


def test_without_a_corpus_missed_spans_become_placeholders():
    retrieved = {"q": [SimpleNamespace(chunk_id="x", doc_id="d", start=0, end=50)]}
    qrels = build_qrels({"q": [("d", 10, 20), ("e", 0, 10)]}, None, retrieved)
    assert qrels == {"q": {"x": 1, "__missed__:e:0:10": 1}}  # recall is 1/2, not 1


def test_no_relevant_passage_gives_an_unreachable_placeholder():
    assert build_qrels({"q": [("d", 10, 20)]}, [Passage("p", "d", 30, 40)]) == {"q": {UNREACHABLE: 1}}


def test_first_relevant_rank():
    hits = [SimpleNamespace(doc_id="d", start=s, end=s + 10) for s in (100, 200, 10)]
    assert first_relevant_rank(hits, [("d", 12, 18)]) == 3
    assert first_relevant_rank(hits, [("d", 500, 520)]) is None


@pytest.mark.parametrize("max_tokens", [256, 96])
def test_every_real_gold_question_has_relevant_chunks(corpus_docs, max_tokens):
    """Under two chunkings of the real corpus each answerable question has a relevant chunk."""
    from planqa.chunk import Chunker, ChunkerSettings

    chunker = Chunker(ChunkerSettings(max_tokens=max_tokens))
    passages = [Passage(c.id, c.doc_id, c.start, c.end) for d in corpus_docs.values() for c in chunker.chunk(d)]
    documents = {doc_id: d.text for doc_id, d in corpus_docs.items()}
    evidence = {q.id: evidence_spans(q, documents) for q in load_gold(GOLD) if q.answerable and q.corpus == "main"}
    qrels = build_qrels(evidence, passages)
    unreachable = [qid for qid, rel in qrels.items() if UNREACHABLE in rel]
    assert not unreachable
    by_id = {p.id: p for p in passages}
    for qid, rel in qrels.items():
        for pid in rel:
            assert relevant((by_id[pid].doc_id, by_id[pid].start, by_id[pid].end), evidence[qid])
