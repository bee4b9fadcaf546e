"""Scoring features: numbers with units, the right year, target vs baseline, word matching."""

from __future__ import annotations

from planqa.answer.candidates import Candidate
from planqa.answer.question import QuestionInfo, question_types
from planqa.answer.scoring import (
    NUMBER_WITH_UNIT,
    IdfTable,
    Weights,
    confidence,
    eligible,
    lexical,
    metadata_fit,
    normalize,
    question_concepts,
    type_fit,
)
from planqa.records import Document, Indicator

DOC14 = Document("ts14", "台山十四五", "", region="台山市", period="十四五", years=(2021, 2025))
DOC13 = Document("ts13", "台山十三五", "", region="台山市", period="十三五", years=(2016, 2020))


def cand(text: str, path: tuple[str, ...] = ("二、总体思路",), position: int = 1, **extra) -> Candidate:
    return Candidate("ts14", 0, len(text), text, "row" if "indicator" in extra else "sentence", path, position, **extra)


def question(text: str, years: list[int] | None = None, wants: str | None = None, **extra) -> QuestionInfo:
    return QuestionInfo(text, question_types(text), years or [], wants, **extra)


def test_number_with_unit_is_not_a_bare_year():
    assert NUMBER_WITH_UNIT.search("达到200家以上")
    assert NUMBER_WITH_UNIT.search("比重达到1.92%")
    assert NUMBER_WITH_UNIT.search("授信额度达39.24亿元")
    assert not NUMBER_WITH_UNIT.search("到2027年，建成一批省级创新型专业镇")
    assert NUMBER_WITH_UNIT.search("新建5G基站1万个以上")  # a magnitude before the unit


def test_the_unit_asked_must_be_the_figure_s_unit():
    from planqa.answer.question import asked_unit
    from planqa.answer.scoring import states_unit

    assert asked_unit("申请家庭收入线具体是多少元？") == "元" and asked_unit("高企有多少家？") == "家"
    assert asked_unit("研发投入强度是多少？") is None
    q = question("申请家庭收入线具体是多少元？", unit="元")
    assert not type_fit(cand("应当自变动发生之日起1个月内申报。"), q)["numeric"]
    assert type_fit(cand("家庭年收入低于3.5万元的可以申请。"), q)["numeric"]
    assert states_unit(cand("新建5G基站1万个以上。"), "个") and not states_unit(cand("增长7.5%。"), "个")
    assert asked_unit("单身人士满多少岁可以独立申请？") == "岁" and states_unit(cand("年满30周岁的单身申请人可独立申请。"), "岁")
    assert NUMBER_WITH_UNIT.search("年满16周岁的孤儿") and NUMBER_WITH_UNIT.search("给予6个月的过渡期")
    assert not NUMBER_WITH_UNIT.search("2024年7月26日印发")  # a date is no figure
    assert NUMBER_WITH_UNIT.search("细颗粒物年均浓度32微克/立方米")
    assert states_unit(cand("派遣科技特派员280人。"), "名") and states_unit(cand("老楼加装电梯新开工1000部。"), "台")


def test_equivalent_terms_and_compounds_found_in_parts():
    from planqa.answer.scoring import found_in

    assert found_in("r&d", "研究与开发经费") and found_in("研发", "r&d经费") and found_in("规模以上", "规上工业")
    idf = IdfTable(["x"])
    concepts = [("研发投入强度", ("研发投入", "研发", "投入", "强度"))]
    apart = normalize("全社会研发经费（R&D）投入占GDP的比重达1.99%")
    assert lexical(concepts, apart, "", idf) > 0.79 > lexical(concepts, normalize("研发机构覆盖率"), "", idf)


def test_how_long_questions_want_a_span():
    q = question("包头数字政府建设多久考评一次？")
    assert "span" in q.types
    assert type_fit(cand("每半年考评一次。"), q)["type"] == 1.0
    assert type_fit(cand("2022年印发本办法。"), q)["type"] == 0.0  # a year is no span


def test_year_must_match_and_target_vs_baseline():
    q = question("到2025年国家高新技术企业要达到多少家？", [2025], "target")
    target = type_fit(cand("到2025年，全市国家高新技术企业数量达到200家以上。"), q, DOC14)
    other_year = type_fit(cand("到2017年，国家高新技术企业数量达到35家。"), q, DOC13)
    no_number = type_fit(cand("到2025年，科技创新能力显著增强。"), q, DOC14)
    assert target["numeric"] == 1 and target["year_miss"] == 0
    assert other_year["year_miss"] == 1 and no_number["numeric"] == 0
    assert target["type"] > no_number["type"]
    base = question("2020年台山R&D经费占GDP的比重实际达到多少？", [2020], "baseline")
    actual = type_fit(cand("比重由2015年的1.54%提高至2020年的1.92%；"), base, DOC14)
    planned = type_fit(cand("到2020年，全社会R&D投入占GDP的比重达到2.5%。"), base, DOC13)
    assert actual["type"] > planned["type"]  # 2020 is 十四五's baseline, 十三五's target


