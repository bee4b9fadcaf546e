"""Cleaning on tiny inline fixtures shaped like the captured corpus."""

from __future__ import annotations

from planqa.ingest.clean import clean, normalize_punctuation, tidy_spaces

WEB_PAGE = """您现在的位置 :
【转发】台山市人民政府关于印发《台山市科技创新发展“十四五”规划》的通知
  • 2022-10-18 15:13:23
  • 来源: 台山市工业新城管委会
  • 【字体:

台山市科技创新发展“十四五”规划

一、基础与形势···········································5

(一)发展基础···········································5

  一、基础与形势

  (一)发展基础

  国家高新技术企业148家,较2015年净增135家。

扫一扫在手机打开当前页
版权声明:
凡本网注明"稿件来源:台山政府网"的所有文字
联系方式:0750-5524538
"""


def test_web_page_chrome_and_toc_removed():
    result = clean(WEB_PAGE)
    assert result.text.split("\n") == [
        "台山市人民政府关于印发《台山市科技创新发展“十四五”规划》的通知",
        "台山市科技创新发展“十四五”规划",
        "一、基础与形势",
        "（一）发展基础",
        "国家高新技术企业148家，较2015年净增135家。",
    ]
    removed = result.report["removed_chars"]
    assert {"breadcrumb", "page_meta", "font_size", "table_of_contents", "page_footer", "repost_tag"} <= set(removed)


def test_word_bookmarks_and_spaced_headings():
    raw = "[bookmark: _Toc1][bookmark: _Toc2]前  言\n[bookmark: _Hlk6]“十四五”时期是开平市进入高质量发展阶段。\n"
    result = clean(raw)
    assert result.text == "前言\n“十四五”时期是开平市进入高质量发展阶段。"
    assert result.report["removed_chars"]["word_bookmarks"] == len("[bookmark: _Toc1][bookmark: _Toc2][bookmark: _Hlk6]")


def test_page_fragments_rejoined_and_ocr_numerals_repaired():
    body = ("第一章发展现状与环境1一、发展现状1(一)创新主体发展迅速1(二)创新环境日臻完善2(三)创新载体初具规模4"
            "二、发展环境6(一)主要机遇6(S)面临挑战7第二章总体要求10")
    body += "第一章发展现状与环境一、发展现状(-)创新主体发展迅速一是高新技术企业的发展。至2020年全区省、市工程技术研究中心达66家。"
    body += "(-)创新环境日臻完善创新条件持续改善。(三)创新载体初具规模孵化平台5家。二、发展环境(-)主要机遇新良机。"
    body += "(-)面临挑战面临大国战略竞争。" + "一一坚持两链融合，形成协同效应。" * 20
    pieces = [body[i:i + 130] for i in range(0, len(body), 130)]
    raw = "上传人:某某 文档编号:187522\n第1页 / 共58页\n\n" + "\n\n".join(f"{n}、{p}" for n, p in enumerate(pieces, 1))
    raw += "\n\n展开阅读全文\n相关资源\n备案号:宁ICP备20000045号-1\n"
    result = clean(raw)
    lines = result.text.split("\n")
    assert lines[:6] == ["第一章发展现状与环境", "一、发展现状", "（一）创新主体发展迅速",
                         "一是高新技术企业的发展。至2020年全区省、市工程技术研究中心达66家。",
                         "（二）创新环境日臻完善", "创新条件持续改善。"]
    assert "（一）主要机遇" in lines and "（二）面临挑战" in lines
    assert "——坚持两链融合" in result.text
    assert result.report["page_fragments_joined"] and len(result.ocr_repaired) == 4
    assert "上传人" not in result.text and "备案号" not in result.text and "发展迅速1" not in result.text


def test_fragment_like_lists_are_not_joined():
    raw = "1、加强组织领导。\n2、完善政策体系。\n3、加大科技投入。\n"
    assert clean(raw).text == "1、加强组织领导。\n2、完善政策体系。\n3、加大科技投入。"


def test_punctuation_is_normalised_but_numbers_kept():
    assert normalize_punctuation("研究与开发(R&D)经费,增长12%;时间15:13") == "研究与开发（R&D）经费，增长12%；时间15:13"
    assert normalize_punctuation("投资1,000万元") == "投资1,000万元"
    assert normalize_punctuation("２０２５年达到５６．０％") == "2025年达到56.0%"
    assert tidy_spaces("  指    标  ") == "指标"
    assert tidy_spaces("台山市人民政府办公室      2017年7月28日印发") == "台山市人民政府办公室 2017年7月28日印发"


def test_control_characters_and_bom_removed():
    result = clean("\ufeff一、总体要求\x00\x07\r\n坚持创新驱动。\u200b\r\n")
    assert result.text == "一、总体要求\n坚持创新驱动。"


def test_only_chrome_leaves_nothing():
    assert clean("您现在的位置 : 首页\n扫一扫在手机打开当前页\n版权声明:\n").text == ""


def test_doubled_title_and_page_leftovers_removed():
    text = ("某省推进办公室关于印发某省对接区域全面经济伙伴关系协定(RCEP)实施意见的通知\n"
            "某省推进办公室关于印发《某省对接区域全面经济伙伴关系协定（RCEP）实施意见》的通知\n"
            "听全文\n-次\n各市人民政府：\n现将实施意见印发给你们，请认真贯彻执行。\n相关新闻\n")
    result = clean(text)
    lines = result.text.split("\n")
    assert lines[0] == "某省推进办公室关于印发《某省对接区域全面经济伙伴关系协定（RCEP）实施意见》的通知"  # the fuller one
    assert "听全文" not in result.text and "-次" not in lines and "相关新闻" not in result.text
    removed = result.report["removed_chars"]
    assert {"repeated_title", "site_nav", "page_meta"} <= set(removed)
    # a repeated line further down is text, not a doubled title
    body = "标题\n" + "\n".join(f"第{i}段内容。" for i in range(10)) + "\n重复的一行内容。\n重复的一行内容。\n"
    assert clean(body).text.count("重复的一行内容。") == 2
