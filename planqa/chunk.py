"""Chunking along the document outline.

A chunk never crosses a section boundary (a heading with no text of its own joins its first
child), never cuts a sentence (split on 。！？；), keeps a table whole or splits it by rows,
and stays within the embedding model's token limit counted with the model's tokenizer.
``Chunk.text`` is always the verbatim span ``document.text[start:end]``; the section path
(and for tables the caption and header) goes into ``Chunk.context``, which is embedded and
indexed in front of the text.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import asdict, dataclass
from typing import Callable, Iterator

from planqa.errors import PlanqaError
from planqa.ingest.limits import MAX_CHUNKS_ENV
from planqa.records import Chunk, Document, Table, content_hash

TokenCounter = Callable[[str], int]
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[.%][0-9]+)?%?")
SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)]*")


def estimate_tokens(text: str) -> int:
    """A conservative token count when no model tokenizer is at hand (1 per CJK character)."""
    cjk = len(_CJK.findall(text))
    latin = sum(1 + len(w) // 4 for w in _LATIN_WORD.findall(text))
    other = len(text) - cjk - sum(len(w) for w in _LATIN_WORD.findall(text))
    return cjk + latin + max(0, other) // 2 + 2


class ChunkLimitError(PlanqaError):
    """A document would give more chunks than the configured limit."""

    def __init__(self, source: str, limit: int):
        self.source = source
        self.limit = limit
        self.reason = (f"more than {limit} chunks, the limit per document "
                       f"(split the document, or raise the limit with {MAX_CHUNKS_ENV})")
        super().__init__(f"{source}: {self.reason}")


@dataclass(frozen=True)
class ChunkerSettings:
    """Saved in the index manifest; a change means a rebuild."""

    max_tokens: int = 256
    tokenizer: str = "estimate"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    kind: str  # "text" or "table"
    table: Table | None = None


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text`` (shifted by ``offset``); a sentence keeps its end mark."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in SENTENCE_END.finditer(text):
        spans.append((offset + pos, offset + match.end()))
        pos = match.end()
    if pos < len(text):
        spans.append((offset + pos, offset + len(text)))
    return [(s, e) for s, e in spans if text[s - offset: e - offset].strip()]


def _hard_split(start: int, end: int, text: str, max_chars: int) -> Iterator[tuple[int, int]]:
    """Last resort for a run without sentence ends: cut at commas, else every max_chars."""
    pos = start
    while end - pos > max_chars:
        window = text[pos: pos + max_chars]
        cut = max(window.rfind("，"), window.rfind(","), window.rfind("、"))
        cut = pos + (cut + 1 if cut > max_chars // 3 else max_chars)
        yield pos, cut
        pos = cut
    if pos < end:
        yield pos, end


class _PathLookup:
    """``document.section_path_at`` for offsets asked in increasing order, in O(log n) each
    (the record's own method scans every section, quadratic over a document of many headings).
    An offset smaller than the previous one starts the sweep again."""

    def __init__(self, document: Document):
        self.sections = sorted(enumerate(document.sections), key=lambda item: item[1].start)
        self._reset()

    def _reset(self) -> None:
        self.next = 0
        self.last = -1
        self.active: list[tuple[int, int, int, tuple[str, ...]]] = []  # (-depth, order, end, path)

    def __call__(self, offset: int) -> tuple[str, ...]:
        if offset < self.last:
            self._reset()
        self.last = offset
        while self.next < len(self.sections) and self.sections[self.next][1].start <= offset:
            order, section = self.sections[self.next]
            heapq.heappush(self.active, (-len(section.path), order, section.end, section.path))
            self.next += 1
        while self.active and self.active[0][2] <= offset:
            heapq.heappop(self.active)  # ended before this offset, and offsets only grow
        # the deepest section containing the offset; the first listed among equals, like section_path_at
        return self.active[0][3] if self.active else ()


class Chunker:
    """Cuts documents into chunks; ``count_tokens`` should be the embedding model's tokenizer."""

    def __init__(self, settings: ChunkerSettings | None = None, count_tokens: TokenCounter | None = None):
        self.settings = settings or ChunkerSettings()
        self.count_tokens = count_tokens or estimate_tokens

    def chunk(self, document: Document, max_chunks: int | None = None) -> list[Chunk]:
        """The chunks of ``document``; raises ``ChunkLimitError`` as soon as there are more
        than ``max_chunks`` (so a huge file costs no more than the limit)."""
        chunks: list[Chunk] = []
        for path, units in self._section_groups(document):
            context = " > ".join(path)
            chunks.extend(self._pack(document, path, context, units))
            if max_chunks is not None and len(chunks) > max_chunks:
                raise ChunkLimitError(document.source, max_chunks)
        return _dedupe_ids(chunks)

    # -------------------------------------------------------------- grouping

    def _section_groups(self, document: Document) -> Iterator[tuple[tuple[str, ...], list[_Unit]]]:
        text = document.text
        table_at = {t.start: t for t in document.tables}
        # a caption line and its table stay together: key the table by its caption line's end
        captioned = {t.start - 1: t for t in document.tables if t.caption}
        # whole-line headings; a run-in heading ("第五条…", "（一）聚力…。全年…") opens a line of text
        # of its own section, and that line is text like any other
        heading_starts = {s.start for s in document.sections if not text[s.heading_end:_line_end(text, s.start)].strip()}
        run_in = {s.start for s in document.sections} - heading_starts
        path_at = _PathLookup(document)
        pending_headings: list[int] = []
        current_path: tuple[str, ...] | None = None
        units: list[_Unit] = []
        pos = 0
        while pos < len(text):
            end = text.find("\n", pos)
            end = len(text) if end == -1 else end
            if pos in heading_starts:
                if units:
                    yield current_path or (), units
                    units = []
                pending_headings.append(pos)
                current_path = path_at(pos)
                pos = end + 1
                continue
            if pos in run_in:  # a new section starts with this line
                if units:
                    yield current_path or (), units
                    units = []
                current_path = path_at(pos)
            unit_start = pending_headings[0] if pending_headings else pos
            pending_headings = []
            table = table_at.get(pos) or captioned.get(end)
            if table is not None:
                table_end = table.end
                if table.note and text.startswith(table.note, table_end + 1):
                    table_end += 1 + len(table.note)
                units.append(_Unit(unit_start, table_end, "table", table))
                pos = table_end + 1
            else:
                units.append(_Unit(unit_start, end, "text"))
                pos = end + 1
            if current_path is None:
                current_path = path_at(unit_start)
        if units:
            yield current_path or (), units
        elif pending_headings:  # a document ending in headings only
            yield current_path or (), [_Unit(pending_headings[0], len(text.rstrip()), "text")]

    # -------------------------------------------------------------- packing

    def _tokens(self, context: str, start: int, end: int, text: str) -> int:
        return self.count_tokens(f"{context}\n{text[start:end]}" if context else text[start:end])

    def _pieces(self, document: Document, context: str, unit: _Unit) -> list[tuple[int, int, str, str]]:
        """(start, end, kind, context) pieces of a unit, each within the token limit."""
        text, limit = document.text, self.settings.max_tokens
        if self._tokens(context, unit.start, unit.end, text) <= limit:
            return [(unit.start, unit.end, unit.kind, context)]
        if unit.kind == "table" and unit.table is not None:
            return self._table_rows(document, context, unit)
        spans: list[tuple[int, int]] = []
        for s, e in split_sentences(text[unit.start: unit.end], unit.start):
            if self._tokens(context, s, e, text) <= limit:
                spans.append((s, e))
            else:
                max_chars = max(16, len(text[s:e]) * limit // max(1, self._tokens(context, s, e, text)) - 8)
                spans.extend(_hard_split(s, e, text, max_chars))
        return [(s, e, "text", context) for s, e in self._merge(spans, context, text)]

    def _table_rows(self, document: Document, context: str, unit: _Unit) -> list[tuple[int, int, str, str]]:
        table = unit.table
        assert table is not None
        header_line = document.text[table.start: table.header_end]
        row_context = " ".join(x for x in (context, table.caption or "", header_line) if x)
        spans = [(unit.start, table.header_end)] + list(table.row_spans)
        if unit.end > table.end:
            spans.append((table.end + 1, unit.end))
        return [(s, e, "table", row_context) for s, e in self._merge(spans, row_context, document.text)]

    def _merge(self, spans: list[tuple[int, int]], context: str, text: str) -> list[tuple[int, int]]:
        """Greedily join consecutive spans while the result fits the token limit."""
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and self._tokens(context, merged[-1][0], end, text) <= self.settings.max_tokens:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        return merged

    def _pack(self, document: Document, path: tuple[str, ...], context: str, units: list[_Unit]) -> list[Chunk]:
        text = document.text
        pieces = [p for unit in units for p in self._pieces(document, context, unit)]
        out: list[tuple[int, int, str, str]] = []
        for start, end, kind, ctx in pieces:
            if out and kind == "text" and out[-1][2] == "text":
                prev = out[-1]
                if self._tokens(ctx, prev[0], end, text) <= self.settings.max_tokens:
                    out[-1] = (prev[0], end, "text", ctx)
                    continue
            out.append((start, end, kind, ctx))
        return [
            Chunk.create(document.doc_id, path, s, e, text[s:e], kind, ctx)
            for s, e, kind, ctx in _strip_spans(out, text)
        ]


def _strip_spans(spans: list[tuple[int, int, str, str]], text: str) -> list[tuple[int, int, str, str]]:
    """Trim whitespace at span ends so chunk text never starts or ends with a newline."""
    out = []
    for s, e, kind, ctx in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e, kind, ctx))
    return out


def _dedupe_ids(chunks: list[Chunk]) -> list[Chunk]:
    """Identical passages in one document get distinct ids (the occurrence number is hashed in)."""
    seen: dict[str, int] = {}
    out = []
    for chunk in chunks:
        count = seen.get(chunk.id, 0)
        seen[chunk.id] = count + 1
        if count:
            new_id = content_hash(chunk.doc_id, chunk.context, chunk.text, str(count))
            chunk = Chunk(new_id, chunk.doc_id, chunk.section_path, chunk.start, chunk.end,
                          chunk.text, chunk.kind, chunk.context)
        out.append(chunk)
    return out
