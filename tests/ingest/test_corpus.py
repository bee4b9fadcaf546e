"""Ingestion proven on the five real documents of corpus/."""

from __future__ import annotations

import re

import pytest

from planqa.chunk import ChunkerSettings, estimate_tokens

CHROME = [
    "您现在的位置", "【字体", "扫一扫在手机打开当前页", "版权声明", "联系方式", "上传人", "文档编号",
    "展开阅读全文", "相关资源", "备案号", "经营许可证", "公网安备", "猜你喜欢", "资源描述", "点击查看更多",
    "由会员分享", ".docx_第", "【转发】", "发布机构", "(媒体解读)", "（媒体解读）",
]
TOC_LINE = re.compile(r"[·.…]{4,}\s*\d+$")
PAGE_COUNTER = re.compile(r"第\d+页\s*/\s*共\d+页")


def test_all_five_documents_load_with_manifest_metadata(corpus_docs):
    assert set(corpus_docs) == {"taishan-14fyp", "jiangmen-bqw-2023", "kaiping-14fyp", "maonan-14fyp", "taishan-13fyp"}
    taishan = corpus_docs["taishan-14fyp"]
    assert taishan.title == "台山市科技创新发展“十四五”规划"
    assert (taishan.region, taishan.period, taishan.years) == ("台山市", "十四五", (2021, 2025))
    assert taishan.doc_number == "台府〔2022〕16号"
    assert corpus_docs["taishan-13fyp"].period == "十三五"
    assert corpus_docs["maonan-14fyp"].region == "茂名市茂南区"


@pytest.mark.parametrize("needle", CHROME + ["[bookmark:"])
def test_no_chrome_or_bookmarks_in_cleaned_text_or_chunks(corpus_docs, corpus_chunks, needle):
    for doc_id, document in corpus_docs.items():
        assert needle not in document.text, (doc_id, needle)
        assert all(needle not in c.text for c in corpus_chunks[doc_id])


def test_no_table_of_contents_survives(corpus_docs, corpus_chunks):
    for doc_id, document in corpus_docs.items():
        assert not any(TOC_LINE.search(line) for line in document.text.split("\n")), doc_id
        assert not PAGE_COUNTER.search(document.text)
    # 000's TOC listed every heading with dot leaders: each heading now appears once only
    assert corpus_docs["taishan-14fyp"].text.count("（一）强化企业核心创新能力") == 1
    # 003's inline TOC ("…发展迅速1(二)创新环境日臻完善2…") is gone, the headings stay
    maonan = corpus_docs["maonan-14fyp"].text
    assert "发展迅速1" not in maonan and "日臻完善2" not in maonan
    assert maonan.count("（二）创新环境日臻完善") == 1


def test_chunk_offsets_slice_the_cleaned_text_exactly(corpus_docs, corpus_chunks):
    for doc_id, chunks in corpus_chunks.items():
        text = corpus_docs[doc_id].text
        assert chunks
        for chunk in chunks:
            assert text[chunk.start:chunk.end] == chunk.text
            assert chunk.doc_id == doc_id
        ids = [c.id for c in chunks]
        assert len(ids) == len(set(ids))


def test_chunks_cover_the_text_without_overlap(corpus_docs, corpus_chunks):
    for doc_id, chunks in corpus_chunks.items():
        text = corpus_docs[doc_id].text
        ordered = sorted(chunks, key=lambda c: c.start)
        for a, b in zip(ordered, ordered[1:]):
            assert a.end <= b.start
            assert not text[a.end:b.start].strip()  # only line breaks between chunks
        assert not text[: ordered[0].start].strip() and not text[ordered[-1].end:].strip()


