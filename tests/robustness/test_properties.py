"""Property-based tests (hypothesis) of reading, cleaning, sentence splitting and chunking.

On arbitrary text (plan-like pieces mixed with any Unicode): nothing raises except ``IngestError``
for unreadable input; every offset slices the cleaned text exactly; chunks are ordered, do not
overlap (the configured overlap is none) and leave out only whitespace, so no text is lost or
duplicated.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from planqa.chunk import Chunker, ChunkerSettings, _PathLookup, estimate_tokens, split_sentences
from planqa.errors import IngestError
from planqa.ingest import load_document
from planqa.ingest.clean import clean
from planqa.ingest.outline import build_sections
from planqa.ingest.readers.txt import TxtReader, decode_bytes, normalise_newlines
from planqa.ingest.tables import render_row
from planqa.records import Document

PIECES = [
    "一、", "二、", "三、", "（一）", "（二）", "(-)", "第一章", "第二节", "1.", "2、", "（1）", "①", "序号", "\t", "\n",
    "\n\n", "\r\n", "。", "！", "？", "；", "，", "、", "“", "”", "（", "）", " ", "\u3000", "\xa0", "[bookmark: _Toc1]",
    "[bookmark: ", "您现在的位置：首页", "扫一扫在手机打开当前页", "【字体：大 中 小】", "目录", "......3", "科技创新",
    "高新技术企业", "到2025年", "200家", "12.5%", "指标", "2020年", "预期性", "|", "\x00", "\ufeff", "\x1b[1m", "Ａ１",
    "\u200b", "1、", "注：", "表1 主要指标",
]
PLANLIKE = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=150).map("".join)
ANY_TEXT = st.one_of(PLANLIKE, st.text(max_size=300))
# PLANQA_PROPERTY_EXAMPLES=5000 for a longer hunt than CI's
EXAMPLES = int(os.environ.get("PLANQA_PROPERTY_EXAMPLES", "150"))
RELAXED = settings(deadline=None, max_examples=EXAMPLES,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def make_document(raw: str) -> Document:
    """What ``load_document`` makes of text, without a file (as in tests/test_chunk.py)."""
    result = clean(raw)
    sections = build_sections(result.text, skip_spans=[(t.start, t.end) for t in result.tables])
    return Document("d1", "测试规划", result.text, source="d1.txt", sections=sections, tables=result.tables)


def check_chunks(document: Document, max_tokens: int) -> None:
    text = document.text
    chunks = Chunker(ChunkerSettings(max_tokens=max_tokens)).chunk(document)
    if not text.strip():
        assert chunks == []
        return
    assert chunks, "text without a chunk"
    ordered = sorted(chunks, key=lambda c: c.start)
    assert [c.id for c in ordered] == [c.id for c in chunks]  # in document order
    assert len({c.id for c in chunks}) == len(chunks)
    for chunk in chunks:
        assert 0 <= chunk.start < chunk.end <= len(text)
        assert text[chunk.start:chunk.end] == chunk.text  # offsets slice the cleaned text exactly
        assert chunk.text == chunk.text.strip()
    for a, b in zip(ordered, ordered[1:]):
        assert a.end <= b.start, "chunks overlap"  # no duplicated text (overlap is 0)
        assert not text[a.end:b.start].strip(), "text lost between chunks"
    assert not text[:ordered[0].start].strip() and not text[ordered[-1].end:].strip()


@RELAXED
@given(ANY_TEXT)
def test_cleaning_never_raises_and_tables_slice_the_text(raw):
    result = clean(raw)
    text = result.text
    assert result.report["chars_out"] == len(text)
    assert "\r" not in text and "\x00" not in text and "\ufeff" not in text
    assert all(unicodedata.category(ch) != "Cc" or ch in "\n\t" for ch in text)
    assert all(line.strip() for line in text.split("\n")) if text else True  # no empty lines
    for table in result.tables:
        assert text[table.start:table.header_end] == render_row(table.header)
        for (start, end), row in zip(table.row_spans, table.rows):
            assert text[start:end] == render_row(row)
        assert table.end == table.row_spans[-1][1]


@RELAXED
@given(ANY_TEXT, st.integers(min_value=0, max_value=10_000))
def test_sentence_spans_cover_the_text_in_order(text, offset):
    spans = split_sentences(text, offset)
    pos = offset
    for start, end in spans:
        assert pos <= start < end <= offset + len(text)
        assert text[start - offset:end - offset].strip()
        assert not text[pos - offset:start - offset].strip()  # nothing but whitespace skipped
        pos = end
    assert not text[pos - offset:].strip()


@settings(RELAXED, max_examples=2 * EXAMPLES)
@given(ANY_TEXT, st.sampled_from([16, 40, 256]))
def test_chunks_slice_exactly_and_lose_or_repeat_nothing(raw, max_tokens):
    check_chunks(make_document(raw), max_tokens)


@RELAXED
@given(PLANLIKE)
def test_chunks_stay_within_the_token_limit_when_the_context_fits(raw):
    document = make_document(raw)
    for chunk in Chunker(ChunkerSettings(max_tokens=64)).chunk(document):
        if estimate_tokens(chunk.context + "\n") + 16 < 64:  # room left for text after the headings
            assert estimate_tokens(chunk.indexed_text) <= 64 + 8, chunk  # hard cuts are estimated


@RELAXED
@given(PLANLIKE)
def test_section_lookup_agrees_with_the_record(raw):
    document = make_document(raw)
    lookup = _PathLookup(document)
    for offset in range(0, len(document.text) + 1, max(1, len(document.text) // 50)):
        assert lookup(offset) == document.section_path_at(offset)
    assert lookup(0) == document.section_path_at(0)  # going back starts the sweep again


@RELAXED
@given(st.binary(max_size=400))
def test_decoding_arbitrary_bytes_gives_text_or_a_reason(data):
    try:
        text, encoding = decode_bytes(data, "x.txt")
    except IngestError as exc:
        assert str(exc).startswith("x.txt: ") and exc.reason
        return
    assert isinstance(text, str) and encoding and "\r" not in text


@RELAXED
@given(ANY_TEXT)
def test_reading_and_loading_arbitrary_text(raw):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.txt"
        path.write_bytes(raw.encode("utf-8", "surrogatepass"))
        try:
            read = TxtReader().read(path)
        except IngestError as exc:
            assert "plan.txt" in str(exc)
            return
        assert read.text == normalise_newlines(raw).lstrip("\ufeff")
        try:
            document = load_document(path)
        except IngestError as exc:
            assert "plan.txt" in str(exc) and exc.reason
            return
        assume(document.text)
        for section in document.sections:
            assert 0 <= section.start <= section.heading_end <= section.end <= len(document.text)
        check_chunks(document, 256)
