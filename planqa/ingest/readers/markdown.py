"""Markdown reader, for web-to-markdown conversions (Jina Reader and similar) and OCR markdown.

Such files are page captures, not clean documents. The reader turns them into plain text in the
corpus conventions (see ``base``):

- the reader header ("Title: …", "URL Source: …", "Published Time: …", "Markdown Content:") or a
  YAML front matter goes into ``properties`` (title, url, date, …) and ``removed``;
- links ``[text](url)`` become their text (targets recorded as ``md_link_target``); images
  ``![alt](src)``, ``<img …>`` tags and OCR image markers ``<图片内容|start>``/``<…|end>`` are
  dropped (``md_image``), the OCR text between the markers is kept;
- navigation: lines made only of links (menus, breadcrumbs, "搜索热词" rows) in runs, or lines with
  several links and hardly any other text, are dropped (``md_navigation``); a lone link-only line
  (an attachment name) is kept as text;
- ``#`` headings and bold-only lines ("**参保待遇**") become plain lines and ``headings`` hints;
  emphasis markers and backslash escapes are removed, HTML entities decoded;
- list bullets ("- ", "* ", "+ ") are dropped, ordered-list numbers ("1. ") kept;
- pipe tables become TAB-cell lines;
- a long line that repeats the rest of the page (a flattened hidden copy of the body) is dropped
  (``md_duplicate_body``);
- soft-wrapped lines of one paragraph are joined (not after a sentence end, nor before a
  heading marker such as 一、 or （一）).
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from planqa.errors import IngestError
from planqa.ingest.readers.base import RawDocument
from planqa.ingest.readers.txt import finish_lines, join_fragments, read_decoded, table_to_lines

log = logging.getLogger(__name__)

_HEADER_KEYS = {"title": "title", "url source": "url", "published time": "date", "description": "description",
                "author": "author", "date": "date", "source": "url", "url": "url"}
_HEADER_LINE_RE = re.compile(r"^(Title|URL Source|Published Time|Description|Warning|Number of Pages|Author)\s*:\s?(.*)$")
_CONTENT_MARK = "Markdown Content:"
_FRONT_MATTER_KEY_RE = re.compile(r"^([A-Za-z_][\w -]*)\s*:\s*(.*)$")

_ESCAPABLE = r"""\\`*_{}\[\]()#+\-.!|>~"'<$&:;=?@^"""
_ESCAPE_RE = re.compile(r"\\([" + _ESCAPABLE + r"])")
_PROTECT_BASE = 0xF0000  # escaped characters are parked in a private-use plane while parsing
_IMAGE_RE = re.compile(r"!\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()]*\)[^()\s]*)*)"
                       r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_LINK_RE = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()]*\)[^()\s]*)*)"
                      r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REF_LINK_RE = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_REF_DEF_RE = re.compile(r"^\s{0,3}\[[^\[\]]+\]:\s*\S+.*$")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>")
_IMG_TAG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_OCR_MARKER_RE = re.compile(r"<[^<>|\n]{1,12}\|(?:start|end)>", re.IGNORECASE)
_BR_TAG_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG_RE = re.compile(r"</?(?:p|div|span|font|b|strong|i|em|u|s|sup|sub|center|a|section|article|small|big|"
                          r"mark|ins|del|label|figure|figcaption|blockquote|h[1-6]|ul|ol|li|table|thead|tbody|tr|"
                          r"td|th|hr)\b[^>]*>", re.IGNORECASE)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?\s*(?:\s#+\s*)?$")
_BULLET_RE = re.compile(r"^(\s*)[-*+]\s+(?=\S)|^(\s*)[-*+]\s*$")
_ORDERED_RE = re.compile(r"^(\s*)(\d{1,3})([.)])\s+(?=\S)")
_QUOTE_RE = re.compile(r"^\s{0,3}(?:>\s?)+")
_RULE_RE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_SETEXT_RE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BOLD_LINE_RE = re.compile(r"^(\*\*|__)(?=\S)(.+?)(?<=\S)\1[:：]?$")
_EMPHASIS_RES = (
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
    re.compile(r"(?<![*0-9])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)"),  # intraword in CJK text too
    re.compile(r"(?<![0-9A-Za-z_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![0-9A-Za-z_])"),
)
_CODE_RE = re.compile(r"`([^`]+)`")
# Emphasis markers left around nothing once an image was dropped: "_![icon](…)_ 2025-01-01".
_EMPTY_EMPHASIS_RE = re.compile(r"(?<![\w*_~])(?:\*\*\*|___|\*\*|__|~~)(?![\w*_~])")
_SENTENCE_END = "。！？；：!?;:…"
_CLOSERS = "”’\"'）)】」』》"
_SENTENCE_RE = re.compile(r"[。！？；!?;]")
_HEADING_MARKER_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇两\d]+[章节条部分篇编]|[一二三四五六七八九十]+[、．.]"
    r"|[（(][一二三四五六七八九十]+[）)]|\d+(?:\.\d+)*[、．.](?!\d)|[（(]\d+[）)]|[①-⑳])")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SEPARATORS = " \t\u3000|·•>»/、,，;；:：-–—_*()（）[]【】"
