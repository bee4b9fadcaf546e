"""Word .docx reader: body paragraphs and tables in document order, heading styles as hints."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterator

from planqa.errors import IngestError, MissingDependencyError
from planqa.ingest.readers.base import RawDocument
from planqa.ingest.readers.txt import finish_lines, join_fragments, table_to_lines

log = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
ZIP_MAGIC = b"PK"
_INVALID = "not a valid .docx (damaged or truncated)"
_ENCRYPTED = "encrypted or legacy .doc file; save it as an unprotected .docx"
_HEADING_PREFIXES = ("heading", "标题")
_TITLE_NAMES = ("title", "标题")


def _style_name(paragraph: Any) -> str:
    try:
        style = paragraph.style
        return (style.name or "") if style is not None else ""
    except (KeyError, ValueError, AttributeError):  # dangling style ids in hand-edited files
        return ""


def _outline_level(p_element: Any, qn: Any) -> int | None:
    """The paragraph's own outline level (w:outlineLvl), as WPS often sets without a heading style."""
    ppr = p_element.find(qn("w:pPr"))
    lvl = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if lvl is None:
        return None
    try:
        return int(lvl.get(qn("w:val")))
    except (TypeError, ValueError):
        return None


def _paragraph_text(paragraph: Any) -> str:
    """Paragraph text on one line: soft line breaks joined, tabs to spaces, no leading TAB."""
    out = ""
    for part in paragraph.text.replace("\t", " ").split("\n"):
        out = join_fragments(out, part.strip())
    return out.strip()


def _block_items(parent: Any, qn: Any) -> Iterator[Any]:
    """Body children in order, looking inside content controls (w:sdt, e.g. a table of contents)."""
    for child in parent.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _block_items(content, qn)


def _row_cells(row: Any) -> list[Any]:
    """Cells of one row, each merged cell once."""
    seen: set[int] = set()
    cells = []
    for cell in row.cells:
        key = id(cell._tc)
        if key not in seen:
            seen.add(key)
            cells.append(cell)
    return cells


def _cell_text(cell: Any, paragraph_cls: Any, qn: Any) -> str:
    """All paragraphs of a cell (nested tables included) joined with no separator."""
    out = ""
    for p in cell._tc.iter(qn("w:p")):
        out = join_fragments(out, _paragraph_text(paragraph_cls(p, cell)))
    return out


def _check_magic(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if not head:
        raise IngestError(path, "file is empty")
    if head.startswith(OLE_MAGIC):
        raise IngestError(path, _ENCRYPTED)
    if not head.startswith(ZIP_MAGIC):
        raise IngestError(path, _INVALID)


class DocxReader:
    """Reads .docx files with python-docx."""

    suffixes: tuple[str, ...] = (".docx",)

    def read(self, path: Path) -> RawDocument:
        """Read paragraphs and tables in order; raises ``IngestError`` for damaged or encrypted files."""
        try:
            import docx
            from docx.oxml.ns import qn
            from docx.table import Table
            from docx.text.paragraph import Paragraph
        except ImportError:
            raise MissingDependencyError("python-docx", "Reading .docx files") from None
        path = Path(path)
        _check_magic(path)
        try:
            document = docx.Document(str(path))
            return self._extract(path, document, qn, Paragraph, Table)
        except IngestError:
            raise
        except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml XMLSyntaxError, ValueError...
            log.debug("%s: python-docx failed", path, exc_info=True)
            detail = "" if type(exc).__name__ in ("PackageNotFoundError", "BadZipFile") else f": {type(exc).__name__}: {exc}"
            raise IngestError(path, _INVALID + detail) from exc

    def _extract(self, path: Path, document: Any, qn: Any, paragraph_cls: Any, table_cls: Any) -> RawDocument:
        lines: list[str] = []
        headings: list[str] = []
        title: str | None = None
        n_tables = 0
        for element in _block_items(document.element.body, qn):
            if element.tag == qn("w:tbl"):
                table = table_cls(element, document)
                rows = [[_cell_text(c, paragraph_cls, qn) for c in _row_cells(r)] for r in table.rows]
                block = table_to_lines(rows)
                if block:
                    n_tables += 1
                    lines.extend(block)
                continue
            paragraph = paragraph_cls(element, document)
            text = _paragraph_text(paragraph)
            if not text:
                continue
            lines.append(text)
            style = _style_name(paragraph).strip().casefold()
            if style in _TITLE_NAMES:
                title = title or text
                headings.append(text)
            elif style.startswith(_HEADING_PREFIXES):
                headings.append(text)
            elif (level := _outline_level(element, qn)) is not None and level < 9:
                headings.append(text)
        if title is None:
            core_title = (document.core_properties.title or "").strip()
            title = core_title or None
        text = finish_lines(lines)
        if not text.strip():
            raise IngestError(path, "the document contains no text")
        notes = [f"{n_tables} table(s) converted to TAB-cell lines"] if n_tables else []
        return RawDocument(path=path, text=text, format="docx", encoding=None,
                           headings=headings, title=title, notes=notes)
