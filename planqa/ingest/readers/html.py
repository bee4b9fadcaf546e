"""HTML reader: the main content of a saved (government) web page, without page chrome.

How a page is read (lxml for the DOM, trafilatura to find the main content):

1. Invisible text goes first. An element hidden by ``display:none``/``visibility:hidden`` or the
   ``hidden`` attribute is dropped; when most of its text also appears visibly it is recorded as
   ``html_hidden_duplicate`` (CMS pages often carry a flattened copy of the whole body). A hidden
   element holding most of the page's text and no visible copy of it is kept: scripts reveal it.
   ``<body>``/``<html>`` are never treated as hidden (some pages hide the body until a script runs).
2. Chrome found by structure: ``nav``/``aside``/``header``/``footer`` elements and form widgets
   (``html_navigation``/``html_boilerplate``); lists of links (at least three links making up most
   of the text, no sentence outside them), recorded as ``html_related_links`` when the link texts
   are article titles and as ``html_navigation`` when they are menu words; and 信息公开 metadata
   boxes (索引号/发布机构/文号/成文日期... label-value cells), recorded as ``html_metadata_box``
   with their values copied to ``RawDocument.properties``.
3. trafilatura extracts the main text of what is left; its paragraphs are located in the DOM and
   the deepest element holding nearly all of them is the main container. The container is then
   rendered by this module, not by trafilatura, because trafilatura drops tables whose cells hold
   paragraphs, ignores rowspan/colspan, and loses bold/centred heading cues. When trafilatura finds
   nothing, content markers (TRS_Editor, zoom, article, content, main) and then the element whose
   ``<p>`` children hold the most Chinese text are used.
4. Everything of ``<body>`` outside the container is recorded as ``html_boilerplate``, so the text
   plus the removed spans account for the page's visible text.

Rendering: block elements end a line, inline elements (``<span>``, ``<strong>``...) never do; a
``<br>`` ends a line unless it sits inside a sentence (see ``_hard_break``). Tables become
TAB-cell lines with rowspan/colspan cells repeated in every row and column they cover; a
full-width first or last row (a caption or a note) is written as a paragraph. ``<h1>``-``<h6>``,
short all-bold paragraphs and short centred paragraphs are heading hints. The page's own title
line (an ``<h1>`` outside the container) is put first unless the body already starts with it.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from planqa.errors import IngestError, MissingDependencyError
from planqa.ingest.readers.base import RawDocument
from planqa.ingest.readers.txt import decode_bytes, finish_lines, join_fragments, table_to_lines

log = logging.getLogger(__name__)

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HAN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# CJK characters and full-width punctuation: no space is needed between them and a neighbour.
_CJK_CHAR_RE = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef]")
_WS_RE = re.compile(r"\s+")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_ALIGN_STYLE_RE = re.compile(r"text-align\s*:\s*([a-z-]+)", re.IGNORECASE)
_BOLD_STYLE_RE = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)", re.IGNORECASE)
_TITLE_SPLIT_RE = re.compile(r"\s*[_|｜]\s*|\s+[-—–]\s+")
# A repost or status prefix a page puts before a document's title: （转载）, 【转载】, [转发].
_TITLE_PREFIX_RE = re.compile(r"^\s*[（(【\[][^）)】\]]{1,4}[）)】\]]\s*")
# Links to files are attachments of the document, not navigation.
_FILE_LINK_RE = re.compile(r"\.(?:docx?|xlsx?|pptx?|pdf|wps|ofd|et|zip|rar|7z|txt|csv)(?:[?#].*)?$", re.IGNORECASE)

_NON_CONTENT_TAGS = ("script", "style", "noscript", "template", "head", "link", "meta")
_WIDGET_TAGS = ("select", "option", "button", "input", "textarea", "iframe", "object", "embed",
                "svg", "canvas", "map", "audio", "video")
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
               "section", "article", "main", "blockquote", "pre", "center", "address", "figure",
               "figcaption", "caption", "hr", "tr", "td", "th", "tbody", "thead", "tfoot", "table",
               "header", "footer", "nav", "aside", "form", "fieldset", "legend", "details", "summary",
               "body", "html"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD_TAGS = {"b", "strong"}

# Content markers of Chinese CMS templates, most to least specific (old rule, now only a
# fallback for pages trafilatura finds nothing on).
_CONTENT_TIERS = [re.compile(p, re.IGNORECASE) for p in
                  (r"TRS_Editor|zoom", r"article|detail", r"content", r"main")]
_MIN_TIER_SHARE = 0.3
_INNER_SHARE = 0.8

_ANCHOR_MIN_HAN = 10  # trafilatura paragraphs shorter than this do not locate the container
_MIN_ANCHORS = 3  # with fewer long paragraphs than this, all of trafilatura's paragraphs are used
_ANCHOR_COVER = 0.9  # the container holds this share of the located trafilatura text
# A sibling of the container adding paragraphs this long (with sentence punctuation) is body text.
_SENTENCE_HAN = 30
_SENTENCE_PUNCT_RE = re.compile(r"[。；，！？]")
_PARAGRAPH_TAGS = ("p", "li", "dd", "td", "div", "h1", "h2", "h3", "h4", "h5", "h6")
_MIN_LOCATED = 0.5  # below this share of trafilatura text found in the DOM, the fallback is used
_DUPLICATE_SHARE = 0.5  # share of a hidden element's 8-grams seen in visible text: a duplicate
_KEEP_HIDDEN_SHARE = 0.5  # a hidden non-duplicate element with this share of the page's han is kept
_GRAM = 8
_LINK_LIST_MIN_LINKS = 3
_LINK_LIST_SHARE = 0.7  # link text share of an element's text for a link list
_LINK_LIST_MAX_RUN = 20  # a text run outside links with this many han is a sentence: no link list
_RELATED_LINK_LEN = 10  # mean han per link from which the links are article titles, not menu words
_STRUCTURE_GUARD = 0.5  # a nav/header/footer/aside holding this share of the page's han is kept
_BOX_MAX_HAN = 400
_BOX_MAX_VALUE = 80
_MIN_MAIN_HAN = 200
_MIN_MAIN_SHARE = 0.15
_HEADING_MAX_CHARS = 40
_TITLE_MAX_CHARS = 80
_WRAPPER_BLOCKS = 3  # a centred element with this many child blocks is layout, not a title
_SOFT_BREAK_MIN = 15  # a <br> after a line this long inside a sentence is a soft wrap
_LAYOUT_CELL_HAN = 400  # a table cell with this many han is page layout, not a data cell
_TITLE_SEARCH_LINES = 3

# Labels of 信息公开 metadata boxes and <meta> names, mapped to property keys. Keys absent here
# (None) are known labels whose values are not kept (view counters).
_BOX_LABELS: dict[str, str | None] = {
    "名称": "title", "标题": "title", "文件名称": "title", "信息名称": "title",
    "发布机构": "issuer", "发布机关": "issuer", "发文机关": "issuer", "发文单位": "issuer",
    "发文机构": "issuer", "制发机关": "issuer", "发布单位": "issuer", "责任部门": "issuer",
    "文号": "doc_number", "发文字号": "doc_number", "文件编号": "doc_number", "发文号": "doc_number",
    "成文日期": "date", "印发日期": "date", "发文日期": "date", "签发日期": "date",
    "发布日期": "pub_date", "发布时间": "pub_date", "公开日期": "pub_date", "发表时间": "pub_date",
    "生成日期": "pub_date", "公布日期": "pub_date",
    "实施日期": "effective_date", "施行日期": "effective_date", "生效日期": "effective_date",
    "失效日期": "valid_until", "废止日期": "valid_until", "有效期至": "valid_until",
    "有效期": "valid_until",
    "有效性": "status", "文件状态": "status", "时效性": "status", "效力状态": "status",
    "索引号": "index_number", "统一编号": "unified_number", "登记号": "unified_number",
    "分类": "category", "主题分类": "category", "体裁分类": "category", "组配分类": "category",
    "信息分类": "category", "主题词": "keywords", "关键词": "keywords",
    "信息来源": "source", "来源": "source", "内容来源": "source", "文章来源": "source",
    "公开方式": "disclosure", "公开范围": "disclosure",
    "浏览次数": None, "浏览量": None, "访问量": None, "点击数": None, "阅读数": None, "字体": None,
}
_META_NAMES: dict[str, str] = {
    "articletitle": "title", "pubdate": "pub_date", "contentsource": "source", "columnname": "column",
    "sitename": "site_name", "keywords": "keywords", "description": "description", "author": "author",
    "url": "url", "firstimgsrc": "", "columndescription": "", "columnkeywords": "", "columntype": "",
    "sitedomain": "site_domain", "siteidcode": "", "og:title": "title", "og:site_name": "site_name",
    "article:published_time": "pub_date", "dc.title": "title", "dc.date": "pub_date",
    "dc.publisher": "issuer",
}
# A label at the start of a text or after a non-Han character, spaces allowed inside ("文 号：").
_BOX_LABEL_RE = re.compile(
    r"(?<![\u3400-\u9fff])("
    + "|".join(r"\s*".join(map(re.escape, label)) for label in sorted(_BOX_LABELS, key=len, reverse=True))
    + r")\s*[:：]")
_DOC_NUMBER_LINE_RE = re.compile(r"^\S{1,16}[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*第?\s*\d+\s*号$")
_DATE_LINE_RE = re.compile(
    r"^\s*(?:\d{4}|[〇○零一二三四五六七八九十]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日\s*$")
_TERMINAL_RE = re.compile(r"[。！？；：!?;:…][”’」』）)]*$")
_LIST_MARKER_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[章节条款部分篇]|[一二三四五六七八九十]+、|"
    r"[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|[①-⑳]|附件|附表)")
_HEADING_END_RE = re.compile(r"[。；，、,;：:]$")


def sniff_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag within its first 4 KiB, if any."""
    match = _META_CHARSET_RE.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def han_count(text: str) -> int:
    """Number of Han characters in ``text``."""
    return len(_HAN_RE.findall(text))


