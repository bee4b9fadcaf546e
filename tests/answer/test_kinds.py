"""Question kinds: multi-part splitting, document facts, time frame, plan naming (inline fixtures)."""

from __future__ import annotations

from dataclasses import dataclass

from planqa.answer.kinds import (COMPARE, LIST, LOCATION, choice_alternatives, date_forms, document_field, frame_fit,
                                 question_frame, split_parts, value_forms)
from planqa.retrieve.naming import PlanNames, issuer_names


def test_multi_part_questions_split_into_their_parts():
    assert split_parts("江门百千万方案的文号是什么？执行中遇到问题该向哪个部门反映？") == [
        "江门百千万方案的文号是什么？", "执行中遇到问题该向哪个部门反映？"]
    assert split_parts("台山十四五规划提出到2025年国家高新技术企业达到多少家？") == [
        "台山十四五规划提出到2025年国家高新技术企业达到多少家？"]
    assert len(split_parts("开平的R&D目标是多少；台山的呢？")) == 1  # second part too short to stand alone
    assert len(split_parts("包头数字政府建设多久考评一次？考评结果怎么用？")) == 2
    assert len(split_parts("配偶和孩子能不能一起迁户口？公安机关在其中负责什么？")) == 2


def test_document_fields():
    assert document_field("这份方案的文号是什么？").name == "doc_number"
    assert document_field("该办法由哪个部门印发？").name == "issuer"
    assert document_field("规划的编制单位是谁？").name == "drafter"
    assert document_field("这个通知是什么时候印发的？").name == "date"
    assert document_field("本办法从什么时候起施行？").name == "effective_date"
    assert document_field("这个标准是第几稿？").name == "draft"
    assert document_field("有效期到什么时候？").name == "valid_until"
    assert document_field("这个办法的有效期是多久？").name == "valid_until"
    assert document_field("《某市积分制入户管理办法》有效期到什么时候？").name == "valid_until"
    # the validity of something the document rules on is no fact about the document
    assert document_field("活动性肺结核审核确认后的有效期是多长？") is None
    assert document_field("跨市就医备案有效期一般多长？") is None
    assert document_field("申报什么时候截止？") is None
    assert document_field("开平的高新技术企业目标是多少？") is None
    assert document_field("两份规划的规划期分别是哪几年？").name == "period"
    assert document_field("规划期内要新增多少家高企？") is None  # 规划期内 is a time frame, not the question
    assert document_field("印发通知的落款日期是哪天？").name == "date"
    assert document_field("这两份规划分别是依据什么编制的？").name == "basis"


def test_the_sentence_that_gives_the_basis():
    from planqa.answer.kinds import STATING_PATTERNS

    basis = STATING_PATTERNS["basis"]
    assert basis.search("根据《某市国民经济和社会发展第十三个五年规划纲要》制定本规划，主要明确未来五年的任务。")
    assert basis.search("根据《公共租赁住房管理办法》等要求，结合本市实际，制定本办法。")
    assert not basis.search("根据企业需求开展技术攻关，推动成果转化。")


def test_presence_questions_name_their_topic():
    from planqa.answer.kinds import asked_topic

    assert asked_topic("开平市的规划有没有提到量子计算？") == "量子计算"
    assert asked_topic("考评办法里有关于元宇宙的考评指标吗？") == "元宇宙"
    assert asked_topic("这份规划提到低空经济了吗？") == "低空经济"


def test_value_forms_of_dates_and_numbers():
    assert "2022年8月31日" in date_forms("2022-08-31") and "二〇二二年八月三十一日" in date_forms("2022-08-31")
    assert "台府[2022]16号" in value_forms("doc_number", "台府〔2022〕16号")
    assert value_forms("issuer", "广州市医疗保障局、广州市财政局") == ["广州市医疗保障局", "广州市财政局"]


def test_time_frame_of_questions_and_passages():
    assert question_frame("“十三五”期间实际新增了多少家高企？", False) == "past"
    assert question_frame("2020年底台山手上有多少家高企？", True) == "past"
    assert question_frame("十四五期间要建设哪些创新平台？", False) == "plan"
    review, task = ("一、基础与形势", "（一）发展基础"), ("四、主要任务", "（二）完善创新平台体系")
    assert frame_fit(review, "plan") == 0.0 and frame_fit(task, "plan") == 1.0
    assert frame_fit(review, "past") > frame_fit(task, "past")
    assert frame_fit(task, None) == 0.5


def test_kind_cues():
    assert COMPARE.search("台山和开平在R&D投入强度目标上有什么不同？")
    assert LOCATION.search("科技特派员是放在哪一项任务下面讲的？")
    assert LIST.search("茂南区十四五期间要建设哪些创新平台？")


@dataclass
class _Doc:
    doc_id: str
    title: str
    issuer: str | None = None
    level: str | None = None
    region: str | None = None
    period: str | None = None
    doc_number: str | None = None


def _tokenize(text: str) -> list[str]:
    import jieba

    return [t for t in jieba.cut_for_search(text) if t.strip()]


