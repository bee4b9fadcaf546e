"""BEIR-style export of the gold set at chunk level, for tools that read BEIR folders.

``corpus.jsonl``  {"_id": chunk id, "title": "title › section", "text": chunk text, "metadata": {...}}
``queries.jsonl`` {"_id": question id, "text": question, "metadata": {"type": ...}} (every question)
``qrels.tsv``     ``query-id  corpus-id  score`` with a header line; score 1 for each chunk that holds
                  at least half of an evidence quote (unanswerable questions have no lines).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from planqa.evaluate.gold import load_gold, validate_gold
from planqa.evaluate.qrels import Passage, evidence_spans, relevant_ids

log = logging.getLogger(__name__)
DEFAULT_BEIR_DIR = Path("eval/beir")


def _jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def export_beir(index: Any, gold_path: Path | str, out_dir: Path | str = DEFAULT_BEIR_DIR) -> dict[str, Any]:
    """Write corpus/queries/qrels for ``index`` (an ``Index``); returns counts and any gold problems."""
    documents = {doc_id: doc.text for doc_id, doc in index.documents.items()}
    questions = load_gold(gold_path)
    problems = validate_gold(questions, documents)
    if problems:
        return {"problems": problems}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = []
    seen: set[str] = set()
    for chunk in index.chunks:
        if chunk.id in seen:
            continue
        seen.add(chunk.id)
        title = " › ".join([index.documents[chunk.doc_id].title, *chunk.section_path])
        corpus.append({"_id": chunk.id, "title": title, "text": chunk.text,
                       "metadata": {"doc_id": chunk.doc_id, "start": chunk.start, "end": chunk.end}})
    _jsonl(out_dir / "corpus.jsonl", corpus)
    _jsonl(out_dir / "queries.jsonl", [{"_id": q.id, "text": q.question, "metadata": {"type": q.type}} for q in questions])
    passages = [Passage(c.id, c.doc_id, c.start, c.end) for c in index.chunks]
    lines = ["query-id\tcorpus-id\tscore"]
    for q in questions:
        if q.answerable:
            lines += [f"{q.id}\t{pid}\t1" for pid in relevant_ids(passages, evidence_spans(q, documents))]
    (out_dir / "qrels.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = {"dir": str(out_dir), "corpus": len(corpus), "queries": len(questions), "qrels": len(lines) - 1, "problems": []}
    log.info("BEIR export: %s", report)
    return report
