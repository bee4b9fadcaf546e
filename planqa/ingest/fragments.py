"""Scraped document-sharing pages: page fragments re-joined, inline TOC, inline headings.

Such pages cut the text into numbered fragments ``1、…`` ``2、…`` of a fixed length that
break mid-sentence and mid-word. After joining, the whole plan is one run of text with its
headings inline ("第一章发展现状与环境一、发展现状(-)创新主体发展迅速一是…") and its table of
contents inline ("第一章发展现状与环境1一、发展现状1(一)…"). The TOC tells which headings the
body has, so it is parsed first, removed, and used to put each heading on its own line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from planqa.ingest.chrome import Removals

FRAGMENT = re.compile(r"^(\d{1,4})、")
MIN_FRAGMENTS = 3
MIN_FRAGMENT_CHARS = 120

_NUM = "[一二三四五六七八九十]+"
TOC_MARKER = rf"(?:第{_NUM}章|{_NUM}、|[（(][^（()）]{{0,2}}[）)]|附件{_NUM})"
TOC_ENTRY = re.compile(rf"(?P<marker>{TOC_MARKER})(?P<title>[^。；]{{1,40}}?)(?P<page>\d{{1,3}})(?={TOC_MARKER}|“|$)")
MIN_TOC_ENTRIES = 6


def join_fragments(lines: list[str], removals: Removals) -> tuple[list[str], int | None]:
    """Re-join numbered page fragments into one line. Returns (lines, index of the joined line)."""
    numbered = [(i, int(m.group(1))) for i, line in enumerate(lines) if (m := FRAGMENT.match(line))]
    run: list[int] = []
    for index, number in numbered:
        if number == 1:
            run = [index]
        elif run and number == len(run) + 1:
            run.append(index)
    if len(run) < MIN_FRAGMENTS:
        return lines, None
    typical = sorted(len(lines[i]) for i in run)[len(run) // 2]  # median: the last piece is short
    between_blank = all(not lines[j].strip() for a, b in zip(run, run[1:]) for j in range(a + 1, b))
    if typical < MIN_FRAGMENT_CHARS or not between_blank:
        return lines, None
    pieces = []
    for number, index in enumerate(run, start=1):
        marker = f"{number}、"
        removals.add("page_fragment_marker", marker)
        pieces.append(lines[index][len(marker):])
    return lines[: run[0]] + ["".join(pieces)] + lines[run[-1] + 1:], run[0]


@dataclass(frozen=True)
class TocEntry:
    marker: str
    title: str


def split_inline_toc(text: str) -> tuple[str, str, list[TocEntry]]:
    """Find an inline TOC (≥ MIN_TOC_ENTRIES consecutive "marker title page" entries).

    Returns (text before, text after, entries); ("", text, []) when there is none.
    """
    for start_match in re.finditer(rf"第一章|一、", text):
        pos = start_match.start()
        entries: list[TocEntry] = []
        while (match := TOC_ENTRY.match(text, pos)) is not None:
            entries.append(TocEntry(match.group("marker"), match.group("title")))
            pos = match.end()
        if len(entries) >= MIN_TOC_ENTRIES:
            return text[: start_match.start()], text[pos:], entries
    return "", text, []


def _paren_variants(marker: str) -> str:
    if marker[0] in "（(":
        return r"[（(][^（()）]{0,2}[）)]"
    return re.escape(marker)


def _best_title_end(text: str, pos: int, title: str) -> tuple[int, float]:
    """End of the heading title starting at ``pos`` that best matches the TOC ``title``."""
    best_end, best_ratio = pos, 0.0
    for length in range(max(1, len(title) - 4), len(title) + 5):
        candidate = text[pos: pos + length]
        ratio = SequenceMatcher(None, candidate, title, autojunk=False).ratio()
        if ratio > best_ratio:
            best_end, best_ratio = pos + length, ratio
    return best_end, best_ratio


def recover_inline_headings(body: str, entries: list[TocEntry], window: int = 6000) -> list[str]:
    """Cut ``body`` into lines so that each heading listed in the TOC stands alone."""
    cuts: list[tuple[int, int]] = []  # (heading start, heading end)
    cursor = 0
    for entry in entries:
        pattern = re.compile(_paren_variants(entry.marker))
        for match in pattern.finditer(body, cursor, min(len(body), cursor + window)):
            end, ratio = _best_title_end(body, match.end(), entry.title)
            if ratio >= 0.6:
                cuts.append((match.start(), end))
                cursor = end
                break
    lines: list[str] = []
    pos = 0
    for start, end in cuts:
        lines.append(body[pos:start])
        lines.append(body[start:end])
        pos = end
    lines.append(body[pos:])
    return [line for line in lines if line.strip()]


def split_title_block(text: str) -> list[str]:
    """The run before the TOC: title, 编制单位 and date on lines of their own."""
    return [part for part in re.split(r"(?=编制单位[:：])|(?=\d{4}年\d{1,2}月\d{1,2}日$)", text) if part.strip()]


OCR_DASH = re.compile(r"(^|[。；：])一一(?!对应|列举|核实|落实|说明|介绍|解答|回复|对照)")


def repair_dashes(line: str) -> str:
    """OCR reads the dash ``——`` that opens a list item as ``一一``."""
    return OCR_DASH.sub(lambda m: m.group(1) + "——", line)


def unscramble(lines: list[str], removals: Removals) -> tuple[list[str], bool]:
    """Join fragments, drop the inline TOC and restore heading lines. Returns (lines, joined)."""
    lines, at = join_fragments(lines, removals)
    if at is None:
        return lines, False
    joined = lines[at]
    head, body, entries = split_inline_toc(joined)
    if entries:
        removals.add("table_of_contents", joined[len(head): len(joined) - len(body)])
    parts = recover_inline_headings(body, entries)
    for part in parts:  # the OCR'd "一一" that stood for a dash goes, by rule
        for _ in OCR_DASH.finditer(part):
            removals.add("ocr_dash", "一一")
    restored = split_title_block(head) + [repair_dashes(part) for part in parts]
    return lines[:at] + restored + lines[at + 1:], True
