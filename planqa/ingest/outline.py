"""The outline of Chinese planning documents: heading markers, heading lines and sections.

Markers recognised at the start of a line: 第X章, 第X节, 一、, （一）/(一), 1./1、/1．,
（1）/(1), ①. Nesting follows the order in which marker kinds first appear under their
parent (as in Markdown lists), so 一、 > （一） > 1. in one plan and 第一章 > 一、 > （一） in
another both come out right.
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
    ("cn", re.compile(rf"^(?P<num>{CN_NUMERAL})、\s*")),
    ("paren_cn", re.compile(rf"^[（(]\s*(?P<num>{CN_NUMERAL})\s*[）)]\s*")),
    # OCR slips of （一）: (-) (S) () (—) (5)
    ("paren_cn", re.compile(r"^[（(](?P<bad>[-—－Ss5]?)[）)]\s*")),
    ("paren_arabic", re.compile(r"^[（(]\s*(?P<num>\d{1,2})\s*[）)]\s*")),
    ("arabic", re.compile(r"^(?P<num>\d{1,2})\s*(?:[.．](?!\d)|、)\s*")),
    ("circled", re.compile(rf"^(?P<num>[{CIRCLED}])\s*")),
]
_FIXED_RANK = {"chapter": 0, "jie": 1}  # always outermost, in this order
UNNUMBERED_HEADINGS = {"前言", "序言", "引言", "总则", "附则", "结束语", "结语", "附件", "附录", "目录"}
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
        return False
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

    def push(self, marker: Marker) -> tuple[int, int]:
        """Register a heading; returns (depth, its number, repaired if OCR garbled it)."""
        kind = marker.kind
        if kind in _FIXED_RANK:
            while self.stack and _FIXED_RANK.get(self.stack[-1].kind, 99) >= _FIXED_RANK[kind]:
                self.stack.pop()
        elif any(item.kind == kind for item in self.stack):
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


def repair_marker(line: str, marker: Marker, number: int) -> str:
    """Rewrite an OCR-garbled （一） marker with the numeral the sequence makes certain."""
    return f"（{int_to_cn(number)}）" + line[marker.length:]


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

    def close(depth: int, at: int) -> None:
        while open_sections and len(open_sections[-1][0]) > depth:
            path, start, heading_end = open_sections.pop()
            sections.append(Section(path, start, at, heading_end))

    for start, end, line in iter_lines(text):
        if any(s <= start < e for s, e in skips):
            continue
        marker = parse_marker(line.strip())
        if not is_heading_line(line, marker, hint_set):
            continue
        title = heading_title(line)
        if marker is None:  # 前言, 附件 or a style heading: a top-level section of its own
            tracker.reset()
            depth = 0
        else:
            depth, _ = tracker.push(marker)
        stack_titles = [t for t in stack_titles if t[0] < depth]
        stack_titles.append((depth, title))
        path = tuple(t for _, t in stack_titles)
        close(len(path) - 1, start)
        open_sections.append((path, start, end))
    close(0, len(text))
    sections.sort(key=lambda s: (s.start, len(s.path)))
    return sections
