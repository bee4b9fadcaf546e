"""Answer metrics on inline fixtures (no answering module needed)."""

from __future__ import annotations

import pytest

from planqa.evaluate.answers import (
    abstention_scores,
    answer_metrics,
    answer_sentences,
    citation_support,
    key_string_accuracy,
    sentence_supported,
)
from planqa.evaluate.gold import Evidence, GoldQuestion

TEXT = "一、目标\n到2025年，国家高新技术企业达到200家。科技型中小企业入库170家。\n二、任务\n加快建设中微子实验站。"
DOCS = {"d": TEXT}


def cite(quote: str, doc_id: str = "d") -> dict:
    start = DOCS[doc_id].find(quote)
    return {"doc_id": doc_id, "quote": quote, "start": start, "end": start + len(quote)}


def q(qid: str, kind: str, keys: list[str] | None = None) -> GoldQuestion:
    evidence = [] if kind == "unanswerable" else [Evidence("d", "国家高新技术企业达到200家")]
    return GoldQuestion(qid, f"问题{qid}", kind, evidence, keys or [])


def test_sentences_keep_their_markers():
    text = "到2025年，国家高新技术企业达到200家。[1] 科技型中小企业入库170家[2]。\n[3]"
    assert answer_sentences(text) == ["到2025年，国家高新技术企业达到200家。[1]", "科技型中小企业入库170家[2]。"]
    assert answer_sentences("") == []


def test_sentence_support_rules():
    citations = [cite("到2025年，国家高新技术企业达到200家。"), cite("加快建设中微子实验站")]
    assert sentence_supported("国家高新技术企业达到200家。[1]", citations, DOCS)
    assert sentence_supported("到2025年，国家高新技术企业达到200家[2][1]。", citations, DOCS)  # any cited quote
    assert not sentence_supported("国家高新技术企业达到200家。[2]", citations, DOCS)  # cites the wrong quote
    assert not sentence_supported("国家高新技术企业达到200家。", citations, DOCS)  # no marker
    assert not sentence_supported("国家高新技术企业达到300家。[1]", citations, DOCS)  # not in the quote
    assert not sentence_supported("国家高新技术企业达到200家。[3]", citations, DOCS)  # no such citation
    shifted = [{**citations[0], "start": citations[0]["start"] + 1, "end": citations[0]["end"] + 1}]
    assert not sentence_supported("国家高新技术企业达到200家。[1]", shifted, DOCS)  # quote != text[start:end]
    assert not sentence_supported("国家高新技术企业达到200家。[1]", [{**citations[0], "doc_id": "x"}], DOCS)


def test_citation_support_counts_sentences():
    answer = {"answer": "国家高新技术企业达到200家。[1]科技型中小企业入库180家。[2]", "abstained": False,
              "citations": [cite("国家高新技术企业达到200家"), cite("科技型中小企业入库170家")]}
    assert citation_support(answer, DOCS) == (1, 2)
    assert citation_support({"answer": "未找到依据。", "abstained": True, "citations": []}, DOCS) == (0, 0)


def test_key_string_accuracy_on_factual_questions_only():
    pairs = [
        (q("1", "factual", ["200"]), {"answer": "达到200家。[1]", "abstained": False}),
        (q("2", "factual", ["200", "2025"]), {"answer": "达到200家。", "abstained": False}),  # a key missing
        (q("3", "factual", ["200"]), {"answer": "200", "abstained": True}),  # abstained: wrong
        (q("4", "paraphrase", ["x"]), {"answer": "", "abstained": False}),  # not factual: ignored
        (q("5", "factual"), {"answer": "", "abstained": False}),  # no keys: ignored
    ]
    assert key_string_accuracy(pairs) == pytest.approx(1 / 3)
    assert key_string_accuracy(pairs[3:]) is None


def test_abstention_precision_and_recall():
    pairs = [
        (q("1", "unanswerable"), {"abstained": True}),  # TP
        (q("2", "unanswerable"), {"abstained": False}),  # FN
        (q("3", "unanswerable"), {"abstained": True}),  # TP
        (q("4", "factual"), {"abstained": True}),  # FP
        (q("5", "broad"), {"abstained": False}),  # TN
    ]
    scores = abstention_scores(pairs)
    assert scores["precision"] == pytest.approx(2 / 3) and scores["recall"] == pytest.approx(2 / 3)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (2, 1, 1)
    assert abstention_scores([(q("5", "broad"), {"abstained": False})])["precision"] is None


def test_answer_metrics_bundle():
    pairs = [(q("1", "factual", ["200"]), {"answer": "国家高新技术企业达到200家。[1]", "abstained": False,
                                          "citations": [cite("国家高新技术企业达到200家")]}),
             (q("2", "unanswerable"), {"answer": "", "abstained": True, "citations": []})]
    metrics = answer_metrics(pairs, DOCS)
    assert metrics["key_string_accuracy"] == 1.0 and metrics["citation_support"] == 1.0
    assert metrics["cited_sentences"] == 1 and metrics["abstention"]["recall"] == 1.0


def test_indicator_row_rendering_is_supported_only_by_its_figures():
    from planqa.evaluate.answers import row_rendering_supported

    row = "2 | 高新技术企业数量 | 家 | 164 | 190 | 225 | 新增61家"
    assert row_rendering_supported("高新技术企业数量：2020年164家，2025年目标225家，新增61家（预期性）", row)
    assert not row_rendering_supported("高新技术企业数量：2020年164家，2025年目标250家", row)
    assert not row_rendering_supported("科技型中小企业数量：2020年164家", row)
    assert not row_rendering_supported("高新技术企业数量：164家", "高新技术企业数量达到164家")


def test_a_table_row_quoted_whole_keeps_the_space_after_a_cell_ending_a_sentence():
    from planqa.evaluate.answers import answer_sentences

    row = "减分指标 | 2 | 违法违规情况 | 1.有偷漏税行为，每次减10分。 | 不重复减分。"
    assert answer_sentences(f"{row}[1]") == [f"{row}[1]"]
