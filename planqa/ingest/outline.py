"""The outline of Chinese planning documents: heading markers, heading lines and sections.

Markers recognised at the start of a line: 第X章, 第X节, 第X条, 一、, （一）/(一), 1./1、/1．,
（1）/(1), ①, and the decimal numbers of standards (1 范围, 6.1.2 差异项分析). 第X章 > 第X节 > 第X条
> 一、 always nest in this order (the 公文 convention: GB/T 9704); the other kinds nest in the
order in which they first appear under their parent (as in Markdown lists), so 一、 > （一） > 1.
in one plan and 一、 > 1. > （1） in another both come out right. Once the document has shown a
kind's place, a heading of that kind closes the deeper kinds still open (a "7." after "（8）…④"
is a task like "6.", not an item of ④), and a ① list is always the innermost level: a heading
of another kind closes it.

A heading usually stands on a line of its own. Two 公文 habits put it at the start of a
paragraph instead, and both are read as headings ("run-in"): a 第X条 label before the article's
text, and a （一）/一、 marker whose first short sentence is the heading ("（一）聚力推动经济高质量
发展。全年地区生产总值…"). 附件/附录 lines start a new top-level branch, so an attachment whose
numbering restarts at 一、 does not nest under the notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from planqa.records import Section

CN_DIGITS = "零一二三四五六七八九"
CN_NUMERAL = "[一二三四五六七八九十百零〇]+"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# kind, regex; the group "num" holds the numeral (absent numeral = an OCR slip to repair)
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第(?P<num>{CN_NUMERAL}|\d{{1,2}})章\s*")),
    ("jie", re.compile(rf"^第(?P<num>{CN_NUMERAL}|\d{{1,2}})节\s*")),
    ("article", re.compile(rf"^第(?P<num>{CN_NUMERAL}|\d{{1,3}})条(?:\s+|(?=[\u4e00-\u9fff“（(]))")),
    ("cn", re.compile(rf"^(?P<num>{CN_NUMERAL})、\s*")),
    ("paren_cn", re.compile(rf"^[（(]\s*(?P<num>{CN_NUMERAL})\s*[）)]\s*")),
    # OCR slips of （一）: (-) (S) () (—); a digit is an Arabic item, never a slip
    ("paren_cn", re.compile(r"^[（(](?P<bad>[-—－Ss]?)[）)]\s*")),
    ("paren_arabic", re.compile(r"^[（(]\s*(?P<num>\d{1,2})\s*[）)]\s*")),
    ("arabic", re.compile(r"^(?P<num>\d{1,2})\s*(?:[.．](?!\d)|、)\s*")),
    ("circled", re.compile(rf"^(?P<num>[{CIRCLED}])\s*")),
]
# Decimal clause numbers of standards: "6.1.2 差异项分析", "6.1.2差异项分析", "1 范围" (a space needed).
_DECIMAL = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,4})\s*(?=[\u4e00-\u9fff])|^(?P<one>\d{1,2})[ \u3000]+(?=[\u4e00-\u9fff]{2})")
_FIXED_RANK = {"chapter": 0, "jie": 1, "article": 2, "cn": 3}  # always outermost, in this order
UNNUMBERED_HEADINGS = {"前言", "序言", "引言", "总则", "附则", "结束语", "结语", "附件", "附录", "目录"}
# 附件1 / 附件 2： / 附件：xxx / 附录A（规范性）…: an attachment, a new top-level branch.
ATTACHMENT = re.compile(r"^(?:附件\s*\d{0,2}|附录\s*[A-Z]?|附表\s*\d{0,2})\s*(?:[：:]\s*)?(?:[（(][^）)]{1,8}[）)])?[^。；]{0,40}$")
RUN_IN_KINDS = ("chapter", "jie", "cn", "paren_cn")
MAX_RUN_IN_TITLE = 40
MAX_RUN_IN_CLAUSES = 30  # a run-in heading of two clauses is at most this long
_SENTENCE_END = "。！？；"
MAX_HEADING_CHARS = 42


def cn_to_int(numeral: str) -> int | None:
    """Convert a Chinese numeral up to 99 (一, 十, 十二, 二十三) or Arabic digits to int."""
    if len(numeral) == 1 and numeral in CIRCLED:
        return CIRCLED.index(numeral) + 1
    if numeral.isascii() and numeral.isdigit():
        return int(numeral)
    numeral = numeral.replace("〇", "零")
    if not numeral or any(ch not in CN_DIGITS + "十" for ch in numeral):
        return None
    if "十" not in numeral:
        return CN_DIGITS.index(numeral) if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    tens_value = CN_DIGITS.index(tens) if tens else 1
    ones_value = CN_DIGITS.index(ones) if ones else 0
    return tens_value * 10 + ones_value


def int_to_cn(value: int) -> str:
    """Convert 1..99 to a Chinese numeral (1 → 一, 10 → 十, 23 → 二十三)."""
    if not 0 < value < 100:
        raise ValueError(f"cannot write {value} as a heading numeral")
    tens, ones = divmod(value, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Marker:
    kind: str
    number: int | None  # None: a numeral that OCR garbled
    length: int  # characters of the marker (including trailing spaces)


def parse_marker(line: str) -> Marker | None:
    """The heading marker at the start of ``line``, if any."""
    decimal = _DECIMAL.match(line)
    if decimal:
        number = decimal.group("num") or decimal.group("one")
        depth = number.count(".") + 1
        return Marker(f"decimal{depth}", int(number.split(".")[-1]), decimal.end())
    for kind, pattern in _MARKERS:
        match = pattern.match(line)
        if not match:
            continue
        groups = match.groupdict()
        if groups.get("num") is not None:
            number = cn_to_int(groups["num"])
            if number is None:
                continue
            return Marker(kind, number, match.end())
        return Marker(kind, None, match.end())
    return None


def heading_title(line: str) -> str:
    """The heading as shown in a section path: trailing sentence punctuation dropped."""
    return line.strip().rstrip("。；：:").strip()


def is_heading_line(line: str, marker: Marker | None, hints: frozenset[str] = frozenset()) -> bool:
    """Whether a whole line reads as a heading (short, at most one trailing sentence end)."""
    text = line.strip()
    if not text:
        return False
    if text in hints or text.replace(" ", "") in UNNUMBERED_HEADINGS:
        return True
    if marker is None:
        return bool(ATTACHMENT.match(text))
    rest = text[marker.length:]
    if not rest or len(rest) > (60 if marker.kind in _FIXED_RANK else MAX_HEADING_CHARS):
        return False
    body = rest.rstrip(_SENTENCE_END + "：:")
    if any(ch in body for ch in _SENTENCE_END):
        return False
    # a list item that is a number or a table cell, not a heading
    return not re.fullmatch(r"[\d.%\s]+", rest)


@dataclass
class _Open:
    kind: str
    number: int


class NestingTracker:
    """Tracks marker kinds nesting so a new heading gets its level and expected numeral."""

    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.rank: dict[str, int] = {}  # the document's own order of the other kinds, as first seen

    def push(self, marker: Marker) -> tuple[int, int]:
        """Register a heading; returns (depth, its number, repaired if OCR garbled it)."""
        kind = marker.kind
        if kind in _FIXED_RANK:
            while self.stack and _FIXED_RANK.get(self.stack[-1].kind, 99) >= _FIXED_RANK[kind]:
                self.stack.pop()
        else:
            is_open = any(item.kind == kind for item in self.stack)
            if not is_open and kind in self.rank:
                # a kind whose place the document has shown (1. under （一） in the branch before) closes
                # the deeper kinds still open ("7." after "（8）…④" is a sibling of "6.", not under ④)
                while self.stack and self.stack[-1].kind not in _FIXED_RANK \
                        and self.rank.get(self.stack[-1].kind, 99) > self.rank[kind]:
                    self.stack.pop()
            elif kind != "circled":
                while self.stack and self.stack[-1].kind == "circled":
                    self.stack.pop()  # a ① list is the innermost level: another kind of heading closes it
            if kind != "circled":
                self.rank.setdefault(kind, len(self.rank))
            if is_open:
                while self.stack[-1].kind != kind:
                    self.stack.pop()
                number = marker.number if marker.number is not None else self.stack[-1].number + 1
                self.stack[-1].number = number
                return len(self.stack) - 1, number
        number = marker.number if marker.number is not None else 1
        self.stack.append(_Open(kind, number))
        return len(self.stack) - 1, number

    def reset(self) -> None:
        self.stack.clear()
        self.rank.clear()


def repair_marker(line: str, marker: Marker, number: int) -> str:
    """Rewrite an OCR-garbled （一） marker with the numeral the sequence makes certain."""
    return f"（{int_to_cn(number)}）" + line[marker.length:]


def run_in_heading(line: str, marker: Marker | None) -> int | None:
    """Length of a heading that opens a paragraph (see the module docstring), or None.

    第X条: the label. （一）/一、/第X章: the first sentence, when it is short and more text follows.
    """
    if marker is None:
        return None
    if marker.kind == "article":
        return marker.length
    if marker.kind not in RUN_IN_KINDS:
        return None
    rest = line[marker.length:]
    match = re.match(rf"[^。！？；\n]{{2,{MAX_RUN_IN_TITLE}}}?[。！？]", rest)
    if match is None or not rest[match.end():].strip():
        return None
    title = match.group(0)
    if any(ch in title for ch in "：:") or (any(ch in title for ch in "，,") and len(title) > MAX_RUN_IN_CLAUSES):
        return None  # a clause of a sentence, not a heading ("（四）坚持重统筹、提品质，城乡协调发展有序推进。" is one)
    return marker.length + match.end()


def iter_lines(text: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, line) for every line of ``text``."""
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line), line
        pos += len(line) + 1


