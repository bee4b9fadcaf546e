"""问答: a question, a short answer quoted from the plans with [n] citations, the cited passages."""

from __future__ import annotations

import streamlit as st

from planqa.app import resources
from planqa.app.components import citation_card, passage_card, show_error
from planqa.app.render import answer_html

EXAMPLES = (
    "开平市到2025年高新技术企业目标是多少？",
    "台山市十四五期间农村科技特派员要达到多少人？",
    "茂南区如何推进产学研合作？",
    "江门百千万工程方案怎样发挥科技园区的作用？",
)


def _use_example() -> None:
    if st.session_state.get("ask_example"):
        st.session_state["ask_question"] = st.session_state["ask_example"]
        st.session_state["ask_example"] = None


def render() -> None:
    st.title("问答")
    st.caption("回答的每一句都摘自规划原文，并注明出处；点击 [n] 跳到引用段落，点击“在原文中查看”打开原文并定位。")
    st.pills("示例问题", EXAMPLES, key="ask_example", on_change=_use_example)
    with st.form("ask_form", border=False):
        question = st.text_input("问题", key="ask_question", placeholder="例如：开平市到2025年高新技术企业目标是多少？")
        asked = st.form_submit_button("提问", type="primary", icon=":material/send:")
    if asked:
        try:
            with st.spinner("正在检索并组织答案…"):
                st.session_state["ask_result"] = resources.answerer().ask(question)
        except Exception as exc:  # shown to the user, not a traceback
            st.session_state.pop("ask_result", None)
            show_error(exc)
            return
    result = st.session_state.get("ask_result")
    if not result:
        return
    index = resources.index()
    st.subheader("回答")
    if result["abstained"]:
        st.warning("在现有规划中没有找到可以直接回答这个问题的内容。以下是最接近的段落，供参考。",
                   icon=":material/help:")
    else:
        st.markdown(f'<div style="font-size:1.1em;line-height:1.9">{answer_html(result["answer"])}</div>',
                    unsafe_allow_html=True)
        st.subheader(f"引用（{len(result['citations'])}）")
        for citation in result["citations"]:
            document = index.documents.get(citation["doc_id"])
            if document is None:  # the index was swapped and the document removed
                st.info(f"[{citation['n']}] 所引文档 {citation['doc_id']} 已不在索引中。")
                continue
            citation_card(citation, document.text, key=f"cite-{citation['n']}")
    passages = result.get("passages") or []
    if passages:
        with st.expander(f"检索到的段落（{len(passages)}）", expanded=result["abstained"]):
            for i, passage in enumerate(passages):
                passage_card(passage, key=f"ask-passage-{i}", label=passage.get("label"))
