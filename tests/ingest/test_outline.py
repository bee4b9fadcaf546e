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


# ---------------------------------------------------------------- 公文 outline classes


def _paths(text: str) -> list[tuple[str, ...]]:
    from planqa.ingest.outline import build_sections

    return [s.path for s in build_sections(text)]


def test_chapters_and_articles_nest_and_articles_are_run_in():
    text = "第一章 总则\n第一条 为了规范管理，制定本办法。\n第二条 本办法适用于全市。\n第二章 职责\n第三条 市局负责统筹。"
    assert _paths(text) == [("第一章 总则",), ("第一章 总则", "第一条"), ("第一章 总则", "第二条"),
                            ("第二章 职责",), ("第二章 职责", "第三条")]


def test_cn_numbering_never_nests_under_parenthesised_items():
    text = "（一）通知事项甲\n（二）通知事项乙\n一、总体要求\n（一）指导思想\n二、主要任务"
    paths = _paths(text)
    assert ("一、总体要求",) in paths and ("二、主要任务",) in paths
    assert ("一、总体要求", "（一）指导思想") in paths


def test_attachment_restarts_a_branch():
    text = "一、总体要求\n二、主要任务\n三、保障措施\n附件1\n一、病种范围\n（一）高血压病"
    paths = _paths(text)
    assert ("附件1",) in paths and ("附件1", "一、病种范围") in paths
    assert not any(p[0] == "三、保障措施" and len(p) > 1 for p in paths)


def test_run_in_heading_is_the_first_short_sentence():
    from planqa.ingest.outline import build_sections

    text = "一、2024年工作安排\n（一）聚力推动经济高质量发展。全年地区生产总值增长6%，规模以上工业增加值增长7%。"
    sections = build_sections(text)
    assert sections[1].path == ("一、2024年工作安排", "（一）聚力推动经济高质量发展")
    assert text[sections[1].start:sections[1].heading_end] == "（一）聚力推动经济高质量发展。"


def test_decimal_clauses_of_standards():
    text = "1 范围\n本文件规定了要求。\n6 评价\n6.1 一般要求\n6.1.2差异项分析及处置\n本条给出方法。"
    assert _paths(text) == [("1 范围",), ("6 评价",), ("6 评价", "6.1 一般要求"),
                            ("6 评价", "6.1 一般要求", "6.1.2差异项分析及处置")]


def test_toc_entries_are_never_headings():
    from planqa.ingest.clean import clean

    text = ("目录\n一、发展现状1\n二、发展思路与目标6\n三、主要任务9\n一、发展现状\n近年来成效明显。\n"
            "二、发展思路与目标\n到2025年目标明确。\n三、主要任务\n加快推进。")
    cleaned = clean(text).text
    assert "发展现状1" not in cleaned and "目录" not in cleaned
    bar = "二、发展思路与目标|6\n三、主要任务|9\n二、发展思路与目标\n正文。"
    assert clean(bar).text.split("\n")[0] == "二、发展思路与目标"


def test_arabic_items_are_not_rewritten_as_ocr_slips():
    from planqa.ingest.clean import clean

    text = "一、任务\n（1）第一项\n（2）第二项\n（5）第五项\n二、保障\n（一）甲\n(S)乙\n（三）丙\n三、其他\n（一）甲\n(S)乙\n（五）丙"
    result = clean(text)
    assert "（5）第五项" in result.text and "（二）乙" in result.text
    assert result.text.count("（S）乙") == 1  # neighbours (一)…(五) do not make (二) certain


def test_a_kind_whose_place_the_document_showed_closes_deeper_kinds_and_circled_lists_are_innermost():
    """1. under （一） in the first branch: in the second, "2." after "（3）…②" is a sibling of the
    task before it, not under ②; a ① list never holds the document's other numbered headings."""
    text = "\n".join([
        "二、重点任务", "（一）深化审批制度改革", "1.取消审批事项34项", "（1）取消一批", "①市司法局1项",
        "②市质监局1项", "（2）下放一批", "（二）清理收费项目", "（3）减少收费项目", "①市教育局2项",
        "②市财政局1项", "2.降低收费标准3项", "（4）对保留的收费项目一律从低收取",
    ])
    paths = {s.path[-1]: s.path for s in build_sections(text)}
    assert paths["（2）下放一批"] == ("二、重点任务", "（一）深化审批制度改革", "1.取消审批事项34项", "（2）下放一批")
    assert paths["2.降低收费标准3项"] == ("二、重点任务", "（二）清理收费项目", "2.降低收费标准3项")