# --------------------------------------------------------------------------- DOM helpers


def _is_element(node: Any) -> bool:
    return isinstance(node.tag, str)


def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _style(el: Any) -> str:
    return str(el.get("style") or "")


def _text(el: Any) -> str:
    """All text of ``el`` (comments are stripped from the tree before)."""
    return "".join(el.itertext())


def _block_text(el: Any) -> str:
    """Text of ``el`` with a line break at every block element, for ``removed`` spans."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        block = _tag(node) in _BLOCK_TAGS or _tag(node) == "br"
        if block:
            parts.append("\n")
        if node.text:
            parts.append(_WS_RE.sub(" ", node.text))
        for child in node:
            walk(child)
            if child.tail:
                parts.append(_WS_RE.sub(" ", child.tail))
        if block:
            parts.append("\n")

    walk(el)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _drop(el: Any) -> None:
    """Remove ``el`` from the tree, keeping its tail text."""
    if el.getparent() is not None:
        el.drop_tree()


def _grams(text: str) -> set[str]:
    text = _WS_RE.sub("", text)
    return {text[i:i + _GRAM] for i in range(max(len(text) - _GRAM + 1, 0))}


def _describe(el: Any) -> str:
    """A short start tag for notes, e.g. '<div class="TRS_Editor">'."""
    attrs = "".join(f' {k}="{el.get(k)}"' for k in ("id", "class") if el.get(k))
    return f"<{_tag(el)}{attrs}>"


def _attrs(el: Any) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}"


# --------------------------------------------------------------------------- removal rules


@dataclass
class _Page:
    """State shared by the removal rules."""

    body: Any
    removed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    page_han: int = 0

    def remove(self, el: Any, rule: str) -> None:
        text = _block_text(el)
        if text:
            self.removed.append((rule, text))
        _drop(el)


def _is_hidden(el: Any) -> bool:
    if _tag(el) in ("html", "body"):
        return False
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE_RE.search(_style(el)))


def _drop_hidden(page: _Page) -> None:
    """Drop hidden elements; name those whose text is visible elsewhere as duplicates."""
    hidden: list[Any] = []
    hidden_set: set[Any] = set()
    for el in page.body.iter():
        if _is_element(el) and _is_hidden(el) and not any(a in hidden_set for a in el.iterancestors()):
            hidden.append(el)  # outermost hidden elements only
            hidden_set.add(el)
    if not hidden:
        return
    visible = "".join(_texts_skipping(page.body, hidden_set))
    visible_grams = _grams(visible)
    total_han = han_count(visible) + sum(han_count(_text(h)) for h in hidden)
    for el in hidden:
        text = _text(el)
        grams = _grams(text)
        n = han_count(text)
        if grams and len(grams & visible_grams) >= _DUPLICATE_SHARE * len(grams):
            page.remove(el, "html_hidden_duplicate")
        elif total_han and n >= _KEEP_HIDDEN_SHARE * total_han:
            page.notes.append(f"hidden element {_describe(el)} kept: it holds most of the page's text")
        else:
            page.remove(el, "html_hidden")


def _texts_skipping(el: Any, skip: set[Any]) -> Iterator[str]:
    if el in skip:
        return
    if el.text:
        yield el.text
    for child in el:
        yield from _texts_skipping(child, skip)
        if child.tail:
            yield child.tail


def _drop_structural_chrome(page: _Page) -> None:
    """nav/aside/header/footer elements (not those of an article) and form widgets."""
    for el in list(page.body.iter(*_WIDGET_TAGS)):
        page.remove(el, "html_boilerplate")
    for el in list(page.body.iter("nav", "aside", "header", "footer")):
        if el.getparent() is None or any(_tag(a) in ("article", "main") for a in el.iterancestors()):
            continue
        if any(_tag(a) in ("nav", "aside", "header", "footer") for a in el.iterancestors()):
            continue  # removed with its ancestor
        if page.page_han and han_count(_text(el)) >= _STRUCTURE_GUARD * page.page_han:
            continue  # a template that wraps the whole page in <header>: not chrome
        page.remove(el, "html_boilerplate" if _tag(el) == "footer" else "html_navigation")


@dataclass
class _LinkStats:
    chars: int = 0  # non-space characters
    link_chars: int = 0
    links: int = 0
    link_han: int = 0
    longest_run: int = 0  # han of the longest text node outside a link


def _link_stats(el: Any, stats: dict[Any, _LinkStats], in_link: bool = False) -> _LinkStats:
    """Bottom-up link statistics of every element under ``el``."""
    tag = _tag(el)
    is_link = tag == "a" and bool(el.get("href")) and not _FILE_LINK_RE.search(el.get("href") or "")
    own = _LinkStats()
    inside = in_link or is_link

    def add_text(text: str | None) -> None:
        if not text:
            return
        n = len(_WS_RE.sub("", text))
        own.chars += n
        if inside:
            own.link_chars += n
            own.link_han += han_count(text)
        else:
            own.longest_run = max(own.longest_run, han_count(text))

    add_text(el.text)
    for child in el:
        if _is_element(child):
            sub = _link_stats(child, stats, inside)
            own.chars += sub.chars
            own.link_chars += sub.link_chars
            own.links += sub.links
            own.link_han += sub.link_han
            own.longest_run = max(own.longest_run, sub.longest_run)
        add_text(child.tail)  # the tail belongs to this element, outside the child
    if is_link and _WS_RE.sub("", _text(el)):
        own.links += 1
    stats[el] = own
    return own


def _drop_link_lists(page: _Page) -> None:
    """Elements that are mostly links and hold no sentence of their own: menus, related links."""
    stats: dict[Any, _LinkStats] = {}
    _link_stats(page.body, stats)

    def visit(el: Any) -> None:
        for child in list(el):
            if not _is_element(child):
                continue
            s = stats.get(child)
            if (s is not None and s.links >= _LINK_LIST_MIN_LINKS and s.chars
                    and s.link_chars >= _LINK_LIST_SHARE * s.chars and s.longest_run < _LINK_LIST_MAX_RUN):
                mean = s.link_han / s.links
                page.remove(child, "html_related_links" if mean >= _RELATED_LINK_LEN else "html_navigation")
            else:
                visit(child)

    visit(page.body)


def _box_pairs(el: Any) -> list[tuple[str, str | None, str]] | None:
    """The label-value pairs of a metadata box, or None when ``el`` is not one.

    The box's text must consist of known labels (``_BOX_LABELS``) each followed by a colon and a
    short value; several pairs may share one text node ("发布日期：2022-01-10　来源：本网").
    """
    pairs: list[list[Any]] = []
    for token in el.itertext():
        token = " ".join(token.split())
        if not token:
            continue
        pos = 0
        for match in _BOX_LABEL_RE.finditer(token):
            before = token[pos:match.start()].strip()
            if before:
                if not pairs:
                    return None  # text before the first label: not a metadata box
                pairs[-1][2] = f"{pairs[-1][2]} {before}".strip()
            label = _WS_RE.sub("", match.group(1))
            pairs.append([label, _BOX_LABELS[label], ""])
            pos = match.end()
        rest = token[pos:].strip()
        if rest:
            if not pairs:
                return None
            pairs[-1][2] = f"{pairs[-1][2]} {rest}".strip()
    if len({p[0] for p in pairs}) < 2 or any(len(p[2]) > _BOX_MAX_VALUE for p in pairs):
        return None
    return [(p[0], p[1], p[2]) for p in pairs]


def _drop_metadata_boxes(page: _Page) -> None:
    """信息公开 boxes of label-value pairs: out of the text, their values into properties."""

    def visit(el: Any) -> None:
        for child in list(el):
            if not _is_element(child):
                continue
            text = _text(child)
            if "：" in text or ":" in text:
                pairs = _box_pairs(child) if han_count(text) <= _BOX_MAX_HAN else None
                if pairs:
                    for _, key, value in pairs:
                        if key and value and value not in ("-", "—"):
                            page.properties.setdefault(key, value)
                    page.remove(child, "html_metadata_box")
                    continue
                visit(child)

    visit(page.body)


# --------------------------------------------------------------------------- main container


def _trafilatura_paragraphs(tree: Any) -> list[str]:
    """Texts of the paragraphs, headings, list items and cells trafilatura sees as main content."""
    try:
        import trafilatura
    except ImportError:
        raise MissingDependencyError("trafilatura", "Reading .html files") from None
    try:
        result = trafilatura.bare_extraction(tree, include_tables=True, favor_recall=True,
                                             include_comments=False, with_metadata=False)
    except Exception:  # trafilatura raises ValueError and others on pages it cannot handle
        log.debug("trafilatura failed", exc_info=True)
        return []
    body = getattr(result, "body", None)
    if body is None:
        return []
    texts = []
    for el in body.iter("p", "head", "item", "cell", "quote"):
        if any(a.tag in ("p", "head", "item", "cell", "quote") for a in el.iterancestors()):
            continue
        texts.append(_WS_RE.sub("", "".join(el.itertext())))
    anchors = [t for t in texts if han_count(t) >= _ANCHOR_MIN_HAN]
    if len(anchors) < _MIN_ANCHORS:  # a short page: every paragraph counts
        anchors = [t for t in texts if han_count(t) >= 2]
    return anchors


def _container_from_anchors(body: Any, anchors: list[str]) -> tuple[Any, float] | None:
    """The deepest element holding ``_ANCHOR_COVER`` of the anchors' han, and the located share."""
    # One string of the body's text without whitespace, with the element owning each piece.
    owners: list[Any] = []
    starts: list[int] = []
    pieces: list[str] = []
    pos = 0

    def collect(el: Any) -> None:
        nonlocal pos
        for text, owner in ((el.text, el),):
            if text:
                t = _WS_RE.sub("", text)
                if t:
                    owners.append(owner)
                    starts.append(pos)
                    pieces.append(t)
                    pos += len(t)
        for child in el:
            if _is_element(child):
                collect(child)
            if child.tail:
                t = _WS_RE.sub("", child.tail)
                if t:
                    owners.append(el)
                    starts.append(pos)
                    pieces.append(t)
                    pos += len(t)

    collect(body)
    flat = "".join(pieces)

    weight: dict[Any, int] = {}
    total = sum(han_count(a) for a in anchors)
    located = 0
    cursor = 0
    for anchor in anchors:
        at = flat.find(anchor, cursor)
        if at < 0:
            at = flat.find(anchor)
        if at < 0:
            continue
        cursor = at + len(anchor)
        n = han_count(anchor)
        located += n
        # The element owning the anchor's first and last characters: their common ancestor.
        first = owners[bisect.bisect_right(starts, at) - 1]
        last = owners[bisect.bisect_right(starts, at + len(anchor) - 1) - 1]
        ancestors_last = set([last, *last.iterancestors()])
        holder = next(a for a in [first, *first.iterancestors()] if a in ancestors_last)
        for el in [holder, *holder.iterancestors()]:
            weight[el] = weight.get(el, 0) + n
    if not total or located < _MIN_LOCATED * total:
        return None
    best, best_depth = None, -1
    for el, w in weight.items():
        if w >= _ANCHOR_COVER * located:
            depth = sum(1 for _ in el.iterancestors())
            if depth > best_depth:
                best, best_depth = el, depth
    if best is None:
        return None
    return _climb_split_body(body, best), located / total


