"""Question forms on a small inline index (real embedder): the attachments of a notice named by its
文号, an age asked as 多少岁, a how-question whose rule runs on in its paragraph, a 还是 choice, and
a question whose word (工程技术) holds a short title word of another plan (工程), a rule answered
with its whole short paragraph, a paraphrase whose everyday words the plan does not use, and a
counted list ("哪3项") whose items are marked lines, not headings, a two-part location question
whose item has a run-in title, a list whose "一是…三是" run follows the matched lead-in, and a date
question whose paragraph dates two steps."""

from __future__ import annotations

import pytest

from answerhelpers import fully_supported, inline_answerer

pytestmark = pytest.mark.slow

NOTICE = """某市人民政府办公厅关于印发某市公共租赁住房管理办法的通知
某府办规〔2024〕13号
各区人民政府，市政府各部门：
现将《某市公共租赁住房管理办法》印发给你们，请认真贯彻执行。
附件：1. 某市公共租赁住房管理办法
2.某市公共租赁住房申请审核流程
某市人民政府办公厅
2024年7月26日
某市公共租赁住房管理办法
第一条 为规范公共租赁住房管理，制定本办法。
第二十一条 申请公共租赁住房原则上以家庭为单位。具有完全民事行为能力，且年满30周岁的单身申请人可独立申请；年满16周岁的孤儿，具有完全民事行为能力的，也可以独立申请。
第二十六条 轮候对象按登记时间先后排序，登记时间相同时，按照在本市缴纳社会保险时长排序。社会保险时长相同的，按照持有本省居住证时长排序。仍相同的，由电脑随机确定顺序。
第三十条 主要指标如下表所列。注：以上指标均为预期性指标。
第三十二条 建立全市统一的公共租赁住房信息平台，实现申请审核全流程网上办理。（10月底完成，牵头单位：市住房保障局）
第三十五条 持有境外居住证的人员来本市居住的，按照“平等对待、就近安排”原则，享受同等轮候待遇。境外人员申请公共租赁住房按照《某市境外人员住房保障清单》执行，各区住房保障部门做好咨询答疑。
第三十八条 优化慢性病人员住房轮候管理，将复核周期放宽至3个月。
"""

PLAN = """某县科技赋能乡村振兴示范工程实施方案
一、工作目标
到2025年，全县建成省级农业科技园区2个，培育农业科技特派员200名。
2.2035年远期目标。
到2035年，全县农业科技进步贡献率进入全省前列，县域创新体系基本完善。
二、主要任务
（一）建设科技示范基地
依托县农业科学研究所建设科技示范基地5个，示范推广新品种新技术。
三、发展基础
至2020年全县工程技术研究中心达18家，其中6家专门从事农产品加工方面的研究。
四、清理规范收费项目
6.减少或停征收费项目2项。
（8）对不参与收入分成的收费项目，原则上减少或停征。
①县教育局1项：教育干部培训费。
②县公安局1项：养犬管理服务费。
完成时限：2025年6月底
7.降低收费标准3项。
（9）对保留的收费项目，有收费幅度的，一律从低收取，实现我县收费标准最低。
①县水务局1项：水土保持补偿费（每平方米2元减至1.4元）。
②县人防办1项：防空地下室易地建设费（每平方米由1800元降至1620元）。
③企业经营收费1项：电动汽车充换电服务收费（上限由1.35元/千瓦时降至0.90元/千瓦时）。
完成时限：2025年6月底
五、保障措施
22.加强组织领导。县政府统筹推进示范工程建设，定期研究解决重大问题。
23.加强培训指导。县、镇联手组织开展多层次专题培训，向企业和合作社开展政策解读。
24.全面提升农技服务热线服务水平。对标全省一流，加快升级热线平台。一是“一单通达”，由县级热线直接将农户诉求转至乡镇办理；二是自动外呼开展满意度回访；三是建立诉求属地办理和部门监督的双向互动机制。
25.建立全县农产品价格信息服务平台，7月底前完成项目前期手续，实现平台基础建设。10月底完善平台各项功能，提升服务水平。
"""


@pytest.fixture(scope="module")
def answerer(tmp_path_factory):
    return inline_answerer(tmp_path_factory.mktemp("forms"), {"notice.txt": NOTICE, "plan.txt": PLAN})


