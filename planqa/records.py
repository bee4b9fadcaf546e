"""Typed records shared by every stage: documents, sections, tables, indicators, chunks.

All ``start``/``end`` offsets are character offsets into ``Document.text`` (the cleaned
text the viewer shows), and ``text[start:end]`` is always the verbatim span.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


def content_hash(*parts: str, length: int = 16) -> str:
    """Stable hex digest of ``parts`` (used for chunk ids and corpus hashes)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:length]


@dataclass(frozen=True)
class Section:
    """A heading of the document outline and the span it governs."""

    path: tuple[str, ...]
    start: int  # start of the heading line
    end: int  # end of the section's content (before the next sibling or ancestor heading)
    heading_end: int  # end of the heading text itself

    @property
    def level(self) -> int:
        return len(self.path)

    def to_dict(self) -> dict[str, Any]:
        return {"path": list(self.path), "start": self.start, "end": self.end, "heading_end": self.heading_end}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        return cls(tuple(data["path"]), data["start"], data["end"], data["heading_end"])


@dataclass(frozen=True)
class Indicator:
    """One row of an indicator table, e.g. 国家高新技术企业: 2020年148家 → 2025年200家 (预期性)."""

    indicator: str
    unit: str | None
    baseline_year: int | None
    baseline_value: str | None
    target_year: int | None
    target_value: str | None
    change: str | None
    nature: str | None  # 预期性 / 约束性
    values: dict[str, str] = field(default_factory=dict)  # every year column, in order
    table_index: int = 0
    row: int = 0  # 1-based row number inside the table
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Indicator:
        return cls(**data)


@dataclass(frozen=True)
class Table:
    """A table recognised in the cleaned text; each row is one line of the text."""

    caption: str | None
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    start: int
    end: int
    header_end: int  # end of the header line (rows start after it)
    row_spans: tuple[tuple[int, int], ...]  # (start, end) of each row line
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["header"] = list(self.header)
        data["rows"] = [list(r) for r in self.rows]
        data["row_spans"] = [list(s) for s in self.row_spans]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        return cls(
            caption=data["caption"],
            header=tuple(data["header"]),
            rows=tuple(tuple(r) for r in data["rows"]),
            start=data["start"],
            end=data["end"],
            header_end=data["header_end"],
            row_spans=tuple((s, e) for s, e in data["row_spans"]),
            note=data.get("note"),
        )


@dataclass
class Document:
    """A cleaned plan document with its metadata, outline and tables."""

    doc_id: str
    title: str
    text: str
    source: str = ""
    region: str | None = None
    level: str | None = None
    period: str | None = None
    years: tuple[int, int] | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    valid_until: str | None = None  # last day of a stated 有效期, ISO
    effective_date: str | None = None  # 施行/实施 date, ISO
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    cleaning_report: dict[str, Any] = field(default_factory=dict)

    @property
    def metadata(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "region": self.region,
            "level": self.level,
            "period": self.period,
            "years": list(self.years) if self.years else None,
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "date": self.date,
            "valid_until": self.valid_until,
            "effective_date": self.effective_date,
            "source": self.source,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.metadata,
            "text": self.text,
            "sections": [s.to_dict() for s in self.sections],
            "tables": [t.to_dict() for t in self.tables],
            "indicators": [i.to_dict() for i in self.indicators],
            "cleaning_report": self.cleaning_report,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        years = data.get("years")
        return cls(
            doc_id=data["doc_id"],
            title=data["title"],
            text=data["text"],
            source=data.get("source", ""),
            region=data.get("region"),
            level=data.get("level"),
            period=data.get("period"),
            years=tuple(years) if years else None,
            issuer=data.get("issuer"),
            doc_number=data.get("doc_number"),
            date=data.get("date"),
            valid_until=data.get("valid_until"),
            effective_date=data.get("effective_date"),
            sections=[Section.from_dict(s) for s in data.get("sections", [])],
            tables=[Table.from_dict(t) for t in data.get("tables", [])],
            indicators=[Indicator.from_dict(i) for i in data.get("indicators", [])],
            cleaning_report=data.get("cleaning_report", {}),
        )

    def section_path_at(self, offset: int) -> tuple[str, ...]:
        """The deepest section path whose span contains ``offset``."""
        best: tuple[str, ...] = ()
        for section in self.sections:
            if section.start <= offset < section.end and len(section.path) > len(best):
                best = section.path
        return best


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: ``text == document.text[start:end]``.

    ``context`` is what precedes the passage in what is embedded and indexed (section path,
    table caption and header) so that a chunk under "（四）总体目标" is found by "总体目标".
    """

    id: str
    doc_id: str
    section_path: tuple[str, ...]
    start: int
    end: int
    text: str
    kind: str = "text"  # "text" or "table"
    context: str = ""

    @property
    def indexed_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["section_path"] = list(self.section_path)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        return cls(**{**data, "section_path": tuple(data["section_path"])})

    @classmethod
    def create(
        cls,
        doc_id: str,
        section_path: tuple[str, ...],
        start: int,
        end: int,
        text: str,
        kind: str = "text",
        context: str = "",
    ) -> Chunk:
        chunk_id = content_hash(doc_id, context, text)
        return cls(chunk_id, doc_id, section_path, start, end, text, kind, context)
