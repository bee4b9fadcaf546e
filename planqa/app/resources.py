"""What the app loads once per server: the embedding model, and the index with its searcher and
answerer, keyed by the live snapshot so a rebuild that swaps ``CURRENT`` is picked up on the next
rerun while sessions still holding the old snapshot keep working."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from planqa.config import DEFAULT_CORPUS_DIR, default_index_dir
from planqa.errors import PlanqaError
from planqa.index.store import corpus_for_index, live_snapshot

CORPUS_ENV = "PLANQA_CORPUS"
JUDGMENTS_ENV = "PLANQA_JUDGMENTS"
GOLD_ENV = "PLANQA_GOLD"
# One build at a time per server: two uploads in two sessions must not race.
BUILD_LOCK = threading.Lock()


@dataclass(frozen=True)
class Paths:
    index: Path
    corpus: Path
    judgments: Path
    gold: Path
    reports: Path


def paths() -> Paths:
    """Folders from the environment (``PLANQA_INDEX``, ``PLANQA_CORPUS``, …) or the defaults; the corpus
    defaults to the folder the index was built from, so uploads land where the index reads."""
    index = default_index_dir()
    return Paths(
        index=index,
        corpus=corpus_for_index(index, os.environ.get(CORPUS_ENV) or None, DEFAULT_CORPUS_DIR),
        judgments=Path(os.environ.get(JUDGMENTS_ENV) or "eval/judgments.sqlite"),
        gold=Path(os.environ.get(GOLD_ENV) or "eval/gold.jsonl"),
        reports=Path("eval/reports"),
    )


@st.cache_resource(show_spinner="正在加载向量模型…")
def _embedder(model_name: str) -> Any:
    from planqa.embed import load_embedder

    return load_embedder(model_name)


@st.cache_resource(show_spinner="正在加载索引…", max_entries=2)
def _engine(index_dir: str, snapshot: str) -> Any:
    from planqa.answer import Answerer
    from planqa.index import Index
    from planqa.retrieve import Searcher

    index = Index.load(index_dir)
    if index.snapshot.name != snapshot:  # swapped between the check and the load: key by what we got
        snapshot = index.snapshot.name
    searcher = Searcher(index, _embedder(index.model_name))
    return Answerer(searcher)


def current_snapshot(index_dir: Path) -> str:
    snapshot = live_snapshot(index_dir)
    if snapshot is None:
        raise PlanqaError(f"索引不存在：{index_dir}。请先运行 python -m planqa index --index {index_dir}")
    return snapshot.name


def answerer() -> Any:
    """The answerer (and through it the searcher and index) of the live snapshot."""
    index_dir = paths().index
    return _engine(str(index_dir), current_snapshot(index_dir))


def searcher() -> Any:
    return answerer().searcher


def index() -> Any:
    return answerer().index


def embedder_for(index: Any) -> Any:
    """The server's loaded model for the index's model name (so indexing does not load it twice)."""
    return _embedder(index.model_name)
