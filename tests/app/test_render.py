"""HTML building for the app: everything from documents and queries is escaped."""

from planqa.app.export import hits_to_csv, hits_to_markdown
from planqa.app.render import (answer_html, citation_label, document_html, highlight_terms, mark_span,
                               paragraph_bounds, quote_in_paragraph, term_spans)
from planqa.records import Document, Section

EVIL = '加强<script>alert("x")</script>科技特派员<b>队伍</b>建设'


def test_mark_span_escapes_inside_and_outside_the_mark():
    html = mark_span(EVIL, 2, 10)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<mark") == 1 and "</mark>" in html


def test_highlight_terms_longest_first_and_escaped():
    assert term_spans("科技特派员和科技", ["科技", "科技特派员"]) == [(0, 5), (6, 8)]
    html = highlight_terms(EVIL, ["科技特派员", "<b>"])
    assert "<b>" not in html.replace("<b>队伍", "")  # the document's tag is shown as text
    assert "&lt;b&gt;" in html and html.count("<span") == 2


def test_answer_links_citations_and_escapes():
    html = answer_html('目标225家<img src=x onerror=alert(1)>。[1][2]')
    assert '<a href="#cite-1"' in html and '<a href="#cite-2"' in html
    assert "<img" not in html


def test_quote_in_paragraph_marks_the_quote_within_its_line():
    text = "第一段。\n高新技术企业数量达到225家，科技型中小企业170家。\n第三段。"
    start = text.index("225家")
    left, right = paragraph_bounds(text, start, start + 4)
    assert text[left:right].startswith("高新技术企业") and text[left:right].endswith("170家。")
    html = quote_in_paragraph(text, start, start + 4)
    assert "<mark" in html and "第一段" not in html and "第三段" not in html


def test_document_viewer_outline_span_and_escaping():
    text = "一、总体要求\n" + EVIL + "\n二、保障措施\n加强组织领导。"
    sections = [Section(("一、总体要求",), 0, text.index("二、"), 6),
                Section(("二、保障措施",), text.index("二、"), len(text), text.index("二、") + 6)]
    doc = Document("d1", "测试<规划>", text, sections=sections)
    start = text.index("加强组织")
    html = document_html(doc, start, start + 4)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'id=target' in html and html.count("<mark") == 1
    assert f'href="#s{sections[1].start}"' in html and f'id="s{sections[1].start}"' in html


def test_exports_carry_citations():
    hit = {"rank": 1, "score": 1.0, "doc_id": "d1", "title": "台山规划", "region": "台山市", "period": "十四五",
           "section": "一、总体要求", "start": 3, "end": 9, "text": "第一行\n第二行"}
    csv_text = hits_to_csv([hit])
    assert csv_text.startswith("\ufeff") and citation_label("台山规划", "一、总体要求", 3, 9) in csv_text
    md = hits_to_markdown("科技", [hit], grouped=True)
    assert "## 《台山规划》" in md and "   > 第二行" in md and "（第3–9字）" in md
