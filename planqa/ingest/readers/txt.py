"""Plain-text reader, plus the decoding and line helpers the other readers share.

Encoding detection never guesses silently: a byte-order mark wins; otherwise strict UTF-8,
then strict GB18030 (a superset of GBK and GB2312) if the result looks like ordinary Chinese
text, and charset-normalizer only as a last resort, refusing a guess it is not confident in.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from planqa.errors import IngestError
from planqa.ingest.readers.base import RawDocument

log = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls other than TAB, LF, VT, FF, CR.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13))
_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")
_MAX_NUL_SHARE = 0.001
_MAX_CONTROL_SHARE = 0.05
_MAX_RARE_GB_SHARE = 0.2  # share of non-ASCII characters outside GB2312 tolerated in GB text
_MAX_CHAOS = 0.1  # charset-normalizer "mess" ratio above which a guess is refused
_MIN_GUESS_BYTES = 16  # fewer non-ASCII bytes than this are too little evidence for a guess
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "euc-cn", "x-gbk", "hz-gb-2312"}
_BINARY = "looks like a binary file, not text"
_ASCII_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CJK_CHAR_RE = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef]")


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(data: bytes) -> bool:
    if not data:
        return False
    sample = data[: 1 << 20]
    if sample.count(0) / len(sample) > _MAX_NUL_SHARE:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > _MAX_CONTROL_SHARE


def _looks_bomless_utf16(data: bytes) -> bool:
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return even.count(0) / len(even) > 0.4 or odd.count(0) / len(odd) > 0.4


def _plausible_gb(text: str) -> bool:
    """True unless many characters fall outside GB2312 (a hint the bytes are Big5 or similar)."""
    wide = [ch for ch in text[:200_000] if ord(ch) > 127]
    if not wide:
        return True
    rare = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare / len(wide) <= _MAX_RARE_GB_SHARE


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(data: bytes, path: Path) -> tuple[str, str]:
    """Last resort: ask charset-normalizer, and refuse a guess it is not confident in."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        raise IngestError(path, "text is neither UTF-8 nor GB18030/GBK and charset-normalizer is not "
                          "installed to detect another encoding; save the file as UTF-8") from None
    non_ascii = sum(1 for b in data[: 1 << 20] if b > 127)
    best = from_bytes(data).best() if non_ascii >= _MIN_GUESS_BYTES else None
    if best is None or best.chaos > _MAX_CHAOS:
        raise IngestError(path, "could not determine the text encoding with confidence "
                          "(not UTF-8 or GB18030/GBK); save the file as UTF-8")
    log.info("%s: encoding guessed as %s (chaos %.2f)", path, best.encoding, best.chaos)
    return str(best), best.encoding


def _mixed_encoding(data: bytes) -> str | None:
    """A reason naming where the text stops being valid, when a file starts as UTF-8 or GB18030
    Chinese text and then changes encoding (two files pasted together, say)."""
    best: tuple[int, str] | None = None
    for name in ("utf-8", "gb18030"):
        try:
            data.decode(name)
            return None
        except UnicodeDecodeError as exc:
            if best is None or exc.start > best[0]:
                best = (exc.start, name)
    assert best is not None
    position, name = best
    prefix = data[:position].decode(name)
    if sum(1 for ch in prefix if ord(ch) > 127) < _MIN_GUESS_BYTES // 2:
        return None  # hardly any text before the bad byte: just an unknown encoding
    line = prefix.count("\n") + 1
    label = "UTF-8" if name == "utf-8" else "GB18030/GBK"
    return (f"mixed text encodings: valid {label} up to byte {position} (line {line}), then bytes that are "
            f"not {label}; save the whole file in one encoding, preferably UTF-8")