_MAX_NAV_ITEM_CHARS = 25  # a menu entry, breadcrumb step or hot-word link is short
_MAX_NAV_FILLER_CHARS = 12  # short plain items ("· 市委编办") between menu links
_MIN_NAV_RUN = 3
_MAX_NAV_OUTSIDE_SHARE = 0.4  # text outside the links of a breadcrumb ("当前位置：")
_LINK_OPEN, _LINK_CLOSE = "\x01", "\x02"  # brackets link text while a line is parsed
_MAX_BOLD_HEADING_CHARS = 60
_MIN_DUPLICATE_HAN = 200
_DUPLICATE_WINDOW = 16
_MIN_DUPLICATE_SHARE = 0.9
_MAX_HEADING_CHARS = 120


def _protect(text: str) -> str:
    """Park backslash-escaped characters so that no markdown rule reads them."""
    return _ESCAPE_RE.sub(lambda m: chr(_PROTECT_BASE + ord(m.group(1))), text)


def _restore(text: str) -> str:
    return re.sub("[\U000f0000-\U000f007f]", lambda m: chr(ord(m.group(0)) - _PROTECT_BASE), text)


@dataclass
class _Line:
    """One source line after inline parsing."""

    text: str  # visible text, markdown syntax removed
    kind: str  # "text", "heading", "bold", "item", "table", "blank", "rule"
    links: int = 0
    link_text: int = 0  # visible characters inside links
    outside: int = 0  # visible characters outside links (separators not counted)
    level: int = 0  # heading level
    images: int = 0
    cells: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    image_texts: list[str] = field(default_factory=list)
    joinable: bool = True  # a soft-wrapped continuation may join it
    hard_break: bool = False


class _Inline:
    """Inline markdown to visible text, counting links and images."""

    def __init__(self) -> None:
        self.links = 0
        self.link_text = 0
        self.images: list[str] = []
        self.targets: list[str] = []
        self.link_text = 0
        self.outside = 0

    def image(self, match: re.Match[str]) -> str:
        self.images.append(_restore(match.group(0)))
        return ""

    def link(self, match: re.Match[str]) -> str:
        text = match.group(1)
        self.links += 1
        self.targets.append(_restore(match.group(2).strip("<>")))
        return _LINK_OPEN + text + _LINK_CLOSE

    def finish(self, text: str) -> str:
        for _ in range(3):  # nested emphasis: **_x_**
            before = text
            for regex in _EMPHASIS_RES:
                text = regex.sub(lambda m: m.group(m.lastindex or 1), text)
            if text == before:
                break
        return text

    def __call__(self, text: str) -> str:
        text = _IMG_TAG_RE.sub(lambda m: self.images.append(m.group(0)) or "", text)
        text = _OCR_MARKER_RE.sub(lambda m: self.images.append(m.group(0)) or "", text)
        text = _BR_TAG_RE.sub("\n", text)
        text = _HTML_TAG_RE.sub("", text)
        text = _CODE_RE.sub(lambda m: m.group(1), text)
        for _ in range(3):  # an image inside a link, a link inside emphasis
            before = text
            text = _IMAGE_RE.sub(self.image, text)
            text = _LINK_RE.sub(self.link, text)
            if text == before:
                break
        text = _REF_LINK_RE.sub(lambda m: self.link_ref(m), text)
        text = _AUTOLINK_RE.sub(lambda m: m.group(1), text)
        text = self.finish(text)
        text = self.measure(text)
        return _EMPTY_EMPHASIS_RE.sub("", text)

    def link_ref(self, match: re.Match[str]) -> str:
        self.links += 1
        return _LINK_OPEN + match.group(1) + _LINK_CLOSE

    def measure(self, text: str) -> str:
        """Count visible characters inside and outside links; return the text without brackets."""
        text = re.sub(f"{_LINK_OPEN}[ *_~]*{_LINK_CLOSE}", "", text)  # [_![icon](…)_](…): nothing left
        inside = "".join(re.findall(f"{_LINK_OPEN}([^{_LINK_CLOSE}]*){_LINK_CLOSE}", text))
        outside = re.sub(f"{_LINK_OPEN}[^{_LINK_CLOSE}]*{_LINK_CLOSE}", "", text)
        self.link_text = sum(1 for ch in _restore(inside) if ch not in _SEPARATORS)
        self.outside = sum(1 for ch in _restore(outside) if ch not in _SEPARATORS)
        return text.replace(_LINK_OPEN, "").replace(_LINK_CLOSE, "")


