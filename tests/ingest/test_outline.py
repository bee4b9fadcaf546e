"""Heading markers, nesting and section spans."""

from __future__ import annotations

from planqa.ingest.outline import build_sections, cn_to_int, int_to_cn, is_heading_line, parse_marker


def test_numerals():
    assert [cn_to_int(n) for n in ("一", "九", "十", "十一", "二十", "二十三")] == [1, 9, 10, 11, 20, 23]
    assert [int_to_cn(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


def test_markers():
    assert parse_marker("第三章重点任务").kind == "chapter"
    assert parse_marker("四、科技创新主要任务").kind == "cn"
    assert parse_marker("（一）强化企业核心创新能力").number == 1
    assert parse_marker("(二)发展形势").kind == "paren_cn"
    assert parse_marker("1.支持重点企业创新攻关").kind == "arabic"
    assert parse_marker("3、组建产业技术创新联盟").kind == "arabic"
    assert parse_marker("（2）鼓励企业").kind == "paren_arabic"
    assert parse_marker("①加强").kind == "circled"
    assert parse_marker("(-)创新环境").number is None  # OCR slip, repaired by sequence
    assert parse_marker("1.60") is None and parse_marker("2025年") is None


def test_heading_lines_are_short_and_single_sentence():
    assert is_heading_line("1.科技创新实力进一步增强。", parse_marker("1.科技创新实力进一步增强。"))
    body = "1.科技创新实力进一步增强。“十三五”规划实施以来，综合创新能力进一步提升。"
    assert not is_heading_line(body, parse_marker(body))
    assert is_heading_line("前言", None) and not is_heading_line("到2025年，全市科技创新实力显著增强：", None)


TEXT = """台山市科技创新发展“十四五”规划
一、基础与形势
（一）发展基础
1.科技创新实力进一步增强。
研发投入稳步增长。
2.区域创新主体进一步壮大。
高新技术企业148家。
（二）发展形势
外部环境深刻变化。
二、总体思路
坚持创新驱动。"""


def test_sections_nest_by_marker_order():
    sections = build_sections(TEXT)
    paths = [s.path for s in sections]
    assert paths == [
        ("一、基础与形势",),
        ("一、基础与形势", "（一）发展基础"),
        ("一、基础与形势", "（一）发展基础", "1.科技创新实力进一步增强"),
        ("一、基础与形势", "（一）发展基础", "2.区域创新主体进一步壮大"),
        ("一、基础与形势", "（二）发展形势"),
        ("二、总体思路",),
    ]
    first = sections[0]
    assert TEXT[first.start:first.heading_end] == "一、基础与形势"
    assert TEXT[first.start:first.end].rstrip().endswith("外部环境深刻变化。")
    assert sections[-1].end == len(TEXT)


def test_chapters_outrank_other_markers():
    text = "第一章发展现状\n一、发展现状\n（一）创新主体\n正文。\n第二章总体要求\n一、指导思想\n正文。"
    paths = [s.path for s in build_sections(text)]
    assert paths[-1] == ("第二章总体要求", "一、指导思想")
    assert paths[2] == ("第一章发展现状", "一、发展现状", "（一）创新主体")