def test_chunks_never_cut_a_sentence(corpus_docs, corpus_chunks):
    for doc_id, chunks in corpus_chunks.items():
        text = corpus_docs[doc_id].text
        for chunk in chunks:
            at_line_end = chunk.end == len(text) or text[chunk.end] == "\n"
            at_sentence_end = chunk.text[-1] in "。！？；”）"
            if not (at_line_end or at_sentence_end):  # only a sentence longer than the limit is cut
                sentence_start = max(text.rfind(mark, 0, chunk.end) for mark in "。！？；\n") + 1
                sentence_end = min(i for i in (text.find(m, chunk.end) for m in "。！？；\n") if i >= 0) + 1
                sentence = chunk.context + "\n" + text[sentence_start:sentence_end]
                assert estimate_tokens(sentence) > ChunkerSettings().max_tokens
                assert chunk.text[-1] in "，、", (doc_id, chunk.text[-30:])
            at_line_start = chunk.start == 0 or text[chunk.start - 1] == "\n"
            assert at_line_start or text[chunk.start - 1] in "。！？；”），、", (doc_id, chunk.text[:30])


# Expected section paths, copied from the documents' own headings.
SECTION_SAMPLES = {
    "taishan-14fyp": [
        ("全社会创新投入进一步提高", ("二、总体思路", "（四）总体目标", "1.“十四五”时期目标")),
        ("扶持重点企业参与科技项目建设", ("四、科技创新主要任务", "（一）强化企业核心创新能力", "1.支持重点企业创新攻关")),
        ("提高科技项目承接能力", ("六、规划保障", "（五）强化资金保障")),
    ],
    "jiangmen-bqw-2023": [
        ("强化实施关键核心技术“揭榜挂帅”制", ("三、主要任务", "（一）加强关键核心技术攻关，突破城乡产业共性技术难题",
                                        "1.面向城乡技术需求开展“揭榜挂帅”技术攻关")),
        ("实施科技特派员培育计划", ("三、主要任务", "（六）加强科技人才队伍建设，强化乡村振兴人才支撑", "1.选派科技特派员服务城乡")),
        ("落实科技型企业信贷风险补偿制度", ("三、主要任务", "（八）发挥科技金融赋能作用")),
    ],
    "kaiping-14fyp": [
        ("一是科技型企业实现快增长", ("一、基础与形势", "（一）发展基础", "3.区域创新主体快速成长")),
        ("加快推进江门中微子实验站建设", ("四、科学技术发展新任务", "（二）完善创新平台体系", "1.推进重大科技基础设施建设")),
        ("“十四五”时期是开平市进入高质量发展阶段", ("前言",)),
    ],
    "maonan-14fyp": [
        ("一是高新技术企业的发展", ("第一章发展现状与环境", "一、发展现状", "（一）创新主体发展迅速")),
        ("创新条件持续改善", ("第一章发展现状与环境", "一、发展现状", "（二）创新环境日臻完善")),
        ("构建高岭土研发平台", ("第三章重点任务", "二、重点突破，加速高岭土加工业集约化发展")),
        ("建设一批企业科技特派员工作站", ("第四章主要举措", "一、增强全链条创新能力", "（五）建设科技特派员工作站")),
    ],
    "taishan-13fyp": [
        ("2015年，台山专利申请量745件", ("一、科技创新发展总结", "（一）科技创新发展成就", "2.科技产出绩效显著")),
        ("一是大力培育高新技术企业", ("三、科技创新发展新任务", "（二）全面提升自主创新能力", "2.引进和培育创新型企业")),
        ("市科工商务局牵头推进规划实施", ("四、强化规划实施保障", "（一）加强组织保障")),
    ],
}


@pytest.mark.parametrize("doc_id", sorted(SECTION_SAMPLES))
def test_section_paths(corpus_docs, corpus_chunks, doc_id):
    document = corpus_docs[doc_id]
    for needle, expected in SECTION_SAMPLES[doc_id]:
        offset = document.text.find(needle)
        assert offset >= 0, needle
        assert document.section_path_at(offset) == expected, needle
        chunk = next(c for c in corpus_chunks[doc_id] if c.start <= offset < c.end)
        assert chunk.section_path == expected
        assert chunk.context == " > ".join(expected)


