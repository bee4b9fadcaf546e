"""Defaults shared by the CLI, embed.py and app.py."""

from __future__ import annotations

import os
from pathlib import Path

INDEX_ENV = "PLANQA_INDEX"
DEFAULT_INDEX_DIR = "index"
DEFAULT_CORPUS_DIR = "corpus"


def default_index_dir() -> Path:
    """``$PLANQA_INDEX`` if set, else ``index/``."""
    return Path(os.environ.get(INDEX_ENV) or DEFAULT_INDEX_DIR)
