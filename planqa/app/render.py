"""HTML for the app, built from escaped text only.

Everything that comes from a document, a query or a file name goes through ``html.escape``
before it is put into markup, so a document holding ``<script>`` shows it as text. These are
pure functions (no Streamlit), tested in tests/app/test_render.py.
"""

from __future__ import annotations

import html
import re
from typing import Iterable, Sequence

from planqa.records import Document

MARK_STYLE = "background:#ffe58f;padding:0 1px;border-radius:2px"
TERM_STYLE = "background:#e6f4ff;border-bottom:2px solid #69b1ff"


def esc(text: object) -> str:
    """Escape text for HTML (quotes too), keeping line breaks as ``<br>``."""
    return html.escape(str(text), quote=True).replace("\n", "<br>")


def mark_span(text: str, start: int, end: int, mark_id: str | None = None) -> str:
    """``text`` escaped, with ``text[start:end]`` wrapped in ``<mark>``."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end <= start:
        return esc(text)
    anchor = f' id="{esc(mark_id)}"' if mark_id else ""
    return (esc(text[:start]) + f'<mark{anchor} style="{MARK_STYLE}">' + esc(text[start:end]) + "</mark>"
            + esc(text[end:]))


def term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of every occurrence of ``terms`` in ``text``, longest term first."""
    taken: list[tuple[int, int]] = []
    for term in sorted({t for t in terms if t and t.strip()}, key=len, reverse=True):
        for match in re.finditer(re.escape(term), text):
            s, e = match.span()
            if all(e <= a or s >= b for a, b in taken):
                taken.append((s, e))
    return sorted(taken)


def highlight_terms(text: str, terms: Iterable[str]) -> str:
    """``text`` escaped, with query terms underlined."""
    out, pos = [], 0
    for s, e in term_spans(text, terms):
        out.append(esc(text[pos:s]))
        out.append(f'<span style="{TERM_STYLE}">{esc(text[s:e])}</span>')
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The lines (paragraphs of the cleaned text) around ``text[start:end]``."""
    left = text.rfind("\n", 0, max(start, 0)) + 1
    right = text.find("\n", max(end, start))
    return left, len(text) if right < 0 else right


def quote_in_paragraph(document_text: str, start: int, end: int, max_chars: int = 600) -> str:
    """The paragraph holding a quote, escaped, the quote marked; long paragraphs are trimmed around it."""
    left, right = paragraph_bounds(document_text, start, end)
    if right - left > max_chars:
        room = max(0, (max_chars - (end - start)) // 2)
        left, right = max(left, start - room), min(right, end + room)
    body = mark_span(document_text[left:right], start - left, end - left)
    return ("…" if left > 0 and document_text[left - 1] != "\n" else "") + body + \
        ("…" if right < len(document_text) and document_text[right] != "\n" else "")


def answer_html(answer: str, anchor_prefix: str = "cite-") -> str:
    """The answer escaped, each ``[n]`` a link to the cited passage below it."""
    escaped = esc(answer)
    return re.sub(r"\[(\d+)\]", lambda m: f'<a href="#{anchor_prefix}{m.group(1)}" '
                  f'style="text-decoration:none;font-weight:600">[{m.group(1)}]</a>', escaped)


def citation_label(title: str, section: str, start: int, end: int) -> str:
    """How a citation is written in exports: 《title》 section（第 start–end 字）."""
    where = f" {section}" if section else ""
    return f"《{title}》{where}（第{start}–{end}字）"


def outline_items(document: Document) -> list[tuple[int, str, int]]:
    """(level, heading, start offset) of every section, in document order."""
    return [(len(s.path), s.path[-1], s.start) for s in document.sections]


def document_html(document: Document, start: int | None = None, end: int | None = None,
                  height: int = 640) -> str:
    """A self-contained viewer: outline on the left (links), text on the right, the span marked
    and scrolled into view. Rendered in an iframe (components.html), so the script stays inside."""
    text = document.text
    anchors = sorted({s.start for s in document.sections})
    cut_points = sorted(set(anchors) | ({start, end} if start is not None and end is not None and end > start else set()))
    pieces, pos = [], 0
    marking, marked = False, False
    for point in cut_points + [len(text)]:
        point = max(pos, min(point, len(text)))
        chunk = esc(text[pos:point])
        if marking and chunk:
            pieces.append(f'<mark{"" if marked else " id=target"} style="{MARK_STYLE}">{chunk}</mark>')
            marked = True
        else:
            pieces.append(chunk)
        if point in anchors:
            pieces.append(f'<a id="s{point}"></a>')
        if start is not None and end is not None and end > start:
            if point == start:
                marking = True
            if point == end:
                marking = False
        pos = point
    outline = "".join(
        f'<div style="padding-left:{(level - 1) * 14}px;margin:3px 0">'
        f'<a href="#s{offset}" onclick="go(event,\'s{offset}\')">{esc(heading)}</a></div>'
        for level, heading, offset in outline_items(document))
    target = "target" if start is not None and end is not None and end > start else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
body{{margin:0;font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;font-size:15px;color:#1f1f1f}}
#wrap{{display:flex;height:{height}px}}
#nav{{width:30%;overflow:auto;border-right:1px solid #ddd;padding:8px;font-size:13px;box-sizing:border-box}}
#nav a{{color:#1f4e9c;text-decoration:none}} #nav a:hover{{text-decoration:underline}}
#text{{flex:1;overflow:auto;padding:8px 16px;line-height:1.8;box-sizing:border-box}}
</style></head><body><div id="wrap"><div id="nav"><b>目录</b>{outline or '<div>（无章节结构）</div>'}</div>
<div id="text">{''.join(pieces)}</div></div>
<script>
function go(e,id){{e.preventDefault();var el=document.getElementById(id);if(el)el.scrollIntoView({{block:"start"}});}}
var t=document.getElementById("{target}");if(t)t.scrollIntoView({{block:"center"}});
</script></body></html>"""


def meta_line(parts: Sequence[object]) -> str:
    """"台山市 · 十四五 · …" from the non-empty parts, escaped."""
    return esc(" · ".join(str(p) for p in parts if p))
