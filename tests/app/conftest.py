"""App tests run app.py (or one page) with AppTest against the session's real two-plan index.

``app_env`` points the app at that index read-only; ``writable_app_env`` at a private copy
of the index and its corpus (for uploads and removals). Judgments go to a temporary store
and the gold set is cut down to the questions whose evidence lies in the two plans.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from apphelpers import ROOT

TWO_PLANS = {"taishan-14fyp", "jiangmen-bqw-2023"}


def _gold(path: Path) -> Path:
    keep = []
    for line in (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["type"] != "unanswerable" and {e["doc_id"] for e in record["evidence"]} <= TWO_PLANS:
            keep.append(line)
    path.write_text("\n".join(keep[:12]) + "\n", encoding="utf-8")
    return path


def _point(monkeypatch, tmp_path: Path, index_dir: Path, corpus_dir: Path) -> dict[str, Path]:
    env = {"PLANQA_INDEX": index_dir, "PLANQA_CORPUS": corpus_dir,
           "PLANQA_JUDGMENTS": tmp_path / "judgments.sqlite", "PLANQA_GOLD": _gold(tmp_path / "gold.jsonl")}
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    return env


@pytest.fixture
def app_env(monkeypatch, tmp_path, two_plan_index):
    return _point(monkeypatch, tmp_path, two_plan_index, two_plan_index.parent / "corpus")


@pytest.fixture
def writable_app_env(monkeypatch, tmp_path, two_plan_index):
    index_dir = tmp_path / "index"
    shutil.copytree(two_plan_index, index_dir, symlinks=True)
    corpus_dir = shutil.copytree(two_plan_index.parent / "corpus", tmp_path / "corpus")
    return _point(monkeypatch, tmp_path, index_dir, corpus_dir)