def test_sections_slice_the_text(corpus_docs):
    for document in corpus_docs.values():
        for section in document.sections:
            heading = document.text[section.start:section.heading_end]
            assert heading.rstrip("。；：").strip() == section.path[-1]
            assert section.start < section.heading_end <= section.end <= len(document.text)


def test_ocr_heading_numerals_repaired_in_maonan(corpus_docs):
    document = corpus_docs["maonan-14fyp"]
    assert "（-）" not in document.text and "(-)" not in document.text
    heads = [s.path[-1] for s in document.sections if s.path[0] == "第一章发展现状与环境"]
    assert heads[:7] == ["第一章发展现状与环境", "一、发展现状", "（一）创新主体发展迅速", "（二）创新环境日臻完善",
                         "（三）创新载体初具规模", "（四）创新能力稳步增强", "（五）存在的问题与不足"]
    assert "（二）面临挑战" in document.text
    assert document.cleaning_report["page_fragments_joined"]


def test_maonan_fragments_rejoined_mid_sentence(corpus_docs):
    text = corpus_docs["maonan-14fyp"].text
    # fragment 5 ends "至2020年全区省、市工程技术研究中" and fragment 6 starts "心达66家"
    assert "至2020年全区省、市工程技术研究中心达66家" in text
    # fragment 10 ends "…共119.6万元；推" and 11 starts "进政府信息平台建设"
    assert "推进政府信息平台建设" in text
    assert not re.search(r"(^|\n)\d{1,2}、", text)
    assert "——坚持两链融合" in text  # OCR "一一" read back as the dash


def test_punctuation_normalised(corpus_docs):
    taishan = corpus_docs["taishan-14fyp"].text  # the web page used half-width , ( ) :
    assert "," not in taishan.replace("1,000", "")
    assert "（R&D）" in taishan and "(R&D)" not in taishan
    for document in corpus_docs.values():
        assert "\t" not in document.text and "\n\n" not in document.text
        assert "前  言" not in document.text


def _rows(document, table_index):
    return [r for r in document.indicators if r.table_index == table_index]


def test_indicators_taishan_14fyp(corpus_docs):
    document = corpus_docs["taishan-14fyp"]
    assert len(document.tables) == 1
    table = document.tables[0]
    assert table.caption == "台山市科技创新发展“十四五”主要指标表"
    assert table.header == ("序号", "指标", "单位", "2020年", "2025年", "变化率")
    expected = [
        ("全社会研究与开发（R&D）经费投入", "%", "—", "—", "年均增长12%"),
        ("规模以上工业企业研发支出占营业收入的比重", "%", "1.60", "全省平均水平", "—"),
        ("国家高新技术企业", "家", "148", "200", "新增52家"),
        ("高新技术产品产值占规模以上工业总产值比重", "%", "55.3", "56.0", "累计增长0.7%"),
        ("市级以上工程技术研究中心", "家", "125", "150", "新增25家"),
        ("科技企业孵化器、众创空间、“星创天地”等总数量", "家", "10", "12", "新增2家"),
        ("规模以上工业企业建立研发机构比例", "%", "62.2", "65.0", "累计增长2.8%"),
        ("科技型小微企业", "家", "343", "400", "新增57家"),
        ("每万人发明专利拥有量", "件", "4.04", "6.6", "累计增长2.56件"),
        ("农村科技特派员数量", "人", "394", "500", "新增106人"),
    ]
    got = [(r.indicator, r.unit, r.baseline_value, r.target_value, r.change) for r in document.indicators]
    assert got == expected
    assert all((r.baseline_year, r.target_year, r.nature) == (2020, 2025, "预期性") for r in document.indicators)
    for record in document.indicators:
        assert record.indicator in document.text[record.start:record.end]


