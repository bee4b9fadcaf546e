"""Corpus changes that keep the corpus and the index in step (used by the app's 文档库 page).

``add_and_index`` checks an uploaded file by reading it from a temporary folder first, so a
file that cannot be read is rejected with the reader's message and nothing is written; if
indexing fails after the file was added, the file is taken out again. The index itself is
only swapped in when a build succeeds (planqa.index.store), so the previous one stays live.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any, Callable

from planqa.corpus import add_file, remove_document, safe_file_name
from planqa.errors import PlanqaError
from planqa.ingest import corpus_files, load_document
from planqa.ingest.metadata import DocMeta, load_manifest

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


def check_upload(name: str, content: bytes, meta: dict[str, Any] | None = None) -> Any:
    """Read, clean and structure the upload without touching the corpus; returns the Document.

    Raises ``IngestError`` (naming the file and the reason) when it cannot be used.
    """
    file_name = safe_file_name(name)
    with tempfile.TemporaryDirectory(prefix="planqa-upload-") as tmp:
        path = Path(tmp) / file_name
        path.write_bytes(content)
        fields = {k: v for k, v in (meta or {}).items() if v not in (None, "") and k in DocMeta.__dataclass_fields__}
        doc_meta = DocMeta(**{"doc_id": fields.pop("doc_id", None) or Path(file_name).stem, "file": file_name, **fields})
        return load_document(path, doc_meta)


def add_and_index(corpus_dir: Path, index_dir: Path, name: str, content: bytes, meta: dict[str, Any] | None = None,
                  embedder: Any = None, progress: Progress | None = None) -> dict[str, Any]:
    """Add one uploaded file to the corpus and update the index; returns the build report
    with the new document's ``doc_id``. On any failure the corpus is left as it was."""
    from planqa.index.build import build_index

    document = check_upload(name, content, meta)
    existing = {e.doc_id for e in load_manifest(corpus_dir).values()}
    if meta and meta.get("doc_id") and meta["doc_id"] in existing:
        raise PlanqaError(f"文档编号 {meta['doc_id']} 已被使用 (doc_id already in use)")
    path = add_file(corpus_dir, name, content, meta)
    try:
        report = build_index(corpus_dir, index_dir, embedder=embedder, progress=progress)
    except BaseException:
        _take_out(corpus_dir, path)
        raise
    added = next((e.doc_id for e in load_manifest(corpus_dir).values() if e.file == path.name), document.doc_id)
    skipped = [e for e in report.get("errors", []) if path.name in e]
    if skipped:  # the build read it differently from the check; do not leave a file the index lacks
        _take_out(corpus_dir, path)
        raise PlanqaError(skipped[0])
    return {**report, "doc_id": added, "file": path.name}


def _take_out(corpus_dir: Path, path: Path) -> None:
    entries = load_manifest(corpus_dir)
    doc_id = next((e.doc_id for e in entries.values() if e.file == path.name), None)
    try:
        remove_document(corpus_dir, doc_id or path.stem, source=path.name)
    except PlanqaError:
        path.unlink(missing_ok=True)
    log.info("took %s out of the corpus again", path.name)


def remove_and_index(corpus_dir: Path, index_dir: Path, doc_id: str, source: str | None = None,
                     embedder: Any = None, progress: Progress | None = None) -> dict[str, Any]:
    """Move a document out of the corpus (to ``.removed/``) and update the index."""
    from planqa.index.build import build_index

    if len(corpus_files(corpus_dir)) <= 1:
        raise PlanqaError("文档库中只剩这一个文档，不能删除 (the corpus would be empty)")
    moved = remove_document(corpus_dir, doc_id, source)
    report = build_index(corpus_dir, index_dir, embedder=embedder, progress=progress)
    return {**report, "removed_to": str(moved)}
