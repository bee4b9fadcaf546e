"""Answer metrics: key-string accuracy, citation support, abstention precision/recall.

An answer is the dict ``planqa.answer.Answerer.ask(question)`` returns::

    {"answer": "到2025年国家高新技术企业达到200家。[1]", "abstained": False,
     "citations": [{"doc_id": "taishan-14fyp", "quote": "...", "start": 120, "end": 160}], ...}

``[n]`` in the answer text points at ``citations[n - 1]``. The metric functions are pure; only
``evaluate_answers`` loads the answering module (when it exists).
"""

from __future__ import annotations

import importlib
import logging
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

from planqa.errors import PlanqaError
from planqa.evaluate.gold import GoldQuestion

log = logging.getLogger(__name__)
MARKER = re.compile(r"\[(\d+)\]")
# A sentence: text up to its end mark(s), with any [n] markers that follow the end mark.
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*(?:[ \t]*\[\d+\])*")
_TRIM = " \t\u3000。！？!?；;，,：:"


# A label the answerer puts before a plan's line ("【台山市…规划】") or a note of its own that quotes
# nothing ("【文档信息】…", "【开平市…规划】未找到。"): labels are stripped, notes are not claims.
LABEL = re.compile(r"^【[^】\n]{1,120}】")


def answer_sentences(text: str) -> list[str]:
    """The sentences of an answer text, each with its [n] markers; blank ones and the answerer's
    own notes (a 【…】 label and no [n]) dropped."""
    out = []
    for line in (text or "").split("\n"):
        if LABEL.match(line.strip()) and not MARKER.search(line):
            continue  # a note of the answerer's own ("【开平市…规划】未找到。")
        pending = ""  # pieces of one quoted passage that itself holds sentence ends, up to its [n]
        for sentence in (m.group(0) for m in SENTENCE.finditer(line)):  # unstripped: "。 | " inside a row stays
            if not MARKER.sub("", sentence).strip(_TRIM):
                continue
            if not MARKER.search(sentence):
                pending += sentence
                continue
            out.append((pending + sentence).strip())
            pending = ""
        if pending.strip():
            out.append(pending.strip())
    return out


_YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def row_rendering_supported(core: str, quote: str) -> bool:
    """An indicator-table row read as a sentence ("高新技术企业数量：2020年164家，2025年目标225家…")
    is supported by its row ("2 | 高新技术企业数量 | 家 | 164 | 190 | 225 | 新增61家") when the
    indicator name and every figure of the sentence, except the years taken from the header, are in
    the row."""
    if " | " not in quote or "：" not in core:
        return False
    name = core.split("：", 1)[0]
    figures = _NUMBER.findall(_YEAR.sub("", core))
    cells = set(_NUMBER.findall(quote))
    return bool(name) and name in quote and all(figure in cells for figure in figures)


def sentence_supported(sentence: str, citations: Sequence[Mapping[str, Any]], documents: Mapping[str, str]) -> bool:
    """True when one of the sentence's [n] citations is verbatim and contains the sentence.

    Verbatim: ``quote == documents[doc_id][start:end]``. Contains: the sentence without its
    markers, surrounding spaces and end punctuation is a substring of the quote — or, for an
    indicator-table row rendered as a sentence, ``row_rendering_supported``.
    """
    core = LABEL.sub("", MARKER.sub("", sentence).strip(_TRIM)).strip(_TRIM)
    for number in MARKER.findall(sentence):
        index = int(number) - 1
        if not 0 <= index < len(citations):
            continue
        cite = citations[index]
        text = documents.get(cite.get("doc_id", ""))
        quote = cite.get("quote") or ""
        start, end = cite.get("start"), cite.get("end")
        if text is None or not isinstance(start, int) or not isinstance(end, int):
            continue
        if quote and text[start:end] == quote and (core in quote or row_rendering_supported(core, quote)):
            return True
    return False


def citation_support(answer: Mapping[str, Any], documents: Mapping[str, str]) -> tuple[int, int]:
    """(supported sentences, sentences) of one answer; an abstention has no sentences."""
    if answer.get("abstained"):
        return 0, 0
    sentences = answer_sentences(answer.get("answer") or "")
    citations = answer.get("citations") or []
    return sum(sentence_supported(s, citations, documents) for s in sentences), len(sentences)


def keys_present(text: str, keys: Sequence[str]) -> bool:
    """Every answer key occurs in the answer text (no keys: False)."""
    return bool(keys) and all(key in (text or "") for key in keys)


def key_string_accuracy(pairs: Sequence[tuple[GoldQuestion, Mapping[str, Any]]]) -> float | None:
    """Share of factual questions with answer keys whose (non-abstained) answer contains all keys."""
    scored = [(q, a) for q, a in pairs if q.type == "factual" and q.answer_keys]
    if not scored:
        return None
    return sum(1 for q, a in scored if not a.get("abstained") and keys_present(a.get("answer", ""), q.answer_keys)) / len(scored)


