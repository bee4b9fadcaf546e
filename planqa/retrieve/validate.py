"""Query validation: what a search or a question must be before it reaches the retrievers.

``validate_query`` returns the query to search with (control characters out, whitespace
collapsed, traditional characters converted to simplified) or raises ``PlanqaError`` with a
message meant for the user: empty, too long, or nothing to search for (only punctuation,
symbols or emoji). HTML, SQL or script text is ordinary text here: it is never executed or
interpolated, only tokenized and embedded.

The length limit is ``DEFAULT_MAX_QUERY_CHARS`` characters, or ``$PLANQA_MAX_QUERY_CHARS``.
"""

from __future__ import annotations

import os
import re
import unicodedata

from planqa.errors import PlanqaError
from planqa.retrieve.query import to_simplified

MAX_QUERY_ENV = "PLANQA_MAX_QUERY_CHARS"
DEFAULT_MAX_QUERY_CHARS = 1000  # ~2 paragraphs; a 1,000-character query embeds in a few seconds on 2 cores
_SPACES = re.compile(r"\s+")
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]{0,20}[ -/]{0,5}[@-~]")  # terminal colours pasted with the text


def max_query_chars() -> int:
    """The configured query length limit (``$PLANQA_MAX_QUERY_CHARS``, else the default)."""
    value = os.environ.get(MAX_QUERY_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_QUERY_CHARS
    try:
        limit = int(value)
    except ValueError:
        raise PlanqaError(f"{MAX_QUERY_ENV}={value!r} is not a whole number of characters") from None
    if limit < 1:
        raise PlanqaError(f"{MAX_QUERY_ENV}={value!r} must be at least 1")
    return limit


def _visible(text: str) -> str:
    """Control and format characters (NUL, escapes, zero-width marks) out; whitespace runs to one space."""
    text = _ANSI_ESCAPE.sub("", text)
    kept = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    return _SPACES.sub(" ", kept).strip()


def has_words(text: str) -> bool:
    """Whether ``text`` holds a letter, digit or CJK character (not only punctuation/symbols/emoji)."""
    return any(ch.isalnum() for ch in text)


def validate_query(query: object, what: str = "query", max_chars: int | None = None) -> str:
    """The query to search with, or ``PlanqaError`` saying what is wrong with it.

    ``what`` names it in messages ("query", "question").
    """
    if query is None:
        query = ""
    if not isinstance(query, str):
        raise PlanqaError(f"the {what} must be text, not {type(query).__name__}")
    limit = max_query_chars() if max_chars is None else max_chars
    text = _visible(query)
    if not text:
        raise PlanqaError(f"the {what} is empty")
    if len(text) > limit:
        raise PlanqaError(f"the {what} is too long ({len(text)} characters; at most {limit}). "
                          f"Shorten it to the words that matter (or set {MAX_QUERY_ENV}).")
    if not has_words(text):
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise PlanqaError(f"the {what} {shown!r} has nothing to search for: "
                          "it holds only punctuation, symbols or emoji")
    return to_simplified(text)
