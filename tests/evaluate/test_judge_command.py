"""The ``judge`` command with piped stdin, and its --list, --export and --agreement views."""

from __future__ import annotations

import io
import subprocess
import sys

from evalhelpers import ROOT

from planqa.cli import main
from planqa.evaluate.judgments import JudgmentStore, query_id

QUERY = "科技特派员 百千万工程"


def judge(monkeypatch, capsys, index, db, stdin: str, evaluator: str, *extra: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["judge", "--index", str(index), "--judgments", str(db), "--retriever", "bm25",
                 "--evaluator", evaluator, *extra, QUERY])
    return code, capsys.readouterr().out


def test_grades_from_piped_stdin(small_index, tmp_path, monkeypatch, capsys):
    db = tmp_path / "j.sqlite"
    code, out = judge(monkeypatch, capsys, small_index, db, "2\nmaybe\ns\n0\n", "alice", "--k", "3")
    assert code == 0
    assert "1. 江门市" in out and "›" in out and "please type 0, 1, 2, s or q" in out
    assert "recorded 2 judgment(s)" in out
    with JudgmentStore(db) as store:
        rows = store.for_query(QUERY)
    assert sorted(j.grade for j in rows) == [0, 2] and {j.evaluator for j in rows} == {"alice"}
    assert all(j.chunk_id and j.end > j.start for j in rows)

    # a second evaluator; input ends early (EOF) after two grades
    code, out = judge(monkeypatch, capsys, small_index, db, "2\n1\n", "bob", "--k", "3")
    assert code == 0 and "recorded 2 judgment(s)" in out
    # re-judging shows the earlier grade and replaces it; q stops
    code, out = judge(monkeypatch, capsys, small_index, db, "1\nq\n", "alice", "--k", "3")
    assert "(your earlier grade: 2)" in out and "recorded 1 judgment(s)" in out

    assert main(["judge", "--judgments", str(db), "--list"]) == 0
    listing = capsys.readouterr().out
    assert "4 judgment(s)" in listing and query_id(QUERY) in listing and "alice" in listing and "bob" in listing

    export = tmp_path / "qrels.txt"
    assert main(["judge", "--judgments", str(db), "--export", str(export)]) == 0
    lines = export.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(line.startswith(query_id(QUERY) + " 0 ") for line in lines)
    capsys.readouterr()

    assert main(["judge", "--judgments", str(db), "--agreement"]) == 0
    agreement = capsys.readouterr().out
    # only the first result was judged by both (alice 1 after re-judging, bob 2): no agreement
    assert "1 passage(s) judged by two or more evaluators" in agreement and "exact agreement 0.000" in agreement


def test_judge_needs_a_query(tmp_path, capsys):
    assert main(["judge", "--judgments", str(tmp_path / "j.sqlite")]) == 2
    assert "give a query" in capsys.readouterr().err


def test_judge_in_a_real_pipe(small_index, tmp_path):
    db = tmp_path / "j.sqlite"
    proc = subprocess.run([sys.executable, "-m", "planqa", "judge", "--index", str(small_index), "--judgments", str(db),
                           "--retriever", "bm25", "--k", "2", "--evaluator", "carol", QUERY],
                          input="1\n2\n", capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "recorded 2 judgment(s)" in proc.stdout
    with JudgmentStore(db) as store:
        assert sorted(j.grade for j in store.all()) == [1, 2]
