"""评测: run the gold set over the retrievers (metric table, plots), and judge results by hand:
grades 0/1/2 stored in the judgments store under the evaluator's name, with agreement."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from planqa.app import resources
from planqa.app.components import show_error
from planqa.app.render import esc, highlight_terms, meta_line
from planqa.app.pages.search import query_terms

GRADES = {0: "0 不相关", 1: "1 部分相关", 2: "2 相关"}
METRIC_NAMES = ("hit@1", "hit@5", "recall@5", "recall@10", "mrr@10", "ndcg@10", "coverage@5")


def _run_eval(retrievers: list[str], with_judgments: bool) -> Any:
    from planqa.evaluate.retrievers import EvalContext
    from planqa.evaluate.runner import run_evaluation

    p = resources.paths()
    context = EvalContext(p.index, resources.searcher())
    judgments = p.judgments if with_judgments and p.judgments.exists() else None
    return run_evaluation(p.index, p.gold, retrievers, judgments_path=judgments, context=context)


def _show_result(result: Any) -> None:
    from planqa.evaluate.report import plot

    if result.gold_problems:
        st.error("金标准集有问题：\n\n" + "\n".join(f"- {p}" for p in result.gold_problems))
        return
    st.write(f"{len(result.questions)} 个可回答问题（另有 {len(result.excluded)} 个无答案问题不计入检索指标）。")
    overall = pd.DataFrame([{"检索器": name, **{m: r.overall.get(m) for m in METRIC_NAMES},
                             "中位延迟 ms": r.latency_ms["median"], "p95 延迟 ms": r.latency_ms["p95"]}
                            for name, r in result.retrievers.items()])
    st.dataframe(overall.round(3), hide_index=True, width="stretch")
    by_type = pd.DataFrame([{"问题类型": group, "检索器": name, "n": int(scores["n"]),
                             **{m: scores.get(m) for m in METRIC_NAMES}}
                            for name, r in result.retrievers.items() for group, scores in r.by_type.items()])
    with st.expander("按问题类型"):
        st.dataframe(by_type.round(3), hide_index=True, width="stretch")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "metrics.png"
        plot(result, path)
        st.image(path.read_bytes(), caption="各检索器的指标")


def _evaluation_tab() -> None:
    from planqa.evaluate.retrievers import available

    names = available()
    chosen = st.multiselect("检索器", names, default=[n for n in ("bm25", "dense", "hybrid") if n in names],
                            key="e_retrievers", placeholder="选择检索器", help="baseline 首次运行需要建立自己的索引，较慢。")
    with_judgments = st.checkbox("把人工评判加入相关性标注（qrels）", key="e_judged")
    if st.button("运行评测", type="primary", key="e_run", icon=":material/play_arrow:", disabled=not chosen):
        try:
            with st.spinner(f"正在用金标准集评测 {', '.join(chosen)} …"):
                st.session_state["e_result"] = _run_eval(chosen, with_judgments)
        except Exception as exc:
            show_error(exc)
            return
    result = st.session_state.get("e_result")
    if result is not None:
        _show_result(result)
        if st.button("保存报告到 eval/reports/", key="e_save"):
            from planqa.evaluate.report import write_reports

            paths = write_reports(result, resources.paths().reports)
            st.success("已保存：" + "，".join(str(p) for p in paths))
        return
    reports = sorted(resources.paths().reports.glob("*.png"))
    if reports:
        latest = reports[-1]
        st.caption(f"最近一次保存的报告：{latest.stem}")
        st.image(latest.read_bytes())


def _store() -> Any:
    from planqa.evaluate.judgments import JudgmentStore

    path = resources.paths().judgments
    path.parent.mkdir(parents=True, exist_ok=True)
    return JudgmentStore(path)


def _judging_tab() -> None:
    from planqa.evaluate.gold import load_gold

    evaluator = st.text_input("评判人", key="j_evaluator", placeholder="你的名字（记录在每条评判上）").strip()
    try:
        gold = [q.question for q in load_gold(resources.paths().gold)]
    except Exception:
        gold = []
    picked = st.selectbox("从金标准集选择问题", [""] + gold, key="j_pick")
    typed = st.text_input("或输入查询", key="j_query")
    query = (typed or picked or "").strip()
    c1, c2 = st.columns(2)
    retriever = c1.selectbox("检索器", ["hybrid", "bm25", "dense"], key="j_retriever")
    k = c2.slider("评判前几条", 3, 20, 5, key="j_k")
    if not query:
        st.info("选择或输入一个查询，对检索结果逐条打分：0 不相关，1 部分相关，2 相关。")
        return
    try:
        searcher = resources.searcher()
        hits = searcher.search(query, k=int(k), retriever=retriever)
    except Exception as exc:
        show_error(exc)
        return
    terms = query_terms(searcher, query)
    with _store() as store:
        previous = store.for_query(query)
    mine = {(j.doc_id, j.start, j.end): j.grade for j in previous if j.evaluator == evaluator}
    others: dict[tuple[str, int, int], list[str]] = {}
    for j in previous:
        if j.evaluator != evaluator:
            others.setdefault((j.doc_id, j.start, j.end), []).append(f"{j.evaluator}: {j.grade}")
    with st.form("judge_form"):
        grades: dict[int, int | None] = {}
        for hit in hits:
            key = (hit.doc_id, hit.start, hit.end)
            st.markdown(f'<div style="border-top:1px solid #eee;padding-top:6px"><b>{hit.rank}. {esc(hit.title)}</b> '
                        f'<span style="color:#666;font-size:0.9em">{meta_line([hit.section])}</span><br>'
                        f'{highlight_terms(hit.text, terms)}</div>', unsafe_allow_html=True)
            if key in others:
                st.caption("其他评判人：" + "；".join(others[key]))
            grades[hit.rank] = st.segmented_control(
                "评分", list(GRADES), format_func=GRADES.get, default=mine.get(key),
                key=f"j_grade_{hit.chunk_id}_{evaluator}", label_visibility="collapsed")
        saved = st.form_submit_button("保存评判", type="primary", icon=":material/save:")
    if saved:
        if not evaluator:
            st.error("请先填写评判人。")
            return
        graded = [(hit, grades[hit.rank]) for hit in hits if grades.get(hit.rank) is not None]
        if not graded:
            st.warning("还没有给任何结果打分。")
            return
        try:
            with _store() as store:
                for hit, grade in graded:
                    store.record(query, hit.doc_id, hit.start, hit.end, hit.chunk_id, int(grade), evaluator)
        except Exception as exc:
            show_error(exc)
            return
        st.success(f"已保存 {len(graded)} 条评判（评判人：{evaluator}）。")
    with _store() as store:
        agreement = store.agreement()
        total = len(store.all())
    st.subheader("评判一致性")
    if not agreement["pairs"]:
        st.caption(f"共 {total} 条评判；还没有两位评判人评过同一段落。")
        return
    kappa = agreement["kappa"]
    st.write(f"共 {total} 条评判；{agreement['items']} 个段落有多人评判，{agreement['pairs']} 对评分，"
             f"完全一致 {agreement['agreement']:.0%}，Cohen's κ = {kappa:.2f}" if kappa is not None else
             f"共 {total} 条评判；{agreement['pairs']} 对评分，完全一致 {agreement['agreement']:.0%}。")
    st.dataframe(pd.DataFrame([{"评判人": name, "评分对数": v["pairs"], "一致率": v["agreement"], "κ": v["kappa"]}
                               for name, v in agreement["by_pair"].items()]), hide_index=True)


def render() -> None:
    st.title("评测")
    evaluation, judging = st.tabs(["检索评测", "人工评判"])
    with evaluation:
        _evaluation_tab()
    with judging:
        _judging_tab()
