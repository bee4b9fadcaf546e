"""Question kinds the answerer handles on purpose, as pure string rules.

* **multi-part** — "文号是什么？执行中遇到问题该向哪个部门反映？": answered part by part; a part
  that names no plan is asked of the plan the first part named;
* **document** — 文号, 发文机关/发布单位, 印发/成文日期, 编制单位, 施行日期, 有效期, 第几稿: answered
  from the line of the text that states it, else from the document record (marked 文档信息);
* **location** — "…是放在哪一章/哪一项任务下面讲的": the heading of the section that holds the
  best passage, then the passage;
* **list** — "…有哪些主要任务", "要建设哪些创新平台": the child headings of the section whose heading
  names the subject, else the enumerating sentence;
* **comparison** — two or more plans named ("台山和开平…分别", "2020年底台山、开平、茂南…各有"):
  one answer line per plan, in the order the question names them, "未找到" for a plan that has none;
* **time frame** — a question about the past period ("“十三五”期间实际", "2020年底") or the plan
  period ("十四五期间", "到2025年"): passages of the other frame count less (see ``frame_fit``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planqa.ingest.outline import int_to_cn

# -------------------------------------------------------------------- multi-part

_PART_END = re.compile(r"(?<=[？?])|(?<=[；;])(?=.{4,}[？?]$)")
MIN_PART = 6  # characters a part needs to stand alone ("台山的呢？" leans on the part before)
_ASKS = re.compile(r"(什么|多少|哪|如何|怎样|怎么|何时|几|是否|有没有|吗|呢|谁|多久|多长|为什么|为何|是不是|能否|可否|要不要|能不能|会不会|可不可以|有无|还是)")


def split_parts(question: str) -> list[str]:
    """The parts of a multi-part question (each itself a question); one part for the others."""
    parts = [p.strip() for p in _PART_END.split(question.strip()) if p and p.strip()]
    if len(parts) < 2 or not all(_ASKS.search(p) and len(re.sub(r"[？?；;，,\s]", "", p)) >= MIN_PART for p in parts):
        return [question.strip()]
    return parts


# -------------------------------------------------------------------- document facts


@dataclass(frozen=True)
class DocumentField:
    """A fact about the document itself that a question can ask for."""

    name: str  # attribute of Document
    label: str  # how an answer names it
    pattern: re.Pattern[str]


DOCUMENT_FIELDS = [
    DocumentField("doc_number", "文号", re.compile(r"(文号|发文字号|发文编号|文件编号|字号)")),
    DocumentField("effective_date", "施行日期", re.compile(r"(什么时候|何时|哪天|哪一天|几号|从.{0,4}起|日期).{0,6}(施行|实施|生效)|"
                                                      r"(施行|实施|生效)(日期|时间)|自.{0,4}起(施行|实施)")),
    DocumentField("valid_until", "有效期", re.compile(r"(有效期|有效至|截止到?什么时候|什么时候(失效|到期|截止))")),
    DocumentField("drafter", "起草（编制）单位", re.compile(r"(起草单位|编制单位|起草人|编制机构|谁起草|谁编制|哪些单位(起草|编制))")),
    DocumentField("issuer", "发文机关", re.compile(r"(发文机关|发文单位|发布单位|发布机关|印发单位|制定单位|"
                                               r"哪(个|家)(部门|单位|机关|机构|部委)(印发|发布|制定|编制|出台|发的|下发)|谁(印发|发布|制定|编制|出台|发的)|"
                                               r"(由|是)(哪个|哪家|哪些|什么)(部门|单位|机关|机构|部委).{0,4}(印发|发布|制定|编制|出台|发的|下发))")),
    DocumentField("date", "印发日期", re.compile(r"(印发日期|成文日期|发布日期|发文日期|发布时间|印发时间|"
                                             r"(什么时候|何时|哪天|哪一天|哪年|哪一年|哪个月).{0,4}(印发|发布|出台|制定|发文|下发|成文|签发)|"
                                             r"(印发|发布|出台|成文)(于|是在)?(什么时候|何时|哪天|哪一年)|"
                                             r"落款(日期|时间)|(落款|签发|成文)[^？?]{0,8}(哪天|哪一天|什么时候|何时|哪年))")),
    DocumentField("period", "规划期", re.compile(r"((规划期限?|规划年限|规划时限|实施期限?)(?![内末间中])|起止年份|"
                                              r"管(多少|几)年|覆盖(哪|多少|几)(几)?年)")),
    DocumentField("basis", "编制依据", re.compile(r"(依据|根据|按照)(什么|哪些|哪个|哪份)(文件|规定|法规|要求|标准)?.{0,8}(编制|制定|起草|出台)|"
                                            r"(编制|制定|起草|出台)(的)?依据|依据(是|有)(什么|哪些)")),
    DocumentField("attachments", "附件", re.compile(r"(附了|附有|带了|带有|有)(哪[几些]个?|几个|什么|多少个?)附件|"
                                                  r"附件(有|是|包括)(哪[几些]|什么|几个)|几个附件|哪[几些]个?附件")),
    DocumentField("tables", "表格", re.compile(r"(哪|几)[几两三四五六七八九十]?张[^？?，,。]{0,8}表|哪些(指标)?表格?|几个(指标)?表格?|"
                                              r"有(哪|几)[几两三四五]?个[^？?，,。]{0,6}表")),
    DocumentField("draft", "文稿性质", re.compile(r"(第几稿|什么稿|哪一稿|征求意见稿|送审稿|是不是(正式|定稿))")),
]
# Where the text states a fact the document record may lack: the sentence that says it (the basis
# only in the document's opening part, and "编制X规划" only for the document's own title).
STATING_PATTERNS = {
    "effective_date": re.compile(r"自[^。；\n]{0,24}?起(?:施行|实施|执行|生效)"),
    # the 公文 attachment list after the body: "附件：1. X" (its other items on the lines after it)
    "attachments": re.compile(r"(?m)^附件[:：]\s*\S"),
    "valid_until": re.compile(r"有效期(?:为|至|调整至)?[^。；\n]{0,24}"),
    "drafter": re.compile(r"(?:起草单位|编制单位|主要起草人)[:：][^\n]{2,300}"),
    "period": re.compile(r"(?:规划期|规划期限|规划年限|规划时限|实施期限|实施期)(?:为|是|：|:|从)[^。；\n]{0,30}"),
    # the 公文 conventions "根据《…》等，结合本市实际，制定本办法" and a notice's "根据…，现就…通知如下":
    # the sentence that gives the basis
    "basis": re.compile(r"(?:根据|依据|按照)[^。\n]{2,300}?(?:(?:制定|编制|修订)(?:了)?(?:本|此)"
                        r"(?:规划|方案|办法|意见|规定|细则|标准|部分|计划)|(?:制定|编制)(?:了)?(?P<own>[^。\n，]{4,40}?)"
                        r"(?:规划|方案|办法|意见|规定|细则|标准|计划)[。；]|的?(?:规定|规则|要求)起草|"
                        # a notice's "根据《…》的有关规定，经市人民政府同意，现就…通知如下"
                        r"现(?:就|将)[^。\n]{2,160}?(?:通知如下|印发给你们))"),
    "issue_date": re.compile(r"\d{4}年\d{1,2}月\d{1,2}日(?:印发|发布)"),
}
DRAFT_MARK = re.compile(r"[（(]?(征求意见稿|送审稿|报批稿|印发稿|草案|试行)[）)]?")


# what may stand right before "有效期" when the validity asked about is the document's own
# ("办法的有效期", "《…》有效期", "这份文件有效期"); "备案有效期", "审核确认后的有效期" ask about
# something the document rules on
_DOCUMENT_NOUN_END = re.compile(r"(办法|方案|规划|计划|通知|文件|规定|意见|政策|细则|标准|制度|条例|指引|规程|决定|"
                                r"[》」”]|这份|这个|本|该|它|其|这)$")


def _about_the_document(question: str, match: re.Match[str]) -> bool:
    """Whether the validity ``match`` found is the document's: nothing, or a word naming the
    document, before it in its clause."""
    before = re.split(r"[，,。；;？?！!：:\s]", question[:match.start()])[-1]
    before = re.sub(r"的$", "", before)
    return not before or bool(_DOCUMENT_NOUN_END.search(before))


def document_field(question: str) -> DocumentField | None:
    """The fact about the document a question asks for, if it asks for one."""
    for field in DOCUMENT_FIELDS:
        match = field.pattern.search(question)
        if match and (field.name != "valid_until" or _about_the_document(question, match)):
            return field
    return None


def date_forms(iso: str) -> list[str]:
    """Ways a document writes an ISO date: 2022年8月31日, 2022年08月31日, 2022-08-31, 二〇二二年八月三十一日."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not match:
        return []
    y, m, d = match.groups()
    year = "".join("〇一二三四五六七八九"[int(ch)] for ch in y)  # a year is written digit by digit
    return [f"{y}年{int(m)}月{int(d)}日", f"{y}年{m}月{d}日", iso, f"{y}.{int(m)}.{int(d)}",
            f"{year}年{int_to_cn(int(m))}月{int_to_cn(int(d))}日"]


