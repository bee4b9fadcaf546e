"""Documents and chunks of a snapshot, read on demand so that loading stays fast at any size.

A million-chunk index has tens of thousands of documents and a gigabyte of chunk lines; parsing
all of them into Python objects took 28 s and 2.7 GB (bench/reports/scale.md). Search needs only
each document's metadata and, per chunk row, its document and section path; the full document
or chunk is needed only for the few hits shown. So a snapshot also holds:

    documents.json         metadata of every document (no text), in doc_id order
    chunks.offsets.npy     int64 byte offset of each line of chunks.jsonl (rows + 1 entries)
    chunks.docs.npy        int32 per row: position of its document in chunks.meta.json's doc_ids
    chunks.sections.npy    int32 per row: position of its section path in chunks.meta.json's paths
    chunks.ids.npy         uint64 per row: the chunk id (16 hex digits) as a number
    chunks.meta.json       {"doc_ids": [...], "section_paths": [[...], ...]}

The arrays are memory-mapped. A snapshot written before these files existed is read the old
way (every line parsed once), so it still loads.
"""

from __future__ import annotations

import json
import mmap
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Iterable, overload

import numpy as np

from planqa.index.store import read_document, read_documents, read_json, write_json
from planqa.records import Chunk, Document

DOCUMENTS_META = "documents.json"
CHUNKS = "chunks.jsonl"
CHUNKS_META = "chunks.meta.json"
PARSED_CACHE_ROWS = 200_000  # at most ~300 MB of parsed chunks; larger indexes parse every time
_ARRAYS = {"offsets": "chunks.offsets.npy", "docs": "chunks.docs.npy",
           "sections": "chunks.sections.npy", "ids": "chunks.ids.npy"}


@dataclass(frozen=True)
class DocumentInfo:
    """A document's metadata without its text: what filtering, boosting and hit display need."""

    doc_id: str
    title: str
    source: str = ""
    region: str | None = None
    level: str | None = None
    period: str | None = None
    years: tuple[int, int] | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentInfo:
        """From ``Document.metadata`` (or a ``documents.json`` entry)."""
        values = {f.name: data.get(f.name) for f in fields(cls)}
        years = values["years"]
        return cls(**{**values, "source": values["source"] or "", "years": tuple(years) if years else None})


# ---------------------------------------------------------------------------------------- documents

def write_document_catalog(folder: Path, documents: Iterable[Document]) -> None:
    """Write ``documents.json`` (metadata of every document, no text)."""
    metas = sorted((d.metadata for d in documents), key=lambda m: m["doc_id"])
    write_json(folder / DOCUMENTS_META, metas)


class DocumentStore(Mapping[str, Document]):
    """doc_id → Document; ``info(doc_id)`` gives the metadata without reading the document.

    Up to ``cache_size`` documents are all read when the store is opened; beyond that each is
    read from ``docs/<doc_id>.json`` when first asked for and kept in a bounded cache."""

    def __init__(self, snapshot: Path, infos: dict[str, DocumentInfo], loaded: dict[str, Document] | None = None,
                 cache_size: int = 256):
        self.snapshot = snapshot
        self._infos = infos
        self._cache: OrderedDict[str, Document] = OrderedDict(loaded or {})
        self._cache_size = max(cache_size, len(self._cache))
        self._lock = threading.Lock()

    @classmethod
    def open(cls, snapshot: Path, cache_size: int = 256) -> DocumentStore:
        path = snapshot / DOCUMENTS_META
        if path.exists():
            infos = {m["doc_id"]: DocumentInfo.from_dict(m) for m in read_json(path)}
            store = cls(snapshot, infos, cache_size=cache_size)
            if len(infos) <= cache_size:
                # a corpus of this size is read whole at once: the index then keeps working after
                # its snapshot folder is pruned (services keep serving an old snapshot a while)
                for doc_id in infos:
                    store[doc_id]
            return store
        documents = read_documents(snapshot)  # a snapshot from before documents.json: read them all
        return cls(snapshot, {d.doc_id: DocumentInfo.from_dict(d.metadata) for d in documents},
                   {d.doc_id: d for d in documents}, cache_size)

    def info(self, doc_id: str) -> DocumentInfo:
        return self._infos[doc_id]

    def infos(self) -> Iterable[DocumentInfo]:
        return self._infos.values()

    def __getitem__(self, doc_id: str) -> Document:
        if doc_id not in self._infos:
            raise KeyError(doc_id)
        with self._lock:
            document = self._cache.get(doc_id)
            if document is not None:
                self._cache.move_to_end(doc_id)
                return document
        document = read_document(self.snapshot, doc_id)
        with self._lock:
            self._cache[doc_id] = document
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return document

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._infos

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


# ---------------------------------------------------------------------------------------- chunks

def chunk_id_number(chunk_id: str) -> int:
    """A chunk id (hex content hash) as an unsigned 64-bit number; 0 when it is not one."""
    try:
        return int(chunk_id[:16], 16)
    except ValueError:
        return 0


class _RowCodes:
    """Per-row document, section-path and id codes, collected one chunk at a time."""

    def __init__(self) -> None:
        self.doc_codes: dict[str, int] = {}
        self.path_codes: dict[tuple[str, ...], int] = {}
        self.docs: list[int] = []
        self.sections: list[int] = []
        self.ids: list[int] = []

    def add(self, doc_id: str, section_path: Sequence[str], chunk_id: str) -> None:
        self.docs.append(self.doc_codes.setdefault(doc_id, len(self.doc_codes)))
        self.sections.append(self.path_codes.setdefault(tuple(section_path), len(self.path_codes)))
        self.ids.append(chunk_id_number(chunk_id))

    def arrays(self) -> dict[str, np.ndarray]:
        return {"docs": np.array(self.docs, dtype=np.int32), "sections": np.array(self.sections, dtype=np.int32),
                "ids": np.array(self.ids, dtype=np.uint64)}


