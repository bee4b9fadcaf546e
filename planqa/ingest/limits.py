"""Ingestion limits: how large a file and how many chunks per document an index build accepts.

A file over a limit is skipped with a message naming it, the limit and how to raise it; the
other files are still indexed. Defaults suit planning documents (the five corpus plans are
50–150 KB and 50–135 chunks); both can be set per build (``build_index(limits=...)``) or by
environment variable:

- ``PLANQA_MAX_FILE_MB``: largest file read, in MB (default 50);
- ``PLANQA_MAX_CHUNKS``: most chunks one document may give (default 2000, about 500,000
  characters; embedding that many passages takes minutes on a laptop CPU).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

from planqa.errors import PlanqaError

MAX_FILE_ENV = "PLANQA_MAX_FILE_MB"
MAX_CHUNKS_ENV = "PLANQA_MAX_CHUNKS"
DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_CHUNKS = 2000


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise PlanqaError(f"{name}={value!r} is not a number") from None
    if number <= 0:
        raise PlanqaError(f"{name}={value!r} must be greater than 0")
    return number


@dataclass(frozen=True)
class Limits:
    """Per-build ingestion limits (reported in the build report)."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_chunks_per_document: int = DEFAULT_MAX_CHUNKS

    @classmethod
    def from_env(cls) -> Limits:
        """Defaults, overridden by ``$PLANQA_MAX_FILE_MB`` and ``$PLANQA_MAX_CHUNKS``."""
        return cls(
            max_file_bytes=int(_env_number(MAX_FILE_ENV, DEFAULT_MAX_FILE_BYTES / (1024 * 1024)) * 1024 * 1024),
            max_chunks_per_document=int(_env_number(MAX_CHUNKS_ENV, DEFAULT_MAX_CHUNKS)),
        )

    def to_dict(self) -> dict[str, int]:
        return asdict(self)
