"""Composing answers: sentence endings, citation numbering, region grouping; calibration helpers."""

from __future__ import annotations

from planqa.answer.calibrate import answer_sentences, choose_thresholds, supported
from planqa.answer.candidates import Candidate
from planqa.answer.compose import Composer, order_by_region, pick_sentences, sentence_text
from planqa.answer.scoring import Scored
from planqa.records import Document

TEXT = "一、任务\n加快建设孵化器；推动企业上市。\n到2025年，高新技术企业达到200家。"
DOCS = {
    "a": Document("a", "甲规划", TEXT, region="台山市"),
    "b": Document("b", "乙规划", TEXT, region="开平市"),
    "c": Document("c", "丙规划", TEXT, region="台山市"),
}


def scored(doc: str, quote: str, score: float, path: tuple[str, ...] = ("一、任务",)) -> Scored:
    start = TEXT.index(quote)
    return Scored(Candidate(doc, start, start + len(quote), quote, "sentence", path, 0), {}, score)


def test_sentence_text_ends_like_a_sentence():
    assert sentence_text("加快建设孵化器；") == "加快建设孵化器。"
    assert sentence_text("一是加强合作，") == "一是加强合作。"
    assert sentence_text("国家高新技术企业：2020年148家（预期性）") == "国家高新技术企业：2020年148家（预期性）。"
    assert sentence_text("“坚持创新驱动。”") == "坚持创新驱动。"
    assert sentence_text("推动企业上市。") == "推动企业上市。"


def test_composer_cites_each_span_once_and_quotes_verbatim():
    composer = Composer(DOCS)
    first, second = scored("a", "加快建设孵化器；", 2.0), scored("a", "推动企业上市。", 1.9)
    composer.add([first, second])
    composer.add([first], new_line=True)
    assert composer.text == "加快建设孵化器。[1]推动企业上市。[2]\n加快建设孵化器。[1]"
    assert [c["n"] for c in composer.citations] == [1, 2]
    for cite in composer.citations:
        assert TEXT[cite["start"]:cite["end"]] == cite["quote"]
        assert cite["title"] == "甲规划" and cite["section"] == "一、任务"
    sentences = answer_sentences(composer.text)
    assert sentences == ["加快建设孵化器。[1]", "推动企业上市。[2]", "加快建设孵化器。[1]"]
    assert all(supported(s, composer.citations, {"a": TEXT}) for s in sentences)


def test_supported_needs_a_verbatim_quote_and_row_figures():
    cite = {"n": 1, "doc_id": "a", "quote": "推动企业上市。", "start": TEXT.index("推动"), "end": TEXT.index("推动") + 7}
    assert supported("推动企业上市。[1]", [cite], {"a": TEXT})
    assert not supported("推动企业上市。[2]", [cite], {"a": TEXT})
    assert not supported("推动企业上市。[1]", [dict(cite, start=cite["start"] + 1)], {"a": TEXT})
    row_text = "3 | 国家高新技术企业 | 家 | 148 | 200 | 新增52家"
    row = {"n": 1, "doc_id": "r", "quote": row_text, "start": 0, "end": len(row_text)}
    assert supported("国家高新技术企业：2020年148家，2025年目标200家，新增52家（预期性）。[1]", [row], {"r": row_text})
    assert not supported("国家高新技术企业：2020年148家，2025年目标300家。[1]", [row], {"r": row_text})


def test_pick_sentences_keeps_close_runners_up_of_the_same_section():
    best = scored("a", "加快建设孵化器；", 2.0)
    near = scored("a", "推动企业上市。", 1.95)
    other_doc = scored("b", "推动企业上市。", 1.99)
    far = scored("a", "到2025年，高新技术企业达到200家。", 1.0)
    assert pick_sentences([best, other_doc, near, far], 3, 0.1) == [best, near]
    elsewhere = scored("a", "推动企业上市。", 1.95, path=("二、保障",))
    assert pick_sentences([best, elsewhere], 3, 0.1) == [best]
    assert pick_sentences([], 3, 0.1) == []


def test_order_by_region_keeps_a_region_together():
    items = [scored("a", "加快建设孵化器；", 3), scored("b", "加快建设孵化器；", 2), scored("c", "加快建设孵化器；", 1)]
    assert [i.candidate.doc_id for i in order_by_region(items, DOCS)] == ["a", "c", "b"]


def test_choose_thresholds_meets_the_precision_floor():
    records = [
        {"answerable": True, "typed": True, "foreign": False, "confidence": c} for c in (0.9, 1.0, 1.2, 0.75)
    ] + [
        {"answerable": False, "typed": True, "foreign": False, "confidence": c} for c in (0.1, 0.5, 0.7)
    ] + [
        {"answerable": True, "typed": False, "foreign": False, "confidence": c} for c in (0.3, 0.6)
    ] + [{"answerable": False, "typed": False, "foreign": True, "confidence": 0.9}]
    chosen = choose_thresholds(records)
    assert 0.7 < chosen["abstain_typed"] < 0.75
    assert chosen["abstain_open"] < 0.3
    assert chosen["precision"] == 1.0 and chosen["recall"] == 1.0
