"""Scoring answer candidates against a question.

Features of a candidate (each roughly in [0, 1]):

- ``lex``: IDF-weighted share of the question's content words (index tokenizer, compounds
  grouped with their parts) found in the candidate text; words found only in its section
  headings or table caption count half;
- ``dense``: cosine of the question and candidate vectors (same embedder as the index), and
  ``chunk``: cosine of the question and the candidate's retrieved chunk;
- ``retrieval``: fused search score of the candidate's chunk relative to the best hit;
- ``type``: fit to the question type: a number with a unit and the right year for quantity
  questions (2025 target vs 2020 baseline vs 2015), enumerations for list questions, a
  section's leading sentences for how/measures questions, dates for when questions, names of
  organisations for which-questions;
- ``meta``: the candidate's plan is of the region and period the question names (a passage
  of another plan that itself names the period, such as a 十四五 review of 十三五, counts
  in part);
- ``year_miss``: the question names a year the candidate does not mention.

``score`` is their weighted sum (weights in ``Weights``, set by hand and checked on
eval/gold.jsonl). For abstaining, ``eligible`` keeps the candidates that can answer at all (the
named plan and year, a figure/date/document number when one is asked for) and ``confidence``
rates them by words and meaning only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from planqa.answer.candidates import Candidate
from planqa.answer.question import YEAR, QuestionInfo, period_names
from planqa.records import Document
from planqa.retrieve.query import ABBREVIATIONS, PERIOD_NAMES, region_aliases
from planqa.tokenize import normalize_width

UNIT = (r"(?:%|％|‰|个百分点|万平方米|平方米|亿元|万元|千元|元|家|个|名|人次|人|件|项|所|套|座|亩|倍|次|台|"
        r"条|批|篇|支|类|只|吨|微克/立方米|毫克/升|立方米|千瓦时|千克|公斤|克|公里|千米|米|周岁|岁|个月|小时|分钟|"
        r"分(?!之)|种|户|张|份|辆|公顷|千瓦|床|部|位)")
# (not 年 or 日: a year or a date is no quantity)
NUMBER_WITH_UNIT = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿|千|百)?" + UNIT)  # "1万个", "3.5亿元"
_TARGET_CUE = re.compile(r"(目标|达到|力争|到20\d\d年|至20\d\d年|20\d\d年前|突破|提升至|提高到|以上|确保|新增|累计)")
_BASELINE_CUE = re.compile(r"(由20\d\d年|从20\d\d年|增长至|提高至|增加到|增长到|拥有|现有|实现|已|共|达(?!到))")
_PLAN_CUE = re.compile(r"((?:^|[，。；：,;:])(?:到|至)20\d\d年|力争|目标)")  # "提高至2020年的…" is no plan
_REVIEW = re.compile(r"(基础|现状|回顾|成就|成效|形势)")
_ENUM = re.compile(r"(、|一是|二是|三是|（\d+）|\(\d+\)|①|②|[一二三四五六七八九十]+是)")
_LIST_CUE = re.compile(r"(分别为|分别是|包括|主要有|即|如下)")
_DATE = re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}月)?|(?<!\d)\d{1,2}月(?:底|末|前|初|中旬|上旬|下旬|\d{1,2}日)")
_ORG = re.compile(r"(大学|学院|银行|园区|实验室|研究院|研究所|公司|集团|局|委员会|中心|基地|协会|联合会|高新区|产业园|工业园|医院)")
_DOCNO = re.compile(r"〔(?:19|20)\d{2}〕\d+号")
_SPAN = re.compile(r"(每(?:[一二两三四五六\d]+)?(?:年|半年|季度|季|个?月|周|天|日)|定期|"
                   r"(?:(?<!\d)\d{1,3}|[一二两三四五六七八九十百]+)(?:个)?(?:年|月|季度|工作日|日|天|小时|周)(?:内|以内|一次|为限)?)")
PLANNED_FIT = 0.3  # type fit of a planned figure when the question asks what was reached ("实际")
FIGURE_WORDS = {"数量", "目标", "指标", "数目", "目标值", "实际", "达到", "实际值", "完成"}
_GENERIC = {"规划", "方案", "提出", "要求", "工程", "科技", "创新", "科技创新", "文件", "提到", "各地", "目前"}
# How people ask, not what they ask about (the tokenizer's stopwords miss these).
_ASKING = re.compile(r"^(?:哪?几[家个所项名件套人座批次]?|哪[个家种所]|哪一?年|一年|时候|什么样|打算|准备|想|不能|能不能|会不会|"
                     r"有没有|看不看|可以|设定|记载|回顾|共有|目标值|人数|总数|分别|定了?|要|按|期间|时期|最近|最新|当前|现在|"
                     r"截至|截止|截止到|为止|年底|年末|底|组成|构成|大项|几大项|大类|几类|几大类|来讲|来说|讲了|分析|"
                     r"[两三四五六几这那该每各]份|两个|三个|几个|[两三四各]地|[两三]市|[两三]区|对比|比较|相比|区别|不同|差异|异同)$")


@dataclass(frozen=True)
class Weights:
    """Weights of the features in a candidate's score."""

    lex: float = 1.0
    dense: float = 2.0
    chunk: float = 0.5
    retrieval: float = 0.3
    type: float = 0.35
    meta: float = 0.4
    year_miss: float = 0.5
    dense_floor: float = 0.78  # cosine at which the dense feature starts counting
    conf_dense: float = 3.0  # weight of the dense similarity in the confidence
    conf_floor: float = 0.8


