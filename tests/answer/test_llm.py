"""Generative mode against a tiny OpenAI-compatible server on 127.0.0.1 (started by the test)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from planqa.answer.llm import GenerativeAnswerer, LLMClient, LLMError, build_messages, verify
from planqa.retrieve.searcher import Hit

PASSAGES = [
    "到2025年，全市国家高新技术企业数量达到200家以上，高新技术产品产值占规模以上工业总产值比重力争达到56.0%以上。",
    "支持中镁科技与重庆大学共建镁合金研发平台。",
]
EXTRACTIVE = {"question": "台山到2025年国家高新技术企业要达到多少家？", "answer": PASSAGES[0] + "[1]",
              "abstained": False, "mode": "extractive", "confidence": 1.2,
              "citations": [{"n": 1, "doc_id": "ts", "title": "台山规划", "section": "目标", "quote": PASSAGES[0],
                             "start": 0, "end": len(PASSAGES[0])}], "passages": []}


class FakeAnswerer:
    """Stands in for the extractive answerer: a canned answer and two retrieved passages."""

    def __init__(self, abstained: bool = False):
        self.abstained = abstained

    def ask(self, question: str) -> dict:
        return dict(EXTRACTIVE, abstained=self.abstained)

    def retrieve(self, question: str) -> list[Hit]:
        hits, pos = [], 0
        for rank, text in enumerate(PASSAGES, start=1):
            hits.append(Hit(rank, 1.0 / rank, "ts", "台山规划", "目标", text, pos, pos + len(text), f"c{rank}", "台山市", "十四五"))
            pos += len(text) + 1
        return hits


class Server:
    """A one-route OpenAI-compatible server whose reply (and delay) each test sets."""

    def __init__(self):
        self.reply = ""
        self.delay = 0.0
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
                server.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                time.sleep(server.delay)
                payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": server.reply}}]},
                                     ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def test_supported_answer_is_kept_and_cited(server):
    server.reply = "到2025年，台山国家高新技术企业数量要达到200家以上。[1]"
    client = LLMClient(server.url, "test-model", api_key="secret", timeout=5)
    result = GenerativeAnswerer(FakeAnswerer(), client).ask(EXTRACTIVE["question"])
    assert result["mode"] == "generative" and not result["abstained"]
    assert result["answer"] == server.reply and result["unsupported"] == []
    cite = result["citations"][0]
    assert cite["n"] == 1 and cite["quote"] == PASSAGES[0] and cite["end"] - cite["start"] == len(PASSAGES[0])
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer secret"
    assert request["body"]["model"] == "test-model"
    assert "[2]" in request["body"]["messages"][1]["content"] and "问题：" in request["body"]["messages"][1]["content"]


def test_sentence_with_an_unsupported_number_is_dropped(server):
    server.reply = ("到2025年国家高新技术企业达到200家。[1]"
                    "同时计划新增科技企业孵化器35家。[1]"
                    "中镁科技与重庆大学合作研发镁合金。[2]")
    result = GenerativeAnswerer(FakeAnswerer(), LLMClient(server.url, "m", timeout=5)).ask("q")
    assert result["mode"] == "generative"
    assert "35家" not in result["answer"] and "200家" in result["answer"] and "重庆大学" in result["answer"]
    assert result["unsupported"] == ["同时计划新增科技企业孵化器35家。[1]"]
    assert [c["n"] for c in result["citations"]] == [1, 2]


def test_all_unsupported_falls_back_to_extractive(server):
    server.reply = "台山将建设300家高新技术企业。[1]清华大学将在台山设分校。[2]"
    result = GenerativeAnswerer(FakeAnswerer(), LLMClient(server.url, "m", timeout=5)).ask("q")
    assert result["mode"] == "extractive" and result["answer"] == EXTRACTIVE["answer"]
    assert "no generated sentence" in result["fallback"] and len(result["unsupported"]) == 2


def test_timeout_falls_back_to_extractive(server):
    server.reply = "到2025年国家高新技术企业达到200家。[1]"
    server.delay = 2.0
    started = time.perf_counter()
    result = GenerativeAnswerer(FakeAnswerer(), LLMClient(server.url, "m", timeout=0.3)).ask("q")
    assert time.perf_counter() - started < 1.9
    assert result["mode"] == "extractive" and result["answer"] == EXTRACTIVE["answer"]
    assert "no answer within" in result["fallback"]


def test_unreachable_endpoint_and_abstention():
    client = LLMClient("http://127.0.0.1:9/v1", "m", timeout=1)
    with pytest.raises(LLMError):
        client.complete([{"role": "user", "content": "hi"}])
    assert GenerativeAnswerer(FakeAnswerer(), client).ask("q")["mode"] == "extractive"
    abstained = GenerativeAnswerer(FakeAnswerer(abstained=True), client).ask("q")
    assert abstained["abstained"] and "fallback" not in abstained  # weak evidence: nothing is sent


def test_verify_and_messages():
    passages = [{"text": PASSAGES[0], "title": "t", "section": "s"}, {"text": PASSAGES[1], "title": "t", "section": "s"}]
    assert verify("国家高新技术企业达到200家。[1]", passages)
    assert not verify("国家高新技术企业达到200家。", passages)  # no citation
    assert not verify("国家高新技术企业达到200家。[3]", passages)  # no such passage
    assert not verify("中镁科技与重庆大学合作。[1]", passages)  # entity only in passage 2
    assert verify("“中镁科技”与重庆大学合作。[2]", [passages[0], {"text": "“中镁科技”与重庆大学", "title": "", "section": ""}])
    messages = build_messages("问？", passages)
    assert messages[0]["role"] == "system" and "[n]" in messages[0]["content"]
    assert messages[1]["content"].startswith("问题：问？") and "[1]《t》s" in messages[1]["content"]
