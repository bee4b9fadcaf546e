"""Which documents a question names, by any of their words: region, period, title keywords,
issuer (and its usual abbreviation), level.

"能源领域科技创新规划提出了哪些任务" names the energy plan although no region is named;
"工信部的政务数据共享办法" names a plan by its issuer. Every naming word comes from the
documents' own metadata (title, issuer, level, period), so a newly added document can be named
the same way; nothing here lists known plans. A word that names many documents (规划, 发展,
工作) names none of them: words are weighted by how few documents they name.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from planqa.retrieve.query import PERIOD_NAMES, region_aliases

# Words of 公文 titles that say what kind of document it is, not which one.
FORM_WORDS = {
    "关于", "印发", "通知", "转发", "重新", "发布", "规划", "方案", "实施方案", "工作方案", "计划", "行动计划",
    "意见", "实施意见", "指导意见", "办法", "管理办法", "细则", "实施细则", "规定", "决定", "报告", "工作报告",
    "政府工作报告", "纲要", "措施", "若干措施", "试行", "暂行", "征求意见稿", "印发稿", "送审稿", "草案",
    "人民政府", "政府", "办公厅", "办公室", "十四五", "十三五", "十五五", "十二五", "年度", "通用要求",
}
# Level words a question may use for a document of that level.
LEVEL_WORDS = {"国家": ("国家", "全国", "国家级", "中央"), "省": ("省级", "全省"), "直辖市": ("市级",)}
DOC_NUMBER_WEIGHT = 10.0  # far above any word's weight (log of the document count)
MAX_SHARE = 0.34  # a word in more than this share of the documents names none of them
MIN_WORD = 2


def issuer_names(issuer: str) -> set[str]:
    """An issuer as a question may name it: each issuer of a joint one, without its region
    prefix, and the 和-abbreviation (工业和信息化部 → 工信部, 发展和改革委员会 → 发改委)."""
    names: set[str] = set()
    for part in re.split(r"[、，,\s]+", issuer or ""):
        part = part.strip()
        if len(part) < 3:
            continue
        names.add(part)
        stripped = re.sub(r"^(?:中共)?[\u4e00-\u9fff]{1,6}?(?:省|市|区|县)(?=[\u4e00-\u9fff]{2})", "", part)
        if stripped != part and len(stripped) >= 3:
            names.add(stripped)
        forms = [stripped]
        if stripped.startswith("国家") and len(stripped) >= 5:
            forms.append(stripped[2:])  # 国家能源局 → 能源局
            names.add(stripped[2:])
        for form in forms:
            match = re.fullmatch(r"([\u4e00-\u9fff]{2,4})和([\u4e00-\u9fff]{2,4}?)(化)?(部|委员会|局|厅)", form)
            if match:
                suffix = {"委员会": "委"}.get(match.group(4), match.group(4))
                names.add(match.group(1)[0] + match.group(2)[0] + suffix)
    return names


@dataclass
class PlanNames:
    """Naming words of every document, with their weights, built once per index."""

    words: dict[str, set[str]] = field(default_factory=dict)  # word -> doc_ids it names
    documents: int = 0
    words_of: Callable[[str], list[str]] | None = None  # a question's words (no sub-words)
    numbers: dict[str, set[str]] = field(default_factory=dict)  # 文号 -> doc_ids ("穗医保规字〔2019〕4号")

    @classmethod
    def build(cls, documents: Iterable[Any], tokenize: Callable[[str], list[str]],
              words_of: Callable[[str], list[str]] | None = None) -> PlanNames:
        """From documents (anything with doc_id, title, issuer, level, region, period);
        ``words_of`` splits a question into words (two-character naming words must be one)."""
        table = cls(words_of=words_of)
        docs = list(documents)
        table.documents = len(docs)
        for doc in docs:
            skip = set(FORM_WORDS) | set(PERIOD_NAMES)
            if doc.region:
                skip |= region_aliases(doc.region)
            title = re.sub(r"[“”\"《》（）()〔〕\[\]【】、，。：:；\s—–-]+", " ", doc.title or "")
            words = {t for t in tokenize(title) if len(t) >= MIN_WORD and t not in skip and not re.search(r"\d", t)
                     and not any(t in alias for alias in skip if len(alias) > len(t))}
            words |= issuer_names(doc.issuer or "")
            for level, spoken in LEVEL_WORDS.items():
                if (doc.level or "") == level:
                    words |= set(spoken)
            for word in words:
                table.words.setdefault(word, set()).add(doc.doc_id)
            number = _number_key(getattr(doc, "doc_number", "") or "")
            if len(number) >= 5:
                table.numbers.setdefault(number, set()).add(doc.doc_id)
        limit = max(1, int(MAX_SHARE * table.documents)) if table.documents >= 4 else table.documents
        table.words = {w: ids for w, ids in table.words.items() if len(ids) <= limit}
        return table

    def _present(self, text: str) -> list[str]:
        """Naming words found in ``text``: a two-character word only as a word of it ("工程" of a
        title is not named by "工程技术研究中心"), longer ones anywhere in it."""
        tokens = set(self.words_of(text)) if self.words_of is not None else None
        return [w for w in self.words if w in text and (tokens is None or len(w) > 2 or w in tokens)]

    def weight(self, word: str) -> float:
        return math.log((self.documents + 1) / len(self.words[word]))

    def scores(self, text: str) -> dict[str, float]:
        """doc_id -> sum of the weights of its naming words found in ``text`` (longest first,
        a shorter word inside a found one does not count again)."""
        found: list[str] = []
        for word in sorted(self._present(text), key=len, reverse=True):
            if not any(word in longer for longer in found):
                found.append(word)
        out: dict[str, float] = {}
        key = _number_key(text)
        for number, ids in self.numbers.items():
            if number in key:  # a document's own 文号 names it whatever else is said
                for doc_id in ids:
                    out[doc_id] = out.get(doc_id, 0.0) + DOC_NUMBER_WEIGHT
        for word in found:
            for doc_id in self.words[word]:
                out[doc_id] = out.get(doc_id, 0.0) + self.weight(word)
        return out

    def named(self, text: str, ratio: float = 1.5) -> list[str]:
        """The documents ``text`` names by their words, best first: those scoring at least
        ``ratio`` times any other (several when they tie), or none when nothing stands out."""
        scores = self.scores(text)
        if not scores:
            return []
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        best = ranked[0][1]
        if best < math.log(2):  # only words that name half the documents or more
            return []
        top = [doc_id for doc_id, score in ranked if score >= best - 1e-9]
        rest = [score for doc_id, score in ranked if doc_id not in top]
        if rest and best < ratio * rest[0]:
            return []
        return top

    def mentions(self, text: str) -> list[str]:
        """The naming words that occur in ``text`` (to carry over to the parts of a question)."""
        return self._present(text)


def _number_key(text: str) -> str:
    """A 文号 as compared: brackets of any form as one, spaces out (穗医保规字[2019]4号 = 〔2019〕)."""
    return re.sub(r"\s+", "", re.sub(r"[〔［\[【(（]", "〔", re.sub(r"[〕］\]】)）]", "〕", text)))
