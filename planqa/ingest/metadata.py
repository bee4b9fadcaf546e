"""Document metadata: the corpus manifest, and what can be read from a text without one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planqa.errors import PlanqaError

MANIFEST_NAME = "manifest.json"
PERIODS = {"十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
_FIELDS = ("doc_id", "file", "title", "region", "level", "period", "years", "issuer", "doc_number", "date")


@dataclass
class DocMeta:
    """What the manifest (or inference from the text) says about one document."""

    doc_id: str
    file: str
    title: str | None = None
    region: str | None = None
    level: str | None = None
    period: str | None = None
    years: tuple[int, int] | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocMeta:
        unknown = set(data) - set(_FIELDS) - {"notes"}
        if unknown:
            raise PlanqaError(f"corpus manifest entry {data.get('doc_id')!r} has unknown fields: {sorted(unknown)}")
        years = data.get("years")
        return cls(**{k: v for k, v in data.items() if k in _FIELDS and k != "years"},
                   years=tuple(years) if years else None)


def load_manifest(corpus_dir: Path) -> dict[str, DocMeta]:
    """Manifest entries by file name; an absent manifest is an empty one."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PlanqaError(f"{path}: not valid JSON ({exc})") from exc
    entries = [DocMeta.from_dict(entry) for entry in data.get("documents", [])]
    ids = [e.doc_id for e in entries]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise PlanqaError(f"{path}: duplicate doc_id {sorted(duplicates)}")
    return {entry.file: entry for entry in entries}


# ------------------------------------------------------------------ inference

_TITLE_IN_BRACKETS = re.compile(r"《([^《》]{4,60}(?:规划|方案|计划|纲要|意见|办法))》")
_TITLE_LINE = re.compile(r"^[^，。；：]{4,60}(?:规划|方案|计划|纲要)(?:[（(][^）)]*[）)])?$")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}〔\d{4}〕\d+号")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def infer_title(text: str, fallback: str) -> str:
    """Title from the first heading-like plan name, else the first 《…》, else ``fallback``."""
    for line in text.split("\n")[:40]:
        if _TITLE_LINE.match(line.strip()):
            return line.strip()
    match = _TITLE_IN_BRACKETS.search(text[:5000])
    return match.group(1) if match else fallback


def infer_region(title: str) -> tuple[str | None, str | None]:
    """Region and its level from a title: 茂名市茂南区 → (茂名市茂南区, 区)."""
    match = re.match(r"^((?:[\u4e00-\u9fff]{1,5}?省)?(?:[\u4e00-\u9fff]{1,5}?市)?(?:[\u4e00-\u9fff]{1,5}?(?:区|县))?)", title)
    region = match.group(1) if match else ""
    if not region:
        return None, None
    level = "区" if region.endswith("区") else "县" if region.endswith("县") else "市"
    return region, level


def infer_period(title: str, text: str) -> tuple[str | None, tuple[int, int] | None]:
    """十三五/十四五 named in the title (else most often in the text's opening); else the span
    of the target years of an 实施方案 (到2025年 … 到2027年)."""
    for name, years in PERIODS.items():
        if name in title:
            return name, years
    opening = text[:3000]
    counts = {name: opening.count(name) for name in PERIODS if f"{name}规划" in opening or f"{name}”规划" in opening}
    if counts:
        name = max(counts, key=counts.get)
        return name, PERIODS[name]
    years_seen = sorted({int(y) for y in re.findall(r"到(20\d{2})年", text)})
    if years_seen:
        return f"{years_seen[0]}–{years_seen[-1]}", (years_seen[0], years_seen[-1])
    return None, None


def infer_meta(doc_id: str, file: str, text: str, declared_title: str | None = None) -> DocMeta:
    """Metadata for a document that has no manifest entry, read from its cleaned text."""
    title = declared_title or infer_title(text, Path(file).stem)
    region, level = infer_region(title)
    period, years = infer_period(title, text)
    number = _DOC_NUMBER.search(text[:3000])
    date = _DATE.search(text[:3000])
    return DocMeta(
        doc_id=doc_id,
        file=file,
        title=title,
        region=region,
        level=level,
        period=period,
        years=years,
        doc_number=number.group(0) if number else None,
        date=f"{date.group(1)}-{int(date.group(2)):02d}-{int(date.group(3)):02d}" if date else None,
    )


def doc_id_for(file_name: str) -> str:
    """A readable id from a file name: lower-case ASCII words; for a name with Chinese (or other
    non-ASCII) characters, its ASCII words plus a hash of the whole name, so 规划2021.txt and
    方案2021.txt do not both become "2021"; "doc-" and a hash when no ASCII word is left."""
    from planqa.records import content_hash

    stem = Path(file_name).stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if len(slug) >= 3 and stem.isascii():
        return slug
    if len(slug) >= 3:
        return f"{slug[:40].strip('-')}-{content_hash(stem, length=6)}"
    return "doc-" + content_hash(stem, length=10)