def value_forms(name: str, value: str) -> list[str]:
    """Strings whose presence in the text states ``value`` of field ``name``."""
    if not value:
        return []
    if name in ("date", "effective_date", "valid_until"):
        return date_forms(value)
    if name == "issuer":
        return [v for v in re.split(r"[、，,\s]+", value) if len(v) >= 3]
    if name == "doc_number":
        loose = value.replace("〔", "[").replace("〕", "]")
        return [value, loose, value.replace("〔", "（").replace("〕", "）")]
    return [value]


# -------------------------------------------------------------------- location, list, time frame

LOCATION = re.compile(r"(哪一?章|哪一?节|哪一?部分|哪个部分|哪一?项任务|哪个任务|哪一?条|第几条|第几章|第几部分|哪个章节|"
                      r"放在哪|在哪里(讲|提|写|说)|哪个标题|什么标题|哪一?块|什么位置|哪个位置|属于哪|归在哪|写在哪|在哪(个|一)?部分)")
# "哪3项", "哪四个": a list of a given length (the count and its unit)
COUNTED_ITEMS = re.compile(r"哪([两三四五六七八九十]|\d{1,2})(个|项|类|条|种|方面|大|部分)")
LIST = re.compile(r"(有哪些|哪些|包括什么|包括哪|主要内容|主要任务|重点任务|几个方面|哪几|列举|分哪|" + COUNTED_ITEMS.pattern + ")")
OVERVIEW_SUBJECT = re.compile(r"(主要任务|重点任务|保障措施|工作目标|发展目标|具体目标|总体目标|基本原则|指导思想|重点领域|工作安排|主要措施|"
                              r"主要举措|重点工作|工作要求|实施步骤|职责分工|考评内容)")
