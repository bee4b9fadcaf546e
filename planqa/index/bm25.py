"""Keyword search: BM25 (via bm25s) over texts tokenized by ``ChineseTokenizer``.

Scores come from bm25s's sparse index; top-k selection and filtering are done here
rather than with ``retrieve(weight_mask=...)``, because bm25s multiplies scores by the
mask, so masked rows (score 0) can still fill top-k slots, and ``retrieve`` refuses
``k`` larger than the corpus. Only rows that contain at least one query token are
returned, so a query whose tokens are all unknown or stopwords returns ``[]``.

At scale (a million chunks) two things matter, both measured in ``bench/scale/``:

* **Build**: the score matrix is computed with vectorised numpy (``from_tokens``), in the
  same format and with the same arithmetic as bm25s (lucene idf and tf normalisation; the
  scores are bit-identical), but in seconds and without bm25s's per-token Python objects.
* **Query**: a common word ("科技", "企业") occurs in most chunks, so adding up every posting
  list costs tens of milliseconds at a million rows. Search adds the query's terms in
  decreasing order of their best possible contribution (``term_max`` × query count) and
  stops early once the terms left cannot lift a row that holds none of the terms added so
  far above the current k-th score (MaxScore); rows still in reach are then scored exactly
  on the remaining terms. The result is exactly that of scoring every row.

On disk (``save``/``load``): bm25s's own files in ``<dir>/bm25s`` (``.npy`` arrays written
and read with ``allow_pickle=False``, vocabulary and parameters as JSON; memory-mapped on
load), ``<dir>/term_max.npy`` (each term's largest score; recomputed if missing), plus
``<dir>/bm25.json`` with the parameters, row count and tokenizer settings/fingerprint.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from itertools import chain
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from planqa.errors import IndexMismatchError, MissingDependencyError
from planqa.tokenize import ChineseTokenizer

logger = logging.getLogger(__name__)

DEFAULT_PARAMS: dict[str, Any] = {"k1": 1.5, "b": 0.75, "method": "lucene"}
MANIFEST_NAME = "bm25.json"
BM25S_DIRNAME = "bm25s"
TERM_MAX_NAME = "term_max.npy"
FORMAT_VERSION = 1
BUILD_BLOCK_TOKENS = 4_000_000  # tokens turned into (row, term, tf) triples at a time
PRUNE_FROM_POSTINGS = 200_000  # below this many postings a query simply scores every row
PRUNE_SAFETY = 1 + 1e-4  # margin on the bound of the terms left (float32 sums)
LOOKUP_COST = 20  # looking a row up in a posting list costs about as much as adding 20 postings
SAMPLE_TERMS = 2  # terms whose best rows are scored in full to bound the k-th score from below
SAMPLE_PER_TERM = 2  # × k best rows per such term

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
        self,
        retriever: Any,
        tokenizer: ChineseTokenizer,
        num_docs: int,
        params: dict[str, Any],
        term_max: np.ndarray | None = None,
    ):
        self._retriever = retriever  # None when no text had any token
        self.tokenizer = tokenizer
        self.num_docs = num_docs
        self.params = dict(params)
        self._term_max = term_max

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
        return cls.from_tokens((tokenizer.tokenize(t) for t in texts), tokenizer, k1=k1, b=b, method=method)

    @classmethod
    def from_tokens(
        cls,
        token_lists: Iterable[Sequence[str]],
        tokenizer: ChineseTokenizer,
        *,
        k1: float = DEFAULT_PARAMS["k1"],
        b: float = DEFAULT_PARAMS["b"],
        method: str = DEFAULT_PARAMS["method"],
    ) -> BM25Index:
        """Build from texts already tokenized by ``tokenizer`` (row i is the i-th token list).

        Streams: token lists are turned into (row, term, tf) triples a block at a time, so
        memory holds the triples, not the tokens.
        """
        if method != "lucene":
            raise ValueError(f"BM25 method {method!r} is not supported (planqa uses 'lucene')")
        bm25s = _import_bm25s()
        params = {"k1": k1, "b": b, "method": method}
        vocab: dict[str, int] = {}
        lengths: list[int] = []
        triples: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        block: list[Sequence[str]] = []
        block_tokens = 0

        def flush() -> None:
            nonlocal block, block_tokens
            if block:
                triples.append(_block_triples(block, len(lengths), vocab))
                lengths.extend(len(tokens) for tokens in block)
            block, block_tokens = [], 0

        for tokens in token_lists:
            block.append(tokens)
            block_tokens += len(tokens)
            if block_tokens >= BUILD_BLOCK_TOKENS:
                flush()
        flush()
        num_docs = len(lengths)
        if not vocab:
            logger.info("BM25 index built: %d texts, no tokens", num_docs)
            return cls(None, tokenizer, num_docs, params)
        rows, terms, tf = (np.concatenate(parts) for parts in zip(*[t for t in triples if len(t[0])]))
        triples.clear()
        data, indices, indptr = _lucene_scores(rows, terms, tf, np.asarray(lengths), len(vocab), k1, b)
        retriever = bm25s.BM25(k1=k1, b=b, method=method)
        retriever.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": num_docs}
        retriever.nonoccurrence_array = None  # lucene has none
        vocab.setdefault("", len(vocab))  # what bm25s adds (create_empty_token)
        retriever.vocab_dict = vocab
        retriever.unique_token_ids_set = set(vocab.values())
        logger.info("BM25 index built: %d texts, %d distinct tokens, %d postings", num_docs, len(vocab), len(data))
        return cls(retriever, tokenizer, num_docs, params, _term_max(data, indptr))

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

    @property
    def term_max(self) -> np.ndarray:
        """Each term's largest score over all rows (computed once if the index files lack it)."""
        if self._term_max is None:
            scores = self._retriever.scores
            self._term_max = _term_max(scores["data"], scores["indptr"])
        return self._term_max

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
        weights = Counter(vocab[t] for t in tokens if t in vocab)
        if not weights:
            return []
        rows, scores = self._top_rows(weights, k, allowed)
        if rows.size == 0:
            return []
        if rows.size > k:
            keep = np.argpartition(-scores, k - 1)[:k]
            threshold = scores[keep].min()
            keep = np.flatnonzero(scores >= threshold)  # keep ties at the cut for stable order
            rows, scores = rows[keep], scores[keep]
        order = np.lexsort((rows, -scores))[:k]
        return [(int(rows[i]), float(scores[i])) for i in order]

    def _top_rows(
        self, weights: Counter[int], k: int, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows that may be in the top ``k``, with their exact scores (see the module doc).

        Terms are added best-first (by their bound ``term_max`` × query count) into a score
        array. ``theta``, a lower bound of the final k-th score, is the k-th best full score
        of a few rows picked up front. Once the terms left cannot lift a row from below
        ``theta - bound(rest)`` to ``theta``, and looking the rows above that up in the
        remaining posting lists is cheaper than adding those lists whole, the rows are
        finished by lookup and returned. Each row's score is summed in the same term order
        (float32) whichever way it is computed, so the top k equals that of scoring every row.
        """
        data = self._retriever.scores["data"]
        indices = self._retriever.scores["indices"]
        indptr = self._retriever.scores["indptr"]
        term_max = self.term_max
        order = sorted(weights, key=lambda t: (-weights[t] * float(term_max[t]), t))
        spans = [(int(indptr[t]), int(indptr[t + 1])) for t in order]
        factors = [np.float32(weights[t]) for t in order]
        bounds = [weights[t] * float(term_max[t]) for t in order]
        rest = np.cumsum(bounds[::-1])[::-1].tolist()[1:] + [0.0]  # rest[i]: bound of order[i + 1:]
        postings = sum(end - start for start, end in spans)
        theta = 0.0
        if postings > PRUNE_FROM_POSTINGS and len(order) > 1:
            theta = self._kth_of_sample(spans, factors, k, allowed)
        acc = np.zeros(self.num_docs, dtype=np.float32)
        lengths = [end - start for start, end in spans]
        left_postings = np.cumsum(lengths[::-1])[::-1].tolist()[1:] + [0]  # postings of order[i + 1:]
        check_from = max(PRUNE_FROM_POSTINGS // 4, self.num_docs // 64)
        for i, ((start, end), factor) in enumerate(zip(spans, factors)):
            contribution = data[start:end] if factor == 1 else data[start:end] * factor
            np.add.at(acc, indices[start:end], contribution)
            bound = rest[i] * PRUNE_SAFETY
            if theta <= 0 or i + 1 == len(order) or bound >= theta or lengths[i + 1] < check_from:
                continue
            cut = np.float32(theta - bound)
            budget = left_postings[i] / ((len(order) - i - 1) * LOOKUP_COST)  # rows worth looking up
            if np.count_nonzero(acc[::16] >= cut) * 16 > 2 * budget:
                continue  # clearly too many rows in reach (estimated on every 16th row)
            in_reach = acc >= cut
            if np.count_nonzero(in_reach) > budget:
                continue  # adding the remaining lists whole is cheaper than looking the rows up
            rows = np.flatnonzero(in_reach)
            if allowed is not None:
                rows = rows[allowed[rows]]
            scores = acc[rows]
            for (start2, end2), factor2 in zip(spans[i + 1:], factors[i + 1:]):
                scores += _lookup(indices[start2:end2], data[start2:end2], rows, factor2)
            return rows, scores
        # every row is complete now; none below theta (≤ the k-th score) can be in the top k
        rows = np.flatnonzero(acc >= np.float32(theta)) if theta > 0 else np.flatnonzero(acc)
        if allowed is not None:
            rows = rows[allowed[rows]]
        return rows, acc[rows]

    def _kth_of_sample(
        self, spans: list[tuple[int, int]], factors: list[np.float32], k: int, allowed: np.ndarray | None
    ) -> float:
        """A lower bound of the k-th best score: the k-th best full score among the rows that
        score best on each of the first few terms (0.0 when fewer than k such rows)."""
        data = self._retriever.scores["data"]
        indices = self._retriever.scores["indices"]
        picks = []
        for start, end in spans[:SAMPLE_TERMS]:
            take = min(end - start, SAMPLE_PER_TERM * k)
            best = np.argpartition(data[start:end], end - start - take)[end - start - take:]
            picks.append(np.asarray(indices[start:end])[best])
        rows = np.unique(np.concatenate(picks)).astype(np.int64)
        if allowed is not None:
            rows = rows[allowed[rows]]
        if rows.size < k:
            return 0.0
        scores = np.zeros(rows.size, dtype=np.float32)
        for (start, end), factor in zip(spans, factors):
            scores += _lookup(indices[start:end], data[start:end], rows, factor)
        return float(np.partition(scores, rows.size - k)[rows.size - k])

    def save(self, directory: Path) -> None:
        """Write the index to ``directory`` as .npy/JSON files (no pickle)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(
                str(directory / BM25S_DIRNAME), allow_pickle=False, show_progress=False
            )
            np.save(directory / TERM_MAX_NAME, self.term_max, allow_pickle=False)
        tmp = directory / (MANIFEST_NAME + ".tmp")
        tmp.write_text(json.dumps(self.manifest(), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(directory / MANIFEST_NAME)

    @classmethod
    def load(cls, directory: Path, tokenizer: ChineseTokenizer, mmap: bool = True) -> BM25Index:
        """Read an index written by ``save``; ``tokenizer`` must match the one used to build it.

        With ``mmap`` the score arrays stay in their files and are paged in as queries read them.
        """
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
        retriever = term_max = None
        if not manifest.get("empty"):
            retriever = _import_bm25s().BM25.load(
                str(directory / BM25S_DIRNAME), allow_pickle=False, mmap=mmap, load_corpus=False
            )
            for key in ("data", "indices", "indptr"):  # plain views: memmap slicing is slow in Python
                retriever.scores[key] = np.asarray(retriever.scores[key])
            if retriever.scores["num_docs"] != manifest["num_docs"]:
                raise IndexMismatchError(
                    f"{directory}: bm25s files hold {retriever.scores['num_docs']} rows, "
                    f"{MANIFEST_NAME} says {manifest['num_docs']}; rebuild the index"
                )
            if (directory / TERM_MAX_NAME).is_file():
                term_max = np.load(directory / TERM_MAX_NAME, allow_pickle=False)
        return cls(retriever, tokenizer, int(manifest["num_docs"]), manifest["params"], term_max)


def _lookup(postings: np.ndarray, data: np.ndarray, rows: np.ndarray, factor: np.float32) -> np.ndarray:
    """One term's contribution (float32, × ``factor``) to each of ``rows`` (sorted), 0 where absent."""
    if len(postings) == 0 or len(rows) == 0:
        return np.zeros(len(rows), dtype=np.float32)
    at = np.minimum(np.searchsorted(postings, rows.astype(postings.dtype, copy=False)), len(postings) - 1)
    values = np.where(postings[at] == rows, data[at], np.float32(0))
    return values if factor == 1 else values * factor


def _block_triples(
    block: list[Sequence[str]], first_row: int, vocab: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, term, tf) for every distinct term of every row of a block, sorted by row then term.

    New tokens get the next ids in order of first occurrence; the token → id mapping runs in
    C (``map`` over the vocabulary's ``__getitem__``), not a Python loop per token.
    """
    flat = list(chain.from_iterable(block))
    for token in dict.fromkeys(flat):
        if token not in vocab:
            vocab[token] = len(vocab)
    ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
    lengths = np.fromiter(map(len, block), dtype=np.int64, count=len(block))
    rows = np.repeat(np.arange(len(block), dtype=np.int64), lengths)
    keys, tf = np.unique((rows << 32) | ids, return_counts=True)
    return ((keys >> 32).astype(np.int32) + np.int32(first_row), (keys & 0xFFFFFFFF).astype(np.int32),
            tf.astype(np.int32))


def _lucene_scores(
    rows: np.ndarray, terms: np.ndarray, tf: np.ndarray, lengths: np.ndarray, vocab_size: int, k1: float, b: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """bm25s's eager lucene scores as a CSC matrix (data, indices, indptr), term-major.

    Same arithmetic as bm25s: idf = log(1 + (N - df + 0.5) / (df + 0.5)) rounded to float32,
    tf part tf / (k1·(1 - b + b·len/avg_len) + tf) in float64, product stored as float32.
    Works through the postings in slices so float64 temporaries stay small.
    """
    num_docs = len(lengths)
    avg_len = lengths.mean()
    df = np.bincount(terms, minlength=vocab_size)
    idf = np.log(1 + (num_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    norm = k1 * ((1 - b) + b * lengths / avg_len)
    order = np.argsort(terms, kind="stable")  # rows stay ascending within each term
    del terms
    indptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    indices = rows[order]
    counts = tf[order].astype(np.float32)
    del order
    term_of = np.repeat(np.arange(vocab_size, dtype=np.int32), df)
    data = np.empty(len(indices), dtype=np.float32)
    step = 1 << 23
    for start in range(0, len(indices), step):
        part = slice(start, start + step)
        tf_part = counts[part]
        data[part] = idf[term_of[part]] * (tf_part / (norm[indices[part]] + tf_part))
    return data, indices.astype(np.int32, copy=False), indptr


def _term_max(data: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Largest score of each term (0 for a term without postings)."""
    counts = np.diff(indptr)
    out = np.zeros(len(counts), dtype=np.float32)
    nonempty = counts > 0
    if nonempty.any():
        out[nonempty] = np.maximum.reduceat(np.asarray(data), indptr[:-1][nonempty])
    return out
