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
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from planqa.answer.candidates import Candidate, CandidateTable
from planqa.answer.compose import ABSTAIN_TEXT, Composer, order_by_region, pick_sentences
from planqa.answer.kinds import (CHOICE_WINDOW, COMPARE, COUNTED_ITEMS, choice_alternatives, LIST, LOCATION, OVERVIEW_SUBJECT, STATING_PATTERNS, DocumentField, subject_forms,
                                 asked_topic, document_field, frame_fit, question_frame, split_parts, value_forms,
                                 DRAFT_MARK)
from planqa.answer.question import QuestionInfo, analyze_question, foreign_place, known_places
from planqa.answer.scoring import (IdfTable, Scored, Weights, combine, confidence, eligible, lexical, metadata_fit,
                                   normalize, plan_fit, question_concepts, type_fit)
from planqa.answer.vectors import SentenceVectors, memoize_queries
from planqa.ingest.outline import cn_to_int, parse_marker
from planqa.retrieve.naming import PlanNames
from planqa.retrieve.query import analyze_query, expand_abbreviations, region_aliases
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
    list_items: int = 15  # child headings listed for a list/overview question
    list_heading_match: float = 0.7  # a heading naming this share of a list question's words lists its parts
    presence_confidence: float = 0.7  # "有没有提到X": below this confidence, X missing from the plan abstains
    frame: float = 0.3  # weight of the time-frame fit (past period vs plan period)
    review_k: int = 4  # hits from the plans whose review reports the past year asked about
    caption: float = 0.3  # a bare title line (an attachment's name) counts this much less
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
        self._normalized: dict[str, str] = {}  # document texts as words are matched, normalised on first use
        self._known_places = known_places(d.region for d in self.index.documents.infos() if d.region)
        self.plan_names = PlanNames.build(self.index.documents.infos(), self.index.tokenizer.tokenize,
                                          getattr(self.index.tokenizer, "words", None))
        memoize_queries(searcher)  # the search and the sentence scoring share one question vector

    @classmethod
    def load(cls, index_dir: Path | str, settings: AnswerSettings | None = None) -> Answerer:
        from planqa.retrieve import Searcher

        return cls(Searcher.load(index_dir), settings)

    # ------------------------------------------------------------------ public

    def ask(self, question: str) -> dict[str, Any]:
        """Answer ``question``: {"question", "answer", "abstained", "citations", "passages", …}.

        A question of several parts is answered part by part (``kinds.split_parts``)."""
        text = validate_query(question, "question")
        parts = split_parts(text)
        if len(parts) == 1:
            return self._ask_one(text)
        return self._ask_parts(text, parts)

    def _ask_parts(self, text: str, parts: list[str]) -> dict[str, Any]:
        """Each part answered on its own; a part that names no plan asks the plan of the first."""
        results: list[dict[str, Any]] = []
        docs: list[str] | None = None
        preface = _topic_preface(parts[0])
        for i, part in enumerate(parts):
            asked = part if not (i and preface) else f"{preface}，{part}"  # "围绕RCEP办会这件事，…？…？"
            bare = re.sub(r"[？?！!。；;，,\s]", "", part)
            where = bool(LOCATION.search(part)) \
                and len(_ASKING_WORDS.sub("", LOCATION.sub("", bare))) <= LEANING_PART_CHARS  # "放在哪一部分？"
            if i and document_field(part) is None \
                    and (len(_ASKING_WORDS.sub("", bare)) <= LEANING_PART_CHARS or REFERS_BACK.match(part) or where):
                asked = parts[i - 1].rstrip("？?；;") + "，" + part  # "最多能提高多少？" leans on the part before
            result = self._ask_one(asked, default_docs=docs)
            if asked != part and not where and _answered_before(result, results):
                result = self._ask_one(part, default_docs=docs)  # the part before answered it: ask it alone
            if docs and not result["abstained"] and not {c["doc_id"] for c in result["citations"]} & set(docs):
                # the part's own words seem to name another plan ("起付标准、支付比例" of a 门特 办法's
                # title): the plan of the first part answers it if it does so with more confidence
                alt = self._ask_one(asked, default_docs=docs, pinned=True)
                if not alt["abstained"] and alt["confidence"] > result["confidence"]:
                    result = alt
            result["question"] = part
            if docs is None:  # the plans that answered the first part (a 十三五 review may be in the 十四五 plan)
                docs = sorted({c["doc_id"] for c in result["citations"]}) or self._docs_of(part) or None
            results.append(result)
        lines, citations, passages = [], [], []
        for i, result in enumerate(results):
            offset = len(citations)
            if _answered_before(result, results[:i]):
                continue  # this part is answered by the lines already there
            if result["abstained"]:
                asked = re.sub(r"[？?！!。；;]+", "，", result["question"]).strip("，")
                lines.append(f"【{asked}】未找到。")
                continue
            lines.append(re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", result["answer"]))
            citations += [c | {"n": c["n"] + offset} for c in result["citations"]]
            passages += [p for p in result["passages"] if p not in passages]
        abstained = all(r["abstained"] for r in results)
        if abstained:
            return self._result(text, ABSTAIN_TEXT, True, max(r["confidence"] for r in results), [],
                                results[0]["passages"])
        out = self._result(text, "\n".join(lines), False, min(r["confidence"] for r in results if not r["abstained"]),
                           citations, passages)
        out["parts"] = [{"question": r["question"], "abstained": r["abstained"]} for r in results]
        facts = [r["document_fact"] for r in results if r.get("document_fact")]
        if facts:
            out["document_fact"] = facts[0]
        return out

    def _docs_of(self, text: str) -> list[str]:
        """The documents a question names: by region and period, narrowed by its other words
        (广州 + 积分制入户 → the one 广州 document on 积分制入户), or by those words alone."""
        return self._named_by(text)[0]

    def _named_by(self, text: str) -> tuple[list[str], bool]:
        """(``_docs_of``, whether words other than region and period picked them)."""
        query = analyze_query(text, self.searcher.regions)
        if query.regions or query.periods:
            infos = self.index.documents.infos()
            docs = [d.doc_id for d in infos if (not query.regions or d.region in query.regions)
                    and (not query.periods or d.period in query.periods)]
            if len(docs) > 1:
                scores = self.plan_names.scores(text)
                best = max((scores.get(d, 0.0) for d in docs), default=0.0)
                if best > 0:
                    leaders = [d for d in docs if scores.get(d, 0.0) >= best - 1e-9]
                    if len(leaders) < len(docs):
                        return leaders, True
            return (docs if len(docs) < len(infos) else []), False
        named = self.plan_names.named(text)
        return named, bool(named)

    def _ask_one(self, question: str, default_docs: list[str] | None = None, pinned: bool = False) -> dict[str, Any]:
        result = self._answer_one(expand_abbreviations(question), default_docs, pinned)
        result["question"] = question
        return result

    def _answer_one(self, text: str, default_docs: list[str] | None = None, pinned: bool = False) -> dict[str, Any]:
        info = analyze_question(text, analyze_query(text, self.searcher.regions))
        if LOCATION.search(text):  # "…属于哪一项任务": where X is, not how the task is done
            info.types = (info.types - {"how", "list"}) or {"what"}
        s = self.settings
        # plans named by their words restrict the search; a region or period alone is a preference
        # (a city's plan may speak of its counties), as the ranking's plan fit has it
        mentioned, by_words = self._named_by(text)
        named = mentioned if by_words and not info.cross_plan and not pinned else []
        if not named and default_docs and not (info.regions or info.periods):
            named = list(default_docs)
        scope = named or mentioned  # the plans the question is about, if it names any
        field = document_field(text)
        if field is not None:
            answer = self._document_answer(text, info, field, scope)
            if answer is not None:
                return answer
        structure = self._structure(text, info, scope)
        if structure is not None:
            return structure
        targets = self._targets(text, info)
        if len(targets) >= 2 and not LOCATION.search(text) and (COMPARE.search(text) or _joined(text, targets)):
            return self._compare(text, info, targets)
        hits, query_vector = self._search_with_vector(text, info, named or None)
        ranked = self.rank(text, info, hits, query_vector)
        pool = _quoted_first(text, _choice_first(text, [i for i in ranked if eligible(i.features, info)]))
        pool = _counted_first(text, pool) if info.quantity else pool
        best = max((confidence(i.features, s.weights) for i in pool), default=0.0)
        foreign = self.foreign_place(text)
        log.info("question %r: types %s, confidence %.3f%s", text, sorted(info.types), best,
                 f", about {foreign} (not indexed)" if foreign else "")
        if foreign or best < (s.abstain_typed if info.typed else s.abstain_open):
            return self._abstain(text, hits, best)
        missing = self._missing_topic(text, info, scope, strict=best >= s.presence_confidence)
        if missing is None and scope and not info.typed and best < s.presence_confidence and asked_topic(text) is None:
            # "开平规划怎么分析新冠疫情…的影响": the question's own terms, when the named plan has
            # none of most of them and other documents do
            missing = self._missing_topic(text, info, scope, strict=True, topic=_KIND_CUES.sub(" ", text))
        if missing:
            return self._abstain(text, hits, best, self._not_mentioned(missing, scope))
        composer = Composer(self.documents, info.years)
        groups: list[dict[str, Any]] = []
        chosen = self._per_plan(pool, info) if info.cross_plan and not named else []
        if len(chosen) > 1:
            for item in chosen:
                composer.add([item], new_line=True)
                doc = self.documents[item.candidate.doc_id]
                groups.append({"region": doc.region, "doc_id": doc.doc_id, "title": doc.title,
                               "citations": [composer.citations[-1]["n"]]})
        elif LOCATION.search(text) and pool:
            chosen = [self._located(text, info, pool)]
            composer.add(self._heading_items(chosen[0]))
            composer.add(chosen)
        else:
            listed = self._child_headings(text, info, pool, scope) \
                if (LIST.search(text) or STRUCTURE.search(text)) and not info.typed else []
            if not listed and LIST.search(text) and not info.typed:
                listed = self._table_group(text, pool, scope)
            if listed:
                chosen = listed
                composer.add(listed)
            else:
                chosen = self._section_leads(text, info, pool[0]) if pool else []
                chosen = chosen or pick_sentences(pool, s.max_sentences, s.margin)
                run = self._enumeration(chosen[0]) if chosen and not info.typed else []
                if not run and chosen and not info.typed and "list" in info.types:
                    # "热线具体实现哪几项功能": the "一是…五是" run of the matched paragraph
                    run = self._enumeration(chosen[0], anywhere=True)
                follow = self._continuation(chosen[0]) if chosen and not info.typed and not run else []
                if not run and not follow and not info.typed \
                        and not choice_alternatives(text):  # a choice's naming sentence stays first
                    chosen = self._paragraph_run(chosen, ranked)
                elif chosen and not run and not follow and "when" in info.types and not info.types & {"quantity", "docno"}:
                    # a measure's steps each have their date ("7月底前完成前期手续…10月底完善各项功能"):
                    # a date question gets its short paragraph whole
                    chosen = self._whole_paragraph(min(chosen, key=lambda i: i.candidate.start), ranked) or chosen
                if run:
                    chosen = run
                elif follow:
                    chosen = [chosen[0], *follow]
                composer.add(chosen)
        result = self._result(text, composer.text, False, best, composer.citations,
                              self._passages(hits, chosen, "引用"))
        if groups:
            result["groups"] = groups
        return result

    # ------------------------------------------------------------------ kinds

    def _document_answer(self, text: str, info: QuestionInfo, field: DocumentField,
                         docs: list[str]) -> dict[str, Any] | None:
        """A fact about the document: quoted from the line that states it, else from the record."""
        if not docs:
            hits = self._search(text, info)
            docs = [hits[0].doc_id] if hits else []
        if len(docs) != 1:
            docs = docs[:1] if docs and all(self.documents[d].region == self.documents[docs[0]].region
                                            for d in docs) and len(docs) <= 2 else docs
        if not docs or len(docs) > 1 and not (info.cross_plan or COMPARE.search(text)):
            return None
        if len(docs) > 1:  # the plans in the order the question names them, each its current one
            targets = self._targets(text, info)
            if len(targets) >= 2:
                docs = [_current_first(self.documents, t[2], info)[0][0] for t in targets]
        composer = Composer(self.documents, info.years)
        notes: list[str] = []
        found_any = False
        for doc_id in docs:
            doc = self.documents[doc_id]
            item = None
            if field.name == "draft":
                match = DRAFT_MARK.search(doc.title or "") or DRAFT_MARK.search(doc.text[:500])
                value = match.group(1) if match else None
            elif field.name == "period":
                value = f"{doc.years[0]}—{doc.years[-1]}年" if doc.years else doc.period
            else:
                value = getattr(doc, field.name, None)
            pattern = STATING_PATTERNS.get("issue_date" if field.name == "date" and "印发" in text else field.name)
            match = pattern.search(doc.text) if pattern is not None else None
            if field.name == "basis":
                match = _basis(doc, pattern)
            if field.name in ("attachments", "tables"):
                items = self._attachment_items(doc, match) if field.name == "attachments" else self._table_items(doc)
                if items:
                    found_any = True
                    if len(docs) > 1:
                        composer.lines.append(f"【{doc.title}】")
                    composer.add(items, new_line=len(docs) == 1)
                continue
            if match is not None:
                item = self._line_at(doc, match.start())  # the text states it: quote that
            if not value and item is None:
                continue
            found_any = True
            item = item or self._stating_line(doc, field.name, value)
            if item is not None:
                if len(docs) > 1:
                    composer.lines.append(f"【{doc.title}】")
                composer.add([item], new_line=len(docs) == 1)
            else:
                notes.append(f"【文档信息】《{doc.title}》的{field.label}：{value}。")
        if not found_any:
            if field.name in ABSTAINING_FIELDS:  # a fact of the record: no passage answers it either
                named = "、".join(f"《{self.documents[d].title}》" for d in docs)
                return self._abstain(text, [], 0.0, f"{named}未载明{field.label}。")
            return None
        answer = "\n".join([composer.text, *notes]).strip()
        result = self._result(text, answer, False, 1.0, composer.citations, [])
        result["document_fact"] = field.name
        return result

    def _table_items(self, doc: Any) -> list[Scored]:
        """A document's tables, each by its caption line (the line just above the table that
        holds its caption), in text order."""
        items: list[Scored] = []
        for table in doc.tables:
            if not table.caption:
                continue
            pos = doc.text.rfind(table.caption.strip(), max(0, table.start - MAX_CAPTION_GAP), table.start + 1)
            if pos != -1:
                start, end = _line_bounds(doc.text, pos, pos)
                items.append(_line_item(doc, start, end))
        return items[: self.settings.list_items]

    def _attachment_items(self, doc: Any, match: re.Match[str] | None) -> list[Scored]:
        """A document's attachments: the "附件：1. X" line and the numbered lines after it, else
        the headings of its 附件 sections (附件1 with the title under it)."""
        text = doc.text
        items: list[Scored] = []
        if match is not None:
            start = match.start()
            while True:
                end = text.find("\n", start)
                end = len(text) if end == -1 else end
                items.append(_line_item(doc, start, end))
                nxt = end + 1
                bare = not items[1:] and re.fullmatch(r"附件[:：]", text[start:end].strip()) is not None
                if nxt >= len(text) or not (bare or re.match(r"\s*\d{1,2}\s*[.．、]", text[nxt:nxt + 6])) \
                        or len(items) >= self.settings.list_items:
                    break
                start = nxt  # "附件：" alone on its line: the title is on the next
            return items
        for sec in doc.sections:
            if len(sec.path) == 1 and re.match(r"附件\s*\d{0,2}$", sec.path[0].strip()):
                children = [x for x in doc.sections if len(x.path) == 2 and x.path[0] == sec.path[0]]
                items.append(_heading_item(doc, children[0] if children else sec))
        return items[: self.settings.list_items]

    def _stating_line(self, doc: Any, name: str, value: str) -> Scored | None:
        """The sentence (or heading line) of ``doc`` that states ``value``; issuers and dates are
        looked for from the end (the 落款), the rest from the start."""
        text = doc.text
        positions = []
        for form in value_forms(name, value):
            pos = text.rfind(form) if name in ("issuer", "date") else text.find(form)
            if pos != -1:
                positions.append(pos)
        if not positions:
            return None
        return self._line_at(doc, max(positions) if name in ("issuer", "date") else min(positions))

    def _line_at(self, doc: Any, pos: int) -> Scored:
        """The candidate sentence holding offset ``pos``, else its whole line (a heading, say)."""
        text = doc.text
        for c in self.table.of_document(doc.doc_id):
            if c.start <= pos < c.end:
                return Scored(c, {})
        line_start, line_end = _line_bounds(text, pos, pos)
        return Scored(Candidate(doc.doc_id, line_start, line_end, text[line_start:line_end], "sentence",
                                doc.section_path_at(line_start), 0), {})

    def _targets(self, text: str, info: QuestionInfo) -> list[tuple[int, str, list[str]]]:
        """The plans a question names, as (position, the words naming it, doc_ids), in the order
        it names them."""
        infos = list(self.index.documents.infos())
        found: list[tuple[int, str, list[str]]] = []
        if info.regions:
            for region in info.regions:
                aliases = sorted((a for a in region_aliases(region) if a in text), key=len, reverse=True)
                position = min(text.find(a) for a in aliases) if aliases else len(text)
                mention = aliases[0] if aliases else region
                periods = [p for p in info.periods if any(d.region == region and d.period == p for d in infos)]
                adjacent = [p for p in periods if any(re.search(re.escape(a) + r"(市|区|县)?[“\"]?" + p, text) for a in aliases)]
                if len(info.regions) > 1 and adjacent:
                    periods = adjacent  # "台山十三五…和茂南十四五": each region with its own period
                if len(periods) > 1:
                    for p in periods:
                        found.append((text.find(p), p, [d.doc_id for d in infos if d.region == region and d.period == p]))
                    continue
                docs = [d.doc_id for d in infos if d.region == region]
                if periods:
                    docs = [d.doc_id for d in infos if d.region == region and d.period == periods[0]]
                found.append((position, mention, docs))
        elif len(info.periods) > 1:
            for p in info.periods:
                found.append((text.find(p), p, [d.doc_id for d in infos if d.period == p]))
        else:
            scores = self.plan_names.scores(text)
            for word in self.plan_names.mentions(text):
                docs = sorted(self.plan_names.words[word])
                if len(docs) == 1 and scores.get(docs[0], 0) > 0:
                    found.append((text.find(word), word, docs))
        groups: list[tuple[int, str, list[str]]] = []
        for position, mention, docs in sorted(found):
            if docs and all(docs != g[2] for g in groups):
                groups.append((position, mention, docs))
        return groups

    def _compare(self, text: str, info: QuestionInfo, targets: list[tuple[int, str, list[str]]]) -> dict[str, Any]:
        """One line per named plan: its best eligible sentence or row, or 未找到."""
        s = self.settings
        composer = Composer(self.documents, info.years)
        groups: list[dict[str, Any]] = []
        all_hits: list[Any] = []
        chosen_all: list[Scored] = []
        best_overall = 0.0
        picks: list[tuple[list[str], str, list[Scored], float]] = []
        for _, _, docs in targets:
            regions = {self.documents[d].region for d in docs if self.documents[d].region}
            periods = {self.documents[d].period for d in docs if self.documents[d].period} & info.periods
            # the question as asked of this plan alone: the other plans' names taken out
            own = text
            for _, mention, other in targets:
                if other is not docs and mention not in {a for r in regions for a in region_aliases(r)}:
                    own = own.replace(mention, "")
            sub = QuestionInfo(own, info.types, info.years, info.wants, False, regions, periods or set(),
                               info.plan_period, info.unit)
            needed = s.abstain_typed if info.typed else s.abstain_open
            pool, best = [], 0.0
            # a region named without a period or year means its current plan; its earlier plans
            # answer only when the current one has nothing
            for scope in _current_first(self.documents, docs, info):
                hits, vector = self._search_with_vector(own, sub, scope)
                all_hits += hits
                pool = _quoted_first(own, [i for i in self.rank(own, sub, hits, vector) if eligible(i.features, sub)])
                pool = _counted_first(own, pool) if sub.quantity else pool
                best = max((confidence(i.features, s.weights) for i in pool), default=0.0)
                if pool and best >= needed:
                    break
            doc = self.documents[docs[0]]
            label = doc.title if len(docs) == 1 else (doc.region or doc.title)
            picks.append((docs, label, pool if best >= needed else [], best))
        terms = self._compared_terms(text, info, targets)
        texts = [normalize(" ".join(i.candidate.display() for i in pool[:1])) for _, _, pool, _ in picks]
        for n, (docs, label, pool, best) in enumerate(picks):
            doc = self.documents[docs[0]]
            others = [t for m, t in enumerate(texts) if m != n and picks[m][2]]
            shared = [w for w in terms if any(any(f in t for f in w) for t in others)]
            lacking = [w for w in shared if not any(f in texts[n] for f in w)]
            whole = self._normalized_text(pool[0].candidate.doc_id) if pool else ""
            never = [w for w in lacking if not any(f in whole for f in w)]
            if pool and never and len(lacking) * 2 > len(shared):
                # its best passage is on another indicator ("研发机构覆盖率" for "研发支出占营业收入的
                # 比重"): it lacks most of the words the other plans' answers share with the question,
                # and the plan never uses one of them (a paraphrase, 细颗粒物 for PM2.5, uses the others)
                pool = []
            if pool:
                best_overall = max(best_overall, best)
                composer.lines.append(f"【{self.documents[pool[0].candidate.doc_id].title or label}】")
                # a heading quoted alone ("2.2035年远期目标") goes on with its body, as in a single answer
                follow = self._continuation(pool[0]) if not ANNOUNCES.search(pool[0].candidate.quote) else []
                lines = [pool[0], *follow[: s.max_sentences - 1]]
                if not follow and not info.typed:  # as a single answer: a short paragraph whole
                    lines = self._paragraph_run([pool[0]], pool)
                composer.add(lines)
                chosen_all.append(pool[0])
                groups.append({"region": doc.region, "doc_id": pool[0].candidate.doc_id, "title": doc.title,
                               "citations": [composer.citations[-1]["n"]]})
            else:
                composer.lines.append(f"【{label}】未找到。")
                groups.append({"region": doc.region, "doc_id": doc.doc_id, "title": doc.title, "citations": []})
        if not chosen_all:
            return self._abstain(text, all_hits, best_overall)
        result = self._result(text, composer.text, False, best_overall, composer.citations,
                              self._passages(all_hits, chosen_all, "引用"))
        result["groups"] = groups
        return result

    def _normalized_text(self, doc_id: str) -> str:
        """A document's whole text, normalised as the candidates are (kept once normalised)."""
        text = self._normalized.get(doc_id)
        if text is None:
            text = self._normalized[doc_id] = normalize(self.documents[doc_id].text)
        return text

    def _all_normalized(self) -> dict[str, str]:
        """doc_id -> ``_normalized_text`` for every document."""
        if len(self._normalized) < len(self.documents):
            for doc_id in self.documents:
                self._normalized_text(doc_id)
        return self._normalized

    def _compared_terms(self, text: str, info: QuestionInfo, targets: list[tuple[int, str, list[str]]]) -> list[tuple[str, ...]]:
        """The words of a comparison that name what is compared, each with its parts (a plan may
        say 生产总值 for 地区生产总值): not the plans' names nor words of their titles."""
        own = text
        for _, mention, _ in targets:
            own = own.replace(mention, " ")
        titles = [normalize(self.documents[d].title or "") for _, _, docs in targets for d in docs]
        concepts = self._unnamed_concepts(text, info, _KIND_CUES.sub(" ", own))
        return [(h, *parts) for h, parts in concepts if len(h) >= 2 and not any(h in t for t in titles)]

    def _unnamed_concepts(self, text: str, info: QuestionInfo, words: str) -> list[tuple[str, tuple[str, ...]]]:
        """The concepts of ``words`` (a part of question ``text``) without those that only name a plan."""
        naming = set(self.plan_names.mentions(text))
        return [(h, p) for h, p in question_concepts(info, self.index.tokenizer.tokenize(words))
                if h not in naming and not any(h in n for n in naming)]

    def _structure(self, text: str, info: QuestionInfo, docs: list[str]) -> dict[str, Any] | None:
        """"台山十四五规划有几章/由哪几部分组成": the named document's top-level headings."""
        if not STRUCTURE.search(text) or LOCATION.search(text) or len(docs) != 1 or info.typed:
            return None  # "在第几章、哪一项任务里讲的" asks where a passage is, not for the parts
        doc = self.documents[docs[0]]
        title = (doc.title or "").strip()
        tops = [sec for sec in doc.sections if len(sec.path) == 1 and not (title and sec.path[0] in title)]
        if len(tops) == 1:  # a title heading holding the rest: its children are the parts
            tops = [sec for sec in doc.sections if len(sec.path) == 2 and sec.path[0] == tops[0].path[0]]
        if len(tops) < 2:
            return None
        composer = Composer(self.documents, info.years)
        composer.add([_heading_item(doc, sec) for sec in tops[: self.settings.list_items]])
        return self._result(text, composer.text, False, 1.0, composer.citations, [])

    def _located(self, text: str, info: QuestionInfo, pool: list[Scored]) -> Scored:
        """For "X放在哪一章/属于哪项任务": of the leading candidates, the one whose headings name X
        best (a section on X, not a passing mention in another), the better score on a tie."""
        concepts = self._unnamed_concepts(text, info, _KIND_CUES.sub(" ", text))
        idf = self._idf_table()
        title = lambda item: (self.documents[item.candidate.doc_id].title or "").strip()  # noqa: E731

        def named(path: tuple[str, ...], doc_title: str) -> float:
            path = tuple(p for p in path if p not in doc_title)
            return lexical(concepts, normalize(" ".join(path[-1:])), normalize(" ".join(path[:-1])), idf)

        top = pool[0]
        if named(top.candidate.section_path, title(top)) >= LOCATION_NAMED:
            return top  # the best passage's own headings name X
        # else a section whose headings name X (a plan's task before its review of the past period),
        # among the leading passages or, failing them, in the best passage's plan
        key = lambda item: (round(named(item.candidate.section_path, title(item)), 2),  # noqa: E731
                            frame_fit(item.candidate.section_path, "plan"), item.score)
        best = max(pool[: self.settings.dense_top], key=key)
        for c in self.table.of_document(top.candidate.doc_id):
            if c.kind == "sentence" and c.position == 0 and key(Scored(c, {}, top.score - 1.0)) > key(best):
                best = Scored(c, dict(top.features), top.score - 1.0)
        return best if key(best)[0] >= LOCATION_NAMED else top

    def _heading_items(self, item: Scored) -> list[Scored]:
        """The heading lines above a candidate, from its top-level section down to its own."""
        c = item.candidate
        doc = self.documents[c.doc_id]
        title = (doc.title or "").strip()
        holding = [sec for sec in doc.sections if sec.start <= c.start < sec.end and not (title and sec.path[-1] in title)]
        holding.sort(key=lambda sec: len(sec.path))
        items = [_heading_item(doc, sec) for sec in holding[-MAX_LOCATION_LEVELS:]]
        line_start = _line_bounds(doc.text, c.start, c.end)[0]
        if line_start < c.start:  # "23.加强培训指导。省、市、县联手…": the run-in title of its item
            first = next((o for o in self.table.within(c.doc_id, line_start, c.start) if o.kind == "sentence"), None)
            if first is not None and first.start == line_start and ITEM_LABEL.match(first.quote) \
                    and len(first.quote.strip()) <= MAX_TITLE_LINE and not re.search(r"[，,；;：:]", first.quote):
                items.append(Scored(first, {}))
        return items

    def _child_headings(self, text: str, info: QuestionInfo, pool: list[Scored], named: list[str]) -> list[Scored]:
        """For a list/overview question: the child headings of the section whose heading names the
        question's subject (in the named plan, else in the best candidate's plan)."""
        docs = named or ([pool[0].candidate.doc_id] if pool else [])
        if len(docs) != 1:
            docs = [pool[0].candidate.doc_id] if pool and pool[0].candidate.doc_id in docs else []
        if not docs:
            return []
        doc = self.documents[docs[0]]
        concepts = self._unnamed_concepts(text, info, _KIND_CUES.sub(" ", text))  # words naming the plan name no section
        subject = OVERVIEW_SUBJECT.search(text)
        quoted = [q for q in re.findall(r"[“\"]([^”\"]{4,30})[”\"]", text) if any(q in sec.path[-1] for sec in doc.sections)]
        best, best_score = None, 0.0
        counted = COUNTED_ITEMS.search(text)
        count = _count_value(counted.group(1)) if counted else 0
        for sec in doc.sections:
            children = _child_sections(doc, sec)
            if len(children) <= 1:
                # "7.降低收费标准3项" › "（9）对保留的收费项目…" › ①②③: one item that holds the list, whose
                # marked lines the outline took as headings only where they are short
                inner = _child_sections(doc, children[0]) if children else []
                marked = self._marked_lines(doc, sec)
                children = marked if len(marked) > len(inner) else inner or children
            if len(children) < 2:
                children = self._paragraph_leads(doc, sec)
                if len(children) < 2:
                    continue
            heading = _named_heading(doc, sec)
            score = lexical(concepts, normalize(heading), "", self._idf_table())
            if subject and any(form in heading for form in subject_forms(subject.group(1))):
                score += 1.0 if subject.group(1) in heading else 0.9
            if count and len(children) == count and score > 0:
                score += 0.5  # "降低收费标准的是哪3项": a section on the subject with that many items
            if any(q in heading for q in quoted):
                score += 2.0  # "“优化科技创新生态体系”这一任务下分哪几块": the section it quotes
            if score > best_score:
                best, best_score = (sec, children), score
        if best is None or best_score < (self.settings.heading_match if subject else self.settings.list_heading_match):
            tops = [c for c in doc.sections if len(c.path) == 1]
            if STRUCTURE.search(text) and len(tops) >= 2:  # "由哪几章组成": the document's own parts
                return [_heading_item(doc, c) for c in tops[: self.settings.list_items]]
            return []
        sec, children = best
        return [c if isinstance(c, Scored) else _heading_item(doc, c) for c in children[: self.settings.list_items]]

    def _table_group(self, text: str, pool: list[Scored], named: list[str]) -> list[Scored]:
        """For a list question that names a category of a table ("基础指标包括哪几项" in a table
        whose first column reads 基础指标, 基础指标, 加分指标…): each row of that category, quoted
        from the row's start through its item cell ("基础指标 | 1 | 合法稳定住所"), in table order.
        The longest category the question names wins; [] when it names none."""
        docs = list(dict.fromkeys([*named, *(i.candidate.doc_id for i in pool[:5])]))
        best: tuple[int, list[Scored]] | None = None
        for doc_id in docs:
            doc = self.documents[doc_id]
            for table in doc.tables:
                rows_cells = [_cell_spans(doc.text, a, b) for a, b in table.row_spans]
                rows_cells = [cells for cells in rows_cells if len(cells) >= 2]
                # the category column: the first of the first two that is not a serial number
                column = next((k for k in (0, 1) if rows_cells and not all(
                    len(cells) > k and _SERIAL.fullmatch(doc.text[slice(*cells[k])]) for cells in rows_cells)), None)
                if column is None:
                    continue
                groups: dict[str, list[list[tuple[int, int]]]] = {}
                for cells in rows_cells:
                    if len(cells) > column + 1:
                        groups.setdefault(doc.text[slice(*cells[column])], []).append(cells)
                if len(groups) < 2:
                    continue  # one category for every row names no part of the table
                for category, rows in groups.items():
                    if len(rows) < 2 or len(category) < 2 or category not in text:
                        continue
                    if best is not None and len(category) <= best[0]:
                        continue
                    items = []
                    for cells in rows:
                        item = next((c for c in cells[column + 1:] if not _SERIAL.fullmatch(doc.text[slice(*c)])), None)
                        if item is None or item[1] - item[0] > MAX_GROUP_ITEM_CHARS:
                            break
                        items.append(_line_item(doc, cells[0][0], item[1]))
                    else:
                        best = (len(category), items[: self.settings.list_items])
        return best[1] if best else []

    def _enumeration(self, item: Scored, anywhere: bool = False) -> list[Scored]:
        """The whole run of enumerated sentences an answer sentence belongs to, in text order:
        "一是…。二是…。三是…。" or "①…；②…" within one paragraph (its lead-in included when the
        first item is part of it); [] when the sentence is no item of such a run (``anywhere``: the
        run its paragraph goes on to, when the sentence comes before it)."""
        c = item.candidate
        line = [o for o in self.table.within(c.doc_id, *_line_bounds(self.documents[c.doc_id].text, c.start, c.end))
                if o.kind == "sentence"]
        numbered = [(o, _ordinal(o.quote)) for o in line]
        run: list[Candidate] = []
        pending: list[Candidate] = []
        expected = 1
        for o, number in numbered:
            if number == expected:
                run += pending + [o]
                pending = []
                expected += 1
            elif run and number is None and not pending:
                pending.append(o)  # an item may run on for one more sentence ("…服务。提供…实现100%；③…")
            elif run:
                break  # "一是X。[a paragraph of its own text]二是Y。" is no list: each item has a body
        if expected <= 2 or (c not in run and not (anywhere and c.start < run[0].start)):
            return []
        return [Scored(o, {}) for o in run[: self.settings.list_items]]

    def _continuation(self, item: Scored) -> list[Scored]:
        """What an answer sentence leads into and cannot stand without: the items a sentence
        announces ("应同时符合以下条件：" → its sub-sections, else the lines after it), or the
        body of a heading quoted on its own ("（19）最大限度减少排队、待办时间。" → its first
        sentences)."""
        c = item.candidate
        doc = self.documents[c.doc_id]
        holding = [sec for sec in doc.sections if sec.start <= c.start < sec.end]
        if not holding:
            return []
        sec = max(holding, key=lambda x: len(x.path))
        s = self.settings
        if ANNOUNCES.search(c.quote.strip()):
            children = [x for x in _child_sections(doc, sec) if x.start >= c.end]
            if len(children) >= 2:
                return [_heading_item(doc, x) for x in children[: s.list_items]]
            items = [Scored(o, {}) for o in self.table.within(c.doc_id, c.end, sec.end)
                     if o.kind == "sentence" and _line_bounds(doc.text, o.start, o.start)[0] == o.start]  # an item starts a line
            return items[: s.list_items] if len(items) >= 2 else []
        if c.start <= sec.start + 1 and c.end >= sec.heading_end - 1:  # the heading itself
            body = [Scored(o, {}) for o in self.table.within(c.doc_id, max(sec.heading_end, c.end), sec.end)
                    if o.kind == "sentence"]
            run = self._enumeration(body[0]) if body else []
            return run or body[: s.max_sentences - 1]
        line_start, line_end = _line_bounds(doc.text, c.start, c.end)
        if line_start == c.start and len(c.quote) <= MAX_LEAD_CHARS and ITEM_LABEL.match(c.quote):
            rest = [Scored(o, {}) for o in self.table.within(c.doc_id, c.end, line_end) if o.kind == "sentence"]
            if not rest and doc.text[c.start:line_end].strip() == c.quote.strip() \
                    and len(c.quote.strip()) <= MAX_TITLE_LINE and not re.search(r"[，,；;：:！？]", c.quote):
                # a numbered title on a line of its own ("2.2035年远期目标。"): its text is the next line
                nxt_end = _line_bounds(doc.text, line_end + 1, line_end + 1)[1] if line_end < len(doc.text) else line_end
                rest = [Scored(o, {}) for o in self.table.within(c.doc_id, line_end + 1, nxt_end) if o.kind == "sentence"]
            return rest[: s.max_sentences - 1]  # an item's lead-in and its first sentences
        return []

    def _paragraph_run(self, chosen: list[Scored], ranked: list[Scored] | None = None) -> list[Scored]:
        """For an answer that is no figure or date and whose sentences all lie in one paragraph:
        the whole paragraph when it is short, else the paragraph from the first of them on, in text
        order (a procedure reads in its own order), bounded like ``_paragraph_rest``; answers from
        several paragraphs stay as chosen."""
        if not chosen:
            return chosen
        first = min(chosen, key=lambda i: i.candidate.start)
        doc = self.documents[first.candidate.doc_id]
        bounds = _line_bounds(doc.text, first.candidate.start, first.candidate.end)
        if any(i.candidate.doc_id != first.candidate.doc_id
               or _line_bounds(doc.text, i.candidate.start, i.candidate.end) != bounds for i in chosen):
            return chosen
        whole = self._whole_paragraph(first, ranked or [])
        if whole:
            return whole
        return [first, *self._paragraph_rest(first)]

    def _whole_paragraph(self, first: Scored, ranked: list[Scored]) -> list[Scored]:
        """The paragraph of ``first`` (the earliest answer sentence) when it is short (at most
        ``WHOLE_PARAGRAPH_CHARS`` characters and ``WHOLE_PARAGRAPH_SENTENCES`` sentences): a 公文
        states one measure, rule or reason per paragraph, so the rest of the paragraph belongs to
        the answer, and so do the sentences before ``first`` that the ranking holds among its
        leaders too (the lead-in "按照“欢迎就读、一视同仁”原则…" of a rule that matched), but not
        an earlier item of a paragraph that lists several; [] for a long or one-sentence paragraph."""
        c = first.candidate
        doc = self.documents[c.doc_id]
        start, end = _line_bounds(doc.text, c.start, c.end)
        if end - start > WHOLE_PARAGRAPH_CHARS:
            return []
        sentences = [o for o in self.table.within(c.doc_id, start, end) if o.kind == "sentence"]
        if not 1 < len(sentences) <= WHOLE_PARAGRAPH_SENTENCES or c not in sentences:
            return []
        leaders = {i.candidate.key for i in ranked}
        lead = sentences.index(c)
        while lead > 0 and sentences[lead - 1].key in leaders:
            lead -= 1
        return [first if o is c else Scored(o, {}) for o in sentences[lead:]]

    def _paragraph_rest(self, item: Scored) -> list[Scored]:
        """The sentences after ``item`` in its paragraph (a procedure or a reason runs on:
        "分值相同时，按…排名。…仍相同的，按…"), at most ``max_sentences - 1`` and
        ``PARAGRAPH_REST_CHARS`` characters."""
        c = item.candidate
        doc = self.documents[c.doc_id]
        line_end = _line_bounds(doc.text, c.start, c.end)[1]
        rest: list[Scored] = []
        size = 0
        for other in self.table.within(c.doc_id, c.end, line_end):
            if other.kind != "sentence" or len(rest) >= self.settings.max_sentences - 1:
                break
            size += len(other.quote)
            if size > PARAGRAPH_REST_CHARS:
                break
            rest.append(Scored(other, {}))
        return rest

    def _marked_lines(self, doc: Any, sec: Any) -> list[Scored]:
        """The items of a section's list that the outline did not take as headings: the lines of
        its body that open with a marker of one series (①②③, （1）（2）, 1.2.), in order from the
        first; the first sentence of each. [] when fewer than two."""
        items: list[Scored] = []
        family: str | None = None
        expected = 1
        for c in self.table.within(doc.doc_id, sec.heading_end, sec.end):
            if c.kind not in ("sentence", "heading") or _line_bounds(doc.text, c.start, c.end)[0] != c.start:
                continue
            marker = _item_marker(c.quote)
            if marker is None:
                continue
            kind, number = marker
            if family is None and number == 1:
                family = kind
            if kind == family and number == expected:
                items.append(Scored(c, {}))
                expected += 1
            elif kind == family:
                break
        return items if len(items) >= 2 else []

    def _paragraph_leads(self, doc: Any, sec: Any) -> list[Scored]:
        """The first sentence of each paragraph of a section without sub-headings, when the
        section is a list of lead-in items ("坚持创新驱动。从推动…")."""
        leads: list[Scored] = []
        seen_lines: set[int] = set()
        for c in self.table.of_document(doc.doc_id):
            if not (sec.heading_end < c.start < sec.end) or c.kind != "sentence" or c.section_path != sec.path:
                continue
            line = doc.text.rfind("\n", 0, c.start) + 1
            if line in seen_lines:
                continue
            seen_lines.add(line)
            if c.start == line and (len(c.quote) <= MAX_LEAD_CHARS or LEAD_LABEL.match(c.quote)):
                leads.append(Scored(c, {}))
        return leads if len(leads) >= 2 and len(leads) == len(seen_lines) else []

    def _missing_topic(self, text: str, info: QuestionInfo, docs: list[str], strict: bool = False,
                       topic: str | None = None) -> str | None:
        """For a question about whether a topic is there ("有没有提到X", "对X有什么部署"): the
        topic's most specific word, when the named plans (else all) never use it, nor most of it.
        ``strict`` (a passage matches the question well): only when none of its specific words is there."""
        own_terms = topic is not None  # the question's own words, not a topic it names
        topic = topic or asked_topic(text)
        if not topic:
            return None
        concepts = self._unnamed_concepts(text, info, topic)
        if not concepts:
            return None
        if len(self.documents) > PRESENCE_MAX_DOCUMENTS:
            return None  # whole-text look-ups: for a corpus of this size, left to the thresholds
        if WHICH_DOCUMENTS.search(text):
            docs = []  # "哪些文件提到X": every document is asked
        normalized = self._all_normalized()
        texts = [normalized[d] for d in (docs or list(self.documents))]
        everywhere = list(normalized.values())
        # The topic's specific words (used by few documents, or by none: 量子 of 量子计算 is one,
        # 计算 is not) decide: it is missing when most of them are not in the plans asked about
        # (海上风能 is there in a plan on 海上风电: 海上 and 综合利用 are, 风能 is not).
        words = list(dict.fromkeys(w for head, parts in concepts for w in (head, *parts) if len(w) >= 2))
        limit = max(1, len(everywhere) * SPECIFIC_SHARE)
        specific = [w for w in words if sum(1 for t in everywhere if w in t) <= limit]
        absent = [w for w in specific if not any(w in t for t in texts)]
        idf = self._idf_table()
        if docs and len(docs) < len(everywhere) and (not absent or strict):
            # a plan named and a topic other plans share (知识产权 in four plans, not in this one):
            # missing when most of the topic's own words (not their parts) are not in the named plan
            heads = [h for h, _ in concepts if len(h) >= 2]
            absent = [h for h in heads if not any(h in t for t in texts)]
            if strict:  # only terms other documents use count as missing (not a paraphrase's words)
                named = set(docs)
                absent = [h for h in absent if any(h in t for d, t in normalized.items() if d not in named)]
            longest = max(heads, key=len, default="")
            if strict and own_terms and len(longest) >= MIN_TERM_CHARS and longest not in absent \
                    and sum(len(h) == len(longest) for h in heads) == 1:
                # the question's own words ("北京打算怎样方便慢性病患者开药"): its one longest term
                # (慢性病) is in the named plan, the everyday words of the paraphrase (方便, 开药) need not be
                return None
            # most of the topic, its words weighed by how specific they are (idf) when the question
            # names the topic ("有没有提到发展农村电商": 电商 weighs more than 发展 and 农村), by
            # their count for the question's own words (a paraphrase's words weigh alike)
            weight = (lambda h: 1.0) if own_terms else idf.idf
            if not absent or sum(map(weight, absent)) * 2 <= sum(map(weight, heads)):
                return None
        elif len(everywhere) < MIN_DOCUMENTS_FOR_SHARES:
            # too few documents to tell specific words by their share: the rarest word decides
            rarest = max(words, key=idf.idf)
            absent = [rarest] if not any(rarest in t for t in texts) else []
        elif not absent or len(absent) * 2 <= len(specific):
            return None
        if not absent:
            return None
        if strict:
            # a passage matches well: the topic is missing only when it is a term other documents use
            # ("元宇宙" in two work reports, not in the named 办法), not a paraphrase no document uses
            outside = [t for d, t in normalized.items() if d not in set(docs)]
            if not docs or not any(w in t for w in absent for t in outside):
                return None
        if len(topic) <= MAX_TOPIC_SHOWN and not any(normalize(topic) in t for t in texts):
            return topic  # the topic as the question writes it ("元宇宙", not its word 宇宙)
        heads = [h for h, _ in concepts if h in absent]
        word = max(heads, key=len) if heads else max(absent, key=idf.idf)  # the topic's own word, else its rarest
        found = re.search(re.escape(word), topic, re.IGNORECASE)  # as the question writes it (5G, not 5g)
        return found.group(0) if found else word

    def _not_mentioned(self, word: str, docs: list[str]) -> str | None:
        """"该规划未提及…" for a named plan, pointing at the plans that do mention the word."""
        if not docs or len(docs) > 2:
            return None
        others = [d for d in self.documents if d not in docs and word in self.documents[d].text]
        named = "、".join(f"《{self.documents[d].title}》" for d in docs)
        text = f"{named}未提及“{word}”。"
        if others:
            text += "提及的有：" + "、".join(f"《{self.documents[d].title}》" for d in others[:3]) + "。"
        return text

    def retrieve(self, question: str) -> list[Any]:
        """The hits ``ask`` answers from (grouped by plan for a cross-plan question)."""
        text = validate_query(question, "question")
        return self._search(text, analyze_question(text, analyze_query(text, self.searcher.regions)))

    def _search_with_vector(self, text: str, info: QuestionInfo,
                            doc_ids: list[str] | None = None) -> tuple[list[Any], np.ndarray | None]:
        """The hits and the question vector the search embedded (None for a keyword-only search)."""
        memo = memoize_queries(self.searcher)
        memo.last()  # forget any earlier question's vector
        hits = self._search(text, info, doc_ids)
        return hits, memo.last()

    def _search(self, text: str, info: QuestionInfo, doc_ids: list[str] | None = None) -> list[Any]:
        s = self.settings
        if info.cross_plan and not doc_ids:
            return self.searcher.search(text, k=s.cross_k, group_by_doc=True, per_doc=s.per_doc)
        hits = self.searcher.search(text, k=s.k, doc_ids=doc_ids)
        reviews = self._reviewing(info, doc_ids)
        if reviews and not all(h.doc_id in reviews for h in hits[: s.review_k]):
            # "台山2020年…实际": the plan whose review reports that year answers, even when an earlier
            # plan's 2020 targets rank first
            seen = {h.chunk_id for h in hits}
            extra = [h for h in self.searcher.search(text, k=s.review_k, doc_ids=reviews) if h.chunk_id not in seen]
            hits = hits + [replace(h, score=h.score * REVIEW_HIT_WEIGHT) for h in extra]
        return hits

    def _reviewing(self, info: QuestionInfo, doc_ids: list[str] | None) -> list[str]:
        """For a question about what a past year achieved, the plans (of the named region, among
        ``doc_ids``) whose review of where things stand reports that year: their period starts the
        year after."""
        # a past period named ("“十三五”期间办了几届") stands for its last year
        years = info.years or [PERIOD_END[p] for p in info.periods if p in PERIOD_END]
        if not years or not info.quantity or question_frame(info.text, True) != "past":
            return []
        docs = doc_ids or [d for d, doc in self.documents.items() if not info.regions or doc.region in info.regions]
        return [d for d in docs if self.documents[d].years and self.documents[d].years[0] - 1 in years]

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
        frame = question_frame(text, bool(info.years) and all(y <= _review_year(self.documents, hits) for y in info.years))
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
            item.features["frame"] = frame_fit(c.section_path, frame)
            item.features["caption"] = 1.0 if self._is_caption(c) else 0.0
            item.score = self._score(item.features)
        items.sort(key=lambda i: -i.score)
        leaders = items[: s.dense_top * (3 if info.cross_plan else 1)]
        vectors = self._sentence_vectors().get([i.candidate.display() for i in leaders])
        for item, similarity in zip(leaders, vectors @ query_vector):
            item.features["dense"] = float(similarity)
            item.score = self._score(item.features)
        leaders.sort(key=lambda i: (-i.score, i.candidate.doc_id, i.candidate.start))
        return leaders

    def _score(self, features: dict[str, float]) -> float:
        s = self.settings
        return combine(features, s.weights) + s.frame * (features["frame"] - 0.5) - s.caption * features["caption"]

    def _is_caption(self, c: Candidate) -> bool:
        """A line that only names something (an attachment's or a table's title the outline did
        not take as a heading): short, alone on its line, no sentence end, no "：" label; or a
        sentence that only points to an attachment of the document ("具体审核确认有效期按《…》
        （附件1）执行。"): what it points to is in the document itself, row by row."""
        if c.kind != "sentence":
            return False
        if ATTACHMENT_POINTER.search(c.quote) \
                and len(re.sub(r"《[^》]*》|[（(]附[件表][^）)]*[）)]", "", c.quote)) <= MAX_POINTER_CHARS:
            return True
        if len(c.quote) > MAX_CAPTION_CHARS or re.search(r"[。；;！!？?：:]", c.quote):
            return False
        text = self.documents[c.doc_id].text
        line_start, line_end = _line_bounds(text, c.start, c.end)
        return text[line_start:c.start].strip() == "" and text[c.end:line_end].strip() == ""

    def _candidates(self, info: QuestionInfo, hits: list[Any]) -> list[Scored]:
        """Candidates of every hit (best hit first); figure questions add the plans' indicator rows."""
        seen: dict[tuple[str, int], Scored] = {}
        for hit in hits:
            row = self.index.row_of(hit.chunk_id)
            title = (self.documents[hit.doc_id].title or "").strip()
            for c in self.table.within(hit.doc_id, hit.start, hit.end):
                if _is_title_line(c.quote.strip(), title):
                    continue  # the document's title line names the document, it answers nothing
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
        title = (self.documents[best.candidate.doc_id].title or "").strip()
        for depth in range(len(path), 0, -1):
            if title and (path[depth - 1] in title or title in path[depth - 1]):
                continue  # the document's own title heading names the document, not a subject
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
            own += normalize(self._annotated(c))  # a note's words are those of the sentence it annotates
            context = normalize(" ".join((*c.section_path[-2:], c.context)))
            with self._lock:
                self._match_texts[key] = (own, context)
        return self._match_texts[key]

    def _annotated(self, c: Candidate) -> str:
        """For a bracketed note ("（7月底完成，牵头考核单位：…）"), the text it annotates: the rest of
        its line before it, or the line before when the note stands alone: what its deadline or
        lead unit is for."""
        quote = c.quote.strip()
        if not (quote.startswith(("（", "(")) and quote.endswith(("）", ")")) and c.kind == "sentence"):
            return ""
        text = self.documents[c.doc_id].text
        line_start = text.rfind("\n", 0, c.start) + 1
        if line_start == c.start:  # a note on a line of its own annotates the line before
            if line_start == 0:
                return ""
            end = line_start - 1
            start = text.rfind("\n", 0, end) + 1
        else:  # a note after the sentences of its line ("…提升数字化治理能力。（7月底完成，…）")
            start, end = line_start, c.start
        return text[max(start, end - MAX_ANNOTATED_CHARS):end]

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

    def _abstain(self, text: str, hits: list[Any], best: float, note: str | None = None) -> dict[str, Any]:
        passages = [hit.to_dict() | {"label": "可能相关"} for hit in hits[: self.settings.passages]]
        return self._result(text, note or ABSTAIN_TEXT, True, best, [], passages)

    @staticmethod
    def _result(question: str, answer: str, abstained: bool, confidence: float,
                citations: list[dict[str, Any]], passages: list[dict[str, Any]]) -> dict[str, Any]:
        return {"question": question, "answer": answer, "abstained": abstained, "mode": "extractive",
                "confidence": round(float(confidence), 4), "citations": citations, "passages": passages}


# Document facts that only the record or a stating line gives: when neither has it, abstain
# (the best passage would be a random body sentence); a 规划期 may be put in other words.
ABSTAINING_FIELDS = {"attachments", "tables", "doc_number", "issuer", "date", "effective_date", "valid_until", "drafter", "draft", "basis"}
REVIEW_HIT_WEIGHT = 0.8  # their fused scores come from a search of their own: counted a little less
LOCATION_NAMED = 0.6  # headings naming this share of a location question's words hold the answer
MAX_LOCATION_LEVELS = 4  # headings shown above a located passage (章 > 节 > 条 …)
MAX_TOPIC_SHOWN = 12  # a topic this short is named whole in "未提及“X”"
LEANING_PART_CHARS = 3  # a part with no more words than this leans on the part before ("最多能提高多少？")
_ASKING_WORDS = re.compile(r"(什么|多少|哪些|哪个|哪|如何|怎样|怎么|是否|能不能|会不会|要不要|有没有|吗|呢|最多|最少|能|可以|是|的|了)")
WHICH_DOCUMENTS = re.compile(r"哪(?:些|份|个|几份)(?:文件|规划|方案|报告|办法|文档)")
SPECIFIC_SHARE = 0.6  # a word used by at most this share of the documents is specific to some
PRESENCE_MAX_DOCUMENTS = 2000
MIN_DOCUMENTS_FOR_SHARES = 5  # a word used by at most this share of the documents is specific
MAX_LEAD_CHARS = 40
MAX_CAPTION_CHARS = 30
# "按《…》（附件1）执行" / "详见附件2": a sentence whose words, titles and attachment marks aside,
# are at most this many characters only points to the attachment
ATTACHMENT_POINTER = re.compile(r"》\s*[（(]附[件表]\s*\d*[）)]|(?:详见|参见|见)附[件表]")
MAX_POINTER_CHARS = 24
# A sentence that announces the list after it ("应同时符合以下条件：", "着力做好以下十一个方面工作。").
ITEM_LABEL = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|[一二三四五六七八九十]+、|[①-⑳])")
ANNOUNCES = re.compile(r"((以下|如下|下列)[^。；，]{0,16}|[：:])[。]?$")
LEAD_LABEL = re.compile(r"^[^，。；：:]{2,12}[：:]")  # "日常监测：根据…" – an item named before its text
STRUCTURE = re.compile(r"(哪几章|(?<!第)几章|哪几部分|(?<!第)几部分|哪几个部分|(?<!第)几个部分|由哪些部分|组成部分|篇章结构|结构框架|框架结构|(?:规划|方案|文件|办法|意见|报告|通知)的?目录(?!清单))")  # a paragraph's lead-in sentence ("坚持创新驱动。") is short
_KIND_CUES = re.compile("|".join(p.pattern for p in (LOCATION, LIST)) + r"|具体|主要|分别|哪些|什么|怎么|如何|举措|措施|做法|分为|分成|"
                        r"有没有|是否|提到|提及|涉及|讲到|说到|关于|包括|方面|几条|几个|几项|哪几|坚持|要求|期间")


