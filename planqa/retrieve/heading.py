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


def heading_score(query_tokens: Iterable[str], heading_tokens: set[str], idf: Callable[[str], float]) -> float:
    """Share of the query's IDF mass found in the headings, in [0, 1]."""
    tokens = set(query_tokens)
    total = sum(idf(t) for t in tokens)
    if total <= 0:
        return 0.0
    return sum(idf(t) for t in tokens if t in heading_tokens) / total


class HeadingMatcher:
    """Heading token sets and heading IDF for every chunk, computed once per distinct path."""

    def __init__(self, section_paths: Sequence[Sequence[str]], tokenize: Callable[[str], list[str]]):
        self._tokenize = tokenize
        distinct: dict[tuple[str, ...], frozenset[str]] = {}
        self._row_heads: list[frozenset[str]] = []
        for path in section_paths:
            key = tuple(path)
            if key not in distinct:
                distinct[key] = frozenset(tokenize(" ".join(key)))
            self._row_heads.append(distinct[key])
        df = Counter(t for heads in self._row_heads for t in heads)
        n = max(len(self._row_heads), 1)
        self._idf = {t: math.log(1 + n / (1 + c)) for t, c in df.items()}
        self._unseen_idf = math.log(1 + n)

    def idf(self, token: str) -> float:
        return self._idf.get(token, self._unseen_idf)

    def scores(self, query: str, rows: Iterable[int]) -> dict[int, float]:
        """Heading score of each row for ``query``."""
        tokens = self._tokenize(query)
        return {row: heading_score(tokens, self._row_heads[row], self.idf) for row in rows}
