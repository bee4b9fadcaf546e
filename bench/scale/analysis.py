"""Query analysis at scale: what ``analyze_query`` costs with tens of thousands of documents, and
the same analysis with its per-index work done once (a proposed change, simulated here).

``planqa.retrieve.query.analyze_query(query, documents)`` rebuilds the region alias table from
every document on every query, and ``names_plan_period`` compiles one regular expression per
alias and period (Python's regex cache holds 512, so at a few hundred regions every query
recompiles thousands). ``cached_analysis`` patches both without changing any result:

* ``analyze_query`` receives one document per distinct region, in first-seen order, which
  yields exactly the same alias table (it only reads ``document.region``);
* ``names_plan_period`` tests all aliases with one compiled alternation per alias set and
  period, which matches exactly when one of the per-alias patterns matches.

``same_results`` checks the patched analysis against the original, question by question.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Iterable, Iterator


class _ByRegion:
    """Caches, per document collection, one representative document per region."""

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self._docs: list[Any] = []

    def __call__(self, documents: Iterable[Any]) -> list[Any]:
        documents = documents if isinstance(documents, (list, tuple)) else list(documents)
        key = (id(documents[0]) if documents else 0, len(documents))
        if key != self._key:
            seen: dict[str, Any] = {}
            for document in documents:
                if document.region and document.region not in seen:
                    seen[document.region] = document
            self._key, self._docs = key, list(seen.values())
        return self._docs


@lru_cache(maxsize=64)
def _alias_pattern(aliases: frozenset[str], period: str) -> re.Pattern[str]:
    # longest first is not needed for a yes/no search, but keeps the pattern deterministic
    alternation = "|".join(re.escape(a) for a in sorted(aliases, key=lambda a: (-len(a), a)))
    return re.compile(f"(?:{alternation})" + r"(市|区|县)?" + rf"[“\"]?{period}[”\"]?")


def fast_names_plan_period(text: str, period: str, aliases: Iterable[str]) -> bool:
    """``names_plan_period`` with one compiled pattern for all aliases."""
    quoted = rf"[“\"]?{period}[”\"]?"
    if re.search(quoted + r"(科技创新|科技)?(规划|方案)", text):
        return True
    names = frozenset(aliases)
    return bool(names) and _alias_pattern(names, period).search(text) is not None


@contextmanager
def cached_analysis(documents_source: Any) -> Iterator[None]:
    """Within the block, the searcher's query analysis does its per-index work once.

    ``documents_source`` is the index whose ``documents`` the searcher passes.
    """
    import planqa.retrieve.query as query_module
    import planqa.retrieve.searcher as searcher_module

    original_analyze = searcher_module.analyze_query
    original_period = query_module.names_plan_period
    representatives = _ByRegion()
    documents = list(documents_source.documents.values())

    def analyze(query: str, _documents: Iterable[Any]) -> Any:
        return original_analyze(query, representatives(documents))

    searcher_module.analyze_query = analyze
    query_module.names_plan_period = fast_names_plan_period
    try:
        yield
    finally:
        searcher_module.analyze_query = original_analyze
        query_module.names_plan_period = original_period


def same_results(questions: list[str], documents: list[Any]) -> tuple[int, int]:
    """(questions whose patched analysis equals the original's, questions compared)."""
    import planqa.retrieve.query as query_module

    original = [query_module.analyze_query(q, documents) for q in questions]
    saved = query_module.names_plan_period
    query_module.names_plan_period = fast_names_plan_period
    try:
        representatives = _ByRegion()(documents)
        patched = [query_module.analyze_query(q, representatives) for q in questions]
    finally:
        query_module.names_plan_period = saved
    return sum(a == b for a, b in zip(original, patched)), len(questions)
