"""Ingestion: from files to cleaned, structured ``Document`` records.

``load_document`` reads one file (any supported format), cleans it, parses its outline and
tables and attaches metadata from the corpus manifest or, failing that, from the text.
``load_corpus`` does this for a folder and collects per-file errors instead of stopping.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from planqa.errors import IngestError, MissingDependencyError, PlanqaError
from planqa.ingest.clean import clean
from planqa.ingest.limits import DEFAULT_MAX_FILE_BYTES
from planqa.ingest.metadata import MANIFEST_NAME, DocMeta, doc_id_for, infer_meta, load_manifest
from planqa.ingest.outline import build_sections
from planqa.ingest.tables import indicators_from_table
from planqa.records import Document

log = logging.getLogger(__name__)
SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".docx", ".pdf", ".html", ".htm")
DEFAULT_MAX_BYTES = DEFAULT_MAX_FILE_BYTES  # see planqa.ingest.limits


def load_document(path: Path, meta: DocMeta | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read, clean and structure one file. Raises ``IngestError`` naming the file, also when the
    reader for its format is not installed (one format unavailable must not stop the others)."""
    from planqa.ingest.readers import read_file

    try:
        raw = read_file(path, max_bytes=max_bytes)
    except MissingDependencyError as exc:
        raise IngestError(path, str(exc)) from exc
    try:
        cleaned = clean(raw.text, path.name)
    except RecursionError as exc:  # pragma: no cover - defensive
        raise IngestError(path, f"could not be cleaned ({exc})") from exc
    if not cleaned.text.strip():
        raise IngestError(path, "no text left after cleaning (the file holds only page chrome or whitespace)")
    if meta is None:
        meta = infer_meta(doc_id_for(path.name), path.name, cleaned.text, raw.title)
    elif not meta.title:
        inferred = infer_meta(meta.doc_id, path.name, cleaned.text, raw.title)
        meta.title = inferred.title
    table_spans = [(t.start, t.end) for t in cleaned.tables]
    sections = build_sections(cleaned.text, hints=raw.headings, skip_spans=table_spans)
    indicators = [
        record
        for index, table in enumerate(cleaned.tables)
        for record in indicators_from_table(table, index, meta.years)
    ]
    report = {**cleaned.report, "reader": raw.format, "encoding": raw.encoding, "reader_notes": raw.notes}
    return Document(
        doc_id=meta.doc_id,
        title=meta.title or path.stem,
        text=cleaned.text,
        source=path.name,
        region=meta.region,
        level=meta.level,
        period=meta.period,
        years=meta.years,
        issuer=meta.issuer,
        doc_number=meta.doc_number,
        date=meta.date,
        sections=sections,
        tables=cleaned.tables,
        indicators=indicators,
        cleaning_report=report,
    )


@dataclass
class CorpusLoad:
    """Documents that loaded, and the files that did not with the reason."""

    documents: list[Document] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The document files of a corpus folder (the manifest and hidden files excluded)."""
    if not corpus_dir.is_dir():
        raise PlanqaError(f"corpus folder not found: {corpus_dir}")
    return sorted(
        p for p in corpus_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name != MANIFEST_NAME
    )


def load_corpus(corpus_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> CorpusLoad:
    """Load every document of a folder; a bad file is reported and skipped, never fatal."""
    manifest = load_manifest(corpus_dir)
    result = CorpusLoad()
    seen_ids: set[str] = set()
    for path in corpus_files(corpus_dir):
        try:
            document = load_document(path, manifest.get(path.name), max_bytes=max_bytes)
        except IngestError as exc:
            log.warning("skipped %s", exc)
            result.errors.append(exc)
            continue
        if document.doc_id in seen_ids:
            result.errors.append(IngestError(path, f"doc_id {document.doc_id!r} is already used by another file"))
            continue
        seen_ids.add(document.doc_id)
        result.documents.append(document)
    missing = set(manifest) - {p.name for p in corpus_files(corpus_dir)}
    for name in sorted(missing):
        log.warning("corpus manifest lists %s, which is not in %s", name, corpus_dir)
    return result
