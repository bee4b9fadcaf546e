"""The embedder interface shared by every backend, and model-specific prompt prefixes."""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 64

BGE_ZH_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："
BGE_EN_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: "
E5_INSTRUCT_QUERY = "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: "


@dataclass(frozen=True)
class PromptStyle:
    """Text put in front of queries and passages before a model sees them."""

    query_prefix: str = ""
    passage_prefix: str = ""

    def query(self, text: str) -> str:
        return self.query_prefix + text

    def passage(self, text: str) -> str:
        return self.passage_prefix + text


NO_PROMPT = PromptStyle()
E5_PROMPT = PromptStyle("query: ", "passage: ")
E5_INSTRUCT_PROMPT = PromptStyle(E5_INSTRUCT_QUERY, "")
BGE_ZH_PROMPT = PromptStyle(BGE_ZH_QUERY_INSTRUCTION, "")
BGE_EN_PROMPT = PromptStyle(BGE_EN_QUERY_INSTRUCTION, "")

_E5_RE = re.compile(r"(^|[^a-z0-9])(nano)?e5([^a-z0-9]|$)")


def prompt_style_for(model_name: str, override: PromptStyle | None = None) -> PromptStyle:
    """Pick the prompt prefixes a model was trained with, judging by its name.

    ``override`` wins when given. e5 models get ``query: ``/``passage: `` (instruct
    variants an instruction on the query only); Chinese bge models the bge-zh query
    instruction; English bge v1.5 the English one; bge-m3, gte and others nothing.
    """
    if override is not None:
        return override
    name = model_name.lower().replace("\\", "/")
    if _E5_RE.search(name):
        return E5_INSTRUCT_PROMPT if "instruct" in name else E5_PROMPT
    if "bge" in name:
        if "m3" in name or "reranker" in name:
            return NO_PROMPT
        if "zh" in name or "chinese" in name:
            return BGE_ZH_PROMPT
        if "en" in name.split("/")[-1].split("-"):
            return BGE_EN_PROMPT
        return NO_PROMPT
    return NO_PROMPT


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Return float32 rows scaled to unit length (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


def batches(items: Sequence[str], size: int) -> Iterator[list[str]]:
    """Yield consecutive slices of at most ``size`` items."""
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {size}")
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


class Embedder(ABC):
    """Turns queries and passages into L2-normalised float32 vectors.

    Subclasses set ``name``, ``dimension``, ``max_tokens`` and ``prompt_style``
    and implement ``_embed`` (on texts already carrying their prefix, unless
    ``prefix_in_model`` says the model adds the prefixes itself) and ``count_tokens``.
    ``normalized`` is True: outputs are always re-normalised here, so inner
    product equals cosine similarity whatever the model does.
    """

    name: str
    dimension: int
    max_tokens: int
    engine: str = ""  # the code that computes the vectors, recorded in index manifests ("" = the model's own)
    normalized: bool = True
    prompt_style: PromptStyle = NO_PROMPT
    prefix_in_model: bool = False

    @abstractmethod
    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        """Embed one batch; returns shape (len(texts), dimension)."""

    @abstractmethod
    def count_tokens(self, text: str, is_query: bool = False) -> int:
        """Tokens the model is fed for ``text`` as a passage (or query): prefix and special tokens included."""

    @property
    def cache_name(self) -> str:
        """Key of this embedder's vectors in the embedding cache (the model name by default)."""
        return self.name

    def query_text(self, text: str) -> str:
        """The exact string the model sees for a query."""
        return self.prompt_style.query(text)

    def passage_text(self, text: str) -> str:
        """The exact string the model sees for a passage."""
        return self.prompt_style.passage(text)

    def encode_queries(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE,
                       show_progress: bool = False) -> np.ndarray:
        """Embed search queries; returns float32 (n, dimension), rows of unit length."""
        return self._encode(texts, True, batch_size, show_progress)

    def encode_passages(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE,
                        show_progress: bool = False) -> np.ndarray:
        """Embed documents/chunks; returns float32 (n, dimension), rows of unit length."""
        return self._encode(texts, False, batch_size, show_progress)

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one query; returns float32 (dimension,)."""
        return self.encode_queries([text])[0]

    def _encode(self, texts: Sequence[str], is_query: bool, batch_size: int,
                show_progress: bool) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("expected a list of texts, got a single str")
        texts = list(texts)
        if not self.prefix_in_model:
            style = self.query_text if is_query else self.passage_text
            texts = [style(t) for t in texts]
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        chunks = batches(texts, batch_size)
        if show_progress:
            from tqdm.auto import tqdm

            total = (len(texts) + batch_size - 1) // batch_size
            chunks = tqdm(chunks, total=total, unit="batch",
                          desc=f"embedding {'queries' if is_query else 'passages'}")
        row = 0
        for chunk in chunks:
            vectors = np.asarray(self._embed(chunk, is_query), dtype=np.float32)
            if vectors.shape != (len(chunk), self.dimension):
                raise RuntimeError(f"{self.name}: expected shape {(len(chunk), self.dimension)}, got {vectors.shape}")
            out[row:row + len(chunk)] = vectors
            row += len(chunk)
        return l2_normalize(out)

    def truncate(self, text: str, max_tokens: int | None = None) -> str:
        """Longest prefix of ``text`` whose ``count_tokens`` is at most ``max_tokens`` (default: the model limit)."""
        limit = self.max_tokens if max_tokens is None else max_tokens
        if self.count_tokens(text) <= limit:
            return text
        lo, hi = 0, len(text)  # count_tokens(text[:lo]) <= limit < count_tokens(text[:hi])
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.count_tokens(text[:mid]) <= limit:
                lo = mid
            else:
                hi = mid
        return text[:lo]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dimension={self.dimension}, max_tokens={self.max_tokens})"
