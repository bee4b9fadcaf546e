"""文档库: the documents with their metadata and cleaning report; upload (checked first, then
indexed with a progress bar) and removal. A rejected file changes nothing."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from planqa.app import resources
from planqa.app.components import show_error
from planqa.app.render import meta_line

UPLOAD_TYPES = ["txt", "md", "docx", "pdf", "html", "htm"]
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
    frame = pd.DataFrame([{"文档编号": d.doc_id, "标题": d.title, "地区": _blank(d.region), "时期": _blank(d.period),
                           "发文机关": _blank(d.issuer), "日期": _blank(d.date), "文号": _blank(d.doc_number),
                           "字数": len(d.text), "章节": len(d.sections), "表格": len(d.tables), "指标": len(d.indicators),
                           "段落数": counts.get(d.doc_id), "提示": len((d.cleaning_report or {}).get("warnings", [])),
                           "文件": d.source}
                          for d in index.documents.values()])
    st.dataframe(frame, hide_index=True, width="stretch")
    for d in index.documents.values():
        for warning in (d.cleaning_report or {}).get("warnings", []):
            st.warning(f"{d.title}：{warning}", icon=":material/warning:")
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


_META_FIELDS = [("title", "标题"), ("region", "地区"), ("level", "层级"), ("period", "时期"),
                ("issuer", "发文机关"), ("doc_number", "文号"), ("date", "日期"), ("doc_id", "文档编号")]


def _blank(value: Any) -> str:
    """A metadata value as an input shows it: empty for None, years as 2021–2025."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "–".join(map(str, value))
    return str(value)


def _checked(file: Any) -> dict[str, Any]:
    """What ingestion makes of the uploaded file (read once per file, kept in the session)."""
    import hashlib

    from planqa.manage import check_upload

    content = file.getvalue()
    key = f"{file.name}:{hashlib.sha256(content).hexdigest()[:16]}"
    cached = st.session_state.get("u_checked")
    if cached and cached.get("key") == key:
        return cached
    result: dict[str, Any] = {"key": key}
    with st.spinner(f"正在读取 {file.name} …"):
        try:
            document = check_upload(file.name, content)
        except Exception as exc:
            result["error"] = str(exc)
        else:
            report = document.cleaning_report
            result.update({name: _blank(getattr(document, name)) for name, _ in _META_FIELDS})
            result.update({"warnings": list(report.get("warnings", [])), "reader": report.get("reader"),
                           "chars": len(document.text), "han_in": report.get("han_in"), "han_out": report.get("han_out"),
                           "sections": len(document.sections), "tables": len(document.tables),
                           "outline": [s.path[0] for s in document.sections if len(s.path) == 1][:12]})
    st.session_state["u_checked"] = result
    for name, _ in _META_FIELDS:  # the inputs start from what was read from this file
        st.session_state[f"u_{name}"] = result.get(name, "")
    return result


def _years_for(period: str) -> list[int] | None:
    """Years a period names: 十四五 → [2021, 2025], 2021–2023 → [2021, 2023], 2024 → [2024, 2024]."""
    import re

    from planqa.ingest.metadata import PERIODS as NAMED

    if period in NAMED:
        return list(NAMED[period])
    years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", period)]
    return [years[0], years[-1]] if years else None


def _upload(index: Any) -> None:
    st.subheader("上传文档")
    # a new key after each added file empties the uploader (the same file is not offered twice)
    file = st.file_uploader("文件（.txt / .md / .docx / .pdf / .html）", type=UPLOAD_TYPES,
                            key=f"u_file_{st.session_state.get('u_added', 0)}")
    if file is None:
        st.caption("选择文件后，先显示识别出的标题、发文机关、文号、日期等信息，可修改后再加入文档库。")
        return
    checked = _checked(file)
    if "error" in checked:
        st.error(f"不能使用 {file.name}：{checked['error']}", icon=":material/block:")
        st.caption("文档库和索引均未改变。")
        return
    st.caption(meta_line([f"读取方式 {checked['reader']}", f"{checked['chars']} 字",
                          f"汉字 {checked['han_in']} → {checked['han_out']}",
                          f"{checked['sections']} 个章节", f"{checked['tables']} 个表格"]))
    for warning in checked["warnings"]:
        st.warning(warning, icon=":material/warning:")
    if checked["outline"]:
        st.caption("一级标题：" + " / ".join(checked["outline"]))
    with st.form("upload_form", clear_on_submit=False):
        st.markdown("**识别出的文档信息**（可修改；留空表示没有）")
        values: dict[str, str] = {}
        columns = st.columns(4)
        for i, (name, label) in enumerate(_META_FIELDS):
            values[name] = columns[i % 4].text_input(label, key=f"u_{name}")
        submitted = st.form_submit_button("加入文档库并建立索引", type="primary", icon=":material/upload:")
    if not submitted:
        return
    from planqa.manage import add_and_index

    meta: dict[str, Any] = {name: value.strip() for name, value in values.items()}
    if meta.get("period"):
        meta["years"] = _years_for(meta["period"])
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
    st.session_state.pop("u_checked", None)
    st.session_state["u_added"] = st.session_state.get("u_added", 0) + 1
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
