"""HTML reader: the main content of a (government) web page, without navigation and page chrome."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from planqa.errors import IngestError, MissingDependencyError
from planqa.ingest.readers.base import RawDocument
from planqa.ingest.readers.txt import decode_bytes, finish_lines, join_fragments, table_to_lines

log = logging.getLogger(__name__)

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_DROP_TAGS = ["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe",
              "template", "svg", "button", "select", "textarea", "object", "embed"]
_CHROME_RE = re.compile(r"breadcrumb|crumb|bdshare|share|pagination|pager", re.IGNORECASE)
_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Content markers from most to least specific: TRS CMS bodies and id="zoom" are the article
# text on most Chinese government sites; "content"/"main" often wrap the whole page.
_CONTENT_TIERS = [re.compile(p, re.IGNORECASE) for p in
                  (r"TRS_Editor|zoom", r"article|detail", r"content", r"main")]
_MIN_TIER_SHARE = 0.3  # a more specific candidate must hold this share of the richest one's text
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
               "section", "article", "main", "blockquote", "pre", "center", "address", "figure",
               "figcaption", "caption", "hr", "tr", "td", "th", "tbody", "thead", "tfoot"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TITLE_SPLIT_RE = re.compile(r"\s*[_|｜]\s*|\s+[-—–]\s+")
_INNER_SHARE = 0.8  # an inner candidate holding this share of the CJK text is preferred


def sniff_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag within its first 4 KiB, if any."""
    match = _META_CHARSET_RE.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _cjk(node: Any) -> int:
    return len(_CJK_RE.findall(node.get_text()))


def _attrs(tag: Any) -> str:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return " ".join([str(tag.get("id") or ""), *map(str, classes)])


def _describe(tag: Any) -> str:
    """A short start tag for notes, e.g. '<div class="TRS_Editor">'."""
    attrs = "".join(f' {k}="{" ".join(v) if isinstance(v, list) else v}"'
                    for k, v in tag.attrs.items() if k in ("id", "class"))
    return f"<{tag.name}{attrs}>"


def _drop_chrome(soup: Any) -> None:
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        if _HIDDEN_RE.search(str(tag.get("style") or "")) or _CHROME_RE.search(_attrs(tag)):
            tag.decompose()


def _main_container(soup: Any) -> Any:
    """The element holding the page's main text.

    The most specific content marker (see ``_CONTENT_TIERS``; <article>/<main> count as tier 2
    and 4) that holds a fair share of the text wins; within a tier the element with the most CJK
    text, or a descendant holding nearly all of it. If the element whose <p> children hold the
    most CJK text has far more, that element is used instead.
    """
    root = soup.body or soup
    tiers: list[list[tuple[Any, int]]] = [[] for _ in _CONTENT_TIERS]
    for tag in root.find_all(True):
        attrs = _attrs(tag)
        for rank, pattern in enumerate(_CONTENT_TIERS):
            if pattern.search(attrs) or (rank, tag.name) in ((1, "article"), (3, "main")):
                n = _cjk(tag)
                if n:
                    tiers[rank].append((tag, n))
                break
    richest = max((n for tier in tiers for _, n in tier), default=0)
    best = None
    for tier in tiers:
        scored = [(c, n) for c, n in tier if n >= _MIN_TIER_SHARE * richest]
        if not scored:
            continue
        best, best_n = max(scored, key=lambda cn: cn[1])
        inner = [(c, n) for c, n in scored if n >= _INNER_SHARE * best_n and best in c.parents]
        if inner:
            best = max(inner, key=lambda cn: len(list(cn[0].parents)))[0]
        break
    # The element whose direct <p> children hold the most CJK text.
    p_best, p_n = None, 0
    for parent in {id(p.parent): p.parent for p in root.find_all("p")}.values():
        n = sum(_cjk(p) for p in parent.find_all("p", recursive=False))
        if n > p_n:
            p_best, p_n = parent, n
    if best is None or (p_best is not None and _cjk(best) < p_n / 2):
        best = p_best
    return best if best is not None else root


def _table_rows(table: Any) -> list[list[str]]:
    """Cell texts of the rows of ``table`` itself (not of nested tables)."""
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = []
        for cell in tr.find_all(["td", "th"], recursive=False):
            sub = _Walker()
            sub.walk(cell)
            text = ""
            for line in sub.finish():
                text = join_fragments(text, line.strip())
            cells.append(text)
        rows.append(cells)
    return rows


class _Walker:
    """Turns an element tree into lines: block elements and <br> end a line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.headings: list[str] = []
        self.buffer: list[str] = []
        self.n_tables = 0

    def flush(self) -> str:
        line = " ".join("".join(self.buffer).split())
        self.buffer = []
        if line:
            self.lines.append(line)
        return line

    def walk(self, node: Any) -> None:
        from bs4 import NavigableString, Tag
        for child in node.children:
            if isinstance(child, Tag):
                self._tag(child)
            elif type(child) is NavigableString:  # not Comment, CData, Doctype...
                self.buffer.append(str(child))

    def _tag(self, tag: Any) -> None:
        name = tag.name
        if name == "br":
            self.flush()
        elif name == "table":
            self.flush()
            rows = _table_rows(tag)
            if all(len(r) <= 1 for r in rows):  # layout table: read it as ordinary text
                self.walk(tag)
            else:
                block = table_to_lines(rows)
                if block:
                    self.n_tables += 1
                    self.lines.extend(block)
            self.flush()
        elif name in _BLOCK_TAGS:
            self.flush()
            start = len(self.lines)
            self.walk(tag)
            self.flush()
            if name in _HEADING_TAGS:
                self.headings.extend(self.lines[start:])
        else:
            self.walk(tag)

    def finish(self) -> list[str]:
        """All lines; empty ones only come from table blocks."""
        self.flush()
        return self.lines


class HtmlReader:
    """Reads saved web pages with BeautifulSoup (lxml parser when available)."""

    suffixes: tuple[str, ...] = (".html", ".htm")

    def read(self, path: Path) -> RawDocument:
        """Extract title and main text; raises ``IngestError`` for empty or undecodable pages."""
        try:
            from bs4 import BeautifulSoup
        except ImportError:
            raise MissingDependencyError("beautifulsoup4", "Reading .html files") from None
        try:
            import lxml  # noqa: F401
            parser = "lxml"
        except ImportError:
            parser = "html.parser"
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
        if not data.strip():
            raise IngestError(path, "file is empty")
        text, encoding = decode_bytes(data, path, declared=sniff_charset(data))
        soup = BeautifulSoup(text, parser)
        title = None
        if soup.title is not None:
            raw_title = " ".join(soup.title.get_text().split())
            parts = [p for p in _TITLE_SPLIT_RE.split(raw_title) if p.strip()]
            title = max(parts, key=len) if parts else None
        _drop_chrome(soup)
        container = _main_container(soup)
        walker = _Walker()
        walker.walk(container)
        body = finish_lines(walker.finish())
        if not body.strip():
            raise IngestError(path, "no text found in the HTML page")
        notes = [f"main content taken from {_describe(container)}"]
        if walker.n_tables:
            notes.append(f"{walker.n_tables} table(s) converted to TAB-cell lines")
        return RawDocument(path=path, text=body, format="html", encoding=encoding,
                           headings=walker.headings, title=title, notes=notes)
