"""File readers by suffix, and ``read_file``, the one entry point that only ever raises ``IngestError``.

(``MissingDependencyError`` for an optional package that is not installed passes through, since
its message already says what to install.)
"""

from __future__ import annotations

import logging
from pathlib import Path

from planqa.errors import IngestError, MissingDependencyError
from planqa.ingest.limits import DEFAULT_MAX_FILE_BYTES, MAX_FILE_ENV
from planqa.ingest.readers.base import RawDocument, Reader
from planqa.ingest.readers.docx import DocxReader
from planqa.ingest.readers.html import HtmlReader
from planqa.ingest.readers.markdown import MarkdownReader
from planqa.ingest.readers.pdf import PdfReader
from planqa.ingest.readers.txt import TxtReader

__all__ = ["DEFAULT_MAX_BYTES", "READERS", "RawDocument", "Reader", "read_file", "reader_for",
           "supported_suffixes"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = DEFAULT_MAX_FILE_BYTES  # see planqa.ingest.limits

READERS: list[Reader] = [TxtReader(), MarkdownReader(), DocxReader(), PdfReader(), HtmlReader()]


def supported_suffixes() -> list[str]:
    """All suffixes some reader handles, e.g. ['.txt', '.text', '.md', '.markdown', '.docx', ...]."""
    return [suffix for reader in READERS for suffix in reader.suffixes]


def reader_for(path: str | Path) -> Reader:
    """The reader for a file, chosen by its suffix (case-insensitive)."""
    path = Path(path)
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.suffixes:
            return reader
    shown = f"'{suffix}'" if suffix else "without a suffix"
    raise IngestError(path, f"unsupported file type {shown} (supported: {', '.join(supported_suffixes())})")


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


def read_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read one file with the reader for its suffix.

    Raises ``IngestError`` naming the file for a missing, unsupported, too large, damaged or
    unreadable file, whatever goes wrong inside the reader.
    """
    path = Path(path)
    if not path.exists():
        raise IngestError(path, "file not found")
    if path.is_dir():
        raise IngestError(path, "is a directory, not a file")
    reader = reader_for(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if size > max_bytes:
        shown, limit = _size(size), _size(max_bytes)
        if shown == limit:  # 50 MB + 1 byte must not read "50 MB > limit 50 MB"
            shown, limit = f"{size:,} bytes", f"{max_bytes:,} bytes"
        raise IngestError(path, f"file is too large ({shown} > limit {limit}); raise the limit with {MAX_FILE_ENV}")
    try:
        document = reader.read(path)
    except (IngestError, MissingDependencyError):
        raise
    except PermissionError as exc:
        raise IngestError(path, "permission denied") from exc
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    except Exception as exc:  # a reader bug or a library failure: never a bare traceback
        log.debug("unexpected error reading %s", path, exc_info=True)
        raise IngestError(path, f"could not read the file ({type(exc).__name__}: {exc})") from exc
    log.debug("read %s: %d characters (%s)", path, len(document.text), document.format)
    return document
