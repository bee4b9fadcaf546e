"""Paragraph restoration: conversion markers, hard-wrapped lines, run-on text (inline fixtures and derived seeds)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planqa.ingest import load_document
from planqa.ingest.chrome import Removals
from planqa.ingest.clean import clean
from planqa.ingest.metadata import load_manifest
from planqa.ingest.reflow import remove_conversion_markers, split_run_on, wrap_width

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PARAGRAPHS = [
    "一、总体要求",
    "到2025年，全市科技创新能力显著增强，研究与试验发展经费投入强度达到3%，国家高新技术企业数量达到500家，"
    "建成一批高水平创新平台，形成具有区域影响力的创新生态体系。",
    "二、主要任务",
    "（一）加强关键核心技术攻关",
    "聚焦先进制造、新一代信息技术、生物医药等重点领域，组织实施一批重大科技专项，突破一批关键核心技术，"
    "推动科技成果在本地转化和产业化，支撑产业转型升级和高质量发展。",
    "（二）强化企业创新主体地位",
    "支持龙头企业牵头组建创新联合体，引导中小企业加大研发投入，完善科技型企业梯次培育体系，"
    "落实研发费用加计扣除等普惠性政策。",
]


def _han(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def _wrap(paragraphs: list[str], width: int) -> str:
    return "\n".join(p[i:i + width] for p in paragraphs for i in range(0, len(p), width))


def test_hard_wrapped_lines_are_joined_into_paragraphs():
    raw = _wrap(PARAGRAPHS * 3, 30)
    assert wrap_width(raw.split("\n")) == 30
    result = clean(raw)
    assert result.text.split("\n") == [p for p in PARAGRAPHS * 3]
    assert result.report["wrapped_lines_joined"] > 0


def test_paragraph_lines_are_not_taken_for_wraps():
    assert wrap_width((PARAGRAPHS * 3)) is None
    assert clean("\n".join(PARAGRAPHS)).text.split("\n") == PARAGRAPHS


def test_run_on_text_is_split_at_headings():
    one_line = "".join(PARAGRAPHS * 2)
    lines = split_run_on(one_line)
    assert "一、总体要求" in lines and "（一）加强关键核心技术攻关" in lines and "二、主要任务" in lines
    assert "".join(lines) == one_line  # only line breaks move


def test_run_on_headings_after_dates_and_notes_follow_their_series():
    text = ("一、工作目标到2025年，完成各项任务。[市科技局牵头]二、保障措施（一）加强组织领导。"
            "各部门要落实责任。台山市人民政府2022年8月31日三、附则本方案自印发之日起施行。") * 3
    assert "二、保障措施" in split_run_on(text) and "三、附则" in split_run_on(text)


def test_conversion_markers_and_page_separators_removed():
    removals = Removals()
    lines = ["<图片内容|start>", "正文第一段。<img src=\"a.png\">", "--- 第3页 ---", "— 5 —", "正文第二段。"]
    assert remove_conversion_markers(lines, removals) == ["", "正文第一段。", "正文第二段。"]
    assert {rule for rule, _ in removals.items} == {"ocr_image_marker", "html_tag", "page_marker"}


def test_web_text_without_line_breaks_keeps_its_body():
    """A whole page on one line: chrome phrases go, the body stays (the line is never dropped)."""
    body = "".join(PARAGRAPHS * 4)
    line = "首页 > 政务公开 > 政策文件 字号：大 中 小 " + body + "扫一扫在手机打开当前页 粤ICP备05080324号 网站标识码4407810001"
    result = clean(line)
    assert _han(result.text) >= 0.98 * _han(body)
    assert "扫一扫" not in result.text and "ICP备" not in result.text
    assert result.report["removed_chars"]["page_footer"] < 80


def test_a_long_body_line_mentioning_a_record_number_is_kept():
    line = "企业应当在取得备案号后十个工作日内提交材料，" * 10
    assert clean(line).text == line.replace("，", "，")


@pytest.mark.parametrize("shape", ["oneline", "wrap38"])
@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_seeds_reshaped_keep_their_top_level_outline_and_text(tmp_path, name, shape):
    manifest = load_manifest(CORPUS)
    base = load_document(CORPUS / name, manifest[name])
    lines = base.text.split("\n")
    if shape == "oneline":
        derived = "".join(lines)
    else:  # table rows stay whole, as a PDF text layer keeps them on their own lines
        derived = "\n".join(piece for line in lines
                            for piece in ([line] if " | " in line else [line[i:i + 38] for i in range(0, len(line), 38)]))
    path = tmp_path / name
    path.write_text(derived, encoding="utf-8")
    document = load_document(path, manifest[name])
    top = [s.path[0] for s in document.sections if len(s.path) == 1]
    assert top == [s.path[0] for s in base.sections if len(s.path) == 1]
    assert _han(document.text) >= 0.98 * _han(base.text)


TOC_ENTRIES = [("一、总体要求", 1), ("（一）指导思想", 1), ("（二）发展目标", 2), ("二、主要任务", 3),
               ("（一）加强关键核心技术攻关", 3), ("（二）强化企业创新主体地位", 5)]


def test_run_on_text_keeps_spaces_of_dropped_line_breaks_and_still_splits():
    """A capture that dropped the line breaks keeps the indentation: "。  （一）…" still opens a paragraph."""
    lines = [line.strip() for line in split_run_on("前  言 本规划根据有关文件编制。  " + "  ".join(PARAGRAPHS))]
    assert "（一）加强关键核心技术攻关" in lines and "（二）强化企业创新主体地位" in lines and "二、主要任务" in lines
    assert lines[0].strip() == "前  言"  # letter-spaced front matter is a heading of its own


def test_run_on_table_of_contents_is_split_and_removed():
    """Entries with leader dots and page numbers glued into one line: each entry is cut (whatever its
    number: the body's 一、 follows the contents' 二、) and removed as contents, the body keeps its headings."""
    toc = "".join(f"{title}{'·' * 12}{page}" for title, page in TOC_ENTRIES)
    body = "".join(PARAGRAPHS).replace("。二、", "。  二、")
    result = clean(("台山市科技创新规划 " + toc + " " + body) * 1 + "".join(PARAGRAPHS) * 8)
    lines = result.text.split("\n")
    assert "一、总体要求" in lines and "（一）加强关键核心技术攻关" in lines
    assert not any("····" in line for line in lines)
    assert result.report["removed_chars"]["table_of_contents"] >= sum(len(t) + 12 for t, _ in TOC_ENTRIES)


def test_hard_wrapped_table_of_contents_entry_is_removed_whole():
    """An entry cut by the wrap keeps its leaders on the first line and its page number on the next."""
    lines = []
    for title, page in TOC_ENTRIES:
        entry = f"{title}{'·' * 40}{page}"
        lines += [entry[:38], entry[38:]]
    result = clean("\n".join(lines + PARAGRAPHS))
    assert result.text.split("\n") == PARAGRAPHS
    assert result.report["removed_chars"]["table_of_contents"] == sum(len(t) + 40 + len(str(p)) for t, p in TOC_ENTRIES)


@pytest.mark.parametrize("shape", ["oneline", "wrap38"])
@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_raw_seed_files_reshaped_keep_their_top_level_outline(tmp_path, name, shape):
    """The captured files themselves (web chrome, contents with leader dots, page footers, Word
    bookmarks) without their line breaks or hard-wrapped. A capture of a document-sharing site's
    page fragments is a shape of its own whose fragment markers need its line breaks: not reshaped."""
    from bench.reshaped_seeds import one_line, wrapped

    manifest = load_manifest(CORPUS)
    base = load_document(CORPUS / name, manifest[name])
    if base.cleaning_report.get("page_fragments_joined"):
        pytest.skip("page-fragment capture: its fragment markers are line-based")
    raw = (CORPUS / name).read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(one_line(raw) if shape == "oneline" else wrapped(raw), encoding="utf-8")
    document = load_document(path, manifest[name])
    assert [s.path[0] for s in document.sections if len(s.path) == 1] == \
        [s.path[0] for s in base.sections if len(s.path) == 1]
    assert not any("····" in line for line in document.text.split("\n"))
