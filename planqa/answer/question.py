"""What a question asks for: its type (quantity, list, how, yes/no, when, entity), the years it
names, whether it wants a target or a baseline figure, and whether it spans several plans.

Pure string rules, no models: cheap enough to run on every question and easy to test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from typing import Iterable

from planqa.retrieve.query import PERIOD_NAMES, QueryInfo, region_aliases

# Strong quantity cues: the answer is a number (with a unit).
_QUANTITY = re.compile(
    r"(多少|(?<!哪)几[家个所项名件套人座批次倍亿万届轮场期]|几$|比重|比例|占比|强度|增速|增长率|覆盖率|"
    r"目标(?:值|人数|数量)|人数|数量|面积|金额|规模|产值|额度|总数|拥有量|申请量|授权量)"
)
# "按什么比例/什么标准": the rule is asked, which may be a figure or a description.
_RULE_ASKED = re.compile(r"(什么|哪种|何种)(样的)?(比例|比重|标准|水平|规模|办法|方式)")
# Weak quantity cues: often a figure, sometimes a description ("总体目标是什么").
_QUANTITY_WEAK = re.compile(r"(目标|达到|增长|指标)")
_LIST = re.compile(r"(有哪些|是哪些|哪些|哪几|哪(?:[两三四五六七八九十]|\d{1,2})(?:个|项|类|条|种|方面|家|所|大|部分)|包括|包含|分别)")
_HOW = re.compile(r"(如何|怎样|怎么|怎|措施|举措|办法|安排|部署|打算|设想|考虑|路径|作用|任务)")
_YESNO = re.compile(r"(能不能|会不会|是不是|是否|有没有|可不可以|可以.{0,12}吗|能否|吗[？?]?$)")
_WHEN = re.compile(r"(什么时候|何时|哪一年|哪年|哪个时间|什么时间|什么日期|哪天)")
_DOCNO = re.compile(r"(文号|发文字号|发文编号)")
_SPAN = re.compile(r"(多久|多长时间|多长期限|频次|频率|几年一次|几个月一次|每隔)")  # how long / how often
_ENTITY = re.compile(r"(哪个|哪家|哪所|哪里|哪儿|什么(?:银行|部门|机构|单位|园区|企业|高校|大学|级别))")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")  # a year written as digits
_TARGET = re.compile(r"(目标|要达到|达到|力争|到20\d\d年|将|计划|规划提出|提出|要求|定了|定的)")
_BASELINE = re.compile(r"(实际|现有|拥有|有多少|是多少家|完成|回顾|期间.{0,8}(?:新增|增加|增长)|从.{0,8}增加到)")
_DIFFERENT = re.compile(r"(不同|区别|差异|变化)")
_PERIOD_WORDS = re.compile("(" + "|".join(PERIOD_NAMES) + ")")
_PLACE_AT_START = re.compile(r"^(?:请问)?([\u4e00-\u9fff]{2,4}?(?:省|市|区|县))")


@dataclass
class QuestionInfo:
    """The answer-relevant facts about one question (``query`` is the retrieval analysis)."""

    text: str
    types: set[str] = field(default_factory=set)
    years: list[int] = field(default_factory=list)
    wants: str | None = None  # "target", "baseline" or None
    cross_plan: bool = False
    regions: set[str] = field(default_factory=set)
    periods: set[str] = field(default_factory=set)
    plan_period: bool = False  # names the plan of a period ("十三五规划"), not just the years
    unit: str | None = None  # the unit a figure question asks in ("多少元" → 元, "几家" → 家)

    @property
    def quantity(self) -> bool:
        return "quantity" in self.types

    @property
    def typed(self) -> bool:
        """The answer has a recognisable form: a figure, a date or a document number."""
        return bool(self.types & {"quantity", "when", "docno"})


def question_types(text: str) -> set[str]:
    """The kinds of answer ``text`` asks for (a question may have several)."""
    types: set[str] = set()
    choice = re.search(r".还是.", text) and not re.search(r"多少|几", text)  # "按参保市还是就医市执行": which rule
    if _QUANTITY.search(text) and not (_RULE_ASKED.search(text) and "多少" not in text) and not choice:
        types.add("quantity")
    elif _QUANTITY_WEAK.search(text) and not _WHEN.search(text) and not re.search(r"(总体|主要|工作|分阶段|具体|发展)目标|什么水平|什么样|哪[几些]个?方面"
                                                         r"|.还是.|哪[几些]|什么[^？?，,。]{0,6}目标|(远景|远期|长远|阶段性?)目标", text) \
            and not _HOW.search(text):
        types.add("quantity")
    if _LIST.search(text):
        types.add("list")
    if _HOW.search(text):
        types.add("how")
    if _YESNO.search(text):
        types.add("yesno")
    if _WHEN.search(text):
        types.add("when")
    if _ENTITY.search(text):
        types.add("entity")
    if _DOCNO.search(text):
        types.add("docno")
    if _SPAN.search(text):
        types.add("span")
    return types or {"what"}


# A year that is part of a document's name ("成都2024年政府工作报告", "2025年版目录"): it names the
# report, not the year the figure is of (a work report reviews the year before its own).
_DOCUMENT_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}年(?:的)?(?:(?:市|省|区|县)?政府工作报告|版)")


def named_years(text: str) -> list[int]:
    """Four-digit years the question names, in order ("到2025年" → [2025]), less those that name
    a document ("成都2024年政府工作报告回顾说成功举办了什么": no year of its own)."""
    naming = {m.start() for m in _DOCUMENT_YEAR.finditer(text)}
    return [int(m.group(1)) for m in YEAR.finditer(text) if m.start() not in naming]


def wanted_figure(text: str, years: list[int]) -> str | None:
    """"target" (a plan's goal), "baseline" (an achieved figure) or None when unclear."""
    if _BASELINE.search(text) and not re.search(r"目标", text):
        return "baseline"
    if _TARGET.search(text):
        return "target"
    if years and max(years) <= 2020:
        return "baseline"
    return None


def analyze_question(text: str, query: QueryInfo) -> QuestionInfo:
    """Combine the retrieval analysis (regions, periods) with the answer-type rules."""
    text = text.strip()
    years = named_years(text)
    periods = set(query.periods)
    cross = query.cross_plan or len(periods) > 1 or (bool(_DIFFERENT.search(text)) and len(query.regions | periods) > 1)
    plan_period = bool(re.search(r"(十二五|十三五|十四五|十五五)[”」]?(?:科技|科技创新)?(?:规划|时期|时|对|定|要求|提出)", text))
    return QuestionInfo(text, question_types(text), years, wanted_figure(text, years), cross,
                        set(query.regions), periods, plan_period, asked_unit(text))


# The unit of "多少元/几家/多少万人": a figure in another unit (1个月, 50%) does not answer it.
# Magnitudes (万/亿) are left out: "多少万元" is answered by "1.2亿元".
_ASKED_UNIT = re.compile(r"(?:多少|(?<!哪)几)(?:万|亿|千|百)?(元|家|名|人次|人|件|项|所|套|座|亩|倍|台|篇|吨|"
                         r"公里|千米|平方米|岁|户|辆|张|个|分|部|位|届|轮|场|期|次|批)(?![之钟])")


def asked_unit(text: str) -> str | None:
    """The unit a figure question names ("申请家庭收入线是多少元" → 元); None when it names none."""
    match = _ASKED_UNIT.search(text)
    return match.group(1) if match else None


def period_names(text: str) -> set[str]:
    """The five-year periods a passage names (十三五 …)."""
    return set(_PERIOD_WORDS.findall(text))


def known_places(regions: Iterable[str]) -> set[str]:
    """Every name of the regions and of the places they lie in (茂名市茂南区 → 茂名市, 茂名, 茂南区, 茂南 …)."""
    names: set[str] = set()
    for region in regions:
        names |= region_aliases(region)
        for part in re.findall(r"[\u4e00-\u9fff]+?(?:省|市|区|县)", region):
            names |= region_aliases(part)
    return names


def foreign_place(text: str, known: set[str]) -> str | None:
    """The place a question about a plan (规划/方案) starts with, when it is none of ``known``
    ("鹤山市科技创新规划的重点任务有哪些？" → 鹤山市); else None."""
    match = _PLACE_AT_START.match(text.strip())
    if not match or not re.search(r"(规划|方案)", text):
        return None
    place = match.group(1)
    stem = re.sub(r"(省|市|区|县)$", "", place)
    return None if place in known or stem in known else place
