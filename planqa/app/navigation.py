"""The app's pages (one ``st.Page`` each) and how one page opens another."""

from __future__ import annotations

from functools import cache
from typing import Callable

import streamlit as st

PAGE_SPECS: tuple[tuple[str, str, str, str], ...] = (
    # key, module, title, icon
    ("ask", "planqa.app.pages.ask", "问答", ":material/question_answer:"),
    ("search", "planqa.app.pages.search", "检索与各地做法", ":material/travel_explore:"),
    ("indicators", "planqa.app.pages.indicators", "指标", ":material/bar_chart:"),
    ("viewer", "planqa.app.pages.viewer", "原文", ":material/article:"),
    ("evaluation", "planqa.app.pages.evaluation", "评测", ":material/fact_check:"),
    ("corpus", "planqa.app.pages.corpus", "文档库", ":material/folder_open:"),
)


def _runner(module: str) -> Callable[[], None]:
    def run() -> None:
        import importlib

        importlib.import_module(module).render()

    run.__name__ = module.rsplit(".", 1)[-1]
    return run


@cache
def pages() -> dict[str, st.Page]:
    return {key: st.Page(_runner(module), title=title, icon=icon, url_path=key, default=(key == "ask"))
            for key, module, title, icon in PAGE_SPECS}


def open_in_viewer(doc_id: str, start: int, end: int) -> None:
    """Switch to the document viewer with the span marked (also reachable as ``/viewer?doc=…``)."""
    st.switch_page(pages()["viewer"], query_params={"doc": doc_id, "start": str(start), "end": str(end)})
