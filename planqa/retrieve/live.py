"""Following an index folder while builds swap new snapshots in (for long-running services).

``LiveIndex(index_dir, make)`` holds ``make(index)`` (a ``Searcher``, an ``Answerer`` …) for the
live snapshot. ``get()`` notices when ``CURRENT`` points elsewhere, loads the new snapshot
completely (documents, chunks, vectors, BM25) in the calling thread and only then swaps it in.
A caller keeps the object ``get()`` returned for the whole request, so every request sees one
snapshot, old or new, never a mix; the old one stays usable for requests still running (its
files may be pruned, but everything it needs is already in memory or mapped). A snapshot that
fails to load is logged and the previous one kept; the next ``get()`` tries again.

    searchers = LiveIndex(index_dir, lambda index: Searcher(index, embedder))
    hits = searchers.get().search("科技特派员")
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable, Generic, TypeVar

from planqa.errors import PlanqaError
from planqa.index import Index
from planqa.index.store import live_snapshot

log = logging.getLogger(__name__)
T = TypeVar("T")


def load_complete(index_dir: Path, attempts: int = 3) -> Index:
    """``Index.load`` with the lazily loaded parts (vectors, BM25, the tokenizer's dictionary)
    loaded now, so the first request after a swap is not slower. A snapshot pruned while it was
    being read (two builds finished meanwhile) is retried with the newer one."""
    for attempt in range(attempts):
        try:
            index = Index.load(index_dir)
            _ = index.vectors, index.bm25
            index.tokenizer.tokenize("科技创新")
            return index
        except (PlanqaError, OSError):
            if attempt == attempts - 1:
                raise
            log.info("index %s changed while loading; loading the live snapshot again", index_dir)
    raise AssertionError("unreachable")


class LiveIndex(Generic[T]):
    """``make(index)`` for the live snapshot of ``index_dir``, reloaded after a swap."""

    def __init__(self, index_dir: Path | str, make: Callable[[Index], T], check_interval: float = 0.5):
        self.index_dir = Path(index_dir)
        self.make = make
        self.check_interval = check_interval
        self._lock = threading.Lock()
        index = load_complete(self.index_dir)
        self._snapshot: Path = index.snapshot
        self._value: T = make(index)
        self._checked = time.monotonic()
        self.reloads = 0

    @property
    def snapshot(self) -> Path:
        """The snapshot folder of the object ``get()`` returns now."""
        return self._snapshot

    def get(self) -> T:
        """The object for the newest loadable snapshot (checked at most every ``check_interval`` s)."""
        if time.monotonic() - self._checked < self.check_interval:
            return self._value
        if not self._lock.acquire(blocking=False):
            return self._value  # another thread is loading the new snapshot: keep serving the old one
        try:
            self._checked = time.monotonic()
            self._reload_if_swapped()
        finally:
            self._lock.release()
        return self._value

    def _reload_if_swapped(self) -> None:
        try:
            live = live_snapshot(self.index_dir)
        except (PlanqaError, OSError) as exc:
            log.warning("index %s: cannot read the live snapshot, keeping %s: %s", self.index_dir, self._snapshot.name, exc)
            return
        if live is None or live == self._snapshot:
            return
        try:
            index = load_complete(self.index_dir)
            value = self.make(index)
        except (PlanqaError, OSError, ValueError) as exc:  # e.g. pruned while loading: try again later
            log.warning("index %s: snapshot %s not loaded, keeping %s: %s", self.index_dir, live.name,
                        self._snapshot.name, exc)
            return
        self._value, self._snapshot = value, index.snapshot  # one assignment each: readers see old or new
        self.reloads += 1
        log.info("index %s: now serving snapshot %s", self.index_dir, index.snapshot.name)
