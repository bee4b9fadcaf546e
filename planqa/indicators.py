"""Indicator records of all plans in one table, and families that make them comparable.

Plans word the same indicator differently (研究和试验发展（R&D）经费投入强度 / 全社会研究与开发
（R&D）经费投入); ``indicator_family`` maps each wording to one label so a chart can put the
plans side by side. Unmatched indicators keep their own name.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from planqa.records import Document

# (label, pattern); first match wins, so the narrower patterns come first.
FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((label, re.compile(pattern)) for label, pattern in (
    ("研发经费投入增长率", r"(研发|R&D).*增长"),
    ("规上工业企业研发支出占营业收入比重", r"研发支出占营业收入"),
    ("R&D经费投入强度", r"(R&D|研发经费|研究与开发|研究和试验发展)"),
    ("高新技术产品产值占比", r"高新技术产品产值"),
    ("高新技术企业数量", r"高新技术企业"),
    ("科技型中小（小微）企业数量", r"科技型(中小|小微)企业"),
    ("每万人发明专利拥有量", r"每万人(口)?发明专利"),
    ("工程技术研究中心数量", r"工程技术研究中心"),
    ("科技企业孵化载体数量", r"孵化器"),
    ("规上工业企业研发机构覆盖率", r"规模以上工业企业.*研发机构"),
    ("科技创新平台数量", r"科技创新平台"),
    ("科技特派员数量", r"科技特派员"),
))
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def indicator_family(name: str) -> str:
    """The comparable label for an indicator's wording."""
    for label, pattern in FAMILIES:
        if pattern.search(name):
            return label
    return name


def parse_number(value: str | None) -> float | None:
    """The number in a table cell ("2.50", "225家", "1,000"), or None ("—", "完成上级下达目标")."""
    if not value:
        return None
    match = NUMBER.search(value.replace(",", ""))
    return float(match.group()) if match else None


def family_of(indicator: str, target: str | None, change: str | None) -> str:
    """``indicator_family``, except that a row whose only figure is a growth rate in 变化率
    (台山十四五: R&D经费投入 — — 年均增长12%) counts as a growth indicator."""
    family = indicator_family(indicator)
    if family == "R&D经费投入强度" and parse_number(target) is None and change and "增长" in change:
        return "研发经费投入增长率"
    return family


def indicator_rows(documents: Iterable[Document]) -> list[dict[str, Any]]:
    """One row per indicator record of every document, with the plan's region and period."""
    rows = []
    for doc in documents:
        for ind in doc.indicators:
            rows.append({
                "指标": ind.indicator,
                "类别": family_of(ind.indicator, ind.target_value, ind.change),
                "地区": doc.region or "",
                "时期": doc.period or "",
                "规划": doc.title,
                "基期年": ind.baseline_year,
                "基期值": ind.baseline_value,
                "目标年": ind.target_year,
                "目标值": ind.target_value,
                "单位": ind.unit or "",
                "属性": ind.nature or "",
                "变化": ind.change or "",
                "doc_id": doc.doc_id,
                "start": ind.start,
                "end": ind.end,
            })
    return rows


def comparison(rows: Iterable[dict[str, Any]], family: str) -> list[dict[str, Any]]:
    """For one family, one entry per plan: the record with a target if there is one, values as numbers."""
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["类别"] != family:
            continue
        key = row["doc_id"]
        if key not in best or (best[key]["目标值"] in (None, "", "—") and row["目标值"] not in (None, "", "—")):
            best[key] = row
    return [{"规划": f"{r['地区']}·{r['时期']}" if r["地区"] or r["时期"] else r["规划"],
             "基期": parse_number(r["基期值"]),
             "目标": parse_number(r["目标值"]) if parse_number(r["目标值"]) is not None else
             (parse_number(r["变化"]) if r["类别"] == "研发经费投入增长率" else None),
             "基期年": r["基期年"], "目标年": r["目标年"], "单位": r["单位"], "指标": r["指标"],
             "目标原文": r["目标值"], "变化": r["变化"]} for r in best.values()]
