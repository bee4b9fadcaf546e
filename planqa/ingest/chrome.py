"""Site chrome and table-of-contents removal, line by line, with a report of what went.

Rules are data: a name and a pattern. Each removal is recorded as ``(rule, text)`` so the
cleaning report can say what was removed from which document and how much.

Every rule removes a *bounded* span: a line rule drops a line only when the line is short
(``MAX_CHROME_LINE``: chrome lines are labels, not paragraphs); in a longer line (web text
captured without line breaks, where a whole document is one line) only the chrome phrase
itself goes (``SPAN_RULES``), and the page footer is cut only from the document's tail.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

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
        ("site_nav", r"^\s*(听全文|相关附件|相关新闻|相关阅读|相关链接|相关文章|相关稿件)\s*$"),
        ("page_meta", r"^\s*-?\s*\d*\s*次\s*$"),  # a page's view counter ("-次", "1234次")
        ("record_number", r"备案号\s*[:：]|经营许可证\s*[:：]|公网安备|ICP备"),
        ("news_label", r"^\s*[（(](媒体解读|图文解读|政策解读|解读)[）)]"),
        # header lines of legal-database exports (北大法宝 and the like)
        ("export_header", r"^\s*【(法宝引证码|法规类别|效力级别|时效性|发布部门)】"),
        ("export_header", r"^\s*(原文链接|原文地址|原文网址|本文链接)\s*[:：]\s*https?[:：]//\S+\s*$"),
    ]
]

# A line longer than this is never dropped whole by a line rule.
MAX_CHROME_LINE = 120
HEAD_LINES = 8  # a line repeated right after itself within the first lines is a doubled title

# Chrome phrases removed from inside a long line (the phrase itself, never its neighbours).
SPAN_RULES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern))
    for name, pattern in [
        ("scan_qr", r"扫一扫在手机打开当前页"),
        ("print_share", r"【\s*(打印(本页)?|关闭(窗口)?)\s*】"),
        ("font_size", r"【\s*字体\s*[:：]?\s*大\s*中\s*小\s*】|字号\s*[:：]\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小\s*[】\]]?"),
        ("record_number", r"[\u4e00-\u9fff]{1,2}ICP备\s*\d{4,12}号(?:\s*-\s*\d{1,3})?"),
        ("record_number", r"[\u4e00-\u9fff]{1,2}公网安备\s*\d{6,20}号?"),
        ("site_nav", r"《[^《》\n]{1,80}》由会员分享.{0,80}?请在.{1,20}?上搜索。?"),
        ("record_number", r"网站标识码\s*[:：]?\s*[0-9A-Za-z]{6,20}"),
    ]
]

# After one of these, everything that follows is page furniture...
FOOTER_START = re.compile(r"^\s*(扫一扫在手机打开当前页|展开阅读全文)\s*$")
FOOTER_START_INLINE = re.compile(r"扫一扫在手机打开当前页|展开阅读全文")
# ... but only when it stands in the tail: at most this many characters follow it, and at most
# this share of the document.
MAX_FOOTER_CHARS = 3000
MAX_FOOTER_SHARE = 0.2
# Inline chrome removed from a kept line.
INLINE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("repost_tag", re.compile(r"^\s*【转发】")),
]
# A table-of-contents line: title, dot leaders (or a bar, a TAB, a wide gap), page number.
LEADERS = r"[·.…．•\-—_]{4,}"  # the dot leaders of a table-of-contents entry
TOC_LINE = re.compile(r"^\s*[^|｜\t\s][^|｜\t]{0,60}?(?:" + LEADERS + r"|\s*[|｜]\s*|\t+|[ \u3000]{2,})\s*\d{1,3}\s*$")
# A heading-like line with a page number glued to its end ("一、发展现状1"): a TOC entry only in a
# run of such lines whose titles come back later as lines of their own.
TOC_BARE = re.compile(r"^\s*(?P<title>(?:第[一二三四五六七八九十百零〇\d]+[章节条]|[一二三四五六七八九十]+、|"
                      r"[（(][一二三四五六七八九十\d]{1,3}[）)]|附件|附录|前言|序言)[^。；]{0,50}?[^\d\s.．%])"
                      r"[ \u3000]*(?P<page>\d{1,3})\s*$")
TOC_TITLE = re.compile(r"^\s*目\s*录\s*$")
# The first half of a hard-wrapped entry ("一、基础与形势·········" + "·····5" on the next line).
LEADER_END = re.compile(LEADERS + r"\s*$")
MIN_BARE_RUN = 3


def _toc_title(line: str) -> str:
    """The entry's title without its page number and leaders, spaces removed."""
    match = TOC_BARE.match(line)
    title = match.group("title") if match else re.sub(r"(?:" + LEADERS + r"|[|｜]|\t+|[ \u3000]{2,})\s*\d{1,3}\s*$", "", line)
    return re.sub(r"[\s\u3000]+", "", title)