def build_sections(
    text: str,
    hints: Iterable[str] = (),
    skip_spans: Iterable[tuple[int, int]] = (),
) -> list[Section]:
    """Sections of a cleaned text whose headings stand on lines of their own.

    ``skip_spans`` (e.g. tables) are never headings.
    """
    hint_set = frozenset(h.strip() for h in hints if h.strip())
    skips = sorted(skip_spans)
    tracker = NestingTracker()
    open_sections: list[tuple[tuple[str, ...], int, int]] = []  # (path, start, heading_end)
    sections: list[Section] = []
    stack_titles: list[tuple[int, str]] = []  # (depth, title) of the current path
    base = 0  # 1 under an attachment or a style heading: numbered headings nest one deeper
    attachment = False

    def close(depth: int, at: int) -> None:
        while open_sections and len(open_sections[-1][0]) > depth:
            path, start, heading_end = open_sections.pop()
            sections.append(Section(path, start, at, heading_end))

    for start, end, line in iter_lines(text):
        if any(s <= start < e for s, e in skips):
            continue
        marker = parse_marker(line.strip())
        heading_end = end
        if marker is not None and marker.kind == "article" or not is_heading_line(line, marker, hint_set):
            length = run_in_heading(line.strip(), marker)
            if length is None:
                continue
            offset = len(line) - len(line.lstrip())
            heading_end = start + offset + length
            line = line.strip()[:length]
        title = heading_title(line)
        if marker is None:  # 前言, 附件 or a style heading: a top-level section of its own
            tracker.reset()
            if ATTACHMENT.match(title):
                # an attachment holds a document of its own: its headings nest under it
                depth, base, attachment = 0, 1, True
            elif base and attachment and title.replace(" ", "") not in UNNUMBERED_HEADINGS:
                depth = 1  # the attachment's own title or part heading
            elif title.replace(" ", "") in UNNUMBERED_HEADINGS:
                depth, base, attachment = 0, 0, False
            else:
                # a heading the source marks by style or bold ("2023年工作回顾"): the numbered
                # headings that follow are its parts
                depth, base, attachment = 0, 1, False
        else:
            depth, _ = tracker.push(marker)
            depth += base
        stack_titles = [t for t in stack_titles if t[0] < depth]
        stack_titles.append((depth, title))
        path = tuple(t for _, t in stack_titles)
        close(len(path) - 1, start)
        open_sections.append((path, start, heading_end))
    close(0, len(text))
    sections.sort(key=lambda s: (s.start, len(s.path)))
    return sections
