"""Comparisons on a small inline index (real embedder): a plan whose closest passage is another
indicator answers 未找到 for the one asked, in the order the question names the plans."""

from __future__ import annotations

import pytest

from answerhelpers import fully_supported, inline_answerer

pytestmark = pytest.mark.slow

ENPING = """恩平市科技创新“十四五”规划
一、发展目标
到2025年，全市规模以上工业企业研发支出占营业收入的比重达到1.8%。
规模以上工业企业研发机构覆盖率达到65%，高新技术企业达到120家。
二、主要任务
（一）培育创新主体
实施高新技术企业树标提质行动，推动规模以上工业企业建设研发机构。
"""

HESHAN = """鹤山市科技创新“十四五”规划
一、发展目标
到2025年，全市规模以上工业企业研发机构覆盖率达到60%，高新技术企业达到150家。
二、主要任务
（一）壮大创新企业
支持规模以上工业企业与高校共建研发机构，培育一批科技型中小企业。
"""


@pytest.fixture(scope="module")
def answerer(tmp_path_factory):
    return inline_answerer(tmp_path_factory.mktemp("compare"), {"enping.txt": ENPING, "heshan.txt": HESHAN})


def test_a_plan_without_the_indicator_answers_not_found(answerer):
    result = answerer.ask("恩平十四五和鹤山十四五对规上工业企业研发支出占营业收入的比重各定了什么目标？")
    assert not result["abstained"]
    lines = result["answer"].split("\n")
    assert "恩平" in lines[0] and "1.8%" in lines[0]
    assert "鹤山" in lines[1] and "未找到" in lines[1] and "60%" not in result["answer"]
    assert fully_supported(answerer, result)


def test_the_same_indicator_in_both_plans_is_quoted_for_each(answerer):
    result = answerer.ask("恩平和鹤山的规上工业企业研发机构覆盖率目标分别是多少？")
    assert not result["abstained"] and "未找到" not in result["answer"]
    assert "65%" in result["answer"] and "60%" in result["answer"]
    assert result["answer"].index("65%") < result["answer"].index("60%")
    assert fully_supported(answerer, result)
