"""Cleaning: from captured text to the cleaned text every offset refers to.

The cleaned text has one paragraph per line and no empty lines; a table is one line per
row (cells joined by " | "). Steps, each recorded in the cleaning report:
characters (BOM, NBSP, control characters) → Word ``[bookmark: …]`` marks → page fragments
of scraped pages re-joined (with their inline TOC and headings) → site chrome → TOC lines →
conversion markers, hard wraps joined, run-on text split (``planqa.ingest.reflow``) →
punctuation → tables → OCR slips in heading numerals.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from planqa.ingest.chrome import Removals, remove_chrome, remove_toc_lines
from planqa.ingest.fragments import unscramble
from planqa.ingest.outline import NestingTracker, is_heading_line, parse_marker, repair_marker
from planqa.ingest.reflow import reflow
from planqa.ingest.tables import TableBlock, parse_numbered_table, parse_tab_table, render_row
from planqa.records import Table

log = logging.getLogger(__name__)

# Bounded: an unclosed "[bookmark:" must not make cleaning quadratic (real marks are < 30 chars).
BOOKMARK = re.compile(r"\[bookmark:[^\]\n]{0,200}\]")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]{0,20}[ -/]{0,5}[@-~]")  # terminal colours in a captured log or paste
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》【】—…·"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \u3000]+(?=[{CJK}{CJK_PUNCT}])")
_SPACES = re.compile(r"[ \u3000]{2,}")
_SPACE_AFTER_LIST_NUMBER = re.compile(rf"^(\d{{1,2}}[.、])[ \u3000]+(?=[{CJK}])")
_SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d)[ \u3000]+%")
_CAPTION = re.compile(r"(指标|表\s*\d*|一览)")
_NOTE = re.compile(r"^\s*(注|说明|备注)\s*[：:]")


@dataclass
class CleanResult:
    """Cleaned text plus what was found and removed on the way."""

    text: str
    tables: list[Table]
    report: dict[str, Any]
    ocr_repaired: list[str] = field(default_factory=list)
    removals: list[tuple[str, str]] = field(default_factory=list)  # (rule, text) of every removal


def normalize_characters(text: str, removals: Removals) -> str:
    """Line ends to LF, terminal escape sequences and BOM/zero-width/control characters out, NBSP to space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for match in ANSI_ESCAPE.finditer(text):
        removals.add("control_characters", match.group(0))
    text = ANSI_ESCAPE.sub("", text)
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
        elif ch in "\xa0\u2002\u2003\u2009\u202f":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") or ch == "\ufeff":
            removals.add("control_characters", ch)
        else:
            out.append(ch)
    return "".join(out)


def _fullwidth_alnum_to_ascii(ch: str) -> str:
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    return {"％": "%", "＋": "+", "＆": "&", "．": "."}.get(ch, ch)


def normalize_punctuation(line: str) -> str:
    """One consistent form: Chinese punctuation full-width, digits and Latin half-width."""
    line = "".join(_fullwidth_alnum_to_ascii(ch) for ch in line)
    line = re.sub(r"(?<!\d),|,(?!\d{3})", "，", line)  # keep 1,000 as is
    line = re.sub(r"(?<!\d):|:(?!\d)", "：", line)  # keep 15:13 as is
    line = line.replace(";", "；").replace("?", "？").replace("!", "！")
    line = line.replace("(", "（").replace(")", "）")
    return line


def tidy_spaces(line: str) -> str:
    """No spaces between Chinese characters (Word's 前  言, 指    标); runs collapse to one."""
    line = _SPACE_BETWEEN_CJK.sub("", line.strip())
    line = _SPACE_AFTER_LIST_NUMBER.sub(r"\1", line)  # "3. 实施…" like its siblings "2.推动…"
    line = _SPACE_BEFORE_PERCENT.sub("%", line)
    return _SPACES.sub(" ", line).strip()


def _row_end(lines: list[str], index: int) -> int:
    """Index of the first empty line at or after ``index`` (the end of a TAB-table row)."""
    while index < len(lines) and lines[index].strip():
        index += 1
    return index