def write_chunk_store(folder: Path, chunks: Iterable[Chunk]) -> int:
    """Write ``chunks.jsonl`` and the row arrays beside it (see the module docstring), streaming:
    ``chunks`` may be a generator. Returns the number of rows."""
    codes = _RowCodes()
    offsets = [0]
    with open(folder / CHUNKS, "wb") as handle:
        for chunk in chunks:
            line = (json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
            handle.write(line)
            offsets.append(offsets[-1] + len(line))
            codes.add(chunk.doc_id, chunk.section_path, chunk.id)
    arrays = {"offsets": np.array(offsets, dtype=np.int64), **codes.arrays()}
    for name, array in arrays.items():
        np.save(folder / _ARRAYS[name], array, allow_pickle=False)
    write_json(folder / CHUNKS_META, {"doc_ids": list(codes.doc_codes),
                                      "section_paths": [list(p) for p in codes.path_codes]})
    return len(codes.docs)


class ChunkStore(Sequence[Chunk]):
    """The chunks of a snapshot in vector row order; a row's Chunk is parsed when asked for.

    Cheap per-row facts come from memory-mapped arrays: ``doc_id_of(row)``, ``doc_codes`` with
    ``doc_ids``, ``section_codes`` with ``section_paths``, ``row_of(chunk_id)``."""

    def __init__(self, data: bytes | mmap.mmap, offsets: np.ndarray, doc_codes: np.ndarray, doc_ids: list[str],
                 section_codes: np.ndarray, section_paths: list[tuple[str, ...]], ids: np.ndarray):
        self._data = data
        self._offsets = offsets
        self.doc_codes = doc_codes
        self.doc_ids = doc_ids
        self.section_codes = section_codes
        self.section_paths = section_paths
        self._ids = ids
        self._id_order: np.ndarray | None = None
        # parsed chunks are kept (filled as hits ask for them) up to PARSED_CACHE_ROWS rows
        self._parsed: list[Chunk | None] | None = [None] * len(self) if len(self) <= PARSED_CACHE_ROWS else None
        self._sorted_ids: np.ndarray | None = None

    @classmethod
    def open(cls, snapshot: Path) -> ChunkStore:
        path = snapshot / CHUNKS
        with open(path, "rb") as handle:
            data: bytes | mmap.mmap = (mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                                       if path.stat().st_size else b"")
        if all((snapshot / name).exists() for name in _ARRAYS.values()) and (snapshot / CHUNKS_META).exists():
            arrays = {key: np.load(snapshot / name, mmap_mode="r", allow_pickle=False)
                      for key, name in _ARRAYS.items()}
            meta = read_json(snapshot / CHUNKS_META)
            return cls(data, arrays["offsets"], arrays["docs"], meta["doc_ids"], arrays["sections"],
                       [tuple(p) for p in meta["section_paths"]], arrays["ids"])
        return cls.from_lines(data)

    @classmethod
    def from_lines(cls, data: bytes | mmap.mmap) -> ChunkStore:
        """Build the row arrays by parsing every line (snapshots without the array files)."""
        buffer = np.frombuffer(data, dtype=np.uint8) if len(data) else np.zeros(0, dtype=np.uint8)
        offsets = np.concatenate([[0], np.flatnonzero(buffer == 10) + 1]).astype(np.int64)
        codes = _RowCodes()
        for row in range(len(offsets) - 1):
            record = json.loads(bytes(data[offsets[row]:offsets[row + 1]]))
            codes.add(record["doc_id"], record["section_path"], record["id"])
        arrays = codes.arrays()
        return cls(data, offsets, arrays["docs"], list(codes.doc_codes), arrays["sections"],
                   list(codes.path_codes), arrays["ids"])

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, row: int) -> Chunk: ...
    @overload
    def __getitem__(self, row: slice) -> list[Chunk]: ...

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = int(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(f"chunk row {row} out of range (0..{len(self) - 1})")
        if self._parsed is not None and self._parsed[row] is not None:
            return self._parsed[row]
        line = bytes(self._data[int(self._offsets[row]):int(self._offsets[row + 1])])
        chunk = Chunk.from_dict(json.loads(line))
        if self._parsed is not None:
            self._parsed[row] = chunk  # a list item assignment: safe between threads
        return chunk

    def __iter__(self) -> Iterator[Chunk]:
        for row in range(len(self)):
            yield self[row]

    def doc_id_of(self, row: int) -> str:
        return self.doc_ids[int(self.doc_codes[row])]

    def section_path_of(self, row: int) -> tuple[str, ...]:
        return self.section_paths[int(self.section_codes[row])]

    def row_docs(self) -> np.ndarray:
        """doc_id of every row (object array)."""
        return np.asarray(self.doc_ids, dtype=object)[np.asarray(self.doc_codes)] if len(self) else \
            np.zeros(0, dtype=object)

    def row_of(self, chunk_id: str) -> int | None:
        """The row of the chunk with id ``chunk_id``, or None."""
        number = chunk_id_number(chunk_id)
        if self._id_order is None:
            order = np.argsort(self._ids, kind="stable")
            self._sorted_ids, self._id_order = np.asarray(self._ids)[order], order
        position = int(np.searchsorted(self._sorted_ids, number))
        while position < len(self._sorted_ids) and int(self._sorted_ids[position]) == number:
            row = int(self._id_order[position])
            if self[row].id == chunk_id:  # two ids may share their first 16 hex digits
                return row
            position += 1
        return None
