"""Relevance judgments by people: a durable SQLite store, TREC export and inter-rater agreement.

One row per (query, doc_id, start, end, evaluator): judging the same passage again replaces the
grade (0 = not relevant, 1 = partly relevant, 2 = relevant). Every write is its own transaction
in WAL mode with ``synchronous=FULL``: once ``record`` returns the judgment survives the process
being killed. Judged spans with a consensus grade ≥ 1 are an extra qrels source for ``eval``.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path
from typing import Any

from planqa.errors import PlanqaError
from planqa.records import content_hash

log = logging.getLogger(__name__)
DEFAULT_JUDGMENTS = Path("eval/judgments.sqlite")
GRADES = (0, 1, 2)
_COLUMNS = 'query, doc_id, start, "end", chunk_id, grade, evaluator, judged_at'
_SCHEMA = """
CREATE TABLE IF NOT EXISTS judgments (
    query TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    chunk_id TEXT NOT NULL,
    grade INTEGER NOT NULL CHECK (grade IN (0, 1, 2)),
    evaluator TEXT NOT NULL,
    judged_at TEXT NOT NULL,
    PRIMARY KEY (query, doc_id, start, "end", evaluator)
)"""


@dataclass(frozen=True)
class Judgment:
    """One evaluator's grade for one passage (a span of the cleaned text) and one query."""

    query: str
    doc_id: str
    start: int
    end: int
    chunk_id: str
    grade: int
    evaluator: str
    judged_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def query_id(query: str) -> str:
    """A stable id of a query text (whitespace at either end ignored)."""
    return "j" + content_hash(query.strip(), length=12)


def consensus_grade(grades: Sequence[int]) -> int:
    """The evaluators' mean grade rounded half up (one evaluator: their grade)."""
    return math.floor(sum(grades) / len(grades) + 0.5) if grades else 0


def cohen_kappa(pairs: Sequence[tuple[int, int]]) -> float | None:
    """Cohen's kappa of two raters' labels given as (rater A, rater B) pairs.

    kappa = (p_o - p_e) / (1 - p_e), with p_o the observed agreement and p_e the agreement
    expected from each rater's label frequencies. None when undefined (no pairs, or p_e = 1).
    """
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    labels = {label for pair in pairs for label in pair}
    expected = sum((sum(1 for a, _ in pairs if a == label) / n) * (sum(1 for _, b in pairs if b == label) / n)
                   for label in labels)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class JudgmentStore:
    """The judgments table in one SQLite file; use as a context manager or call ``close``."""

    def __init__(self, path: Path | str = DEFAULT_JUDGMENTS):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(_SCHEMA)
        except sqlite3.Error as exc:
            raise PlanqaError(f"{self.path}: cannot open the judgments store ({exc})") from exc

    def __enter__(self) -> JudgmentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def record(self, query: str, doc_id: str, start: int, end: int, chunk_id: str, grade: int,
               evaluator: str) -> Judgment:
        """Store (or replace) one grade; committed and durable when this returns."""
        query = query.strip()
        if not query:
            raise PlanqaError("cannot record a judgment for an empty query")
        if grade not in GRADES:
            raise PlanqaError(f"grade must be 0, 1 or 2, not {grade!r}")
        if not evaluator.strip():
            raise PlanqaError("the evaluator name is empty")
        judgment = Judgment(query, doc_id, int(start), int(end), chunk_id, int(grade), evaluator.strip(), _now())
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                f"INSERT INTO judgments ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                'ON CONFLICT (query, doc_id, start, "end", evaluator) DO UPDATE SET '
                "chunk_id = excluded.chunk_id, grade = excluded.grade, judged_at = excluded.judged_at",
                tuple(asdict(judgment).values()),
            )
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        log.debug("recorded %s", judgment)
        return judgment

    def _select(self, where: str = "", params: tuple[Any, ...] = ()) -> list[Judgment]:
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM judgments {where} ORDER BY query, doc_id, start, evaluator", params)
        return [Judgment(*row) for row in rows]

    def for_query(self, query: str) -> list[Judgment]:
        """Every judgment of one query text."""
        return self._select("WHERE query = ?", (query.strip(),))

    def all(self) -> list[Judgment]:
        """Every judgment, ordered by query, document and position."""
        return self._select()

    def consensus(self) -> dict[tuple[str, str, int, int], tuple[str, int]]:
        """{(query, doc_id, start, end): (chunk_id, consensus grade)} over all evaluators."""
        grades: dict[tuple[str, str, int, int], list[int]] = defaultdict(list)
        chunk: dict[tuple[str, str, int, int], str] = {}
        for j in self.all():
            key = (j.query, j.doc_id, j.start, j.end)
            grades[key].append(j.grade)
            chunk[key] = j.chunk_id
        return {key: (chunk[key], consensus_grade(values)) for key, values in grades.items()}

    def relevant_spans(self) -> dict[str, list[tuple[str, int, int]]]:
        """{query: [(doc_id, start, end), ...]} of the passages whose consensus grade is ≥ 1."""
        spans: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for (query, doc_id, start, end), (_, grade) in self.consensus().items():
            if grade >= 1:
                spans[query].append((doc_id, start, end))
        return dict(spans)

    def export_trec(self, path: Path | str) -> int:
        """Write TREC qrels lines ``qid 0 chunk_id grade`` (consensus grades); returns the line count."""
        lines = sorted(f"{query_id(query)} 0 {chunk_id} {grade}"
                       for (query, *_), (chunk_id, grade) in self.consensus().items())
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return len(lines)

    def agreement(self) -> dict[str, Any]:
        """Exact agreement and Cohen's kappa over passages judged by two or more evaluators.

        Each pair of evaluators who graded the same (query, passage) gives one rating pair,
        ordered by evaluator name; the pooled pairs give the totals, ``by_pair`` splits them.
        """
        items: dict[tuple[str, str, int, int], dict[str, int]] = defaultdict(dict)
        for j in self.all():
            items[(j.query, j.doc_id, j.start, j.end)][j.evaluator] = j.grade
        shared = {key: grades for key, grades in items.items() if len(grades) >= 2}
        pooled: list[tuple[int, int]] = []
        by_pair: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for grades in shared.values():
            for a, b in combinations(sorted(grades), 2):
                pooled.append((grades[a], grades[b]))
                by_pair[f"{a} × {b}"].append((grades[a], grades[b]))

        def summary(pairs: list[tuple[int, int]]) -> dict[str, Any]:
            exact = sum(1 for a, b in pairs if a == b) / len(pairs) if pairs else None
            return {"pairs": len(pairs), "agreement": exact, "kappa": cohen_kappa(pairs)}

        return {"items": len(shared), **summary(pooled),
                "by_pair": {name: summary(pairs) for name, pairs in sorted(by_pair.items())}}
