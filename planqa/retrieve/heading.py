"""Heading match: lift passages whose section headings contain the query's words.

Plans name their sections after what they are about ("（四）加强科技园区建设…"), and a question
("…怎样发挥科技园区的作用？") often uses those words while the passages under the heading do
not repeat them. BM25 sees the heading once among many words; the heading score looks at
the headings alone. Measured on the gold set (eval/reports/): weight 0.15–0.2 moves one
question into the top 5 and changes nothing else.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Iterable, Sequence

import numpy as np


def heading_score(query_tokens: Iterable[str], heading_tokens: set[str], idf: Callable[[str], float]) -> float:
    """Share of the query's IDF mass found in the headings, in [0, 1]."""
    tokens = set(query_tokens)
    total = sum(idf(t) for t in tokens)
    if total <= 0:
        return 0.0
    return sum(idf(t) for t in tokens if t in heading_tokens) / total


class HeadingMatcher:
    """Heading token sets and heading IDF for every chunk, computed once per distinct path."""

    def __init__(self, section_paths: Sequence[Sequence[str]], tokenize: Callable[[str], list[str]],
                 row_codes: Sequence[int] | None = None):
        """``section_paths[i]`` is row i's path; or, with ``row_codes``, the distinct paths and
        ``row_codes[row]`` the position of each row's path among them."""
        self._tokenize = tokenize
        if row_codes is None:
            codes: dict[tuple[str, ...], int] = {}
            row_codes = [codes.setdefault(tuple(path), len(codes)) for path in section_paths]
            section_paths = list(codes)
        self._heads = [frozenset(tokenize(" ".join(path))) for path in section_paths]
        self._codes = np.asarray(row_codes, dtype=np.int64)
        rows_per_path = np.bincount(self._codes, minlength=len(self._heads)) if len(self._codes) else \
            np.zeros(len(self._heads), dtype=np.int64)
        df: Counter[str] = Counter()
        for heads, rows in zip(self._heads, rows_per_path.tolist()):
            for token in heads:
                df[token] += rows
        n = max(len(self._codes), 1)
        self._idf = {t: math.log(1 + n / (1 + c)) for t, c in df.items()}
        self._unseen_idf = math.log(1 + n)

    def idf(self, token: str) -> float:
        return self._idf.get(token, self._unseen_idf)

    def scores(self, query: str, rows: Iterable[int]) -> dict[int, float]:
        """Heading score of each row for ``query``."""
        tokens = set(self._tokenize(query))
        weights = {t: self.idf(t) for t in tokens}
        by_path: dict[int, float] = {}  # rows under one heading path share the score
        out: dict[int, float] = {}
        for row in rows:
            code = int(self._codes[row])
            if code not in by_path:
                by_path[code] = heading_score(tokens, self._heads[code], weights.__getitem__)
            out[row] = by_path[code]
        return out