def _sentence_han(el: Any) -> int:
    """Han in the sentence-long paragraphs (lowest blocks) of ``el``."""
    total = 0
    for block in el.iter(*_PARAGRAPH_TAGS):
        if any(_tag(child) in _BLOCK_TAGS for child in block):
            continue
        text = _text(block)
        n = han_count(text)
        if n >= _SENTENCE_HAN and _SENTENCE_PUNCT_RE.search(text):
            total += n
    return total


def _climb_split_body(body: Any, best: Any) -> Any:
    """A body split over sibling blocks (a notice, then its attachment in another <div>, which
    trafilatura may leave out): climb while the parent adds sentence-long paragraphs and little
    else (the chrome around them has been removed already)."""
    while best.getparent() is not None and best.getparent() is not body:
        parent = best.getparent()
        extra = sum(_sentence_han(child) for child in parent if child is not best and _is_element(child))
        if extra < _SENTENCE_HAN or han_count(_text(parent)) - han_count(_text(best)) > 2 * extra:
            break
        best = parent
    return best


def _container_from_markers(body: Any) -> Any | None:
    """Fallback: the most specific content-marker element holding a fair share of the text, or
    the element whose direct <p> children hold the most Chinese text."""
    tiers: list[list[tuple[Any, int]]] = [[] for _ in _CONTENT_TIERS]
    for el in body.iter():
        if not _is_element(el):
            continue
        attrs = _attrs(el)
        for rank, pattern in enumerate(_CONTENT_TIERS):
            if pattern.search(attrs) or (rank, _tag(el)) in ((1, "article"), (3, "main")):
                n = han_count(_text(el))
                if n:
                    tiers[rank].append((el, n))
                break
    richest = max((n for tier in tiers for _, n in tier), default=0)
    best = None
    for tier in tiers:
        scored = [(c, n) for c, n in tier if n >= _MIN_TIER_SHARE * richest]
        if not scored:
            continue
        best, best_n = max(scored, key=lambda cn: cn[1])
        inner = [(c, n) for c, n in scored if n >= _INNER_SHARE * best_n and best in c.iterancestors()]
        if inner:
            best = max(inner, key=lambda cn: sum(1 for _ in cn[0].iterancestors()))[0]
        break
    p_best, p_n = None, 0
    parents = {id(p.getparent()): p.getparent() for p in body.iter("p") if p.getparent() is not None}
    for parent in parents.values():
        n = sum(han_count(_text(p)) for p in parent if _tag(p) == "p")
        if n > p_n:
            p_best, p_n = parent, n
    if best is None or (p_best is not None and han_count(_text(best)) < p_n / 2):
        best = p_best
    return best


