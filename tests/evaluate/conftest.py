"""Fixtures for the evaluation tests: a small index of one real plan, built without a model."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from planqa.chunk import estimate_tokens
from planqa.embed.base import Embedder

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "eval" / "gold.jsonl"
SMALL_DOC = "jiangmen-bqw-2023"
SMALL_FILE = "jiangmen-bqw-sti-implementation-plan-2023.txt"


class HashEmbedder(Embedder):
    """Deterministic stand-in for a model: character-bigram hashing into 64 dimensions."""

    name = "test/hash-bigrams"
    dimension = 64
    max_tokens = 512

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for a, b in zip(text, text[1:]):
                out[row, hashlib.md5((a + b).encode()).digest()[0] % self.dimension] += 1.0
        return out + 1e-3

    def count_tokens(self, text: str, is_query: bool = False) -> int:
        return estimate_tokens(text)


def small_corpus(folder: Path) -> Path:
    """A corpus folder with the shortest real plan and the real corpus manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "corpus" / SMALL_FILE, folder / SMALL_FILE)
    shutil.copy(ROOT / "corpus" / "manifest.json", folder / "manifest.json")
    return folder


def gold_lines(doc_id: str = SMALL_DOC) -> list[dict]:
    """Real gold questions whose evidence all lies in ``doc_id``, plus the unanswerable ones."""
    records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in records if r["evidence"] and all(e["doc_id"] == doc_id for e in r["evidence"])
            or r["type"] == "unanswerable"]


def write_gold(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_index(tmp_path_factory) -> Path:
    """An index of the 江门 实施方案 built with the hash embedder (BM25 is real; no model loaded)."""
    from planqa.index.build import build_index

    base = tmp_path_factory.mktemp("small")
    build_index(small_corpus(base / "corpus"), base / "index", embedder=HashEmbedder())
    return base / "index"


@pytest.fixture
def tiny_gold(tmp_path) -> Path:
    """Two factual, one paraphrase, one broad and one unanswerable question on the small index."""
    lines = gold_lines()
    picked = [r for r in lines if r["type"] == "factual"][:2] + [r for r in lines if r["type"] == "paraphrase"][:1]
    picked += [r for r in lines if r["type"] == "broad"][:1] + [r for r in lines if r["type"] == "unanswerable"][:1]
    return write_gold(tmp_path / "gold.jsonl", picked)
