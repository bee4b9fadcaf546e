"""The retrievers ``eval`` can compare, resolved by name.

"bm25", "dense" and "hybrid" are the ``Searcher`` with that retriever (one index and one model,
loaded once, shared). "baseline" is ``planqa.retrieve.baseline.BaselineRetriever`` when that
module exists. Any other ``module:Class`` name is loaded the same way. Register more with
``register(name, factory)``; a factory gets the ``EvalContext`` and returns a ``Retriever``.

A retriever object has ``search(query, k) -> list of hits`` (each with ``doc_id``, ``start``,
``end``, ``chunk_id``; ``section`` and ``text`` are shown in reports when present) and optionally
``passages()`` -> its whole chunking as ``Passage`` objects (needed for exact recall).
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from planqa.errors import PlanqaError
from planqa.evaluate.qrels import Passage

log = logging.getLogger(__name__)


class Retriever(Protocol):
    name: str

    def search(self, query: str, k: int) -> list[Any]: ...

    def passages(self) -> list[Passage] | None: ...


class EvalContext:
    """What retrievers share: the index folder and a lazily loaded ``Searcher``."""

    def __init__(self, index_dir: Path | str, searcher: Any = None):
        self.index_dir = Path(index_dir)
        if searcher is not None:
            self.__dict__["searcher"] = searcher

    @cached_property
    def searcher(self) -> Any:
        from planqa.retrieve import Searcher

        return Searcher.load(self.index_dir)


class SearcherRetriever:
    """One of the Searcher's retrievers (bm25, dense, hybrid)."""

    def __init__(self, name: str, context: EvalContext):
        self.name = name
        self.context = context

    def warm_up(self) -> None:
        """Load what the first timed query would otherwise load (the embedding model)."""
        if self.name in ("dense", "hybrid"):
            self.context.searcher.embedder  # noqa: B018 - loads the model
        self.context.searcher.search("科技创新", k=1, retriever=self.name)

    def search(self, query: str, k: int) -> list[Any]:
        return self.context.searcher.search(query, k=k, retriever=self.name)

    def passages(self) -> list[Passage]:
        return [Passage(c.id, c.doc_id, c.start, c.end) for c in self.context.searcher.index.chunks]


class ObjectRetriever:
    """Adapts any object with ``search(query, k)`` (and optionally ``passages()`` or ``chunks``)."""

    def __init__(self, name: str, obj: Any):
        self.name = name
        self.obj = obj

    def warm_up(self) -> None:
        if hasattr(self.obj, "warm_up"):
            self.obj.warm_up()
        else:
            self.obj.search("科技创新", 1)

    def search(self, query: str, k: int) -> list[Any]:
        return list(self.obj.search(query, k))

    def passages(self) -> list[Passage] | None:
        source = self.obj.passages() if callable(getattr(self.obj, "passages", None)) else getattr(self.obj, "chunks", None)
        if source is None:
            return None
        return [Passage(getattr(p, "chunk_id", None) or p.id, p.doc_id, p.start, p.end) for p in source]


Factory = Callable[[EvalContext], Retriever]
_REGISTRY: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> None:
    """Make ``name`` usable in ``eval --retrievers``."""
    _REGISTRY[name] = factory


for _name in ("bm25", "dense", "hybrid"):
    register(_name, lambda context, _name=_name: SearcherRetriever(_name, context))


def _load_class(name: str, module: str, cls: str) -> Factory | None:
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    target = getattr(loaded, cls, None)
    if target is None:
        return None

    def factory(context: EvalContext) -> Retriever:
        if not hasattr(target, "load"):
            return ObjectRetriever(name, target())
        if "embedder" in inspect.signature(target.load).parameters:  # share the one loaded model
            return ObjectRetriever(name, target.load(context.index_dir, embedder=context.searcher.embedder))
        return ObjectRetriever(name, target.load(context.index_dir))

    return factory


def available() -> list[str]:
    """Names that resolve now (the baseline only when its module is importable)."""
    names = list(_REGISTRY)
    if "baseline" not in names and _load_class("baseline", "planqa.retrieve.baseline", "BaselineRetriever"):
        names.append("baseline")
    return names


def resolve(name: str, context: EvalContext) -> Retriever:
    """The retriever called ``name`` (``bm25``, ``dense``, ``hybrid``, ``baseline`` or ``module:Class``)."""
    factory = _REGISTRY.get(name)
    if factory is None and name == "baseline":
        factory = _load_class(name, "planqa.retrieve.baseline", "BaselineRetriever")
    elif factory is None and ":" in name:
        module, _, cls = name.partition(":")
        factory = _load_class(name, module, cls)
    if factory is None:
        raise PlanqaError(f"unknown retriever {name!r}; available: {', '.join(available())} (or module:Class)")
    return factory(context)
