"""Answers from a document's tables on a small inline index (real embedder): a list question that
names a category of a table's first column gets that category's rows, and a question about one
row of an attachment table gets the row, not the body sentence that only points to the attachment
(nor the document's own validity: "审核确认后的有效期" is the row's)."""

from __future__ import annotations

import pytest

from answerhelpers import fully_supported, inline_answerer

pytestmark = pytest.mark.slow

HUKOU = """# 某市积分制入户管理办法

第一条 为规范积分制入户管理，制定本办法。

第五条 积分制入户指标体系由基础指标、加分指标和减分指标组成，具体见附件。

附件：某市积分制入户指标体系及分值表

| 类别 | 序号 | 指标 | 指标内容及分值 | 备注 |
| --- | --- | --- | --- | --- |
| 基础指标 | 1 | 合法稳定住所 | 办理居住证，每满1年计8分。 | |
| 基础指标 | 2 | 合法稳定就业 | 参加社会保险，每个险种每满1年计2分。 | |
| 基础指标 | 3 | 年龄 | 18—40周岁（30分）。 | 最低为0分。 |
| 加分指标 | 1 | 文化程度 | 本科及以上学历（30分）。 | 只取最高分。 |
| 加分指标 | 2 | 纳税情况 | 近3个纳税年度累计纳税1万元以上（4分）。 | |
| 减分指标 | 1 | 信用情况 | 信用不良记录，每宗减10分。 | |"""

MENZHEN = """# 某市社会医疗保险门诊特定病种管理办法

一、参保人员申请门诊特定病种时，定点医疗机构按照相应准入标准予以审核确认。具体审核确认有效期按《某市门诊特定病种范围及审核确认有效期》（附件1）执行。

二、病种一经选定，在一个年度内原则上不予变更。

附件1 某市门诊特定病种范围及审核确认有效期

| 序号 | 类别 | 病种名称 | 最高支付限额 | 审核确认有效期 |
| --- | --- | --- | --- | --- |
| 1 | 一类 | 高血压病 | 200元/月 | 长期 |
| 2 | 一类 | 糖尿病 | 300元/月 | 长期 |
| 3 | 二类 | 活动性肺结核 | 800元/月 | 一年 |
| 4 | 二类 | 耐多药肺结核 | 800元/月 | 两年 |
| 5 | 二类 | 慢性丙型肝炎 | 3500元/月 | 6个月 |"""


@pytest.fixture(scope="module")
def answerer(tmp_path_factory):
    return inline_answerer(tmp_path_factory.mktemp("tables"), {"hukou.md": HUKOU, "menzhen.md": MENZHEN})


def test_a_list_of_one_category_of_a_table(answerer):
    result = answerer.ask("某市积分制入户的基础指标包括哪几项？")
    assert not result["abstained"]
    for item in ("合法稳定住所", "合法稳定就业", "年龄"):
        assert item in result["answer"]
    for other in ("文化程度", "信用情况"):
        assert other not in result["answer"]
    assert fully_supported(answerer, result)


def test_a_category_in_the_second_column_after_serial_numbers(answerer):
    result = answerer.ask("某市门诊特定病种里二类病种有哪些？")
    assert not result["abstained"]
    for item in ("活动性肺结核", "耐多药肺结核", "慢性丙型肝炎"):
        assert item in result["answer"]
    assert "高血压病" not in result["answer"]
    assert fully_supported(answerer, result)


def test_a_row_of_an_attachment_table_not_the_sentence_pointing_to_it(answerer):
    result = answerer.ask("某市门诊特定病种里的活动性肺结核，审核确认后的有效期是多长？")
    assert not result["abstained"] and "一年" in result["answer"]
    assert "文档信息" not in result["answer"]
    assert fully_supported(answerer, result)