@dataclass
class Scored:
    """A candidate with its features and score for one question."""

    candidate: Candidate
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    hit_rank: int = 0  # rank of the chunk it came from (0: not from a hit)


def normalize(text: str) -> str:
    """Text as words are matched: ASCII width, lower case."""
    return normalize_width(text).lower()


class IdfTable:
    """Inverse document frequency of words (substrings) over the candidate texts of the index."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self._cache: dict[str, float] = {}

    def idf(self, word: str) -> float:
        value = self._cache.get(word)
        if value is None:
            df = sum(1 for text in self.texts if word in text)
            value = self._cache[word] = math.log((len(self.texts) + 1) / (df + 0.5))
        return value


def candidate_years(candidate: Candidate) -> set[int]:
    """Years a candidate states: in its text, or the year columns of its table row."""
    years = {int(y) for y in YEAR.findall(candidate.quote)}
    # a heading's year holds for its section ("2024年重点任务" of a 政府工作报告)
    years |= {int(y) for heading in candidate.section_path for y in YEAR.findall(heading)}
    if candidate.indicator is not None:
        years |= {int(m.group(1)) for h in candidate.indicator.values if (m := YEAR.search(h))}
    elif candidate.table is not None:
        years |= {int(m.group(1)) for h in candidate.table.header if (m := YEAR.search(h))}
    return years


Concept = tuple[str, tuple[str, ...]]  # a word and its parts (search-mode sub-words)


def question_concepts(question: QuestionInfo, tokens: list[str]) -> list[Concept]:
    """Content words of the question with their parts; no years, asking words, period or region
    names (those are matched against the plan's metadata instead).

    The tokenizer emits a compound and then its parts ("高新技术企业", "高新技术", "企业" …);
    grouping them keeps a compound from counting three times. Runs of single characters the
    segmenter could not place ("邑", "科", "贷") are joined back when the question has them
    together ("邑科贷"); other single characters are dropped.
    """
    text = normalize(question.text)
    groups: list[list] = []  # [word, parts, is a run of single characters]
    for token in tokens:
        last = groups[-1] if groups else None
        if token.startswith("年") and re.search(r"\d" + re.escape(token), text):
            token = token[1:]  # "2025年产值" is cut as "2025", "年产值"
            if len(token) < 2:
                groups.append(["", [], False])
                continue
        if last and not last[2] and token != last[0] and token in last[0]:
            last[1].append(token)
        elif len(token) == 1 and last and last[2] and last[0] + token in text:
            last[0] += token
        else:
            groups.append([token, [], len(token) == 1])
    drop = set(_GENERIC) | set(PERIOD_NAMES) | {"十二", "十三", "十四", "十五"}
    if question.quantity:  # in a figure question these say that a figure is asked, not which
        drop |= FIGURE_WORDS
    aliases = {a for region in question.regions for a in region_aliases(region)}

    def keep(t: str) -> bool:
        return (len(t) > 1 and t not in drop and not YEAR.fullmatch(t) and not _ASKING.match(t)
                and not any(t in alias for alias in aliases))

    out: dict[str, tuple[str, ...]] = {}
    for head, parts, _ in groups:
        if keep(head) and head not in out:
            out[head] = tuple(p for p in dict.fromkeys(parts) if keep(p) and p != head)
    return list(out.items())


# Words 公文 write in several ways for one thing: a question's word counts as found when any of
# its equivalents is (matched on normalized text, so lower case).
EQUIVALENTS: dict[str, tuple[str, ...]] = {}
for _group in (("r&d", "研发", "研究与开发", "研究和试验发展", "研究与试验发展"),
               ("gdp", "地区生产总值", "生产总值"),
               # an 投入强度 is a share of GDP ("R&D经费投入强度" = "R&D经费占GDP的比重")
               ("强度", "占gdp比重", "占gdp的比重", "占地区生产总值比重", "占地区生产总值的比重", "占生产总值的比重",
                "占地区生产总值(gdp)的比重", "占地区生产总值(gdp)比重", "占国内生产总值的比重"),
               ("规划期", "规划期限"), ("实施期", "实施期限"),
               ("pm2.5", "细颗粒物"), ("上市公司", "上市企业"), ("老旧小区", "老旧住宅", "老楼"),
               ("医保", "医疗保险", "医疗保障"), ("一共", "共有", "总共", "合计", "总数"),
               ("远景目标", "远期目标", "长远目标", "远景", "远期")):
    for _word in _group:
        EQUIVALENTS[_word] = tuple(w for w in _group if w != _word)
for _short, _long in ABBREVIATIONS.items():  # a question's 高企 is expanded; a plan may write either
    EQUIVALENTS.setdefault(_long.lower(), ())
    EQUIVALENTS[_long.lower()] += (_short.lower(),)
    EQUIVALENTS.setdefault(_short.lower(), ())
    EQUIVALENTS[_short.lower()] += (_long.lower(),)


SPLIT_CREDIT = 0.8  # a compound whose parts are all found, but not together


def found_in(word: str, text: str) -> bool:
    """``word`` or one of its ``EQUIVALENTS`` occurs in ``text``."""
    return word in text or any(w in text for w in EQUIVALENTS.get(word, ()))


def lexical(concepts: list[Concept], own: str, context: str, idf: IdfTable) -> float:
    """IDF-weighted share of the question's words found in the candidate text: a word counts
    fully, or by the share of its characters its longest found part covers; words found only in
    the context (section headings, table caption) count half."""
    total = got = 0.0
    for head, parts in concepts:
        weight = idf.idf(head)
        total += weight
        credit = 1.0 if found_in(head, own) else 0.5 if found_in(head, context) else 0.0
        for part in parts:
            share = len(part) / len(head)
            credit = max(credit, share if found_in(part, own) else share / 2 if found_in(part, context) else 0.0)
        if credit < SPLIT_CREDIT:
            # the compound's smallest parts all there, apart ("研发投入强度" in "研发经费（R&D）投入强度")
            atoms = [p for p in parts if not any(q != p and q in p for q in parts)]
            if len(atoms) >= 2 and sum(map(len, atoms)) >= len(head) - 1 and all(found_in(p, own) for p in atoms):
                credit = SPLIT_CREDIT
        got += weight * credit
    return got / total if total > 0 else 0.0


def type_fit(candidate: Candidate, question: QuestionInfo, document: Document | None = None) -> dict[str, float]:
    """Fit to the question type: ``type`` in [0, 1.3] and the flags it is made of.

    A named year is matched by the candidate's own years, or — for the year before the plan
    period — by any sentence of the plan's review of where things stand (基础/现状 …)."""
    text = candidate.quote
    flags: dict[str, float] = {"numeric": 0.0, "year_miss": 0.0}
    fits: list[float] = []
    if question.quantity:
        numeric = 1.0 if (candidate.indicator is not None or NUMBER_WITH_UNIT.search(text)
                          or question.unit in COUNTED_IN_WORDS and states_unit(candidate, question.unit)) else 0.0
        if candidate.kind == "row" and candidate.indicator is None:
            numeric = 0.6
        if numeric and question.unit and not states_unit(candidate, question.unit):
            numeric = 0.0  # "多少元" is not answered by "1个月内"
        cue = _TARGET_CUE if question.wants == "target" else _BASELINE_CUE if question.wants == "baseline" else None
        fit = numeric + (0.3 if numeric and cue and (candidate.indicator is not None or cue.search(text)) else 0.0)
        if question.wants == "baseline" and candidate.indicator is None and _PLAN_CUE.search(text):
            fit = numeric * PLANNED_FIT  # "到2020年…达到2.5%" is what was planned, not what was reached
        indicator = candidate.indicator
        if question.wants == "baseline" and indicator is not None and indicator.target_year in question.years \
                and indicator.baseline_year not in question.years:
            fit = numeric * PLANNED_FIT  # "2020年实际": a row's 2020 column is that plan's target, not what was reached
        flags["numeric"] = numeric
        fits.append(fit)
    base_year = document.years[0] - 1 if document is not None and document.years else None
    if question.years:
        in_review = base_year in question.years and any(_REVIEW.search(p) for p in candidate.section_path)
        if set(question.years) & candidate_years(candidate) or in_review:
            fits.append(1.0)
        else:
            flags["year_miss"] = 1.0
        if question.wants and document is not None and document.years and question.quantity:
            start, end = document.years  # a year inside the period is a target, before it a baseline
            role = [start <= y <= end if question.wants == "target" else y < start for y in question.years]
            fits.append(1.0 if any(role) else 0.3)
    elif question.quantity and question.wants == "target" and document is not None and document.years:
        end_year = document.years[1]  # "目标" without a year: the plan's end-of-period target
        row_target = candidate.indicator is not None and candidate.indicator.target_year == end_year
        fits.append(1.0 if row_target or (candidate.indicator is None and end_year in candidate_years(candidate)) else 0.5)
    if "list" in question.types:
        listing = 0.2 if _LIST_CUE.search(text) else 0.0  # "分别为…", "包括…"
        fits.append(0.8 * min(len(_ENUM.findall(text)) / 3.0, 1.0) + listing)
    if "how" in question.types:
        fits.append(1.0 if candidate.position == 0 else 0.6 if candidate.position <= 2 else 0.2)
    if "when" in question.types:
        fits.append(1.0 if _DATE.search(text) else 0.0)
    if "span" in question.types:
        fits.append(1.0 if _SPAN.search(text) else 0.0)
    if "entity" in question.types:
        fits.append(1.0 if _ORG.search(text) else 0.0)
    flags["date"] = 1.0 if _DATE.search(text) else 0.0
    flags["docno"] = 1.0 if _DOCNO.search(text) else 0.0
    flags["type"] = sum(fits) / len(fits) if fits else 0.0
    return flags


_NUMERAL = r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千两]+)"


