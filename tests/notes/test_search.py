"""Notes search: an index keyed by the notes' rowids, exact after every write, ranked in bounds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fypdesk import db, fts
from fypdesk.notes.sqlite import migrate, search
from fypdesk.notes.sqlite.repository import NotesRepository
from fypdesk.notes.sqlite.schema import FTS_TABLES
from fypdesk.notes.sqlite.store import check_notes, open_notes

from .helpers import PLAN_ID, TARGET_ID, FakeClock


def _index_rows(path: Path, table: str) -> list[tuple[int, str, str]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            f"SELECT rowid, uuid, body FROM {table} ORDER BY rowid"
        ).fetchall()
    finally:
        connection.close()


def _note_rows(path: Path) -> list[tuple[int, str, str]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT rowid, uuid, body FROM notes ORDER BY rowid").fetchall()
    finally:
        connection.close()


def test_every_write_keeps_one_index_row_per_note_keyed_by_its_rowid(
    repo: NotesRepository,
) -> None:
    first = repo.add_note(TARGET_ID, "alpha beta")
    second = repo.add_note(PLAN_ID, "gamma", tags=["delta"])
    repo.save_note(first.uuid, "alpha beta epsilon")
    repo.set_note_tags(second.uuid, ["zeta"])
    third = repo.add_note(TARGET_ID, "omicron")
    repo.delete_note(second.uuid)
    for table in FTS_TABLES:
        assert _index_rows(repo.path, table) == _note_rows(repo.path)
    assert [hit.uuid for hit in repo.search("epsilon")] == [first.uuid]
    assert repo.search("zeta") == () and repo.search("gamma") == ()
    assert [hit.uuid for hit in repo.search("omicron")] == [third.uuid]
    assert check_notes(repo) == []


def test_an_index_keyed_to_the_wrong_notes_is_reported_and_rebuilt(repo: NotesRepository) -> None:
    a = repo.add_note(TARGET_ID, "apples")
    b = repo.add_note(TARGET_ID, "pears")
    connection = sqlite3.connect(repo.path)
    with connection:  # what renumbering the notes' rowids (say, by a VACUUM) would leave behind
        for table in FTS_TABLES:
            connection.execute(f"UPDATE {table} SET rowid = rowid + 100")
    connection.close()
    problems = check_notes(repo)
    assert any("keyed to the wrong note" in problem for problem in problems), problems
    with repo.write_transaction() as session:
        search.rebuild(session)
    assert check_notes(repo) == []
    assert [hit.uuid for hit in repo.search("apples")] == [a.uuid]
    assert [hit.uuid for hit in repo.search("pears")] == [b.uuid]


def test_upgrade_from_0002_rekeys_the_index_and_keeps_every_note(
    db_path: Path, clock: FakeClock
) -> None:
    repository = open_notes(db_path, clock=clock)
    kept = repository.add_note(TARGET_ID, "kept through the upgrade", tags=["legacy"])
    gone = repository.add_note(TARGET_ID, "deleted before the upgrade")
    repository.delete_note(gone.uuid)
    repository.close()
    engine = db.writable_engine(db_path)
    try:
        migrate.downgrade(engine, "0002")
    finally:
        engine.dispose()
    connection = sqlite3.connect(db_path)
    with connection:  # 0002 numbered its index rows itself: make them differ from the notes'
        for table in FTS_TABLES:
            connection.execute(f"UPDATE {table} SET rowid = rowid + 7")
    connection.close()

    repository = open_notes(db_path, clock=clock)
    try:
        assert repository.all_notes()[0].uuid == kept.uuid
        for table in FTS_TABLES:
            assert _index_rows(db_path, table) == _note_rows(db_path)
        connection = sqlite3.connect(db_path)
        (ddl,) = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'notes_fts_words'"
        ).fetchone()
        connection.close()
        assert "prefix='2 3'" in ddl  # short prefixes read one list, not every word's
        assert [hit.uuid for hit in repository.search("upgrade")] == [kept.uuid]
        assert repository.search("legacy")[0].tags == ("legacy",)
        repository.save_note(kept.uuid, "edited after the upgrade")
        assert [hit.uuid for hit in repository.search("edited")] == [kept.uuid]
        assert check_notes(repository) == []
    finally:
        repository.close()


def test_only_the_newest_matches_are_ranked(
    repo: NotesRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = [repo.add_note(TARGET_ID, f"budget line {i}") for i in range(6)]
    repo.add_note(TARGET_ID, "budget budget budget")  # the best match, and the newest
    monkeypatch.setattr(fts, "RANKED_CANDIDATES", 3)
    hits = repo.search("budget", limit=10)
    newest = [notes[5].uuid, notes[4].uuid]
    assert len(hits) == 3
    assert hits[0].snippet_html.count("<b>budget</b>") == 3
    assert [hit.uuid for hit in hits[1:]] == newest  # equal ranks: the newer note first


def test_results_are_the_best_ranked_with_snippets_and_tags(repo: NotesRepository) -> None:
    weak = repo.add_note(TARGET_ID, "a long note that mentions coverage once among many words")
    strong = repo.add_note(PLAN_ID, "coverage coverage", tags=["rural", "5G"])
    hits = repo.search("cover")
    assert [hit.uuid for hit in hits] == [strong.uuid, weak.uuid]
    assert hits[0].tags == ("5G", "rural")
    assert hits[0].node_id == PLAN_ID
    assert "<b>coverage</b>" in hits[1].snippet_html
    assert hits[0].rank <= hits[1].rank
    assert [hit.uuid for hit in repo.search("cover", limit=1)] == [strong.uuid]


def test_a_single_letter_is_a_word_and_narrowing_keeps_the_results(repo: NotesRepository) -> None:
    note = repo.add_note(TARGET_ID, "carbon peak by 2030, plan B agreed")
    assert repo.search("c") == ()  # no word "c": one letter is not a prefix of everything
    assert [hit.uuid for hit in repo.search("b")] == [note.uuid]  # the word "B"
    assert [hit.uuid for hit in repo.search("carbon p")] == [note.uuid]
    assert [hit.uuid for hit in repo.search("carbon pe")] == [note.uuid]
    assert repo.search("carbon pez") == ()
