"""Check eval/gold.jsonl against the cleaned texts of the corpus each question is about.

    python eval/check_gold.py [--gold eval/gold.jsonl] [--main corpus] [--ext eval/corpus-ext]

A question's ``corpus`` field says where its documents are: ``main`` (the five plans in
``corpus/``; the default for questions without the field) or ``ext`` (``eval/corpus-ext/``, the
five plans plus the challenge documents). Each corpus is loaded with ``planqa.ingest.load_corpus``,
i.e. exactly as the application cleans it. Checked for every question:

- ``id`` unique, ``question`` non-empty and unique, ``type``/``kind``/``split``/``corpus`` known;
- every quote occurs exactly once (overlaps counted) in its document's cleaned text and lies
  within one line;
- every answer key occurs in one of the quotes -- except the key ``未`` of a comparison, which
  stands for "this plan does not have the indicator" (``notes`` names the plan);
- answerable questions have evidence; unanswerable ones have neither evidence nor keys;
- comparisons cite at least two documents.

Prints every problem and the counts per kind x split x corpus; exits 1 if there is a problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("factual", "paraphrase", "broad", "cross", "unanswerable")
KINDS = ("comparison", "document", "not_covered", "list", "how_why", "time_frame", "multi_part")
SPLITS = ("tune", "test")
CORPORA = ("main", "ext")
MISSING_KEY = "未"


def occurrences(text: str, quote: str) -> int:
    count, start = 0, text.find(quote)
    while start != -1:
        count += 1
        start = text.find(quote, start + 1)
    return count


def load_texts(folder: Path) -> dict[str, str]:
    sys.path.insert(0, str(ROOT))
    from planqa.ingest import load_corpus

    loaded = load_corpus(folder)
    for err in loaded.errors:
        print(f"warning: {folder}: file skipped: {err}", file=sys.stderr)
    return {doc.doc_id: doc.text for doc in loaded.documents}


def check(records: list[dict], texts: dict[str, dict[str, str]]) -> list[str]:
    problems: list[str] = []
    seen_ids: set[str] = set()
    seen_questions: dict[str, str] = {}
    for rec in records:
        qid = rec.get("id", "?")
        if qid in seen_ids:
            problems.append(f"{qid}: duplicate id")
        seen_ids.add(qid)
        question = str(rec.get("question", "")).strip()
        if not question:
            problems.append(f"{qid}: empty question")
        elif question in seen_questions:
            problems.append(f"{qid}: same question text as {seen_questions[question]}")
        else:
            seen_questions[question] = qid
        qtype, kind = rec.get("type"), rec.get("kind")
        split, corpus = rec.get("split"), rec.get("corpus", "main")
        if qtype not in TYPES:
            problems.append(f"{qid}: unknown type {qtype!r}")
        if kind is not None and kind not in KINDS:
            problems.append(f"{qid}: unknown kind {kind!r}")
        if split is not None and split not in SPLITS:
            problems.append(f"{qid}: unknown split {split!r}")
        if corpus not in CORPORA:
            problems.append(f"{qid}: unknown corpus {corpus!r}")
            continue
        documents = texts[corpus]
        evidence = rec.get("evidence", [])
        keys = rec.get("answer_keys", [])
        if qtype == "unanswerable":
            if evidence or keys:
                problems.append(f"{qid}: unanswerable question with evidence or keys")
        elif not evidence:
            problems.append(f"{qid}: {qtype} question without evidence")
        for ev in evidence:
            doc_id, quote = ev.get("doc_id"), ev.get("quote", "")
            if doc_id not in documents:
                problems.append(f"{qid}: doc_id {doc_id!r} is not in the {corpus} corpus")
                continue
            if "\n" in quote:
                problems.append(f"{qid}: quote spans a line break in {doc_id}: {quote[:30]!r}")
            found = occurrences(documents[doc_id], quote) if quote else 0
            if found != 1:
                what = "not found" if found == 0 else f"found {found} times"
                problems.append(f"{qid}: quote {what} in {doc_id}: {quote[:40]!r}")
        for key in keys:
            if kind == "comparison" and key == MISSING_KEY:
                continue
            if not key or not any(key in ev.get("quote", "") for ev in evidence):
                problems.append(f"{qid}: answer key {key!r} is in no quote")
        if kind == "comparison" and len({ev.get("doc_id") for ev in evidence}) < 2:
            problems.append(f"{qid}: comparison citing fewer than two documents")
    return problems


def count_table(records: list[dict]) -> str:
    counts = Counter((r.get("kind"), r.get("split"), r.get("corpus", "main")) for r in records if r.get("kind"))
    cols = [(s, c) for c in CORPORA for s in SPLITS]
    head = "| kind | " + " | ".join(f"{s} {c}" for s, c in cols) + " | total |"
    lines = [head, "|---" * (len(cols) + 2) + "|"]
    for kind in KINDS:
        row = [counts[(kind, s, c)] for s, c in cols]
        lines.append(f"| {kind} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    totals = [sum(counts[(k, s, c)] for k in KINDS) for s, c in cols]
    lines.append("| all | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.jsonl")
    parser.add_argument("--main", type=Path, default=ROOT / "corpus", help="folder of corpus 'main'")
    parser.add_argument("--ext", type=Path, default=ROOT / "eval" / "corpus-ext", help="folder of corpus 'ext'")
    args = parser.parse_args(argv)
    records = []
    for lineno, line in enumerate(args.gold.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                print(f"{args.gold}:{lineno}: invalid JSON ({exc.msg})")
                return 1
    needed = {r.get("corpus", "main") for r in records} & set(CORPORA)
    texts = {name: load_texts(args.main if name == "main" else args.ext) for name in needed}
    problems = check(records, texts)
    for problem in problems:
        print(problem)
    print(f"{len(records)} questions, {len(problems)} problem(s)")
    print(count_table(records))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
