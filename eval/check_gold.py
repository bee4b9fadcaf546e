"""Check eval/gold.jsonl against the cleaned texts of the corpus each question is about.

    python eval/check_gold.py [--gold eval/gold.jsonl] [--main corpus] [--ext eval/corpus-ext]

A question's ``corpus`` field says where its documents are: ``main`` (the five plans in
``corpus/``; the default) or ``ext`` (``eval/corpus-ext/``, the five plans plus the challenge
documents). Each corpus is loaded with ``planqa.ingest.load_corpus``, exactly as the application
cleans it, and its questions are checked by ``planqa.evaluate.gold.validate_gold`` (quotes verbatim,
once, within a line; keys in quotes except a comparison's ``未``; evidence rules by type), plus:
comparisons cite at least two documents. Prints every problem and the counts per kind × split ×
corpus; exits 1 if there is a problem.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planqa.evaluate.gold import CORPORA, QUESTION_KINDS, SPLITS, load_gold, validate_gold  # noqa: E402
from planqa.ingest import load_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.jsonl")
    parser.add_argument("--main", type=Path, default=ROOT / "corpus")
    parser.add_argument("--ext", type=Path, default=ROOT / "eval" / "corpus-ext")
    args = parser.parse_args(argv)
    questions = load_gold(args.gold)
    problems: list[str] = []
    for corpus, folder in zip(CORPORA, (args.main, args.ext)):
        loaded = load_corpus(folder)
        problems += [f"{folder}: {error}" for error in loaded.errors]
        asked = [q for q in questions if q.corpus == corpus]
        problems += validate_gold(asked, {d.doc_id: d.text for d in loaded.documents})
        problems += [f"{q.id}: a comparison cites fewer than two documents" for q in asked
                     if q.kind == "comparison" and q.answerable and len({e.doc_id for e in q.evidence}) < 2]
    for problem in problems:
        print(problem)
    counts = Counter((q.kind, q.split, q.corpus) for q in questions if q.kind)
    print(f"{len(questions)} questions, {len(problems)} problem(s)")
    print("| kind | " + " | ".join(f"{s} {c}" for c in CORPORA for s in SPLITS) + " | total |")
    for kind in QUESTION_KINDS:
        cells = [counts[(kind, s, c)] for c in CORPORA for s in SPLITS]
        print(f"| {kind} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