# Names plans give the same part by: a question's 主要任务 is a plan's 重点任务 chapter.
SUBJECT_VARIANTS = [
    ("主要任务", "重点任务", "主要工作", "重点工作"),
    ("保障措施", "保障举措", "规划保障", "实施保障", "组织实施"),
    ("发展目标", "主要目标", "总体目标", "工作目标", "具体目标"),
    ("主要措施", "主要举措", "重点举措", "政策措施"),
]


def subject_forms(subject: str) -> tuple[str, ...]:
    """``subject`` and the other names plans give that part."""
    for group in SUBJECT_VARIANTS:
        if subject in group:
            return (subject, *(v for v in group if v != subject))
    return (subject,)


# The past period a question can ask about, and the plan period.
PAST_FRAME = re.compile(r"(期间(实际|已|共|累计)|期间[^，,。？?]{0,4}了|实际|已经|已有|现有|手上|目前有|截至|截止|底前?(有|共|拥有)|年底|年末|"
                        r"最近一年|最新|上一年|去年|现状|现在|当前|"
                        r"回顾|取得了?(哪些|什么)?成(效|绩|就)|完成了|过去)")
FUTURE_FRAME = re.compile(r"(到20\d\d年|至20\d\d年|目标|要(建设|达到|打造|实现|推进)|将|计划|力争|期间要|打算|准备|规划(提出|要求))")
REVIEW_SECTION = re.compile(r"(基础|现状|回顾|成就|成效|形势|总结|进展|评估|工作回顾|取得)")


def question_frame(question: str, past_years: bool) -> str | None:
    """"past" (what was achieved), "plan" (what is planned) or None."""
    past = bool(PAST_FRAME.search(question)) or past_years
    future = bool(FUTURE_FRAME.search(question))
    if past and not future:
        return "past"
    if future and not past:
        return "plan"
    return None