def _bare_toc_runs(lines: list[str]) -> set[int]:
    """Indexes of runs of glued-page-number entries whose titles recur later as lines."""
    found: set[int] = set()
    index = 0
    while index < len(lines):
        if not TOC_BARE.match(lines[index]):
            index += 1
            continue
        run = [index]
        nxt = index + 1
        while nxt < len(lines) and (TOC_BARE.match(lines[nxt]) or not lines[nxt].strip()):
            if lines[nxt].strip():
                run.append(nxt)
            nxt += 1
        pages = [int(TOC_BARE.match(lines[i]).group("page")) for i in run]
        if len(run) >= MIN_BARE_RUN and pages == sorted(pages):
            later = {re.sub(r"[\s\u3000]+", "", line) for line in lines[nxt:]}
            recurring = sum(1 for i in run if _toc_title(lines[i]) in later)
            if recurring * 2 >= len(run):
                found.update(run)
        index = nxt
    return found


def remove_toc_lines(lines: list[str], removals: Removals) -> list[str]:
    """Drop table-of-contents lines (leaders or a separator before a page number, or runs of
    headings with glued page numbers that recur later) and a 目录 title."""
    toc_indexes = {i for i, line in enumerate(lines) if TOC_LINE.match(line) and not line.startswith("\t")}
    if len(toc_indexes) < 2:
        toc_indexes = set()
    toc_indexes |= _bare_toc_runs(lines)
    if not toc_indexes:
        return lines
    toc_indexes |= {i for i in range(len(lines) - 1) if i + 1 in toc_indexes and LEADER_END.search(lines[i])}
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index in toc_indexes:
            removals.add("table_of_contents", line)
        elif TOC_TITLE.match(line) and any(j in toc_indexes for j in range(index + 1, index + 4)):
            removals.add("table_of_contents", line)
        else:
            kept.append(line)
    return kept


@dataclass
class Removals:
    """What a cleaning step removed, in order."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, rule: str, text: str) -> None:
        if text.strip():
            self.items.append((rule, text))

    def by_rule(self, measure: Callable[[str], int] = len) -> dict[str, int]:
        """Characters removed by each rule (or another ``measure`` of the removed text)."""
        totals: dict[str, int] = {}
        for rule, text in self.items:
            totals[rule] = totals.get(rule, 0) + measure(text)
        return totals


def _footer_at(lines: list[str]) -> tuple[int, int] | None:
    """(line, column) where the page footer starts, if it starts in the document's tail."""
    total = sum(len(line) + 1 for line in lines)
    after = 0  # characters after the current line
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if FOOTER_START.match(line):
            column = 0
        elif (match := FOOTER_START_INLINE.search(line)) is not None and len(line) > MAX_CHROME_LINE:
            column = match.start()
        else:
            column = None
        if column is not None:
            tail = after + len(line) - column
            if tail <= MAX_FOOTER_CHARS and tail <= MAX_FOOTER_SHARE * total:
                return index, column
        after += len(line) + 1
        if after > MAX_FOOTER_CHARS:
            return None
    return None


def _title_key(line: str) -> str:
    """A line as its words alone: the same title with other brackets or widths gives the same key."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", line))


def remove_chrome(lines: list[str], removals: Removals) -> list[str]:
    """Drop short chrome lines, chrome phrases inside long lines, and the page footer in the tail."""
    footer = _footer_at(lines)
    if footer is not None:
        index, column = footer
        removals.add("page_footer", "\n".join([lines[index][column:], *lines[index + 1:]]))
        lines = lines[:index] + ([lines[index][:column]] if column else [])
    kept: list[str] = []
    for number, line in enumerate(lines):
        if number < HEAD_LINES and line.strip() and kept and len(line.strip()) <= MAX_CHROME_LINE \
                and _title_key(line) and _title_key(line) == _title_key(kept[-1]):
            # an export or page that prints its title twice (once with plain brackets): keep the fuller one
            if len(line.strip()) > len(kept[-1].strip()):
                line, kept[-1] = kept[-1], line
            removals.add("repeated_title", line)
            continue
        if len(line.strip()) <= MAX_CHROME_LINE:
            rule = next((name for name, pattern in LINE_RULES if pattern.search(line)), None)
            if rule:
                removals.add(rule, line)
                continue
        else:
            for name, pattern in SPAN_RULES:
                if pattern.search(line):
                    for match in pattern.finditer(line):
                        removals.add(name, match.group(0))
                    line = pattern.sub("", line)
        for name, pattern in INLINE_RULES:
            match = pattern.search(line)
            if match:
                removals.add(name, match.group(0))
                line = line[: match.start()] + line[match.end():]
        kept.append(line)
    return kept
