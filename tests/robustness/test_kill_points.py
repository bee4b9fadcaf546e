"""SIGKILL at many points of an index build and a document add leaves a loadable, consistent index.

Reduced counts of ``bench/kill_points.py`` (which runs every step; see its docstring and
``bench/reports/kill_points.md``): each round kills a fresh process at one file-system step (the
pointer swap and the step after it always among them) or at a random moment, then checks the live
index, the corpus and a recovery build. Judgment writes under SIGKILL are tested in
``tests/evaluate/test_judgments.py``. Builds use the deterministic hash embedder: this checks
durability, not retrieval quality.
"""

from __future__ import annotations

import pytest

from robust_helpers import bench_module


@pytest.fixture(scope="module")
def kill_points():
    return bench_module("kill_points")


def test_killed_builds_and_adds_leave_the_old_or_the_new_index(kill_points, tmp_path):
    data = kill_points.run_all(build_steps=3, build_timed=1, add_steps=3, add_timed=1, judgments=0,
                               seed=11, work=tmp_path)
    by_name = {r["scenario"]: r for r in data["scenarios"]}
    for name in ("build", "add"):
        result = by_name[name]
        assert result["failures"] == [], result["failures"]
        assert result["rounds"] == 4 and result["step_kills"] == 3
        assert result["old_live"] >= 1 and result["new_live"] >= 1  # killed before and after the swap
        killed_at = {d["label"] for d in result["details"] if d.get("label")}
        assert "replace index/CURRENT.tmp -> index/CURRENT" in killed_at
    assert data["failures"] == 0
    report = kill_points.markdown(data)
    assert report.startswith("# Kill points") and "**Failures: 0**" in report


def test_pick_steps_always_includes_the_pointer_swap(kill_points):
    labels = ["mkdir index"] * 10 + ["replace index/CURRENT.tmp -> index/CURRENT", "fsync", "rmtree index/v-*"]
    assert kill_points.pick_steps(labels, 2) == [11, 12]
    assert 11 in kill_points.pick_steps(labels, 4) and len(kill_points.pick_steps(labels, 4)) == 4
    assert kill_points.pick_steps(labels, 99) == list(range(1, 14))