def _review_year(documents: Any, hits: list[Any]) -> int:
    """The last year before the period of the best hit's plan (a question about it asks for a
    figure achieved, not planned); 0 when unknown."""
    for hit in hits[:1]:
        years = documents[hit.doc_id].years
        if years:
            return years[0] - 1
    return 0


_NOTICE_TITLE = re.compile(r"^[^。；，]{0,60}关于[^。；]{2,120}的(?:通知|意见|决定|批复|复函|函|公告|通告)[。]?$")


_CN_DIGITS = {ch: i + 1 for i, ch in enumerate("一二三四五六七八九")}
_ORDINAL = re.compile(r"(?:^|[：:])\s*(?:[（(]\d{1,3}[）)])?(?:([一二三四五六七八九十]{1,3})是|([①-⑳])|[（(]([一二三四五六七八九十]{1,3})[）)]|"
                      r"第([一二三四五六七八九十]{1,3})[，、,])")


def _ordinal(sentence: str) -> int | None:
    """The item number a sentence starts with ("二是…" → 2, "③…" → 3, "…以下几个方面：一是…" → 1)."""
    match = _ORDINAL.search(sentence[:60])
    if not match:
        return None
    if match.group(2):
        return ord(match.group(2)) - ord("①") + 1
    word = next(g for g in (match.group(1), match.group(3), match.group(4)) if g)
    if word == "十":
        return 10
    if word.startswith("十"):
        return 10 + _CN_DIGITS.get(word[1:], 0)
    if len(word) == 2 and word.endswith("十"):
        return _CN_DIGITS.get(word[0], 0) * 10
    return _CN_DIGITS.get(word)


