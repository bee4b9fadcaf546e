"""PDF reader: page text without running headers, footers and page numbers; ruled tables as cells."""

from __future__ import annotations

import logging
import math
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planqa.errors import IngestError, MissingDependencyError
from planqa.ingest.readers.base import RawDocument
from planqa.ingest.readers.txt import finish_lines, join_fragments, table_to_lines

log = logging.getLogger(__name__)

_CJK = r"\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_PAGE_NUMBER_RES = [re.compile(p, re.IGNORECASE) for p in (
    r"[-—–－_·•\s]*\d{1,4}[-—–－_·•\s]*",                       # 3, - 3 -, — 3 —
    r"第\s*\d{1,4}\s*页(\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?",    # 第3页, 第 3 页 共 10 页
    r"共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页",
    r"\d{1,4}\s*/\s*\d{1,4}",                                  # 3/10
    r"page\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?",
)]
_TERMINAL_RE = re.compile(r"[。！？；：!?;:…][”’\"』」）)】]*$")
_HEADING_RE = re.compile(
    r"(第[一二三四五六七八九十百零〇\d]+[章节条篇部分]"
    r"|[一二三四五六七八九十]+[、．.]"
    r"|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+[.．、](?!\d)"
    r"|\d+(\.\d+)+\s"
    r"|[①-⑳]"
    r"|附[件表录])"
)
_EDGE_WINDOW = 2   # lines at the top and bottom of a page considered as running header/footer
_MAX_PEEL = 4      # at most this many lines removed at each edge
_MIN_PAGES_FOR_REPEATS = 3


@dataclass
class _Line:
    text: str
    top: float
    x0: float
    x1: float
    height: float


@dataclass
class _Table:
    rows: list[list[str]]
    top: float


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def is_page_number(text: str) -> bool:
    """True for page-number lines such as '- 3 -', '第3页', '3', '第 3 页 共 10 页', '3/10'."""
    stripped = text.strip()
    return bool(stripped) and any(r.fullmatch(stripped) for r in _PAGE_NUMBER_RES)


def _page_items(page: Any) -> list[_Line | _Table]:
    """Text lines outside tables and the tables themselves, ordered top to bottom."""
    page = page.dedupe_chars()
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    items: list[_Line | _Table] = []
    for raw in text_page.extract_text_lines(return_chars=False):
        text = _CJK_GAP_RE.sub("", raw["text"]).strip()
        if text:
            items.append(_Line(text, raw["top"], raw["x0"], raw["x1"], raw["bottom"] - raw["top"]))
    for table in tables:
        rows = [[c for c in row if c is not None] for row in table.extract()]
        if any(any((c or "").strip() for c in row) for row in rows):
            items.append(_Table(rows, table.bbox[1]))
    items.sort(key=lambda item: item.top)
    return items


def _edge_keys(items: list[_Line | _Table]) -> set[str]:
    lines = [i for i in items if isinstance(i, _Line)]
    edge = lines[:_EDGE_WINDOW] + lines[-_EDGE_WINDOW:]
    return {_key(line.text) for line in edge}


def _strip_running(pages: list[list[_Line | _Table]]) -> tuple[int, int]:
    """Remove repeated headers/footers and page numbers at page edges, in place."""
    repeated: set[str] = set()
    with_text = [p for p in pages if p]
    if len(with_text) >= _MIN_PAGES_FOR_REPEATS:
        counts: dict[str, int] = {}
        for items in with_text:
            for key in _edge_keys(items):
                counts[key] = counts.get(key, 0) + 1
        threshold = max(2, math.ceil(len(with_text) / 2))
        repeated = {k for k, n in counts.items() if n >= threshold}
    n_running = n_numbers = 0
    for items in pages:
        for index in (0, -1):
            for _ in range(_MAX_PEEL):
                if not items or not isinstance(items[index], _Line):
                    break
                text = items[index].text
                if is_page_number(text):
                    n_numbers += 1
                elif _key(text) in repeated:
                    n_running += 1
                else:
                    break
                items.pop(index)
    return n_running, n_numbers


