"""指标: the indicator tables of all plans in one table, and one indicator compared across plans."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from planqa.app import resources
from planqa.app.components import show_error
from planqa.app.navigation import open_in_viewer
from planqa.indicators import comparison, indicator_rows, parse_number

DEFAULT_FAMILY = "高新技术企业数量"
TABLE_COLUMNS = ["指标", "类别", "地区", "时期", "基期年", "基期值", "目标年", "目标值", "单位", "属性", "变化", "规划"]


def table_frame(rows: list[dict]) -> pd.DataFrame:
    """The indicator rows as a table to display: years as text, empty cells blank."""
    frame = pd.DataFrame(rows)
    for column in ("基期年", "目标年"):
        frame[column] = frame[column].map(lambda year: "" if year is None or pd.isna(year) else str(int(year)))
    return frame


def _chart(data: list[dict], title: str):
    """Grouped bars: base-year and target values of each plan, labels horizontal."""
    import altair as alt

    long = pd.DataFrame([{"规划": d["规划"], "数值": d[kind], "类型": f"{name}（{d[year] or '—'}年）",
                          "种类": name}
                         for d in data for kind, year, name in (("基期", "基期年", "基期值"), ("目标", "目标年", "目标值"))
                         if d[kind] is not None])
    return alt.Chart(long, title=title).mark_bar().encode(
        x=alt.X("规划:N", axis=alt.Axis(labelAngle=0, title=None)),
        xOffset=alt.XOffset("种类:N", sort=["基期值", "目标值"]),
        y=alt.Y("数值:Q", title=None),
        color=alt.Color("种类:N", scale=alt.Scale(domain=["基期值", "目标值"], range=["#9db4d6", "#1f4e9c"]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=["规划", "类型", "数值"],
    ).properties(height=320)


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
    frame = table_frame(rows)
    c1, c2, c3 = st.columns(3)
    regions = c1.multiselect("地区", sorted(frame["地区"].unique()), key="i_regions", placeholder="全部地区")
    periods = c2.multiselect("时期", sorted(frame["时期"].unique()), key="i_periods", placeholder="全部时期")
    word = c3.text_input("指标名称包含", key="i_word").strip()
    shown = frame
    if regions:
        shown = shown[shown["地区"].isin(regions)]
    if periods:
        shown = shown[shown["时期"].isin(periods)]
    if word:
        shown = shown[shown["指标"].str.contains(word, regex=False) | shown["类别"].str.contains(word, regex=False)]
    st.write(f"共 {len(shown)} 条指标。选中一行可在原文中查看。")
    selection = st.dataframe(shown[TABLE_COLUMNS].fillna(""), hide_index=True, width="stretch", on_select="rerun",
                             selection_mode="single-row", key="i_table")
    picked = selection.selection.rows if selection else []
    if picked:
        row = shown.iloc[picked[0]]
        if st.button(f"在原文中查看：{row['指标']}（{row['规划']}）", key="i_view", icon=":material/open_in_new:"):
            open_in_viewer(row["doc_id"], int(row["start"]), int(row["end"]))

    st.subheader("同一指标的各规划对比")
    plans_with_target = Counter(r["类别"] for r in {(r["类别"], r["doc_id"]): r for r in rows
                                                    if parse_number(r["目标值"]) is not None}.values())
    families = sorted({r["类别"] for r in rows},
                      key=lambda f: (f != DEFAULT_FAMILY, -plans_with_target[f], f))
    family = st.selectbox("指标类别", families, key="i_family")
    data = comparison(rows, family)
    numeric = [d for d in data if d["基期"] is not None or d["目标"] is not None]
    if numeric:
        unit = next((d["单位"] for d in numeric if d["单位"]), "")
        st.altair_chart(_chart(numeric, f"{family}（{unit}）" if unit else family), width="stretch")
    else:
        st.info("这一类别没有可画图的数值。")
    st.dataframe(pd.DataFrame(data)[["规划", "指标", "基期年", "基期", "目标年", "目标", "目标原文", "变化", "单位"]]
                 .astype(object).fillna(""), hide_index=True, width="stretch")
