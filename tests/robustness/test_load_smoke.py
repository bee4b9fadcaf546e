"""The load test, reduced: concurrent searches and asks on one shared index, no errors.

``bench/load_test.py`` runs 8 workers × 60 s with the real model (``bench/reports/load_test.md``);
here 4 workers × 4 s on a two-plan index built with the hash embedder (this checks the thread
safety of searching and answering, not the model's speed).
"""

from __future__ import annotations

import pytest

from planqa.answer import Answerer
from planqa.index import Index
from planqa.index.build import build_index
from planqa.retrieve import Searcher
from robust_helpers import CORPUS, HashEmbedder, bench_module, make_corpus


@pytest.fixture(scope="module")
def load_test():
    return bench_module("load_test")


def test_concurrent_searches_and_asks_have_no_errors(load_test, tmp_path):
    files = {name: (CORPUS / name).read_text(encoding="utf-8") for name in
             ("jiangmen-bqw-sti-implementation-plan-2023.txt", "taishan-14th-five-year-sti-plan.txt")}
    corpus = make_corpus(tmp_path / "corpus", files)
    (corpus / "manifest.json").write_bytes((CORPUS / "manifest.json").read_bytes())
    build_index(corpus, tmp_path / "index", embedder=HashEmbedder())
    searcher = Searcher(Index.load(tmp_path / "index"), HashEmbedder())
    answerer = Answerer(searcher)
    questions = load_test.gold_questions()[:40]
    result = load_test.run_load(lambda q: searcher.search(q, k=10), answerer.ask, questions, workers=4, seconds=4)
    assert result["errors"] == 0, result["error_samples"]
    everything = result["operations"]["all"]
    assert everything["requests"] >= 8 and everything["p50_ms"] > 0
    assert result["operations"]["search"]["requests"] > 0 and result["operations"]["ask"]["requests"] > 0
    data = {"settings": {"ask_share": 0.5}, "environment": {"date": "d", "git_commit": "c", "git_dirty": False,
            "cpus": 2, "load_average_at_start": None}, "index": {}, "peak_rss_mb": 1.0, "result": result}
    report = load_test.markdown(data)
    assert report.startswith("# Load test") and "**Errors: 0**" in report
