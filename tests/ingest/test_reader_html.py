"""HTML reader: main content, chrome out (and recorded), tables with spans, page metadata.

Tests on small inline pages, on pages derived from the seed texts, and on the four real pages in
../shared/challenge (skipped when absent). The by-hand counts below are the Han characters of each
page's body container (the element holding the document, found by reading the DOM), without the
hidden duplicate copy.
"""

from __future__ import annotations

import html
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from planqa.ingest.readers import read_file
from planqa.ingest.readers.html import HtmlReader, han_count

ROOT = Path(__file__).resolve().parents[2]
CHALLENGE = ROOT.parent / "shared" / "challenge"
CORPUS = ROOT / "corpus"


def _read_html(tmp_path: Path, body: str, head: str = "", name: str = "page.html"):
    path = tmp_path / name
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>",
                    encoding="utf-8")
    return HtmlReader().read(path)


def _removed_by_rule(doc) -> Counter:
    counts: Counter = Counter()
    for rule, text in doc.removed:
        counts[rule] += han_count(text)
    return counts


def _tables(text: str) -> list[list[list[str]]]:
    """TAB-cell tables of a reader text: lists of rows of cells."""
    tables: list[list[list[str]]] = []
    rows: list[list[str]] | None = None
    row: list[str] = []
    for line in text.split("\n") + [""]:
        if line.startswith("\t"):
            row.append(line[1:])
            continue
        if row:
            if rows is None:
                rows = []
                tables.append(rows)
            rows.append(row)
            row = []
        if line and rows is not None:
            rows = None  # a paragraph ends the table
    return tables


def _page_han(path: Path) -> int:
    """Han characters of the page's <body>, scripts and styles excluded."""
    import lxml.html
    tree = lxml.html.parse(str(path)).getroot()
    for el in list(tree.iter("script", "style", "noscript", "template")):
        el.drop_tree()
    return han_count(tree.body.text_content())


# --------------------------------------------------------------------------- small pages

PARAGRAPHS = [
    "为深入实施创新驱动发展战略，加快建设科技强市，结合本市实际，制定本方案。",
    "一、总体要求",
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，推动科技创新和产业创新深度融合。",
    "二、主要任务",
    "（一）强化企业科技创新主体地位。支持企业牵头组建创新联合体，承担重大科技项目，到2025年高新技术企业达到500家。",
    "（二）完善科技成果转化机制。建设一批概念验证中心和中试平台，推动高校院所科技成果就地转化。",
]

CHROME_BODY = """
<div class="head"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/xw">新闻中心</a></li>
<li><a href="/zw">政务公开</a></li><li><a href="/fw">政务服务</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zw">政务公开</a> &gt; <a href="/gh">规划计划</a></div>
<div class="wrap">
  <div class="xxgk"><table>
    <tr><td>索引号：</td><td>007216410/2024-01234</td><td>分类：</td><td>科技</td></tr>
    <tr><td>发布机构：</td><td>某市科学技术局</td><td>成文日期：</td><td>2024-03-01</td></tr>
    <tr><td>名称：</td><td colspan="3">某市科技创新实施方案</td></tr>
    <tr><td>文号：</td><td>某科〔2024〕5号</td><td>发布日期：</td><td>2024-03-05</td></tr>
  </table></div>
  <div class="article">
    <h1>某市科技创新实施方案</h1>
    <div class="info">发布时间：2024-03-05　来源：某市科学技术局</div>
    <div class="TRS_Editor">{paragraphs}</div>
    <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
  </div>
  <div class="xgwz"><h3>相关阅读</h3><ul>
    <li><a href="/a/1.html">某市科学技术局关于开展2024年科技企业孵化器认定工作的通知</a> 2024-02-01</li>
    <li><a href="/a/2.html">某市人民政府办公室关于印发某市促进科技成果转化若干措施的通知</a> 2024-01-15</li>
    <li><a href="/a/3.html">图解：某市科技创新实施方案政策解读要点一览</a> 2024-03-06</li>
  </ul></div>
</div>
<div class="footer"><a href="/map">网站地图</a> | <a href="/lx">联系我们</a>
<p>主办单位：某市人民政府办公室　网站标识码：4400000001　粤ICP备12345678号</p>
<p>扫一扫在手机打开当前页</p></div>
<div class="bbnr" style="display:none">{flat}</div>
"""


