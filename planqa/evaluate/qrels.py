"""Chunk-level relevance derived from gold evidence spans, and ranx Qrels/Run built from it.

Gold relevance is a set of verbatim quotes, i.e. character spans ``(doc_id, start, end)`` of the
cleaned text (see ``gold.locate``). Whatever chunking a retriever uses, a passage is relevant to a
question when it contains at least half of one evidence span (a passage holding the whole quote
trivially does). Relevance is binary (grade 1). Everything here is pure: no index, no model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from planqa.evaluate.gold import GoldQuestion, locate

Span = tuple[str, int, int]  # (doc_id, start, end) in Document.text
UNREACHABLE = "__no_relevant_passage__"  # qrels id used when no passage of a corpus is relevant
NOTHING_RETRIEVED = "__nothing_retrieved__"  # run id standing in for an empty result list


class Passage(NamedTuple):
    """A retrievable unit of some chunking: its id and its span of the cleaned text."""

    id: str
    doc_id: str
    start: int
    end: int


def evidence_spans(question: GoldQuestion, documents: Mapping[str, str]) -> list[Span]:
    """The question's evidence quotes as spans of the cleaned texts (doc_id -> text)."""
    return locate(question, dict(documents))


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Number of characters two half-open ranges share."""
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def covers(passage: Span, span: Span) -> bool:
    """True when the passage holds at least half of ``span`` (the whole span included)."""
    if passage[0] != span[0]:
        return False
    length = span[2] - span[1]
    if length <= 0:
        return False
    return 2 * overlap(passage[1], passage[2], span[1], span[2]) >= length


def relevant(passage_span: Span, evidence: Iterable[Span]) -> bool:
    """A passage is relevant when it holds at least half of any one evidence span."""
    return any(covers(passage_span, span) for span in evidence)


def passage_span(item: Any) -> Span:
    """(doc_id, start, end) of a Passage, Chunk or Hit-like object."""
    return (item.doc_id, int(item.start), int(item.end))


def relevant_ids(passages: Iterable[Passage], evidence: Sequence[Span]) -> list[str]:
    """Ids of the passages of a corpus that are relevant to the evidence (corpus order, no repeats)."""
    seen: dict[str, None] = {}
    for passage in passages:
        if passage.id not in seen and relevant(passage_span(passage), evidence):
            seen[passage.id] = None
    return list(seen)


def build_qrels(evidence: Mapping[str, Sequence[Span]], passages: Sequence[Passage] | None,
                retrieved: Mapping[str, Sequence[Any]] | None = None) -> dict[str, dict[str, int]]:
    """Qrels {question id: {passage id: 1}} for one retriever's chunking.

    With ``passages`` (the retriever's whole corpus) a question's qrels are its relevant passages.
    Without it only what was retrieved is known: the relevant retrieved passages, plus one
    placeholder per evidence span none of them covers, so recall still counts the span as missed.
    A question with no relevant passage at all gets the placeholder ``UNREACHABLE`` (scores 0).
    """
    qrels: dict[str, dict[str, int]] = {}
    for qid, spans in evidence.items():
        if passages is not None:
            ids = relevant_ids(passages, spans)
        else:
            hits = [Passage(h.chunk_id, *passage_span(h)) for h in (retrieved or {}).get(qid, [])]
            ids = relevant_ids(hits, spans)
            ids += [f"__missed__:{d}:{s}:{e}" for d, s, e in spans
                    if not any(covers(passage_span(h), (d, s, e)) for h in hits)]
        qrels[qid] = {pid: 1 for pid in ids} or {UNREACHABLE: 1}
    return qrels


def build_run(retrieved: Mapping[str, Sequence[Any]]) -> dict[str, dict[str, float]]:
    """Run {question id: {passage id: score}}; scores follow the retrieved order, not raw scores.

    Scores are ``n - position`` so ranx ranks exactly as the retriever did (raw scores may tie);
    a passage id retrieved twice keeps its first position.
    """
    run: dict[str, dict[str, float]] = {}
    for qid, hits in retrieved.items():
        ranked: dict[str, float] = {}
        for position, hit in enumerate(hits):
            ranked.setdefault(hit.chunk_id, float(len(hits) - position))
        run[qid] = ranked
    return run


def first_relevant_rank(hits: Sequence[Any], evidence: Sequence[Span]) -> int | None:
    """1-based rank of the first retrieved passage relevant to the evidence, or None."""
    for rank, hit in enumerate(hits, start=1):
        if relevant(passage_span(hit), evidence):
            return rank
    return None


def to_ranx(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]) -> tuple[Any, Any]:
    """ranx ``Qrels`` and ``Run`` objects (ranx imported here: it compiles with numba)."""
    from ranx import Qrels, Run

    # ranx cannot build a Run whose lists are all empty: an empty list gets one irrelevant
    # placeholder, which changes none of the metrics used here (hit rate, recall, MRR, nDCG).
    return Qrels(qrels), Run({qid: dict(run.get(qid) or {NOTHING_RETRIEVED: 0.0}) for qid in qrels})