# Units whose counts a plan writes in words as often as in digits ("举办三届", "开展两轮").
COUNTED_IN_WORDS = {"届", "轮", "场", "期", "次", "批"}
# Measure words that count the same things: people in 名, 人 or 位; machines in 台 or 部.
SAME_MEASURE = {unit: (unit, *(u for u in group if u != unit)) for group in (("名", "人", "位"), ("台", "部")) for unit in group}


def states_unit(candidate: Candidate, unit: str) -> bool:
    """The candidate gives a figure in ``unit`` (any magnitude: 万元 and 亿元 are in 元; 个 also
    counts a figure with another measure word, 分 a score)."""
    indicator = candidate.indicator
    if indicator is not None and indicator.unit:
        return unit in indicator.unit or unit == "个"
    if unit == "个":  # a count, in whatever measure word the text uses (12家, 5所), not a share
        return bool(re.search(_NUMERAL + r"\s*(?:万|亿)?(?:个|家|名|人|件|项|所|套|座|台|条|批|篇|支|类|只|处|户|张)", candidate.quote))
    # 年满30周岁 answers 满多少岁; people are counted in 名, 人 or 位; machines in 台 or 部
    measure = "周?岁" if unit == "岁" else "(?:" + "|".join(map(re.escape, SAME_MEASURE.get(unit, (unit,)))) + ")"
    return bool(re.search(_NUMERAL + r"\s*(?:万|亿|千|百)?" + measure, candidate.quote))


