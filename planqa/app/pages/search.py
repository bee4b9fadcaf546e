"""检索与各地做法: passages for a query, flat or grouped by plan, filtered, exportable, and a
side-by-side view with each plan's best passage in its own column (各地做法对比)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from planqa.app import resources
from planqa.app.components import passage_card, show_error, view_button
from planqa.app.export import hits_to_csv, hits_to_markdown
from planqa.app.render import esc, highlight_terms, meta_line
from planqa.retrieve.query import analyze_query

VIEWS = ("按规划分组", "平铺列表", "各地做法对比")
MAX_CANDIDATES = 200


def query_terms(searcher: Any, query: str) -> list[str]:
    """The words to highlight: the query's BM25 tokens, question phrasing removed."""
    info = analyze_query(query, searcher.regions)
    tokens = searcher.index.tokenizer.tokenize(info.keywords) + sorted(info.mentions)
    return [t for t in dict.fromkeys(tokens) if len(t) > 1 or t.isdigit()]


def run_search(searcher: Any, query: str, view: str, k: int, regions: list[str], periods: list[str],
               doc_ids: list[str], section_word: str, per_doc: int) -> list[Any]:
    """Hits for the chosen view; a section keyword filters on the section path (over more candidates)."""
    compare = view == VIEWS[2]
    n = len(searcher.index.documents) if compare else k
    fetch = min(MAX_CANDIDATES, n * 10) if section_word else n
    hits = searcher.search(query, k=fetch, regions=regions or None, periods=periods or None,
                           doc_ids=doc_ids or None, group_by_doc=(view == VIEWS[0] or compare),
                           per_doc=1 if compare else per_doc)
    if section_word:
        hits = [h for h in hits if section_word in h.section]
        if compare:
            seen: set[str] = set()
            hits = [h for h in hits if not (h.doc_id in seen or seen.add(h.doc_id))]
        hits = hits[:n]
        for rank, hit in enumerate(hits, start=1):
            hit.rank = rank
    return hits


def _filters(index: Any) -> dict[str, Any]:
    documents = list(index.documents.values())
    with st.sidebar:
        st.header("筛选")
        regions = st.multiselect("地区", sorted({d.region for d in documents if d.region}), key="s_regions", placeholder="全部地区")
        periods = st.multiselect("时期", sorted({d.period for d in documents if d.period}), key="s_periods", placeholder="全部时期")
        titles = {d.doc_id: d.title for d in documents}
        doc_ids = st.multiselect("文档", list(titles), format_func=titles.get, key="s_docs", placeholder="全部文档")
        section_word = st.text_input("章节关键词", key="s_section", placeholder="如：保障措施").strip()
        k = st.slider("结果数", 5, 50, 10, key="s_k")
        per_doc = st.number_input("每个规划最多条数（0 为不限）", 0, 20, 3, key="s_per_doc")
    return {"regions": regions, "periods": periods, "doc_ids": doc_ids, "section_word": section_word,
            "k": int(k), "per_doc": int(per_doc)}


def _compare(hits: list[Any], terms: list[str]) -> None:
    if not hits:
        return
    for row_start in range(0, len(hits), 3):
        columns = st.columns(3, border=True)
        for column, hit in zip(columns, hits[row_start:row_start + 3]):
            with column:
                st.markdown(f"**{esc(hit.title)}**", unsafe_allow_html=True)
                st.markdown(f'<span style="color:#666;font-size:0.9em">{meta_line([hit.region, hit.period, hit.section])}'
                            f'</span>', unsafe_allow_html=True)
                st.markdown(f'<div style="line-height:1.75">{highlight_terms(hit.text, terms)}</div>',
                            unsafe_allow_html=True)
                view_button(hit.doc_id, hit.start, hit.end, key=f"cmp-{hit.chunk_id}")


def render() -> None:
    st.title("检索与各地做法")
    st.caption("查找各规划对同一主题的写法：按规划分组、平铺，或“各地做法对比”把每个规划最相关的一段并排显示。")
    try:
        searcher = resources.searcher()
    except Exception as exc:
        show_error(exc)
        return
    index = searcher.index
    options = _filters(index)
    with st.form("search_form", border=False):
        query = st.text_input("检索内容", key="s_query", placeholder="例如：科技特派员 乡村振兴")
        view = st.segmented_control("显示方式", VIEWS, default=VIEWS[0], key="s_view")
        submitted = st.form_submit_button("检索", type="primary", icon=":material/search:")
    if submitted:
        if not query.strip():
            st.warning("请输入检索内容。")
            return
        try:
            hits = run_search(searcher, query, view or VIEWS[0], **options)
        except Exception as exc:
            show_error(exc)
            return
        st.session_state["s_result"] = (query, view or VIEWS[0], hits)
    if "s_result" not in st.session_state:
        return
    query, view, hits = st.session_state["s_result"]
    terms = query_terms(searcher, query)
    if not hits:
        st.info("没有找到匹配的段落。可以放宽筛选条件或换一种说法。")
        return
    st.write(f"共 {len(hits)} 条结果（{view}）。")
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("导出 Markdown", hits_to_markdown(query, hits, grouped=view != VIEWS[1]),
                         file_name="planqa-检索结果.md", mime="text/markdown", icon=":material/download:")
    right.download_button("导出 CSV", hits_to_csv(hits), file_name="planqa-检索结果.csv", mime="text/csv",
                          icon=":material/download:")
    if view == VIEWS[2]:
        _compare(hits, terms)
        return
    current = None
    for hit in hits:
        if view == VIEWS[0] and hit.doc_id != current:
            current = hit.doc_id
            st.subheader(hit.title)
            st.caption(meta_line([hit.region, hit.period]))
        passage_card(hit.to_dict(), terms, key=f"hit-{hit.rank}-{hit.chunk_id}", show_title=view != VIEWS[0])
