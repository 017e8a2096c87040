"""Safe FTS5 query building (shared by content and notes search)."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from fypdesk import fts


def test_tokens_are_quoted_and_the_last_is_a_prefix() -> None:
    assert fts.words_query("who's a\"bc") == '"who\'s" "a""bc" *'
    assert fts.words_query("  ") is None
    assert fts.words_query("-") == '"-"'
    assert fts.trigram_query("5G solid") == '"solid"'
    assert fts.trigram_query("5G") is None


def test_a_one_letter_last_word_is_a_word_not_a_prefix() -> None:
    # One Latin letter or digit would expand to most of the index (a second per keystroke at
    # x1000); two letters, or one Chinese character, are a prefix.
    assert fts.words_query("s") == '"s"'
    assert fts.words_query("5") == '"5"'
    assert fts.words_query("so") == '"so" *'
    assert fts.words_query("软") == '"软" *'
    # After other words, the letter waits for the next keystroke: "carbon p" narrows "carbon".
    assert fts.words_query("carbon p") == '"carbon"'
    assert fts.words_query("carbon pe") == '"carbon" "pe" *'
    assert fts.words_query("carbon p", prefix_last=False) == '"carbon" "p"'
    # Inside a word the index splits ("follow-up" is "follow" "up"), the same holds for the part.
    assert fts.words_query("follow-u") == '"follow-"'
    assert fts.words_query("follow-up") == '"follow-up" *'
    assert fts.words_query('a"b') == '"a"""'


def test_marked_text_is_escaped_before_it_is_marked() -> None:
    marked = f"<img src=x> {fts.MARK_START}AT&T{fts.MARK_END}"
    assert fts.marked_to_html(marked) == "&lt;img src=x&gt; <b>AT&amp;T</b>"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=30))
def test_every_query_is_valid_fts5(text: str) -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    connection.execute("CREATE VIRTUAL TABLE g USING fts5(body, tokenize='trigram')")
    connection.execute("INSERT INTO t VALUES ('hello world')")
    for table, query in (("t", fts.words_query(text)), ("g", fts.trigram_query(text))):
        if query is not None:
            connection.execute(f"SELECT * FROM {table} WHERE {table} MATCH ?", (query,)).fetchall()
    connection.close()