def _clean_text(text: str) -> str:
    text = html.unescape(_restore(text)).replace("\u00a0", " ")
    return re.sub(r"[ \t]{2,}", " ", text).strip(" \t\u3000")


def _split_cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return [c.strip() for c in row.split("|")]


def _read_header(lines: list[str]) -> tuple[int, dict[str, str], list[str]]:
    """The Jina-style reader header or a YAML front matter: (first body line, properties, header lines)."""
    props: dict[str, str] = {}
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and lines[start].strip() == "---":  # YAML front matter
        for end in range(start + 1, min(len(lines), start + 60)):
            if lines[end].strip() in ("---", "..."):
                block = lines[start:end + 1]
                for line in block[1:-1]:
                    m = _FRONT_MATTER_KEY_RE.match(line.strip())
                    if m and m.group(2).strip():
                        key = _HEADER_KEYS.get(m.group(1).strip().lower(), m.group(1).strip().lower())
                        props.setdefault(key, m.group(2).strip().strip("\"'"))
                return end + 1, props, block
        return 0, {}, []
    index = start
    header: list[str] = []
    saw_key = False
    while index < len(lines):
        line = lines[index].strip()
        if line == _CONTENT_MARK or line.startswith(_CONTENT_MARK):
            header.append(lines[index])
            return index + 1, props, header
        m = _HEADER_LINE_RE.match(line)
        if m:
            saw_key = True
            key = _HEADER_KEYS.get(m.group(1).lower())
            if key and m.group(2).strip():
                props.setdefault(key, m.group(2).strip())
        elif line and not saw_key:
            break
        elif line and saw_key:
            break
        header.append(lines[index])
        index += 1
    if saw_key and index >= len(lines):
        return index, props, header
    if saw_key:  # header keys without the "Markdown Content:" mark: the body starts here
        return index, props, header
    return 0, {}, []


class MarkdownReader:
    """Reads .md/.markdown files, as captured by web-to-markdown readers."""

    suffixes: tuple[str, ...] = (".md", ".markdown")

    def read(self, path: Path) -> RawDocument:
        """Decode and convert; raises ``IngestError`` for empty, binary or undecodable files."""
        path = Path(path)
        source, encoding = read_decoded(path)
        doc = convert_markdown(source, path)
        doc.encoding = encoding
        return doc


def convert_markdown(source: str, path: Path | str = "<markdown>") -> RawDocument:
    """Markdown text to a ``RawDocument`` (see the module docstring for the rules)."""
    path = Path(path)
    removed: list[tuple[str, str]] = []
    raw_lines = source.split("\n")
    start, properties, header = _read_header(raw_lines)
    if header:
        rule = "md_front_matter" if header[0].strip() == "---" else "md_reader_header"
        removed.append((rule, "\n".join(header).strip()))
    body = "\n".join(raw_lines[start:])
    for comment in _COMMENT_RE.findall(body):
        if comment[4:-3].strip():
            removed.append(("md_html_comment", comment))
    body = _COMMENT_RE.sub("", body)
    parsed = _parse_lines(body.split("\n"), removed)
    _drop_navigation(parsed, removed)
    lines, headings, title = _assemble(parsed)
    _drop_duplicate_bodies(lines, removed)
    text = finish_lines(lines)
    warnings: list[str] = []
    if not text.strip():
        raise IngestError(path, "no text left in the markdown file (only links, images or navigation)")
    source_han = len(_HAN_RE.findall(source))
    kept_han = len(_HAN_RE.findall(text))
    if source_han >= 200 and kept_han < 0.2 * source_han:
        warnings.append(f"only {kept_han} of {source_han} Chinese characters kept: the page is mostly navigation")
    notes = []
    n_links = sum(1 for rule, _ in removed if rule == "md_link_target")
    n_nav = sum(1 for rule, _ in removed if rule == "md_navigation")
    if n_links or n_nav:
        notes.append(f"{n_links} link target(s) dropped, {n_nav} navigation line(s) removed")
    n_tables = sum(1 for p in parsed if p.kind == "table_start")
    if n_tables:
        notes.append(f"{n_tables} table(s) converted to TAB-cell lines")
    return RawDocument(path=path, text=text, format="markdown", encoding=None, headings=headings,
                       title=title, notes=notes, removed=removed, warnings=warnings, properties=properties)