def metadata_fit(candidate: Candidate, document: Document, question: QuestionInfo) -> float:
    """1 when the candidate's plan fits the named region and period; part credit for mentions."""
    if not (question.regions or question.periods):
        return 0.0
    fit = 1.0
    if question.regions and document.region not in question.regions:
        aliases = {a for r in question.regions for a in region_aliases(r)}
        fit *= 0.5 if any(a in candidate.quote for a in aliases) else 0.0
    if question.periods and document.period not in question.periods:
        named = period_names(candidate.quote) & question.periods
        fit *= (0.3 if question.plan_period else 0.8) if named else 0.0
    return fit


def plan_fit(candidate: Candidate, document: Document, question: QuestionInfo) -> float:
    """1.0 when the candidate's plan may answer: the named region and period, or for a question
    across plans any of the named regions (else any of the named periods)."""
    if not question.cross_plan:
        return 1.0 if not (question.regions or question.periods) or metadata_fit(candidate, document, question) > 0 else 0.0
    if question.regions:
        aliases = {a for r in question.regions for a in region_aliases(r)}
        return 1.0 if document.region in question.regions or any(a in candidate.quote for a in aliases) else 0.0
    if question.periods:
        return 1.0 if document.period in question.periods or period_names(candidate.quote) & question.periods else 0.0
    return 1.0


