"""The judgments store: upsert, export, consensus, agreement/kappa, and durability under SIGKILL."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planqa.errors import PlanqaError
from planqa.evaluate.judgments import JudgmentStore, cohen_kappa, consensus_grade, query_id

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path):
    with JudgmentStore(tmp_path / "j" / "judgments.sqlite") as s:
        yield s


def test_upsert_replaces_the_grade_of_the_same_evaluator(store):
    store.record("开平 中微子", "kaiping", 10, 50, "c1", 1, "alice")
    store.record(" 开平 中微子 ", "kaiping", 10, 50, "c1", 2, "alice")  # same query once stripped
    store.record("开平 中微子", "kaiping", 10, 50, "c1", 0, "bob")
    store.record("开平 中微子", "kaiping", 60, 90, "c2", 1, "alice")
    store.record("另一个问题", "taishan", 0, 5, "c9", 2, "alice")
    rows = store.for_query("开平 中微子")
    assert [(j.start, j.evaluator, j.grade) for j in rows] == [(10, "alice", 2), (10, "bob", 0), (60, "alice", 1)]
    assert len(store.all()) == 4
    assert rows[0].judged_at.endswith("Z") and "T" in rows[0].judged_at


def test_invalid_judgments_are_refused(store):
    with pytest.raises(PlanqaError):
        store.record("q", "d", 0, 1, "c", 3, "alice")
    with pytest.raises(PlanqaError):
        store.record("  ", "d", 0, 1, "c", 1, "alice")
    with pytest.raises(PlanqaError):
        store.record("q", "d", 0, 1, "c", 1, " ")
    assert store.all() == []


def test_export_trec_uses_consensus_grades(store, tmp_path):
    store.record("q one", "d", 0, 10, "c1", 2, "alice")
    store.record("q one", "d", 0, 10, "c1", 1, "bob")  # mean 1.5 -> 2
    store.record("q one", "d", 20, 30, "c2", 0, "alice")
    store.record("q two", "e", 5, 9, "c3", 1, "bob")
    n = store.export_trec(tmp_path / "out" / "qrels.txt")
    lines = (tmp_path / "out" / "qrels.txt").read_text(encoding="utf-8").splitlines()
    qid = query_id("q one")
    assert n == 3 and sorted(lines) == lines
    assert f"{qid} 0 c1 2" in lines and f"{qid} 0 c2 0" in lines and f"{query_id('q two')} 0 c3 1" in lines
    assert query_id("q one") == query_id(" q one ") != query_id("q two")
    assert store.relevant_spans() == {"q one": [("d", 0, 10)], "q two": [("e", 5, 9)]}


def test_consensus_grade():
    assert consensus_grade([2]) == 2
    assert consensus_grade([0, 1]) == 1 and consensus_grade([0, 0, 1]) == 0 and consensus_grade([1, 2]) == 2


def test_cohen_kappa_by_hand():
    # 10 items: po = 0.7; A says 1 six times, B five times: pe = 0.6*0.5 + 0.4*0.5 = 0.5 -> (0.7-0.5)/0.5
    pairs = [(1, 1)] * 4 + [(0, 0)] * 3 + [(1, 0)] * 2 + [(0, 1)]
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    # three grades: po = 0.75, pe = .5*.25 + .25*.5 + .25*.25 = 0.3125 -> 0.4375 / 0.6875
    assert cohen_kappa([(2, 2), (1, 1), (0, 0), (2, 1)]) == pytest.approx(0.4375 / 0.6875)
    assert cohen_kappa([(1, 0), (0, 1)]) == pytest.approx(-1.0)
    assert cohen_kappa([(1, 1), (1, 1)]) is None  # p_e = 1: undefined
    assert cohen_kappa([]) is None


def test_agreement_over_items_judged_twice(store):
    for start, (a, b) in enumerate([(1, 1), (1, 1), (1, 1), (1, 1), (0, 0), (0, 0), (0, 0), (1, 0), (1, 0), (0, 1)]):
        store.record("q", "d", start, start + 1, f"c{start}", a, "alice")
        store.record("q", "d", start, start + 1, f"c{start}", b, "bob")
    store.record("q", "d", 99, 100, "c99", 2, "alice")  # judged once: not counted
    store.record("q", "d", 0, 1, "c0", 0, "carol")  # a third evaluator on item 0
    agreement = store.agreement()
    assert agreement["items"] == 10
    assert agreement["by_pair"]["alice × bob"]["pairs"] == 10
    assert agreement["by_pair"]["alice × bob"]["agreement"] == pytest.approx(0.7)
    assert agreement["by_pair"]["alice × bob"]["kappa"] == pytest.approx(0.4)
    assert agreement["by_pair"]["alice × carol"] == {"pairs": 1, "agreement": 0.0, "kappa": 0.0}
    assert agreement["pairs"] == 12 and agreement["agreement"] == pytest.approx(7 / 12)


def test_agreement_without_shared_items(store):
    store.record("q", "d", 0, 1, "c", 1, "alice")
    assert store.agreement() == {"items": 0, "pairs": 0, "agreement": None, "kappa": None, "by_pair": {}}


CHILD = """
import sys
from planqa.evaluate.judgments import JudgmentStore
store = JudgmentStore(sys.argv[1])
first = int(sys.argv[2])
for i in range(first, first + 100000):
    store.record(f"query {i % 7}", "doc", i, i + 10, f"c{i}", i % 3, f"e{i % 2}")
    print(f"ack {i}", flush=True)
"""


def test_killed_writers_never_lose_acknowledged_judgments(tmp_path):
    path = tmp_path / "judgments.sqlite"
    rng = random.Random(7)
    acked: set[int] = set()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for round_no in range(5):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(round_no * 100000)],
                                 stdout=subprocess.PIPE, text=True, env=env)
        wanted = rng.randint(1, 40)
        seen = 0
        while seen < wanted:
            line = child.stdout.readline()
            assert line, "the writer stopped early"
            acked.add(int(line.split()[1]))
            seen += 1
        time.sleep(rng.uniform(0, 0.02))  # land the kill anywhere, mid-write included
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate()
        acked.update(int(line.split()[1]) for line in rest.splitlines() if line.startswith("ack "))
        assert child.returncode == -signal.SIGKILL
        with JudgmentStore(path) as store:
            stored = {j.start: j for j in store.all()}
        assert acked <= set(stored), f"round {round_no}: lost {sorted(acked - set(stored))[:5]}"
        for i in acked:
            assert (stored[i].grade, stored[i].chunk_id, stored[i].evaluator) == (i % 3, f"c{i}", f"e{i % 2}")
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(acked) >= 5
