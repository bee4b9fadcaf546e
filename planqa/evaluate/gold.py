"""The gold question set: load it, check it against the cleaned corpus, locate its evidence.

Each line of ``eval/gold.jsonl`` is one question. Relevance is recorded as verbatim quotes of
the cleaned text (``Document.text``), so it does not depend on any chunker: ``locate`` turns the
quotes into character spans from which chunk-level relevance can be derived later.
Run ``python -m planqa.evaluate.gold`` to validate the set against the corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from planqa.errors import PlanqaError

QUESTION_TYPES = ("factual", "paraphrase", "broad", "cross", "unanswerable")
TARGET_SHARES = {"factual": 0.35, "paraphrase": 0.30, "broad": 0.15, "cross": 0.10, "unanswerable": 0.10}
# Kinds of the questions people ask (issue 14); questions written before them have none.
QUESTION_KINDS = ("comparison", "document", "not_covered", "list", "how_why", "time_frame", "multi_part")
SPLITS = ("tune", "test")
NOT_FOUND_KEY = "未"  # answer key of a comparison whose named plan lacks the figure
CORPORA = ("main", "ext")  # corpus/ alone, or eval/corpus-ext (the five plans and the challenge files)
DEFAULT_GOLD = Path("eval/gold.jsonl")
DEFAULT_CORPUS = Path("corpus")


class GoldFormatError(PlanqaError):
    """A line of the gold file is malformed; the message names the file and line number."""


@dataclass(frozen=True)
class Evidence:
    """A verbatim quote of one document's cleaned text that answers (part of) a question."""

    doc_id: str
    quote: str


@dataclass
class GoldQuestion:
    """One gold question with its evidence quotes and the key strings a correct answer contains."""

    id: str
    question: str
    type: str
    evidence: list[Evidence] = field(default_factory=list)
    answer_keys: list[str] = field(default_factory=list)
    notes: str = ""
    kind: str | None = None  # one of QUESTION_KINDS, or None for the questions written before them
    split: str | None = None  # "tune" or "test": only "tune" questions may be used to tune anything
    corpus: str = "main"  # which corpus the question is asked over (CORPORA)

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def _parse(record: object, where: str) -> GoldQuestion:
    """Build a ``GoldQuestion`` from one decoded JSON line; raises ``GoldFormatError``."""
    if not isinstance(record, dict):
        raise GoldFormatError(f"{where}: expected a JSON object, got {type(record).__name__}")
    missing = [k for k in ("id", "question", "type", "evidence") if k not in record]
    if missing:
        raise GoldFormatError(f"{where}: missing field(s) {', '.join(missing)}")
    for key in ("id", "question", "type"):
        if not isinstance(record[key], str):
            raise GoldFormatError(f"{where}: '{key}' must be a string")
    if record["type"] not in QUESTION_TYPES:
        raise GoldFormatError(f"{where}: unknown type {record['type']!r} (expected one of {', '.join(QUESTION_TYPES)})")
    if not isinstance(record["evidence"], list):
        raise GoldFormatError(f"{where}: 'evidence' must be a list")
    evidence = []
    for item in record["evidence"]:
        if not isinstance(item, dict) or not isinstance(item.get("doc_id"), str) or not isinstance(item.get("quote"), str):
            raise GoldFormatError(f"{where}: each evidence item needs string fields 'doc_id' and 'quote'")
        evidence.append(Evidence(item["doc_id"], item["quote"]))
    notes, keys = record.get("notes", ""), record.get("answer_keys", [])
    if not isinstance(notes, str):
        raise GoldFormatError(f"{where}: 'notes' must be a string")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise GoldFormatError(f"{where}: 'answer_keys' must be a list of strings")
    kind, split, corpus = record.get("kind"), record.get("split"), record.get("corpus", "main")
    if kind is not None and kind not in QUESTION_KINDS:
        raise GoldFormatError(f"{where}: unknown kind {kind!r} (expected one of {', '.join(QUESTION_KINDS)})")
    if split is not None and split not in SPLITS:
        raise GoldFormatError(f"{where}: unknown split {split!r} (expected tune or test)")
    if corpus not in CORPORA:
        raise GoldFormatError(f"{where}: unknown corpus {corpus!r} (expected one of {', '.join(CORPORA)})")
    return GoldQuestion(record["id"], record["question"], record["type"], evidence, keys, notes, kind, split, corpus)


