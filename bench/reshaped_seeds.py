"""The five seed plans reshaped (line breaks removed, hard-wrapped) against the corpus as shipped.

Each shape is a copy of ``corpus/`` (same manifest, same file names) whose files are rewritten:

- ``as shipped``: unchanged;
- ``one line``: every line break of the file removed (a web capture of the whole page as one line);
- ``wrapped 38``: every line cut into lines of 38 characters (a PDF text layer or OCR conversion),
  table rows (lines with ``|``) left whole as a text layer keeps them.

For each shape: the top-level outline of each document (compared with the as-shipped one), the
Chinese characters kept, ``python -m planqa index`` of the copy (fresh index; the embedding cache is
shared, so only texts that changed are embedded), then the gold questions over the main corpus:
answer key-string accuracy, answer correct and abstention over every question, and hybrid/BM25/dense
hit@5 and MRR@10 over the answerable questions whose evidence quotes are found verbatim in every
shape (a reshaped text may join or split differently around a quote). Issue 13's bar: key-string
accuracy within 0.05 of the as-shipped corpus.

    python bench/reshaped_seeds.py [--corpus corpus/] [--out bench/reports]
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPORTS, ROOT, environment, markdown_table, write_report  # noqa: E402

REPORT_NAME = "reshaped_seeds"
WRAP = 38
RETRIEVERS = ("bm25", "dense", "hybrid")
HAN = re.compile(r"[\u4e00-\u9fff]")
log = logging.getLogger("bench.reshaped_seeds")


def one_line(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "")


def wrapped(text: str, width: int = WRAP) -> str:
    """Lines cut every ``width`` characters; a conversion's ``[bookmark: …]`` markup is never cut
    (a text layer has none: it stands for the characters it wraps)."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if "|" in line or len(line) <= width:
            out.append(line)
            continue
        start = 0
        while start < len(line):
            end = min(start + width, len(line))
            opened = line.rfind("[", start, end)
            if opened > line.rfind("]", start, end) and (close := line.find("]", end)) != -1:
                end = close + 1
            out.append(line[start:end])
            start = end
    return "\n".join(out)


SHAPES = {"as shipped": lambda text: text, "one line": one_line, f"wrapped {WRAP}": wrapped}


def page_fragment_captures(corpus: Path) -> set[str]:
    """Files captured as a document-sharing site's page fragments ("N、" fragment markers, one a
    line): a capture shape of its own whose markers need their line breaks, so never reshaped
    (flattened or wrapped, it is an input no capture produces)."""
    from planqa.ingest import load_document
    from planqa.ingest.metadata import load_manifest

    manifest = load_manifest(corpus)
    return {name for name, meta in manifest.items()
            if load_document(corpus / name, meta).cleaning_report.get("page_fragments_joined")}


def make_corpus(source: Path, target: Path, reshape: Any, keep: set[str] = frozenset()) -> None:
    target.mkdir(parents=True)
    for path in source.iterdir():
        if path.name == "manifest.json" or path.suffix != ".txt" or path.name in keep:
            shutil.copy2(path, target / path.name)
        else:
            (target / path.name).write_text(reshape(path.read_text(encoding="utf-8")), encoding="utf-8")


def documents_of(corpus: Path) -> dict[str, Any]:
    from planqa.ingest import load_document
    from planqa.ingest.metadata import load_manifest

    manifest = load_manifest(corpus)
    return {meta.doc_id: load_document(corpus / name, meta) for name, meta in manifest.items()}


def top_outline(document: Any) -> list[str]:
    return [s.path[0] for s in document.sections if len(s.path) == 1]


