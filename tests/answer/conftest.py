"""A small index of two corpus plans (台山十四五, 江门百千万), built once per test session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
SMALL_DOCS = ("taishan-14fyp", "jiangmen-bqw-2023")


@pytest.fixture(scope="session")
def small_index(tmp_path_factory) -> Path:
    """Index folder of two plans; the repository's embedding cache (if any) is copied in for speed."""
    from planqa.index.build import build_index

    base = tmp_path_factory.mktemp("answer")
    corpus = base / "corpus"
    corpus.mkdir()
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if d["doc_id"] in SMALL_DOCS]
    for entry in manifest["documents"]:
        shutil.copy(CORPUS / entry["file"], corpus / entry["file"])
    (corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    index_dir = base / "index"
    cache = ROOT / "index" / "cache"
    if cache.is_dir():
        shutil.copytree(cache, index_dir / "cache")
    build_index(corpus, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def answerer(small_index):
    from planqa.answer import Answerer

    return Answerer.load(small_index)
