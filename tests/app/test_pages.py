"""Each page of the app, driven with streamlit.testing.v1.AppTest on real plans and the real model."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from apphelpers import APP, page_script

pytestmark = pytest.mark.slow
TIMEOUT = 300


def _app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _page(name: str) -> AppTest:
    at = AppTest.from_function(page_script, args=(name,), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _click(at: AppTest, label: str, index: int = 0) -> AppTest:
    [b for b in at.button if b.label == label][index].click()
    at.run()
    assert not at.exception, at.exception
    return at


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_ask_answers_with_citations_and_opens_the_source(app_env):
    at = _app()
    assert at.title[0].value == "问答"
    at.text_input(key="ask_question").input("台山农村科技特派员到2025年的目标人数是多少？")
    _click(at, "提问")
    text = _markdown(at)
    assert "500" in text and '<a href="#cite-1"' in text  # the answer, with a clickable [1]
    assert 'id="cite-1"' in text and "台山市科技创新发展" in text and "<mark" in text  # the cited passage
    _click(at, "在原文中查看")
    assert at.title[0].value == "原文"
    params = dict(at.query_params)
    assert params["doc"] == "taishan-14fyp" and int(params["end"]) > int(params["start"])
    assert "引用位置" in _markdown(at)
    assert any("500" in t.value for t in at.text)  # the cited span, shown above the viewer


def test_ask_abstains_with_the_closest_passages(app_env):
    at = _app()
    at.text_input(key="ask_question").input("北京市2030年人工智能核心产业规模目标是多少？")
    _click(at, "提问")
    assert at.warning and "没有找到" in at.warning[0].value
    assert at.expander and "检索到的段落" in at.expander[0].label


def test_search_grouped_filtered_compared_and_exported(app_env):
    at = _page("search")
    at.text_input(key="s_query").input("科技特派员")
    _click(at, "检索")
    titles = [s.value for s in at.subheader]
    assert len(titles) == 2 and any("台山" in t for t in titles)  # grouped by plan
    assert {b.label for b in at.get("download_button")} >= {"导出 Markdown", "导出 CSV"}
    assert "科技特派员</span>" in _markdown(at)  # query terms highlighted
    at.multiselect(key="s_regions").set_value(["台山市"])
    _click(at, "检索")
    assert [s.value for s in at.subheader] == ["台山市科技创新发展“十四五”规划"]
    at.multiselect(key="s_regions").set_value([])
    at.segmented_control(key="s_view").set_value("各地做法对比")
    _click(at, "检索")
    assert "各地做法对比" in at.markdown[0].value or any("各地做法对比" in m.value for m in at.markdown)
    assert len([b for b in at.button if b.label == "在原文中查看"]) == 2  # one column per plan


def test_indicators_table_and_chart(app_env):
    at = _page("indicators")
    assert at.dataframe and len(at.dataframe[0].value) == 10  # 台山十四五's indicator table
    assert "高新技术企业数量" in at.selectbox(key="i_family").options
    assert at.get("vega_lite_chart")  # the comparison chart
    at.text_input(key="i_word").input("特派员")
    at.run()
    assert len(at.dataframe[0].value) == 1


def test_viewer_marks_the_span_from_the_link(app_env):
    at = AppTest.from_function(page_script, args=("viewer",), default_timeout=TIMEOUT)
    at.query_params["doc"] = "jiangmen-bqw-2023"
    at.query_params["start"] = "100"
    at.query_params["end"] = "120"
    at.run()
    assert not at.exception
    assert at.selectbox(key="v_doc").value == "jiangmen-bqw-2023"
    assert "第100–120字" in _markdown(at)


def test_judging_stores_grades_and_shows_agreement(app_env):
    from planqa.evaluate.judgments import JudgmentStore

    query = "科技特派员 培育"
    for evaluator, grade in (("甲", 2), ("乙", 1)):
        at = _page("evaluation")
        at.text_input(key="j_evaluator").input(evaluator)
        at.text_input(key="j_query").input(query)
        at.run()
        grades = [w for w in at.get("button_group") if str(w.key).startswith("j_grade_")]
        assert len(grades) == 5
        grades[0].set_value(grade)
        _click(at, "保存评判")
        assert any(f"评判人：{evaluator}" in s.value for s in at.success)
    with JudgmentStore(app_env["PLANQA_JUDGMENTS"]) as store:
        stored = store.for_query(query)
    assert sorted((j.evaluator, j.grade) for j in stored) == [("乙", 1), ("甲", 2)]
    assert "Cohen" in _markdown(at) or "一致" in _markdown(at)


def test_evaluation_runs_the_gold_set(app_env):
    at = _page("evaluation")
    at.multiselect(key="e_retrievers").set_value(["bm25"])
    _click(at, "运行评测")
    table = at.dataframe[0].value
    assert list(table["检索器"]) == ["bm25"] and 0 <= table["hit@5"][0] <= 1
    assert at.get("image")  # the metrics plot


def test_upload_index_and_remove(writable_app_env):
    from planqa.index import Index

    corpus = writable_app_env["PLANQA_CORPUS"]
    before = sorted(p.name for p in corpus.iterdir())
    at = _page("corpus")
    # a rejected file: clear message naming it, nothing changed
    at.file_uploader[0].set_value(("坏文件.txt", b"\x00\x01\x02PK\x03\x04" * 200, "text/plain"))
    at.run()
    assert at.error and "坏文件.txt" in at.error[0].value
    assert sorted(p.name for p in corpus.iterdir()) == before
    # a good one, with a tag in its text that must be shown as text
    text = ("新会区科技创新工作方案\n一、工作目标\n到2025年，新会区培育<script>alert(1)</script>高新技术企业300家。\n"
            "二、保障措施\n加强组织领导，落实科技经费投入。\n")
    at = _page("corpus")
    at.file_uploader[0].set_value(("新会方案.txt", text.encode("utf-8"), "text/plain"))
    at.run()
    # what was read from the file is shown before indexing, empty values as blanks
    assert at.text_input(key="u_title").value == "新会区科技创新工作方案"
    assert at.text_input(key="u_doc_number").value == ""
    at.text_input(key="u_region").input("江门市新会区")
    at.text_input(key="u_doc_id").input("xinhui-test")
    _click(at, "加入文档库并建立索引")
    assert at.success and "xinhui-test" in at.success[0].value
    index = Index.load(writable_app_env["PLANQA_INDEX"])
    assert "xinhui-test" in index.documents and index.documents["xinhui-test"].region == "江门市新会区"
    search = _page("search")
    search.text_input(key="s_query").input("新会区 高新技术企业 300家")
    _click(search, "检索")
    shown = _markdown(search)
    assert "&lt;script&gt;" in shown and "<script>" not in shown
    # remove it again
    at = _page("corpus")
    at.selectbox(key="r_doc").set_value("xinhui-test")
    at.checkbox(key="r_confirm").check()
    at.run()
    _click(at, "删除并更新索引")
    assert "xinhui-test" not in Index.load(writable_app_env["PLANQA_INDEX"]).documents
    assert (corpus / ".removed").is_dir()