def frame_fit(section_path: tuple[str, ...], frame: str | None) -> float:
    """1 when a passage's section fits the question's time frame, 0 when it is the other frame's
    (a review section for a plan question, a task section for a past one), 0.5 when unclear."""
    if frame is None:
        return 0.5
    review = any(REVIEW_SECTION.search(p) for p in section_path)
    if frame == "past":
        return 1.0 if review else 0.3
    return 0.0 if review else 1.0


# -------------------------------------------------------------------- comparison

COMPARE = re.compile(r"(分别|各自|各有|各是|各为|对比|比较|相比|区别|不同|差异|异同|谁(高|多|大|快)|哪个(高|多|大|快))")


# -------------------------------------------------------------------- topics a plan may not cover

# "有没有提到X" / "是否涉及X" / "对X有什么部署" / "哪份提到了X": questions about whether a topic is there.
_TOPIC_PATTERNS = [
    re.compile(r"(?:有没有|是否|有无|有未)(?:提到|提及|涉及|讲到|写到|说到|提出|部署|安排|规划|包括|包含)?(?:过|了)?"
               r"(?:对|关于|设立|建设|发展|推进)?(?P<topic>[^？?，,。]{2,24}?)(?:的(?:内容|安排|部署|规定|措施|目标))?"
               r"(?:作出|做出)?(?:安排|部署|规定)?(?:吗|呢)?[？?]?$"),
    re.compile(r"对(?P<topic>[^？?，,。]{2,24}?)(?:有|作出了?|做出了?|定了?|提出了?|设定了?|确定了?)?(?:什么|哪些|怎么|怎样|如何)(?:样的)?"
               r"(?:部署|安排|计划|规定|调整|布局|考虑|设想|要求|措施|支持|举措|目标|打算)"),
    re.compile(r"哪(?:份|个|些)(?:规划|文件|方案|报告|办法)?(?:提到|提及|涉及|讲到|提出|部署|安排|要求|计划|打算)(?:了|过)?要?"
               r"(?P<topic>[^？?，,。]{2,24}?)[？?]?$"),
    # "…里有关于元宇宙的考评指标吗", "提到量子计算了吗", "有知识产权保护方面的内容吗"
    re.compile(r"有(?P<topic>[^？?，,。]{2,24}?)(?:方面|相关)?的(?:内容|规定|安排|部署|措施|要求|指标|条款|表述)(?:吗|没有)[？?]?$"),
    re.compile(r"有(?:关于|涉及|针对|专门讲)(?P<topic>[^？?，,。]{2,24}?)(?:的[^？?，,。]{0,8})?(?:吗|没有)[？?]?$"),
    re.compile(r"(?:提到|提及|涉及|讲到|说到|写到)(?:了|过)?(?P<topic>[^？?，,。]{2,24}?)(?:了|的内容|的事)?(?:吗|没有)[？?]?$"),
]


def asked_topic(question: str) -> str | None:
    """The topic a presence question asks about ("开平市的规划有没有提到量子计算？" → 量子计算)."""
    text = question.strip()
    for pattern in _TOPIC_PATTERNS:
        match = pattern.search(text)
        if match:
            return re.sub(r"^(关于|涉及|针对|对)", "", match.group("topic")).strip("的“”\"")
    return None


# -------------------------------------------------------------------- choice

# "指标是约束性的还是预期性的？", "是市级还是省级": the answer names one of the alternatives.
# The right one runs from 还是 to 的 or the end; the left one is as long, just before (的)还是.
_CHOICE = re.compile(r"还是([\u4e00-\u9fffA-Za-z0-9]{2,8}?)(?:的|[？?。，,]|$)")
CHOICE_WINDOW = 10  # the alternatives are looked for in this many best candidates


def choice_alternatives(question: str) -> list[str]:
    """The two alternatives of a "A还是B" question (without 的), else []."""
    match = _CHOICE.search(question)
    if match is None:
        return []
    right = match.group(1)
    before = question[:match.start()]
    before = before[:-1] if before.endswith("的") else before
    left = before[-len(right):]
    return [alt for alt in (left, right) if re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]{2,8}", alt)]
