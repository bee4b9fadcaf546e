"""The reader interface: one reader per file format, all producing a ``RawDocument``.

Readers hand over plain text in the conventions of the captured corpus, so that one cleaning
and structure path serves every format:
- one paragraph per line;
- a table as one cell per line, each cell line starting with a TAB, rows separated by an
  empty line (the form Word conversions produce, see corpus/kaiping-*.txt); a line without a
  leading TAB directly after a cell line continues that cell;
- ``headings`` lists paragraph texts the source marks as headings (e.g. .docx heading styles,
  <h1>-<h6>, bold-only lines), as hints for the outline parser;
- ``removed`` lists every span of the source's text the reader dropped, as ``(rule, text)``
  (running headers and footers, page numbers, navigation, hidden duplicate bodies, image
  placeholders...), so that "nothing lost silently" can be checked: what the reader read is
  ``text`` plus ``removed``;
- ``warnings`` says what a user must know about the result (a scanned page, an extractor that
  found little text); they reach the CLI, the build report and the app;
- ``properties`` holds what the file declares about itself (docx core properties, PDF info,
  HTML <meta>): used for metadata only when the text itself says nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass
class RawDocument:
    """Text read from a file, before cleaning."""

    path: Path
    text: str
    format: str  # "txt", "markdown", "docx", "pdf", "html"
    encoding: str | None = None
    headings: list[str] = field(default_factory=list)
    title: str | None = None  # a title the file itself declares (docx core properties, <title>)
    notes: list[str] = field(default_factory=list)  # what the reader did, for the report
    removed: list[tuple[str, str]] = field(default_factory=list)  # (rule, text) dropped by the reader
    warnings: list[str] = field(default_factory=list)  # what a user must be told
    properties: dict[str, str] = field(default_factory=dict)  # file-declared title/author/date/...
    pages: int | None = None  # PDF page count


class Reader(Protocol):
    """Reads one kind of file. Raises ``IngestError`` naming the file and the problem."""

    suffixes: tuple[str, ...]

    def read(self, path: Path) -> RawDocument: ...