def _parse_lines(lines: list[str], removed: list[tuple[str, str]]) -> list[_Line]:
    out: list[_Line] = []
    in_fence = False
    index = 0
    while index < len(lines):
        raw = lines[index].rstrip("\r")
        index += 1
        if _FENCE_RE.match(raw):
            in_fence = not in_fence
            out.append(_Line("", "blank"))
            continue
        if in_fence:
            out.append(_Line(raw.strip(), "text", joinable=False))
            continue
        if not raw.strip():
            out.append(_Line("", "blank"))
            continue
        if _REF_DEF_RE.match(raw):
            removed.append(("md_link_target", raw.strip()))
            continue
        hard_break = raw.endswith("  ") or raw.endswith("\\")
        line = _QUOTE_RE.sub("", raw)
        # Setext heading underline: the previous text line was a heading.
        if _SETEXT_RE.match(line) and out and out[-1].kind == "text" and out[-1].text:
            out[-1].kind, out[-1].level = "heading", 1 if line.strip().startswith("=") else 2
            continue
        if _RULE_RE.match(line):
            out.append(_Line("", "rule"))
            continue
        # A pipe table: header row, separator row, body rows.
        if line.lstrip().startswith("|") or (index < len(lines) and "|" in line and _TABLE_SEP_RE.match(lines[index])):
            if index < len(lines) and _TABLE_SEP_RE.match(lines[index]) and "|" in lines[index]:
                rows = [line]
                index += 1  # the separator row
                while index < len(lines) and "|" in lines[index] and lines[index].strip():
                    rows.append(lines[index])
                    index += 1
                out.append(_Line("", "table_start"))
                for row in rows:
                    inline = _Inline()
                    cells = [_clean_text(inline(_protect(c))) for c in _split_cells(row)]
                    _record(inline, removed)
                    out.append(_Line("", "table", cells=cells))
                out.append(_Line("", "blank"))
                continue
        text = _protect(line.rstrip("\\").rstrip())
        kind = "text"
        indent = len(text) - len(text.lstrip())
        bullet = _BULLET_RE.match(text)
        ordered = _ORDERED_RE.match(text)
        prefix = ""
        if bullet:
            text = text[bullet.end():]
            kind = "item"
        elif ordered:
            prefix = ordered.group(2) + ordered.group(3)
            text = text[ordered.end():]
            kind = "item"
        heading = _HEADING_RE.match(text)
        level = 0
        if heading:
            text = heading.group(2) or ""
            kind, level = "heading", len(heading.group(1))
        elif _BOLD_LINE_RE.match(text.strip()):
            kind = "bold" if kind == "text" or not prefix else kind
        inline = _Inline()
        visible = _clean_text(inline(text))
        _record(inline, removed)
        if prefix:
            visible = join_fragments(prefix, visible) if visible and not visible[0].isascii() else f"{prefix} {visible}".strip()
        parsed = _Line(visible, kind, links=inline.links, link_text=inline.link_text, outside=inline.outside,
                       level=level, images=len(inline.images), targets=inline.targets,
                       image_texts=inline.images, hard_break=hard_break)
        if kind == "text" and indent >= 2 and out and out[-1].kind == "item":
            parsed.kind = "continuation"
        for piece_no, piece in enumerate(visible.split("\n")):  # <br> inside a line
            if piece_no == 0:
                parsed.text = _clean_text(piece)
                out.append(parsed)
            else:
                out.append(_Line(_clean_text(piece), "text"))
    return out


def _record(inline: _Inline, removed: list[tuple[str, str]]) -> None:
    for image in inline.images:
        removed.append(("md_image", image))
    for target in inline.targets:
        if target:
            removed.append(("md_link_target", target))


def _is_nav_line(line: _Line) -> bool:
    """Only links (and images), each short: a menu entry; or several links with hardly any other
    text: a breadcrumb ("当前位置：首页>…") or a hot-word row."""
    if line.kind not in ("text", "item", "continuation", "heading", "bold") or not line.links:
        return False
    if not line.text.strip(_SEPARATORS):
        return False  # an icon link with no text: nothing to keep or drop
    if line.link_text > _MAX_NAV_ITEM_CHARS * line.links:
        return False
    if line.outside == 0:
        return True
    return line.links >= _MIN_NAV_RUN and line.outside <= _MAX_NAV_OUTSIDE_SHARE * (line.outside + line.link_text)