def _chrome_page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return CHROME_BODY.format(paragraphs=body, flat=html.escape("".join(paragraphs)))


def test_chrome_out_and_recorded_by_rule(tmp_path: Path) -> None:
    doc = _read_html(tmp_path, _chrome_page(PARAGRAPHS),
                     head="<title>某市科技创新实施方案_规划计划_某市人民政府门户网站</title>"
                          "<meta name='ArticleTitle' content='某市科技创新实施方案'>"
                          "<meta name='PubDate' content='2024-03-05 10:00'>"
                          "<meta name='ContentSource' content='某市科学技术局'>"
                          "<meta name='ColumnName' content='规划计划'>")
    lines = doc.text.split("\n")
    assert lines == ["某市科技创新实施方案", *PARAGRAPHS]  # the page's title line first
    for chrome in ("首页", "当前位置", "索引号", "发布机构", "分享到", "相关阅读", "孵化器", "网站地图",
                   "主办单位", "扫一扫", "发布时间"):
        assert chrome not in doc.text
    rules = _removed_by_rule(doc)
    assert rules["html_hidden_duplicate"] == sum(han_count(p) for p in PARAGRAPHS)
    assert rules["html_metadata_box"] > 0 and rules["html_related_links"] > 0 and rules["html_navigation"] > 0
    assert rules["html_boilerplate"] > 0
    # Nothing lost silently: kept plus removed is the whole visible and hidden text of the body.
    total = han_count(doc.text) + sum(rules.values())
    assert total == _page_han(tmp_path / "page.html")
    props = doc.properties
    assert props["issuer"] == "某市科学技术局"
    assert props["doc_number"] == "某科〔2024〕5号"
    assert props["date"] == "2024-03-01"
    assert props["pub_date"] == "2024-03-05"  # the box's value comes before the <meta> one
    assert props["index_number"] == "007216410/2024-01234"
    assert props["title"] == "某市科技创新实施方案"
    assert props["source"] == "某市科学技术局"
    assert props["column"] == "规划计划"
    assert props["page_title"] == "某市科技创新实施方案_规划计划_某市人民政府门户网站"
    assert doc.title == "某市科技创新实施方案"
    assert doc.headings[0] == "某市科技创新实施方案"
    assert len(doc.warnings) == 1 and "185" in doc.warnings[0]  # under 200 han of main text


def _seed_page(lines: list[str]) -> str:
    """A seed text as a page: paragraphs as <p>, TAB-cell blocks as a <table>, site chrome around."""
    parts: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []

    def end_table() -> None:
        nonlocal rows, row
        if row:
            rows.append(row)
        if rows:
            cells = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
            parts.append(f"<table border='1'>{cells}</table>")
        rows, row = [], []

    in_table = False
    for line in lines:
        if line.startswith("\t"):
            in_table = True
            row.append(line[1:])
        elif in_table and not line.strip():
            if row:
                rows.append(row)
            row = []
        elif in_table and row:
            row[-1] += line  # a continuation line of the cell
        else:
            if in_table:
                end_table()
                in_table = False
            if line.strip():
                parts.append(f"<p>{html.escape(line)}</p>")
    end_table()
    return CHROME_BODY.format(paragraphs="".join(parts), flat=html.escape("".join(lines)))


