"""The extractive answerer: retrieve, score sentences and table rows, compose, or abstain.

``Answerer.ask(question)`` searches (hybrid, top ``k`` chunks), splits the hits into candidate
sentences and table rows (plus the indicator rows of the plans found, for figure questions),
scores them (``planqa.answer.scoring``) and answers with the best 1–3 sentences, each cited.
Cross-plan questions (各地/哪些规划/对比/分别, or several regions or periods named) are answered
per plan: the best sentence of every plan that addresses the question, grouped by region.

Abstention: when the best candidate scores below ``AnswerSettings.abstain_below`` — or the
question asks about the plan of a place that no indexed plan covers ("鹤山市科技创新规划…") —
the answer is "未在已收录的规划文件中找到答案" and the closest passages are listed as 可能相关.
Calibrated by ``python -m planqa.answer.calibrate`` on eval/gold.jsonl (196 questions, 20
unanswerable) with the index of the five corpus plans: see ``calibrate.py`` for the figures.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from planqa.answer.candidates import Candidate, CandidateTable
from planqa.answer.compose import ABSTAIN_TEXT, Composer, order_by_region, pick_sentences
from planqa.answer.question import QuestionInfo, analyze_question
from planqa.answer.scoring import (IdfTable, Scored, Weights, combine, confidence, eligible, lexical, metadata_fit,
                                   normalize, plan_fit, question_concepts, type_fit)
from planqa.answer.vectors import SentenceVectors, memoize_queries
from planqa.errors import PlanqaError
from planqa.retrieve.query import analyze_query, region_aliases
from planqa.retrieve.searcher import MAX_QUERY_CHARS

log = logging.getLogger(__name__)
_PLACE_AT_START = re.compile(r"^(?:请问)?([\u4e00-\u9fff]{2,4}?(?:省|市|区|县))")


@dataclass(frozen=True)
class AnswerSettings:
    """Knobs of the extractive answerer (defaults measured on eval/gold.jsonl)."""

    k: int = 8  # hits whose sentences are candidates
    cross_k: int = 20  # hits for a cross-plan question (grouped by plan)
    per_doc: int = 4  # at most this many hits per plan for a cross-plan question
    dense_top: int = 24  # candidates (pre-ranked without the sentence vector) scored densely
    max_sentences: int = 3
    margin: float = 0.08  # runners-up within this score of the best join the answer
    cross_ratio: float = 0.6  # a plan joins a cross-plan answer with this share of the best score …
    cross_confidence: float = 0.6  # … and of the best confidence
    abstain_typed: float = 0.7  # confidence needed for figure/date questions
    abstain_open: float = 0.2  # … and for the others
    passages: int = 3  # closest passages listed when abstaining
    weights: Weights = field(default_factory=Weights)


class Answerer:
    """Answers questions from a loaded ``Searcher``; safe to share between threads."""

    def __init__(self, searcher: Any, settings: AnswerSettings | None = None):
        self.searcher = searcher
        self.settings = settings or AnswerSettings()
        self.index = searcher.index
        self.documents = self.index.documents
        self.table = CandidateTable(self.documents)
        self._lock = threading.Lock()
        self._match_texts: dict[tuple[str, int], tuple[str, str]] = {}
        self._idf: IdfTable | None = None
        self._vectors: SentenceVectors | None = None
        self._chunk_vectors: np.ndarray | None = None
        self._known_places = {a for d in self.documents.values() if d.region for a in _aliases(d.region)}
        memoize_queries(searcher)  # the search and the sentence scoring share one question vector

    @classmethod
    def load(cls, index_dir: Path | str, settings: AnswerSettings | None = None) -> Answerer:
        from planqa.retrieve import Searcher

        return cls(Searcher.load(index_dir), settings)

    # ------------------------------------------------------------------ public

    def ask(self, question: str) -> dict[str, Any]:
        """Answer ``question``: {"question", "answer", "abstained", "citations", "passages", …}."""
        text = (question or "").strip()[:MAX_QUERY_CHARS]
        if not text:
            raise PlanqaError("the question is empty")
        info = analyze_question(text, analyze_query(text, self.documents.values()))
        s = self.settings
        if info.cross_plan:
            hits = self.searcher.search(text, k=s.cross_k, group_by_doc=True, per_doc=s.per_doc)
        else:
            hits = self.searcher.search(text, k=s.k)
        pool = [i for i in self.rank(text, info, hits) if eligible(i.features, info)]
        best = max((confidence(i.features, s.weights) for i in pool), default=0.0)
        foreign = self.foreign_place(text)
        log.info("question %r: types %s, confidence %.3f%s", text, sorted(info.types), best,
                 f", about {foreign} (not indexed)" if foreign else "")
        if foreign or best < (s.abstain_typed if info.typed else s.abstain_open):
            return self._abstain(text, hits, best)
        composer = Composer(self.documents, info.years)
        groups: list[dict[str, Any]] = []
        chosen = self._per_plan(pool, info) if info.cross_plan else []
        if len(chosen) > 1:
            for item in chosen:
                composer.add([item], new_line=True)
                doc = self.documents[item.candidate.doc_id]
                groups.append({"region": doc.region, "doc_id": doc.doc_id, "title": doc.title,
                               "citations": [composer.citations[-1]["n"]]})
        else:
            chosen = pick_sentences(pool, s.max_sentences, s.margin)
            composer.add(chosen)
        result = self._result(text, composer.text, False, best, composer.citations,
                              self._passages(hits, chosen, "引用"))
        if groups:
            result["groups"] = groups
        return result

    def warm(self) -> int:
        """Embed (or load from the cache) every candidate of the index; returns how many."""
        texts = [c.display() for d in self.documents for c in self.table.of_document(d)]
        self._sentence_vectors().get(texts)
        return len(texts)

    # ------------------------------------------------------------------ scoring

    def rank(self, text: str, info: QuestionInfo, hits: list[Any]) -> list[Scored]:
        """Candidates of the hits, best first (dense scores for the ``dense_top`` leaders)."""
        s = self.settings
        items = self._candidates(info, hits)
        if not items:
            return []
        idf = self._idf_table()
        concepts = question_concepts(info, self.index.tokenizer.tokenize(text))
        query_vector = self.searcher.embedder.encode_queries([text])[0]
        chunk_vectors = self._chunk_matrix()
        top = hits[0].score if hits and hits[0].score > 0 else 1.0
        for item in items:
            c = item.candidate
            own, context = self._texts(c)
            item.features = {
                "lex": lexical(concepts, own, context, idf),
                **type_fit(c, info, self.documents[c.doc_id]),
                "meta": metadata_fit(c, self.documents[c.doc_id], info),
                "plan": plan_fit(c, self.documents[c.doc_id], info),
                "retrieval": item.features.get("retrieval", 0.0) / top,
                "chunk": float(chunk_vectors[int(item.features["row"])] @ query_vector) if "row" in item.features else 0.0,
            }
            item.score = combine(item.features, s.weights)
        items.sort(key=lambda i: -i.score)
        leaders = items[: s.dense_top]
        vectors = self._sentence_vectors().get([i.candidate.display() for i in leaders])
        for item, similarity in zip(leaders, vectors @ query_vector):
            item.features["dense"] = float(similarity)
            item.score = combine(item.features, s.weights)
        leaders.sort(key=lambda i: (-i.score, i.candidate.doc_id, i.candidate.start))
        return leaders

    def _candidates(self, info: QuestionInfo, hits: list[Any]) -> list[Scored]:
        """Candidates of every hit (best hit first); figure questions add the plans' indicator rows."""
        seen: dict[tuple[str, int], Scored] = {}
        for hit in hits:
            row = self.index.chunk_row.get(hit.chunk_id)
            for c in self.table.within(hit.doc_id, hit.start, hit.end):
                if c.key not in seen:
                    features = {"retrieval": hit.score} | ({"row": float(row)} if row is not None else {})
                    seen[c.key] = Scored(c, features, hit_rank=hit.rank)
        if info.quantity or info.years:
            for doc_id in dict.fromkeys(h.doc_id for h in hits):
                for c in self.table.of_document(doc_id):
                    if c.kind == "row" and c.key not in seen:
                        seen[c.key] = Scored(c, {})
        return list(seen.values())

    def _per_plan(self, ranked: list[Scored], info: QuestionInfo) -> list[Scored]:
        """The best candidate of each plan that comes close enough to the overall best."""
        s = self.settings
        best_of: dict[str, Scored] = {}
        for item in ranked:
            best_of.setdefault(item.candidate.doc_id, item)
        if not best_of:
            return []
        top = ranked[0].score
        top_confidence = max(confidence(i.features, s.weights) for i in ranked)
        needed = max(s.abstain_typed if info.typed else s.abstain_open, top_confidence * s.cross_confidence)
        kept = [item for item in best_of.values()
                if item.score >= top * s.cross_ratio and confidence(item.features, s.weights) >= needed]
        return order_by_region(kept, self.documents)

    # ------------------------------------------------------------------ helpers

    def _texts(self, c: Candidate) -> tuple[str, str]:
        """A candidate's own text and its context (headings, table caption), as words are matched."""
        key = c.key
        if key not in self._match_texts:
            own = normalize(c.quote if c.indicator is None else c.quote + " " + c.display())
            context = normalize(" ".join((*c.section_path[-2:], c.context)))
            with self._lock:
                self._match_texts[key] = (own, context)
        return self._match_texts[key]

    def _idf_table(self) -> IdfTable:
        if self._idf is None:
            self._idf = IdfTable([self._texts(c)[0] for d in self.documents for c in self.table.of_document(d)])
        return self._idf

    def _chunk_matrix(self) -> np.ndarray:
        if self._chunk_vectors is None:
            self._chunk_vectors = self.index.vectors.vectors()
        return self._chunk_vectors

    def _sentence_vectors(self) -> SentenceVectors:
        with self._lock:
            if self._vectors is None:
                self._vectors = SentenceVectors(memoize_queries(self.searcher).inner, Path(self.index.index_dir) / "cache")
            return self._vectors

    def foreign_place(self, text: str) -> str | None:
        """A place at the start of a question about a plan (规划/方案) that no indexed plan covers."""
        match = _PLACE_AT_START.match(text)
        if not match or not re.search(r"(规划|方案)", text):
            return None
        place = match.group(1)
        stem = re.sub(r"(省|市|区|县)$", "", place)
        return None if place in self._known_places or stem in self._known_places else place

    def _passages(self, hits: list[Any], chosen: list[Scored], label: str) -> list[dict[str, Any]]:
        used = {(i.candidate.doc_id, i.candidate.start) for i in chosen}
        out = []
        for hit in hits:
            if any(d == hit.doc_id and hit.start <= start < hit.end for d, start in used):
                out.append(hit.to_dict() | {"label": label})
        return out

    def _abstain(self, text: str, hits: list[Any], best: float) -> dict[str, Any]:
        passages = [hit.to_dict() | {"label": "可能相关"} for hit in hits[: self.settings.passages]]
        return self._result(text, ABSTAIN_TEXT, True, best, [], passages)

    @staticmethod
    def _result(question: str, answer: str, abstained: bool, confidence: float,
                citations: list[dict[str, Any]], passages: list[dict[str, Any]]) -> dict[str, Any]:
        return {"question": question, "answer": answer, "abstained": abstained, "mode": "extractive",
                "confidence": round(float(confidence), 4), "citations": citations, "passages": passages}


def _aliases(region: str) -> set[str]:
    """Every name of a region and of the places it lies in (茂名市茂南区 → 茂名市, 茂名, 茂南区, 茂南 …)."""
    names = set(region_aliases(region))
    for part in re.findall(r"[\u4e00-\u9fff]+?(?:省|市|区|县)", region):
        names |= region_aliases(part)
    return names
