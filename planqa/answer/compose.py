"""Turning scored candidates into an answer text with [n] citations.

Each answer sentence is a candidate's verbatim text (an indicator row reads as a sentence)
followed by its marker; a trailing "；" or "，" is shown as "。" so that every sentence ends
like one (the quote keeps the original). ``citations[n - 1]`` is what ``[n]`` points at, and
``quote == document.text[start:end]`` always holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from planqa.answer.scoring import Scored
from planqa.records import Document

ABSTAIN_TEXT = "未在已收录的规划文件中找到答案。"
_SOFT_END = re.compile(r"[；;，,：:、]+$")
_CLOSERS = re.compile(r"([。！？!?])([”’」』）)]+)$")


def sentence_text(text: str) -> str:
    """Show a candidate as a sentence: soft trailing punctuation becomes "。"."""
    text = text.strip()
    if match := _CLOSERS.search(text):  # "…。”": the end mark must end the sentence
        text = text[:match.end(1)]
        if text.startswith("“") and text.count("“") > text.count("”"):
            text = text[1:]
    if _SOFT_END.search(text):
        return _SOFT_END.sub("。", text)
    return text if re.search(r"[。！？!?]$", text) else text + "。"


@dataclass
class Composer:
    """Collects answer sentences and numbers their citations (one number per distinct span)."""

    documents: dict[str, Document]
    years: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    _numbers: dict[tuple[str, int, int], int] = field(default_factory=dict)

    def cite(self, item: Scored) -> int:
        c = item.candidate
        key = (c.doc_id, c.start, c.end)
        if key not in self._numbers:
            document = self.documents[c.doc_id]
            quote = document.text[c.start:c.end]
            assert quote == c.quote, "candidate span drifted from the document text"
            self._numbers[key] = len(self.citations) + 1
            self.citations.append({
                "n": len(self.citations) + 1, "doc_id": c.doc_id, "title": document.title,
                "section": " > ".join(c.section_path), "quote": quote, "start": c.start, "end": c.end,
                "region": document.region, "period": document.period,
            })
        return self._numbers[key]

    def add(self, items: list[Scored], new_line: bool = False) -> None:
        """Append the candidates as sentences with markers (on a new line when asked)."""
        text = "".join(f"{sentence_text(i.candidate.display(self.years))}[{self.cite(i)}]" for i in items)
        if new_line or not self.lines:
            self.lines.append(text)
        else:
            self.lines[-1] += text

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def pick_sentences(ranked: list[Scored], max_sentences: int, margin: float) -> list[Scored]:
    """The best candidate and up to ``max_sentences - 1`` close runners-up of its section."""
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    for item in ranked[1:]:
        if len(chosen) >= max_sentences or item.score < best.score - margin:
            break
        c = item.candidate
        if c.doc_id != best.candidate.doc_id or c.section_path != best.candidate.section_path:
            continue
        if any(o.candidate.start < c.end and c.start < o.candidate.end for o in chosen):
            continue
        if any(o.candidate.display() == c.display() for o in chosen):
            continue
        chosen.append(item)
    return chosen


def order_by_region(per_doc: list[Scored], documents: dict[str, Document]) -> list[Scored]:
    """Best plan first, the other plans of its region right after it, then the next region."""
    regions: list[str | None] = []
    for item in per_doc:
        region = documents[item.candidate.doc_id].region
        if region not in regions:
            regions.append(region)
    return sorted(per_doc, key=lambda i: regions.index(documents[i.candidate.doc_id].region))
