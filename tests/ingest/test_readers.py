"""Tests for the file readers: encodings, .docx, .pdf and .html extraction, and error messages."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from planqa.errors import IngestError
from planqa.ingest.readers import READERS, read_file, reader_for
from planqa.ingest.readers.docx import DocxReader
from planqa.ingest.readers.html import HtmlReader
from planqa.ingest.readers.markdown import MarkdownReader
from planqa.ingest.readers.pdf import PdfReader, is_page_number
from planqa.ingest.readers.txt import TxtReader, decode_bytes

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SAMPLE = "开平市科技创新“十四五”规划\n一、基础与形势\n高新技术企业从42家增加到164家。"


# --------------------------------------------------------------------------- txt


@pytest.mark.parametrize(
    ("name", "data", "encoding"),
    [
        ("utf8.txt", SAMPLE.encode("utf-8"), "utf-8"),
        ("bom.txt", codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        ("gb18030.txt", SAMPLE.encode("gb18030"), "gb18030"),
        ("gbk.txt", SAMPLE.encode("gbk"), "gb18030"),
        ("utf16.txt", SAMPLE.encode("utf-16"), "utf-16"),
    ],
)
def test_txt_encodings_read_back_exactly(tmp_path: Path, name: str, data: bytes, encoding: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    doc = read_file(path)
    assert doc.text == SAMPLE
    assert doc.encoding == encoding
    assert doc.format == "txt"


def test_txt_newlines_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("第一段\r\n第二段\r第三段\n".encode("gbk"))
    assert read_file(path).text == "第一段\n第二段\n第三段\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 4, "binary"),
        (b"", "file is empty"),
        (" \n\t\r\n\u3000 ".encode("utf-8"), "file is empty"),
    ],
    ids=["binary", "empty", "whitespace"],
)
def test_txt_rejects_bad_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "规划.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert message in str(info.value)
    assert "规划.txt" in str(info.value)


def test_txt_undecodable_is_refused_not_guessed(tmp_path: Path) -> None:
    # Bytes valid in neither UTF-8 nor GB18030, and no encoding fits them convincingly.
    for name, data in [("odd.txt", b"\x80abc\xff"), ("odder.txt", bytes(range(128, 256)) * 2)]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(IngestError, match=f"{name}: .*encoding"):
            TxtReader().read(path)


def test_txt_big5_is_not_read_as_gbk(tmp_path: Path) -> None:
    text = "開平市科技創新發展「十四五」規劃。高新技術企業數量由42家增加到164家。" * 3
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    doc = read_file(path)
    assert doc.text == text
    assert doc.encoding == "big5"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_corpus_files_are_utf8(path: Path) -> None:
    doc = read_file(path)
    assert doc.encoding == "utf-8"
    expected = "百千万工程" if path.name.startswith("jiangmen-bqw") else "十四五" if "14th" in path.name else "十三五"
    assert expected in doc.text
    assert "\r" not in doc.text


def test_corpus_has_five_files() -> None:
    assert len(list(CORPUS.glob("*.txt"))) == 5


# --------------------------------------------------------------------------- docx


def _make_docx(path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "开平市科技创新“十四五”规划"
    document.add_heading("一、基础与形势", level=1)
    document.add_paragraph("“十三五”期间，开平市深入实施创新驱动发展战略。")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["指标", "2020年", "2025年"], ["高新技术企业", "148", "200"],
                             ["研发经费", "7.78", "12"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 0).add_paragraph("（亿元）")  # a second paragraph in a cell
    document.add_paragraph("（一）发展基础")
    document.save(str(path))


def test_docx_paragraphs_tables_headings(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    _make_docx(path)
    doc = read_file(path)
    assert doc.format == "docx"
    assert doc.text.split("\n") == [
        "一、基础与形势",
        "“十三五”期间，开平市深入实施创新驱动发展战略。",
        "",
        "\t指标", "\t2020年", "\t2025年",
        "",
        "\t高新技术企业", "\t148", "\t200",
        "",
        "\t研发经费（亿元）", "\t7.78", "\t12",
        "",
        "（一）发展基础",
    ]
    assert doc.headings == ["一、基础与形势"]  # no title line in the body: no title heading
    # The core-properties title is file-declared metadata, not the document's own title line.
    assert doc.title is None
    assert doc.properties["title"] == "开平市科技创新“十四五”规划"


def test_docx_merged_cells_repeated_across_span(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 2))
    merged.text = "主要目标指标"
    for c, value in enumerate(["指标", "2020年", "2025年"]):
        table.cell(1, c).text = value
    path = tmp_path / "merged.docx"
    document.save(str(path))
    text = read_file(path).text
    # A merged cell stands in every grid column it spans, so all rows have the same cell count.
    assert text.split("\n")[:5] == ["\t主要目标指标"] * 3 + ["", "\t指标"]


def test_docx_truncated(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    _make_docx(good)
    data = good.read_bytes()
    bad = tmp_path / "截断.docx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as info:
        read_file(bad)
    assert "截断.docx" in str(info.value)
    assert "not a valid .docx" in str(info.value)


def test_docx_encrypted_ole(tmp_path: Path) -> None:
    path = tmp_path / "加密.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(IngestError) as info:
        DocxReader().read(path)
    assert "加密.docx" in str(info.value)
    assert "encrypted or legacy .doc" in str(info.value)


# --------------------------------------------------------------------------- pdf

PDF_PAGES = [
    ["高新技术企业从42家增加到164家，规模以上工业企业研发机构覆盖率达到百分之六十，", "创新主体快速成长。", "一、基础与形势"],
    ["全社会研发经费投入占地区生产总值的比重达到百分之一点九九，科技创新实力稳步", "增强，创新环境不断改善。", "（一）发展基础"],
    ["省级以上重点实验室和工程技术研究中心等各类创新平台达到六十二家，孵化育成", "体系不断完善。", "二、总体要求"],
]


def _cjk_canvas(path: Path):
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path))


def _make_pdf(path: Path, **canvas_kwargs) -> None:
    c = _cjk_canvas(path)
    if canvas_kwargs:
        from reportlab.pdfgen import canvas

        c = canvas.Canvas(str(path), **canvas_kwargs)
    for number, (first, second, heading) in enumerate(PDF_PAGES, start=1):
        c.setFont("STSong-Light", 10)
        c.drawString(72, 800, "开平市科技创新规划")
        c.setFont("STSong-Light", 12)
        c.drawString(72, 700, first)
        c.drawString(72, 684, second)
        c.drawString(72, 660, heading)
        c.drawString(290, 40, f"- {number} -")
        c.showPage()
    c.save()


def test_pdf_headers_footers_removed_and_lines_joined(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    _make_pdf(path)
    doc = read_file(path)
    assert doc.format == "pdf"
    assert "开平市科技创新规划" not in doc.text
    assert "- 1 -" not in doc.text and "- 3 -" not in doc.text
    lines = doc.text.split("\n")
    assert lines == [
        PDF_PAGES[0][0] + PDF_PAGES[0][1], PDF_PAGES[0][2],
        PDF_PAGES[1][0] + PDF_PAGES[1][1], PDF_PAGES[1][2],
        PDF_PAGES[2][0] + PDF_PAGES[2][1], PDF_PAGES[2][2],
    ]
    assert any("header" in note for note in doc.notes)


def test_pdf_table_in_cell_form(tmp_path: Path) -> None:
    c = _cjk_canvas(tmp_path / "table.pdf")
    from reportlab.platypus import Table, TableStyle

    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "主要目标指标如下：")
    table = Table([["指标", "2020年", "2025年"], ["高新技术企业", "148", "200"]], colWidths=[120, 80, 80])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 12),
                               ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    table.wrapOn(c, 400, 200)
    table.drawOn(c, 72, 680)
    c.drawString(72, 640, "以上指标均为预期性指标。")
    c.showPage()
    c.save()
    doc = PdfReader().read(tmp_path / "table.pdf")
    assert doc.text.split("\n") == [
        "主要目标指标如下：", "",
        "\t指标", "\t2020年", "\t2025年", "",
        "\t高新技术企业", "\t148", "\t200", "",
        "以上指标均为预期性指标。",
    ]


def test_pdf_flowing_paragraphs_across_pages(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    path = tmp_path / "flow.pdf"
    _cjk_canvas(path)  # registers the CID font
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=18,
                          wordWrap="CJK", firstLineIndent=24)
    head = ParagraphStyle("head", fontName="STSong-Light", fontSize=14, leading=24)
    phrases = ["深入实施创新驱动发展战略", "高新技术企业从42家增加到164家", "研发投入持续加大",
               "创新平台建设成效显著", "科技人才队伍不断壮大", "孵化育成体系不断完善", "产学研合作日益紧密",
               "科技金融服务持续优化", "知识产权保护明显加强", "区域创新体系基本形成"]
    rng = random.Random(7)
    expected: list[str] = []
    story = []
    for n in range(1, 7):
        heading = f"（{'一二三四五六'[n - 1]}）第{n}项重点任务"
        expected.append(heading)
        story.append(Paragraph(heading, head))
        for k in range(2):
            text = "，".join(rng.choice(phrases) for _ in range(10 + 30 * k)) + "。"
            expected.append(text)
            story.append(Paragraph(text, body))

    def decorate(canvas, doc) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, 800, "开平市人民政府办公室文件")
        canvas.drawCentredString(300, 30, f"第 {doc.page} 页 共 4 页")

    SimpleDocTemplate(str(path)).build(story, onFirstPage=decorate, onLaterPages=decorate)
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        assert len(pdf.pages) >= 3  # running headers are only detected from 3 pages on
        pages = [page.extract_text().replace("\n", "") for page in pdf.pages]
    # Some paragraph runs over a page break, so joining across pages is exercised.
    assert any(not any(text in page for page in pages) for text in expected)
    doc = read_file(path)
    assert doc.text.split("\n") == expected
    assert any("page-number" in note for note in doc.notes)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    c = _cjk_canvas(path)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert "OCR" in str(info.value) and "scan.pdf" in str(info.value)


def test_pdf_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    _make_pdf(path, encrypt="secret")
    with pytest.raises(IngestError, match="password-protected"):
        read_file(path)


def test_pdf_invalid(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj garbage\n")
    with pytest.raises(IngestError, match="broken.pdf.*not a valid PDF"):
        read_file(path)
    html = tmp_path / "download.pdf"
    html.write_bytes(b"<html><body>404</body></html>")
    with pytest.raises(IngestError, match="not a valid PDF"):
        read_file(html)


@pytest.mark.parametrize("line", ["- 3 -", "第3页", "3", "第 3 页 共 10 页", "3/10", "— 12 —", "Page 2 of 9"])
def test_page_number_lines(line: str) -> None:
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["3.科技创新实力稳步增强", "2025年比2020年增长12%", "第三章 总体要求"])
def test_not_page_number_lines(line: str) -> None:
    assert not is_page_number(line)


# --------------------------------------------------------------------------- html

GOV_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>开平市科技创新“十四五”规划_规划计划_开平市人民政府门户网站</title>
<script>var x = "脚本里的文字不应出现";</script><style>.a {{ color: red }}</style></head>
<body>
<div class="top"><nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li></ul></nav></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 规划计划</div>
<div class="main-wrap">
  <div class="sidebar"><ul><li>热点专题</li><li>政策解读</li></ul></div>
  <div class="article-box">
    <h1>开平市科技创新“十四五”规划</h1>
    <div class="info">发布日期：2022-01-10　来源：开平市科学技术局</div>
    <div class="TRS_Editor">
      <h2>一、基础与形势</h2>
      <p>　　“十三五”期间，开平市深入实施创新驱动发展战略，
      全市科技创新实力明显提升。</p>
      <p>高新技术企业从42家增加到164家。<br>研发投入稳步增长。</p>
      <table border="1">
        <tr><th>指标</th><th>2020年</th><th>2025年</th></tr>
        <tr><td>高新技术企业</td><td>148</td><td><p>200</p></td></tr>
      </table>
      <p>（一）发展基础</p>
    </div>
    <div class="bdsharebuttonbox">分享到：微信 微博</div>
  </div>
</div>
<footer><p>版权所有：开平市人民政府 粤ICP备05001234号</p></footer>
</body></html>
"""


