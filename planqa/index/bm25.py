"""Keyword search: BM25 (via bm25s) over texts tokenized by ``ChineseTokenizer``.

Scores come from bm25s's sparse index; top-k selection and filtering are done here
rather than with ``retrieve(weight_mask=...)``, because bm25s multiplies scores by the
mask, so masked rows (score 0) can still fill top-k slots, and ``retrieve`` refuses
``k`` larger than the corpus. Only rows that contain at least one query token are
returned, so a query whose tokens are all unknown or stopwords returns ``[]``.

On disk (``save``/``load``): bm25s's own files in ``<dir>/bm25s`` (``.npy`` arrays written
and read with ``allow_pickle=False``, vocabulary and parameters as JSON), plus
``<dir>/bm25.json`` with the parameters, row count and tokenizer settings/fingerprint.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import numpy as np

from planqa.errors import IndexMismatchError, MissingDependencyError
from planqa.tokenize import ChineseTokenizer

logger = logging.getLogger(__name__)

DEFAULT_PARAMS: dict[str, Any] = {"k1": 1.5, "b": 0.75, "method": "lucene"}
MANIFEST_NAME = "bm25.json"
BM25S_DIRNAME = "bm25s"
FORMAT_VERSION = 1

_QUESTION_PHRASES = sorted(
    """请问 请告诉我 请介绍一下 请介绍 介绍一下 是多少 有多少 多少 有哪些 是哪些 包括哪些 哪些
    是什么 有什么 什么 是怎样的 怎么样 怎样 怎么 如何 为什么 为何 是否 能否 可否 是不是
    哪个 哪里 何时""".split(),
    key=len,
    reverse=True,
)
_QUESTION_RE = re.compile("|".join(map(re.escape, _QUESTION_PHRASES)))
_TRAILING_PARTICLE_RE = re.compile(r"[吗呢吧][\s?？!！。.]*$|[?？!！。]+")


def normalize_query_for_keywords(question: str) -> str:
    """Strip Chinese question phrasing (是多少, 有哪些, 如何, 吗, ？ ...) from a question.

    Pure string function. Removed phrases become spaces, so the words around them are
    not glued into new words: "高新技术企业数量目标是多少？" -> "高新技术企业数量目标".
    The same words are also tokenizer stopwords; stripping them first keeps the
    segmentation of the remaining words the same as in the documents.
    """
    text = _TRAILING_PARTICLE_RE.sub(" ", question)
    text = _QUESTION_RE.sub(" ", text)
    return " ".join(text.split())


def _import_bm25s() -> Any:
    try:
        import bm25s  # noqa: PLC0415
    except ImportError as exc:
        raise MissingDependencyError("bm25s", "Keyword (BM25) search") from exc
    return bm25s


class BM25Index:
    """BM25 index over a list of texts; results are row ids into that list."""

    def __init__(
        self, retriever: Any, tokenizer: ChineseTokenizer, num_docs: int, params: dict[str, Any]
    ):
        self._retriever = retriever  # None when no text had any token
        self.tokenizer = tokenizer
        self.num_docs = num_docs
        self.params = dict(params)

    def __len__(self) -> int:
        return self.num_docs

    @classmethod
    def build(
        cls,
        texts: list[str],
        tokenizer: ChineseTokenizer,
        *,
        k1: float = DEFAULT_PARAMS["k1"],
        b: float = DEFAULT_PARAMS["b"],
        method: str = DEFAULT_PARAMS["method"],
    ) -> BM25Index:
        """Tokenize ``texts`` and build the index (row i is ``texts[i]``)."""
        bm25s = _import_bm25s()
        params = {"k1": k1, "b": b, "method": method}
        corpus_tokens = tokenizer.tokenize_many(texts)
        retriever = None
        if any(corpus_tokens):
            retriever = bm25s.BM25(k1=k1, b=b, method=method)
            retriever.index(corpus_tokens, show_progress=False)
        vocab_size = len(retriever.vocab_dict) if retriever is not None else 0
        logger.info("BM25 index built: %d texts, %d distinct tokens", len(texts), vocab_size)
        return cls(retriever, tokenizer, len(texts), params)

    def manifest(self) -> dict[str, Any]:
        """What ``save`` records: format, engine version, params, rows, tokenizer."""
        return {
            "format_version": FORMAT_VERSION,
            "engine": "bm25s",
            "engine_version": getattr(_import_bm25s(), "__version__", "?"),
            "params": self.params,
            "num_docs": self.num_docs,
            "empty": self._retriever is None,
            "tokenizer": self.tokenizer.settings.to_dict(),
            "tokenizer_fingerprint": self.tokenizer.fingerprint(),
        }

    def search(
        self, query: str, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Best ``k`` rows for ``query`` as ``(row, score)``, best first (ties: lower row).

        ``allowed`` is a boolean mask over rows; only allowed rows are ranked, so up to
        ``k`` allowed matching rows come back. The query goes through
        ``normalize_query_for_keywords`` first.
        """
        if allowed is not None:
            allowed = np.asarray(allowed)
            if allowed.dtype != np.bool_ or allowed.shape != (self.num_docs,):
                raise ValueError(
                    f"allowed must be a boolean array of shape ({self.num_docs},), "
                    f"got {allowed.dtype} {allowed.shape}"
                )
        if k <= 0 or self._retriever is None:
            return []
        vocab = self._retriever.vocab_dict
        tokens = self.tokenizer.tokenize(normalize_query_for_keywords(query))
        token_ids = [vocab[t] for t in tokens if t in vocab]
        if not token_ids:
            return []
        data = self._retriever.scores
        indptr, indices = data["indptr"], data["indices"]
        matched = np.zeros(self.num_docs, dtype=bool)
        for token_id in set(token_ids):
            matched[indices[indptr[token_id] : indptr[token_id + 1]]] = True
        if allowed is not None:
            matched &= allowed
        rows = np.flatnonzero(matched)
        if rows.size == 0:
            return []
        scores = self._retriever.get_scores_from_ids(token_ids)[rows]
        if rows.size > k:
            keep = np.argpartition(-scores, k - 1)[:k]
            threshold = scores[keep].min()
            keep = np.flatnonzero(scores >= threshold)  # keep ties at the cut for stable order
            rows, scores = rows[keep], scores[keep]
        order = np.lexsort((rows, -scores))[:k]
        return [(int(rows[i]), float(scores[i])) for i in order]

    def save(self, directory: Path) -> None:
        """Write the index to ``directory`` as .npy/JSON files (no pickle)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(
                str(directory / BM25S_DIRNAME), allow_pickle=False, show_progress=False
            )
        tmp = directory / (MANIFEST_NAME + ".tmp")
        tmp.write_text(json.dumps(self.manifest(), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(directory / MANIFEST_NAME)

    @classmethod
    def load(cls, directory: Path, tokenizer: ChineseTokenizer) -> BM25Index:
        """Read an index written by ``save``; ``tokenizer`` must match the one used to build it."""
        directory = Path(directory)
        manifest_path = directory / MANIFEST_NAME
        if not manifest_path.is_file():
            raise FileNotFoundError(
                f"{directory}: no keyword index here ({MANIFEST_NAME} is missing)"
            )
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"{manifest_path}: keyword index format {manifest.get('format_version')!r}, "
                f"this planqa reads {FORMAT_VERSION}; rebuild the index"
            )
        if manifest.get("tokenizer_fingerprint") != tokenizer.fingerprint():
            raise IndexMismatchError(
                f"{manifest_path}: keyword index was built with other tokenizer settings or "
                f"dictionaries ({manifest.get('tokenizer')}) than requested "
                f"({tokenizer.settings.to_dict()}); rebuild the index"
            )
        retriever = None
        if not manifest.get("empty"):
            retriever = _import_bm25s().BM25.load(
                str(directory / BM25S_DIRNAME), allow_pickle=False, mmap=False, load_corpus=False
            )
            if retriever.scores["num_docs"] != manifest["num_docs"]:
                raise IndexMismatchError(
                    f"{directory}: bm25s files hold {retriever.scores['num_docs']} rows, "
                    f"{MANIFEST_NAME} says {manifest['num_docs']}; rebuild the index"
                )
        return cls(retriever, tokenizer, int(manifest["num_docs"]), manifest["params"])
