"""Ingestion: from files to cleaned, structured ``Document`` records.

``load_document`` reads one file (any supported format), cleans it, parses its outline and
tables and attaches metadata from the corpus manifest or, failing that, from the text.
``load_corpus`` does this for a folder and collects per-file errors instead of stopping.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from planqa.errors import IngestError, MissingDependencyError, PlanqaError
from planqa.ingest.chrome import Removals
from planqa.ingest.clean import clean
from planqa.ingest.limits import DEFAULT_MAX_FILE_BYTES
from planqa.ingest.metadata import MANIFEST_NAME, DocMeta, doc_id_for, infer_meta, load_manifest
from planqa.ingest.outline import build_sections
from planqa.ingest.tables import indicators_from_table
from planqa.records import Document

log = logging.getLogger(__name__)
SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm")
DEFAULT_MAX_BYTES = DEFAULT_MAX_FILE_BYTES  # see planqa.ingest.limits


# Shares of a document's text whose loss a user is told about.
MAX_CLEANING_LOSS = 0.10  # cleaning rules (chrome, TOC, markers) removing more than this
MAX_READER_LOSS = 0.30  # a PDF/DOCX/text reader dropping more than this (pages furniture is less)
MIN_MAIN_HAN = 200  # a page or PDF whose main text has fewer Chinese characters than this
WEB_FORMATS = ("html", "markdown")
MIN_SHELL_HAN = 20  # fewer Chinese characters than this (and a few characters in all): an empty shell
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Removals that do not count as losing text: invisible characters and markup.
_NOT_TEXT = {"control_characters", "word_bookmarks", "page_fragment_marker", "html_tag", "markdown_image",
             "ocr_image_marker"}


def han_count(text: str) -> int:
    """Chinese characters in ``text`` (the measure of "nothing lost")."""
    return len(_HAN.findall(text))


def loss_warnings(raw_han: int, reader_removed: dict[str, int], cleaned_han: int,
                  cleaning_removed: dict[str, int], reader_format: str) -> list[str]:
    """What a user must be told about how much of a file's text reached the cleaned text.

    ``raw_han`` counts the reader's output, ``reader_removed`` the Chinese characters the reader
    dropped by rule, ``cleaning_removed`` those the cleaning rules dropped by rule."""
    warnings: list[str] = []
    source_han = raw_han + sum(reader_removed.values())
    cleaning_loss = sum(n for rule, n in cleaning_removed.items() if rule not in _NOT_TEXT)
    if raw_han and cleaning_loss > MAX_CLEANING_LOSS * raw_han:
        rules = ", ".join(f"{r} {n}" for r, n in sorted(cleaning_removed.items(), key=lambda x: -x[1]) if n)
        warnings.append(f"cleaning removed {cleaning_loss / raw_han:.0%} of the Chinese text ({rules}); "
                        "check the cleaning report")
    # A web page's navigation and hidden copies of its body are expected to go; a PDF or Word
    # reader dropping a large share is not.
    reader_loss = sum(n for rule, n in reader_removed.items() if "duplicate" not in rule)
    if reader_format not in WEB_FORMATS and source_han and reader_loss > MAX_READER_LOSS * source_han:
        warnings.append(f"the reader dropped {reader_loss / source_han:.0%} of the file's Chinese text "
                        f"({', '.join(f'{r} {n}' for r, n in reader_removed.items())})")
    if reader_format in (*WEB_FORMATS, "pdf") and cleaned_han < MIN_MAIN_HAN:
        warnings.append(f"only {cleaned_han} Chinese characters of main text found"
                        + (f" ({source_han} on the whole page)" if reader_format in WEB_FORMATS else "")
                        + "; the file may be a scan, a frame or a page whose text is loaded by script")
    return warnings


def load_document(path: Path, meta: DocMeta | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read, clean and structure one file. Raises ``IngestError`` naming the file, also when the
    reader for its format is not installed (one format unavailable must not stop the others).

    Metadata: the manifest entry wins field by field; what it leaves empty is read from the text
    (and, where the text says nothing, from the file's own properties)."""
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
        removed = ", ".join(f"{rule} {n}" for rule, n in cleaned.report["removed_chars"].items()) or "nothing"
        raise IngestError(path, "no text left after cleaning: the file holds only page chrome or whitespace "
                          f"({len(raw.text)} characters read; removed: {removed})")
    if raw.format in (*WEB_FORMATS, "pdf") and han_count(cleaned.text) < MIN_SHELL_HAN and len(cleaned.text) < 60:
        what = "the HTML page" if raw.format == "html" else f"the {raw.format} file"
        raise IngestError(path, f"no text found in {what}: only {cleaned.text[:60]!r} is left after "
                          "navigation and page chrome (the text may be loaded by script, framed or an image)")
    inferred = infer_meta(meta.doc_id if meta else doc_id_for(path.name), path.name, cleaned.text,
                          raw.title, properties=raw.properties)
    if meta is None:
        meta = inferred
    else:
        for name in ("title", "region", "level", "period", "years", "issuer", "doc_number", "date",
                     "valid_until", "effective_date"):
            if getattr(meta, name) in (None, "", ()):
                setattr(meta, name, getattr(inferred, name))
    table_spans = [(t.start, t.end) for t in cleaned.tables]
    sections = build_sections(cleaned.text, hints=raw.headings, skip_spans=table_spans)
    indicators = [
        record
        for index, table in enumerate(cleaned.tables)
        for record in indicators_from_table(table, index, meta.years)
    ]
    reader_removals = Removals(list(raw.removed))
    reader_removed = reader_removals.by_rule(han_count)
    cleaning_removed = Removals(cleaned.removals).by_rule(han_count)
    warnings = list(raw.warnings)
    for warning in loss_warnings(han_count(raw.text), reader_removed, han_count(cleaned.text), cleaning_removed,
                                 raw.format):
        if warning.startswith("only") and any("main text" in w for w in raw.warnings):
            continue  # the reader already said so
        warnings.append(warning)
    for warning in warnings:
        log.warning("%s: %s", path.name, warning)
    report = {**cleaned.report, "reader": raw.format, "encoding": raw.encoding, "reader_notes": raw.notes,
              "reader_removed_chars": reader_removals.by_rule(),
              "reader_removed": [{"rule": rule, "text": text[:120], "chars": len(text)} for rule, text in raw.removed],
              "han_in": han_count(raw.text) + sum(reader_removed.values()),
              "han_out": han_count(cleaned.text), "pages": raw.pages, "warnings": warnings}
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
        valid_until=meta.valid_until,
        effective_date=meta.effective_date,
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
