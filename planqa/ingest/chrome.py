"""Site chrome and table-of-contents removal, line by line, with a report of what went.

Rules are data: a name and a pattern. Each removal is recorded as ``(rule, text)`` so the
cleaning report can say what was removed from which document and how much.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A line matching one of these is chrome wherever it stands.
LINE_RULES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern))
    for name, pattern in [
        ("breadcrumb", r"^\s*(您现在的位置|当前位置|您的位置)\s*[:：]?"),
        ("font_size", r"^\s*•?\s*【\s*字体"),
        ("print_share", r"^\s*(【?打印(本页)?】?|【?关闭(窗口)?】?|分享到|收藏本页|打印本页)\s*$"),
        ("page_meta", r"^\s*•\s*(\d{4}-\d{2}-\d{2}|来源|发布机构|浏览次数|作者|访问量)"),
        ("page_meta", r"^\s*(来源|发布机构|发布时间|浏览次数|信息来源)\s*[:：].{0,40}$"),
        ("page_meta", r"^\s*\d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}(:\d{2})?\s*$"),
        ("scan_qr", r"扫一扫在手机打开当前页"),
        ("copyright", r"^\s*(版权声明|版权所有)"),
        ("copyright", r"^\s*凡本网注明"),
        ("contact", r"^\s*联系方式\s*[:：]"),
        ("uploader", r"^\s*上传人\s*[:：]|文档编号\s*[:：]\s*\d+"),
        ("page_counter", r"^\s*第\s*\d+\s*页\s*/\s*共\s*\d+\s*页\s*$"),
        ("page_counter", r"\.(docx?|pdf|wps)_第\d+页\s*$"),
        ("file_name", r"^\s*[^\s，。]{2,80}\.(docx?|pdf|wps|txt)\s*$"),
        ("site_nav", r"^\s*(返回\s+下载\s+相关\s+举报|点击查看更多>*|资源描述|展开阅读全文|相关资源|猜你喜欢|相关搜索|资源标签)\s*$"),
        ("site_nav", r"由会员分享.{0,40}可在线阅读"),
        ("record_number", r"备案号|经营许可证\s*[:：]|公网安备|ICP备"),
        ("news_label", r"^\s*[（(](媒体解读|图文解读|政策解读|解读)[）)]"),
    ]
]

# After one of these, everything that follows is page furniture.
FOOTER_START = re.compile(r"^\s*(扫一扫在手机打开当前页|展开阅读全文)\s*$")
# Inline chrome removed from a kept line.
INLINE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("repost_tag", re.compile(r"^\s*【转发】")),
]
# A table-of-contents line: title, dot leaders, page number.
TOC_LINE = re.compile(r"^\s*\S.{0,60}?[·.…．•\-—_]{4,}\s*\d{1,3}\s*$")
TOC_TITLE = re.compile(r"^\s*目\s*录\s*$")


@dataclass
class Removals:
    """What a cleaning step removed, in order."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, rule: str, text: str) -> None:
        if text.strip():
            self.items.append((rule, text))

    def by_rule(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for rule, text in self.items:
            totals[rule] = totals.get(rule, 0) + len(text)
        return totals


def remove_chrome(lines: list[str], removals: Removals) -> list[str]:
    """Drop chrome lines and the footer after the page's closing furniture."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        if FOOTER_START.match(line):
            for rest in lines[index:]:
                removals.add("page_footer", rest)
            break
        rule = next((name for name, pattern in LINE_RULES if pattern.search(line)), None)
        if rule:
            removals.add(rule, line)
            continue
        for name, pattern in INLINE_RULES:
            match = pattern.search(line)
            if match:
                removals.add(name, match.group(0))
                line = line[: match.start()] + line[match.end():]
        kept.append(line)
    return kept


def remove_toc_lines(lines: list[str], removals: Removals) -> list[str]:
    """Drop table-of-contents lines (dot leaders and page numbers) and a 目录 title."""
    toc_indexes = {i for i, line in enumerate(lines) if TOC_LINE.match(line)}
    if len(toc_indexes) < 2:
        return lines
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index in toc_indexes:
            removals.add("table_of_contents", line)
        elif TOC_TITLE.match(line) and any(j in toc_indexes for j in range(index + 1, index + 4)):
            removals.add("table_of_contents", line)
        else:
            kept.append(line)
    return kept
