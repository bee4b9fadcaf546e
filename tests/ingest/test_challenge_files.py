"""Every challenge file, read whole by ``load_document`` with no manifest: what was read in it by hand.

Hand counts of Chinese characters ("han") are of the document's main text as established by
reading the source (the body container of a saved page without its hidden copy, all ``w:t`` text of
a .docx body, every character of a PDF's text layer minus page furniture; for plain-text exports
the whole file). ``load_document`` must keep at least 98% of them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planqa.ingest import han_count, load_document

CHALLENGE = Path(__file__).resolve().parents[2].parent / "shared" / "challenge"
# Strings of page chrome, conversion markers and furniture that must never reach the text.
CHROME = ["扫一扫", "网站地图", "主办单位", "ICP备", "【法宝引证码】", "<图片内容", "<img", "](http", "![Image",
          "分享到", "Choose an", "单击或点击此处", "— 1 —", "索引号"]

EXPECTED = {
    "anhui-2022-rcep-implementation-opinions-pkulaw.txt": dict(
        title="安徽省关于加快对接", issuer="安徽省推进“三地一区”建设领导小组改革开放新高地执行小组办公室", region="安徽省",
        doc_number="皖开放办〔2022〕6号", date="2022-03-23", top=["一、发展目标", "二、重点任务", "三、保障措施"], han=None),
    "baotou-2022-digital-gov-assessment-measures-pkulaw.txt": dict(
        title="包头市2022年数字政府建设考评办法", issuer="包头市人民政府办公室", region="包头市",
        doc_number="包府办发〔2022〕43号", date="2022-04-14", top=["一、考评对象", "二、考评内容", "三、考评方式"], han=None),
    "beijing-2024-gov-work-report.pdf": dict(
        title="2024年北京市政府工作报告", issuer="北京市人民政府", region="北京市", doc_number=None, date=None,
        top=["一、2023年工作回顾", "二、2024年重点任务"], han=14_872),
    "changsha-2024-gov-work-report.docx": dict(
        title="2024年长沙市政府工作报告", issuer="长沙市人民政府", region="长沙市", doc_number=None, date=None,
        top=["一、2023年工作回顾", "二、2024年工作重点", "三、提高政府治理能力和水平"], han=16_794),
    "chengdu-2024-gov-work-report.docx": dict(
        title="2024年成都市政府工作报告", issuer="成都市人民政府", region="成都市", doc_number=None, date=None,
        top=["2023年工作回顾", "2024年工作安排建议"], han=22_279),
    "gd-2025-medical-insurance-new-measures-jina-reader.md": dict(
        title="广东多项医保新措1月1日起实施", issuer=None, region="广东省", doc_number=None, date="2025-01-01",
        top=["参保待遇", "医保药品"], han=3_302),
    "gz-outpatient-special-diseases-payment-standards-2019.html": dict(
        title="广州市社会医疗保险统筹基金支付门诊特定病种费用范围及标准", issuer="广州市医疗保障局", region="广州市",
        doc_number="穗医保规字〔2019〕4号", date="2019-06-14", top=["附件1", "附件2"], han=12_852),
    "gz-points-based-hukou-measures-2025.html": dict(
        title="广州市积分制入户管理办法", issuer="广州市人民政府办公厅", region="广州市",
        doc_number="穗府办规〔2025〕8号", date="2025-06-30", top=["广州市积分制入户管理办法"], han=3_123),
    "gz-public-rental-housing-measures-2024-reposted.html": dict(
        title="广州市公共租赁住房管理办法", issuer="广州市人民政府办公厅", region="广州市",
        doc_number="穗府办规〔2024〕13号", date="2024-07-26", top=["广州市公共租赁住房管理办法"], han=8_333),
    "gz-tianhe-kindergarten-admission-work-plan-2026.html": dict(
        title="2026年广州市天河区幼儿园招生工作方案", issuer="广州市天河区教育局", region="广州市天河区",
        doc_number=None, date="2026-04-20", top=["一、招生原则", "二、招生对象", "三、招生方式"], han=3_900),
    "hangzhou-2024-gov-work-report.docx": dict(
        title="2024年杭州市政府工作报告", issuer="杭州市人民政府", region="杭州市", doc_number=None, date="2024-01-29",
        top=["一、2023年工作回顾", "二、2024年政府工作安排"], han=14_063),
    "miit-2021-gov-data-sharing-measures-trial.pdf": dict(
        title="工业和信息化部政务数据共享管理办法（试行）", issuer="工业和信息化部", region="全国", doc_number=None,
        date=None, top=["第一章总则", "第二章机构职责", "第九章附则"], han=4_614),
    "nea-nbt-npp-periodic-safety-review-part1-draft-2023.docx": dict(
        title="核电厂定期安全评价", issuer="国家能源局", region="全国", doc_number=None, date=None,
        top=["前言", "1 范围", "2 规范性引用文件"], han=7_392),
    "tangshan-2018-optimize-business-environment-opinions-redhead.pdf": dict(
        title="中共唐山市委 唐山市人民政府关于进一步优化全市营商环境的意见", issuer="中共唐山市委", region="唐山市",
        doc_number="唐发〔2018〕10号", date="2018-04-07", top=["一、总体要求", "二、重点任务", "三、保障措施"], han=9_757),
}

pytestmark = pytest.mark.skipif(not CHALLENGE.is_dir(), reason="shared/challenge not present")


def _hand_count_of_export(path: Path) -> int:
    """A 北大法宝 export: every Chinese character of the file but its export header lines."""
    text = path.read_text(encoding="utf-8")
    return han_count("\n".join(line for line in text.splitlines() if not re.search(r"法宝引证码|原文链接", line)))


@pytest.fixture(scope="module")
def documents():
    return {name: load_document(CHALLENGE / name) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_challenge_file_reads_as_by_hand(documents, name):
    expected, document = EXPECTED[name], documents[name]
    assert document.title.replace(" ", "").startswith(expected["title"].replace(" ", "")), document.title
    if expected["issuer"]:
        assert expected["issuer"] in (document.issuer or ""), document.issuer
    assert expected["region"] == document.region
    assert document.doc_number == expected["doc_number"]
    if expected["date"]:
        assert document.date == expected["date"]
    # top-level headings: the first level, or the second under the document's own title line
    # (a page's title heading holds the document, 通知 > 一、…)
    top = [s.path[-1] for s in document.sections
           if len(s.path) == 1 or (len(s.path) == 2 and not re.match(r"[一二三四五六七八九十]+、|第", s.path[0]))]
    for heading in expected["top"]:
        assert heading in top, (heading, top)
    for chrome in CHROME:
        assert chrome not in document.text, chrome
    hand = expected["han"] if expected["han"] is not None else _hand_count_of_export(CHALLENGE / name)
    assert han_count(document.text) >= 0.98 * hand


def test_no_challenge_file_is_missing_from_the_table():
    files = {p.name for p in CHALLENGE.iterdir() if p.name != "SOURCES.md"}
    assert files == set(EXPECTED)
