"""What an answer sentence leads into, on a small inline index (real embedder): the items a
sentence announces, the body of a heading quoted alone, a run of 一是/二是 items, a heading that
states the answer, a figure in the unit asked, a multi-part question with a leaning part."""

from __future__ import annotations

import pytest

from answerhelpers import fully_supported, inline_answerer

pytestmark = pytest.mark.slow

MEASURES = """某市积分制入户管理办法
第一条 为规范积分制入户管理，制定本办法。
第六条 积分制入户人员应同时符合以下条件：
（一）在本市合法稳定就业或者创业；
（二）年龄在45周岁以下；
（三）缴纳社会保险满4年；
（四）近5年内未受过刑事处罚。
第七条 申请人员按积分分值从高到低排名，分值相同时，按照在本市缴纳社会医疗保险时长排名。
第八条 本市公共租赁住房的租金标准每两年调整一次，家庭年收入低于3万元的可申请减免。
"""

REPORT = """某市2024年政府工作报告
一、2024年重点任务
在今年的工作中要着重把握好以下几个方面：一是更加注重服务大局、主动作为，牢记职责使命。二是更加注重稳中求进、系统施策，把稳增长放到更加突出的位置。三是更加注重先立后破、改革创新，持续激发活力。
（一）考评以日常监测、实地调研、民意调查、第三方评估等方式进行
每半年考评一次。日常监测由市政务服务局负责。
二、优化营商环境
（19）最大限度减少排队、待办时间。采用弹性排班制度，对排队超过2小时的由应急窗口受理办结。
三、培育新业态
发展元宇宙、低空经济等数字消费新业态。
"""


@pytest.fixture(scope="module")
def answerer(tmp_path_factory):
    return inline_answerer(tmp_path_factory.mktemp("follow_on"), {"measures.txt": MEASURES, "report.txt": REPORT})



def test_announced_conditions_are_listed(answerer):
    result = answerer.ask("积分制入户要同时满足哪些条件？")
    assert not result["abstained"]
    for item in ("合法稳定就业", "45周岁以下", "满4年", "刑事处罚"):
        assert item in result["answer"]
    assert fully_supported(answerer, result)


def test_a_run_of_numbered_points_is_given_whole(answerer):
    result = answerer.ask("今年工作要着重把握好哪几个方面？")
    assert not result["abstained"]
    for item in ("服务大局", "稳中求进", "先立后破"):
        assert item in result["answer"]
    assert fully_supported(answerer, result)


def test_a_heading_quoted_alone_goes_on_with_its_text(answerer):
    result = answerer.ask("怎么减少群众排队等待的时间？")
    assert not result["abstained"] and "弹性排班" in result["answer"]
    assert fully_supported(answerer, result)


def test_a_heading_that_states_the_answer_is_quoted(answerer):
    result = answerer.ask("考评用哪几种方式进行？")
    assert not result["abstained"]
    assert "实地调研" in result["answer"] and "第三方评估" in result["answer"]


def test_the_unit_asked_and_how_often(answerer):
    result = answerer.ask("家庭年收入低于多少元可以申请租金减免？")
    assert not result["abstained"] and "3万元" in result["answer"]
    result = answerer.ask("考评多久进行一次？")
    assert not result["abstained"] and "每半年" in result["answer"]


def test_title_line_is_never_the_answer(answerer):
    result = answerer.ask("某市积分制入户管理办法是什么？")
    assert all(c["quote"] != "某市积分制入户管理办法" for c in result["citations"])


def test_a_topic_only_another_document_has(answerer):
    result = answerer.ask("某市积分制入户管理办法里有关于元宇宙的规定吗？")
    assert result["abstained"] and "未提及“元宇宙”" in result["answer"] and "政府工作报告" in result["answer"]
