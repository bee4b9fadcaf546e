"""What ingestion makes of files, without indexing them (``python -m planqa inspect``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from planqa.errors import IngestError
from planqa.ingest import load_document
from planqa.ingest.metadata import doc_id_for, load_manifest
from planqa.records import Document

INSPECT_KEYS = ("file", "doc_id", "reader", "seconds", "title", "region", "level", "period", "years", "issuer",
                "doc_number", "date", "chars_in", "chars_out", "removed", "warnings", "sections", "tables", "outline")
OUTLINE_DEPTH = 2


def outline(document: Document, depth: int = OUTLINE_DEPTH) -> list[list[str]]:
    """Heading paths of the top ``depth`` levels, in document order."""
    return [list(s.path) for s in document.sections if len(s.path) <= depth]


def removed_by_rule(document: Document) -> dict[str, int]:
    """Characters removed by each rule, the reader's and the cleaner's together."""
    report = document.cleaning_report
    removed: dict[str, int] = dict(report.get("reader_removed_chars", {}))
    for rule, chars in report.get("removed_chars", {}).items():
        removed[rule] = removed.get(rule, 0) + chars
    return dict(sorted(removed.items(), key=lambda item: -item[1]))


def inspect_file(path: Path) -> dict[str, Any]:
    """One file's inspection record (keys ``INSPECT_KEYS``); a file that cannot be used gets
    ``error`` and keeps the keys it has."""
    path = Path(path)
    manifest = load_manifest(path.parent) if path.parent.is_dir() else {}
    meta = manifest.get(path.name)
    started = time.perf_counter()
    record: dict[str, Any] = {"file": str(path), "doc_id": meta.doc_id if meta else doc_id_for(path.name)}
    try:
        document = load_document(path, meta)
    except IngestError as exc:
        record.update({"seconds": round(time.perf_counter() - started, 3), "error": exc.reason})
        return record
    report = document.cleaning_report
    record.update({
        "reader": report.get("reader"),
        "seconds": round(time.perf_counter() - started, 3),
        "title": document.title,
        "region": document.region,
        "level": document.level,
        "period": document.period,
        "years": list(document.years) if document.years else None,
        "issuer": document.issuer,
        "doc_number": document.doc_number,
        "date": document.date,
        "effective_date": document.effective_date,
        "valid_until": document.valid_until,
        "chars_in": report.get("chars_in", 0) + sum(report.get("reader_removed_chars", {}).values()),
        "chars_out": len(document.text),
        "han_in": report.get("han_in"),
        "han_out": report.get("han_out"),
        "removed": removed_by_rule(document),
        "warnings": list(report.get("warnings", [])),
        "sections": len(document.sections),
        "tables": len(document.tables),
        "outline": outline(document),
    })
    if report.get("pages"):
        record["pages"] = report["pages"]
    return record


def format_record(record: dict[str, Any]) -> str:
    """A human-readable block for one inspected file."""
    if "error" in record:
        return f"{record['file']}\n  error: {record['error']}"
    years = "–".join(map(str, record["years"])) if record.get("years") else ""
    lines = [
        record["file"],
        f"  doc_id {record['doc_id']} · reader {record['reader']} · {record['seconds']:.2f} s",
        f"  title    {record['title']}",
        f"  region   {record['region'] or ''} ({record['level'] or ''}) · period {record['period'] or ''} {years}",
        f"  issuer   {record['issuer'] or ''} · 文号 {record['doc_number'] or ''} · date {record['date'] or ''}",
        f"  chars    {record['chars_in']} in → {record['chars_out']} out"
        + (f" (han {record['han_in']} → {record['han_out']})" if record.get("han_in") is not None else ""),
        f"  removed  " + (", ".join(f"{rule} {n}" for rule, n in record["removed"].items()) or "nothing"),
        f"  {record['sections']} sections, {record['tables']} tables",
    ]
    for warning in record["warnings"]:
        lines.append(f"  WARNING  {warning}")
    for path in record["outline"]:
        lines.append("    " + "  " * (len(path) - 1) + path[-1])
    return "\n".join(lines)
