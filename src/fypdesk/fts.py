"""Safe full-text queries and snippets for SQLite FTS5.

User input is never passed to ``MATCH`` as FTS5 syntax: every whitespace-separated token becomes a
quoted string, so ``who's``, ``AND``, ``(x``, ``NEAR(`` or ``a"b`` are searched for as text.
Snippets are marked with control characters by SQLite and HTML-escaped here, so content such as
``<b>`` can never turn into markup.
"""

from __future__ import annotations

import html
import unicodedata

#: Markers passed to ``highlight()``/``snippet()``; they never occur in escaped output.
MARK_START = "\x02"
MARK_END = "\x03"

#: The trigram tokenizer indexes three-character sequences; shorter tokens cannot match it.
TRIGRAM_MIN_CHARS = 3


def query_tokens(text: str) -> list[str]:
    """The searchable tokens of a user's query: whitespace-split, control characters removed."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} else ch for ch in text
    )
    return [token for token in cleaned.split() if token.strip('"')]


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def words_query(text: str, *, prefix_last: bool = True) -> str | None:
    """An FTS5 query for a word index: every token quoted, the last a prefix (search as you type).

    Returns ``None`` when the text holds nothing to search for.
    """
    tokens = query_tokens(text)
    if not tokens:
        return None
    parts = [_quote(token) for token in tokens]
    if prefix_last and _has_word_character(tokens[-1]):
        parts[-1] += " *"
    return " ".join(parts)


def trigram_query(text: str) -> str | None:
    """An FTS5 query for a trigram index (substrings, Chinese); ``None`` if no token is long
    enough to be indexed."""
    tokens = [token for token in query_tokens(text) if len(token) >= TRIGRAM_MIN_CHARS]
    if not tokens:
        return None
    return " ".join(_quote(token) for token in tokens)


def _has_word_character(token: str) -> bool:
    # A prefix query on a token of punctuation only ("-" or "*") is empty after tokenising and
    # FTS5 rejects it; such a token is still searched as a plain string.
    return any(ch.isalnum() for ch in token)


def marked_to_html(marked: str) -> str:
    """Escape text marked by SQLite with :data:`MARK_START`/:data:`MARK_END`; mark it in HTML."""
    escaped = html.escape(marked, quote=True)
    return escaped.replace(MARK_START, "<b>").replace(MARK_END, "</b>")
