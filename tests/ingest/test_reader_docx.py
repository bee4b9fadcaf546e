"""Tests for the .docx reader: style headings, numbering.xml numbers, bold hints, breaks, TOC,
placeholders, tables, properties; a seed written as a .docx; the four real DOCX challenge files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planqa.ingest.readers import read_file
from planqa.ingest.readers.docx import DocxReader, collapse_letter_spacing, format_number, han_count

docx = pytest.importorskip("docx")
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
CHALLENGE = ROOT.parent / "shared" / "challenge"
W = nsdecls("w")


# --------------------------------------------------------------------------- builders


def _body_append(document, xml: str) -> None:
    """Append a raw body element (paragraph, table, sdt) before the final sectPr."""
    element = parse_xml(xml)
    body = document.element.body
    body.insert(len(body) - 1, element)


def _para(text: str = "", *, style: str | None = None, num: tuple[int, int] | None = None,
          runs: str | None = None) -> str:
    ppr = ""
    if style or num:
        ppr = "<w:pPr>"
        if style:
            ppr += f'<w:pStyle w:val="{style}"/>'
        if num:
            ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        ppr += "</w:pPr>"
    content = runs if runs is not None else (f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else "")
    return f"<w:p {W}>{ppr}{content}</w:p>"


def _add_numbering(document, abstract_id: int, levels: list[tuple[str, str, int]], num_ids: list[int],
                   overrides: dict[int, dict[int, int]] | None = None) -> None:
    """levels: (numFmt, lvlText, start) per ilvl. Each num id refers to the same abstractNum."""
    numbering = document.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
        for i, (fmt, text, start) in enumerate(levels))
    abstract = parse_xml(f'<w:abstractNum {W} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>')
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    for num_id in num_ids:
        ov = "".join(f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                     for lvl, start in ((overrides or {}).get(num_id) or {}).items())
        numbering.append(parse_xml(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{ov}</w:num>'))


def _custom_style(document, name: str, *, based_on: str | None = "Normal", outline: int | None = None,
                  num: tuple[int, int] | None = None):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if based_on:
        style.base_style = document.styles[based_on]
    ppr = style.element.get_or_add_pPr()
    if num:
        ppr.append(parse_xml(f'<w:numPr {W}><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'))
    if outline is not None:
        ppr.append(parse_xml(f'<w:outlineLvl {W} w:val="{outline}"/>'))
    return style


def _save(document, tmp_path: Path, name: str = "t.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def _read(document, tmp_path: Path):
    return DocxReader().read(_save(document, tmp_path))


# --------------------------------------------------------------------------- number formats


@pytest.mark.parametrize(("n", "fmt", "expected"), [
    (1, "decimal", "1"), (12, "decimal", "12"), (3, "decimalZero", "03"),
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (21, "chineseCounting", "二十一"), (105, "chineseCountingThousand", "一百零五"),
    (3, "ideographTraditional", "丙"), (2, "ideographZodiac", "丑"), (1, "upperLetter", "A"),
    (27, "upperLetter", "AA"), (2, "lowerLetter", "b"), (4, "upperRoman", "IV"), (9, "lowerRoman", "ix"),
    (3, "decimalEnclosedCircle", "③"), (2, "chineseLegalSimplified", "贰"), (5, "decimalFullWidth", "５"),
    (4, "somethingNew", "4"),
])
def test_format_number(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("前\u3000\u3000言", "前言"), ("目 次", "目次"), ("附\u3000录\u3000A", "附录A"),
    ("1 范围", "1 范围"), ("杭州市人民政府市长 姚高员", "杭州市人民政府市长 姚高员"),
])
def test_collapse_letter_spacing(line: str, expected: str) -> None:
    assert collapse_letter_spacing(line) == expected


# --------------------------------------------------------------------------- headings and numbers


def test_custom_heading_styles_and_outline_levels(tmp_path: Path) -> None:
    document = docx.Document()
    _custom_style(document, "章标题")  # a name that means a heading
    _custom_style(document, "我的条款", outline=1)  # a name that says nothing, an outline level
    _custom_style(document, "派生条款", based_on="我的条款")  # the outline level through basedOn
    _custom_style(document, "标准文件_二级无标题", based_on="我的条款", outline=9)  # body text wins
    _custom_style(document, "正文表标题")  # a caption, not a heading
    ids = {s.name: s.style_id for s in document.styles}
    for text, style in [("总则", "章标题"), ("适用范围", "我的条款"), ("基本原则", "派生条款"),
                        ("本条是一个编号段落。", "标准文件_二级无标题"), ("表1 主要指标", "正文表标题"),
                        ("英文标题", "Heading 2"), ("正文段落。", None)]:
        _body_append(document, _para(text, style=ids[style] if style else None))
    doc = _read(document, tmp_path)
    assert doc.headings == ["总则", "适用范围", "基本原则", "英文标题"]
    assert doc.text.split("\n")[-1] == "正文段落。"


def test_numbering_renders_numbers_with_restarts_and_no_doubling(tmp_path: Path) -> None:
    document = docx.Document()
    _add_numbering(document, 90, [("decimal", "%1 ", 1), ("decimal", "%1.%2 ", 1), ("lowerLetter", "%3)", 1)], [501])
    _add_numbering(document, 91, [("upperLetter", "附\u3000录\u3000%1", 1)], [502])
    _add_numbering(document, 92, [("chineseCounting", "%1、", 1), ("chineseCounting", "（%2）", 1)], [503, 504],
                   overrides={504: {0: 5}})
    chapter = _custom_style(document, "章标题", num=(501, 0))
    clause = _custom_style(document, "一级条标题", num=(501, 1))
    appendix = _custom_style(document, "附录标识", num=(502, 0), outline=0)
    for text, style, num in [
        ("范围", chapter, None), ("本部分适用于核电厂。", None, None),
        ("术语", chapter, None), ("定义", clause, None), ("2.2 手工编号的条", clause, None),  # typed number kept once
        ("列项一", None, (501, 2)), ("列项二", None, (501, 2)),
        ("一般要求", chapter, None), ("概述", clause, None),  # 3.1: level 1 restarts under a new chapter
        ("资料性附录", appendix, None),
        ("指导思想", None, (503, 0)), ("工作目标", None, (503, 0)), ("近期目标", None, (503, 1)),
        ("(二)半角括号手工编号", None, (503, 1)),  # typed with half-width brackets: still not doubled
        ("另一个列表从五开始", None, (504, 0)),  # startOverride 5 on a second num of the same list
    ]:
        _body_append(document, _para(text, style=style.style_id if style else None, num=num))
    doc = _read(document, tmp_path)
    assert doc.text.split("\n") == [
        "1 范围", "本部分适用于核电厂。", "2 术语", "2.1 定义", "2.2 手工编号的条", "a)列项一", "b)列项二",
        "3 一般要求", "3.1 概述", "附录A资料性附录", "一、指导思想", "二、工作目标", "（一）近期目标",
        "(二)半角括号手工编号", "五、另一个列表从五开始",
    ]
    assert {"1 范围", "2 术语", "2.1 定义", "3 一般要求", "3.1 概述", "附录A资料性附录"} <= set(doc.headings)
    assert any("automatic number" in note for note in doc.notes)


def test_numbered_empty_paragraph_lends_its_number(tmp_path: Path) -> None:
    # GB/T term entries: an empty numbered heading paragraph "3.1", then the term.
    document = docx.Document()
    _add_numbering(document, 93, [("decimal", "%1 ", 3), ("decimal", "%1.%2 ", 1)], [601])
    chapter = _custom_style(document, "章标题", num=(601, 0))
    entry = _custom_style(document, "一级条标题", num=(601, 1))
    for text, style in [("术语和定义", chapter), ("", entry), ("定期安全评价 periodic safety review", None),
                        ("以规定的时间间隔进行的再评价。", None)]:
        _body_append(document, _para(text, style=style.style_id if style else None))
    lines = _read(document, tmp_path).text.split("\n")
    assert lines == ["3 术语和定义", "3.1 定期安全评价 periodic safety review", "以规定的时间间隔进行的再评价。"]


def test_bullets_are_not_text(tmp_path: Path) -> None:
    document = docx.Document()
    _add_numbering(document, 94, [("bullet", "\uf0b7", 1)], [701])
    _body_append(document, _para("第一项要求", num=(701, 0)))
    assert _read(document, tmp_path).text == "第一项要求"


# --------------------------------------------------------------------------- bold, breaks, spaces


def _runs(*parts: tuple[str, bool]) -> str:
    return "".join(f'<w:r>{"<w:rPr><w:b/></w:rPr>" if bold else ""}<w:t xml:space="preserve">{t}</w:t></w:r>'
                   for t, bold in parts)


def test_bold_heading_hint_and_bold_lead_in(tmp_path: Path) -> None:
    document = docx.Document()
    for parts in [
        [("2023年工作回顾", True)],
        [("——我们砥砺攻坚，高质量发展成效明显。", True)],  # a bold sentence, not a heading
        [("科技创新动力强劲。", True), ("科学城加快建设，国家实验室园区开工。", False)],
        [("普通段落，没有加粗。", False)], [("再一个普通段落。", False)], [("第三个普通段落。", False)],
    ]:
        _body_append(document, _para(runs=_runs(*parts)))
    doc = _read(document, tmp_path)
    assert doc.headings == ["2023年工作回顾"]
    assert "科技创新动力强劲。科学城加快建设，国家实验室园区开工。" in doc.text.split("\n")
    assert any("bold lead-in" in note for note in doc.notes)


def test_bold_everywhere_is_no_hint(tmp_path: Path) -> None:
    document = docx.Document()
    for text in ["第一段标题", "第二段标题", "第三段也加粗"]:
        _body_append(document, _para(runs=_runs((text, True))))
    _body_append(document, _para("唯一的普通段落。"))
    assert _read(document, tmp_path).headings == []


def test_line_breaks_spaces_and_split_runs(tmp_path: Path) -> None:
    document = docx.Document()
    br = "<w:r><w:br/></w:r>"
    _body_append(document, _para(runs=(
        '<w:r><w:t xml:space="preserve">\u3000\u3000全市科技创新实力</w:t></w:r>' + br +
        '<w:r><w:t>明显提升。</w:t></w:r>' + br + '<w:r><w:t>研发投入稳步增长，</w:t></w:r>' + br +
        "<w:r><w:t>（二）发展形势</w:t></w:r>")))
    _body_append(document, _para(runs=(  # a word split by proofing marks and runs
        '<w:r><w:t>高新技术</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t>企</w:t></w:r>'
        '<w:proofErr w:type="spellEnd"/><w:r><w:t>业164家</w:t></w:r>')))
    _body_append(document, _para("杭州市人民政府市长\u00a0 姚高员"))
    _body_append(document, _para("\u3000\u3000"))  # empty after stripping: skipped
    _body_append(document, _para(runs='<w:fldSimple w:instr=" DOCPROPERTY x "><w:r><w:t>域中的文字</w:t></w:r></w:fldSimple>'))
    assert _read(document, tmp_path).text.split("\n") == [
        "全市科技创新实力明显提升。", "研发投入稳步增长，", "（二）发展形势", "高新技术企业164家",
        "杭州市人民政府市长 姚高员", "域中的文字",
    ]


# --------------------------------------------------------------------------- TOC, placeholders, hidden


def _toc_field_paragraphs(entries: list[str]) -> list[str]:
    out = []
    for i, entry in enumerate(entries):
        begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" '
                 '\\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>') if i == 0 else ""
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if i == len(entries) - 1 else ""
        out.append(_para(runs=begin + f'<w:r><w:t>{entry}</w:t></w:r>' + end))
    return out


def test_toc_field_and_title_removed_and_recorded(tmp_path: Path) -> None:
    document = docx.Document()
    _body_append(document, _para("目\u3000\u3000录"))
    for xml in _toc_field_paragraphs(["一、发展基础\t3", "二、总体要求\t6"]):
        _body_append(document, xml)
    _body_append(document, _para("一、发展基础", style=document.styles["Heading 1"].style_id))
    doc = _read(document, tmp_path)
    assert doc.text == "一、发展基础"
    toc = [text for rule, text in doc.removed if rule == "docx_table_of_contents"]
    assert toc == ["目\u3000\u3000录", "一、发展基础 3", "二、总体要求 6"]


def test_toc_styles_sdt_and_toc_hyperlinks_removed(tmp_path: Path) -> None:
    document = docx.Document()
    toc1 = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    _body_append(document, _para("第一章 总则 1", style=toc1.style_id))
    _body_append(document, (
        f'<w:sdt {W}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr>'
        '<w:sdtContent><w:p><w:r><w:t>第二章 规划 5</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    _body_append(document, _para(runs='<w:hyperlink w:anchor="_Toc123"><w:r><w:t>第三章 保障 9</w:t></w:r></w:hyperlink>'))
    _body_append(document, _para("第一章 总则"))
    doc = _read(document, tmp_path)
    assert doc.text == "第一章 总则"
    assert sorted(t for r, t in doc.removed if r == "docx_table_of_contents") == [
        "第一章 总则 1", "第三章 保障 9", "第二章 规划 5"]


def test_placeholders_and_hidden_text_removed(tmp_path: Path) -> None:
    document = docx.Document()
    _body_append(document, (
        f'<w:sdt {W}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Choose an item.</w:t>'
        '</w:r></w:p></w:sdtContent></w:sdt>'))
    _body_append(document, _para("单击或点击此处输入文字。"))
    _body_append(document, _para(runs=(
        '<w:r><w:t>发文机关：</w:t></w:r><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
        '<w:r><w:t>选择一项。</w:t></w:r></w:sdtContent></w:sdt>')))
    _body_append(document, _para(runs='<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏的文字</w:t></w:r><w:r><w:t>正文。</w:t></w:r>'))
    doc = _read(document, tmp_path)
    assert doc.text.split("\n") == ["发文机关：", "正文。"]
    rules = {(rule, text) for rule, text in doc.removed}
    assert {("docx_placeholder", "Choose an item."), ("docx_placeholder", "单击或点击此处输入文字。"),
            ("docx_placeholder", "选择一项。"), ("docx_hidden_text", "隐藏的文字")} <= rules


# --------------------------------------------------------------------------- tables


def test_layout_table_becomes_lines(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "中华人民共和国能源行业标准"
    table.cell(2, 1).text = "（本稿完成日期：2023年3月9日）"
    doc = _read(document, tmp_path)
    assert doc.text.split("\n") == ["中华人民共和国能源行业标准", "（本稿完成日期：2023年3月9日）"]
    assert any("layout table" in note for note in doc.notes)


def test_merged_header_cells_repeated_in_grid(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    corner = table.cell(0, 0).merge(table.cell(1, 0))  # vertical merge
    corner.text = "要素"
    top = table.cell(0, 1).merge(table.cell(0, 2))  # horizontal merge
    top.text = "提供输入"
    for c, value in enumerate(["SF1", "SF2"], start=1):
        table.cell(1, c).text = value
    for c, value in enumerate(["SF1", "", "×"]):
        table.cell(2, c).text = value
    cells = [line for line in _read(document, tmp_path).text.split("\n")]
    assert cells == ["\t要素", "\t提供输入", "\t提供输入", "", "\t要素", "\tSF1", "\tSF2", "",
                     "\tSF1", "\t", "\t×"]


# --------------------------------------------------------------------------- properties and title


def test_properties_and_title_from_title_style(tmp_path: Path) -> None:
    document = docx.Document()
    props = document.core_properties
    props.title, props.author, props.subject, props.keywords = "标准名称", "起草组", "核电", "定期安全评价"
    document.add_paragraph("江门市科技创新实施方案", style="Title")
    document.add_paragraph("正文。")
    doc = _read(document, tmp_path)
    assert doc.title == "江门市科技创新实施方案"
    assert doc.headings == ["江门市科技创新实施方案"]
    assert doc.properties["title"] == "标准名称"
    assert doc.properties["author"] == "起草组"
    assert doc.properties["subject"] == "核电" and doc.properties["keywords"] == "定期安全评价"
    assert "created" in doc.properties and isinstance(doc.properties["created"], str)


def test_only_toc_is_an_error(tmp_path: Path) -> None:
    from planqa.errors import IngestError

    document = docx.Document()
    for xml in _toc_field_paragraphs(["一、发展基础\t3"]):
        _body_append(document, xml)
    with pytest.raises(IngestError, match="no text"):
        _read(document, tmp_path)


# --------------------------------------------------------------------------- a seed as .docx

_CHAPTER_RE = re.compile(r"^[一二三四五六七八九十]+、")
_CLAUSE_RE = re.compile(r"^\([一二三四五六七八九十]+\)")
_ITEM_RE = re.compile(r"^\d+\.")


def test_seed_written_as_docx_reads_back(tmp_path: Path) -> None:
    """The Jiangmen seed as Word would hold it: its title in the Title style, 一、 chapters numbered
    by numbering.xml (text without the number) in a custom "章标题" style, (一) clauses numbered
    too in "一级条标题", and 1. items in a style that is a heading only through its basedOn chain's
    outline level, with the number both typed and auto-numbered (must not double)."""
    seed = CORPUS / "jiangmen-bqw-sti-implementation-plan-2023.txt"
    if not seed.exists():
        pytest.skip("seed not present")
    lines = [line.strip() for line in seed.read_text(encoding="utf-8").split("\n") if line.strip()]
    document = docx.Document()
    _add_numbering(document, 95, [("chineseCounting", "%1、", 1), ("chineseCounting", "(%2)", 1),
                                  ("decimal", "%3.", 1)], [801])
    chapter = _custom_style(document, "章标题", num=(801, 0))
    clause = _custom_style(document, "一级条标题", num=(801, 1))
    base = _custom_style(document, "标准文件_条", outline=2)
    item = _custom_style(document, "标准文件_二级条", based_on="标准文件_条", num=(801, 2))
    title_line = next(line for line in lines if line.startswith("江门市科技赋能"))
    expected_headings = [title_line]
    for line in lines:
        if line == title_line:
            document.add_paragraph(line, style="Title")
        elif _CHAPTER_RE.match(line):
            _body_append(document, _para(_CHAPTER_RE.sub("", line), style=chapter.style_id))
            expected_headings.append(line)
        elif _CLAUSE_RE.match(line):
            _body_append(document, _para(_CLAUSE_RE.sub("", line), style=clause.style_id))
            expected_headings.append(line)
        elif _ITEM_RE.match(line):
            _body_append(document, _para(line, style=item.style_id))  # typed and auto-numbered
            expected_headings.append(line)
        else:
            document.add_paragraph(line)
    assert base is not None
    doc = DocxReader().read(_save(document, tmp_path, "seed.docx"))
    out = doc.text.split("\n")
    assert han_count(doc.text) >= 0.98 * han_count("\n".join(lines))
    assert out == lines
    assert doc.title == title_line
    assert doc.headings == expected_headings


# --------------------------------------------------------------------------- the real DOCX files


def _challenge(name: str) -> Path:
    path = CHALLENGE / name
    if not path.exists():
        pytest.skip(f"{name} not present")
    return path


def _body_han(path: Path) -> int:
    """Han characters of all w:t text in word/document.xml (the hand count's base)."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return sum(han_count(t.text or "") for t in root.iter(f"{ns}t"))


def _removed_han(doc) -> int:
    return sum(han_count(text) for _, text in doc.removed)


@pytest.mark.parametrize(("name", "tops"), [
    ("hangzhou-2024-gov-work-report.docx", ["一、2023年工作回顾", "二、2024年政府工作安排"]),
    ("changsha-2024-gov-work-report.docx", ["一、2023年工作回顾", "二、2024年工作重点", "三、提高政府治理能力和水平"]),
    ("chengdu-2024-gov-work-report.docx", ["2023年工作回顾", "2024年工作安排建议", "全面加强政府自身建设"]),
])
def test_city_reports(name: str, tops: list[str]) -> None:
    path = _challenge(name)
    doc = read_file(path)
    lines = doc.text.split("\n")
    # Nothing is dropped from these pasted reports: every w:t character is in the text.
    assert doc.removed == []
    assert han_count(doc.text) >= 0.98 * _body_han(path)
    for top in tops:
        assert top in lines
    assert "" not in lines  # empty paragraphs skipped, no tables
    assert not any(line.startswith(("\u3000", " ")) for line in lines)  # indentation stripped
    assert "\u00a0" not in doc.text
    assert doc.title is None  # no Title-styled paragraph; the compiler's core properties are not a title
    assert doc.properties.get("author")


def test_chengdu_bold_headings_and_lead_ins() -> None:
    doc = read_file(_challenge("chengdu-2024-gov-work-report.docx"))
    assert doc.headings[0] == "2023年工作回顾"
    assert {"2023年工作回顾", "2024年工作安排建议", "全面加强政府自身建设",
            "（一）坚持科技引领、创新驱动，现代化产业体系加快构建"} <= set(doc.headings)
    assert not any(h.endswith("。") for h in doc.headings)  # bold sentences are not headings
    lines = doc.text.split("\n")
    assert any(line.startswith("科技创新动力强劲。西部（成都）科学城") for line in lines)  # lead-in kept in its paragraph


def test_changsha_split_runs_intact() -> None:
    doc = read_file(_challenge("changsha-2024-gov-work-report.docx"))
    assert han_count(doc.text) == _body_han(_challenge("changsha-2024-gov-work-report.docx"))
    assert "现在，我代表市人民政府向大会报告工作，请予审议，并请各位政协委员提出意见。" in doc.text.split("\n")


def test_hangzhou_no_break_space() -> None:
    doc = read_file(_challenge("hangzhou-2024-gov-work-report.docx"))
    assert doc.text.split("\n")[1] == "杭州市人民政府市长 姚高员"


def test_nbt_standard_draft() -> None:
    path = _challenge("nea-nbt-npp-periodic-safety-review-part1-draft-2023.docx")
    doc = read_file(path)
    lines = doc.text.split("\n")
    # The hand count: all w:t han minus the TOC and the template placeholder the reader records.
    expected = _body_han(path) - _removed_han(doc)
    assert _removed_han(doc) < 200
    assert han_count(doc.text) >= 0.98 * expected
    chapters = ["1 范围", "2 规范性引用文件", "3 术语和定义", "4 缩略语", "5 定期安全评价的策划和准备",
                "6 执行评价", "7 定期安全评价后工作"]
    for heading in chapters + ["前言", "引言", "5.1 确定评价范围和内容", "3.1 定期安全评价 periodic safety review",
                               "附录A（资料性附录）安全要素关联矩阵"]:
        assert heading in lines
        assert heading in doc.headings
    assert "6.1.2差异项分析及处置" in lines  # typed number, numbering switched off: not doubled
    assert not any(line.startswith("6.1.2 6.1.2") or line.startswith("6.1.26.1.2") for line in lines)
    assert "a)核电厂设计（SF1）" in lines
    # The TOC (entries with page numbers) and its title are gone and recorded.
    toc = [text for rule, text in doc.removed if rule == "docx_table_of_contents"]
    assert "1 范围 1" in toc and "目次" in toc
    assert not any(re.fullmatch(r".*\D\s?\d{1,2}", line) and line.startswith(("1 范围", "2 规范")) for line in lines)
    assert "目次" not in lines
    # The template placeholder is out; the document's own placeholders (NB/T XXXXX) stay.
    assert ("docx_placeholder", "点击此处添加与国际标准一致性程度的标识") in doc.removed
    assert not any("点击此处" in line for line in lines)
    assert "NB/T XXXXX—XXXX" in lines and "20XX - XX - XX发布" in lines
    # Cover layout tables are lines; the 16×16 matrix is a table with equal rows.
    assert "（本稿完成日期：2023年3月9日）" in lines
    cells = [line for line in lines if line.startswith("\t")]
    assert len(cells) == 16 * 16
    assert doc.properties["title"] == "标准名称" and doc.title is None