def eligible(features: dict[str, float], question: QuestionInfo) -> bool:
    """Whether a candidate can be the answer at all: the named plan, the named year, and the
    answer's form (a figure, a date, a document number)."""
    if not features.get("plan", 1.0):
        return False
    if question.years and features.get("year_miss"):
        return False
    if question.quantity and not features.get("numeric"):
        return False
    if "when" in question.types and not features.get("date"):
        return False
    return not ("docno" in question.types and not features.get("docno"))


def confidence(features: dict[str, float], weights: Weights) -> float:
    """How well a candidate matches the question, for abstaining: words and meaning only."""
    return features.get("lex", 0.0) + weights.conf_dense * max(0.0, features.get("dense", 0.0) - weights.conf_floor)


def combine(features: dict[str, float], weights: Weights) -> float:
    """The weighted score of one candidate."""
    dense = max(0.0, features.get("dense", 0.0) - weights.dense_floor)
    chunk = max(0.0, features.get("chunk", 0.0) - weights.dense_floor)
    return (weights.lex * features.get("lex", 0.0) + weights.dense * dense + weights.chunk * chunk
            + weights.retrieval * features.get("retrieval", 0.0) + weights.type * features.get("type", 0.0)
            + weights.meta * features.get("meta", 0.0) - weights.year_miss * features.get("year_miss", 0.0))