def _check_gov_page(doc) -> None:
    assert doc.format == "html"
    assert doc.title == "开平市科技创新“十四五”规划"
    assert doc.text.split("\n") == [
        "开平市科技创新“十四五”规划",  # the page's <h1> title line comes first
        "一、基础与形势",
        "“十三五”期间，开平市深入实施创新驱动发展战略，全市科技创新实力明显提升。",
        "高新技术企业从42家增加到164家。",
        "研发投入稳步增长。",
        "",
        "\t指标", "\t2020年", "\t2025年", "",
        "\t高新技术企业", "\t148", "\t200", "",
        "（一）发展基础",
    ]
    assert doc.headings == ["开平市科技创新“十四五”规划", "一、基础与形势"]
    for chrome in ("首页", "当前位置", "版权所有", "热点专题", "分享到", "脚本"):
        assert chrome not in doc.text


def test_html_government_page(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(GOV_PAGE.format(charset="utf-8"), encoding="utf-8")
    doc = read_file(path)
    _check_gov_page(doc)
    assert doc.encoding == "utf-8"


def test_html_gbk_page(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(GOV_PAGE.format(charset="gbk").encode("gbk"))
    doc = HtmlReader().read(path)
    _check_gov_page(doc)
    assert doc.encoding == "gb18030"


def test_html_without_content_class_uses_most_cjk_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "plain.html"
    path.write_text(
        "<html><body><div><p>首页</p></div><div><p>第一段正文内容较长，讲述科技创新。</p>"
        "<p>第二段正文内容。</p></div></body></html>", encoding="utf-8")
    assert read_file(path).text == "第一段正文内容较长，讲述科技创新。\n第二段正文内容。"


def test_decode_bytes_prefers_valid_utf8_over_wrong_meta(tmp_path: Path) -> None:
    text, encoding = decode_bytes(SAMPLE.encode("utf-8"), tmp_path / "x.html", declared="gb2312")
    assert (text, encoding) == (SAMPLE, "utf-8")


# --------------------------------------------------------------------------- dispatch


def test_reader_for_by_suffix() -> None:
    assert isinstance(reader_for("a.TXT"), TxtReader)
    assert isinstance(reader_for("a.Docx"), DocxReader)
    assert isinstance(reader_for("a.pdf"), PdfReader)
    assert isinstance(reader_for("a.htm"), HtmlReader)
    assert isinstance(reader_for("a.md"), MarkdownReader)
    assert isinstance(reader_for("a.markdown"), MarkdownReader)
    assert len(READERS) == 5


def test_reader_for_unknown_suffix() -> None:
    with pytest.raises(IngestError) as info:
        reader_for("规划.xyz")
    message = str(info.value)
    assert "规划.xyz" in message and "unsupported file type '.xyz'" in message
    assert ".txt" in message and ".docx" in message and ".pdf" in message and ".html" in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="nothere.txt: file not found"):
        read_file(tmp_path / "nothere.txt")


def test_too_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(SAMPLE * 100, encoding="utf-8")
    with pytest.raises(IngestError, match=r"big.txt: file is too large \(.+ > limit 1 KB\)"):
        read_file(path, max_bytes=1024)
    assert read_file(path, max_bytes=1 << 20).text == SAMPLE * 100


def test_unexpected_reader_error_becomes_ingest_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text(SAMPLE, encoding="utf-8")

    def boom(self, p):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(TxtReader, "read", boom)
    with pytest.raises(IngestError, match="a.txt: could not read the file .*kaboom"):
        read_file(path)
