"""Answer candidates: the sentences and table rows of a document, with verbatim spans.

Each candidate's ``quote == document.text[start:end]``. Headings, table headers and captions
are not candidates (they name a topic, they do not answer); a table row line is one candidate,
and a row that is an indicator record is shown as a sentence (``indicator_sentence``) while its
quote stays the row line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from planqa.chunk import split_sentences
from planqa.ingest.tables import indicator_sentence
from planqa.records import Document, Indicator, Table

MIN_CHARS = 6  # shorter pieces ("（一）", "等。") are never answers
_EMPTY = (None, "", "—", "--", "——", "-")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class Candidate:
    """A sentence or table row that may answer a question."""

    doc_id: str
    start: int
    end: int
    quote: str
    kind: str  # "sentence", "row" or "heading" (a heading that states something, ``states_something``)
    section_path: tuple[str, ...]
    position: int  # 0 for the first candidate of its section
    table: Table | None = None
    indicator: Indicator | None = None
    context: str = ""  # caption and header of a row's table

    @property
    def key(self) -> tuple[str, int]:
        return self.doc_id, self.start

    def display(self, years: list[int] | None = None) -> str:
        """The answer text: the sentence itself, or an indicator row read as a sentence."""
        if self.indicator is None:  # a row not read as an indicator shows without its outer bars
            return self.quote.strip().strip("|｜").strip()
        return render_indicator(self.indicator, years or [])


def render_indicator(record: Indicator, years: list[int]) -> str:
    """``indicator_sentence`` plus the value of any other year column the question names."""
    text = indicator_sentence(record)
    shown = {record.baseline_year, record.target_year}
    extra = []
    for header, value in record.values.items():
        match = re.search(r"((?:19|20)\d{2})", header)
        if not match or int(match.group(1)) in shown or int(match.group(1)) not in years or value in _EMPTY:
            continue
        unit = record.unit if record.unit and _NUMBER.fullmatch(value) else ""
        extra.append(f"{header}{value}{unit}")
    return text + ("；" + "，".join(extra) if extra else "")


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    while pos <= len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        spans.append((pos, end))
        pos = end + 1
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Spaces and table-cell bars off both ends (a sentence of a table line the reader could not
    read as rows ends in " |", which an answer must not quote as if it ended the sentence)."""
    while start < end and (text[start].isspace() or text[start] in "|｜"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "|｜"):
        end -= 1
    return start, end


_HEADING_LABEL = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条部分]|[（(][一二三四五六七八九十\d]+[）)]|"
                            r"[一二三四五六七八九十]+[、.．]|\d+(?:\.\d+)*[.．、]?|[①-⑳])\s*")
MIN_STATEMENT_CHARS = 12


def states_something(heading: str) -> bool:
    """A heading that says something, not just names a part: "（一）考评以日常监测、实地调研…等方式
    进行", "2.二类门诊特定病种：按…的支付比例确定" (not "四、保障措施"); such a heading can be an
    answer (the answer then goes on with the section's body)."""
    body = _HEADING_LABEL.sub("", heading.strip(), count=1)
    return len(body) >= MIN_STATEMENT_CHARS and bool(re.search(r"[，、：:；,]", body)) or len(body) >= 2 * MIN_STATEMENT_CHARS


def document_candidates(document: Document) -> list[Candidate]:
    """Every candidate of ``document`` in text order."""
    text = document.text
    # heading line start -> end of the heading; a run-in heading ("第五条", "（一）聚力推动…。")
    # ends inside its line, and the rest of the line is text like any other
    headings = {s.start: s.heading_end for s in document.sections}
    rows: dict[int, tuple[Table, int]] = {}
    for table in document.tables:
        for i, span in enumerate(table.row_spans):
            rows[span[0]] = (table, i)
    indicators = {(r.start, r.end): r for r in document.indicators}
    out: list[Candidate] = []
    positions: dict[tuple[str, ...], int] = {}

    def add(start: int, end: int, kind: str, **extra) -> None:
        path = document.section_path_at(start)
        if kind == "heading":
            position = -1  # outside the count of the section's sentences
        else:
            position = positions.get(path, 0)
            positions[path] = position + 1
        out.append(Candidate(document.doc_id, start, end, text[start:end], kind, path, position, **extra))

    for line_start, line_end in _lines(text):
        if line_start in headings:
            body_start = headings[line_start]
            s, e = _strip(text, line_start, min(body_start, line_end))
            if states_something(text[s:e]):
                add(s, e, "heading")
            if body_start >= line_end:
                continue
            for s, e in split_sentences(text[body_start:line_end], body_start):
                s, e = _strip(text, s, e)
                if e - s >= MIN_CHARS:
                    add(s, e, "sentence")
            continue
        if line_start in rows:
            table, i = rows[line_start]
            start, end = table.row_spans[i]
            caption = " ".join(x for x in (table.caption or "", " ".join(table.header)) if x)
            add(start, end, "row", table=table, indicator=indicators.get((start, end)), context=caption)
            continue
        if any(t.start <= line_start < t.end for t in document.tables):
            continue  # header or wrapped cell lines inside a table
        line = text[line_start:line_end]
        if any(t.caption and line.strip() == t.caption.strip() for t in document.tables):
            continue
        for s, e in split_sentences(line, line_start):
            s, e = _strip(text, s, e)
            if e - s >= MIN_CHARS:
                add(s, e, "sentence")
    return out


class CandidateTable:
    """Candidates of every document of an index, built once per document on first use."""

    def __init__(self, documents: dict[str, Document]):
        self.documents = documents
        self._by_doc: dict[str, tuple[list[int], list[Candidate]]] = {}

    def of_document(self, doc_id: str) -> list[Candidate]:
        return self._table(doc_id)[1]

    def _table(self, doc_id: str) -> tuple[list[int], list[Candidate]]:
        if doc_id not in self._by_doc:
            candidates = document_candidates(self.documents[doc_id])
            self._by_doc[doc_id] = ([c.start for c in candidates], candidates)
        return self._by_doc[doc_id]

    def within(self, doc_id: str, start: int, end: int) -> list[Candidate]:
        """Candidates that start inside ``[start, end)`` (a chunk never cuts a sentence)."""
        starts, candidates = self._table(doc_id)
        return candidates[bisect.bisect_left(starts, start): bisect.bisect_left(starts, end)]
