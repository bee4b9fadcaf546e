"""指标: the indicator tables of all plans in one table, and one indicator compared across plans."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from planqa.app import resources
from planqa.app.components import show_error
from planqa.app.navigation import open_in_viewer
from planqa.indicators import comparison, indicator_rows

TABLE_COLUMNS = ["指标", "类别", "地区", "时期", "基期年", "基期值", "目标年", "目标值", "单位", "属性", "变化", "规划"]


def render() -> None:
    st.title("指标")
    st.caption("各规划指标表中的全部指标（基期值、目标值、单位、属性），以及同一指标在各规划间的对比。")
    try:
        index = resources.index()
    except Exception as exc:
        show_error(exc)
        return
    rows = indicator_rows(index.documents.values())
    if not rows:
        st.info("索引中的规划没有可识别的指标表。")
        return
    frame = pd.DataFrame(rows)
    c1, c2, c3 = st.columns(3)
    regions = c1.multiselect("地区", sorted(frame["地区"].unique()), key="i_regions")
    periods = c2.multiselect("时期", sorted(frame["时期"].unique()), key="i_periods")
    word = c3.text_input("指标名称包含", key="i_word").strip()
    shown = frame
    if regions:
        shown = shown[shown["地区"].isin(regions)]
    if periods:
        shown = shown[shown["时期"].isin(periods)]
    if word:
        shown = shown[shown["指标"].str.contains(word, regex=False) | shown["类别"].str.contains(word, regex=False)]
    st.write(f"共 {len(shown)} 条指标。选中一行可在原文中查看。")
    selection = st.dataframe(shown[TABLE_COLUMNS], hide_index=True, width="stretch", on_select="rerun",
                             selection_mode="single-row", key="i_table")
    picked = selection.selection.rows if selection else []
    if picked:
        row = shown.iloc[picked[0]]
        if st.button(f"在原文中查看：{row['指标']}（{row['规划']}）", key="i_view", icon=":material/open_in_new:"):
            open_in_viewer(row["doc_id"], int(row["start"]), int(row["end"]))

    st.subheader("同一指标的各规划对比")
    counts = Counter(r["类别"] for r in rows if r["目标值"])
    families = sorted(counts, key=lambda f: (-counts[f], f))
    family = st.selectbox("指标类别", families, key="i_family")
    data = comparison(rows, family)
    numeric = [d for d in data if d["基期"] is not None or d["目标"] is not None]
    if numeric:
        chart = pd.DataFrame({"规划": [f"{d['规划']}（{d['基期年'] or ''}→{d['目标年'] or ''}）" for d in numeric],
                              "基期值": [d["基期"] for d in numeric],
                              "目标值": [d["目标"] for d in numeric]}).set_index("规划")
        unit = next((d["单位"] for d in numeric if d["单位"]), "")
        st.bar_chart(chart, stack=False, y_label=f"{family}（{unit}）" if unit else family, x_label="规划",
                     color=["#9db4d6", "#1f4e9c"])
    else:
        st.info("这一类别没有可画图的数值。")
    st.dataframe(pd.DataFrame(data)[["规划", "指标", "基期年", "基期", "目标年", "目标", "目标原文", "变化", "单位"]],
                 hide_index=True, width="stretch")
