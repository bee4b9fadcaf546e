"""The index folder: versioned snapshots of plain files, swapped in atomically.

Layout::

    index/
      CURRENT                  name of the live snapshot (replaced atomically)
      v-20261122T110501-ab12/  one complete snapshot
        manifest.json          settings, counts, corpus folder and hash, planqa version
        docs/<doc_id>.json     cleaned documents (text, sections, tables, indicators, report)
        documents.json         metadata of every document (no text)
        chunks.jsonl           one chunk a line, in vector row order
        chunks.*.npy, chunks.meta.json   row arrays: line offsets, document, section, id
        ...                    backend files (vectors, BM25)

A build writes a new snapshot folder beside the live one and only then points CURRENT at it,
so a crash or an exception mid-build leaves the previous snapshot live and loadable.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from planqa.errors import PlanqaError
from planqa.records import Chunk, Document

log = logging.getLogger(__name__)
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
KEEP_SNAPSHOTS = 2  # the live one and the one before it (searches in flight may still read it)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_json(path: Path, data: Any) -> None:
    """Write JSON (UTF-8, not ASCII-escaped) durably: temp file, fsync, rename."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PlanqaError(f"index file missing: {path} (rebuild with: python -m planqa index)") from exc
    except json.JSONDecodeError as exc:
        raise PlanqaError(f"index file damaged: {path} ({exc}); rebuild with: python -m planqa index") from exc


def live_snapshot(index_dir: Path) -> Path | None:
    """The folder CURRENT points at, or None when there is no index yet."""
    pointer = index_dir / CURRENT
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    snapshot = index_dir / name
    if not name or not (snapshot / MANIFEST).exists():
        raise PlanqaError(f"{pointer} points at {name!r}, which is not a complete index; rebuild with: python -m planqa index")
    return snapshot


def require_snapshot(index_dir: Path) -> Path:
    snapshot = live_snapshot(index_dir)
    if snapshot is None:
        raise PlanqaError(f"no index in {index_dir}; build it with: python -m planqa index --index {index_dir}")
    return snapshot


def recorded_corpus(index_dir: Path) -> Path | None:
    """The corpus folder the live index was built from (its manifest's ``corpus``), or None: no
    index yet, an index built before the folder was recorded, or a folder that no longer exists."""
    try:
        snapshot = live_snapshot(Path(index_dir))
        folder = read_json(snapshot / MANIFEST).get("corpus") if snapshot is not None else None
    except (PlanqaError, OSError, AttributeError):
        return None
    return Path(folder) if folder and Path(folder).is_dir() else None


def corpus_for_index(index_dir: Path, explicit: str | os.PathLike | None = None,
                     default: str | os.PathLike = "corpus") -> Path:
    """The corpus folder to add documents to and index from: ``explicit`` when given, else the one
    the index at ``index_dir`` was built from (so updating an index, or adding a file to it, never
    writes into another folder), else ``default``."""
    if explicit is not None:
        return Path(explicit)
    recorded = recorded_corpus(index_dir)
    if recorded is not None and recorded.resolve() != Path(default).resolve():
        log.info("index %s was built from %s: using that corpus folder", index_dir, recorded)
    return recorded if recorded is not None else Path(default)


class IndexWriteError(PlanqaError, OSError):
    """The index folder could not be written (disk full, read-only, no permission); the
    previous index is unchanged. An ``OSError`` too, for callers that catch those."""


def write_error(index_dir: Path, exc: OSError, name_file: bool = True) -> IndexWriteError:
    """A user-facing error for a failed write into ``index_dir``, keeping the errno."""
    where = f" ({exc.filename})" if name_file and getattr(exc, "filename", None) else ""
    error = IndexWriteError(f"cannot write the index folder {index_dir}: {exc.strerror or exc}{where}; "
                            "the previous index (if any) is unchanged and still live")
    error.errno = exc.errno
    return error


_WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO)


