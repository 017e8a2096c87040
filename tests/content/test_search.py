"""Search: any string is a valid query, results are ranked and safely highlighted."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fypdesk import fts
from fypdesk.content.constants import TRIGRAM_TABLE, WORDS_TABLE
from fypdesk.content.repository import TITLE_WEIGHT, ContentRepository
from tests.conftest import CONTENT_DB

TROUBLEMAKERS = [
    "who's",
    "AND",
    "OR NOT",
    "(x",
    "NEAR(",
    'a"b',
    '"',
    "*",
    "-",
    "^",
    "<b>x</b>",
    "col:5G",
    "\x00\x02",
    "",
    "   ",
    "NEAR(5G solid, 3)",
    "中文",
    "5G*",
]


@pytest.fixture(scope="module")
def repository() -> ContentRepository:
    return ContentRepository.open(CONTENT_DB)


@pytest.mark.parametrize("query", TROUBLEMAKERS)
def test_troublemakers_never_raise(repository: ContentRepository, query: str) -> None:
    hits = repository.search(query)
    for hit in hits:
        assert "\x02" not in hit.snippet and "\x03" not in hit.snippet


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_string_is_a_valid_query(query: str) -> None:
    repository = ContentRepository.open(CONTENT_DB)
    try:
        repository.search(query, limit=5)
    finally:
        repository.close()


@pytest.mark.parametrize(
    ("query", "plan"),
    [
        ("5G", "ict"),
        ("solid waste", "green"),
        ("open-source", "software"),
        ("vocational", "skills"),
    ],
)
def test_the_right_plan_comes_first(repository: ContentRepository, query: str, plan: str) -> None:
    hits = repository.search(query)
    assert hits, query
    assert hits[0].plan == plan


def test_search_as_you_type_matches_a_prefix(repository: ContentRepository) -> None:
    assert any(hit.plan == "skills" for hit in repository.search("vocat"))


def test_substrings_are_found_through_the_trigram_index(repository: ContentRepository) -> None:
    hits = repository.search("igabit")  # inside "gigabit"
    assert [hit.id for hit in hits][:1] == ["ict/objectives/5g-coverage"]


def test_snippets_mark_matches_and_escape_everything_else(repository: ContentRepository) -> None:
    hit = repository.search("R&D investment")[0]
    assert "<b>" in hit.snippet
    assert "&amp;" in hit.snippet or "&amp;" in hit.title_html
    assert "R&D" not in hit.snippet.replace("&amp;", "")


def test_limit_is_respected(repository: ContentRepository) -> None:
    assert len(repository.search("the", limit=3)) == 3
    assert repository.search("the", limit=0) == ()


# -- ranking within bounds -----------------------------------------------------------------------

TYPED = ("5G", "solid waste", "open-source", "vocational", "big data", "carbon peak", "软件")


def _reference(table: str, match: str, limit: int) -> list[tuple[str, str, str, float]]:
    """The search as one plain query: rank every match, snippet every match (the old way)."""
    connection = sqlite3.connect(CONTENT_DB)
    try:
        return connection.execute(
            f"SELECT s.node_id, highlight({table}, 1, char(2), char(3)),"
            f" snippet({table}, 2, char(2), char(3), '…', 24),"
            f" bm25({table}, 0.0, {TITLE_WEIGHT}, 1.0) AS rank"
            f" FROM {table} AS s JOIN nodes AS n ON n.id = s.node_id"
            f" WHERE {table} MATCH ? ORDER BY rank, n.ord LIMIT ?",
            (match, limit),
        ).fetchall()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "query", sorted({word[:end] for word in TYPED for end in range(1, len(word) + 1)})
)
def test_every_keystroke_finds_what_ranking_every_match_finds(
    repository: ContentRepository, query: str
) -> None:
    expected: dict[str, tuple[str, str, float]] = {}
    for table, match in (
        (WORDS_TABLE, fts.words_query(query)),
        (TRIGRAM_TABLE, fts.trigram_query(query)),
    ):
        if match is None or len(expected) >= 15:
            continue
        for node_id, title, snippet, rank in _reference(table, match, 15):
            expected.setdefault(
                node_id, (fts.marked_to_html(title), fts.marked_to_html(snippet or ""), rank)
            )
    hits = repository.search(query, limit=15)
    assert [(h.id, h.title_html, h.snippet, h.rank) for h in hits] == [
        (node_id, *found) for node_id, found in list(expected.items())[:15]
    ]


def test_index_order_is_document_order() -> None:
    # Equal ranks are ordered by the index's rowid, which must follow the nodes' order.
    connection = sqlite3.connect(CONTENT_DB)
    try:
        for table in (WORDS_TABLE, TRIGRAM_TABLE):
            rows = connection.execute(
                f"SELECT n.ord FROM {table} AS s JOIN nodes AS n ON n.id = s.node_id"
                " ORDER BY s.rowid"
            ).fetchall()
            assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    finally:
        connection.close()


def test_only_the_first_matches_are_ranked(
    repository: ContentRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    match = fts.words_query("the")
    assert match is not None
    in_order = [row[0] for row in _reference(WORDS_TABLE, match, 1000)]
    assert len(in_order) > 10
    connection = sqlite3.connect(CONTENT_DB)
    try:
        first_five = [
            row[0]
            for row in connection.execute(
                f"SELECT node_id FROM {WORDS_TABLE} WHERE {WORDS_TABLE} MATCH ? LIMIT 5", (match,)
            )
        ]
    finally:
        connection.close()
    monkeypatch.setattr(fts, "RANKED_CANDIDATES", 5)
    hits = repository.search("the", limit=3)
    assert [hit.id for hit in hits] == [node for node in in_order if node in first_five][:3]


def test_a_single_letter_is_a_word_and_a_trailing_letter_waits(
    repository: ContentRepository,
) -> None:
    assert repository.search("carbon p") == repository.search("carbon")
    hits = repository.search("5", limit=50)
    assert hits  # "5 percentage points", "5%", ...
    for hit in hits:  # the number 5 itself, never 50 or 5G
        assert "<b>5</b>" in hit.title_html + hit.snippet
