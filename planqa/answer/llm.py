"""Optional generative answers through an OpenAI-compatible endpoint, checked against the plans.

Configured by ``PLANQA_LLM_BASE_URL`` (e.g. ``http://127.0.0.1:8000/v1``), ``PLANQA_LLM_MODEL``
and ``PLANQA_LLM_API_KEY`` (or the ``ask`` flags). The model gets the question and the retrieved
passages numbered [1]…[k] and must answer in Chinese, citing [n] after every sentence. Every
sentence is then verified against the passages it cites: its figures, years and named entities
(quoted names, 《titles》, organisations, parks …) must appear there, otherwise it is dropped
(and listed under ``unsupported``). If the call fails, times out, or no sentence survives, the
extractive answer is returned instead (``fallback`` says why). Questions the extractive
answerer abstains on are not sent. HTTP uses the standard library only.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import urllib.error
import urllib.request
from typing import Any

from planqa.errors import PlanqaError

log = logging.getLogger(__name__)
SYSTEM_PROMPT = (
    "你是政府规划文件问答助手。只能依据用户给出的编号段落回答，用简洁的中文作答。"
    "每一句话末尾都必须用[n]标注其依据的段落编号，例如“到2025年高新技术企业达到200家。[1]”。"
    "不要使用段落以外的信息，不要编造数字；如果段落中没有答案，只回答：未在已收录的规划文件中找到答案。"
)
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*(?:\s*\[\d+\])*")
_MARKER = re.compile(r"\[(\d+)\]")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_ENTITY = re.compile(
    r"“([^”]{2,30})”|《([^》]{2,40})》|"
    r"([\u4e00-\u9fff]{2,12}(?:大学|学院|公司|集团|实验室|研究院|研究所|银行|医院|园区|产业园|工业园|高新区|基地|协会|联合会))"
)


class LLMError(PlanqaError):
    """The LLM endpoint could not be used (network, timeout, bad response)."""


class LLMClient:
    """Minimal client of an OpenAI-compatible ``/chat/completions`` endpoint (urllib only)."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 30.0):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The assistant's reply text; raises ``LLMError``."""
        body = json.dumps({"model": self.model, "messages": messages, "temperature": 0}, ensure_ascii=False)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, body.encode("utf-8"), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = json.loads(response.read().decode("utf-8"))
        except (socket.timeout, TimeoutError) as exc:
            raise LLMError(f"{self.url}: no answer within {self.timeout:g} s") from exc
        except urllib.error.HTTPError as exc:
            raise LLMError(f"{self.url}: HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise LLMError(f"{self.url}: {getattr(exc, 'reason', exc)}") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise LLMError(f"{self.url}: the reply is not JSON") from exc
        try:
            return str(data["choices"][0]["message"]["content"])
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"{self.url}: unexpected reply {str(data)[:200]}") from exc


def build_messages(question: str, passages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The chat messages: instructions, then the question and the numbered passages."""
    numbered = "\n\n".join(f"[{i}]《{p['title']}》{p['section']}\n{p['text']}" for i, p in enumerate(passages, start=1))
    return [{"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"问题：{question}\n\n段落：\n{numbered}"}]


def facts(sentence: str) -> tuple[set[str], set[str], set[str]]:
    """(figures, quoted or titled names, organisation-like names) a sentence states."""
    core = _MARKER.sub("", sentence)
    names, organisations = set(), set()
    for match in _ENTITY.finditer(core):
        quoted, title, organisation = match.groups()
        if organisation:
            organisations.add(organisation)
        else:
            names.add(quoted or title)
    return set(_FIGURE.findall(core)), names, organisations


def _organisation_in(name: str, source: str, shortest: int = 4) -> bool:
    """An organisation-like name is found when it, or a tail of it ("…重庆大学"), is in the source;
    the pattern may have taken a few words before the name ("与重庆大学")."""
    return any(name[i:] in source for i in range(0, max(1, len(name) - shortest + 1)))


def verify(sentence: str, passages: list[dict[str, Any]]) -> bool:
    """The sentence cites passages that exist and state all of its figures and entities."""
    cited = [int(n) for n in _MARKER.findall(sentence)]
    if not cited or not all(1 <= n <= len(passages) for n in cited):
        return False
    source = "".join(passages[n - 1]["text"] for n in cited)
    source_figures = set(_FIGURE.findall(source))
    figures, names, organisations = facts(sentence)
    return (figures <= source_figures and all(n in source for n in names)
            and all(_organisation_in(o, source) for o in organisations))


class GenerativeAnswerer:
    """Wraps an extractive ``Answerer``: generate with the LLM, verify, else fall back."""

    def __init__(self, answerer: Any, client: LLMClient, max_passages: int = 6):
        self.answerer = answerer
        self.client = client
        self.max_passages = max_passages

    def ask(self, question: str) -> dict[str, Any]:
        extractive = self.answerer.ask(question)
        if extractive["abstained"]:
            return extractive
        hits = [h.to_dict() for h in self.answerer.retrieve(question)[: self.max_passages]]
        try:
            reply = self.client.complete(build_messages(extractive["question"], hits))
        except LLMError as exc:
            log.warning("LLM answer failed, answering extractively: %s", exc)
            return {**extractive, "fallback": str(exc)}
        return self._checked(extractive, reply, hits)

    def _checked(self, extractive: dict[str, Any], reply: str, hits: list[dict[str, Any]]) -> dict[str, Any]:
        kept, dropped = [], []
        for match in _SENTENCE.finditer(reply):
            sentence = match.group(0).strip()
            if _MARKER.sub("", sentence).strip(" 。，；"):
                (kept if verify(sentence, hits) else dropped).append(sentence)
        if dropped:
            log.info("dropped %d unsupported generated sentence(s)", len(dropped))
        if not kept:
            return {**extractive, "fallback": "no generated sentence was supported by its passages",
                    "unsupported": dropped}
        numbers: dict[int, int] = {}
        citations, used = [], []
        for sentence in kept:
            for n in map(int, _MARKER.findall(sentence)):
                if n not in numbers:
                    numbers[n] = len(numbers) + 1
                    hit = hits[n - 1]
                    used.append(hit)
                    citations.append({"n": numbers[n], "doc_id": hit["doc_id"], "title": hit["title"],
                                      "section": hit["section"], "quote": hit["text"], "start": hit["start"],
                                      "end": hit["end"], "region": hit["region"], "period": hit["period"]})
        answer = "\n".join(_MARKER.sub(lambda m: f"[{numbers[int(m.group(1))]}]", s) for s in kept)
        return {"question": extractive["question"], "answer": answer, "abstained": False, "mode": "generative",
                "confidence": extractive.get("confidence"), "citations": citations,
                "passages": [h | {"label": "引用"} for h in used], "unsupported": dropped}
