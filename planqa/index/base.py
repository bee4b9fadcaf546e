"""The vector store interface: one small class per backend (FAISS here; others beside it)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np


class VectorStore(ABC):
    """Inner-product search over L2-normalised float32 vectors whose ids are row numbers."""

    kind: str

    @abstractmethod
    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows per query: (scores, ids), both shaped (n_queries, k); id -1 pads.

        ``allowed`` is a boolean mask over rows; only rows where it is True are returned.
        """

    @abstractmethod
    def save(self, folder: Path) -> None: ...

    @property
    @abstractmethod
    def size(self) -> int: ...

    @property
    @abstractmethod
    def params(self) -> dict[str, Any]:
        """What the manifest records about this store (type and parameters)."""
