"""Query analysis: question words stripped for keyword search, region and period detected.

A question that names 开平 or 十三五 should prefer the plans of that region or period; the
aliases come from the index's own document metadata, so new regions need no code.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from planqa.records import Document

log = logging.getLogger(__name__)

PERIOD_NAMES = ("十二五", "十三五", "十四五", "十五五")
# Question phrasing that carries no content; removed from the keyword (BM25) query only.
QUESTION_PHRASES = re.compile(
    r"(是多少|有多少|为多少|多少家|多少个|多少项|多少人|多少|有哪些|是哪些|哪些|是什么|什么|如何|怎样|怎么|"
    r"为什么|是否|有没有|能否|吗|呢|请问|请列出|介绍一下|具体|分别)"
)
# Words that name a document rather than what is asked about ("台山十四五规划的保障措施").
DOC_WORDS = re.compile(r"(科技创新发展规划|科技创新规划|实施方案|规划|方案)")
QUOTED_PHRASE = re.compile(r"[“\"「][^”\"」]{8,}[”\"」]")
CROSS_PLAN = re.compile(r"(各地|各个?(?:城市|地区|区县|县市|规划)|哪些(?:规划|城市|地区|地方)|对比|比较|分别|异同|共同)")


# Abbreviations of the policy vocabulary that plans write out in full (domain words, not the
# words of any one plan): a question's "高企" is the text's "高新技术企业".
ABBREVIATIONS = {"高企": "高新技术企业", "规上": "规模以上", "双创": "创新创业", "研发强度": "研发经费投入强度",
                 "专精特新企业": "专精特新", "孵化载体": "孵化器", "新研机构": "新型研发机构",
                 "公租房": "公共租赁住房", "门特": "门诊特定病种", "长护险": "长期护理保险", "积分入户": "积分制入户"}
_ABBREVIATION_RE = re.compile("|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)))


def expand_abbreviations(text: str) -> str:
    """"高企" → "高新技术企业": the form the documents write (kept once, so that the word does not
    count twice when a question is matched against a passage)."""
    return _ABBREVIATION_RE.sub(lambda m: ABBREVIATIONS[m.group(0)], text)


_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_converter_lock = threading.Lock()
_converter: Callable[[str], str] | None = None
_converter_missing = False


def _is_traditional_only(ch: str) -> bool:
    """A CJK character outside GB2312 (the simplified set): traditional or rare."""
    try:
        ch.encode("gb2312")
        return False
    except UnicodeEncodeError:
        return True


def _load_converter() -> Callable[[str], str] | None:
    """OpenCC's traditional→simplified converter, imported on first use; None if not installed.

    Works with ``opencc-python-reimplemented`` (pinned in requirements.txt) and with the
    ``opencc`` bindings; both install a module named ``opencc``.
    """
    global _converter, _converter_missing
    with _converter_lock:
        if _converter is None and not _converter_missing:
            try:
                from opencc import OpenCC
            except ImportError:
                _converter_missing = True
                log.warning("opencc-python-reimplemented is not installed: traditional characters in "
                            "queries are not converted (pip install opencc-python-reimplemented)")
                return None
            instance: Any = None
            for config in ("t2s", "t2s.json"):
                try:
                    instance = OpenCC(config)
                    break
                except Exception:  # the other package names its configs differently
                    continue
            if instance is None:
                _converter_missing = True
                log.warning("opencc is installed but has no t2s conversion; traditional queries are not converted")
                return None
            _converter = instance.convert
        return _converter


def to_simplified(text: str) -> str:
    """``text`` with traditional characters converted to simplified (OpenCC t2s), so a query in
    繁體 finds the 简体 text of the plans. Text of simplified characters only is returned as is
    (OpenCC is not even loaded), so the common case costs one scan."""
    if not any(_is_traditional_only(ch) for ch in _CJK_RE.findall(text)):
        return text
    convert = _load_converter()
    if convert is None:
        return text
    converted = convert(text)
    if converted != text:
        log.info("query converted to simplified characters: %r → %r", text, converted)
    return converted


def names_plan_period(text: str, period: str, aliases: Iterable[str]) -> bool:
    """Whether ``period`` names a plan ("台山十三五…", "十四五规划") rather than a time in which
    something happened ("“十三五”期间开平高新技术企业增加了…", answered by the 十四五 plan's review)."""
    quoted = rf"[“\"]?{period}[”\"]?"
    if re.search(quoted + r"(两份|两个|的)?(科技创新|科技)?(发展)?(规划|方案)", text):
        return True
    if re.search(quoted + r"的[^，。？?]{0,12}(目标|任务|部署|安排|重点|指标)", text):
        return True  # "开平、台山两地十四五的孵化器目标": what the plan of the period sets
    return any(re.search(re.escape(alias) + r"(市|区|县)?" + quoted, text) for alias in aliases)


def region_aliases(region: str) -> set[str]:
    """Names a user may use for a region: 茂名市茂南区 → {茂名市茂南区, 茂南区, 茂南}."""
    aliases = {region}
    parts = re.findall(r"[\u4e00-\u9fff]+?(?:省|市|区|县)", region)
    last = parts[-1] if parts else region
    aliases.add(last)
    stem = re.sub(r"(省|市|区|县)$", "", last)
    if len(stem) >= 2:
        aliases.add(stem)
    return aliases


@dataclass
class QueryInfo:
    """What a query asks for besides its words."""

    text: str
    keywords: str  # for BM25: content words, question phrasing removed
    content: str = ""  # the query without the words that only name the document (region, 规划)
    regions: set[str] = field(default_factory=set)
    periods: set[str] = field(default_factory=set)
    cross_plan: bool = False
    mentions: set[str] = field(default_factory=set)  # the region names as the query wrote them

    def matches(self, document: Document, passage: str = "") -> bool:
        """Whether a passage fits every region/period the query names: its document is of that
        region, or (a city's plan speaking of its counties) the passage names the region itself."""
        if self.regions and document.region not in self.regions:
            if self.periods or not any(m in passage for m in self.mentions):
                return False
        if self.periods and document.period not in self.periods:
            return False
        return bool(self.regions or self.periods)


class RegionTable:
    """Every alias of every region of a document set (anything with a ``region``: documents or
    their metadata), built once (a million-chunk index has tens
    of thousands of documents; rebuilding this per query cost half a second)."""

    def __init__(self, documents: Iterable[Any]):
        self.alias_to_region: dict[str, str] = {}
        for region in sorted({d.region for d in documents if d.region}):
            for alias in region_aliases(region):
                self.alias_to_region.setdefault(alias, region)
        self.longest = max(map(len, self.alias_to_region), default=0)

    def found_in(self, text: str) -> list[str]:
        """Aliases occurring in ``text``, longest first (looked up from the text's substrings, so
        the cost does not grow with the number of regions)."""
        found = {text[i:j] for i in range(len(text))
                 for j in range(i + 2, min(len(text), i + self.longest) + 1) if text[i:j] in self.alias_to_region}
        return sorted(found, key=lambda alias: (-len(alias), alias))


def analyze_query(query: str, documents: Iterable[Document] | RegionTable) -> QueryInfo:
    """Detect regions and periods named in ``query`` among those of ``documents`` (or of a
    ``RegionTable`` built from them once); traditional characters are read as simplified first."""
    text = to_simplified(query.strip())
    table = documents if isinstance(documents, RegionTable) else RegionTable(documents)
    regions: set[str] = set()
    # longest aliases first so 茂名市茂南区 wins over 茂名市; a place inside a quoted phrase
    # ("“…示范中心（江门）开平分中心”属于哪项任务") is part of what is quoted, not a plan named
    masked = QUOTED_PHRASE.sub(lambda m: " " * len(m.group(0)), text)
    quoted = [(m.start(), m.end()) for m in QUOTED_PHRASE.finditer(text)]
    mentions: set[str] = set()
    present = table.found_in(masked)
    for alias in present:
        if alias in masked:
            regions.add(table.alias_to_region[alias])
            mentions.add(alias)
            masked = masked.replace(alias, " " * len(alias))
    # the query without the regions named (quoted phrases kept whole)
    remaining = "".join(text[i] if masked[i] != " " or text[i] == " " or any(a <= i < b for a, b in quoted) else " "
                        for i in range(len(text)))
    periods = {name for name in PERIOD_NAMES if names_plan_period(text, name, present)}
    for name in PERIOD_NAMES:  # "台山十三五和十四五两份规划": a period joined to one that names a plan
        if name not in periods and any(re.search(rf"{a}[”\"]?(和|与|、|及|以及|跟)[“\"]?{name}|{name}[”\"]?(和|与|、|及|以及|跟)[“\"]?{a}",
                                                 text) for a in periods):
            periods.add(name)
    content = DOC_WORDS.sub(" ", remaining)
    content = re.sub(r"\s+", " ", content).strip(" ，,的") or text
    keywords = QUESTION_PHRASES.sub(" ", content)
    keywords = re.sub(r"[？?！!。，,；;：:\s]+", " ", keywords).strip() or content
    return QueryInfo(text, keywords, content, regions, periods,
                     bool(CROSS_PLAN.search(text)) or len(regions) > 1, mentions)
