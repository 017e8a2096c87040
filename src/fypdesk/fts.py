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

#: A last token shorter than this is searched as a whole word, not as a prefix: one Latin letter
#: or digit starts most words of the text, so its prefix query matched 100,000 of 141,000 nodes
#: at ×1000 (a second per keystroke) and told the user nothing. A single wide (CJK) character
#: stays a prefix: Chinese runs are indexed as whole tokens, and few start with one character.
PREFIX_MIN_CHARS = 2

#: At most this many matches (the first in index order) are ranked by bm25 per query. Ranking
#: costs a few microseconds per match, and a short prefix can match tens of thousands of rows in
#: a large store; below this many matches (the whole bundled content) nothing changes.
RANKED_CANDIDATES = 2000


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

    The last word is a prefix once its last part (what follows a hyphen or an apostrophe, which
    the index splits at) has :data:`PREFIX_MIN_CHARS` characters or is one Chinese character.
    A shorter last part is left out until the next keystroke ("carbon p" searches "carbon",
    "follow-u" the word "follow"); a lone one-letter word is searched as that word.

    Returns ``None`` when the text holds nothing to search for.
    """
    tokens = query_tokens(text)
    if not tokens:
        return None
    parts = [_quote(token) for token in tokens]
    if not prefix_last:
        return " ".join(parts)
    last = tokens[-1]
    runs = _word_runs(last)
    if not runs:
        # A token of punctuation only ("-" or "*") is empty after tokenising, and FTS5 rejects
        # a prefix query on it; it is still searched as a plain string.
        return " ".join(parts)
    if _long_enough(runs[-1]):
        parts[-1] += " *"
        return " ".join(parts)
    # The last part is too short to be a useful prefix: it would expand to most of the index
    # (one letter matched 100,000 of 141,000 nodes at ×1000, a second per keystroke).
    head = last[: last.rindex(runs[-1])]
    if _word_runs(head):
        parts[-1] = _quote(head)
    elif len(tokens) > 1:
        parts.pop()
    return " ".join(parts)


def _word_runs(token: str) -> list[str]:
    """The letter and digit runs of ``token``: the words the index's tokenizer makes of it."""
    runs: list[str] = []
    current = ""
    for ch in token:
        if ch.isalnum():
            current += ch
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def _long_enough(word: str) -> bool:
    return len(word) >= PREFIX_MIN_CHARS or unicodedata.east_asian_width(word[0]) in {"W", "F"}


def trigram_query(text: str) -> str | None:
    """An FTS5 query for a trigram index (substrings, Chinese); ``None`` if no token is long
    enough to be indexed."""
    tokens = [token for token in query_tokens(text) if len(token) >= TRIGRAM_MIN_CHARS]
    if not tokens:
        return None
    return " ".join(_quote(token) for token in tokens)


def marked_to_html(marked: str) -> str:
    """Escape text marked by SQLite with :data:`MARK_START`/:data:`MARK_END`; mark it in HTML."""
    escaped = html.escape(marked, quote=True)
    return escaped.replace(MARK_START, "<b>").replace(MARK_END, "</b>")