def test_indicators_kaiping_14fyp(corpus_docs):
    document = corpus_docs["kaiping-14fyp"]
    assert len(document.tables) == 1
    assert document.tables[0].header == ("序号", "指标", "单位", "2020年前值", "2023年目标值", "2025年目标值", "最终变化率")
    expected = [
        ("全社会研发经费投入增长率", "%", "—", "5", "12", "2025年比2020年增长12%"),
        ("高新技术企业数量", "家", "164", "190", "225", "新增61家"),
        ("科技型中小企业数量", "家", "111", "160", "170", "新增59家"),
        ("规模以上工业企业研发机构覆盖率", "%", "60.21", "65", "65", "增长4.79%"),
        ("省级及以上科技创新平台数量", "家", "55", "58", "62", "新增7家"),
        ("科技企业孵化器、众创空间、星创天地等总数量", "家", "6", "6", "7", "新增1家"),
        ("每万人口发明专利拥有量", "件", "5.42", "完成上级下达目标", "完成上级下达目标", "——"),
    ]
    got = [(r.indicator, r.unit, r.baseline_value, r.values["2023年目标值"], r.target_value, r.change)
           for r in document.indicators]
    assert got == expected
    assert all((r.baseline_year, r.target_year, r.nature) == (2020, 2025, "预期性") for r in document.indicators)


def test_indicators_taishan_13fyp(corpus_docs):
    document = corpus_docs["taishan-13fyp"]
    assert [t.caption for t in document.tables] == ["表格 1 “十二五”科技创新主要指标", "表格 2 “十三五”科技创新主要指标"]
    history = _rows(document, 0)
    assert [(r.indicator, r.unit, list(r.values.values())) for r in history] == [
        ("研究和试验发展（R&D）经费投入强度", "%", ["0.94", "1.01", "1.25", "1.38", "1.54"]),
        ("国家高新技术企业", "家", ["10", "13", "13", "13", "13"]),
        ("高新技术产品产值占规模以上工业总产值比重", "%", ["18.93", "21.01", "22.38", "24.09", "24.53"]),
        ("省级以上企业工程技术研究中心", "个", ["0", "0", "1", "2", "5"]),
        ("每万人口发明专利拥有量", "件", ["--", "--", "0.67", "0.84", "1.07"]),
    ]
    assert all(r.baseline_year == 2015 and r.target_year is None for r in history)  # 十二五 actuals
    targets = _rows(document, 1)
    assert [(r.indicator, r.unit, r.baseline_value, r.target_value) for r in targets] == [
        ("研究和试验发展（R&D）经费投入强度", "%", "1.54", "2.50"),
        ("国家高新技术企业", "家", "13", "50"),
        ("科技型小微企业", "家", "64", "175"),
        ("每万人口发明专利拥有量", "件", "1.07", "2.5"),
        ("高新技术产品产值占规模以上工业总产值比重", "%", "25", "36"),
        ("科技孵化器", "个", "--", "3"),
        ("省、市级工程技术研究中心", "家", "--", "56"),
    ]
    assert all((r.baseline_year, r.target_year) == (2015, 2020) for r in targets)


def test_table_chunks_keep_caption_and_rows(corpus_docs, corpus_chunks):
    for doc_id in ("taishan-14fyp", "kaiping-14fyp", "taishan-13fyp"):
        document = corpus_docs[doc_id]
        table_chunks = [c for c in corpus_chunks[doc_id] if c.kind == "table"]
        assert table_chunks
        for table in document.tables:
            covering = [c for c in table_chunks if c.start <= table.row_spans[0][0] < c.end or table.start <= c.start < table.end]
            assert covering
            for row_start, row_end in table.row_spans:  # a row is never cut
                assert any(c.start <= row_start and row_end <= c.end for c in covering)
            assert all(table.header[1] in c.context or c.start <= table.start for c in covering)


def test_cleaning_report_records_removals(corpus_docs):
    report = corpus_docs["taishan-14fyp"].cleaning_report
    assert report["removed_chars"]["table_of_contents"] > 1000
    assert report["removed_chars"]["page_footer"] > 100
    assert report["chars_out"] < report["chars_in"]
    assert corpus_docs["kaiping-14fyp"].cleaning_report["removed_chars"]["word_bookmarks"] > 1000
    assert corpus_docs["maonan-14fyp"].cleaning_report["removed_chars"]["table_of_contents"] > 500
