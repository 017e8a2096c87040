"""Search: any string is a valid query, results are ranked and safely highlighted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fypdesk.content.repository import ContentRepository
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