def test_attachments_of_a_notice_named_by_its_doc_number(answerer):
    result = answerer.ask("某府办规〔2024〕13号文附了哪几个附件？")
    assert not result["abstained"] and result.get("document_fact") == "attachments"
    assert "某市公共租赁住房管理办法" in result["answer"] and "申请审核流程" in result["answer"]
    assert fully_supported(answerer, result)


def test_an_age_asked_as_how_many_years(answerer):
    result = answerer.ask("公租房单身人士满多少岁可以独立申请？")
    assert not result["abstained"] and "30周岁" in result["answer"]
    assert fully_supported(answerer, result)


def test_a_procedure_runs_on_in_its_paragraph(answerer):
    result = answerer.ask("公租房轮候登记时间相同时怎么排序？")
    assert not result["abstained"]
    assert "社会保险时长" in result["answer"] and "居住证时长" in result["answer"]
    assert fully_supported(answerer, result)


def test_a_choice_question_quotes_the_sentence_naming_an_alternative(answerer):
    result = answerer.ask("公租房办法里的主要指标是约束性的还是预期性的？")
    assert not result["abstained"] and "预期性" in result["answer"].split("。")[0]


def test_a_question_word_holding_a_short_title_word_names_no_plan(answerer):
    """工程技术研究中心 does not name the plan whose title has 工程 (so it is not the only plan searched)."""
    assert answerer._named_by("全县工程技术研究中心有多少家？") == ([], False)
    result = answerer.ask("至2020年全县工程技术研究中心有多少家专门从事农产品加工研究？")
    assert not result["abstained"] and "6家" in result["answer"]


def test_a_numbered_title_line_goes_on_with_the_next_line(answerer):
    result = answerer.ask("乡村振兴示范工程方案对2035年有什么远景目标？")
    assert not result["abstained"] and "县域创新体系基本完善" in result["answer"]
    assert fully_supported(answerer, result)


def test_a_deadline_in_a_bracketed_note_answers_for_its_sentence(answerer):
    result = answerer.ask("公共租赁住房信息平台要求什么时候完成？")
    assert not result["abstained"] and "10月底完成" in result["answer"]
    assert fully_supported(answerer, result)


def test_a_short_paragraph_answers_whole_with_its_lead_in(answerer):
    result = answerer.ask("境外人员在某市申请公租房按什么政策办？")
    assert not result["abstained"]
    assert "平等对待、就近安排" in result["answer"] and "境外人员住房保障清单" in result["answer"]
    assert fully_supported(answerer, result)


def test_everyday_words_of_a_paraphrase_are_no_missing_topic(answerer):
    # 方便/患者 are not in the 办法; its term 慢性病 is: the plan covers the topic
    result = answerer.ask("某市公租房办法打算怎样方便慢性病患者轮候？")
    assert not result["abstained"] and "3个月" in result["answer"]


def test_a_counted_list_answers_with_the_marked_lines_of_its_section(answerer):
    result = answerer.ask("某县乡村振兴方案要降低收费标准的是哪3项？")
    assert not result["abstained"]
    for item in ("水土保持补偿费", "防空地下室易地建设费", "电动汽车充换电服务收费"):
        assert item in result["answer"]
    assert "养犬管理服务费" not in result["answer"]
    assert fully_supported(answerer, result)


def test_a_two_part_location_question_names_the_part_and_the_item(answerer):
    result = answerer.ask("某县乡村振兴方案里，讲县镇联手组织专题培训的是第几条？放在哪一部分？")
    assert not result["abstained"] and "未找到" not in result["answer"]
    assert "保障措施" in result["answer"] and "23.加强培训指导" in result["answer"]
    assert "一、工作目标" not in result["answer"]  # a location, not the plan's parts
    assert fully_supported(answerer, result)


def test_a_list_question_gets_the_run_its_matched_lead_in_goes_on_to(answerer):
    result = answerer.ask("某县农技服务热线升级后具体实现哪几项功能？")
    assert not result["abstained"]
    for item in ("一单通达", "满意度回访", "双向互动机制"):
        assert item in result["answer"]
    assert fully_supported(answerer, result)


def test_a_date_question_gets_its_short_paragraph_whole(answerer):
    result = answerer.ask("某县农产品价格信息服务平台要在什么时候把各项功能完善好？")
    assert not result["abstained"] and "10月底" in result["answer"]
    assert fully_supported(answerer, result)
