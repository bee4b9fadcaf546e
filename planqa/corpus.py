"""Managing the corpus folder: adding a file (with metadata) and removing a document.

The corpus folder is the source of truth for the index. Files are only ever written inside
it under a sanitised name (an upload called ``../../etc/passwd`` lands as ``passwd``), and a
removed document's file is moved to ``.removed/`` rather than deleted, so nothing is lost.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

from planqa.errors import IngestError, PlanqaError
from planqa.index.store import write_json
from planqa.ingest import SUPPORTED_SUFFIXES
from planqa.ingest.limits import MAX_FILE_ENV, Limits
from planqa.ingest.metadata import MANIFEST_NAME, DocMeta, doc_id_for, load_manifest

REMOVED_DIR = ".removed"
_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")
MAX_NAME_BYTES = 200  # file systems allow 255 bytes; a Chinese character takes 3 in UTF-8


def safe_file_name(name: str) -> str:
    """The base name of ``name`` with path parts and characters unsafe in file names removed.

    ``../../etc/passwd.txt`` and ``/abs/path.txt`` become ``passwd.txt`` and ``path.txt``; a long
    name is shortened (its suffix kept) to ``MAX_NAME_BYTES`` bytes of UTF-8.
    """
    base = re.split(r"[/\\]", name.strip())[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if not base or base.startswith("."):
        raise PlanqaError(f"unusable file name {name!r}")
    stem, suffix = os.path.splitext(base)
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    if not stem.strip(" ."):
        raise PlanqaError(f"unusable file name {name!r}")
    return stem + suffix


def _write_manifest(corpus_dir: Path, entries: list[DocMeta]) -> None:
    path = corpus_dir / MANIFEST_NAME
    data: dict[str, Any] = {"version": 1, "documents": []}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    notes = {e.get("doc_id"): e.get("notes") for e in data.get("documents", [])}
    documents = []
    for entry in entries:
        record = {k: v for k, v in vars(entry).items()}
        record["years"] = list(entry.years) if entry.years else None
        if notes.get(entry.doc_id):
            record["notes"] = notes[entry.doc_id]
        documents.append(record)
    data["documents"] = documents
    write_json(path, data)


def add_file(corpus_dir: Path, name: str, content: bytes, meta: dict[str, Any] | None = None,
             replace: bool = False, max_bytes: int | None = None) -> Path:
    """Write an uploaded file into the corpus (and its metadata into the manifest).

    Only ever writes inside ``corpus_dir``, under ``safe_file_name(name)``. Everything is checked
    before anything is written; the file appears whole or not at all (temporary file, fsync,
    rename), so a crash never leaves half a document. Raises ``PlanqaError`` naming the file.
    """
    file_name = safe_file_name(name)
    if Path(file_name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise IngestError(file_name, f"unsupported file type (supported: {', '.join(SUPPORTED_SUFFIXES)})")
    limit = max_bytes if max_bytes is not None else Limits.from_env().max_file_bytes
    if len(content) > limit:
        raise IngestError(file_name, f"file is too large ({len(content):,} bytes > limit {limit:,} bytes); "
                          f"raise the limit with {MAX_FILE_ENV}")
    if not corpus_dir.is_dir():
        raise PlanqaError(f"corpus folder not found: {corpus_dir}")
    target = corpus_dir / file_name
    if target.resolve().parent != corpus_dir.resolve():
        raise PlanqaError(f"refusing to write outside the corpus folder: {name!r}")
    if target.exists() and not replace:
        raise PlanqaError(f"{file_name} is already in the corpus (remove it first, or replace it)")
    entries = load_manifest(corpus_dir)
    entry = None
    if meta:
        doc_id = meta.get("doc_id") or doc_id_for(file_name)
        clash = [e for e in entries.values() if e.doc_id == doc_id and e.file != file_name]
        if clash:
            raise PlanqaError(f"doc_id {doc_id!r} is already used by {clash[0].file}")
        fields = {k: v for k, v in meta.items() if v not in (None, "") and k != "doc_id"}
        if "years" in fields:
            fields["years"] = tuple(fields["years"])
        entry = DocMeta(doc_id=doc_id, file=file_name, **fields)
    tmp = corpus_dir / f".{file_name}.upload"
    try:
        with open(tmp, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        if entry is not None:
            entries[file_name] = entry
            _write_manifest(corpus_dir, list(entries.values()))
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PlanqaError(f"cannot write {file_name} into the corpus folder {corpus_dir}: "
                          f"{exc.strerror or exc}") from exc
    return target


def remove_document(corpus_dir: Path, doc_id: str, source: str | None = None) -> Path:
    """Move a document's file to ``.removed/`` and drop its manifest entry; returns the new path."""
    entries = load_manifest(corpus_dir)
    file_name = next((e.file for e in entries.values() if e.doc_id == doc_id), None) or source
    if not file_name:
        raise PlanqaError(f"no document {doc_id!r} in {corpus_dir}")
    path = corpus_dir / safe_file_name(file_name)
    if not path.exists():
        raise PlanqaError(f"{path} not found")
    removed = corpus_dir / REMOVED_DIR
    removed.mkdir(exist_ok=True)
    target = removed / f"{time.strftime('%Y%m%dT%H%M%S')}-{path.name}"
    shutil.move(str(path), target)
    if path.name in entries:
        del entries[path.name]
        _write_manifest(corpus_dir, list(entries.values()))
    return target