def segment_blocks(lines: list[str]) -> list[str | TableBlock]:
    """Paragraph lines and tables, in order."""
    blocks: list[str | TableBlock] = []
    index = 0
    no_tab_table_before = 0  # a TAB run that is no table: its later lines are not tried again
    while index < len(lines):
        line = lines[index]
        stripped = tidy_spaces(line)
        parsed = None
        if stripped == "序号":
            parsed = parse_numbered_table(lines, index)
        elif line.startswith("\t") and stripped and index >= no_tab_table_before:
            parsed = parse_tab_table(lines, index)
            if parsed is None:
                # A table starting later in this row would have the same rows or fewer (linear time).
                no_tab_table_before = _row_end(lines, index)
        if parsed is None:
            if stripped:
                blocks.append(stripped)
            index += 1
            continue
        table, index = parsed
        table.header = [tidy_spaces(c) for c in table.header]
        table.rows = [[tidy_spaces(c) for c in row] for row in table.rows]
        if blocks and isinstance(blocks[-1], str) and _CAPTION.search(blocks[-1]) and len(blocks[-1]) <= 50:
            table.caption = blocks[-1]
        blocks.append(table)
    for i, block in enumerate(blocks[:-1]):
        following = blocks[i + 1]
        if isinstance(block, TableBlock) and isinstance(following, str) and _NOTE.match(following):
            block.note = following
    return blocks


def repair_heading_numerals(blocks: list[str | TableBlock], repaired: list[str]) -> None:
    """Rewrite garbled （一） markers ("(-)", "(S)", "()") with the numeral the sequence implies,
    only where the neighbours make it certain: the next well-read sibling (if any, before the
    parent heading ends) carries the number that follows."""
    tracker = NestingTracker()
    headings: list[tuple[int, int, int, bool]] = []  # (block index, depth, number, garbled)
    for i, block in enumerate(blocks):
        if not isinstance(block, str):
            continue
        marker = parse_marker(block)
        if marker is None or not is_heading_line(block, marker):
            continue
        depth, number = tracker.push(marker)
        headings.append((i, depth, number, marker.number is None))
    for position, (i, depth, number, garbled) in enumerate(headings):
        if not garbled:
            continue
        # the next well-read sibling (before the parent heading ends) must carry the number that
        # follows when the siblings in between are numbered in turn
        expected, following = number, None
        for _, other_depth, other_number, other_garbled in headings[position + 1:]:
            if other_depth < depth:
                break
            if other_depth == depth:
                expected += 1
                if not other_garbled:
                    following = other_number
                    break
        if following is not None and following != expected:
            continue
        block = blocks[i]
        marker = parse_marker(block)
        fixed = repair_marker(block, marker, number)
        repaired.append(f"{block[: marker.length]} → {fixed[: len(fixed) - len(block) + marker.length]}")
        blocks[i] = fixed


def assemble(blocks: list[str | TableBlock]) -> tuple[str, list[Table]]:
    """Join blocks into the cleaned text and give tables their offsets."""
    lines: list[str] = []
    tables: list[Table] = []
    pos = 0

    def add(line: str) -> tuple[int, int]:
        nonlocal pos
        start = pos
        lines.append(line)
        pos += len(line) + 1
        return start, start + len(line)

    for block in blocks:
        if isinstance(block, str):
            add(block)
            continue
        start, header_end = add(render_row(block.header))
        spans = tuple(add(render_row(row)) for row in block.rows)
        tables.append(
            Table(block.caption, tuple(block.header), tuple(tuple(r) for r in block.rows),
                  start, spans[-1][1], header_end, spans, block.note)
        )
    return "\n".join(lines), tables


def clean(raw: str, name: str = "") -> CleanResult:
    """Clean captured text; ``name`` only labels the log line."""
    removals = Removals()
    text = normalize_characters(raw, removals)
    for match in BOOKMARK.finditer(text):
        removals.add("word_bookmarks", match.group(0))
    text = BOOKMARK.sub("", text)
    lines = text.split("\n")
    lines, joined = unscramble(lines, removals)
    lines = remove_chrome(lines, removals)
    lines = remove_toc_lines(lines, removals)
    lines, reflowed = reflow(lines, removals)
    lines = remove_chrome(lines, removals)  # run-on text split into lines: its chrome lines show now
    lines = remove_toc_lines(lines, removals)  # ... and so do its table-of-contents entries
    lines = [normalize_punctuation(line) for line in lines]
    blocks = segment_blocks(lines)
    repaired: list[str] = []
    repair_heading_numerals(blocks, repaired)
    cleaned, tables = assemble(blocks)
    report = {
        "chars_in": len(raw),
        "chars_out": len(cleaned),
        "removed_chars": removals.by_rule(),
        "removed": [{"rule": rule, "text": text[:120], "chars": len(text)} for rule, text in removals.items
                    if rule not in ("word_bookmarks", "control_characters", "page_fragment_marker")],
        "page_fragments_joined": joined,
        **reflowed,
        "ocr_repairs": repaired,
        "tables": len(tables),
    }
    log.info("cleaned %s: %d → %d chars; removed %s; %d tables; %d OCR repairs",
             name or "text", len(raw), len(cleaned), report["removed_chars"], len(tables), len(repaired))
    return CleanResult(cleaned, tables, report, repaired, removals.items)