def test_plans_are_named_by_title_words_issuer_and_level():
    docs = [
        _Doc("energy", "“十四五”能源领域科技创新规划", "国家能源局、科学技术部", "国家", "全国", "十四五"),
        _Doc("transport", "“十四五”交通领域科技创新规划", "交通运输部、科学技术部", "国家", "全国", "十四五"),
        _Doc("miit", "工业和信息化部政务数据共享管理办法（试行）", "工业和信息化部", "国家", "全国"),
        _Doc("ts", "台山市科技创新发展“十四五”规划", "台山市人民政府", "市", "台山市", "十四五"),
        _Doc("kp", "开平市科技创新“十四五”规划", None, "市", "开平市", "十四五"),
    ]
    names = PlanNames.build(docs, _tokenize)
    assert names.named("能源领域的科技创新规划提出了哪些重点任务？") == ["energy"]
    assert names.named("交通领域规划里关于智能交通的内容") == ["transport"]
    assert names.named("工信部的政务数据共享办法怎么规定数据目录？") == ["miit"]
    assert names.named("高新技术企业目标是多少？") == []  # no naming word: no plan named


def test_issuer_abbreviations():
    assert "工信部" in issuer_names("工业和信息化部")
    assert "发改委" in issuer_names("国家发展和改革委员会")
    assert "能源局" in issuer_names("国家能源局")
    assert "医疗保障局" in issuer_names("广州市医疗保障局、广州市财政局")


def test_a_two_character_naming_word_must_be_a_word_of_the_question_and_a_doc_number_names_its_document():
    import jieba

    docs = [
        _Doc("bqw", "江门市科技赋能“百县千镇万村高质量发展工程”实施方案", "江门市科学技术局", "地级市", "江门市"),
        _Doc("mn", "茂名市茂南区科技创新“十四五”规划", None, "区", "茂名市茂南区", "十四五"),
        _Doc("gz", "广州市社会医疗保险统筹基金支付门诊特定病种费用范围及标准", "广州市医疗保障局", "地级市", "广州市",
             doc_number="穗医保规字〔2019〕4号"),
        _Doc("gd", "广东多项医保新措1月1日起实施", None, "省", "广东省"),
        _Doc("kp", "开平市科技创新“十四五”规划", None, "市", "开平市", "十四五"),
    ]
    names = PlanNames.build(docs, _tokenize, lambda text: [t for t in jieba.cut(text) if t.strip()])
    assert names.named("全区省、市工程技术研究中心有多少家？") == []  # 工程 is part of 工程技术
    assert names.named("百千万工程的主要任务有哪些？") == ["bqw"]
    assert names.named("穗医保规字[2019]4号通知附了哪几个附件？") == ["gz"]  # bracket form as written


def test_choice_questions_give_their_alternatives():
    assert choice_alternatives("主要指标表里的指标是约束性的还是预期性的？") == ["约束性", "预期性"]
    assert choice_alternatives("这个方案是市级还是省级的？") == ["市级", "省级"]
    assert choice_alternatives("台山十四五规划提出哪些任务？") == []


def test_attachment_questions_are_document_questions():
    assert document_field("穗医保规字〔2019〕4号通知附了哪几个附件？").name == "attachments"
    assert document_field("这个办法有几个附件？").name == "attachments"
    assert document_field("附件2的准入标准怎么规定高血压病？") is None


def test_counts_in_words_past_periods_and_parts_that_point_back():
    from planqa.answer.answerer import REFERS_BACK
    from planqa.answer.kinds import question_frame
    from planqa.answer.question import asked_unit, question_types

    assert "quantity" in question_types("“十三五”期间办了几届青少年创新创业大赛？") and asked_unit("办了几届大赛？") == "届"
    assert question_frame("台山“十三五”期间办了几届大赛？", False) == "past"
    assert REFERS_BACK.match("这项工作归在哪一条任务下？") and not REFERS_BACK.match("公安机关在其中负责什么？")


def test_which_document_proposes_a_topic_is_a_presence_question():
    from planqa.answer.kinds import asked_topic

    assert asked_topic("这几份科技规划里，有哪份提出要培育独角兽企业？") == "培育独角兽企业"
    assert asked_topic("哪份规划提到了量子计算？") == "量子计算"


def test_counted_lists_and_structure_questions_are_told_apart():
    from planqa.answer.answerer import STRUCTURE
    from planqa.answer.question import question_types

    assert LIST.search("要降低收费标准的是哪3项？") and LIST.search("是哪四项？")
    assert "list" in question_types("唐山营商环境意见要降低收费标准的是哪3项？")
    assert STRUCTURE.search("台山十四五规划有几章？") and STRUCTURE.search("这份方案的目录是什么？")
    assert not STRUCTURE.search("这是在第几章、哪一项重点任务里讲的？")
    assert not STRUCTURE.search("要求编制并公开哪几张收费目录清单？")


def test_a_choice_part_is_a_part_of_its_own_and_asks_no_figure():
    from planqa.answer.question import question_types

    assert split_parts("在广东办了跨市就医备案，备案有效期一般多长？报销的起付标准、支付比例按参保市还是就医市执行？") == [
        "在广东办了跨市就医备案，备案有效期一般多长？", "报销的起付标准、支付比例按参保市还是就医市执行？"]
    assert "quantity" not in question_types("报销的起付标准、支付比例按参保市还是就医市执行？")
    assert "quantity" in question_types("支付比例是85%还是65%，最高多少元？")


def test_a_notice_states_its_basis_before_通知如下():
    from planqa.answer.kinds import STATING_PATTERNS

    sentence = ("为进一步完善社会医疗保险政策，根据《某市社会医疗保险条例》的有关规定，经市人民政府同意，"
                "现就门诊特定病种费用范围及标准的有关事项通知如下。")
    assert STATING_PATTERNS["basis"].search(sentence)
    assert STATING_PATTERNS["basis"].search("根据《某省条例》，结合本市实际，制定本办法。")
    assert not STATING_PATTERNS["basis"].search("根据企业需求，现就有关工作安排如下。")
