"""The extractive answerer: retrieve, score sentences and table rows, compose, or abstain.

``Answerer.ask(question)`` searches (hybrid, top ``k`` chunks), splits the hits into candidate
sentences and table rows (plus the indicator rows of the plans found, for figure questions),
scores them (``planqa.answer.scoring``) and answers with the best 1–3 sentences of one section,
each cited [n]; an overview question whose subject names a section gets that section's leading
sentences. Cross-plan questions (各地/哪些规划/对比/分别, or several regions or periods named)
are answered per plan: the best sentence of every plan that addresses it, grouped by region.

Abstention. A candidate is eligible when it is from the plan the question names, states the
year it names, and has the answer's form (a figure for 多少/比重/目标…, a date for 何时, a
document number for 文号). The confidence is the best eligible candidate's word match plus its
meaning match (``scoring.confidence``). Below ``abstain_typed`` (figure/date/number questions)
or ``abstain_open`` (the others) — or when the question asks about the plan of a place no
indexed plan covers ("鹤山市科技创新规划…") — the answer is "未在已收录的规划文件中找到答案"
and the closest passages are listed as 可能相关.

Calibration (``python -m planqa.answer.calibrate --index index``; eval/gold.jsonl, 196 questions
of which 20 unanswerable, five off-topic probes; index v-20261122T115630 of the five corpus
plans): abstain_typed = 0.727, abstain_open = 0.25 (midpoints of the ranges that keep
precision ≥ 0.9 at the highest recall). Measured with them on the gold set: abstention
precision 1.00 (no answerable question abstains), recall 0.85 (17/20; answered anyway: q183
量子信息, q184 光刻机, q191 高价值发明专利); key-string accuracy on factual questions 0.985
(66/67); citation support 100 % (252 sentences). Both thresholds sit in narrow gaps (typed:
unanswerable ≤ 0.70, answerable ≥ 0.75), so recalibrate after changing retrieval or scoring.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from planqa.answer.candidates import Candidate, CandidateTable
from planqa.answer.compose import ABSTAIN_TEXT, Composer, order_by_region, pick_sentences
from planqa.answer.question import QuestionInfo, analyze_question, foreign_place, known_places
from planqa.answer.scoring import (IdfTable, Scored, Weights, combine, confidence, eligible, lexical, metadata_fit,
                                   normalize, plan_fit, question_concepts, type_fit)
from planqa.answer.vectors import SentenceVectors, memoize_queries
from planqa.retrieve.query import analyze_query
from planqa.retrieve.validate import validate_query

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerSettings:
    """Knobs of the extractive answerer (defaults measured on eval/gold.jsonl)."""

    k: int = 8  # hits whose sentences are candidates
    cross_k: int = 20  # hits for a cross-plan question (grouped by plan)
    per_doc: int = 4  # at most this many hits per plan for a cross-plan question
    dense_top: int = 12  # candidates (pre-ranked without the sentence vector) scored densely; ×3 across plans
    max_sentences: int = 3
    margin: float = 0.08  # runners-up within this score of the best join the answer
    heading_match: float = 0.5  # overview questions: a heading naming this share of the question
    cross_ratio: float = 0.6  # a plan joins a cross-plan answer with this share of the best score …
    cross_confidence: float = 0.6  # … and of the best confidence
    abstain_typed: float = 0.727  # confidence needed for figure/date/document-number questions
    abstain_open: float = 0.25  # … and for the others (both calibrated, see the module docstring)
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
        self._known_places = known_places(d.region for d in self.index.documents.infos() if d.region)
        memoize_queries(searcher)  # the search and the sentence scoring share one question vector

    @classmethod
    def load(cls, index_dir: Path | str, settings: AnswerSettings | None = None) -> Answerer:
        from planqa.retrieve import Searcher

        return cls(Searcher.load(index_dir), settings)

    # ------------------------------------------------------------------ public

    def ask(self, question: str) -> dict[str, Any]:
        """Answer ``question``: {"question", "answer", "abstained", "citations", "passages", …}."""
        text = validate_query(question, "question")
        info = analyze_question(text, analyze_query(text, self.searcher.regions))
        s = self.settings
        hits, query_vector = self._search_with_vector(text, info)
        pool = [i for i in self.rank(text, info, hits, query_vector) if eligible(i.features, info)]
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
            chosen = self._section_leads(text, info, pool[0]) if pool else []
            chosen = chosen or pick_sentences(pool, s.max_sentences, s.margin)
            composer.add(chosen)
        result = self._result(text, composer.text, False, best, composer.citations,
                              self._passages(hits, chosen, "引用"))
        if groups:
            result["groups"] = groups
        return result

    def retrieve(self, question: str) -> list[Any]:
        """The hits ``ask`` answers from (grouped by plan for a cross-plan question)."""
        text = validate_query(question, "question")
        return self._search(text, analyze_question(text, analyze_query(text, self.searcher.regions)))

    def _search_with_vector(self, text: str, info: QuestionInfo) -> tuple[list[Any], np.ndarray | None]:
        """The hits and the question vector the search embedded (None for a keyword-only search)."""
        memo = memoize_queries(self.searcher)
        memo.last()  # forget any earlier question's vector
        hits = self._search(text, info)
        return hits, memo.last()

    def _search(self, text: str, info: QuestionInfo) -> list[Any]:
        s = self.settings
        if info.cross_plan:
            return self.searcher.search(text, k=s.cross_k, group_by_doc=True, per_doc=s.per_doc)
        return self.searcher.search(text, k=s.k)

    def warm(self) -> int:
        """Embed (or load from the cache) every candidate of the index; returns how many."""
        texts = [c.display() for d in self.documents for c in self.table.of_document(d)]
        self._sentence_vectors().get(texts)
        return len(texts)

    # ------------------------------------------------------------------ scoring

    def rank(self, text: str, info: QuestionInfo, hits: list[Any], query_vector: np.ndarray | None = None) -> list[Scored]:
        """Candidates of the hits, best first (dense scores for the ``dense_top`` leaders)."""
        s = self.settings
        items = self._candidates(info, hits)
        if not items:
            return []
        idf = self._idf_table()
        concepts = question_concepts(info, self.index.tokenizer.tokenize(text))
        if query_vector is None:
            query_vector = memoize_queries(self.searcher).encode_queries([text])[0]
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
        leaders = items[: s.dense_top * (3 if info.cross_plan else 1)]
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
            row = self.index.row_of(hit.chunk_id)
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

    def _section_leads(self, text: str, info: QuestionInfo, best: Scored) -> list[Scored]:
        """For an overview question (how/what, no figure): the leading sentences of the
        section whose heading names the question's subject, if the best candidate lies in one."""
        if info.typed or not info.types & {"how", "what"}:
            return []
        concepts = question_concepts(info, self.index.tokenizer.tokenize(text))
        path = best.candidate.section_path
        for depth in range(len(path), 0, -1):
            if lexical(concepts, normalize(path[depth - 1]), "", self._idf_table()) >= self.settings.heading_match:
                leads = [c for c in self.table.of_document(best.candidate.doc_id)
                         if c.section_path[:depth] == path[:depth] and c.position == 0 and c.kind == "sentence"]
                return [Scored(c, best.features, best.score) for c in leads[: self.settings.max_sentences]] \
                    if len(leads) > 1 else []
        return []

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
        """The place a question asks about when no indexed plan covers it (see ``foreign_place``)."""
        return foreign_place(text, self._known_places)

    def _passages(self, hits: list[Any], chosen: list[Scored], label: str) -> list[dict[str, Any]]:
        """The retrieved chunks the answer cites from (for a sentence from outside the hits, the
        chunk that holds it)."""
        out: list[dict[str, Any]] = []
        for item in chosen:
            c = item.candidate
            hit = next((h.to_dict() for h in hits if h.doc_id == c.doc_id and h.start <= c.start < h.end), None)
            hit = hit or self._chunk_dict(c)
            if hit is not None and not any(p["chunk_id"] == hit["chunk_id"] for p in out):
                out.append(hit | {"label": label})
        return out

    def _chunk_dict(self, c: Candidate) -> dict[str, Any] | None:
        for chunk in self.index.chunks:
            if chunk.doc_id == c.doc_id and chunk.start <= c.start < chunk.end:
                doc = self.documents[c.doc_id]
                return {"rank": 0, "score": 0.0, "doc_id": c.doc_id, "title": doc.title,
                        "section": " > ".join(chunk.section_path), "text": chunk.text, "start": chunk.start,
                        "end": chunk.end, "chunk_id": chunk.id, "region": doc.region, "period": doc.period,
                        "section_path": list(chunk.section_path)}
        return None

    def _abstain(self, text: str, hits: list[Any], best: float) -> dict[str, Any]:
        passages = [hit.to_dict() | {"label": "可能相关"} for hit in hits[: self.settings.passages]]
        return self._result(text, ABSTAIN_TEXT, True, best, [], passages)

    @staticmethod
    def _result(question: str, answer: str, abstained: bool, confidence: float,
                citations: list[dict[str, Any]], passages: list[dict[str, Any]]) -> dict[str, Any]:
        return {"question": question, "answer": answer, "abstained": abstained, "mode": "extractive",
                "confidence": round(float(confidence), 4), "citations": citations, "passages": passages}
