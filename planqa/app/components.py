"""Pieces several pages share: passage cards, the "在原文中查看" button, error display."""

from __future__ import annotations

from typing import Any, Iterable

import streamlit as st

from planqa.app.navigation import open_in_viewer
from planqa.app.render import esc, highlight_terms, meta_line, quote_in_paragraph
from planqa.errors import PlanqaError

CARD = ("border:1px solid #e5e5e5;border-radius:8px;padding:10px 14px;margin:6px 0 4px 0;"
        "line-height:1.75;background:#fcfcfc")


def view_button(doc_id: str, start: int, end: int, key: str) -> None:
    if st.button("在原文中查看", key=key, icon=":material/open_in_new:", type="tertiary"):
        open_in_viewer(doc_id, start, end)


def passage_card(hit: dict[str, Any], terms: Iterable[str] = (), key: str = "", anchor: str | None = None,
                 label: str | None = None, show_title: bool = True) -> None:
    """A retrieved passage: title, region · period, section path, text with query terms marked."""
    head = f'<b>{esc(hit["title"])}</b><br>' if show_title else ""
    tag = f'<span style="color:#888">[{esc(label)}]</span> ' if label else ""
    anchor_html = f'<a id="{esc(anchor)}"></a>' if anchor else ""
    st.markdown(
        f'{anchor_html}<div style="{CARD}">{tag}{head}'
        f'<span style="color:#666;font-size:0.9em">{meta_line([hit.get("region"), hit.get("period"), hit.get("section")])}'
        f' · 第{int(hit["start"])}–{int(hit["end"])}字</span><br>{highlight_terms(hit["text"], terms)}</div>',
        unsafe_allow_html=True)
    view_button(hit["doc_id"], int(hit["start"]), int(hit["end"]), key=f"view-{key}")


def citation_card(citation: dict[str, Any], document_text: str, key: str) -> None:
    """A cited quote inside its paragraph, the quote marked, with where it comes from."""
    n = citation["n"]
    body = quote_in_paragraph(document_text, int(citation["start"]), int(citation["end"]))
    st.markdown(
        f'<a id="cite-{int(n)}"></a><div style="{CARD}"><b>[{int(n)}] {esc(citation["title"])}</b><br>'
        f'<span style="color:#666;font-size:0.9em">'
        f'{meta_line([citation.get("region"), citation.get("period"), citation.get("section")])}'
        f' · 第{int(citation["start"])}–{int(citation["end"])}字</span><br>{body}</div>',
        unsafe_allow_html=True)
    view_button(citation["doc_id"], int(citation["start"]), int(citation["end"]), key=f"view-{key}")


def show_error(exc: Exception) -> None:
    """A planqa error as the user should read it (no traceback)."""
    if isinstance(exc, PlanqaError):
        st.error(str(exc), icon=":material/error:")
    else:
        st.exception(exc)