def build_index(corpus: Path, index: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "planqa", "index", "--corpus", str(corpus), "--index", str(index), "-q"],
                   cwd=ROOT, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.jsonl")
    parser.add_argument("--out", type=Path, default=REPORTS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    log.setLevel(logging.INFO)

    from planqa.evaluate.answers import evaluate_answers
    from planqa.evaluate.gold import load_gold
    from planqa.evaluate.runner import run_evaluation

    env = environment()
    questions = [q for q in load_gold(args.gold) if q.corpus == "main"]
    work = Path(tempfile.mkdtemp(prefix="reshaped-seeds-"))
    shapes: dict[str, dict[str, Any]] = {}
    docs_by_shape: dict[str, dict[str, Any]] = {}
    kept_as_shipped = page_fragment_captures(args.corpus)
    for name, reshape in SHAPES.items():
        corpus = work / re.sub(r"\W+", "-", name) / "corpus"
        make_corpus(args.corpus, corpus, reshape, kept_as_shipped)
        docs_by_shape[name] = documents_of(corpus)
        log.info("%s: indexing", name)
        seconds = build_index(corpus, corpus.parent / "index")
        shapes[name] = {"corpus": corpus, "index": corpus.parent / "index", "index_seconds": round(seconds, 1)}

    # Questions whose every evidence quote is found verbatim in every shape's cleaned text.
    def found_everywhere(q: Any) -> bool:
        return all(ev.doc_id in docs and docs[ev.doc_id].text.count(ev.quote) == 1
                   for docs in docs_by_shape.values() for ev in q.evidence)

    located = [q for q in questions if q.answerable and found_everywhere(q)]
    located_gold = work / "gold-located.jsonl"
    keep = {q.id for q in located}
    located_gold.write_text("".join(line + "\n" for line in args.gold.read_text(encoding="utf-8").splitlines()
                                    if line.strip() and _id(line) in keep), encoding="utf-8")
    base_docs = docs_by_shape["as shipped"]
    results: dict[str, Any] = {}
    for name, shape in shapes.items():
        docs = docs_by_shape[name]
        outline_same = {doc_id: top_outline(doc) == top_outline(base_docs[doc_id]) for doc_id, doc in docs.items()}
        han = {doc_id: (len(HAN.findall(doc.text)), len(HAN.findall(base_docs[doc_id].text))) for doc_id, doc in docs.items()}
        log.info("%s: retrieval over %d located questions", name, len(located))
        evaluation = run_evaluation(shape["index"], located_gold, retrievers=RETRIEVERS, gold_corpus="main")
        if evaluation.gold_problems:
            raise RuntimeError(f"{name}: gold problems {evaluation.gold_problems[:3]}")
        retrieval = {r: {m: round(v, 3) for m, v in res.overall.items() if m in ("hit@1", "hit@5", "mrr@10")}
                     for r, res in evaluation.retrievers.items()}
        log.info("%s: answers over %d questions", name, len(questions))
        answers = evaluate_answers(shape["index"], questions, {d: doc.text for d, doc in docs.items()})
        old_answers = answers["by_kind"]["all/old"]  # the questions without a kind (q001-q196)
        results[name] = {
            "index_seconds": shape["index_seconds"],
            "outline_same": outline_same,
            "han_kept": {d: round(a / b, 4) for d, (a, b) in han.items()},
            "retrieval": retrieval,
            "answers_all": {k: answers[k] for k in ("questions", "answer_correct", "key_string_accuracy",
                                                     "citation_support", "abstention")},
            "answers_old": {k: old_answers[k] for k in ("questions", "answer_correct", "key_string_accuracy",
                                                         "citation_support", "abstention")},
            "key_misses_old": [m["id"] for m in answers["key_misses"] if not m["kind"]],
        }
    shutil.rmtree(work, ignore_errors=True)

    base = results["as shipped"]
    rows = []
    for name, r in results.items():
        ks, ks_all = r["answers_old"]["key_string_accuracy"], r["answers_all"]["key_string_accuracy"]
        rows.append([name, f"{sum(r['outline_same'].values())}/{len(r['outline_same'])}",
                     f"{min(r['han_kept'].values()):.4f}–{max(r['han_kept'].values()):.4f}", r["index_seconds"],
                     r["retrieval"]["hybrid"]["hit@5"], r["retrieval"]["hybrid"]["mrr@10"],
                     r["retrieval"]["bm25"]["hit@5"], r["retrieval"]["dense"]["hit@5"],
                     round(ks, 3), round(ks - base["answers_old"]["key_string_accuracy"], 3),
                     round(r["answers_old"]["answer_correct"], 3), round(ks_all, 3),
                     round(r["answers_all"]["answer_correct"], 3),
                     r["answers_all"]["abstention"]["precision"], r["answers_all"]["abstention"]["recall"],
                     r["answers_all"]["citation_support"]])
    header = ["shape", "top outline = shipped", "han kept (min–max)", "index s", "hybrid hit@5", "hybrid MRR@10",
              "bm25 hit@5", "dense hit@5", "old key-string acc", "Δ vs shipped", "old answer correct",
              "all key-string acc", "all answer correct", "abstention P", "abstention R", "citation support"]
    old_n = base["answers_old"]["questions"]
    md = [
        "# The seed plans reshaped: line breaks removed, hard-wrapped",
        "",
        f"Measured {env['date']} on {env['cpus']} CPUs, commit {env['git_commit']}. `python bench/reshaped_seeds.py`.",
        "",
        f"Each shape is a copy of corpus/ with the same manifest; every file rewritten ({', '.join(SHAPES)}),",
        "except page-fragment captures of a document-sharing site, kept as shipped (their fragment markers",
        f"are line-based, so no capture produces them flattened or wrapped): {', '.join(sorted(kept_as_shipped)) or 'none'}.",
        f"Retrieval: {len(located)} answerable main-corpus questions whose evidence quotes are found verbatim in",
        f"every shape. Answers: the {old_n} questions written before question kinds (\"old\", issue 13's key-string",
        f"bar: within 0.05 of as shipped) and all {len(questions)} main-corpus questions.",
        "",
        markdown_table(header, rows),
        "",
        "Key-string misses on the old questions: " + "; ".join(
            f"{name}: {', '.join(r['key_misses_old']) or 'none'}" for name, r in results.items()),
        "",
    ]
    data = {"environment": env, "kept_as_shipped": sorted(kept_as_shipped), "located_questions": len(located), "questions": len(questions), "shapes": results}
    json_path, md_path = write_report(args.out, REPORT_NAME, data, "\n".join(md))
    print(f"wrote {md_path} and {json_path}")


def _id(line: str) -> str:
    import json

    return json.loads(line).get("id", "")


if __name__ == "__main__":
    main()