# --------------------------------------------------------------------------- rendering


def _soft_join(left: str, right: str) -> str:
    """Join across source whitespace that held a line break: no space between CJK characters."""
    if not left or not right:
        return left + right
    if _CJK_CHAR_RE.match(left[-1]) or _CJK_CHAR_RE.match(right[0]):
        return left + right
    return f"{left} {right}"


def _norm_inline(text: str) -> str:
    """Collapse the whitespace of one line. A run of ASCII whitespace holding a line break is
    source formatting: it joins CJK text without a space. Other runs (spaces, &nbsp;, ideographic
    spaces) become one space."""
    out = ""
    mode: str | None = None
    for i, part in enumerate(re.split(r"(\s+)", text)):
        if i % 2:
            soft = ("\n" in part or "\r" in part) and not part.strip(" \t\n\r")
            mode = "soft" if soft else "hard"
            continue
        if not part:
            continue
        if out and mode == "hard":
            out = f"{out} {part}"
        elif out and mode == "soft":
            out = _soft_join(out, part)
        else:
            out += part
        mode = None
    return out


def _hard_break(left: str, right: str, title: bool = False) -> bool:
    """Whether a <br> between two pieces of one paragraph ends a line.

    A break after sentence-final punctuation, before a heading or list marker, next to a date or
    文号 line, or after a short piece (a signature, an address line) is a line end; a break after
    a long piece in the middle of a sentence is a hard wrap of the source and is joined. In a
    title block (<h1>-<h6>, centred) a break only wraps the title, so short pieces are joined too.
    """
    if not left or not right:
        return True
    if _TERMINAL_RE.search(left) or _LIST_MARKER_RE.match(right):
        return True
    for piece in (left, right):
        plain = _WS_RE.sub("", piece)
        if _DATE_LINE_RE.match(plain) or _DOC_NUMBER_LINE_RE.match(plain):
            return True
    return not title and len(left) < _SOFT_BREAK_MIN