def load_gold(path: Path | str) -> list[GoldQuestion]:
    """Read a gold JSONL file (blank lines skipped); raises ``GoldFormatError`` naming file and line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFormatError(f"{path}: cannot read the gold file ({exc})") from exc
    questions: list[GoldQuestion] = []
    first_line: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFormatError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from exc
        question = _parse(record, where)
        if question.id in first_line:
            raise GoldFormatError(f"{where}: duplicate id {question.id!r} (first used on line {first_line[question.id]})")
        first_line[question.id] = lineno
        questions.append(question)
    return questions


def _occurrences(text: str, quote: str) -> int:
    """How often ``quote`` occurs in ``text``, overlapping occurrences included."""
    count, start = 0, text.find(quote)
    while start != -1:
        count += 1
        start = text.find(quote, start + 1)
    return count


def validate_gold(questions: list[GoldQuestion], documents: dict[str, str]) -> list[str]:
    """Human-readable problems of a gold set checked against the cleaned texts (doc_id -> text)."""
    problems: list[str] = []
    seen_ids: set[str] = set()
    seen_text: dict[str, str] = {}
    for q in questions:
        if q.id in seen_ids:
            problems.append(f"{q.id}: duplicate id")
        seen_ids.add(q.id)
        text = q.question.strip()
        if not text:
            problems.append(f"{q.id}: empty question text")
        elif text in seen_text:
            problems.append(f"{q.id}: same question text as {seen_text[text]}")
        else:
            seen_text[text] = q.id
        if q.answerable and not q.evidence:
            problems.append(f"{q.id}: {q.type} question without evidence")
        if not q.answerable and q.evidence:
            problems.append(f"{q.id}: unanswerable question with evidence")
        if not q.answerable and q.answer_keys:
            problems.append(f"{q.id}: unanswerable question with answer keys")
        for ev in q.evidence:
            if ev.doc_id not in documents:
                problems.append(f"{q.id}: unknown doc_id {ev.doc_id!r}")
                continue
            if not ev.quote.strip():
                problems.append(f"{q.id}: empty quote for {ev.doc_id}")
                continue
            if "\n" in ev.quote:
                problems.append(f"{q.id}: quote spans a line break in {ev.doc_id}: {ev.quote[:30]!r}")
            found = _occurrences(documents[ev.doc_id], ev.quote)
            if found == 0:
                problems.append(f"{q.id}: quote not found verbatim in {ev.doc_id}: {ev.quote[:40]!r}")
            elif found > 1:
                problems.append(f"{q.id}: quote occurs {found} times in {ev.doc_id} (make it longer): {ev.quote[:40]!r}")
        for key in q.answer_keys:
            if q.kind == "comparison" and key == NOT_FOUND_KEY:
                continue  # a plan that lacks the figure: the answer must say so (未找到/未提及)
            if not key or not any(key in ev.quote for ev in q.evidence):
                problems.append(f"{q.id}: answer key {key!r} is in no evidence quote")
    return problems


def locate(question: GoldQuestion, documents: dict[str, str]) -> list[tuple[str, int, int]]:
    """(doc_id, start, end) of each evidence quote's first occurrence in the cleaned text."""
    spans = []
    for ev in question.evidence:
        start = documents[ev.doc_id].find(ev.quote) if ev.doc_id in documents else -1
        if start == -1:
            raise ValueError(f"{question.id}: quote not found in {ev.doc_id}: {ev.quote[:40]!r}")
        spans.append((ev.doc_id, start, start + len(ev.quote)))
    return spans


def type_counts(questions: list[GoldQuestion]) -> dict[str, int]:
    """Number of questions per type, in the order of ``QUESTION_TYPES``."""
    counts = Counter(q.type for q in questions)
    return {t: counts.get(t, 0) for t in QUESTION_TYPES}


def doc_counts(questions: list[GoldQuestion]) -> dict[str, int]:
    """Number of questions citing each document (a cross-plan question counts for each)."""
    return dict(Counter(d for q in questions for d in sorted({ev.doc_id for ev in q.evidence})).most_common())


def main(argv: list[str] | None = None) -> int:
    """Validate the gold set against the cleaned corpus; print problems and counts."""
    parser = argparse.ArgumentParser(prog="python -m planqa.evaluate.gold", description=main.__doc__)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold JSONL file (default: %(default)s)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: %(default)s)")
    parser.add_argument("--gold-corpus", choices=CORPORA, default="main",
                        help="check the questions asked over this corpus (ext: give --corpus eval/corpus-ext)")
    args = parser.parse_args(argv)
    from planqa.ingest import load_corpus

    try:
        questions = [q for q in load_gold(args.gold) if q.corpus == args.gold_corpus]
        loaded = load_corpus(args.corpus)
    except PlanqaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for err in loaded.errors:
        print(f"warning: corpus file skipped: {err}", file=sys.stderr)
    problems = validate_gold(questions, {d.doc_id: d.text for d in loaded.documents})
    for problem in problems:
        print(problem)
    total = len(questions) or 1
    print(f"{len(questions)} questions, {len(problems)} problem(s)")
    for name, n in type_counts(questions).items():
        print(f"  {name:<13}{n:>4}  {n / total:6.1%}  (target {TARGET_SHARES[name]:.0%})")
    for doc_id, n in doc_counts(questions).items():
        print(f"  {doc_id:<20}{n:>4}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
