"""Helpers shared by the evaluation tests: a model-free embedder, a small corpus, gold subsets."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np

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


class ListRetriever:
    """A retriever returning the first k chunks of the index, for the registry tests."""

    def __init__(self, index_dir: Path):
        from planqa.index import Index

        self.chunks = Index.load(index_dir).chunks

    @classmethod
    def load(cls, index_dir: Path) -> "ListRetriever":
        return cls(index_dir)

    def search(self, query: str, k: int) -> list:
        from types import SimpleNamespace

        return [SimpleNamespace(chunk_id=c.id, doc_id=c.doc_id, start=c.start, end=c.end, text=c.text, section="")
                for c in self.chunks[:k]]


class QuoteAnswerer:
    """A stand-in for planqa.answer.Answerer: answers with the gold quote, abstains on the rest."""

    def __init__(self, documents: dict[str, str], gold: dict[str, list[dict]]):
        self.documents = documents
        self.gold = gold

    @classmethod
    def load(cls, index_dir: Path) -> "QuoteAnswerer":
        from planqa.index import Index

        documents = {d: doc.text for d, doc in Index.load(index_dir).documents.items()}
        records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
        return cls(documents, {r["question"]: r["evidence"] for r in records})

    def ask(self, question: str) -> dict:
        evidence = self.gold.get(question) or []
        if not evidence:
            return {"answer": "未找到依据。", "abstained": True, "citations": []}
        sentences, citations = [], []
        for n, ev in enumerate(evidence, start=1):
            start = self.documents[ev["doc_id"]].find(ev["quote"])
            sentences.append(f"{ev['quote']}。[{n}]")
            citations.append({"doc_id": ev["doc_id"], "quote": ev["quote"], "start": start, "end": start + len(ev["quote"])})
        return {"answer": "".join(sentences), "abstained": False, "citations": citations}