def _is_title_line(quote: str, title: str) -> bool:
    """The document's title, or the title of the notice that carries it ("…关于印发《X》的通知")."""
    return quote == title or quote.rstrip("。") == title or bool(_NOTICE_TITLE.match(quote))


BASIS_SHARE = 0.15  # the 编制依据 sentence stands in the opening part of a document (前言, 第一条)
MIN_BASIS_CHARS = 3000


def _basis(doc: Any, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The sentence giving the document's basis ("根据《…》，制定本办法"), in its opening part; a
    "编制X规划" form only when X is the document's own title."""
    limit = max(MIN_BASIS_CHARS, int(len(doc.text) * BASIS_SHARE))
    for match in pattern.finditer(doc.text, 0, limit):
        own = match.groupdict().get("own")
        if own is None or (doc.title and re.sub(r"[“”\"]", "", own)[:4] in re.sub(r"[“”\"]", "", doc.title)):
            return match
    return None


WHOLE_PARAGRAPH_CHARS = 400  # a paragraph this short is answered whole (tune split: 300 -> 400 helped, 400-800 the same)
WHOLE_PARAGRAPH_SENTENCES = 6
MIN_TERM_CHARS = 3  # a word this long is a term of the topic, not an everyday word of the phrasing
PARAGRAPH_REST_CHARS = 240  # at most this much of a paragraph follows a how/why or list answer sentence
MAX_ANNOTATED_CHARS = 600  # a bracketed note annotates at most this much text before it
# A part that points back at the part before ("这项工作归在哪一条任务下？"): asked together with it.
REFERS_BACK = re.compile(r"^(?:那么?|请问)?(?:这|该|此|上述)(?:项|个|些|条|类|种|笔|部分|工作|措施|政策|规定)")
PERIOD_END = {"十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}  # last year of a five-year period
MAX_TITLE_LINE = 20  # a numbered line this short, without a clause mark, is a title
MAX_CAPTION_GAP = 400  # a table's caption line is looked for this far above the table


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the line(s) of ``text`` holding ``text[start:end]``."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end == -1 else line_end


_PREFACE = re.compile(r"^(?:围绕|关于|对于|就|针对)([^，,。？?]{2,20}?)(?:这件事|这个问题|这方面|这一块|方面|问题)?[，,]")


def _topic_preface(first_part: str) -> str:
    """The topic a multi-part question sets before its first question ("围绕RCEP办会这件事，"):
    it applies to every part; "" when the question starts with no such clause."""
    found = _PREFACE.match(first_part.strip())
    return found.group(1) if found and not _ASKING_WORDS.search(found.group(1).replace("是", "")) else ""


def _answered_before(result: dict[str, Any], earlier: list[dict[str, Any]]) -> bool:
    """Every passage ``result`` cites is cited by an earlier part's answer already."""
    if result["abstained"] or not result["citations"]:
        return False
    spans = {(c["doc_id"], c["start"]) for r in earlier if not r["abstained"] for c in r["citations"]}
    return all((c["doc_id"], c["start"]) in spans for c in result["citations"])


def _current_first(documents: Any, docs: list[str], info: QuestionInfo) -> list[list[str]]:
    """The scopes a comparison searches for one named plan, in turn: for a region with several
    plans and a question that names no period or year, its latest plan, then all of them."""
    if len(docs) < 2 or info.periods or info.years:
        return [docs]
    ends = {d: (documents[d].years or (0, 0))[-1] for d in docs}
    latest = max(ends.values())
    current = [d for d in docs if ends[d] == latest]
    return [current, docs] if latest and len(current) < len(docs) else [docs]


def _joined(text: str, targets: list[tuple[int, str, list[str]]]) -> bool:
    """Two named plans joined in the question ("台山和开平", "台山、开平、茂南", "台山十四五与开平十四五"):
    a comparison even without 分别/对比."""
    for (p1, m1, _), (p2, _, _) in zip(targets, targets[1:]):
        between = text[p1 + len(m1):p2]
        if len(between) <= 12 and re.search(r"(和|与|、|及|跟|同|以及|还是|或)", between):
            return True
    return False


def _heading_item(doc: Any, section: Any) -> Scored:
    """A section's heading line as a candidate to quote (in a list or location answer)."""
    return Scored(Candidate(doc.doc_id, section.start, section.heading_end,
                            doc.text[section.start:section.heading_end], "sentence", section.path, 0), {})


ATTACHMENT_LABEL = re.compile(r"附件\s*\d{0,2}[：:]?")
MAX_ATTACHMENT_TITLE = 60


def _named_heading(doc: Any, sec: Any) -> str:
    """A section's heading as its subject is named: an attachment's bare label ("附件2") with the
    title line under it ("附件 包头市数字政府建设考评指标")."""
    heading = sec.path[-1]
    if not ATTACHMENT_LABEL.fullmatch(heading.strip()):
        return heading
    end = doc.text.find("\n", sec.heading_end + 1)
    title = doc.text[sec.heading_end:len(doc.text) if end == -1 else end].strip()
    return f"{heading} {title}" if 0 < len(title) <= MAX_ATTACHMENT_TITLE else heading


_SERIAL = re.compile(r"\s*[\d.．、]*\s*")  # a serial-number cell ("3", "2.1") or an empty one
MAX_GROUP_ITEM_CHARS = 40  # an item cell that names a row ("合法稳定住所"), not one that states its rule


def _cell_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each cell of the table row line ``text[start:end]`` (cells joined by " | "),
    leading and trailing spaces left out."""
    spans = []
    pos = start
    for piece in text[start:end].split("|"):
        a, b = pos, pos + len(piece)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        spans.append((a, b))
        pos += len(piece) + 1
    return [s for s in spans if s[1] > s[0]]


def _line_item(doc: Any, start: int, end: int) -> Scored:
    """The line ``doc.text[start:end]`` as a candidate to quote, under its innermost section."""
    return Scored(Candidate(doc.doc_id, start, end, doc.text[start:end], "sentence", doc.section_path_at(start), 0), {})


_QUOTED_TERM = re.compile(r"[“\"]([^”\"“]{2,12})[”\"]")
# "新建、改造多少个公园？": the thing counted is the noun after the measure word.
_COUNTED = re.compile(r"(?:多少|几)(?:个|家|所|项|座|台|部|条|张|户|套|辆|处|名)([\u4e00-\u9fff]{2,6}?)(?:[？?，,。；;]|$)")


def _count_value(number: str) -> int:
    """3 for "3", "三"; 2 for "两"."""
    return 2 if number == "两" else cn_to_int(number) or 0


_LIST_MARKERS = {"circled", "paren_arabic", "arabic"}  # the outline's kinds a list line of a section opens with


def _item_marker(quote: str) -> tuple[str, int] | None:
    """(kind, number) of a list line's marker as the outline reads it: ("circled", 2) for "②…",
    ("paren_arabic", 3) for "（3）…", ("arabic", 1) for "1.…"; None for other lines."""
    marker = parse_marker(quote.strip())
    if marker is None or marker.kind not in _LIST_MARKERS or marker.number is None:
        return None
    return marker.kind, marker.number


def _child_sections(doc: Any, sec: Any) -> list[Any]:
    """The sections directly under ``sec``."""
    return [c for c in doc.sections if len(c.path) == len(sec.path) + 1 and c.path[:-1] == sec.path]


def _holding_first(pool: list[Scored], terms: list[str]) -> list[Scored]:
    """The best ``CHOICE_WINDOW`` candidates whose own text holds one of ``terms`` first, the
    rest in their order; the pool as it is when no term is given or none of them holds one."""
    if not terms:
        return pool
    holding = [i for i in pool[:CHOICE_WINDOW] if any(t in i.candidate.quote for t in terms)]
    return holding + [i for i in pool if i not in holding] if holding else pool


def _quoted_first(text: str, pool: list[Scored]) -> list[Scored]:
    """A term the question quotes ("都提到了“飞地”…分别是什么飞地") is its topic: the best
    candidates that hold it come first (period names excepted: “十四五” names a plan)."""
    return _holding_first(pool, [t for t in _QUOTED_TERM.findall(text) if not re.fullmatch(r"十[一二三四五六]五", t)])


def _counted_first(text: str, pool: list[Scored]) -> list[Scored]:
    """For "多少个X", the best candidates that name X come first (a sentence of other counts,
    "新建…住房6000套…改造项目59个", does not answer how many 公园)."""
    match = _COUNTED.search(text)
    return _holding_first(pool, [match.group(1)] if match else [])


def _choice_first(text: str, pool: list[Scored]) -> list[Scored]:
    """For a "A还是B" question, the best candidates that name an alternative in their own words
    come first (a table row whose header says it counts less than the note that states it)."""
    return _holding_first(pool, choice_alternatives(text))
