"""Scoring answer candidates against a question.

Features of a candidate (each roughly in [0, 1]):

- ``lex``: IDF-weighted share of the question's content tokens (index tokenizer) found in the
  candidate; tokens found only in its section headings or table caption count half;
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

``score`` is their weighted sum (weights in ``Weights``, tuned on eval/gold.jsonl).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from planqa.answer.candidates import Candidate
from planqa.answer.question import QuestionInfo, period_names
from planqa.records import Document
from planqa.retrieve.query import PERIOD_NAMES, region_aliases

UNIT = (r"(?:%|％|‰|个百分点|万平方米|平方米|亿元|万元|千元|元|家|个|名|人次|人|件|项|所|套|座|亩|倍|次|台|"
        r"条|批|篇|支|类|只|吨|公里|千米|米|年)")
NUMBER_WITH_UNIT = re.compile(r"\d+(?:\.\d+)?\s*" + UNIT)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_TARGET_CUE = re.compile(r"(目标|达到|力争|到20\d\d年|至20\d\d年|20\d\d年前|突破|提升至|提高到|以上|确保|新增|累计)")
_BASELINE_CUE = re.compile(r"(由20\d\d年|从20\d\d年|增长至|提高至|增加到|增长到|拥有|现有|实现|已|共|达)")
_ENUM = re.compile(r"(、|一是|二是|三是|（\d+）|\(\d+\)|①|②|[一二三四五六七八九十]+是)")
_DATE = re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}月)?")
_ORG = re.compile(r"(大学|学院|银行|园区|实验室|研究院|研究所|公司|集团|局|委员会|中心|基地|协会|联合会|高新区|产业园|工业园|医院)")
_GENERIC = {"规划", "方案", "提出", "要求", "工程", "科技", "创新", "科技创新", "市", "区", "县"}


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


@dataclass
class Scored:
    """A candidate with its features and score for one question."""

    candidate: Candidate
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    hit_rank: int = 0  # rank of the chunk it came from (0: not from a hit)


class IdfTable:
    """Inverse document frequencies of tokens over a set of candidate token sets."""

    def __init__(self, token_sets: list[set[str]]):
        self.n = len(token_sets)
        self.df: dict[str, int] = {}
        for tokens in token_sets:
            for token in tokens:
                self.df[token] = self.df.get(token, 0) + 1

    def idf(self, token: str) -> float:
        return math.log((self.n + 1) / (self.df.get(token, 0) + 0.5))


def candidate_years(candidate: Candidate) -> set[int]:
    """Years a candidate states: in its text, or the year columns of its table row."""
    years = {int(y) for y in _YEAR.findall(candidate.quote)}
    if candidate.indicator is not None:
        years |= {int(m.group(1)) for h in candidate.indicator.values if (m := _YEAR.search(h))}
    elif candidate.table is not None:
        years |= {int(m.group(1)) for h in candidate.table.header if (m := _YEAR.search(h))}
    return years


def question_tokens(tokens: list[str], question: QuestionInfo) -> list[str]:
    """Content tokens of the question: no years, period names, region names or generic words."""
    drop = set(_GENERIC) | set(PERIOD_NAMES) | {"十二", "十三", "十四", "十五"}
    for region in question.regions:
        drop |= region_aliases(region)
    return [t for t in dict.fromkeys(tokens) if t not in drop and not _YEAR.fullmatch(t) and t != "年"]


def lexical(q_tokens: list[str], tokens: set[str], context: set[str], idf: IdfTable) -> float:
    """IDF-weighted recall of the question tokens; context-only matches count half."""
    total = sum(idf.idf(t) for t in q_tokens)
    if total <= 0:
        return 0.0
    got = sum(idf.idf(t) * (1.0 if t in tokens else 0.5 if t in context else 0.0) for t in q_tokens)
    return got / total


def type_fit(candidate: Candidate, question: QuestionInfo) -> dict[str, float]:
    """Fit to the question type: ``type`` in [0, 1.3] and the flags it is made of."""
    text = candidate.quote
    flags: dict[str, float] = {"numeric": 0.0, "year_miss": 0.0}
    fits: list[float] = []
    if question.quantity:
        numeric = 1.0 if (candidate.indicator is not None or NUMBER_WITH_UNIT.search(text)) else 0.0
        if candidate.kind == "row" and candidate.indicator is None:
            numeric = 0.6
        cue = _TARGET_CUE if question.wants == "target" else _BASELINE_CUE if question.wants == "baseline" else None
        fit = numeric + (0.3 if numeric and cue and (candidate.indicator is not None or cue.search(text)) else 0.0)
        flags["numeric"] = numeric
        fits.append(fit)
    if question.years:
        if set(question.years) & candidate_years(candidate):
            fits.append(1.0)
        else:
            flags["year_miss"] = 1.0
    if "list" in question.types:
        fits.append(min(len(_ENUM.findall(text)) / 3.0, 1.0))
    if "how" in question.types:
        fits.append(1.0 if candidate.position == 0 else 0.6 if candidate.position <= 2 else 0.2)
    if "when" in question.types:
        fits.append(1.0 if _DATE.search(text) else 0.0)
    if "entity" in question.types:
        fits.append(1.0 if _ORG.search(text) else 0.0)
    flags["type"] = sum(fits) / len(fits) if fits else 0.0
    return flags


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


def combine(features: dict[str, float], weights: Weights) -> float:
    """The weighted score of one candidate."""
    dense = max(0.0, features.get("dense", 0.0) - weights.dense_floor)
    chunk = max(0.0, features.get("chunk", 0.0) - weights.dense_floor)
    return (weights.lex * features.get("lex", 0.0) + weights.dense * dense + weights.chunk * chunk
            + weights.retrieval * features.get("retrieval", 0.0) + weights.type * features.get("type", 0.0)
            + weights.meta * features.get("meta", 0.0) - weights.year_miss * features.get("year_miss", 0.0))
