"""文档库: the documents with their metadata and cleaning report; upload (checked first, then
indexed with a progress bar) and removal. A rejected file changes nothing."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from planqa.app import resources
from planqa.app.components import show_error
from planqa.app.render import meta_line

UPLOAD_TYPES = ["txt", "docx", "pdf", "html", "htm"]
PERIODS = ["", "十二五", "十三五", "十四五", "十五五"]
REMOVED_LABELS = {"toc": "目录", "footer": "页脚", "bookmarks": "Word 书签", "chrome": "网页框架",
                  "page_counters": "页码", "fragment_markers": "分页碎片标记"}


def _progress_callback(bar: Any) -> Any:
    def report(stage: str, done: int, total: int) -> None:
        if total:
            what = "句子和指标行" if stage == "sentences" else "段"
            bar.progress(min(done / total, 1.0), text=f"正在生成向量：{done}/{total} {what}")
    return report


def _document_table(index: Any) -> None:
    counts = {doc_id: info.get("chunks") for doc_id, info in index.manifest.get("documents", {}).items()}
    frame = pd.DataFrame([{"文档编号": d.doc_id, "标题": d.title, "地区": d.region, "时期": d.period,
                           "发文机关": d.issuer, "日期": d.date, "文号": d.doc_number, "字数": len(d.text),
                           "章节": len(d.sections), "表格": len(d.tables), "指标": len(d.indicators),
                           "段落数": counts.get(d.doc_id), "文件": d.source}
                          for d in index.documents.values()])
    st.dataframe(frame, hide_index=True, width="stretch")
    skipped = index.manifest.get("skipped") or []
    for message in skipped:
        st.warning(f"未能索引：{message}")


def _cleaning_reports(index: Any) -> None:
    with st.expander("清洗报告（每个文档去掉了什么）"):
        for document in index.documents.values():
            st.markdown(f"**{document.title}**")
            report = document.cleaning_report or {}
            removed = report.get("removed_chars") or {}
            if removed:
                st.dataframe(pd.DataFrame([{"去除内容": REMOVED_LABELS.get(k, k), "字数": v} for k, v in removed.items()]),
                             hide_index=True)
            others = {k: v for k, v in report.items() if k != "removed_chars"}
            if others:
                st.json(others, expanded=False)


def _upload(index: Any) -> None:
    st.subheader("上传文档")
    with st.form("upload_form", clear_on_submit=False):
        file = st.file_uploader("文件（.txt / .docx / .pdf / .html）", type=UPLOAD_TYPES, key="u_file")
        c1, c2, c3 = st.columns(3)
        title = c1.text_input("标题", key="u_title", placeholder="留空则从正文识别")
        region = c2.text_input("地区", key="u_region", placeholder="如：江门市新会区")
        period = c3.selectbox("时期", PERIODS, key="u_period")
        c4, c5, c6 = st.columns(3)
        issuer = c4.text_input("发文机关", key="u_issuer")
        date = c5.text_input("日期", key="u_date", placeholder="YYYY-MM-DD")
        doc_id = c6.text_input("文档编号（可选）", key="u_doc_id", placeholder="如：xinhui-14fyp")
        submitted = st.form_submit_button("上传并建立索引", type="primary", icon=":material/upload:")
    if not submitted:
        return
    if file is None:
        st.warning("请选择文件。")
        return
    from planqa.manage import add_and_index

    meta = {"title": title.strip(), "region": region.strip(), "period": period, "issuer": issuer.strip(),
            "date": date.strip(), "doc_id": doc_id.strip()}
    p = resources.paths()
    if not resources.BUILD_LOCK.acquire(blocking=False):
        st.warning("另一个索引任务正在进行，请稍后再试。")
        return
    try:
        bar = st.progress(0.0, text=f"正在检查 {file.name} …")
        report = add_and_index(p.corpus, p.index, file.name, file.getvalue(), meta,
                               embedder=resources.embedder_for(index), progress=_progress_callback(bar))
        bar.progress(1.0, text="正在为问答准备句向量…")
        resources.answerer().warm()
        bar.empty()
    except Exception as exc:
        st.error(f"未能加入 {file.name}：{exc}", icon=":material/block:")
        st.caption("文档库和索引均未改变。")
        return
    finally:
        resources.BUILD_LOCK.release()
    st.session_state["corpus_message"] = (
        f"已加入 {report['doc_id']}（{report['file']}）：索引现有 {report['documents']} 个文档、"
        f"{report['chunks']} 段，新生成向量 {report['embedded']} 段，用时 {report['seconds']} 秒。")
    st.rerun()


def _remove(index: Any) -> None:
    st.subheader("删除文档")
    documents = index.documents
    doc_id = st.selectbox("文档", list(documents), format_func=lambda d: documents[d].title, key="r_doc")
    confirm = st.checkbox("确认从文档库中删除（文件移到 corpus/.removed/，可恢复）", key="r_confirm")
    if st.button("删除并更新索引", key="r_go", disabled=not confirm, icon=":material/delete:"):
        from planqa.manage import remove_and_index

        p = resources.paths()
        if not resources.BUILD_LOCK.acquire(blocking=False):
            st.warning("另一个索引任务正在进行，请稍后再试。")
            return
        try:
            with st.spinner("正在更新索引…"):
                report = remove_and_index(p.corpus, p.index, doc_id, documents[doc_id].source,
                                          embedder=resources.embedder_for(index))
        except Exception as exc:
            show_error(exc)
            return
        finally:
            resources.BUILD_LOCK.release()
        st.session_state["corpus_message"] = f"已删除 {doc_id}；索引现有 {report['documents']} 个文档、{report['chunks']} 段。"
        st.rerun()


def render() -> None:
    st.title("文档库")
    message = st.session_state.pop("corpus_message", None)
    if message:
        st.success(message, icon=":material/check_circle:")
    try:
        index = resources.index()
    except Exception as exc:
        show_error(exc)
        return
    st.caption(meta_line([f"{len(index.documents)} 个文档", f"{len(index.chunks)} 段",
                          f"模型 {index.model_name}", f"索引版本 {index.snapshot.name}"]))
    _document_table(index)
    _cleaning_reports(index)
    _upload(index)
    _remove(index)
