"""Paragraphs restored: markers of conversions out, hard-wrapped lines joined, run-on text split.

Captured text comes in three shapes, and the cleaned text must have one paragraph per line in
all of them:

* **one paragraph per line** (Word conversions, most web captures): left as it is;
* **hard-wrapped** (PDF text layers, OCR conversions): lines of about the same width that end in
  the middle of a sentence. A line break is a paragraph end only where the line is short or ends
  a sentence, or where the next line opens a heading or a list item;
* **run-on** (web text captured without line breaks: a whole document on one line): split into
  paragraphs where a sentence ends and a heading or list marker follows, and headings (第X章,
  第X条, 一、, （一）, 1.) are cut from the text that runs on after them.

Each step records what it removed (markers) in the cleaning report; joining and splitting only
move line breaks, so no character of the text is lost.
"""

from __future__ import annotations

import re

from planqa.ingest.chrome import Removals
from planqa.ingest.outline import is_heading_line, parse_marker

# ---------------------------------------------------------------- conversion markers

# Markers of OCR and page-to-text conversions: image placeholders, stray tags, page separators.
MARKER_RULES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in [
        ("ocr_image_marker", r"<[^<>\n|]{1,20}\|(?:start|end)>"),
        ("html_tag", r"<img\b[^>\n]{0,1000}>"),
        ("html_tag", r"</?(?:p|br|span|div|font|b|strong|em|i|u|sup|sub|td|tr|table|tbody|center|a)\b[^<>\n]{0,300}>"),
        ("markdown_image", r"!\[[^\]\n]{0,200}\]\([^)\n]{0,1000}\)"),
    ]
]
# A line that is only a page separator of a conversion ("--- 第3页 ---", "=== Page 3 ===", "<page 3>").
PAGE_MARKER_LINE = re.compile(
    r"^\s*(?:[-=_*#<\[【(（—]+\s*)?(?:第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?|page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r"|[-—–]\s*\d{1,4}\s*[-—–])(?:\s*[-=_*#>\]】)）—]+)?\s*$",
    re.IGNORECASE,
)
BARE_NUMBER_LINE = re.compile(r"^\s*(\d{1,4})\s*$")
MIN_PAGE_NUMBER_RUN = 3
MIN_PAGE_LINES = 12  # lines of text between two page numbers, at least
MIN_TEXT_NEIGHBOUR = 20  # a page number sits next to a line of running text


def remove_conversion_markers(lines: list[str], removals: Removals) -> list[str]:
    """Drop image placeholders, stray HTML tags and page separators left by conversions."""
    out: list[str] = []
    for line in lines:
        if line.startswith("\t"):
            out.append(line)
            continue
        for rule, pattern in MARKER_RULES:
            if pattern.search(line):
                for match in pattern.finditer(line):
                    removals.add(rule, match.group(0))
                line = pattern.sub("", line)
        if PAGE_MARKER_LINE.match(line):
            removals.add("page_marker", line)
            continue
        out.append(line)
    return _drop_page_number_runs(out, removals)


def _drop_page_number_runs(lines: list[str], removals: Removals) -> list[str]:
    """Bare numbers on lines of their own that count up page by page (3, 4, 5 ...), each between
    lines of running text, are page numbers; numbers in a one-cell-per-line table are not."""
    def in_text(i: int) -> bool:
        neighbours = [lines[j].strip() for j in (i - 1, i + 1) if 0 <= j < len(lines)]
        return any(len(n) >= MIN_TEXT_NEIGHBOUR for n in neighbours)

    numbered = [(i, int(m.group(1))) for i, line in enumerate(lines)
                if (m := BARE_NUMBER_LINE.match(line)) and in_text(i)]
    pairs = [(a, b) for a, b in zip(numbered, numbered[1:]) if b[1] == a[1] + 1 and b[0] - a[0] >= MIN_PAGE_LINES]
    drop = {a[0] for a, _ in pairs} | {b[0] for _, b in pairs}
    if len(drop) < MIN_PAGE_NUMBER_RUN:
        return lines
    for i in sorted(drop):
        removals.add("page_number", lines[i])
    return [line for i, line in enumerate(lines) if i not in drop]


# ---------------------------------------------------------------- hard wraps

_TERMINAL = re.compile(r"[。！？；：!?;…][”’\"』」）)】]*\s*$")
MAX_WRAP_WIDTH = 120  # wider "lines" are paragraphs, not wrapped lines
MIN_WRAPPED_SHARE = 0.5  # of the full-width lines, this share must end mid-sentence
MIN_FULL_LINES = 8
FULL_SHARE = 0.8  # a line at least this share of the wrap width is "full"


def _text_lines(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip() and not line.startswith("\t")]


def wrap_width(lines: list[str]) -> int | None:
    """The width text was wrapped at, or None when the lines are paragraphs.

    Hard-wrapped text has many lines of about one width that end mid-sentence; paragraph lines
    vary in length and end with a sentence end.
    """
    lengths = sorted(len(line) for line in _text_lines(lines) if len(line) >= 8)
    if len(lengths) < MIN_FULL_LINES:
        return None
    width = lengths[int(len(lengths) * 0.8)]
    if width > MAX_WRAP_WIDTH:
        return None
    full = [line for line in _text_lines(lines) if len(line) >= FULL_SHARE * width]
    if len(full) < MIN_FULL_LINES:
        return None
    open_ended = sum(1 for line in full if not _TERMINAL.search(line))
    return width if open_ended >= MIN_WRAPPED_SHARE * len(full) else None


def _opens_block(line: str) -> bool:
    """A line that starts a heading or list item, never the continuation of a paragraph."""
    stripped = line.strip()
    marker = parse_marker(stripped)
    return marker is not None and (is_heading_line(stripped, marker) or marker.kind in ("chapter", "jie", "article"))


def join_hard_wraps(lines: list[str], width: int) -> tuple[list[str], int]:
    """Join wrapped lines into paragraphs. Returns (lines, number of line breaks removed)."""
    from planqa.ingest.readers.txt import join_fragments

    out: list[str] = []
    joined = 0
    can_continue = False
    for raw in lines:
        if raw.startswith("\t") or not raw.strip():
            out.append(raw)
            can_continue = False
            continue
        line = raw.strip()
        opens = _opens_block(line)
        if can_continue and not opens:
            out[-1] = join_fragments(out[-1], line)
            joined += 1
        else:
            out.append(line)
        is_full = len(line) >= FULL_SHARE * width
        heading = opens and not is_full
        can_continue = is_full and not heading and not _TERMINAL.search(line)
    return out, joined


# ---------------------------------------------------------------- run-on text

# Run-on text: the document has hardly any line breaks (this many characters a line on average);
# then every line longer than RUN_ON_LINE is treated as several paragraphs run together. A
# document with ordinary paragraphs, however long some are, is never split.
RUN_ON_AVERAGE = 1000
RUN_ON_LINE = 200
_NUM = "[一二三四五六七八九十百零〇]+"
# Markers that open a block inside run-on text.
_INLINE_MARKER = (rf"第{_NUM}[章节条]|{_NUM}、|[（(]{_NUM}[）)]|[（(]\d{{1,2}}[）)]|\d{{1,2}}[.．、](?!\d)|[①-⑳]"
                  rf"|附件\s*\d{{0,2}}[：:]?")
# (spaces may stand between: a capture that dropped the line breaks keeps the indentation)
_SPLIT_AT = re.compile(rf"(?<=[。！？；!?;])(?:[”’』」]?)[ \t\u3000]*(?=(?:{_INLINE_MARKER}))")
# A table-of-contents entry ends in leader dots and its page number: the next entry (or, after the
# last one, the body's first heading) opens a new line whatever its number.
_TOC_ENTRY_END = re.compile(r"(?:[·.…．•_]{4,}|[-—]{4,})[ \t\u3000]*\d{1,3}[ \t\u3000]*$")
_MARKER_AT = re.compile(_INLINE_MARKER)
# Words that open a sentence of a 公文 body, never a heading's last words: where a heading
# runs on into its text without a line break, its title ends before one of them.
_BODY_OPENERS = re.compile(
    r"“十[一二三四五六]五”|到20\d\d年|20\d\d年|坚持以|坚持和|以习近平|高举|全面贯彻|深入贯彻|认真贯彻|围绕|按照|根据|"
    r"为深入|为贯彻|为加快|为进一步|为全面|为推动|为规范|为了|近年来|当前|目前|一是|顺应|立足|聚焦|紧紧|面向|依托|通过|"
    r"本办法|本方案|本规划|本细则|本规定|各地|各级|各有关|我市|我区|我省|全市|全区|全省|全县"
)
MAX_INLINE_TITLE = 40
_GAP = re.compile(r"[ \t]{2,}|[\u3000\t]")
# (letter-spaced as often as not: "前  言"; spaces after it stay with the heading)
_FRONT_MATTER = re.compile(r"(?:[前序引][ \u3000]*言|[总附][ \u3000]*则|结[ \u3000]*束[ \u3000]*语|结[ \u3000]*语)[ \u3000]*")


def _title_end(text: str, start: int) -> int | None:
    """End of a heading title that starts at ``start`` and runs on into its text."""
    window = text[start: start + MAX_INLINE_TITLE + 1]
    candidates = []
    if (m := _MARKER_AT.search(window, 2)) is not None:
        candidates.append(m.start())
    if (m := re.search(r"[，。；：！？,;:!?]", window)) is not None:
        candidates.append(m.start())
    if (m := _BODY_OPENERS.search(window, 2)) is not None:
        candidates.append(m.start())
    if (m := _GAP.search(window, 2)) is not None:  # a dropped line break left its indentation
        candidates.append(m.start())
    ends = [c for c in candidates if c >= 2]
    return start + min(ends) if ends else None


_OUTER_ORDER = ("chapter", "jie", "article", "cn", "paren_cn")


def split_run_on(line: str) -> list[str]:
    """Split a run-on line into paragraphs, headings on lines of their own.

    A marker opens a new paragraph where a sentence ends before it, or, for the outline's own
    numbering (第X章, 第X节, 第X条, 一、, （一）), where it is the next number of its series: a
    "三、" after "二、" needs no full stop before it (it may follow a table row, a date or a
    bracketed note).
    """
    cuts: list[int] = []
    expected: dict[str, int] = {}
    sentence_ends = {m.end() for m in _SPLIT_AT.finditer(line)}
    for match in _MARKER_AT.finditer(line):
        pos = match.start()
        marker = parse_marker(line[pos:pos + 12])
        if marker is None or pos == 0:
            continue
        in_sequence = (marker.kind in _OUTER_ORDER and marker.number is not None
                       and marker.number == expected.get(marker.kind, 0) + 1
                       and (marker.number > 1 or pos in sentence_ends or marker.kind != "paren_cn"))
        toc_entry_end = _TOC_ENTRY_END.search(line, max(0, pos - 16), pos) is not None
        if pos in sentence_ends or in_sequence or toc_entry_end:
            if marker.kind in _OUTER_ORDER and marker.number is not None:
                expected[marker.kind] = marker.number
                for inner in _OUTER_ORDER[_OUTER_ORDER.index(marker.kind) + 1:]:
                    expected.pop(inner, None)
            cuts.append(pos)
    pieces = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)])]
    out: list[str] = []
    for piece in pieces:
        out.extend(_cut_headings(piece))
    return [p for p in out if p.strip()]