def test_base_year_matches_the_review_section():
    q = question("2015年台山有几家江门市级工程技术研究开发中心？", [2015], "baseline")
    review = cand("有江门市级工程技术研究开发中心9家。", path=("一、发展基础",))
    elsewhere = cand("建设江门市级工程技术研究开发中心9家。", path=("三、主要任务",))
    assert type_fit(review, q, DOC13)["year_miss"] == 0
    assert type_fit(elsewhere, q, DOC13)["year_miss"] == 1


def test_indicator_rows_count_their_year_columns():
    record = Indicator("国家高新技术企业", "家", 2020, "148", 2025, "200", "新增52家", "预期性",
                       {"2020年": "148", "2025年": "200"})
    row = cand("3 | 国家高新技术企业 | 家 | 148 | 200 | 新增52家", indicator=record)
    flags = type_fit(row, question("2025年国家高新技术企业目标是多少？", [2025], "target"), DOC14)
    assert flags["numeric"] == 1 and flags["year_miss"] == 0
    assert type_fit(row, question("2030年国家高新技术企业目标是多少？", [2030], "target"), DOC14)["year_miss"] == 1


def test_list_how_and_when_fit():
    listing = question("台山的四大新兴产业集群是哪四个？")
    plain = type_fit(cand("做强清洁能源、新能源汽车及零部件、新材料、大健康等四大新兴产业集群。"), listing)["type"]
    cued = type_fit(cand("四大新兴产业集群分别为清洁能源、新能源汽车及零部件、新材料、大健康。"), listing)["type"]
    assert cued == 1.0 and 0.5 < plain < cued
    assert type_fit(cand("加快新兴产业集群发展。"), listing)["type"] == 0.0
    how = question("台山如何推进农业科技创新？")
    assert type_fit(cand("坚持把乡村振兴作为重大使命。", position=0), how)["type"] > \
        type_fit(cand("坚持把乡村振兴作为重大使命。", position=5), how)["type"]
    when = question("规划是什么时候印发的？")
    assert type_fit(cand("2017年7月28日印发"), when)["date"] == 1


def test_metadata_and_eligibility():
    q = question("台山十三五规划对2020年每万人口发明专利拥有量的目标是多少？", [2020], "target",
                 regions={"台山市"}, periods={"十三五"}, plan_period=True)
    c = cand("2020年每万人口发明专利拥有量达到2.5件。")
    assert metadata_fit(c, DOC13, q) == 1.0
    assert metadata_fit(c, DOC14, q) == 0.0
    review = cand("“十三五”期间，每万人发明专利拥有量增长至4.04件。")
    assert 0 < metadata_fit(review, DOC14, q) < 1  # a 十四五 review of 十三五 counts in part
    assert not eligible({"plan": 1.0, "numeric": 0.0}, q)
    assert eligible({"plan": 1.0, "numeric": 1.0}, q)
    assert not eligible({"plan": 1.0, "numeric": 1.0, "year_miss": 1.0}, q)
    assert not eligible({"plan": 0.0, "numeric": 1.0}, q)


def test_concepts_group_compounds_and_drop_asking_words():
    from planqa.tokenize import ChineseTokenizer

    tokenizer = ChineseTokenizer()
    text = "台山十四五规划提出到2025年国家高新技术企业要达到多少家？"
    concepts = dict(question_concepts(question(text, regions={"台山市"}), tokenizer.tokenize(text)))
    assert "国家高新技术企业" in concepts and "高新技术企业" in concepts["国家高新技术企业"]
    assert not {"台山", "十四五", "2025", "多少家", "要"} & set(concepts)
    text = "邑科贷 资金池 规模"
    assert "邑科贷" in dict(question_concepts(question(text), tokenizer.tokenize(text)))  # single characters joined


def test_lexical_credit_and_confidence():
    idf = IdfTable([normalize(t) for t in ("国家高新技术企业达到200家", "科技特派员", "孵化器", "企业")])
    concepts = [("国家高新技术企业", ("高新技术企业", "企业")), ("孵化器", ())]
    assert lexical(concepts, "国家高新技术企业200家孵化器", "", idf) == 1.0
    partial = lexical(concepts, "高新技术企业", "", idf)
    assert 0 < partial < 1
    assert lexical(concepts, "", "国家高新技术企业 孵化器", idf) == 0.5  # headings count half
    w = Weights()
    assert confidence({"lex": 0.5, "dense": 0.9}, w) > confidence({"lex": 0.5, "dense": 0.8}, w)