def _is_heading_line(line: str, limit: int = _HEADING_MAX_CHARS) -> bool:
    """A short line that can be a heading: not a sentence, a 文号 or a date."""
    plain = _WS_RE.sub("", line)
    if not plain or len(plain) > limit or _HEADING_END_RE.search(plain):
        return False
    if _DOC_NUMBER_LINE_RE.match(plain) or _DATE_LINE_RE.match(plain):
        return False
    return bool(_HAN_RE.search(plain))


def _centred(el: Any, parent_centred: bool) -> bool:
    """Whether a block's text is centred: its own align/text-align, else its parent's, unless the
    parent is a wrapper of several blocks (a centred page layout, not a title)."""
    match = _ALIGN_STYLE_RE.search(_style(el))
    align = (match.group(1) if match else str(el.get("align") or "")).lower()
    if _tag(el) == "center":
        align = align or "center"
    if align:
        return align == "center" and not _is_wrapper(el)
    parent = el.getparent()
    return parent_centred and parent is not None and not _is_wrapper(parent)


def _is_wrapper(el: Any) -> bool:
    return sum(1 for child in el if _tag(child) in _BLOCK_TAGS) >= _WRAPPER_BLOCKS


class _Walker:
    """Turns an element tree into lines: block elements and line-ending <br> end a line."""

    def __init__(self, flatten_tables: bool = False) -> None:
        self.lines: list[str] = []
        self.headings: list[str] = []
        self.n_tables = 0
        self.table_rows: list[int] = []
        self.flatten_tables = flatten_tables
        # Pieces of the current paragraph: (text, bold) and None for a <br>.
        self.buffer: list[tuple[str, bool] | None] = []
        self.heading_context: list[bool] = [False]  # inside h1-h6 or a centred block

    # -- paragraphs

    def flush(self) -> None:
        if not self.buffer:
            return
        segments: list[list[tuple[str, bool]]] = [[]]
        for piece in self.buffer:
            if piece is None:
                segments.append([])
            else:
                segments[-1].append(piece)
        self.buffer = []
        lines: list[tuple[str, bool]] = []  # (text, all bold)
        empty_run = False
        for segment in segments:
            text = _norm_inline("".join(t for t, _ in segment))
            bold = all(b for t, b in segment if t.strip())
            if not text:
                empty_run = True
                continue
            if lines and not empty_run and not _hard_break(lines[-1][0], text, self.heading_context[-1]):
                prev, prev_bold = lines[-1]
                lines[-1] = (join_fragments(prev, text), prev_bold and bold)
            else:
                lines.append((text, bold))
            empty_run = False
        heading_block = self.heading_context[-1]
        for text, bold in lines:
            self.lines.append(text)
            # A centred or <h*> line may be a long document title; a bold-only line must be short.
            if (heading_block and _is_heading_line(text, _TITLE_MAX_CHARS)) or (bold and _is_heading_line(text)):
                self.headings.append(text)

    def walk(self, node: Any, bold: bool = False) -> None:
        if node.text:
            self.buffer.append((node.text, bold))
        for child in node:
            if _is_element(child):
                self._element(child, bold)
            if child.tail:
                self.buffer.append((child.tail, bold))

    def _element(self, el: Any, bold: bool) -> None:
        tag = _tag(el)
        child_bold = bold or tag in _BOLD_TAGS or bool(_BOLD_STYLE_RE.search(_style(el)))
        if tag == "br":
            self.buffer.append(None)
        elif tag == "table" and not self.flatten_tables:
            self.flush()
            self._table(el)
        elif tag in _BLOCK_TAGS:
            self.flush()
            self.heading_context.append(tag in _HEADING_TAGS or _centred(el, self.heading_context[-1]))
            self.walk(el, child_bold)
            self.flush()
            self.heading_context.pop()
        else:
            self.walk(el, child_bold)

    # -- tables

    def _table(self, table: Any) -> None:
        grid, spans = _table_grid(table)
        width = max((len(r) for r in grid), default=0)
        big_cell = any(han_count(c) >= _LAYOUT_CELL_HAN for r in grid for c in r)
        if width <= 1 or big_cell:  # layout table: read it as ordinary text
            self.walk(table)
            self.flush()
            return
        caption = table.find("caption")
        if caption is not None:
            self._paragraph_of(caption)
        # Full-width single-cell rows at the top (a title) and the bottom (a note) are paragraphs.
        head = 0
        while head < len(grid) and spans[head] and len(set(grid[head])) == 1:
            self._line(grid[head][0], heading=True)
            head += 1
        tail = len(grid)
        while tail > head and spans[tail - 1] and len(set(grid[tail - 1])) == 1:
            tail -= 1
        rows = [r + [""] * (width - len(r)) for r in grid[head:tail]]
        block = table_to_lines(rows)
        if block:
            self.n_tables += 1
            self.table_rows.append(sum(1 for r in rows if any(c.strip() for c in r)))
            self.lines.extend(block)
        for row in grid[tail:]:
            self._line(row[0])

    def _paragraph_of(self, el: Any) -> None:
        sub = _Walker(flatten_tables=True)
        sub.walk(el)
        sub.flush()
        for line in sub.lines:
            self._line(line, heading=True)

    def _line(self, text: str, heading: bool = False) -> None:
        text = text.strip()
        if text:
            self.lines.append(text)
            if heading and _is_heading_line(text):
                self.headings.append(text)

    def finish(self) -> list[str]:
        """All lines; empty ones only come from table blocks."""
        self.flush()
        return self.lines


