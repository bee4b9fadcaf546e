"""Indicator families and the cross-plan comparison, on the real plans' indicator tables."""

import pytest

from planqa.indicators import comparison, indicator_family, indicator_rows, parse_number


@pytest.mark.parametrize("name, family", [
    ("研究和试验发展（R&D）经费投入强度", "R&D经费投入强度"),
    ("全社会研发经费投入增长率", "研发经费投入增长率"),
    ("国家高新技术企业", "高新技术企业数量"),
    ("高新技术产品产值占规模以上工业总产值比重", "高新技术产品产值占比"),
    ("每万人口发明专利拥有量", "每万人发明专利拥有量"),
    ("农村科技特派员数量", "科技特派员数量"),
    ("某个新指标", "某个新指标"),
])
def test_indicator_family(name, family):
    assert indicator_family(name) == family


def test_parse_number():
    assert parse_number("2.50") == 2.5 and parse_number("1,000家") == 1000
    assert parse_number("—") is None and parse_number("完成上级下达目标") is None and parse_number(None) is None


def test_high_tech_enterprises_compared_across_real_plans(corpus_docs):
    rows = indicator_rows(corpus_docs.values())
    data = {d["规划"]: d for d in comparison(rows, "高新技术企业数量")}
    assert data["开平市·十四五"]["目标"] == 225 and data["台山市·十四五"]["目标"] == 200
    assert data["台山市·十三五"]["目标"] == 50  # the target table, not the 十二五 actuals table
    growth = {d["规划"]: d for d in comparison(rows, "研发经费投入增长率")}
    assert growth["台山市·十四五"]["变化"] == "年均增长12%" and growth["台山市·十四五"]["目标"] == 12


def test_indicator_table_and_chart_data_of_all_five_plans(corpus_docs):
    """What the 指标 page shows, on every real plan (台山十三五's 十二五 table has no targets)."""
    from planqa.app.pages.indicators import TABLE_COLUMNS, _chart, table_frame

    rows = indicator_rows(corpus_docs.values())
    shown = table_frame(rows)[TABLE_COLUMNS].fillna("")
    assert len(shown) == len(rows) == 29
    assert set(shown["目标年"]) >= {"", "2020", "2025"}
    for family in {r["类别"] for r in rows}:
        data = [d for d in comparison(rows, family) if d["基期"] is not None or d["目标"] is not None]
        if data:
            assert _chart(data, family).to_dict()["mark"]["type"] == "bar"