def decode_bytes(data: bytes, path: str | Path, declared: str | None = None) -> tuple[str, str]:
    """Decode file bytes to text with LF newlines and no BOM; return ``(text, encoding)``.

    ``declared`` is an encoding the file itself names (e.g. an HTML meta charset); it is tried
    after a BOM, strict UTF-8 and plausible GB18030, because pages are often re-saved without
    updating it.
    Raises ``IngestError`` for binary data or an encoding that cannot be determined.
    """
    path = Path(path)
    text: str | None = None
    encoding = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _try(data, name)
            if text is None:
                raise IngestError(path, f"starts with a {name} byte-order mark but is not valid {name}")
            encoding = name
            break
    if text is None:
        if _looks_binary(data):
            if _looks_bomless_utf16(data) and _try(data, "utf-16-le" if data[1] == 0 else "utf-16-be"):
                raise IngestError(path, "looks like UTF-16 without a byte-order mark; save it as UTF-8")
            raise IngestError(path, _BINARY)
        # A declared single-byte encoding (latin-1, cp1252) accepts any bytes, so it comes last.
        candidates = ["utf-8", "gb18030"]
        if declared and declared.strip().lower() not in _GB_FAMILY:
            candidates.append(declared.strip().lower())
        for name in dict.fromkeys(candidates):
            attempt = _try(data, name)
            if attempt is None:
                continue
            if name == "gb18030" and not _plausible_gb(attempt):
                log.debug("%s: decodes as gb18030 but with many rare characters", path)
                continue
            text, encoding = attempt, name
            break
        if text is None:
            try:
                text, encoding = _guess(data, path)
            except IngestError:
                mixed = _mixed_encoding(data)
                if mixed:
                    raise IngestError(path, mixed) from None
                raise
    text = normalise_newlines(text.lstrip("\ufeff"))
    sample = text[:1 << 20]
    if sample and len(_CONTROL_CHARS_RE.findall(sample)) / len(sample) > _MAX_CONTROL_SHARE:
        raise IngestError(path, _BINARY)
    return text, encoding


def join_fragments(left: str, right: str) -> str:
    """Join two pieces of one wrapped line: no space in CJK text, one space between Latin words.

    Letters or digits on both sides get a space only when they are not part of CJK text, so a
    number wrapped as '增加到16' + '4家' joins to '增加到164家' while 'in' + '2020' keeps a space.
    """
    if not left:
        return right
    if not right:
        return left
    if not (_is_ascii_alnum(left[-1]) and _is_ascii_alnum(right[0])):
        return left + right
    before = left.rstrip(_ASCII_ALNUM)[-1:]
    after = right.lstrip(_ASCII_ALNUM)[:1]
    if _CJK_CHAR_RE.match(before) or _CJK_CHAR_RE.match(after):
        return left + right
    return f"{left} {right}"


def clean_cell(text: str) -> str:
    """One table cell as a single line: inner line breaks joined, tabs and runs of spaces collapsed."""
    out = ""
    for part in normalise_newlines(text).split("\n"):
        out = join_fragments(out, " ".join(part.split()))
    return out


def table_to_lines(rows: list[list[str]]) -> list[str]:
    """Rows of cell texts in the corpus table form: TAB-prefixed cells, rows separated by ''.

    Rows whose cells are all empty are dropped; returns ``[]`` for an empty table, otherwise the
    block starts and ends with an empty line.
    """
    lines: list[str] = [""]
    for row in rows:
        cells = [clean_cell(c or "") for c in row]
        if not any(cells):
            continue
        lines.extend("\t" + c for c in cells)
        lines.append("")
    return lines if len(lines) > 1 else []


def finish_lines(lines: list[str]) -> str:
    """Join lines, collapsing runs of empty lines and trimming empty lines at both ends."""
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def read_decoded(path: Path) -> tuple[str, str]:
    """A text file's decoded content and encoding; ``IngestError`` for an empty, binary or
    undecodable file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if not data:
        raise IngestError(path, "file is empty")
    text, encoding = decode_bytes(data, path)
    if not text.strip():
        raise IngestError(path, "file is empty (only whitespace)")
    return text, encoding


class TxtReader:
    """Reads plain-text files in UTF-8 (BOM or not), UTF-16/32 with BOM or GB18030/GBK.

    Markdown files have their own reader (``markdown.MarkdownReader``), which uses ``decode_bytes``.
    """

    suffixes: tuple[str, ...] = (".txt", ".text")

    def read(self, path: Path) -> RawDocument:
        """Decode the file; raises ``IngestError`` for empty, binary or undecodable files."""
        path = Path(path)
        text, encoding = read_decoded(path)
        return RawDocument(path=path, text=text, format="txt", encoding=encoding)
