"""Odd queries: a clear error or sensible results, never a traceback.

Searches run on a two-plan index built with the hash embedder (BM25 is real); what is checked
is what reaches the user, not ranking quality.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from planqa.errors import PlanqaError
from planqa.index import Index
from planqa.index.build import build_index
from planqa.retrieve import Searcher
from planqa.retrieve.query import to_simplified
from planqa.retrieve.validate import DEFAULT_MAX_QUERY_CHARS, validate_query
from robust_helpers import GOOD_A, GOOD_B, ROOT, HashEmbedder, child_env, make_corpus

# query → the message the user sees (a fragment), or None for results
QUERIES: dict[str, str | None] = {
    "": "the query is empty",
    "   \n\t\u3000 ": "the query is empty",
    "高新技术企业" * 1667: f"the query is too long (10002 characters; at most {DEFAULT_MAX_QUERY_CHARS})",
    "？？？！！！。。。": "has nothing to search for: it holds only punctuation, symbols or emoji",
    "...": "has nothing to search for",
    "😀🎉🚀": "has nothing to search for",
    "\x00\x01\u200b": "the query is empty",
    "高新技术企业🚀目标": None,
    "<script>alert('x')</script>": None,
    "<b>中微子</b>": None,
    "'; DROP TABLE judgments; --": None,
    "SELECT * FROM chunks WHERE 1=1": None,
    "開平市國家高新技術企業存量目標": None,
    "\x00中微子\x1b[0m实验站": None,
    "ＡＢＣ２０２５年": None,
    "的": None,
}
IDS = ["empty", "whitespace", "10k-chars", "punctuation", "dots", "emoji", "controls-only", "emoji-in-text",
       "script", "html", "sql-drop", "sql-select", "traditional", "controls-in-text", "fullwidth", "stopword"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("queries")
    corpus = make_corpus(base / "corpus", {"kaiping.txt": GOOD_A, "taishan.txt": GOOD_B})
    build_index(corpus, base / "index", embedder=HashEmbedder())
    return base / "index"


@pytest.fixture(scope="module")
def searcher(index_dir) -> Searcher:
    return Searcher(Index.load(index_dir), HashEmbedder())


@pytest.fixture(scope="module")
def answerer(searcher):
    from planqa.answer import Answerer

    return Answerer(searcher)


@pytest.mark.parametrize(("query", "message"), list(QUERIES.items()), ids=IDS)
def test_search_gives_results_or_a_clear_error(searcher, query, message):
    if message is None:
        hits = searcher.search(query, k=3)
        assert isinstance(hits, list)
        for hit in hits:
            assert searcher.index.documents[hit.doc_id].text[hit.start:hit.end] == hit.text
    else:
        with pytest.raises(PlanqaError, match=message.replace("(", r"\(").replace(")", r"\)")):
            searcher.search(query, k=3)


@pytest.mark.parametrize(("query", "message"), list(QUERIES.items()), ids=IDS)
def test_ask_gives_an_answer_or_a_clear_error(answerer, query, message):
    if message is None:
        result = answerer.ask(query)
        assert result["answer"] and isinstance(result["abstained"], bool)
    else:
        with pytest.raises(PlanqaError, match="the question "):
            answerer.ask(query)


def test_traditional_query_finds_simplified_text(searcher):
    assert to_simplified("開平市國家高新技術企業") == "开平市国家高新技术企业"
    assert to_simplified("开平市国家高新技术企业") == "开平市国家高新技术企业"  # simplified stays as is
    hits = searcher.search("開平市國家高新技術企業存量", k=3, retriever="bm25")
    assert hits and hits[0].doc_id == "kaiping" and "高新技术企业存量" in hits[0].text
    assert [h.chunk_id for h in hits] == [h.chunk_id for h in searcher.search("开平市国家高新技术企业存量", k=3,
                                                                              retriever="bm25")]


def test_query_validation_details(monkeypatch):
    assert validate_query("  中微子\n实验站 ") == "中微子 实验站"
    assert validate_query("<script>alert(1)</script>") == "<script>alert(1)</script>"  # text, never run
    with pytest.raises(PlanqaError, match="must be text, not int"):
        validate_query(123)
    with pytest.raises(PlanqaError, match="the question is empty"):
        validate_query(None, "question")
    monkeypatch.setenv("PLANQA_MAX_QUERY_CHARS", "5")
    with pytest.raises(PlanqaError, match=r"too long \(6 characters; at most 5\).*PLANQA_MAX_QUERY_CHARS"):
        validate_query("科技创新规划")
    monkeypatch.setenv("PLANQA_MAX_QUERY_CHARS", "lots")
    with pytest.raises(PlanqaError, match="PLANQA_MAX_QUERY_CHARS='lots' is not a whole number"):
        validate_query("科技")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_validation_never_raises_anything_else(text):
    try:
        query = validate_query(text)
    except PlanqaError:
        return
    assert query == query.strip() and query and "\x00" not in query


def test_search_command_prints_errors_not_tracebacks(index_dir, tmp_path):
    queries = tmp_path / "queries.txt"
    odd = ["？？？", "高" * 5000, "<script>alert(1)</script>", "'; DROP TABLE x; --", "開平市高新技術企業", "😀"]
    queries.write_text("\n".join(odd) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "planqa", "search", "--index", str(index_dir), "--retriever", "bm25", "--json"]
    many = subprocess.run(command + ["--queries", str(queries)], capture_output=True, text=True, encoding="utf-8",
                          cwd=ROOT, env=child_env(), timeout=300)
    assert many.returncode == 0 and "Traceback" not in many.stderr, many.stderr[-2000:]
    results = [json.loads(line) for line in many.stdout.splitlines()]
    assert len(results) == len(odd)
    assert "nothing to search for" in results[0]["error"] and "too long" in results[1]["error"]
    assert isinstance(results[2], list) and isinstance(results[3], list) and results[4][0]["doc_id"] == "kaiping"
    assert "nothing to search for" in results[5]["error"]
    one = subprocess.run(command + ["！？"], capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                         env=child_env(), timeout=300)
    assert one.returncode == 2 and "Traceback" not in one.stderr
    assert one.stderr.strip() == ("planqa: error: the query '！？' has nothing to search for: "
                                  "it holds only punctuation, symbols or emoji")
