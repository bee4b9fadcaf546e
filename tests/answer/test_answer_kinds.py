"""Question kinds on the real two-plan index (台山十四五, 江门百千万): comparison, document facts,
location, list, multi-part, presence questions, grouped search."""

from __future__ import annotations

import pytest

from answerhelpers import fully_supported

pytestmark = pytest.mark.slow



def test_comparison_gives_one_line_per_named_plan_in_order(answerer):
    result = answerer.ask("台山十四五规划和江门百千万方案对科技特派员人数分别定了什么目标？")
    assert not result["abstained"]
    lines = result["answer"].split("\n")
    assert len(lines) == 2 and "台山" in lines[0] and "江门" in lines[1]
    assert "500" in lines[0] and "800" in lines[1]
    assert [g["doc_id"] for g in result["groups"]] == ["taishan-14fyp", "jiangmen-bqw-2023"]
    assert fully_supported(answerer, result)


def test_document_number_is_quoted_where_the_text_states_it(answerer):
    result = answerer.ask("台山十四五科技创新规划的文号是什么？")
    assert not result["abstained"] and "台府〔2022〕16号" in result["answer"]
    assert result["citations"][0]["quote"] == "台府〔2022〕16号"
    assert result["document_fact"] == "doc_number"


def test_a_fact_only_the_record_has_is_marked_as_document_information(answerer):
    result = answerer.ask("江门百千万科技赋能方案是什么时候印发的？")
    assert not result["abstained"]
    assert "2023" in result["answer"]
    assert fully_supported(answerer, result)


def test_location_question_names_the_section(answerer):
    result = answerer.ask("台山十四五规划里农村科技特派员行动是放在哪一项任务下面讲的？")
    assert not result["abstained"]
    assert "四、科技创新主要任务" in result["answer"] and fully_supported(answerer, result)


def test_list_question_lists_the_child_headings(answerer):
    result = answerer.ask("江门百千万方案的保障措施有哪些？")
    assert not result["abstained"]
    for heading in ("加强组织领导", "创新体制机制", "优化资源配置", "加强考核评价"):
        assert heading in result["answer"]
    assert fully_supported(answerer, result)


def test_multi_part_question_answers_every_part(answerer):
    result = answerer.ask("台山十四五规划的文号是什么？农村科技特派员数量到2025年要达到多少人？")
    assert not result["abstained"]
    assert "台府〔2022〕16号" in result["answer"] and "500" in result["answer"]
    assert len(result["parts"]) == 2 and fully_supported(answerer, result)


def test_presence_question_about_a_missing_topic_abstains(answerer):
    result = answerer.ask("台山十四五规划有没有提到量子计算？")
    assert result["abstained"] and result["citations"] == []
    assert "未提及" in result["answer"]


def test_grouped_search_shows_several_plans(answerer):
    hits = answerer.searcher.search("科技特派员", k=6, group_by_doc=True)
    assert len({h.doc_id for h in hits}) == 2 and max(sum(h.doc_id == d for h in hits) for d in {h.doc_id for h in hits}) <= 3


def test_a_topic_other_plans_share_but_the_named_one_lacks(answerer):
    result = answerer.ask("江门科技赋能百千万工程的实施方案里，有知识产权保护方面的内容吗？")
    assert result["abstained"] and "未提及“知识产权" in result["answer"] and "台山" in result["answer"]


def test_a_list_under_a_quoted_section_name(answerer):
    result = answerer.ask("台山十四五“优化科技创新生态体系”这一任务下分哪几块？")
    assert not result["abstained"]
    for item in ("优化科技创新治理体系建设", "加强科技创新领域风险防控", "营造良好的创新创业社会氛围"):
        assert item in result["answer"]


def test_the_tables_of_a_plan_are_listed_by_their_captions(answerer):
    result = answerer.ask("台山十四五科技规划里放了几张指标表？")
    assert not result["abstained"] and result.get("document_fact") == "tables"
    assert "主要指标" in result["answer"]
    assert fully_supported(answerer, result)


def test_a_how_answer_reads_its_paragraph_in_text_order(answerer):
    result = answerer.ask("台山十四五规划打算怎么引进高层次人才？")
    assert not result["abstained"]
    text = answerer.documents[result["citations"][0]["doc_id"]].text
    by_line: dict[tuple[str, int], list[int]] = {}
    for c in result["citations"]:
        by_line.setdefault((c["doc_id"], text.rfind("\n", 0, c["start"])), []).append(c["start"])
    assert all(starts == sorted(starts) for starts in by_line.values())  # one paragraph: in its own order
    assert fully_supported(answerer, result)


def test_a_presence_question_weighs_the_topic_words_by_how_specific_they_are(answerer):
    # 发展 and 农村 are in the 江门 plan, 电商 (the topic's specific word) only in 台山's
    result = answerer.ask("江门百千万方案有没有提到发展农村电商？")
    assert result["abstained"]
