"""Table recognition in both captured forms, and indicator records."""

from __future__ import annotations

from planqa.ingest.clean import clean
from planqa.ingest.tables import indicator_sentence, indicators_from_table

WEB_TABLE = """  台山市主要指标表

序号

指标

单位

2020年

2025年

变化率

  1

  国家高新技术企业

  家

  148

  200

  新增52家

  2

  每万人发明专利拥有量

  件

  4.04

  6.6

  累计增长2.56件

  注:以上指标均为预期性指标
"""

WORD_TABLE = "主要目标指标（预期性）\n\t序号\n\t指标\n\t2020年\n前值\n\t2025年\n目标值\n\n\t1\n\t高新技术企业\n数量（家）\n\t164\n\t225\n\n\t2\n\t研发投入强度（%）\n\t2.1\n\t3.0\n\n\n正文继续。\n"


def test_one_cell_per_line_web_table():
    result = clean(WEB_TABLE)
    (table,) = result.tables
    assert table.caption == "台山市主要指标表" and table.note == "注：以上指标均为预期性指标"
    assert table.header == ("序号", "指标", "单位", "2020年", "2025年", "变化率")
    assert table.rows[0] == ("1", "国家高新技术企业", "家", "148", "200", "新增52家")
    assert result.text.split("\n")[2] == "1 | 国家高新技术企业 | 家 | 148 | 200 | 新增52家"
    for (start, end), row in zip(table.row_spans, table.rows):
        assert result.text[start:end] == " | ".join(row)
    (first, second) = indicators_from_table(table, 0, (2021, 2025))
    assert (first.indicator, first.unit, first.baseline_value, first.target_value, first.nature) == (
        "国家高新技术企业", "家", "148", "200", "预期性")
    assert indicator_sentence(first) == "国家高新技术企业：2020年148家，2025年目标200家，新增52家（预期性）"
    assert second.target_value == "6.6"


def test_tab_table_with_wrapped_cells_and_unit_in_name():
    result = clean(WORD_TABLE)
    (table,) = result.tables
    assert table.header == ("序号", "指标", "2020年前值", "2025年目标值")
    assert table.rows == (("1", "高新技术企业数量（家）", "164", "225"), ("2", "研发投入强度（%）", "2.1", "3.0"))
    records = indicators_from_table(table, 0, (2021, 2025))
    assert [(r.indicator, r.unit, r.baseline_year, r.target_year, r.nature) for r in records] == [
        ("高新技术企业数量", "家", 2020, 2025, "预期性"), ("研发投入强度", "%", 2020, 2025, "预期性")]
    assert result.text.endswith("正文继续。")


def test_reader_tab_table_without_numbering():
    raw = "\t指标\n\t2025年\n\n\t高新技术企业\n\t200\n\n正文。"
    (table,) = clean(raw).tables
    assert table.header == ("指标", "2025年") and table.rows == (("高新技术企业", "200"),)


def test_a_lone_tab_line_is_a_paragraph():
    assert clean("正文。\n\t台山市人民政府办公室    2017年7月28日印发\n").tables == []
