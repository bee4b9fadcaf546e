"""Shared by the robustness tests: small corpora, a model-free embedder, index consistency checks.

The hash embedder (``bench/fake_embedder.py``) stands in for the model wherever an index is built
or rebuilt many times; those tests check durability and concurrency, not retrieval quality.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
if str(ROOT) not in sys.path:  # bench/ is a package at the repository root
    sys.path.insert(0, str(ROOT))

from bench.fake_embedder import HashEmbedder  # noqa: E402

__all__ = ["CORPUS", "GOOD_A", "GOOD_B", "HashEmbedder", "ROOT", "bench_module", "check_index", "child_env",
           "make_corpus"]

GOOD_A = """开平市科技创新“十四五”规划
一、发展目标
到2025年，国家高新技术企业存量力争达到225家，科技型中小企业评价入库170家。
二、主要任务
（一）推进重大科技基础设施建设
加快推进江门中微子实验站建设，为重大原始创新和关键技术突破提供重大科技基础设施支撑。
"""
GOOD_B = """台山市科技创新“十三五”规划
一、发展目标
到2020年，国家高新技术企业数量达到50家，每万人口发明专利拥有量达到2.5件。
二、主要任务
（一）加快建设科技企业孵化器
大力发展科技型企业孵化器，打造众创空间与孵化平台。
"""


def make_corpus(folder: Path, files: dict[str, str | bytes]) -> Path:
    """A corpus folder holding ``files`` (text is written as UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a child Python process that imports planqa and bench from this checkout."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path, **extra}


def bench_module(name: str) -> ModuleType:
    """Import ``bench/<name>.py`` (the full-count benchmarks share their code with these tests)."""
    spec = importlib.util.spec_from_file_location(f"bench.{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def check_index(index_dir: Path) -> dict:
    """Load the live snapshot and check it is whole; returns its manifest. See ``bench.kill_points``."""
    return bench_module("kill_points").check_index(index_dir)