def _cell_text(cell: Any) -> str:
    sub = _Walker(flatten_tables=True)
    sub.walk(cell)
    text = ""
    for line in sub.finish():
        text = join_fragments(text, line.strip())
    return text


def _span(value: Any, limit: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), limit)


def _table_grid(table: Any) -> tuple[list[list[str]], list[bool]]:
    """Rows of ``table`` (not of nested tables) as cell texts, rowspan/colspan cells repeated in
    every row and column they cover; and per row whether it is one cell spanning the whole row."""
    trs = [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]
    grid: list[list[str]] = []
    single: list[bool] = []
    pending: dict[int, list[Any]] = {}  # column -> [rows still covered, text]
    for index, tr in enumerate(trs):
        row: list[str] = []
        cells = [c for c in tr if _tag(c) in ("td", "th")]
        covered = False  # a cell from a row above reaches into this row

        def take(col: int) -> None:
            nonlocal covered
            left = pending[col]
            row.append(left[1])
            covered = True
            left[0] -= 1
            if left[0] <= 0:
                del pending[col]

        for cell in cells:
            while len(row) in pending:
                take(len(row))
            text = _cell_text(cell)
            colspan = _span(cell.get("colspan"), 100)
            rows_left = len(trs) - index
            rowspan = cell.get("rowspan")
            rs = rows_left if str(rowspan).strip() == "0" else _span(rowspan, rows_left)
            for _ in range(colspan):
                if rs > 1:
                    pending[len(row)] = [rs - 1, text]
                row.append(text)
        while any(c >= len(row) for c in pending):  # spans reaching past the row's own cells
            if len(row) in pending:
                take(len(row))
            else:
                row.append("")
        grid.append(row)
        single.append(len(cells) == 1 and not covered)
    width = max((len(r) for r in grid), default=0)
    spans = [s and len(r) == width and width > 1 for s, r in zip(single, grid)]
    return grid, spans