def os_reason(exc: BaseException) -> OSError | None:
    """The file-system failure behind ``exc``: the ``OSError`` itself, or one recognised in the
    message of a library that reports it otherwise (FAISS raises ``RuntimeError("… write error …
    (No space left on device)")``); None for anything else."""
    if isinstance(exc, OSError):
        return exc
    if not isinstance(exc, Exception):
        return None
    text = str(exc)
    for code in _WRITE_ERRNOS:
        if os.strerror(code) in text:
            return OSError(code, os.strerror(code))
    return None


def check_writable(index_dir: Path) -> None:
    """Fail early, before any slow work, when ``index_dir`` cannot be created or written."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=index_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise write_error(index_dir, exc, name_file=False) from exc


@contextmanager
def new_snapshot(index_dir: Path) -> Iterator[Path]:
    """Yield an empty snapshot folder; on normal exit make it live, on any error delete it."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        folder = Path(tempfile.mkdtemp(prefix=f"v-{stamp}-", dir=index_dir))
    except OSError as exc:
        raise write_error(index_dir, exc) from exc
    swapped = False
    try:
        yield folder
        for path in folder.rglob("*"):
            if path.is_file():
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        _fsync_dir(folder)
        pointer_tmp = index_dir / (CURRENT + ".tmp")
        with open(pointer_tmp, "w", encoding="utf-8") as handle:
            handle.write(folder.name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(pointer_tmp, index_dir / CURRENT)
        swapped = True  # from here on the new snapshot is live: never delete it
        _fsync_dir(index_dir)
    except BaseException as exc:
        if not swapped:
            discard_snapshot(folder)
        reason = os_reason(exc)  # disk full, read-only, permissions: the old snapshot stays live
        if reason is not None:
            raise write_error(index_dir, reason) from exc
        raise
    prune_snapshots(index_dir)


def prune_snapshots(index_dir: Path, keep: int = KEEP_SNAPSHOTS) -> None:
    """Delete old snapshots and leftovers of interrupted builds, keeping the newest ``keep``."""
    live = live_snapshot(index_dir)
    snapshots = sorted((p for p in index_dir.glob("v-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    complete = [p for p in snapshots if (p / MANIFEST).exists()]
    keepers = set(complete[-keep:]) | ({live} if live else set())
    for path in snapshots:
        if path not in keepers:
            discard_snapshot(path)


def discard_snapshot(path: Path) -> None:
    """Delete a snapshot folder and what it keeps outside itself (a Milvus collection)."""
    from planqa.index.vectors import drop_external_vectors

    drop_external_vectors(path)
    shutil.rmtree(path, ignore_errors=True)


def write_documents(folder: Path, documents: list[Document]) -> None:
    from planqa.index.catalog import write_document_catalog

    (folder / "docs").mkdir(exist_ok=True)
    for document in documents:
        write_json(folder / "docs" / f"{document.doc_id}.json", document.to_dict())
    write_document_catalog(folder, documents)


def read_document(snapshot: Path, doc_id: str) -> Document:
    path = snapshot / "docs" / f"{doc_id}.json"
    if "/" in doc_id or "\\" in doc_id or not path.exists():
        known = sorted(p.stem for p in (snapshot / "docs").glob("*.json"))
        raise PlanqaError(f"no document {doc_id!r} in the index; known: {', '.join(known)}")
    return Document.from_dict(read_json(path))


def read_documents(snapshot: Path) -> list[Document]:
    return [Document.from_dict(read_json(p)) for p in sorted((snapshot / "docs").glob("*.json"))]


def write_chunks(folder: Path, chunks: list[Chunk]) -> None:
    """chunks.jsonl (one chunk a line, in vector row order) and its row arrays (index/catalog.py)."""
    from planqa.index.catalog import write_chunk_store

    write_chunk_store(folder, chunks)


def read_chunks(snapshot: Path) -> list[Chunk]:
    path = snapshot / "chunks.jsonl"
    with open(path, encoding="utf-8") as handle:
        return [Chunk.from_dict(json.loads(line)) for line in handle if line.strip()]
