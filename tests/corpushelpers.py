"""Helpers shared by test modules (a plain module: conftest files are not importable by name)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TWO_PLANS = ("taishan-14fyp", "jiangmen-bqw-2023")


def copy_corpus(target: Path, doc_ids: tuple[str, ...] = TWO_PLANS) -> Path:
    """A corpus folder holding some of the real plans and their manifest entries."""
    target.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if d["doc_id"] in doc_ids]
    for entry in manifest["documents"]:
        shutil.copy(CORPUS / entry["file"], target / entry["file"])
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return target
