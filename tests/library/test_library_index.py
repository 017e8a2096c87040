"""The library's one search index: it finds what each pack's own search finds, ranked alike,
follows the library as it changes, leaves the open briefing out, and is only a cache."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from fypdesk.content.library_index import LibraryIndex
from fypdesk.content.repository import ContentRepository
from tests.conftest import CONTENT_DB
from tests.example_packs import CHANGED_NUMBER, PACK_ID, build_examplia

BUNDLED = "fyp14-six-industries"
QUERIES = ("5G", "carbon", "sol", "data secur", "digital transformation", "industrial inter", "网")


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LibraryIndex]:
    opened = LibraryIndex.open(tmp_path / "cache" / "library-search.db")
    yield opened
    opened.close()


@pytest.mark.parametrize("query", QUERIES)
def test_one_pack_indexed_finds_what_its_own_search_finds(index: LibraryIndex, query: str) -> None:
    index.sync([(BUNDLED, CONTENT_DB)])
    content = ContentRepository.open(CONTENT_DB)
    try:
        own = [(hit.id, hit.title_html, hit.snippet) for hit in content.search(query, limit=12)]
    finally:
        content.close()
    found = index.search(query, 12)
    assert [(h.hit.id, h.hit.title_html, h.hit.snippet) for h in found] == own
    assert {h.pack for h in found} <= {BUNDLED}


def test_hits_name_their_pack_and_the_open_one_is_left_out(
    index: LibraryIndex, tmp_path: Path
) -> None:
    examplia = build_examplia(tmp_path, 1)
    index.sync([(BUNDLED, CONTENT_DB), (PACK_ID, examplia)])
    assert index.packs() == {BUNDLED, PACK_ID}
    assert {h.pack for h in index.search("stations", 10)} == {PACK_ID}
    assert index.search("stations", 10, exclude=PACK_ID) == []
    everywhere = {h.pack for h in index.search("plan", 30)}
    assert everywhere == {BUNDLED, PACK_ID}
    assert {h.pack for h in index.search("plan", 30, exclude=BUNDLED)} == {PACK_ID}


def test_the_index_follows_the_library(index: LibraryIndex, tmp_path: Path) -> None:
    installed = tmp_path / "library" / f"{PACK_ID}.fypack"
    installed.parent.mkdir()
    build_examplia(tmp_path, 1).replace(installed)
    index.sync([(BUNDLED, CONTENT_DB), (PACK_ID, installed)])
    (before,) = [h for h in index.search("new stations", 10) if h.hit.id == CHANGED_NUMBER]
    assert "40" in before.hit.snippet
    build_examplia(tmp_path, 2).replace(installed)  # a new edition installed over it
    index.sync([(BUNDLED, CONTENT_DB), (PACK_ID, installed)])
    (after,) = [h for h in index.search("new stations", 10) if h.hit.id == CHANGED_NUMBER]
    assert "45" in after.hit.snippet and "40" not in after.hit.snippet
    index.sync([(BUNDLED, CONTENT_DB)])  # removed
    assert index.packs() == {BUNDLED}
    assert index.search("stations", 10) == []


def test_a_pack_that_cannot_be_read_is_left_out(index: LibraryIndex, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.fypack"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    index.sync([("damaged", damaged), (BUNDLED, CONTENT_DB)])
    assert index.packs() == {BUNDLED}
    assert index.search("5G", 5)


@pytest.mark.parametrize(
    "content",
    [b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 8000, b""],
    ids=["text", "damaged", "empty"],
)
def test_an_index_that_is_not_ours_is_made_anew(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "library-search.db"
    path.write_bytes(content)
    index = LibraryIndex.open(path)
    try:
        index.sync([(BUNDLED, CONTENT_DB)])
        assert index.search("5G", 5)
    finally:
        index.close()


def test_an_index_of_another_version_is_made_anew(tmp_path: Path) -> None:
    path = tmp_path / "library-search.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE packs (id TEXT)")
    other.execute("PRAGMA user_version = 99")
    other.commit()
    other.close()
    index = LibraryIndex.open(path)
    try:
        index.sync([(BUNDLED, CONTENT_DB)])
        assert index.packs() == {BUNDLED}
    finally:
        index.close()


def test_a_stopped_sync_keeps_whole_packs_and_finishes_next_time(
    index: LibraryIndex, tmp_path: Path
) -> None:
    examplia = build_examplia(tmp_path, 1)
    asked: list[int] = []

    def stop_after_one() -> bool:
        asked.append(1)
        return len(asked) > 1

    index.sync([(BUNDLED, CONTENT_DB), (PACK_ID, examplia)], stop_after_one)
    assert index.packs() == {BUNDLED}  # the first pack whole, the second not begun
    index.sync([(BUNDLED, CONTENT_DB), (PACK_ID, examplia)])
    assert index.packs() == {BUNDLED, PACK_ID}
    assert {h.pack for h in index.search("stations", 10)} == {PACK_ID}
