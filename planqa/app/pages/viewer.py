"""原文: the cleaned document (the text every start/end offset points into), its outline as a
navigable tree, and the span a citation points at, marked and scrolled into view."""

from __future__ import annotations

import streamlit as st

from planqa.app import resources
from planqa.app.components import show_error
from planqa.app.render import document_html, meta_line


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def render() -> None:
    st.title("原文")
    try:
        index = resources.index()
    except Exception as exc:
        show_error(exc)
        return
    documents = index.documents
    params = st.query_params
    wanted = params.get("doc")
    ids = list(documents)
    if wanted and wanted not in documents:
        st.warning(f"文档 {wanted} 不在当前索引中。")
    if wanted in documents and st.session_state.get("v_from_link") != (wanted, params.get("start"), params.get("end")):
        st.session_state["v_doc"] = wanted  # a citation link chose the document
        st.session_state["v_from_link"] = (wanted, params.get("start"), params.get("end"))
    doc_id = st.selectbox("文档", ids, format_func=lambda d: documents[d].title, key="v_doc")
    document = documents[doc_id]
    start, end = (_int(params.get("start")), _int(params.get("end"))) if params.get("doc") == doc_id else (None, None)
    if start is not None and end is not None and not (0 <= start < end <= len(document.text)):
        st.warning("链接中的位置超出了文档范围，已忽略。")
        start = end = None
    if doc_id != params.get("doc"):
        st.query_params.update({"doc": doc_id})
        for key in ("start", "end"):
            st.query_params.pop(key, None)
    st.caption(meta_line([document.region, document.period, document.issuer, document.doc_number, document.date,
                          f"{len(document.text)} 字", f"{len(document.sections)} 个章节"]))
    if start is not None and end is not None:
        path = " > ".join(document.section_path_at(start))
        st.markdown(f"**引用位置**：{path or '（正文）'} · 第{start}–{end}字")
        st.text(document.text[start:end][:500])
    st.iframe(document_html(document, start, end, height=640), height=660)
    st.download_button("下载清洗后的文本", document.text, file_name=f"{doc_id}.txt", mime="text/plain",
                       icon=":material/download:")
