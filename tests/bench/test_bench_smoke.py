"""The search benchmark runs end to end on a tiny index and writes its report files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tiny_index(tmp_path: Path, corpus_dir: Path) -> Path:
    """An index of the first ~2,400 characters of one corpus file (about ten chunks)."""
    from planqa.index.build import build_index

    text = (corpus_dir / "jiangmen-bqw-sti-implementation-plan-2023.txt").read_text(encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "jiangmen-tiny.txt").write_text(text[: text[:2500].rfind("\n") + 1], encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    return tmp_path / "index"


@pytest.mark.slow
def test_search_bench_smoke(tiny_index: Path, tmp_path: Path):
    out = tmp_path / "reports"
    command = [sys.executable, str(ROOT / "bench" / "search_bench.py"), "--index", str(tiny_index),
               "--corpus", str(tmp_path / "corpus"), "--skip-cold", "--queries", "2", "--warmup", "1",
               "--modes", "hybrid,bm25", "--out", str(out)]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Search benchmark" in completed.stdout

    data = json.loads((out / "search_bench.json").read_text(encoding="utf-8"))
    assert (out / "search_bench.md").read_text(encoding="utf-8").startswith("# Search benchmark")
    for side in ("planqa", "baseline"):
        latency = data["latency"][side]
        assert latency["queries"] == 2 and latency["peak_rss_mb"] > 0
        assert latency["search_ms"]["hybrid"]["p50"] > 0 and latency["embed_query_ms"]["p50"] > 0
        assert set(latency["search_ms"]) == {"hybrid", "bm25"}
        warm = data["builds"][side]["warm"]
        assert warm["chunks"] > 0 and warm["embedded"] == 0  # the copied cache made it warm
        assert "cold" not in data["builds"][side]
    assert data["ratios"]["search_hybrid_p50"] is not None
    assert (tiny_index / "baseline" / "baseline.json").is_file()