# --------------------------------------------------------------------------- title and metadata


def _meta_properties(tree: Any) -> dict[str, str]:
    """<meta name=...> values and the <title>, under the property keys of ``_META_NAMES``."""
    props: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = str(meta.get("name") or meta.get("property") or "").strip().lower()
        content = " ".join(str(meta.get("content") or "").split())
        if not name or not content:
            continue
        key = _META_NAMES.get(name)
        if key is None:  # other names only when they say something in Chinese (not viewport etc.)
            key = f"meta:{name}" if _HAN_RE.search(content) else ""
        if key:
            props.setdefault(key, content)
    title_el = tree.find(".//title")
    if title_el is not None:
        page_title = " ".join(_text(title_el).split())
        if page_title:
            props["page_title"] = page_title
    return props


def _title_core(text: str) -> str:
    return _WS_RE.sub("", _TITLE_PREFIX_RE.sub("", text))


def _declared_title(props: dict[str, str]) -> str | None:
    for key in ("title",):
        if props.get(key):
            return props[key]
    page_title = props.get("page_title")
    if page_title:
        parts = [p for p in _TITLE_SPLIT_RE.split(page_title) if p.strip()]
        return max(parts, key=len) if parts else None
    return None


def _title_element(body: Any, container: Any, declared: str | None) -> Any | None:
    """The page's visible title outside the container: a heading matching the declared title,
    else the last <h1> before the container."""
    inside = set(container.iter())
    core = _title_core(declared) if declared else ""
    before: list[Any] = []
    for el in body.iter("h1", "h2", "h3"):
        if el in inside or container in el.iterancestors():
            continue
        text = _title_core(_text(el))
        if han_count(text) < 4:
            continue
        if core and (text in core or core in text) and len(text) >= 0.6 * len(core):
            return el
        if _tag(el) == "h1" and _precedes(el, container):
            before.append(el)
    return before[-1] if before and not core else None


