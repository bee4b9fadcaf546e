"""Answer candidates from the real plans: sentences and table rows, spans always verbatim."""

from __future__ import annotations

from planqa.answer.candidates import CandidateTable, document_candidates, render_indicator, states_something
from planqa.ingest.tables import indicator_sentence


def test_every_candidate_is_verbatim_and_headings_only_when_they_state_something(corpus_docs):
    for doc in corpus_docs.values():
        headings = {s.start: s for s in doc.sections}
        candidates = document_candidates(doc)
        assert len(candidates) > 50
        for c in candidates:
            assert c.quote == doc.text[c.start:c.end]
            assert c.quote == c.quote.strip() and "\n" not in c.quote
            if c.start in headings:
                assert c.kind == "heading" and c.position == -1 and states_something(c.quote)
                assert c.end <= headings[c.start].heading_end
        starts = [c.start for c in candidates]
        assert starts == sorted(starts)


def test_table_rows_are_candidates_shown_as_indicator_sentences(corpus_docs):
    doc = corpus_docs["taishan-14fyp"]
    rows = [c for c in document_candidates(doc) if c.kind == "row"]
    assert len(rows) == len(doc.tables[0].rows) == 10
    row = next(c for c in rows if "国家高新技术企业" in c.quote)
    assert row.quote == "3 | 国家高新技术企业 | 家 | 148 | 200 | 新增52家"
    assert row.indicator is not None
    assert row.display() == indicator_sentence(row.indicator) == "国家高新技术企业：2020年148家，2025年目标200家，新增52家（预期性）"
    assert "主要指标" in row.context and "2025年" in row.context  # caption and header, for matching
    # table headers and captions are not candidates
    table = doc.tables[0]
    assert not any(table.start <= c.start < table.header_end for c in document_candidates(doc))


def test_intermediate_year_column_is_shown_when_asked(corpus_docs):
    doc = corpus_docs["kaiping-14fyp"]
    record = next(r for r in doc.indicators if r.indicator == "高新技术企业数量")
    assert "190" not in render_indicator(record, [])
    assert render_indicator(record, [2023]).endswith("；2023年目标值190家")
    old = next(r for r in corpus_docs["taishan-13fyp"].indicators if r.values.get("2013年") == "1.25")
    assert "2013年1.25" in render_indicator(old, [2013])


def test_sentences_keep_their_section_and_position(corpus_docs):
    doc = corpus_docs["taishan-14fyp"]
    candidates = document_candidates(doc)
    first = next(c for c in candidates if c.quote.startswith("“十三五”规划实施以来"))
    assert first.section_path[-1] == "1.科技创新实力进一步增强" and first.position == 0
    table = CandidateTable({doc.doc_id: doc})
    inside = table.within(doc.doc_id, first.start, first.end + 1)
    assert inside and inside[0].start == first.start
    assert table.within(doc.doc_id, 0, 0) == []


def test_statement_headings():
    assert states_something("（一）考评以日常监测、实地调研、民意调查、第三方评估等方式进行")
    assert states_something("2.二类门诊特定病种：按参保病人相应的住院基本医疗费用的支付比例确定")
    assert not states_something("四、保障措施")
    assert not states_something("第三章 主要任务")
    assert not states_something("（二）完善创新平台体系")


def test_a_row_not_read_as_an_indicator_shows_without_its_outer_bars():
    """Its answer sentence must stay a substring of the quote (citation support)."""
    from planqa.answer.candidates import Candidate
    from planqa.answer.compose import sentence_text

    quote = "加分指标 | 3 | 急需工种 | 最高再加分不超过20分。 |"
    row = Candidate("gz", 0, len(quote), quote, "row", ("附件",), 0)
    shown = sentence_text(row.display())
    assert shown.endswith("20分。") and shown.rstrip("。") in quote


def test_a_quoted_term_and_a_choice_bring_their_candidates_forward():
    from planqa.answer.answerer import _choice_first, _quoted_first
    from planqa.answer.candidates import Candidate
    from planqa.answer.scoring import Scored

    def item(text: str) -> Scored:
        return Scored(Candidate("d", 0, len(text), text, "sentence", ("一、",), 0), {}, 1.0)

    pool = [item("每年编制项目清单、工作清单。"), item("在东部县设立“反向飞地”，共享科技资源。")]
    assert _quoted_first("两份文件说的“飞地”分别是什么？", pool)[0] is pool[1]
    assert _quoted_first("“十四五”期间的任务有哪些？", pool) == pool  # a period name is no topic
    rows = [item("国家高新技术企业 | 家 | 148 | 200"), item("注：以上指标均为预期性指标。")]
    assert _choice_first("指标是约束性的还是预期性的？", rows)[0] is rows[1]


def test_the_thing_a_count_question_counts_brings_its_candidates_forward():
    from planqa.answer.answerer import _counted_first
    from planqa.answer.candidates import Candidate
    from planqa.answer.scoring import Scored

    def item(text: str) -> Scored:
        return Scored(Candidate("d", 0, len(text), text, "sentence", ("一、",), 0), {}, 1.0)

    pool = [item("新建保障性住房6000套，实施城中村改造项目59个。"), item("新（改）建市民公园等城市公园65个。")]
    assert _counted_first("2024年计划新建、改造多少个公园？", pool)[0] is pool[1]
    assert _counted_first("公园建设有哪些安排？", pool) == pool