def _cut_headings(piece: str) -> list[str]:
    """'一、总体要求（一）指导思想坚持以…' → ['一、总体要求', '（一）指导思想', '坚持以…']."""
    out: list[str] = []
    rest = piece
    front = _FRONT_MATTER.match(rest)
    if front and (_BODY_OPENERS.match(rest, front.end()) or rest[front.end():front.end() + 1] in "“\"《"):
        out.append(front.group(0))
        rest = rest[front.end():]
    for _ in range(4):  # at most a chapter, a section and two sub-levels in a row
        marker = _MARKER_AT.match(rest)
        parsed = parse_marker(rest) if marker is not None else None
        if parsed is None:
            break
        kind = parsed.kind
        if kind in ("arabic", "paren_arabic", "circled"):
            break  # list items keep their text on their line
        end = _title_end(rest, marker.end())
        if end is None:
            break
        title = rest[:end]
        follows = rest[end:]
        if kind == "article":  # 第X条 is a label: its text stays with it
            break
        if follows[:1] in "，,：:":  # a clause, not a title
            break
        if follows[:1] in "。；;":
            title, follows = rest[:end + 1], rest[end + 1:]
        gap = len(follows) - len(follows.lstrip(" \t\u3000"))  # spaces of a dropped line break stay with the title
        title, follows = title + follows[:gap], follows[gap:]
        out.append(title)
        rest = follows
    out.append(rest)
    return out


def reflow(lines: list[str], removals: Removals) -> tuple[list[str], dict[str, int]]:
    """All three shapes to one paragraph per line. Returns (lines, what was done)."""
    lines = remove_conversion_markers(lines, removals)
    stats = {"wrap_width": 0, "wrapped_lines_joined": 0, "run_on_lines_split": 0}
    width = wrap_width(lines)
    if width:
        lines, stats["wrapped_lines_joined"] = join_hard_wraps(lines, width)
        stats["wrap_width"] = width
    text_lines = _text_lines(lines)
    run_on = bool(text_lines) and sum(map(len, text_lines)) / len(text_lines) > RUN_ON_AVERAGE
    out: list[str] = []
    for line in lines:
        if run_on and len(line) > RUN_ON_LINE and not line.startswith("\t"):
            parts = split_run_on(line.strip())
            stats["run_on_lines_split"] += 1 if len(parts) > 1 else 0
            out.extend(parts)
        else:
            out.append(line)
    return out, stats
