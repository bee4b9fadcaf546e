"""The ``eval`` command end to end on a small index (BM25 only: no model), JSON shape, reports,
gold validation failures, BEIR export, judgments as extra qrels and the retriever registry."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pytest

from planqa.cli import main
from planqa.evaluate.metrics import METRICS

from evalhelpers import ROOT, SMALL_DOC, gold_lines, write_gold


def run_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["eval", *args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_eval_bm25_json_shape(small_index, tiny_gold, capsys):
    code, data = run_json(capsys, "--index", str(small_index), "--gold", str(tiny_gold), "--retrievers", "bm25", "--no-report")
    assert code == 0
    assert set(data) >= {"retrievers", "questions", "excluded_unanswerable", "gold_problems"}
    assert data["questions"] == 4 and data["excluded_unanswerable"] == 1 and data["gold_problems"] == []
    bm25 = data["retrievers"]["bm25"]
    assert set(bm25) == {"overall", "by_type", "by_doc", "latency_ms"}
    assert set(METRICS) <= set(bm25["overall"]) and bm25["overall"]["n"] == 4
    assert all(0.0 <= bm25["overall"][m] <= 1.0 for m in METRICS)
    assert set(bm25["by_type"]) == {"factual", "paraphrase", "broad"} and bm25["by_type"]["factual"]["n"] == 2
    assert set(bm25["by_doc"]) == {SMALL_DOC}
    assert set(bm25["latency_ms"]) >= {"median", "p95"} and bm25["latency_ms"]["n"] == 4
    assert data["settings"]["embedder"]["name"] == "test/hash-bigrams"


def test_eval_prints_tables_and_writes_reports(small_index, tiny_gold, tmp_path, capsys):
    reports = tmp_path / "reports"
    code = main(["eval", "--index", str(small_index), "--gold", str(tiny_gold), "--retrievers", "bm25",
                 "--report-dir", str(reports)])
    out = capsys.readouterr().out
    assert code == 0
    assert "| bm25 |" in out and "By question type" in out and "1 unanswerable excluded" in out
    names = sorted(p.name for p in reports.iterdir())
    stem = next(n for n in names if n.endswith(".png"))[: -len(".png")]
    assert stem.endswith("-bm25-hash-bigrams")
    assert names == [f"{stem}-misses.md", f"{stem}.md", f"{stem}.png"]
    report = (reports / f"{stem}.md").read_text(encoding="utf-8")
    assert "## Overall" in report and "## By question type" in report and "## Settings" in report
    assert "test/hash-bigrams" in report and f"{stem}-misses.md" in report
    assert (reports / f"{stem}-misses.md").read_text(encoding="utf-8").startswith("# Retrieval misses")
    assert (reports / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"


def test_gold_that_does_not_match_the_index_exits_1(small_index, tmp_path, capsys):
    records = gold_lines()[:3]
    records[1] = {**records[1], "evidence": [{"doc_id": SMALL_DOC, "quote": "这句话不在文件里出现过"}]}
    bad = write_gold(tmp_path / "bad.jsonl", records)
    code, data = run_json(capsys, "--index", str(small_index), "--gold", str(bad), "--retrievers", "bm25", "--no-report")
    assert code == 1 and data["retrievers"] == {}
    assert any("quote not found verbatim" in p for p in data["gold_problems"])
    assert main(["eval", "--index", str(small_index), "--gold", str(bad), "--retrievers", "bm25", "--no-report"]) == 1
    assert "quote not found verbatim" in capsys.readouterr().err
    malformed = tmp_path / "malformed.jsonl"
    malformed.write_text('{"id": "q1"\n', encoding="utf-8")
    assert main(["eval", "--index", str(small_index), "--gold", str(malformed), "--no-report"]) == 1
    assert "malformed.jsonl:1" in capsys.readouterr().err


def test_gold_failure_exit_status_of_the_process(small_index, tmp_path):
    bad = write_gold(tmp_path / "bad.jsonl", [{"id": "q1", "question": "问", "type": "factual",
                                              "evidence": [{"doc_id": "no-such-doc", "quote": "某句话"}]}])
    proc = subprocess.run([sys.executable, "-m", "planqa", "eval", "--index", str(small_index), "--gold", str(bad),
                           "--no-report"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 1 and "unknown doc_id 'no-such-doc'" in proc.stderr


def test_export_beir(small_index, tiny_gold, tmp_path, capsys):
    out = tmp_path / "beir"
    assert main(["eval", "--index", str(small_index), "--gold", str(tiny_gold), "--export-beir", "--beir-dir", str(out)]) == 0
    corpus = [json.loads(x) for x in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = [json.loads(x) for x in (out / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    qrels = (out / "qrels.tsv").read_text(encoding="utf-8").splitlines()
    assert set(corpus[0]) >= {"_id", "title", "text"} and len({c["_id"] for c in corpus}) == len(corpus)
    assert len(queries) == 5 and {q["metadata"]["type"] for q in queries} >= {"factual", "unanswerable"}
    assert qrels[0] == "query-id\tcorpus-id\tscore"
    rows = [line.split("\t") for line in qrels[1:]]
    ids = {c["_id"] for c in corpus}
    assert rows and all(pid in ids and score == "1" for _, pid, score in rows)
    unanswerable = next(q["_id"] for q in queries if q["metadata"]["type"] == "unanswerable")
    assert {qid for qid, _, _ in rows} == {q["_id"] for q in queries} - {unanswerable}


def test_judgments_add_relevant_passages(small_index, tiny_gold, tmp_path):
    from planqa.evaluate.gold import load_gold
    from planqa.evaluate.judgments import JudgmentStore
    from planqa.evaluate.runner import run_evaluation

    question = load_gold(tiny_gold)[0]
    before = run_evaluation(small_index, tiny_gold, ["bm25"])
    hits = before.retrievers["bm25"].hits[question.id]
    wrong = next(h for h in hits if before.retrievers["bm25"].first_relevant[question.id] != h.rank)
    with JudgmentStore(tmp_path / "j.sqlite") as store:
        store.record(question.question, wrong.doc_id, wrong.start, wrong.end, wrong.chunk_id, 2, "alice")
        store.record("a query that is not in the gold set", wrong.doc_id, wrong.start, wrong.end, wrong.chunk_id, 2, "alice")
    after = run_evaluation(small_index, tiny_gold, ["bm25"], judgments_path=tmp_path / "j.sqlite")
    assert after.settings["judgments"]["queries_matched"] == 1
    assert after.settings["judgments"]["queries_not_in_gold"] == 1
    assert after.judged[question.id] == [(wrong.doc_id, wrong.start, wrong.end)]
    assert after.retrievers["bm25"].first_relevant[question.id] <= min(
        wrong.rank, before.retrievers["bm25"].first_relevant[question.id] or 99)


def test_registry_baseline_and_module_class(small_index, tiny_gold, monkeypatch, capsys):
    from planqa.evaluate import retrievers

    module = types.ModuleType("planqa.retrieve.baseline")
    from evalhelpers import ListRetriever

    module.BaselineRetriever = ListRetriever
    monkeypatch.setitem(sys.modules, "planqa.retrieve.baseline", module)
    assert "baseline" in retrievers.available()
    spec = "evalhelpers:ListRetriever"
    code, data = run_json(capsys, "--index", str(small_index), "--gold", str(tiny_gold),
                          "--retrievers", f"bm25,baseline,{spec}", "--no-report")
    assert code == 0 and list(data["retrievers"]) == ["bm25", "baseline", spec]
    assert data["retrievers"]["baseline"]["overall"] == data["retrievers"][spec]["overall"]
    assert main(["eval", "--index", str(small_index), "--gold", str(tiny_gold), "--retrievers", "nope", "--no-report"]) == 2
    assert "unknown retriever 'nope'" in capsys.readouterr().err


@pytest.mark.slow
def test_eval_all_retrievers_with_the_real_model(tmp_path_factory, tiny_gold, capsys):
    from planqa.index.build import build_index

    from evalhelpers import small_corpus

    base = tmp_path_factory.mktemp("real")
    build_index(small_corpus(base / "corpus"), base / "index")
    code, data = run_json(capsys, "--index", str(base / "index"), "--gold", str(tiny_gold), "--no-report")
    assert code == 0 and list(data["retrievers"]) == ["bm25", "dense", "hybrid"]
    for result in data["retrievers"].values():
        assert result["overall"]["n"] == 4 and result["latency_ms"]["p95"] >= result["latency_ms"]["median"] > 0
    assert data["retrievers"]["hybrid"]["overall"]["hit@5"] >= 0.5


def test_answers_hook_with_a_stand_in_answerer(small_index, tiny_gold, monkeypatch, capsys):
    import importlib.machinery

    from evalhelpers import QuoteAnswerer

    module = types.ModuleType("planqa.answer")
    module.__spec__ = importlib.machinery.ModuleSpec("planqa.answer", None)
    module.Answerer = QuoteAnswerer
    monkeypatch.setitem(sys.modules, "planqa.answer", module)
    code, data = run_json(capsys, "--index", str(small_index), "--gold", str(tiny_gold), "--retrievers", "bm25",
                          "--answers", "--no-report")
    assert code == 0
    answers = data["answers"]
    assert answers["questions"] == 5 and answers["key_string_accuracy"] == 1.0 and answers["citation_support"] == 1.0
    assert answers["abstention"] == {"precision": 1.0, "recall": 1.0, "tp": 1, "fp": 0, "fn": 0}
    assert answers["key_misses"] == [] and answers["latency_ms"]["n"] == 5