def _margins(pages: list[list[_Line | _Table]]) -> tuple[float, float]:
    """Left text margin (a low percentile of line starts) and right margin (median page maximum)."""
    starts = sorted(i.x0 for p in pages for i in p if isinstance(i, _Line))
    ends = [max(i.x1 for i in p if isinstance(i, _Line)) for p in pages if any(isinstance(i, _Line) for i in p)]
    if not starts:
        return 0.0, 0.0
    return starts[len(starts) // 10], statistics.median(ends)


def _assemble(pages: list[list[_Line | _Table]]) -> list[str]:
    """Join wrapped lines into paragraphs (also across pages) and render tables.

    A line continues the previous one when that one reaches the right margin without ending a
    sentence, and the line itself is neither indented (first-line indent) nor a numbered heading.
    """
    left, right = _margins(pages)
    heights = [i.height for p in pages for i in p if isinstance(i, _Line)]
    tolerance = statistics.median(heights) if heights else 0.0
    lines: list[str] = []
    joinable = False  # whether the last emitted line may continue on the next one
    for items in pages:
        for item in items:
            if isinstance(item, _Table):
                lines.extend(table_to_lines(item.rows))
                joinable = False
                continue
            indented = item.x0 > left + tolerance
            if joinable and not indented and not _HEADING_RE.match(item.text):
                lines[-1] = join_fragments(lines[-1], item.text)
            else:
                lines.append(item.text)
            full = item.x1 >= right - 1.5 * tolerance
            joinable = full and not _TERMINAL_RE.search(item.text)
    return lines


def _is_password_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        name = type(current).__name__
        if name in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning") or "password" in str(current).lower():
            return True
        stack.extend(a for a in current.args if isinstance(a, BaseException))
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return False


def _clean_title(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "ignore")
    if not isinstance(value, str):
        return None
    title = re.sub(r"^Microsoft Word\s*-\s*", "", value.strip())
    if not title or title.lower() == "untitled" or re.search(r"\.(docx?|wps|pdf)$", title, re.IGNORECASE):
        return None
    return title


class PdfReader:
    """Reads PDFs with a text layer using pdfplumber."""

    suffixes: tuple[str, ...] = (".pdf",)

    def read(self, path: Path) -> RawDocument:
        """Extract text and tables; raises ``IngestError`` for scanned, encrypted or broken PDFs."""
        try:
            import pdfplumber
        except ImportError:
            raise MissingDependencyError("pdfplumber", "Reading .pdf files") from None
        path = Path(path)
        try:
            with path.open("rb") as fh:
                head = fh.read(1024)
        except OSError as exc:
            raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
        if not head:
            raise IngestError(path, "file is empty")
        if b"%PDF" not in head:
            raise IngestError(path, "not a valid PDF (no %PDF header)")
        try:
            with pdfplumber.open(str(path)) as pdf:
                title = _clean_title((pdf.metadata or {}).get("Title"))
                pages = [_page_items(page) for page in pdf.pages]
        except IngestError:
            raise
        except Exception as exc:
            log.debug("%s: pdfplumber failed", path, exc_info=True)
            if _is_password_error(exc):
                raise IngestError(path, "PDF is password-protected; remove the password and try again") from exc
            raise IngestError(path, f"not a valid PDF (damaged or truncated): {type(exc).__name__}: {exc}") from exc
        if not pages:
            raise IngestError(path, "PDF has no pages")
        empty = [n for n, items in enumerate(pages, start=1) if not items]
        if len(empty) == len(pages):
            raise IngestError(path, "no text layer (scanned PDF?), OCR needed")
        n_running, n_numbers = _strip_running(pages)
        text = finish_lines(_assemble(pages))
        if not text.strip():
            raise IngestError(path, "no text layer beyond page headers and numbers (scanned PDF?), OCR needed")
        notes = []
        if n_running:
            notes.append(f"removed {n_running} running header/footer line(s)")
        if n_numbers:
            notes.append(f"removed {n_numbers} page-number line(s)")
        if empty:
            notes.append(f"page(s) {', '.join(map(str, empty))} have no text layer (scanned?)")
        return RawDocument(path=path, text=text, format="pdf", encoding=None, title=title, notes=notes)