@pytest.mark.parametrize("seed", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_text_as_page_comes_back(tmp_path: Path, seed: Path) -> None:
    source = seed.read_text(encoding="utf-8")
    lines = source.split("\n")
    doc = _read_html(tmp_path, _seed_page(lines), head=f"<title>{html.escape(lines[0][:40])}</title>")
    expected = han_count(source)
    got = han_count(doc.text)
    assert got >= 0.98 * expected, (got, expected)
    assert got <= 1.02 * expected + han_count("某市科技创新实施方案")  # the hidden copy is not read
    for chrome in ("网站地图", "主办单位", "扫一扫", "孵化器", "索引号", "分享到"):
        assert doc.text.count(chrome) == source.count(chrome), chrome
    assert _removed_by_rule(doc)["html_hidden_duplicate"] >= 0.98 * expected
    n_tables = len(_tables(source))
    if n_tables:
        assert len(_tables(doc.text)) >= 1


def test_gbk_page_with_meta_charset(tmp_path: Path) -> None:
    page = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
            "<title>通知</title></head><body><div id='zoom'>"
            + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></body></html>")
    path = tmp_path / "gbk.htm"
    path.write_bytes(page.encode("gbk"))
    doc = read_file(path)
    assert doc.encoding == "gb18030"
    assert doc.text.split("\n") == PARAGRAPHS


# --------------------------------------------------------------------------- rendering rules


def test_rowspan_and_colspan_repeat_cells(tmp_path: Path) -> None:
    table = """<table>
      <tr><td colspan="4">附表 病种支付限额</td></tr>
      <tr><td rowspan="2">序号</td><td rowspan="2">病种</td><td colspan="2">最高支付限额</td></tr>
      <tr><td>职工医保</td><td>城乡居民医保</td></tr>
      <tr><td>1</td><td rowspan="2">一类门诊特定病种</td><td>200元/月</td><td>50元/月</td></tr>
      <tr><td>2</td><td colspan="2">无</td></tr>
      <tr><td colspan="4">注：限额按自然月计算。</td></tr>
    </table>"""
    body = "<div class='TRS_Editor'><p>" + PARAGRAPHS[0] + "</p>" + table + "<p>" + PARAGRAPHS[2] + "</p></div>"
    doc = _read_html(tmp_path, body)
    [rows] = _tables(doc.text)
    assert rows == [
        ["序号", "病种", "最高支付限额", "最高支付限额"],
        ["序号", "病种", "职工医保", "城乡居民医保"],
        ["1", "一类门诊特定病种", "200元/月", "50元/月"],
        ["2", "一类门诊特定病种", "无", "无"],
    ]
    lines = doc.text.split("\n")
    assert lines[1] == "附表 病种支付限额"  # a full-width first row is the table's title
    assert "注：限额按自然月计算。" in lines
    assert "附表 病种支付限额" in doc.headings


def test_cells_with_paragraphs_and_layout_tables(tmp_path: Path) -> None:
    cell = "<p>1. 在本市办理居住证，每满1年计8分。</p><p>2. 累计居住年限，每满1年计5分。</p>"
    data = f"<table><tr><td>指标</td><td>分值</td></tr><tr><td><p>合法稳定</p><p>住所</p></td><td>{cell}</td></tr></table>"
    layout = "<table><tr><td>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</td></tr></table>"
    doc = _read_html(tmp_path, f"<div class='zoom'>{layout}{data}</div>")
    assert doc.text.split("\n")[: len(PARAGRAPHS)] == PARAGRAPHS  # a one-column table is layout
    [rows] = _tables(doc.text)
    assert rows[1] == ["合法稳定住所", "1. 在本市办理居住证，每满1年计8分。2. 累计居住年限，每满1年计5分。"]


def test_inline_spans_bold_labels_and_breaks(tmp_path: Path) -> None:
    body = """<div class="article-content">
    <p style="text-align:center"><span><strong>某市公共租赁住房管理办法</strong></span></p>
    <p><span><strong>第一章 总则</strong></span></p>
    <p>　　<strong>第一条</strong>&nbsp;&nbsp;为完善住房保障体系，按照《办法》（附件<span>1</span>）执行，
       结合本市实际，制定本办法。</p>
    <p>各区政府负责统筹辖区内公共租赁住房保障的具体实施工作，进一步完善<br>本辖区公共租赁住房保障体制、机制。<br>
       （一）申请人应当具有本市户籍；<br>（二）家庭收入符合标准。</p>
    <p style="text-align:right">某市人民政府办公厅<br>2024年7月26日</p>
    <p>穗府办规〔2024〕13号</p>
    </div>"""
    doc = _read_html(tmp_path, body)
    assert doc.text.split("\n") == [
        "某市公共租赁住房管理办法",
        "第一章 总则",
        "第一条 为完善住房保障体系，按照《办法》（附件1）执行，结合本市实际，制定本办法。",
        "各区政府负责统筹辖区内公共租赁住房保障的具体实施工作，进一步完善本辖区公共租赁住房保障体制、机制。",
        "（一）申请人应当具有本市户籍；",
        "（二）家庭收入符合标准。",
        "某市人民政府办公厅",
        "2024年7月26日",
        "穗府办规〔2024〕13号",
    ]
    assert doc.headings == ["某市公共租赁住房管理办法", "第一章 总则"]


def test_hidden_body_style_and_script_revealed_content_are_kept(tmp_path: Path) -> None:
    # Some templates hide <body> until a script has run; others hide the content div itself.
    path = tmp_path / "p.html"
    path.write_text("<html><body style='visibility: hidden'><div class='nav'><a href='/'>首页</a></div>"
                    "<div id='content' style='display:none'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
                    + "</div><div style='display:none'>登录 注册</div></body></html>", encoding="utf-8")
    doc = HtmlReader().read(path)
    assert doc.text.split("\n") == PARAGRAPHS
    assert ("html_hidden", "登录 注册") in doc.removed
    assert any("kept" in note for note in doc.notes)


def test_attachment_links_are_body_text(tmp_path: Path) -> None:
    body = ("<div class='zoom'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "<p>附件：</p>"
            + "".join(f"<p><a href='/att/{i}.docx'>附件{i}.docx</a></p>" for i in range(1, 5)) + "</div>")
    doc = _read_html(tmp_path, body)
    assert doc.text.split("\n")[-5:] == ["附件：", "附件1.docx", "附件2.docx", "附件3.docx", "附件4.docx"]


def test_tiny_page_warns(tmp_path: Path) -> None:
    doc = _read_html(tmp_path, "<div class='nav'><a href='/'>首页</a><a href='/a'>政务公开</a><a href='/b'>互动</a></div>"
                     "<div class='content'><p>本页面内容已迁移。</p></div>", head="<title>通知公告</title>")
    assert doc.text == "本页面内容已迁移。"
    assert doc.warnings and "Chinese characters" in doc.warnings[0]
    assert doc.title == "通知公告"


# --------------------------------------------------------------------------- real pages


def _challenge(name: str) -> Path:
    path = CHALLENGE / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


def _read_timed(path: Path):
    start = time.perf_counter()
    doc = read_file(path)
    seconds = time.perf_counter() - start
    assert seconds < 1.5, seconds  # typically 0.01-0.3 s
    return doc


def _check_accounting(doc, path: Path) -> None:
    """Kept plus removed text covers the whole page (repeated span cells make it a bit more)."""
    page = _page_han(path)
    total = han_count(doc.text) + sum(_removed_by_rule(doc).values())
    assert page <= total <= 1.02 * page, (page, total)


def test_gz_outpatient_special_diseases() -> None:
    path = _challenge("gz-outpatient-special-diseases-payment-standards-2019.html")
    doc = _read_timed(path)
    title = ("广州市医疗保障局 广州市财政局 广州市卫生健康委员会关于印发广州市社会医疗保险统筹基金"
             "支付门诊特定病种费用范围及标准的通知")
    lines = doc.text.split("\n")
    assert lines[:3] == ["穗医保规字〔2019〕4号", title, "各有关单位，社会保险定点医疗机构："]
    assert doc.title == title
    # By hand: div#info_cont holds 12,852 han; the hidden div.bbnr copy (12,911 han) is not read.
    han = han_count(doc.text)
    assert 0.98 * 12852 <= han <= 1.03 * 12852  # span-repeated table cells add ~1.4%
    for chrome in ("网站地图", "扫一扫", "主办单位", "》政策解读", "返回顶部", "市委组织部", "统一编号", "分享到"):
        assert chrome not in doc.text
    assert "（附件1）执行" in doc.text  # <span>s split this sentence in the source
    [table] = _tables(doc.text)
    assert len(table) == 60 and {len(r) for r in table} == {7}  # 2 header rows + 58 diseases
    assert table[1][3:6] == ["职工医保", "城乡居民医保", "城乡居民医保"]
    assert table[2][:3] == ["1", "一类", "高血压病"]
    assert table[-1][:3] == ["58", "二类", "急诊留院观察"]
    assert table[52][3:6] == ["无", "无", "无"]  # colspan=3
    props = doc.properties
    assert props["doc_number"] == "穗医保规字〔2019〕4号"
    assert props["effective_date"] == "2019年07月01日" and props["valid_until"] == "2024年06月30日"
    assert props["issuer"] == "广州市医疗保障局,广州市财政局,广州市卫生健康委员会"
    rules = _removed_by_rule(doc)
    assert rules["html_hidden_duplicate"] >= 12800
    assert rules["html_related_links"] > 0 and rules["html_metadata_box"] > 0
    _check_accounting(doc, path)
    assert not doc.warnings


def test_gz_points_based_hukou() -> None:
    path = _challenge("gz-points-based-hukou-measures-2025.html")
    doc = _read_timed(path)
    lines = doc.text.split("\n")
    assert lines[:3] == ["穗府办规〔2025〕8号", "广州市人民政府办公厅关于重新发布广州市积分制入户管理办法的通知",
                         "各区人民政府，市政府各部门、各直属机构："]
    # By hand: div#zoomcon (正文) holds 3,123 han.
    assert han_count(doc.text) >= 0.98 * 3123
    articles = [line for line in lines if re.match(r"第[一二三四五六七八九十]+条 ", line)]
    assert len(articles) == 13 and articles[0].startswith("第一条 为加强来穗人员服务管理")
    for chrome in ("相关新闻", "一图读懂", "扫一扫", "主办单位", "网站地图", "市委组织部", "当前位置"):
        assert chrome not in doc.text
    [table] = _tables(doc.text)
    assert len(table) == 12 and {len(r) for r in table} == {5}
    assert [r[0] for r in table[1:]] == ["基础指标"] * 3 + ["加分指标"] * 6 + ["减分指标"] * 2  # rowspan
    assert "广州市积分制入户管理办法" in doc.headings
    _check_accounting(doc, path)


def test_gz_tianhe_kindergarten() -> None:
    path = _challenge("gz-tianhe-kindergarten-admission-work-plan-2026.html")
    doc = _read_timed(path)
    title = "广州市天河区教育局关于印发《2026年广州市天河区幼儿园招生工作方案》的通知"
    lines = doc.text.split("\n")
    assert lines[:2] == [title, "各幼儿园："]  # the <h1> outside the body comes first
    assert "2026年广州市天河区幼儿园招生工作方案" in lines
    # By hand: div#zoomcon holds 3,900 han, plus the 32 of the <h1> title.
    assert han_count(doc.text) >= 0.98 * 3932
    for chrome in ("网站地图", "扫一扫", "Local News", "您当前所在的位置", "浏览量", "打印关闭", "A+", "主办"):
        assert chrome not in doc.text
    assert lines[-1].endswith("招生计划申报审批表》.doc")  # the annexes are only links
    props = doc.properties
    assert props["pub_date"].startswith("2026-04-20") and props["source"] == "广州市天河区教育局"
    assert props["column"] == "招生考试" and props["title"] == title
    _check_accounting(doc, path)


def test_gz_public_rental_housing_reposted() -> None:
    path = _challenge("gz-public-rental-housing-measures-2024-reposted.html")
    doc = _read_timed(path)
    lines = doc.text.split("\n")
    assert lines[:2] == ["穗府办规〔2024〕13号", "广州市人民政府办公厅关于印发广州市公共租赁住房管理办法的通知"]
    # By hand: div.article-content holds 8,333 han (before the fix the reader kept 32: the page
    # hides <body> until a script runs).
    assert han_count(doc.text) >= 0.98 * 8333
    articles = [line for line in lines if re.match(r"第[一二三四五六七八九十]+条", line)]
    assert len(articles) == 54
    chapters = [h for h in doc.headings if re.match(r"第[一二三四五六七八]章", h)]
    assert chapters[0] == "第一章 总则" and chapters[-1] == "第八章 附则" and len(chapters) == 8
    for chrome in ("索引号", "发布机构", "高级搜索", "下载文字版", "主办单位", "浏览次数", "字体"):
        assert chrome not in doc.text
    props = doc.properties
    # The disclosure box as found: the street office as 发布机构, no 文号, the repost date.
    assert props["issuer"] == "广州市天河区人民政府天园街道办事处"
    assert props["date"] == "2024-07-26" and props["pub_date"] == "2024-09-12"
    assert props["index_number"] == "11440106718120458W/2024-00008"
    assert props["title"].startswith("（转载）") and "doc_number" not in props
    assert _removed_by_rule(doc)["html_metadata_box"] > 0
    _check_accounting(doc, path)
    assert not doc.warnings


def test_body_split_over_sibling_blocks(tmp_path: Path) -> None:
    notice = PARAGRAPHS * 6  # the notice: most of the text
    annex = ["附件：某市科技创新重点任务分工表，各牵头单位要按照分工抓好落实，每季度末报送工作进展情况。",
             "联系人：市科学技术局规划科，请各单位于2024年4月30日前将联络员名单报送至指定邮箱。"]
    body = ("<div class='nav'><a href='/'>首页</a><a href='/a'>政务公开</a><a href='/b'>政务服务</a></div>"
            "<div class='detail'><div class='a'>" + "".join(f"<p>{p}</p>" for p in notice) + "</div>"
            "<div class='tools'>打印本页</div>"
            "<div class='b'>" + "".join(f"<p>{p}</p>" for p in annex) + "</div></div>"
            "<div class='foot'><p>主办单位：某市人民政府办公室</p></div>")
    doc = _read_html(tmp_path, body)
    lines = doc.text.split("\n")
    assert lines[-2:] == annex and lines[: len(notice)] == notice
    assert "主办单位" not in doc.text


def test_title_wrapped_by_br_and_xml_declaration(tmp_path: Path) -> None:
    path = tmp_path / "x.html"
    path.write_text("<?xml version='1.0' encoding='utf-8'?><html><body><div class='zoom'>"
                    "<p style='text-align:center'><strong>某市人民政府办公室关于印发<br>某市科技创新实施方案的通知</strong></p>"
                    "<p style='text-align:center'>某府办〔2024〕3号</p>"
                    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
                    + "<p style='text-align:right'>某市人民政府办公室<br>2024年3月1日</p></div></body></html>",
                    encoding="utf-8")
    doc = HtmlReader().read(path)
    lines = doc.text.split("\n")
    assert lines[:2] == ["某市人民政府办公室关于印发某市科技创新实施方案的通知", "某府办〔2024〕3号"]
    assert lines[-2:] == ["某市人民政府办公室", "2024年3月1日"]
    assert doc.headings == ["某市人民政府办公室关于印发某市科技创新实施方案的通知"]


def test_page_without_text_is_refused_with_a_reason(tmp_path: Path) -> None:
    from planqa.errors import IngestError
    path = tmp_path / "frames.html"
    path.write_text("<html><frameset><frame src='a.html'></frameset></html>", encoding="utf-8")
    with pytest.raises(IngestError, match="frames.html: no text found in the HTML page"):
        read_file(path)