def _is_filler(line: _Line) -> bool:
    """A short plain entry that can sit inside a menu (a menu item without a link, an icon label)."""
    text = line.text.strip(_SEPARATORS)
    return line.kind in ("item", "text", "continuation") and len(text) <= _MAX_NAV_FILLER_CHARS \
        and not _SENTENCE_RE.search(text)


def _drop_navigation(lines: list[_Line], removed: list[tuple[str, str]]) -> None:
    """Remove runs of link-only lines (menus, link lists) and link-dominated lines (breadcrumbs)."""
    index, n = 0, len(lines)
    while index < n:
        if not _is_nav_line(lines[index]):
            index += 1
            continue
        members: list[int] = []
        probe = index
        while probe < n:  # the run goes on over blank lines, image-only lines and short fillers
            line = lines[probe]
            if line.kind in ("blank", "rule") or (not line.text.strip() and line.kind not in ("table", "table_start")):
                probe += 1
            elif _is_nav_line(line) or _is_filler(line):
                members.append(probe)
                probe += 1
            else:
                break
        while members and not _is_nav_line(lines[members[-1]]):
            members.pop()  # fillers after the last link are not part of the menu
        nav = [i for i in members if _is_nav_line(lines[i])]
        dominated = len(members) == 1 and lines[members[0]].links >= _MIN_NAV_RUN
        if (len(nav) >= _MIN_NAV_RUN and 2 * len(nav) >= len(members)) or dominated:
            for i in members:
                if lines[i].text.strip():
                    removed.append(("md_navigation", lines[i].text))
                lines[i].kind, lines[i].text = "blank", ""
        index = members[-1] + 1 if members else index + 1


def _assemble(lines: list[_Line]) -> tuple[list[str], list[str], str | None]:
    out: list[str] = []
    headings: list[str] = []
    title: str | None = None
    open_paragraph = False  # whether out[-1] may take a soft-wrapped continuation
    for line in lines:
        if line.kind == "table_start":
            out.append("")
            open_paragraph = False
            continue
        if line.kind == "table":
            if any(line.cells):
                out.extend(table_to_lines([line.cells])[1:-1])
                out.append("")
            open_paragraph = False
            continue
        if line.kind in ("blank", "rule"):
            open_paragraph = False
            continue
        text = line.text.strip()
        if not text:
            continue
        if line.kind == "heading" or (line.kind == "bold" and _is_bold_heading(text)):
            out.append(text)
            if len(text) <= _MAX_HEADING_CHARS:
                headings.append(text)
                if title is None and line.kind == "heading" and line.level == 1:
                    title = text
            open_paragraph = False
            continue
        if (open_paragraph and out and line.kind in ("text", "continuation") and line.joinable
                and not _starts_new_line(out[-1], text)):
            out[-1] = join_fragments(out[-1], text)
        else:
            out.append(text)
        open_paragraph = not line.hard_break and line.kind != "bold"
    return out, headings, title


def _han(text: str) -> str:
    return "".join(_HAN_RE.findall(text))


def _drop_duplicate_bodies(lines: list[str], removed: list[tuple[str, str]]) -> None:
    """Drop a long single line that repeats the rest of the page (a flattened copy of the body, as
    share or read-aloud widgets keep it): at least 90% of its text stands elsewhere in the page."""
    for index in range(len(lines) - 1, -1, -1):  # from the end: the structured copy comes first
        han = _han(lines[index])
        if len(han) < _MIN_DUPLICATE_HAN:
            continue
        rest = _han("\n".join(lines[:index] + lines[index + 1:]))
        windows = [han[i:i + _DUPLICATE_WINDOW] for i in range(0, len(han) - _DUPLICATE_WINDOW + 1, _DUPLICATE_WINDOW)]
        found = sum(1 for w in windows if w in rest)
        if windows and found >= _MIN_DUPLICATE_SHARE * len(windows):
            removed.append(("md_duplicate_body", lines.pop(index)))


def _is_bold_heading(text: str) -> bool:
    return (len(text) <= _MAX_BOLD_HEADING_CHARS and len(_HAN_RE.findall(text)) >= 2
            and not _SENTENCE_RE.search(text) and text[-1] not in "，,")


def _starts_new_line(previous: str, text: str) -> bool:
    """A soft line break that is a paragraph end: after a sentence end, or before a heading marker."""
    prev = previous.rstrip(_CLOSERS) or previous
    return prev[-1] in _SENTENCE_END or bool(_HEADING_MARKER_RE.match(text))
