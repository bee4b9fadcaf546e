"""Helpers for the app tests (a plain module: conftest files are not importable by name)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


def page_script(name: str) -> None:
    """AppTest.from_function target: render one page on its own."""
    import importlib

    importlib.import_module("planqa.app.pages." + name).render()
