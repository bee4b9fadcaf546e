"""The bad input files the robustness tests and docs/robustness.md try, with the reason each must give.

``BAD_FILES`` maps a file name to (a function making its bytes, a fragment of the reason the
user must see). Every one is skipped with "<path>: <reason>"; the other files are indexed.
``ACCEPTED_FILES`` are odd but readable inputs that must be indexed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

from robust_helpers import CORPUS, GOOD_A

BIG_BYTES = 50 * 1024 * 1024 + 1  # one byte over the default limit (sparse on disk)


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("一、发展目标", level=1)
    for _ in range(20):
        document.add_paragraph("到2025年，国家高新技术企业存量力争达到225家，科技型中小企业评价入库170家。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes(draw: Callable[[object], None], **options: object) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, **options)
    draw(c)
    c.showPage()
    c.save()
    return buffer.getvalue()


def _text_page(c) -> None:
    c.setFont("Helvetica", 12)
    for n in range(20):
        c.drawString(72, 750 - 20 * n, f"Line {n} of a plan that has a text layer.")


def _scan(c) -> None:
    c.rect(60, 60, 480, 700, fill=1)  # a page that is only a picture


def _png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64


def _mixed_encodings() -> bytes:
    text = (CORPUS / "jiangmen-bqw-sti-implementation-plan-2023.txt").read_text(encoding="utf-8")
    return text[:3000].encode("utf-8") + text[3000:6000].encode("gbk", "ignore")


def _nul_heavy() -> bytes:
    return GOOD_A.encode("utf-8").replace("，".encode(), b"\x00\x00\x00\x00") * 3


def _html_only_script() -> bytes:
    return "<html><head><script>var plan = '科技创新规划';</script></head><body><nav>首页</nav></body></html>".encode()


BAD_FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "image-renamed.txt": (_png_bytes, "looks like a binary file, not text"),
    "empty.txt": (lambda: b"", "file is empty"),
    "only whitespace.txt": (lambda: " \n\t\r\n\u3000 \n".encode("utf-8"), "file is empty (only whitespace)"),
    "only-chrome.txt": (lambda: "您现在的位置：首页 > 政务公开\n【字体：大 中 小】\n扫一扫在手机打开当前页\n".encode(),
                        "no text left after cleaning"),
    "nul-bytes.txt": (_nul_heavy, "looks like a binary file, not text"),
    "mixed-encodings.txt": (_mixed_encodings, "mixed text encodings: valid UTF-8 up to byte"),
    "truncated.docx": (lambda: _docx_bytes()[:1500], "not a valid .docx (damaged or truncated)"),
    "password.docx": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
                      "encrypted or legacy .doc file; save it as an unprotected .docx"),
    "truncated.pdf": (lambda: _pdf_bytes(_text_page)[:400], "not a valid PDF (damaged or truncated)"),
    "password.pdf": (lambda: _pdf_bytes(_text_page, encrypt="secret"), "PDF is password-protected"),
    "scanned.pdf": (lambda: _pdf_bytes(_scan), "no text layer (scanned PDF?), OCR needed"),
    "script-only.html": (_html_only_script, "no text found in the HTML page"),
    "notes.xyz": (lambda: GOOD_A.encode("utf-8"), "unsupported file type '.xyz'"),
}

ACCEPTED_FILES: dict[str, bytes] = {
    "规划 文件（2021）.txt": GOOD_A.replace("开平市", "恩平市").encode("utf-8"),  # spaces, Chinese, brackets
    "gbk-encoded.txt": GOOD_A.replace("开平市", "台山市").encode("gbk"),
    "control-characters.txt": ("\x1b[1m" + GOOD_A.replace("开平市", "鹤山市").replace("。", "。\x07\x0b\u200b", 2)).encode(),
    "a-few-nul-bytes.txt": ("\x00" + GOOD_A.replace("开平市", "新会区") * 40).encode("utf-8"),
}


def write_big_file(path: Path, size: int = BIG_BYTES) -> Path:
    """A file of ``size`` bytes that takes no disk space (the size check comes before reading)."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path
