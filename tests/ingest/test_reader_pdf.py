"""The pypdfium2 PDF reader: lines, spaces, page furniture, footnotes, paragraphs, ruled tables, and
the three real challenge PDFs."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest

from planqa.errors import IngestError
from planqa.ingest.readers.pdf import PdfReader, is_page_number

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
CHALLENGE = ROOT.parent / "shared" / "challenge"
HAN_RE = re.compile(r"[\u4e00-\u9fff]")
FONT = "STSong-Light"


def _han(text: str) -> int:
    return len(HAN_RE.findall(text))


def _canvas(path: Path, **kwargs):
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return canvas.Canvas(str(path), **kwargs)


def _read(path: Path):
    return PdfReader().read(path)


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


# --------------------------------------------------------------------------- page numbers


@pytest.mark.parametrize("line", ["1 0", "— 5 —", "- 3 -", "第3页", "第 1 2 页", "— 1 0 —", "·7·", "第三页",
                                  "第 3 页 共 10 页", "Page 2 of 9", "12/30"])
def test_page_number_forms(line: str) -> None:
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["3.科技创新实力稳步增强", "第三章 总体要求", "2025年", "1.5", "（3）"])
def test_not_page_numbers(line: str) -> None:
    assert not is_page_number(line)


# --------------------------------------------------------------------------- spaces


def test_letter_spaced_lines_and_digit_spaces(tmp_path: Path) -> None:
    path = tmp_path / "redhead.pdf"
    c = _canvas(path)
    c.setFont(FONT, 30)
    c.drawString(90, 760, "中共开平市委文件", charSpace=14)          # spacing in the layout
    c.setFont(FONT, 22)
    c.drawString(90, 720, "开 平 市 人 民 政 府")                     # spaces typed between the glyphs
    c.setFont(FONT, 14)
    c.drawString(200, 680, "开发〔2018〕 10 号")
    c.drawString(200, 650, "（2018 年 4 月 7 日）")
    c.drawString(72, 610, "采用 BIM 技术和 Microsoft Word 2016 软件编制。")
    c.drawString(72, 580, "第一条　为规范管理，制定本办法。")
    c.showPage()
    c.save()
    lines = _lines(_read(path).text)
    assert lines == ["中共开平市委文件", "开平市人民政府", "开发〔2018〕10号", "（2018年4月7日）",
                     "采用BIM技术和Microsoft Word 2016软件编制。", "第一条 为规范管理，制定本办法。"]


# --------------------------------------------------------------------------- a seed document rendered as a PDF


def _seed_paragraphs() -> list[str]:
    path = CORPUS / "jiangmen-bqw-sti-implementation-plan-2023.txt"
    if not path.exists():
        pytest.skip("seed corpus not present")
    return [line.strip() for line in path.read_text(encoding="utf-8").split("\n")
            if line.strip() and "\t" not in line]


def _wrap(text: str, first: float, width: float, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, current, limit = [], "", first
    for ch in text:
        if current and stringWidth(current + ch, FONT, size) > limit:
            lines.append(current)
            current, limit = "", width
        current += ch
    return lines + [current]


HEADER = "科技赋能实施方案（征求意见稿）"


def _render_seed(path: Path, paragraphs: list[str], *, indent: bool, spaced_numbers: bool) -> int:
    """Hard-wrap paragraphs at a fixed width; running header, '— N —' footers, odd/even pages
    shifted for binding. Returns the page count."""
    from reportlab.lib.pagesizes import A4

    c = _canvas(path, pagesize=A4)
    width, height = A4
    size, leading, measure = 11, 17, 38 * 11
    page, y = 1, 0.0

    def start() -> float:
        c.setFont(FONT, 9)
        c.drawString(left(), height - 50, HEADER)
        c.setFont(FONT, size)
        return height - 90

    def finish() -> None:
        c.setFont(FONT, 10)
        if spaced_numbers:
            c.drawCentredString(width / 2, 40, str(page + 8), charSpace=5)  # letter-spaced "1 0", "1 1"
        else:
            c.drawCentredString(width / 2, 40, f"— {page} —")
        c.showPage()

    def left() -> float:
        return 80 if page % 2 else 100

    y = start()
    for paragraph in paragraphs:
        for i, text in enumerate(_wrap(paragraph, measure - (2 * size if indent else 0), measure, size)):
            if y < 80:
                finish()
                page += 1
                y = start()
            c.drawString(left() + (2 * size if indent and i == 0 else 0), y, text)
            y -= leading
    finish()
    c.save()
    return page


@pytest.mark.parametrize("indent", [True, False], ids=["first-line-indent", "no-indent"])
def test_seed_rendered_as_hard_wrapped_pdf_reads_back_as_paragraphs(tmp_path: Path, indent: bool) -> None:
    paragraphs = _seed_paragraphs()
    path = tmp_path / "seed.pdf"
    pages = _render_seed(path, paragraphs, indent=indent, spaced_numbers=not indent)
    assert pages >= 4
    doc = _read(path)
    lines = _lines(doc.text)
    source = "".join(paragraphs)
    assert _han(doc.text) >= 0.98 * _han(source)
    assert abs(len(lines) - len(paragraphs)) <= max(2, 0.03 * len(paragraphs))
    same = set(p.replace(" ", "") for p in paragraphs) & set(l.replace(" ", "") for l in lines)
    assert len(same) >= 0.95 * len(paragraphs)
    assert HEADER not in doc.text
    assert not any(is_page_number(line) for line in lines)
    assert not re.search(r"—\s*\d+\s*—", doc.text)
    rules = Counter(rule for rule, _ in doc.removed)
    assert rules["pdf_page_number"] == pages
    assert rules["pdf_running_header"] == pages
    assert doc.pages == pages


# --------------------------------------------------------------------------- headers, titles, footnotes


def test_title_repeated_as_running_header_is_kept_on_its_page(tmp_path: Path) -> None:
    path = tmp_path / "title.pdf"
    c = _canvas(path)
    title = "开平市科技创新规划"
    for n in range(1, 5):
        if n == 1:
            c.setFont(FONT, 22)
            c.drawString(150, 780, title)
        else:
            c.setFont(FONT, 9)
            c.drawString(72, 800, title)
        c.setFont(FONT, 12)
        c.drawString(72, 700, ["规划期为五年。", "目标如下。", "任务如下。", "保障措施如下。"][n - 1])
        c.drawCentredString(300, 40, f"- {n} -")
        c.showPage()
    c.save()
    doc = _read(path)
    lines = _lines(doc.text)
    assert lines[0] == title and doc.text.count(title) == 1
    assert Counter(r for r, _ in doc.removed) == {"pdf_running_header": 3, "pdf_page_number": 4}


def test_a_year_alone_at_the_page_bottom_is_not_a_page_number(tmp_path: Path) -> None:
    path = tmp_path / "cover.pdf"
    c = _canvas(path)
    c.setFont(FONT, 22)
    c.drawCentredString(300, 600, "开平市科技创新规划")
    c.setFont(FONT, 16)
    c.drawCentredString(300, 120, "2025")
    c.showPage()
    c.save()
    doc = _read(path)
    assert _lines(doc.text) == ["开平市科技创新规划", "2025"] and doc.removed == []


def _footnote_pdf(path: Path) -> None:
    c = _canvas(path)
    size = 14
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def body(x: float, y: float, text: str) -> None:
        c.setFont(FONT, size)
        c.drawString(x, y, text)

    first = "第十条 运营、运维相关工作经费"
    body(100, 700, first)
    x = 100 + stringWidth(first, FONT, size)
    c.setFont(FONT, 8)
    c.drawString(x, 706, "1")                                    # superscript reference mark
    rest = "纳入部门预算统筹安排，凡不符合"
    body(x + stringWidth("1", FONT, 8), 700, rest)
    right = x + stringWidth("1", FONT, 8) + stringWidth(rest, FONT, size)
    line2 = "要求的，不予审批建设项目，不予通过项目验收"
    # pad the second line to the right margin so that it reads as a wrapped (full) line
    c.setFont(FONT, size)
    c.drawString(72, 675, line2, charSpace=(right - 72 - stringWidth(line2, FONT, size)) / (len(line2) - 1))
    c.setLineWidth(0.5)
    c.line(72, 110, 220, 110)                                    # footnote separator
    c.setFont(FONT, 6)
    c.drawString(72, 100, "1")
    c.setFont(FONT, 9)
    c.drawString(76, 96, "《开平市政务数据共享管理办法》（开政发〔2021〕6号）。")
    c.setFont(FONT, 9)
    c.drawCentredString(300, 40, "1")
    c.showPage()
    body(72, 760, "和运维经费安排的条件。")
    body(100, 735, "第十一条 本办法自印发之日起实施。")
    c.setFont(FONT, 9)
    c.drawCentredString(300, 40, "2")
    c.showPage()
    c.save()


def test_footnote_kept_after_the_paragraph_that_cites_it(tmp_path: Path) -> None:
    path = tmp_path / "footnote.pdf"
    _footnote_pdf(path)
    doc = _read(path)
    assert _lines(doc.text) == [
        "第十条 运营、运维相关工作经费纳入部门预算统筹安排，凡不符合要求的，不予审批建设项目，"
        "不予通过项目验收和运维经费安排的条件。",
        "注1：《开平市政务数据共享管理办法》（开政发〔2021〕6号）。",
        "第十一条 本办法自印发之日起实施。",
    ]
    assert ("pdf_footnote_mark", "1") in doc.removed
    assert any("footnote" in note for note in doc.notes)


# --------------------------------------------------------------------------- tables


def test_rectangles_behind_text_lines_are_not_tables(tmp_path: Path) -> None:
    path = tmp_path / "boxes.pdf"
    c = _canvas(path)
    c.setLineWidth(1)
    c.rect(40, 40, 515, 760)                                     # a page frame
    for n, text in enumerate(["第一条 为规范政务数据共享，制定本办法。", "第二条 本办法适用于部机关各司局。",
                              "第三条 政务数据共享坚持统一标准。"]):
        y = 700 - 30 * n
        c.setFillColorRGB(1, 1, 1)
        c.rect(70, y - 8, 450, 28, stroke=0, fill=1)             # the white box behind each line
        c.setFillColorRGB(0.9, 0.9, 0.9)
        c.rect(70, y - 4, 450, 18, stroke=0, fill=1)             # a shaded band
        c.setFillColorRGB(0, 0, 0)
        c.setFont(FONT, 14)
        c.drawString(72, y, text)
    c.showPage()
    c.save()
    doc = _read(path)
    assert "\t" not in doc.text
    assert _lines(doc.text)[0] == "第一条 为规范政务数据共享，制定本办法。"


def test_table_ruled_with_thin_filled_bars_and_a_merged_cell(tmp_path: Path) -> None:
    """Word exports draw cell borders as thin filled rectangles; a header cell spans two columns."""
    path = tmp_path / "bars.pdf"
    c = _canvas(path)
    c.setFont(FONT, 12)
    c.drawString(72, 760, "主要指标如下：")
    xs, ys = [72, 222, 322, 422], [740, 715, 690, 665]

    def hbar(y: float, x0: float, x1: float) -> None:
        c.rect(x0, y - 0.25, x1 - x0, 0.5, stroke=0, fill=1)

    def vbar(x: float, y0: float, y1: float) -> None:
        c.rect(x - 0.25, y0, 0.5, y1 - y0, stroke=0, fill=1)

    for y in ys:
        hbar(y, xs[0], xs[-1])
    for x in (xs[0], xs[1], xs[3]):
        vbar(x, ys[-1], ys[0])
    vbar(xs[2], ys[-1], ys[1])                                   # no rule inside the merged header cell
    c.drawString(80, 722, "指标")
    c.drawString(300, 722, "目标值")
    for row, (name, a, b) in enumerate([("高新技术企业", "148", "200"), ("研发投入强度", "2.1%", "3%")]):
        y = 697 - 25 * row
        c.drawString(80, y, name)
        c.drawString(230, y, a)
        c.drawString(330, y, b)
    c.drawString(72, 630, "以上指标均为预期性指标。")
    c.showPage()
    c.save()
    doc = _read(path)
    assert doc.text.split("\n") == [
        "主要指标如下：", "",
        "\t指标", "\t目标值", "",
        "\t高新技术企业", "\t148", "\t200", "",
        "\t研发投入强度", "\t2.1%", "\t3%", "",
        "以上指标均为预期性指标。",
    ]


def test_table_with_row_span(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.platypus import Table, TableStyle

    path = tmp_path / "span.pdf"
    c = _canvas(path)
    table = Table([["领域", "任务", "牵头单位"], ["科技创新", "建设实验室", "市科技局"], ["", "培育企业", "市工信局"]],
                  colWidths=[100, 120, 100])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 12), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                               ("SPAN", (0, 1), (0, 2)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    table.wrapOn(c, 400, 200)
    table.drawOn(c, 72, 680)
    c.showPage()
    c.save()
    doc = _read(path)
    assert doc.text.split("\n") == [
        "\t领域", "\t任务", "\t牵头单位", "",
        "\t科技创新", "\t建设实验室", "\t市科技局", "",
        "\t培育企业", "\t市工信局",
    ]


# --------------------------------------------------------------------------- pages without text, watermarks, info


def test_page_without_text_layer_is_warned(tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    path = tmp_path / "partly-scanned.pdf"
    c = _canvas(path)
    c.setFont(FONT, 12)
    c.drawString(72, 760, "第一页有文字层。")
    c.showPage()
    buffer = io.BytesIO()
    Image.new("L", (200, 280), 200).save(buffer, format="PNG")
    buffer.seek(0)
    c.drawImage(ImageReader(buffer), 40, 40, 500, 700)
    c.showPage()
    c.save()
    doc = _read(path)
    assert doc.text == "第一页有文字层。"
    assert doc.pages == 2
    assert len(doc.warnings) == 1 and "page(s) 2 of 2" in doc.warnings[0] and "OCR" in doc.warnings[0]


def test_only_scanned_pages_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    c = _canvas(path)
    c.rect(60, 60, 480, 700, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(IngestError, match=r"scan\.pdf: no text layer \(scanned PDF\?\), OCR needed"):
        _read(path)


def test_rotated_watermark_is_removed_and_recorded(tmp_path: Path) -> None:
    path = tmp_path / "watermark.pdf"
    c = _canvas(path)
    c.setFont(FONT, 12)
    c.drawString(72, 760, "第一条 为规范管理，制定本办法。")
    c.drawString(72, 735, "第二条 本办法适用于全市。")
    c.saveState()
    c.translate(300, 400)
    c.rotate(45)
    c.setFont(FONT, 40)
    c.drawCentredString(0, 0, "内部资料")
    c.restoreState()
    c.showPage()
    c.save()
    doc = _read(path)
    assert "内部资料" not in doc.text
    assert ("pdf_rotated_text", "内部资料") in doc.removed
    assert _lines(doc.text) == ["第一条 为规范管理，制定本办法。", "第二条 本办法适用于全市。"]


def test_page_with_text_set_at_90_degrees_reads_upright(tmp_path: Path) -> None:
    """A landscape page printed onto a portrait page: the whole text runs bottom to top."""
    path = tmp_path / "turned.pdf"
    c = _canvas(path)
    c.setFont(FONT, 12)
    c.translate(500, 80)
    c.rotate(89.95)  # pdfium drops the non-embedded CID font's glyphs at exactly 90°; real files embed fonts
    for n, text in enumerate(["附表 重点项目清单", "第一项 建设科技创新平台。", "第二项 培育高新技术企业。"]):
        c.drawString(0, -30 * n, text)
    c.showPage()
    c.save()
    assert _lines(_read(path).text) == ["附表 重点项目清单", "第一项 建设科技创新平台。", "第二项 培育高新技术企业。"]


def test_pdf_info_in_properties_and_title_cleanup(tmp_path: Path) -> None:
    path = tmp_path / "info.pdf"
    c = _canvas(path)
    c.setTitle("Microsoft Word - 开平市科技创新规划")
    c.setAuthor("sky")
    c.setFont(FONT, 12)
    c.drawString(72, 760, "正文。")
    c.showPage()
    c.save()
    doc = _read(path)
    assert doc.title == "开平市科技创新规划"
    assert doc.properties["Title"] == "Microsoft Word - 开平市科技创新规划"
    assert doc.properties["Author"] == "sky"
    assert doc.properties["CreationDate"].startswith("D:")


# --------------------------------------------------------------------------- the real challenge PDFs


def _challenge(name: str):
    path = CHALLENGE / name
    if not path.exists():
        pytest.skip(f"challenge file {name} not present")
    return _read(path)


# Han characters in each file's text layer (all pages, pdfium get_text_range), counted by hand
# with HAN_RE; none of the page furniture holds han, so all of them belong to the main text.
BEIJING_HAN, TANGSHAN_HAN, MIIT_HAN = 14872, 9757, 4614


def _no_page_furniture(lines: list[str]) -> None:
    assert not any(is_page_number(line) for line in lines)
    assert not any(re.fullmatch(r"[-—–\s\d]+", line) for line in lines)


def test_beijing_report() -> None:
    doc = _challenge("beijing-2024-gov-work-report.pdf")
    lines = _lines(doc.text)
    assert _han(doc.text) >= 0.98 * BEIJING_HAN
    _no_page_furniture(lines)
    assert doc.removed == [] and doc.pages == 13
    assert "\t" not in doc.text
    for heading in ["一、2023年工作回顾", "二、2024年重点任务", "（一）持续提升首都功能，推动京津冀协同发展取得新的更大进展",
                    "（十一）加快构建大安全大应急框架，全力维护首都安全稳定"]:
        assert heading in lines
    assert len([l for l in lines if re.match(r"（[一二三四五六七八九十]+）", l)]) == 11
    # Paragraphs joined: every line ends a sentence, or is a heading on its own line.
    heading = re.compile(r"[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）")
    for line in lines:
        assert re.search(r"[。！？：；]$", line) or (heading.match(line) and len(line) < 45), line
    assert lines[0] == "各位代表："
    assert lines[1].startswith("现在，我代表北京市人民政府，向大会报告政府工作，请予审议，并请市政协委员提出意见。")
    assert "5.2%" in doc.text and "4.4万亿元" in doc.text and "2315万平方米" in doc.text
    assert doc.properties["CreationDate"] == "D:20240208203412+12'34'"
    assert doc.properties["Author"] == "sky"


def test_tangshan_redhead_opinions() -> None:
    doc = _challenge("tangshan-2018-optimize-business-environment-opinions-redhead.pdf")
    lines = _lines(doc.text)
    assert _han(doc.text) >= 0.98 * TANGSHAN_HAN
    _no_page_furniture(lines)
    assert not re.search(r"—\s*\d+\s*—", doc.text)
    assert Counter(r for r, _ in doc.removed) == {"pdf_page_number": 26}
    assert "\t" not in doc.text
    assert lines[:6] == ["中共唐山市委文件", "唐发〔2018〕10号", "中共唐山市委", "唐山市人民政府",
                         "关于进一步优化全市营商环境的意见", "（2018年4月7日）"]
    for heading in ["一、总体要求", "二、重点任务", "三、保障措施", "（一）深化行政审批制度改革，确保审批事项最少",
                    "1.取消、下放审批事项34项。", "（四）加强媒体宣传推介"]:
        assert heading in lines
    assert any(l.startswith("（1）对市场已具备自我调节能力、相应设定依据已修订的集中取消") for l in lines)
    assert any(l.startswith("①市司法局1项：取消基层法律服务所执业、变更、注销许可。") for l in lines)
    assert "6月底前" in doc.text and "精简到100项以内" in doc.text
    # Lines that do not end a sentence are headings or the short task fields.
    field_line = re.compile(r"(完成时限|责任领导|牵头部门|责任单位)：")
    heading = re.compile(r"[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d+\.|[①-⑳]")
    for line in lines[6:-1]:
        assert re.search(r"[。！？：；）]$", line) or field_line.match(line) or heading.match(line), line
    assert lines[-2:] == ["（此件公开发布）", "中共唐山市委办公厅 2018年4月8日印发"]
    assert doc.properties["Title"] == "·党内信息刊物·"


def test_miit_measures() -> None:
    doc = _challenge("miit-2021-gov-data-sharing-measures-trial.pdf")
    lines = _lines(doc.text)
    assert _han(doc.text) >= 0.98 * MIIT_HAN
    _no_page_furniture(lines)
    assert Counter(r for r, _ in doc.removed) == {"pdf_page_number": 12, "pdf_footnote_mark": 1}
    assert "\t" not in doc.text  # the white boxes behind every line are not tables
    assert lines[0] == "工业和信息化部政务数据共享管理办法（试行）"
    chapters = [l for l in lines if re.match(r"第[一二三四五六七八九十]+章", l)]
    assert chapters == ["第一章总则", "第二章机构职责", "第三章数据分类分级", "第四章数据编目汇聚", "第五章部内数据共享",
                        "第六章部外数据共享", "第七章数据共享安全", "第八章保障机制", "第九章附则"]
    articles = [l for l in lines if re.match(r"第[一二三四五六七八九十]+条 ", l)]
    assert len(articles) == 42
    # The footnote stands after the article that cites it; its mark is gone from the sentence.
    cite = next(i for i, l in enumerate(lines) if l.startswith("第三十七条"))
    assert lines[cite].endswith("不予安排运维经费。")
    assert lines[cite + 1] == "注1：《国务院办公厅关于建立健全政务数据共享协调机制加快推进数据有序共享的意见》（国办发〔2021〕6号）。"
    assert lines[cite + 2].startswith("第三十八条")
    # An article broken by a page break is one paragraph.
    assert any(l.startswith("第三十五条") and "统计口径、计算方法不一致" in l for l in lines)