def abstention_scores(pairs: Sequence[tuple[GoldQuestion, Mapping[str, Any]]]) -> dict[str, float | int | None]:
    """Precision and recall of abstaining, with "the question is unanswerable" as the positive class."""
    tp = sum(1 for q, a in pairs if not q.answerable and a.get("abstained"))
    fp = sum(1 for q, a in pairs if q.answerable and a.get("abstained"))
    fn = sum(1 for q, a in pairs if not q.answerable and not a.get("abstained"))
    return {"precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None,
            "tp": tp, "fp": fp, "fn": fn}


def answer_correct(question: GoldQuestion, answer: Mapping[str, Any]) -> bool:
    """The answer is right: an unanswerable question abstains; an answerable one does not, and
    its answer holds every answer key (without keys: it cites a document of the evidence)."""
    if not question.answerable:
        return bool(answer.get("abstained"))
    if answer.get("abstained"):
        return False
    if question.answer_keys:
        return keys_present(answer.get("answer", ""), question.answer_keys)
    cited = {c.get("doc_id") for c in answer.get("citations") or []}
    return bool(cited & {ev.doc_id for ev in question.evidence})


def answer_metrics(pairs: Sequence[tuple[GoldQuestion, Mapping[str, Any]]], documents: Mapping[str, str]) -> dict[str, Any]:
    """All answer metrics over (question, answer) pairs; ``by_kind`` repeats them for each
    (split, kind) of the questions that have one ("old": the questions written before kinds)."""
    result = _metrics(pairs, documents)
    groups: dict[str, list[tuple[GoldQuestion, Mapping[str, Any]]]] = {}
    for q, a in pairs:
        split = q.split or "all"
        for key in (f"{split}/{q.kind or 'old'}", f"{split}/all"):
            groups.setdefault(key, []).append((q, a))
    result["by_kind"] = {key: _metrics(group, documents) for key, group in sorted(groups.items())}
    return result


def _metrics(pairs: Sequence[tuple[GoldQuestion, Mapping[str, Any]]], documents: Mapping[str, str]) -> dict[str, Any]:
    supported = total = 0
    for _, answer in pairs:
        s, n = citation_support(answer, documents)
        supported, total = supported + s, total + n
    answerable = [a for q, a in pairs if q.answerable]
    return {
        "questions": len(pairs),
        "answer_correct": sum(answer_correct(q, a) for q, a in pairs) / len(pairs) if pairs else None,
        "key_string_accuracy": key_string_accuracy(pairs),
        "citation_support": supported / total if total else None,
        "cited_sentences": total,
        "abstention": abstention_scores(pairs),
        "abstained_answerable": (sum(1 for a in answerable if a.get("abstained")) / len(answerable)
                                 if answerable else None),
    }


def answerer_available() -> bool:
    """True when ``planqa.answer`` can be imported and exposes ``Answerer``."""
    try:
        module = importlib.import_module("planqa.answer")
    except ImportError:
        return False
    return hasattr(getattr(module, "Answerer", None), "load")


def load_answerer(index_dir: Any, searcher: Any = None) -> Any:
    """``Answerer.load(index_dir)``, or an Answerer around an already loaded Searcher (one model in memory)."""
    if not answerer_available():
        raise PlanqaError("answer metrics need planqa.answer with Answerer.load(index_dir) and .ask(question)")
    import inspect

    from planqa.answer import Answerer  # type: ignore[attr-defined]

    params = list(inspect.signature(Answerer).parameters)
    if searcher is not None and params[:1] == ["searcher"]:
        return Answerer(searcher)
    return Answerer.load(index_dir)


def evaluate_answers(index_dir: Any, questions: Sequence[GoldQuestion], documents: Mapping[str, str],
                     searcher: Any = None) -> dict[str, Any]:
    """Ask every gold question through ``planqa.answer.Answerer`` and score the answers."""
    from planqa.evaluate.metrics import latency_summary

    answerer = load_answerer(index_dir, searcher)
    pairs, latencies, misses = [], [], []
    for question in questions:
        started = time.perf_counter()
        answer = dict(answerer.ask(question.question))
        latencies.append((time.perf_counter() - started) * 1000)
        pairs.append((question, answer))
        wrong = (question.type == "factual" and question.answer_keys and (
            answer.get("abstained") or not keys_present(answer.get("answer", ""), question.answer_keys)))
        if wrong or (question.kind and not answer_correct(question, answer)):
            misses.append({"id": question.id, "kind": question.kind, "split": question.split,
                           "question": question.question, "keys": question.answer_keys,
                           "answer": answer.get("answer", ""), "abstained": bool(answer.get("abstained"))})
    return {**answer_metrics(pairs, documents), "latency_ms": latency_summary(latencies), "key_misses": misses}
