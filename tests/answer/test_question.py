"""Question analysis: answer types, years, target vs baseline, cross-plan, foreign places."""

from __future__ import annotations

import pytest

from planqa.answer.question import (
    analyze_question,
    foreign_place,
    known_places,
    named_years,
    question_types,
    wanted_figure,
)
from planqa.records import Document
from planqa.retrieve.query import analyze_query

DOCS = [
    Document("taishan-14fyp", "台山市科技创新发展“十四五”规划", "", region="台山市", period="十四五", years=(2021, 2025)),
    Document("taishan-13fyp", "台山市科技创新“十三五”规划", "", region="台山市", period="十三五", years=(2016, 2020)),
    Document("kaiping-14fyp", "开平市科技创新“十四五”规划", "", region="开平市", period="十四五", years=(2021, 2025)),
    Document("maonan-14fyp", "茂名市茂南区科技创新“十四五”规划", "", region="茂名市茂南区", period="十四五"),
]


def info(text: str):
    return analyze_question(text, analyze_query(text, DOCS))


@pytest.mark.parametrize("text, expected", [
    ("台山“十四五”科技规划提出到2025年国家高新技术企业要达到多少家？", {"quantity"}),
    ("台山十四五对孵化器、众创空间和星创天地总数定了什么目标？", {"quantity"}),
    ("江门计划组建几家产业技术创新联盟？", {"quantity"}),
    ("2020年台山R&D经费占GDP的比重实际达到多少？", {"quantity"}),
    ("开平“1+4”产业平台包括哪几个镇？", {"list"}),
    ("茂南区有哪几所高校？", {"list"}),
    ("台山十四五规划的保障措施有哪些？", {"list", "how"}),
    ("开平打算怎么帮中小科技公司长大？", {"how"}),
    ("台山十三五评职称时看不看专利？", {"what"}),
    ("在台山的高层次人才办手续能不能只跑一个窗口？", {"yesno"}),
    ("西部县可以去东部发达区设点共用科技资源吗？", {"yesno"}),
    ("台山市科技创新“十三五”规划是什么时候印发的？", {"when"}),
    ("台山第一家科技支行是哪家银行的？", {"entity"}),
    ("开平市科技创新“十四五”规划的发文字号是什么？", {"docno"}),
    ("茂南区十四五科技创新的总体目标是什么？", {"what"}),
])
def test_question_types(text, expected):
    assert question_types(text) == expected


def test_named_years_and_wanted_figure():
    assert named_years("到2025年国家高新技术企业达到多少家，2020年有多少") == [2025, 2020]
    assert named_years("R&D经费12345元") == []
    assert wanted_figure("台山十四五规划要求2025年科技型小微企业达到多少家？", [2025]) == "target"
    assert wanted_figure("2020年台山拥有多少家国家高新技术企业？", [2020]) == "baseline"
    assert wanted_figure("2020年台山R&D经费占GDP的比重实际达到多少？", [2020]) == "baseline"
    assert wanted_figure("2015年台山财政科技拨款是多少？", [2015]) == "baseline"
    assert wanted_figure("开平科技规划对2023年高新技术企业数量的阶段目标是多少？", [2023]) == "target"


def test_regions_periods_and_cross_plan():
    q = info("台山十三五规划对2020年每万人口发明专利拥有量的目标是多少？")
    assert q.regions == {"台山市"} and q.periods == {"十三五"} and q.plan_period and not q.cross_plan
    assert not info("“十三五”期间台山新增了多少名博士和硕士？").plan_period  # the years, not the plan
    assert info("各地规划如何支持科技特派员？").cross_plan
    assert info("哪些规划提出设立天使投资基金？").cross_plan
    assert info("台山十三五和十四五规划的研发投入目标有什么不同？").cross_plan  # two periods
    assert info("台山和开平的高新技术企业目标是多少？").cross_plan  # two regions
    assert not info("台山十四五规划如何推进农业科技创新？").cross_plan


def test_foreign_place():
    known = known_places(d.region for d in DOCS)
    assert {"茂名市", "茂南", "台山"} <= known
    assert foreign_place("鹤山市科技创新规划的重点任务有哪些？", known) == "鹤山市"
    assert foreign_place("恩平市科技创新“十四五”规划提出的研发投入强度目标是多少？", known) == "恩平市"
    assert foreign_place("台山市科技创新“十三五”规划是什么时候印发的？", known) is None
    assert foreign_place("茂名市茂南区科技创新规划有哪些任务？", known) is None
    assert foreign_place("鹤山市有多少家高新技术企业？", known) is None  # not about a plan


def test_a_year_that_names_a_document_is_no_year_of_the_question():
    from planqa.answer.question import named_years

    assert named_years("成都2024年政府工作报告回顾说成功举办了什么？") == []
    assert named_years("2025年版广东医保药品目录里西药有多少个？") == []
    assert named_years("北京2024年政府工作报告提出2024年增长多少？") == [2024]
    assert named_years("到2025年高企目标是多少？") == [2025]


def test_a_topic_set_before_the_first_part_applies_to_every_part():
    from planqa.answer.answerer import _topic_preface

    assert _topic_preface("围绕RCEP办会这件事，安徽的实施意见提出要探索举办什么？") == "RCEP办会"
    assert _topic_preface("关于科技特派员，台山怎么做？") == "科技特派员"
    assert _topic_preface("台山十四五的文号是什么？") == ""