def _precedes(a: Any, b: Any) -> bool:
    for el in a.getroottree().getroot().iter():
        if el is a:
            return True
        if el is b:
            return False
    return False


# --------------------------------------------------------------------------- reader


def _parse(text: str) -> Any:
    try:
        import lxml.html
        from lxml import etree
    except ImportError:
        raise MissingDependencyError("lxml", "Reading .html files") from None
    text = _XML_DECL_RE.sub("", text, count=1)
    tree = lxml.html.document_fromstring(text)
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    return tree


def _outside_rule(el: Any) -> str:
    """The rule name for a part of the page outside the main container: a list of links (here one
    link is enough, since nothing outside the container is kept anyway) or other boilerplate."""
    s = _link_stats(el, {})
    if s.links and s.chars and s.link_chars >= _LINK_LIST_SHARE * s.chars and s.longest_run < _LINK_LIST_MAX_RUN:
        return "html_related_links" if s.link_han / s.links >= _RELATED_LINK_LEN else "html_navigation"
    return "html_boilerplate"


def _outside(page: _Page, container: Any) -> None:
    """Record everything of <body> outside ``container`` as boilerplate."""
    node = container
    while node is not page.body and node.getparent() is not None:
        parent = node.getparent()
        if parent.text and parent.text.strip():
            page.removed.append(("html_boilerplate", " ".join(parent.text.split())))
        for child in parent:
            if child is not node and _is_element(child):
                text = _block_text(child)
                if text:
                    page.removed.append((_outside_rule(child), text))
            if child.tail and child.tail.strip():
                page.removed.append(("html_boilerplate", " ".join(child.tail.split())))
        node = parent


class HtmlReader:
    """Reads saved web pages: lxml for the DOM, trafilatura to find the main content."""

    suffixes: tuple[str, ...] = (".html", ".htm")

    def read(self, path: Path) -> RawDocument:
        """Extract the main text, title, headings and page metadata; raises ``IngestError`` for
        empty or undecodable pages and pages without any text."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
        if not data.strip():
            raise IngestError(path, "file is empty")
        text, encoding = decode_bytes(data, path, declared=sniff_charset(data))
        try:
            tree = _parse(text)
        except (ValueError, TypeError) as exc:
            raise IngestError(path, f"not a readable HTML page ({exc})") from exc
        props = _meta_properties(tree)
        body = tree.body if tree.find("body") is not None else tree
        for el in list(body.iter(*_NON_CONTENT_TAGS)):
            _drop(el)
        page = _Page(body=body)
        _drop_hidden(page)
        page.page_han = han_count(_text(body))
        _drop_structural_chrome(page)
        _drop_metadata_boxes(page)
        _drop_link_lists(page)
        box_props = page.properties
        page.properties = {**box_props, **{k: v for k, v in props.items() if k not in box_props}}

        anchors = _trafilatura_paragraphs(tree)
        found = _container_from_anchors(body, anchors) if anchors else None
        if found is not None and found[0] is body:
            # trafilatura took the whole page as one text (it does on small or flat pages).
            marked = _container_from_markers(body)
            if marked is not None and marked is not body:
                found = None
        if found is not None:
            container, share = found
            page.notes.append(f"main content located by trafilatura ({share:.0%} of its text found): "
                              f"{_describe(container)}")
        else:
            marked = _container_from_markers(body)
            container = marked if marked is not None else body
            page.notes.append(f"trafilatura gave no usable main text; content marker rule used: {_describe(container)}")

        declared = _declared_title(page.properties)
        title_el = _title_element(body, container, declared) if container is not body else None
        title_line = " ".join(_text(title_el).split()) if title_el is not None else None
        walker = _Walker()
        walker.walk(container)
        lines = walker.finish()
        if title_el is not None:
            head = _WS_RE.sub("", "".join(lines[:_TITLE_SEARCH_LINES]))
            if title_line and _title_core(title_line) and _title_core(title_line) in head:
                page.remove(title_el, "html_title_duplicate")
            elif title_line:
                _drop(title_el)
                lines.insert(0, title_line)
                if title_line not in walker.headings:
                    walker.headings.insert(0, title_line)
        if container is not body:
            _outside(page, container)
        text_out = finish_lines(lines)
        if not text_out.strip():
            raise IngestError(path, "no text found in the HTML page (its content may be loaded by scripts "
                              "or held in frames or images)")

        main_han = han_count(text_out)
        warnings = []
        if main_han < _MIN_MAIN_HAN or (page.page_han and main_han < _MIN_MAIN_SHARE * page.page_han):
            warnings.append(f"HTML page: main text has only {main_han} Chinese characters of the page's "
                            f"{page.page_han}; the page may hold its text in scripts, frames or images")
        title = declared or title_line
        if walker.n_tables:
            rows = ", ".join(str(n) for n in walker.table_rows)
            page.notes.append(f"{walker.n_tables} table(s) converted to TAB-cell lines (rows: {rows})")
        return RawDocument(path=path, text=text_out, format="html", encoding=encoding,
                           headings=walker.headings, title=title, notes=page.notes,
                           removed=page.removed, warnings=warnings, properties=page.properties)
