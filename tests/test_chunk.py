"""Chunking along the outline: verbatim spans, section paths, token limits, tables."""

from __future__ import annotations

from planqa.chunk import Chunker, ChunkerSettings, estimate_tokens, split_sentences
from planqa.ingest.clean import clean
from planqa.ingest.outline import build_sections
from planqa.ingest.tables import indicators_from_table
from planqa.records import Document


def make_document(raw: str, doc_id: str = "d1") -> Document:
    result = clean(raw)
    sections = build_sections(result.text, skip_spans=[(t.start, t.end) for t in result.tables])
    indicators = [r for i, t in enumerate(result.tables) for r in indicators_from_table(t, i, (2021, 2025))]
    return Document(doc_id, "测试规划", result.text, sections=sections, tables=result.tables, indicators=indicators)


PLAN = """一、总体思路
（一）指导思想
坚持以习近平新时代中国特色社会主义思想为指导。深入实施创新驱动发展战略。
（二）总体目标
到2025年，国家高新技术企业数量力争达到200家。全社会研发投入强度大幅提高。
二、主要任务
（一）强化企业核心创新能力
1.支持重点企业创新攻关
扶持重点企业参与科技项目建设。
"""


def test_chunks_follow_sections_and_slice_exactly():
    document = make_document(PLAN)
    chunks = Chunker().chunk(document)
    assert [c.section_path for c in chunks] == [
        ("一、总体思路", "（一）指导思想"),
        ("一、总体思路", "（二）总体目标"),
        ("二、主要任务", "（一）强化企业核心创新能力", "1.支持重点企业创新攻关"),
    ]
    for chunk in chunks:
        assert document.text[chunk.start:chunk.end] == chunk.text
    # a heading without text of its own joins its first child
    assert chunks[0].text.startswith("一、总体思路\n（一）指导思想\n坚持")
    assert chunks[1].context == "一、总体思路 > （二）总体目标"
    assert chunks[1].indexed_text.startswith("一、总体思路 > （二）总体目标\n（二）总体目标\n到2025年")
    assert chunks[2].text.startswith("二、主要任务\n（一）强化企业核心创新能力\n1.支持重点企业创新攻关")


def test_long_section_split_at_sentences_within_limit():
    sentence = "加快推进江门中微子实验站建设，为重大原始创新提供支撑。"
    document = make_document("一、任务\n" + sentence * 40)
    settings = ChunkerSettings(max_tokens=100)
    chunks = Chunker(settings).chunk(document)
    assert len(chunks) > 5
    for chunk in chunks:
        assert estimate_tokens(chunk.indexed_text) <= 100
        assert chunk.text.endswith("。")
        assert document.text[chunk.start:chunk.end] == chunk.text
    joined = "".join(document.text[c.start:c.end] for c in chunks)
    assert joined.replace("\n", "") == document.text.replace("\n", "")


def test_sentence_without_punctuation_is_cut_hard_but_nothing_lost():
    document = make_document("一、任务\n" + "创新" * 2000)
    chunks = Chunker(ChunkerSettings(max_tokens=120)).chunk(document)
    assert all(estimate_tokens(c.indexed_text) <= 120 for c in chunks)
    assert "".join(c.text for c in chunks).replace("\n", "") == document.text.replace("\n", "")


def test_table_kept_whole_or_split_by_rows_with_header_in_context():
    rows = "".join(f"\t{i}\n\t指标名称第{i}项\n\t家\n\t{i * 10}\n\t{i * 20}\n\n" for i in range(1, 31))
    raw = "一、目标\n主要指标表\n\t序号\n\t指标\n\t单位\n\t2020年\n\t2025年\n\n" + rows + "\n注：以上指标均为预期性指标\n"
    document = make_document(raw)
    whole = Chunker(ChunkerSettings(max_tokens=2000)).chunk(document)
    assert len(whole) == 1 and whole[0].kind == "table"
    assert whole[0].text.startswith("一、目标\n主要指标表\n序号 | 指标") and whole[0].text.endswith("注：以上指标均为预期性指标")
    parts = Chunker(ChunkerSettings(max_tokens=120)).chunk(document)
    table_parts = [c for c in parts if c.kind == "table"]
    assert len(table_parts) > 2
    assert all("序号 | 指标 | 单位 | 2020年 | 2025年" in c.context for c in table_parts)
    table = document.tables[0]
    for start, end in table.row_spans:
        assert sum(1 for c in table_parts if c.start <= start and end <= c.end) == 1


def test_split_sentences_keeps_closing_quotes():
    text = "实施“揭榜挂帅”。打造“台山品牌。”推动合作！"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["实施“揭榜挂帅”。", "打造“台山品牌。”", "推动合作！"]


def test_chunk_ids_are_content_hashes_and_unique():
    document = make_document("一、任务\n同一句话。\n二、保障\n同一句话。")
    chunks = Chunker().chunk(document)
    assert len({c.id for c in chunks}) == len(chunks)
    again = Chunker().chunk(make_document("一、任务\n同一句话。\n二、保障\n同一句话。"))
    assert [c.id for c in chunks] == [c.id for c in again]


def test_run_in_headings_chunk_with_their_own_section():
    """第X条 and "（一）…。" headings open a line of text: each article is text of its own section."""
    from planqa.ingest.outline import build_sections
    from planqa.records import Document

    text = "第一章 总则\n第一条 为了规范管理，制定本办法。\n第二条 本办法适用于全市。\n第二章 职责\n第三条 市局负责统筹。"
    document = Document("d", "t", text, sections=build_sections(text))
    chunks = Chunker().chunk(document)
    assert [c.section_path for c in chunks] == [("第一章 总则", "第一条"), ("第一章 总则", "第二条"), ("第二章 职责", "第三条")]
    assert "第二条 本办法适用于全市。" in chunks[1].text


def test_run_in_heading_text_is_an_answer_candidate():
    from planqa.answer.candidates import document_candidates
    from planqa.ingest.outline import build_sections
    from planqa.records import Document

    text = "二、2024年工作安排\n（一）聚力推动经济高质量发展。全年地区生产总值增长6%左右。"
    document = Document("d", "t", text, sections=build_sections(text))
    quotes = [c.quote for c in document_candidates(document)]
    assert quotes == ["全年地区生产总值增长6%左右。"]
